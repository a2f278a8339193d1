"""Prose as a person reads it: generated sentence forms (synthetic.prose) read back to their facts.

Each form states its facts in the generator's own words (not the parser's vocabulary); the
parser must find every fact with its code, value and flags (approximate, other scope), and no
other fact, in any order of forms, numerals (Arabic or Chinese) and wordings.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expected_values import parse_path
from ingest.numbers import fold_width
from ingest.prose import ProseFacts, chinese_number, extract_prose, figures
from synthetic import prose as forms

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "reports"

seeds = st.integers(0, 2**32 - 1)
small = st.integers(0, 40)
OUTCOME_CODES = sorted(forms.OUTCOME_WORDS)


def read(text: str, template: str = "pre2019") -> ProseFacts:
    lines = [fold_width(line) for line in text.split("\n")]
    return extract_prose(lines, lines, template)


def stated(facts: ProseFacts) -> dict[str, tuple[int, bool, bool]]:
    """The facts read, keyed as synthetic.prose.Stated keys them."""
    found: dict[str, tuple[int, bool, bool]] = {}

    def put(key: str, value: Decimal | None, approximate: bool, other: bool) -> None:
        key += "@area" if other else ""
        assert key not in found, f"{key} read twice"
        assert value is not None
        found[key] = (int(value), approximate, other)

    for f in facts.applications:
        assert f.applicant_type == "total" and f.source_method == "prose"
        put(f"applications:{f.outcome_code}", f.value, f.approximate, f.other_scope)
    for f in facts.appeals:
        assert f.result_code == "total"
        put(f"appeals:{f.appeal_kind}", f.value, f.approximate, f.other_scope)
    for f in facts.disclosures:
        if f.item_code == "published_information":
            put(f"published:{f.channel}", f.value, f.approximate, f.other_scope)
        else:
            put(f"documents:{f.item_code}.{f.measure_code}", f.value, f.approximate, f.other_scope)
    return found


def test_chinese_numerals() -> None:
    assert [chinese_number(t) for t in ("十二", "一百零五", "百", "两千三百", "二十", "一万零五")] == [
        12,
        105,
        100,
        2300,
        20,
        10005,
    ]
    assert chinese_number("一二") is None


@given(st.integers(1, 9999))
def test_chinese_numerals_read_back(n: int) -> None:
    assert chinese_number(forms.chinese_numeral(n)) == n


def test_figures_are_not_article_numbers_nor_tails_of_numbers() -> None:
    text = "依据《条例》第二十条规定，全年共受理群众和企业申请事项41.48 万件，十五个工作日内答复"
    assert [(f.value, f.unit) for f in figures(text)] == [(Decimal("414800.00"), "件")]


@settings(max_examples=300, deadline=None)
@given(seeds, small, st.dictionaries(st.sampled_from(OUTCOME_CODES), small, max_size=6), st.booleans())
def test_requests_and_their_outcomes(
    seed: int, received: int, outcomes: dict[str, int], uncoded: bool
) -> None:
    form = forms.requests_statement(random.Random(seed), received, outcomes, uncoded=3 if uncoded else None)
    facts = read(form.text)
    assert stated(facts) == form.facts, form.text
    assert len(facts.unmapped) == form.unmapped, form.text


@settings(max_examples=200, deadline=None)
@given(seeds, small, small, small)
def test_summary_sentences(seed: int, received: int, processed: int, forward: int) -> None:
    form = forms.summary_statement(random.Random(seed), received, processed, forward)
    assert stated(read(form.text, "gb2021")) == form.facts, form.text


@settings(max_examples=200, deadline=None)
@given(seeds, small, st.one_of(st.none(), small), st.one_of(st.none(), small))
def test_appeals_sentences(seed: int, reviews: int, direct: int | None, after: int | None) -> None:
    form = forms.appeals_statement(random.Random(seed), reviews, direct, after)
    assert stated(read(form.text, "gb2019")) == form.facts, form.text


def test_a_litigation_figure_of_no_kind_is_no_cell() -> None:
    facts = read("本年度因政府信息公开被申请行政复议2件、提起行政诉讼3件。", "gb2019")
    assert stated(facts) == {"appeals:administrative_review": (2, False, False)}
    # kept as a statement with no code; text_table_agreement compares it with direct + after review
    assert [(u.section, u.row_label, u.column_label, u.value) for u in facts.unmapped] == [
        ("appeals", "提起行政诉讼", "prose", Decimal(3))
    ]


@settings(max_examples=300, deadline=None)
@given(
    seeds,
    st.dictionaries(st.sampled_from(sorted(forms.PART_WORDS)), st.integers(1, 5000), min_size=1, max_size=4),
    st.sets(st.sampled_from(["all", *sorted(forms.PART_WORDS)]), max_size=2),
    st.integers(-50, 50),
)
def test_a_total_and_its_channels(
    seed: int, parts: dict[str, int], approximate: set[str], error: int
) -> None:
    """The total need not be the parts' sum (a publisher's error is read as printed)."""
    if {"wechat", "weibo"} <= set(parts) and "wechat_weibo" in parts:
        parts.pop("wechat_weibo")
    total = max(1, sum(parts.values()) + error)
    form = forms.published_statement(random.Random(seed), total, parts, frozenset(approximate))
    assert stated(read(form.text)) == form.facts, form.text


@settings(max_examples=200, deadline=None)
@given(seeds, st.sampled_from(["全区", "全市", "全县"]), st.integers(50, 900), small, small)
def test_a_figure_of_the_whole_area_is_another_scope(
    seed: int, area: str, total: int, own: int, granted: int
) -> None:
    form = forms.scoped_statement(random.Random(seed), area, total, own, granted)
    assert stated(read(form.text, "gb2021")) == form.facts, form.text


@settings(max_examples=200, deadline=None)
@given(seeds, st.sampled_from(["gb2019", "gb2021"]), st.integers(0, 300))
def test_article20_documents(seed: int, template: str, count: int) -> None:
    form = forms.documents_statement(random.Random(seed), template, count)
    assert stated(read(form.text, template)) == form.facts, form.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a service hall's business is no request for information
        ("全年共受理群众和企业申请事项41.48万件，共受理网上申请复工复产业务593件。", {}),
        # outcomes are read only after a statement of requests in their paragraph
        ("全年主动公开信息120条，同意公开的栏目有3个，部分公开5件。", {"published:all": (120, False, False)}),
        # a figure before its words (2件同意公开); the words after 1件 run to the sentence's end
        (
            "2015年，我局共受理政府信息公开申请3件，均按时答复，其中2件同意公开，"
            "1件因不属于本机关公开范围，告知申请人向有关部门申请。",
            {
                "applications:new_received": (3, False, False),
                "applications:granted": (2, False, False),
                "applications:unable_not_held": (1, False, False),
            },
        ),
        # the received figure is the one after 申请, not a later one of its sentence
        (
            "全年共受理政府信息公开申请五件,0件申请内容不明确。",
            {
                "applications:new_received": (5, False, False),
                "applications:unable_unclear": (0, False, False),
            },
        ),
        # approximate figures are kept, flagged
        (
            "全年共收到政府信息公开申请近百件，其中同意公开约60件。",
            {
                "applications:new_received": (100, True, False),
                "applications:granted": (60, True, False),
            },
        ),
    ],
)
def test_sentences_read_as_a_person_reads_them(text: str, expected: dict) -> None:
    assert stated(read(text)) == expected


def test_a_scope_word_counts_in_its_sentence_only() -> None:
    """全省 of an earlier sentence (评为全省先进单位) is no scope of a later figure; 其中 goes on
    with the sentence before, whose 全区 it keeps."""
    text = (
        "中心被评为全省信息化建设先进单位。全年主动公开信息120条，其中中心网站发布100条、微信公众号20条。"
        "全区共受理政府信息公开申请500件。其中，同意公开300件。"
    )
    assert stated(read(text, "gb2021")) == {
        "published:all": (120, False, False),
        "published:website": (100, False, False),
        "published:wechat": (20, False, False),
        "applications:new_received@area": (500, False, True),
        "applications:granted@area": (300, False, True),
    }


@pytest.mark.parametrize("name", ["gb2021_word_export.txt", "hz_gb2021_portal.html"])
def test_the_samples_summary_sentences_repeat_their_tables(name: str) -> None:
    """全年共收到政府信息公开申请56件，上年结转4件，本年度办结57件，结转下年度继续办理3件: each
    figure a prose fact beside the table's cell (text_table_agreement compares them)."""
    report = parse_path(SAMPLES / name)
    cells = {
        (f.source_method, f.outcome_code): f.value for f in report.applications if f.applicant_type == "total"
    }
    summary = ["new_received", "carried_over", "total_processed", "carried_forward"]
    assert [cells.get(("prose", code)) for code in summary] == [cells[("table", code)] for code in summary]


def test_a_listed_part_naming_no_channel_is_kept_without_a_code() -> None:
    """其中门户网站980条、工作动态124条: the parts are not all channels (text_parts_sum is then not
    assessable); 工作动态 is kept as a statement with no code, 980 as the website's count."""
    facts = read("全年主动公开信息1204条，其中门户网站980条、工作动态124条、通知公告约100条。", "gb2021")
    assert stated(facts) == {"published:all": (1204, False, False), "published:website": (980, False, False)}
    assert [(u.section, u.row_label, u.column_label, u.value) for u in facts.unmapped] == [
        ("published_information", "工作动态", "prose", Decimal(124)),
        ("published_information", "通知公告", "prose_approximate", Decimal(100)),
    ]
    # figures of another kind after the list (点击量120万次) or before the total are no parts
    facts = read("中心上报各类信息53条，全年主动公开政府信息356条，其中网站发布200条，网站点击量120万次。")
    assert facts.unmapped == []
