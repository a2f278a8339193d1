"""Text another tool extracted from a PDF, its tables as markdown fragments (issue 15, points 5 and 7).

Generated reports rendered by :mod:`synthetic.markdown` with its defects (pages, page numbers,
running headers, repeated and generic header rows, lost labels, cut labels, glued figures)
parse back to the truth of what is recoverable: every fact a lost label's place decides, the
others as unmapped cells with a warning, glued figures never split.
"""

from __future__ import annotations

import copy
import hashlib
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.parser import parse_bytes
from ingest.records import ParsedReport, RawFile
from synthetic.corpus import iter_corpus
from synthetic.markdown import PAGE_NUMBERS, Defects, render_markdown
from synthetic.style import Style
from synthetic.truth import ReportTruth
from synthetic.values import Shares

STYLE = Style("text_cells", "portal", "utf-8", "simplified", "right", "name_year", "发布时间")
DEFECTS = [
    Defects(),
    Defects(rows_per_page=6, page_number="dash", lost_labels=0.1, cut_labels=0.2, glued=0.05),
    Defects(rows_per_page=9, page_number="chinese", repeat_header=True, lost_labels=0.15),
    Defects(rows_per_page=5, page_number="fraction", generic_header=True, cut_labels=0.3, glued=0.1),
    Defects(rows_per_page=7, page_number="bare", number_in_table=True, lost_labels=0.1, outer_pipes=False),
]


def truths(count: int, seed: int) -> list[ReportTruth]:
    shares = Shares(error=0.2, blank=0.25, variant=0.5, traps=0.0)
    return [
        item.truth
        for item in iter_corpus(count, seed, shares, 0.0)
        if isinstance(item.truth, ReportTruth) and item.truth.template_version != "pre2019"
    ]


def parse(data: bytes, extension: str = ".md") -> ParsedReport:
    raw = RawFile(f"extracted{extension}", hashlib.sha256(data).hexdigest(), len(data), extension)
    report = parse_bytes(raw, data)
    assert isinstance(report, ParsedReport), report
    return report


def table(facts, first: str, second: str) -> dict:
    return {(getattr(f, first), getattr(f, second)): f.value for f in facts if f.source_method == "table"}


def mismatches(truth: ReportTruth, unmapped, report: ParsedReport) -> list[str]:
    got = {
        "agency_name": report.agency_name,
        "report_year": report.report_year,
        "template_version": report.template_version,
        "source_shape": report.source_shape,
        "disclosures": table(report.disclosures, "item_code", "measure_code"),
        "applications": table(report.applications, "outcome_code", "applicant_type"),
        "appeals": table(report.appeals, "appeal_kind", "result_code"),
        "unmapped": sorted((u.section, u.row_label, u.value) for u in report.unmapped),
    }
    want = {
        "agency_name": truth.agency.name,
        "report_year": truth.report_year,
        "template_version": truth.template_version,
        "source_shape": "text_markdown",
        "disclosures": truth.disclosures,
        "applications": truth.applications,
        "appeals": truth.appeals,
        "unmapped": sorted(unmapped),
    }
    return [f"{truth.path} {k}: {want[k]!r} != {got[k]!r}" for k in want if want[k] != got[k]]


@pytest.fixture(scope="module")
def corpus() -> list[tuple[ReportTruth, Defects, list, ParsedReport]]:
    found = []
    for n, truth in enumerate(truths(160, 7)):
        defects = DEFECTS[n % len(DEFECTS)]
        data, unmapped = render_markdown(truth, STYLE, defects, random.Random(n))
        found.append((truth, defects, unmapped, parse(data, (".md", ".txt")[n % 2])))
    return found


def test_extracted_markdown_reads_back_to_what_is_recoverable(corpus) -> None:
    problems = [p for truth, _, unmapped, report in corpus for p in mismatches(truth, unmapped, report)]
    assert problems == [], f"{len(problems)} mismatches:\n" + "\n".join(problems[:10])
    assert len(corpus) > 100


def test_the_corpus_holds_every_defect_and_its_warnings(corpus) -> None:
    warnings = {w.code for _, _, _, report in corpus for w in report.warnings}
    assert {"row_label_placed", "row_label_lost", "row_cells_lost"} <= warnings
    assert any(unmapped for _, _, unmapped, _ in corpus)
    assert any("md_glued" in truth.variants for truth, _, _, _ in corpus)


def test_a_glued_figure_is_never_split(corpus) -> None:
    """Each glued figure is one unmapped cell with the printed digits; no fact of its row is kept."""
    for truth, _, unmapped, report in corpus:
        if "md_glued" in truth.variants:
            labels = {label for section, label, _ in unmapped if label}
            assert labels
            assert {u.row_label for u in report.unmapped} >= labels


