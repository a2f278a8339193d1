"""Property tests: random tables rendered in every shape read back cell for cell."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.parser import parse_bytes
from ingest.records import ParsedReport, RawFile
from report_render import ARTICLE20, appeal_rows, application_rows, article20_rows, render
from synthetic.template import APPLICANTS as TEMPLATE_APPLICANTS
from synthetic.template import outcomes

SHAPES = ["html", "text_cells", "text_pipes", "text_tabs"]
OUTCOMES = {template: list(outcomes(template)) for template in ("gb2019", "gb2021")}
APPLICANTS = list(TEMPLATE_APPLICANTS)
KINDS = ["administrative_review", "litigation_direct", "litigation_after_review"]
RESULTS = ["upheld", "corrected", "other", "pending", "total"]

counts = st.one_of(st.none(), st.integers(0, 99_999).map(Decimal))
signed = st.one_of(st.none(), st.integers(-500, 500).map(Decimal))


@st.composite
def reports(draw):
    template = draw(st.sampled_from(["gb2019", "gb2021"]))
    shape = draw(st.sampled_from(SHAPES))
    article20 = {}
    for _clause, items, measures in ARTICLE20[template]:
        for item in items:
            for measure in measures:
                article20[(item, measure)] = draw(signed if measure == "change" else counts)
    applications = {(o, a): draw(counts) for o in OUTCOMES[template] for a in range(7)}
    appeals = [draw(counts) for _ in range(15)]
    return template, shape, article20, applications, appeals


def parse_text(text: str, shape: str) -> ParsedReport:
    extension = ".html" if shape == "html" else ".txt"
    raw = RawFile(f"synthetic{extension}", "0" * 64, len(text), extension)
    outcome = parse_bytes(raw, text.encode("utf-8"))
    assert isinstance(outcome, ParsedReport), outcome
    return outcome


def titled_tables(case) -> tuple[str, list]:
    """A drawn report's title and its three tables' rows, as the renderers take them."""
    template, _, article20, applications, appeals = case
    year = 2022 if template == "gb2021" else 2020
    tables = [
        article20_rows(template, article20),
        application_rows(OUTCOMES[template], applications),
        appeal_rows(appeals),
    ]
    return f"某市公共资源交易中心{year}年政府信息公开工作年度报告", tables


@settings(max_examples=120, deadline=None)
@given(reports())
def test_tables_round_trip(case) -> None:
    template, shape, article20, applications, appeals = case
    title, tables = titled_tables(case)
    year = 2022 if template == "gb2021" else 2020
    headings = [
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    report = parse_text(render(shape, title, tables, headings), shape)

    assert report.template_version == template
    assert report.report_year == year
    got_article20 = {(f.item_code, f.measure_code): f.value for f in report.disclosures}
    assert got_article20 == article20
    got_applications = {(f.outcome_code, f.applicant_type): f.value for f in report.applications}
    assert got_applications == {(o, APPLICANTS[a]): v for (o, a), v in applications.items()}
    got_appeals = [f.value for f in report.appeals]
    assert [(f.appeal_kind, f.result_code) for f in report.appeals] == [
        (k, r) for k in KINDS for r in RESULTS
    ]
    assert got_appeals == appeals
    assert report.unmapped == []
