"""The head of a report runs to where its body begins, however long the portal's chrome above it
(issue 16, point 3): a full menu of links pushes the title and the 发布时间 line far down the
page, and both are still the report's; a date line in the chrome is not taken over the one
beside the title."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.metadata import HEAD_LINES, find_title, head_of, published_date, resolve_agency

LINKS = (
    "首页",
    "政务公开",
    "政策解读",
    "财政预决算",
    "办事指南",
    "领导信箱",
    "疫情防控",
    "统计公报",
    "开放目录",
)
TITLES = (
    "2024年新乡市牧野区行政审批服务局政府信息公开工作年度报告",
    "衡阳市公共资源交易中心2020年政府信息公开工作年度报告",
    "杭州市西湖区住房和城乡建设局2023年度政府信息公开工作年度报告",
)
INTRO = (
    "本报告根据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开办公室的要求编制，"
    "所列数据的统计期限自1月1日起至12月31日止。"
)
dates = st.dates(dt.date(2015, 1, 1), dt.date(2026, 12, 31))


@st.composite
def pages(draw) -> tuple[list[str], str, dt.date]:
    """A page's lines: a menu of any length, a metadata block, the title, the date line, the body."""
    menu = draw(st.lists(st.sampled_from(LINKS), min_size=0, max_size=150))
    title = draw(st.sampled_from(TITLES))
    date = draw(dates)
    label = draw(st.sampled_from(("发布时间:", "发布日期:", "时间:")))
    printed = draw(st.sampled_from((date.isoformat(), f"{date.year}年{date.month:02d}月{date.day:02d}日")))
    info = [f"{label}{printed} 来源:本站 浏览次数:12"]
    if draw(st.booleans()):
        info = [label, printed]
    chrome = ["您好,欢迎访问本站门户网站!无障碍浏览 | 长者模式", *menu, "当前位置:首页 > 政务公开"]
    lines = [*chrome, "索引号:11410711/2025-00012 成文日期:2025-01-02", title, *info, INTRO, "一、总体情况"]
    return lines, title, date


@settings(max_examples=300, deadline=None)
@given(pages())
def test_the_title_and_date_below_any_menu_are_found(case) -> None:
    lines, title, date = case
    found = find_title(lines, lines, {"page_title": "牧野区人民政府", "heading": "牧野区人民政府"})
    assert found is not None and found.text == title
    assert published_date(lines, {}, {}, []) == date
    assert resolve_agency(found, lines, lines, {}, []) is not None


@settings(max_examples=100, deadline=None)
@given(pages(), dates)
def test_the_date_nearest_the_title_is_the_publication(case, other: dt.date) -> None:
    lines, title, date = case
    at = lines.index(title)
    lines = [*lines[: at - 1], f"更新时间:{other.isoformat()}", *lines[at - 1 :]]
    lines = [f"更新时间:{other.isoformat()}", *lines]
    assert published_date(lines, {}, {}, []) == date


def test_the_head_is_never_shorter_than_its_minimum_and_ends_at_the_body() -> None:
    short = ["标题", INTRO, *["一行"] * 60]
    assert head_of(short) == short[:HEAD_LINES]
    long = [*["菜单"] * 70, TITLES[0], "发布时间:2025-01-28", INTRO, *["正文"] * 30]
    assert head_of(long) == long[:72]
    chapter = [*["菜单"] * 70, TITLES[0], "一、总体情况", INTRO]
    assert head_of(chapter) == chapter[:71]
    no_body = ["菜单"] * 100  # no sentence or chapter: the minimum only
    assert head_of(no_body) == no_body[:HEAD_LINES]


@settings(max_examples=100, deadline=None)
@given(pages())
def test_a_notice_sentence_above_the_menus_does_not_end_the_head(case) -> None:
    """A site notice (a sentence) before the menus: the head still runs to the title's body."""
    lines, title, date = case
    notice = "为了获得更好的浏览体验，建议您使用IE9及以上版本浏览器或者谷歌、火狐等浏览器访问本网站。"
    lines = [notice, *lines]
    found = find_title(lines, lines, {})
    assert found is not None and found.text == title
    assert published_date(lines, {}, {}, []) == date


def test_the_links_to_other_reports_below_the_chapters_are_not_the_title() -> None:
    """No title before the chapters: a link to another report at the page's foot is not taken."""
    lines = [
        *["菜单"] * 50,
        "发布时间:2025-01-28",
        INTRO,
        "一、总体情况",
        *["正文"] * 10,
        "上一篇:2023年某市统计局政府信息公开工作年度报告",
    ]
    assert head_of(lines) == lines[:51]
    assert find_title(lines, lines, {}) is None
    assert published_date(lines, {}, {}, []) == dt.date(2025, 1, 28)
