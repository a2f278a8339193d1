"""A title wrapped over two or three lines is one title (issue 15, point 3): real titles, wrapped
at any point, are found whole, as a PDF's text layer or another tool's extraction breaks them."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.metadata import find_title

# titles as agencies print them (the seeds' and samples', and their variants)
TITLES = (
    "衡阳市公共资源交易中心2020年政府信息公开工作年度报告",
    "驻马店市公共资源交易中心2024年政府信息公开工作年度报告",
    "济宁市公共资源交易服务中心汶上分中心2020年政府信息公开工作年度报告",
    "天水市公共资源交易中心2016年政府信息公开工作年度报告",
    "黄冈市政务服务和大数据管理局2020年政府信息公开工作年度报告",
    "杭州市西湖区住房和城乡建设局2023年政府信息公开工作年度报告",
    "2021年杭州市西湖区人民政府政府信息公开工作年度报告",
    "市公共资源交易中心2019年度政府信息公开工作年度报告",
)
BODY = ["", "一、总体情况", "2020年，在市委、市政府的正确领导下，本中心认真贯彻落实《条例》。"]
BEFORE = ([], [""], ["首页 > 政务公开 > 年度报告", ""], ["来源：", "本站", ""])


@st.composite
def wrapped(draw) -> tuple[str, list[str]]:
    title = draw(st.sampled_from(TITLES))
    pieces = draw(st.integers(2, 3))
    cuts = sorted(
        draw(st.lists(st.integers(1, len(title) - 1), min_size=pieces - 1, max_size=pieces - 1, unique=True))
    )
    bounds = [0, *cuts, len(title)]
    lines = [title[a:b] for a, b in itertools.pairwise(bounds)]
    return title, [*draw(st.sampled_from(BEFORE)), *lines, *BODY]


@settings(max_examples=400, deadline=None)
@given(wrapped())
def test_a_wrapped_title_is_one_title(case: tuple[str, list[str]]) -> None:
    title, lines = case
    found = find_title(lines, lines, {})
    assert found is not None and found.text == title, (lines, found)


def test_a_title_on_one_line_stays_itself_whatever_follows() -> None:
    title = TITLES[0]
    lines = [title, "发布日期：2021-01-28", "2020年是全面建成小康社会之年。", *BODY]
    found = find_title(lines, lines, {})
    assert found is not None and found.text == title
