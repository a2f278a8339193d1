"""A table pasted as text, one row a line and its cells apart by a TAB, one space or padding
spaces, reads as the table it is (issue 16, point 3): the same facts as the HTML table."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st
from test_parser_properties import APPLICANTS, OUTCOMES, parse_text, reports, titled_tables

from ingest.layout import is_figure_row, layout_text, row_cells, text_shape
from report_render import appeal_rows, application_rows, article20_rows, render
from synthetic.shapes import ROW_SEPARATORS, cells_text, plain_grid, rows_text

HEADINGS = [
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
]


def facts(report) -> tuple:
    return (
        report.template_version,
        report.report_year,
        report.agency_name,
        {(f.item_code, f.measure_code): f.value for f in report.disclosures},
        {(f.outcome_code, f.applicant_type): f.value for f in report.applications},
        [(f.appeal_kind, f.result_code, f.value) for f in report.appeals],
        report.unmapped,
    )


@settings(max_examples=120, deadline=None)
@given(reports(), st.sampled_from(ROW_SEPARATORS))
def test_a_table_pasted_row_per_line_gives_the_facts_of_the_html_table(case, separator: str) -> None:
    title, tables = titled_tables(case)
    article20, appeals = case[2], case[4]
    page = parse_text(render("html", title, tables, HEADINGS), "html")
    pasted = parse_text(render("text_rows", title, tables, HEADINGS, separator), "text_rows")
    assert pasted.source_shape == "text_rows"
    assert facts(pasted) == facts(page)
    assert {(f.item_code, f.measure_code): f.value for f in pasted.disclosures} == article20
    assert [f.value for f in pasted.appeals] == appeals


labels = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=30)
figures = st.one_of(
    st.integers(0, 10**7).map(str),
    st.integers(0, 10**7).map(lambda n: f"{n:,}"),
    st.decimals(0, 10**5, places=2).map(str),
    st.sampled_from(["—", "-", "/", "0"]),
)


@settings(max_examples=300, deadline=None)
@given(labels, st.lists(figures, min_size=1, max_size=8), st.sampled_from(ROW_SEPARATORS))
def test_a_row_line_splits_into_its_cells(label: str, values: list[str], separator: str) -> None:
    line = rows_text(plain_grid([[label, *values]]), separator, "—").rstrip("\n")
    assert row_cells(line) == [label, *values]
    assert is_figure_row(line)


def test_a_blank_between_tabs_is_a_blank_cell_and_a_row_left_blank_is_a_row() -> None:
    assert row_cells("规章\t0\t\t3") == ["规章", "0", "", "3"]
    assert is_figure_row("规章\t\t\t")
    assert not is_figure_row("规章   ")  # no cell after the label: a line, not a row


def test_lines_of_prose_and_page_chrome_are_not_rows() -> None:
    for line in (
        "2024年，本机关认真贯彻落实《条例》，全年主动公开政府信息 2127 条。",
        "发布时间:2025-01-28 08:41      来源:区行政审批服务局     浏览量:",
        "    一、总体情况",
        "第二十条第（一）项",
        "信息内容  本年制发件数  本年废止件数  现行有效件数",  # a header row: a row, not of figures
    ):
        assert not is_figure_row(line), line


def test_a_page_copy_of_paragraphs_is_no_row_shape() -> None:
    """A text of one cell a paragraph (figures on lines of their own) stays text_cells."""
    text = "\n\n".join(["规章", "0", "0", "0", "行政规范性文件", "1", "2", "3"] * 4)
    assert text_shape(text) == "text_cells"
    rows = "\n".join(["行政许可  12", "行政处罚\t3", "行政强制 0"] * 4)
    assert text_shape(rows) == "text_rows"
    doc = layout_text(rows)
    assert doc.tokens.raw[:6] == ["行政许可", "12", "行政处罚", "3", "行政强制", "0"]
    assert doc.tokens.row_start[:6] == [True, False] * 3
    assert all(doc.tokens.in_table[:6])


@settings(max_examples=60, deadline=None)
@given(reports(), st.sampled_from(ROW_SEPARATORS))
def test_a_page_copy_mixing_rows_and_one_cell_a_line_reads_both(case, separator: str) -> None:
    """The Article 20 tables copied one cell a line, the others pasted a row a line."""
    template, _, article20, applications, appeals = case
    year = 2022 if template == "gb2021" else 2020
    blank = "" if separator == "tab" else "—"
    cells = cells_text(plain_grid(article20_rows(template, article20)))
    text = "\n".join([f"某市公共资源交易中心{year}年政府信息公开工作年度报告", "发布时间：2021-01-20"]) + "\n"
    text += HEADINGS[0] + "\n" + "".join(f"{cell}\n" for cell in cells.split("\n\n") if cell)
    text += HEADINGS[1] + "\n"
    text += rows_text(plain_grid(application_rows(OUTCOMES[template], applications)), separator, blank)
    text += HEADINGS[2] + "\n" + rows_text(plain_grid(appeal_rows(appeals)), separator, blank)
    report = parse_text(text, "text_rows")
    assert report.source_shape == "text_rows"
    assert {(f.item_code, f.measure_code): f.value for f in report.disclosures} == article20
    got = {(f.outcome_code, f.applicant_type): f.value for f in report.applications}
    assert got == {(o, APPLICANTS[a]): v for (o, a), v in applications.items()}
    assert [f.value for f in report.appeals] == appeals


@settings(max_examples=40, deadline=None)
@given(reports(), st.sampled_from(ROW_SEPARATORS), st.booleans())
def test_a_web_page_holding_the_rows_as_text_reads_them(case, separator: str, pre: bool) -> None:
    """The same rows in a web page, in a ``<pre>`` or a ``<p>`` a row (spaces as &nbsp;)."""
    title, tables = titled_tables(case)
    _, _, article20, applications, appeals = case
    text = render("text_rows", title, tables, HEADINGS, separator)
    if pre:
        body = f"<pre>{html.escape(text)}</pre>"
    else:
        body = "".join(f"<p>{html.escape(line).replace('  ', '&nbsp; ')}</p>" for line in text.split("\n"))
    report = parse_text(f"<html><head><title>{title}</title></head><body>{body}</body></html>", "html")
    assert report.source_shape == "text_rows"
    assert {(f.item_code, f.measure_code): f.value for f in report.disclosures} == article20
    got = {(f.outcome_code, f.applicant_type): f.value for f in report.applications}
    assert got == {(o, APPLICANTS[a]): v for (o, a), v in applications.items()}
    assert [f.value for f in report.appeals] == appeals