def test_page_numbers_and_running_headers_are_not_cells() -> None:
    truth = truths(12, 3)[0]
    for form in PAGE_NUMBERS:
        data, unmapped = render_markdown(
            truth, STYLE, Defects(rows_per_page=3, page_number=form), random.Random(1)
        )
        report = parse(data)
        assert unmapped == []
        assert report.unmapped == [], form
        assert table(report.applications, "outcome_code", "applicant_type") == truth.applications, form


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 30),
    st.builds(
        Defects,
        rows_per_page=st.one_of(st.none(), st.integers(2, 12)),
        page_number=st.sampled_from(PAGE_NUMBERS),
        number_in_table=st.booleans(),
        repeat_header=st.booleans(),
        generic_header=st.booleans(),
        lost_labels=st.sampled_from([0.0, 0.05, 0.2, 0.5]),
        cut_labels=st.sampled_from([0.0, 0.3, 1.0]),
        glued=st.sampled_from([0.0, 0.1]),
        outer_pipes=st.booleans(),
    ),
    st.integers(0, 2**16),
)
def test_any_mix_of_defects_reads_back(which: int, defects: Defects, seed: int) -> None:
    truth = copy.deepcopy(POOL[which % len(POOL)])  # the renderer writes what is recoverable into it
    data, unmapped = render_markdown(truth, STYLE, defects, random.Random(seed))
    assert mismatches(truth, unmapped, parse(data)) == []


def test_lost_labels_at_every_page_break_are_placed() -> None:
    """Two rows to a page, half of them without labels: many fragments start with a row of figures
    (the tool took it for the header), often the same figures; each is a row, not a repeated header."""
    for which in (26, 27, 29, 30):
        truth = copy.deepcopy(POOL[which])
        defects = Defects(rows_per_page=2, page_number="dash", lost_labels=0.5)
        data, unmapped = render_markdown(truth, STYLE, defects, random.Random(0))
        assert mismatches(truth, unmapped, parse(data)) == []


POOL = truths(60, 21)


def test_a_row_of_blanks_alone_on_a_page_is_a_row_of_nulls() -> None:
    """The appeals table's one row of blank cells, alone on the next page: the tool printed it as
    that fragment's header row; it is the row (fifteen NULLs), not a header of no names."""
    rows = [
        "某市统计局2023年政府信息公开工作年度报告",
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议 |  |  |  |  | 行政诉讼 |  |  |  |  |  |  |  |  |  |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 |  |  |  |  "
        "| 复议后起诉 |  |  |  |  |",
        "|  |  |  |  |  | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 "
        "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计",
        "",
        "- 14 -",
        "",
        "|  |  |  |  |  |  |  |  |  |  |  |  |  |  |  |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        "",
        "五、存在的主要问题及改进情况",
    ]
    report = parse("\n".join(rows).encode())
    got = table(report.appeals, "appeal_kind", "result_code")
    assert len(got) == 15 and set(got.values()) == {None}, got
    assert "appeals_unread" not in {w.code for w in report.warnings}


def test_markup_inside_cells() -> None:
    """Escaped pipes, <br> and bold marks inside cells; a header of generic names; no outer pipes."""
    rows = [
        "某市统计局2022年政府信息公开工作年度报告",
        "",
        "二、主动公开政府信息情况",
        "",
        "Column1 | Column2 | Column3 | Column4",
        "---|---|---|---",
        "**第二十条第（一）项** | | |",
        "信息内容 | 本年<br>制发件数 | 本年废止件数 | 现行有效件数",
        "规章 | 1 | 0 | 3",
        "行政规范性文件 | 2 | 1 | 9",
        "",
        "- 2 -",
        "",
        "| Unnamed: 0 | Unnamed: 1 | Unnamed: 2 | Unnamed: 3 |",
        "|:---|---:|---:|---:|",
        "| 第二十条第（五）项 | | | |",
        "| 信息内容 | 本年处理决定数量 | | |",
        "| 行政许可 | 12 | | |",
        "| 第二十条第（六）项 | | | |",
        "| 信息内容 | 本年处理决定数量 | | |",
        "| 行政处罚 | 4 | | |",
        "| 行政强制 \\| 其他 | 5 | | |",
    ]
    report = parse("\n".join(rows).encode())
    got = table(report.disclosures, "item_code", "measure_code")
    assert got[("regulations", "issued")] == Decimal(1)
    assert got[("normative_documents", "in_force")] == Decimal(9)
    assert got[("administrative_licensing", "decisions")] == Decimal(12)
    assert got[("administrative_enforcement", "decisions")] == Decimal(5)
