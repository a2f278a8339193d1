"""Born-digital PDFs (issue 15, points 2, 3, 7): the synthetic reports printed as PDFs read back to
their truth and to the facts of the same report's web page or text; the geometry the reader must
see through (rules or none, a table across a page, running headers, page numbers, a vertical
label, a title over two lines); the document information only as a hint, with a warning."""

from __future__ import annotations

import hashlib
import io
import random
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pypdfium2
import pytest
import test_synthetic_roundtrip as roundtrip
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ingest.parser import parse_bytes
from ingest.pdf import (
    PAGE_NUMBER,
    SHARED_FONTS,
    Fonts,
    Lost,
    PageContent,
    layout_pdf,
    read_page,
    read_pages,
    recover_lost,
    shown_items,
    shown_text,
)
from ingest.records import ParsedReport, RawFile, Rejection
from synthetic.corpus import iter_corpus
from synthetic.pdf import PAGE_MARKS, PdfStyle, draw_pdf_style, render_pdf
from synthetic.truth import ReportTruth
from synthetic.values import Shares

SEED = 46
REPORTS = 40
SHARES = Shares(error=0.25, blank=0.25, variant=0.5, traps=0.1)


def parse(data: bytes, name: str = "report.pdf") -> ParsedReport | Rejection:
    return parse_bytes(RawFile(name, hashlib.sha256(data).hexdigest(), len(data), ".pdf"), data)


def facts(report: ParsedReport) -> dict:
    return {
        "report_year": report.report_year,
        "agency_name": report.agency_name,
        "template_version": report.template_version,
        **roundtrip.parsed_facts(report, amount_text=False),
    }


def truth_facts(truth: ReportTruth) -> dict:
    return {
        "report_year": truth.report_year,
        "agency_name": truth.agency.name,
        "template_version": truth.template_version,
        **roundtrip.truth_facts(truth, amount_text=False),
    }


@pytest.fixture(scope="module")
def printed() -> list[tuple[ReportTruth, bytes, bytes, PdfStyle]]:
    """(truth, the PDF, the same report as the generator's page or text, the PDF's style)."""
    found = []
    for n, item in enumerate(iter_corpus(REPORTS, SEED, SHARES, 0.0)):
        truth = item.truth
        if not isinstance(truth, ReportTruth) or truth.script != "simplified":
            continue  # traditional reports: the PDF is printed in simplified script
        rng = random.Random(f"pdf-{n}")
        style = draw_pdf_style(rng)
        found.append((truth, render_pdf(truth, rng, style), item.data, style))
    return found


def test_every_pdf_reads_back_to_its_truth(printed) -> None:
    problems = []
    for truth, data, _, style in printed:
        report = parse(data)
        if not isinstance(report, ParsedReport):
            problems.append(f"{truth.path}: rejected {report.error_code}: {report.error_message}")
            continue
        want, got = truth_facts(truth), facts(report)
        problems += [
            f"{truth.path} {style} {k}: {want[k]!r} != {got[k]!r}" for k in want if got[k] != want[k]
        ]
        if report.published_date != truth.published_date:
            problems.append(f"{truth.path}: published {report.published_date} != {truth.published_date}")
        assert report.source_format == "pdf"
    assert problems == [], "\n".join(problems[:10])
    styles = {(s.ruled_article20, s.page_mark, s.running_header) for _, _, _, s in printed}
    assert {r for r, _, _ in styles} == {True, False} and {m for _, m, _ in styles} == set(PAGE_MARKS)


def test_a_pdf_and_the_same_reports_page_give_the_same_facts(printed) -> None:
    compared = 0
    for truth, data, page, _ in printed:
        if "title_guanyu" in truth.variants or "rejected" in truth.variants:
            continue
        extension = Path(truth.path).suffix
        web = parse_bytes(RawFile(truth.path, hashlib.sha256(page).hexdigest(), len(page), extension), page)
        if not isinstance(web, ParsedReport) or facts(web) != truth_facts(truth):
            continue  # a known gap of the text readers (tests/test_synthetic_roundtrip.py)
        report = parse(data)
        assert isinstance(report, ParsedReport)
        assert facts(report) == facts(web), truth.path
        compared += 1
    assert compared >= len(printed) // 2


def test_a_pdf_with_its_cjk_font_embedded_reads_every_character_first_time(printed) -> None:
    """As Word and WPS export a report: a TrueType subset embedded with its ToUnicode map. PDFium reads
    every character (nothing for pdfminer.six to recover) and the facts are the truth's."""
    embedded = [(truth, pdf) for truth, pdf, _, style in printed if style.embedded_font]
    assert len(embedded) >= 5
    for truth, pdf in embedded:
        document = pypdfium2.PdfDocument(pdf)
        assert not any(read_page(document[n], n + 1).lost for n in range(len(document))), truth.path
        document.close()
        report = parse(pdf)
        assert isinstance(report, ParsedReport) and facts(report) == truth_facts(truth), truth.path


def test_an_unruled_table_of_blank_cells_only_is_a_table_of_nulls() -> None:
    """No rule and no figure: the header rows and the labels under them still make the table, whose
    cells are NULL (a blank cell is no fact of 0, and no missing fact either)."""
    truth = next(
        item.truth
        for item in iter_corpus(REPORTS, SEED, SHARES, 0.0)
        if isinstance(item.truth, ReportTruth) and item.truth.template_version == "gb2021"
    )
    truth = replace(truth, disclosures=dict.fromkeys(truth.disclosures))
    style = PdfStyle(ruled_article20=False, page_mark="dash", running_header=False, break_applications=False)
    report = parse(render_pdf(truth, random.Random(3), style))
    assert isinstance(report, ParsedReport)
    got = {(f.item_code, f.measure_code): f.value for f in report.disclosures if f.source_method == "table"}
    assert got == truth.disclosures and set(got.values()) == {None}


def test_the_geometry_the_reader_sees_through(printed) -> None:
    """No page number or running header is a token; the applications table, printed across a page
    break with its header repeated, is one table; the vertical label is one cell; pages kept."""
    for truth, data, _, style in printed[:12]:
        doc = layout_pdf(data)
        tokens = doc.tokens
        prose = [t for t, cell in zip(tokens.raw, tokens.in_table, strict=True) if not cell]
        assert not [t for t in prose if PAGE_NUMBER.match(t.strip())], style.page_mark
        title = f"{truth.agency.title_name}{truth.report_year}年政府信息公开工作年度报告"
        assert tokens.raw.count(title) == 1  # the title once (wrapped or not), no running header
        assert tokens.page is not None and len(tokens.page) == len(tokens.raw)
        assert tokens.page[0] == 1 and tokens.page == sorted(tokens.page)
        if truth.template_version == "pre2019":
            continue
        assert tokens.raw.count("申请人情况") == 1  # the header repeated on the next page, dropped
        heading = tokens.raw.index("三、本年度办理结果")  # one character a line in the PDF
        assert tokens.in_table[heading]
        first, results = tokens.raw.index("申请人情况"), heading
        assert tokens.page[results] == tokens.page[first] + 1  # the table did cross a page


def test_the_document_information_is_only_a_hint_with_a_warning(printed) -> None:
    truth, _, _, style = next(p for p in printed if p[0].template_version == "gb2021")
    data = render_pdf(truth, random.Random(1), replace(style, text_title=False))
    report = parse(data)
    assert isinstance(report, ParsedReport)
    assert report.agency_name == truth.agency.name and report.report_year == truth.report_year
    assert "weak_title_hint" in {w.code for w in report.warnings}
    with_title = parse(render_pdf(truth, random.Random(1), style))
    assert isinstance(with_title, ParsedReport)
    assert not {w.code for w in with_title.warnings} & {"weak_title_hint", "weak_date_hint"}


def lone_characters_pdf() -> bytes:
    """Each character its own text object in a font that is not embedded: PDFium reads none of them."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(100, 760, "衡阳市统计局2021年政府信息公开工作年度报告")
    for n, char in enumerate("三、本年度办理结果"):
        pdf.drawString(100, 700 - 14 * n, char)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


LONE = "三、本年度办理结果"


def without_a_cjk_font(data: bytes) -> list[PageContent]:
    """lone_characters_pdf's page as PDFium reads it where no system font stands in for
    STSong-Light: every lone character's text object lost. Where a CJK font is installed (CI
    installs one for the BI screenshots) PDFium reads them itself; this takes its characters out
    and says where the objects were, as it does without the font."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        content = read_page(pdf[0], 1)
    finally:
        pdf.close()
    content.chars = [c for c in content.chars if not (c[0] in LONE and abs(c[1] - 100) < 0.5 and c[3] < 740)]
    content.lost = [Lost(n + 1, 100.0, 700.0 - 14 * n, 12.0) for n in range(len(LONE))]
    return [content]


def test_a_page_where_pdfium_loses_characters_is_read_by_pdfminer() -> None:
    contents, _ = read_pages(lone_characters_pdf())
    assert "".join(c[0] for c in contents[0].chars).endswith("三、本年度办理结果")
    assert "".join(layout_pdf(lone_characters_pdf()).tokens.raw).endswith("年度报告三、本年度办理结果")


def test_lost_characters_come_from_their_own_text_objects_not_a_second_reading(monkeypatch) -> None:
    """Only the text objects PDFium lost are decoded from the content stream (pdfminer.six's fonts),
    placed where PDFium puts each object: pdfplumber's whole-page reading is not needed."""
    import sys

    monkeypatch.setitem(sys.modules, "pdfplumber", None)  # importing it would fail
    data = lone_characters_pdf()
    contents = without_a_cjk_font(data)
    recover_lost(data, contents)
    assert not contents[0].lost
    chars = contents[0].chars
    assert "".join(c[0] for c in chars).endswith("三、本年度办理结果")
    lost = [c for c in chars if c[0] in "三、本年度办理结果" and c[1] == 100.0]
    assert [round(c[3] + 0.271 * 12) for c in lost] == [700 - 14 * n for n in range(9)]  # on their baselines


class Offsets:
    """An xref of the given (object stream, position, generation) per object id."""

    def __init__(self, offsets: dict[int, tuple[int | None, int, int]]):
        self.offsets = offsets

    def get_pos(self, objid: int) -> tuple[int | None, int, int]:
        return self.offsets[objid]


def test_a_font_is_shared_between_documents_only_where_its_object_stands_alone() -> None:
    SHARED_FONTS.clear()
    data = lone_characters_pdf()
    first = without_a_cjk_font(data)
    recover_lost(data, first)
    assert "".join(c[0] for c in first[0].chars if abs(c[1] - 100) < 0.5).endswith(LONE)
    assert len(SHARED_FONTS) == 1  # reportlab's STSong-Light: its widths inline, no reference
    again = without_a_cjk_font(lone_characters_pdf())
    recover_lost(lone_characters_pdf(), again)
    assert again[0].chars == first[0].chars and len(SHARED_FONTS) == 1

    def key(data: bytes, offsets: dict) -> bytes | None:
        return Fonts(None, SimpleNamespace(xrefs=[Offsets(offsets)]), data).key_of(7)

    inline = b"7 0 obj\n<< /Type /Font /W [ 1 [ 207 270 ] ] >>\nendobj\n"
    assert key(inline, {7: (None, 0, 0)}) == b"\n<< /Type /Font /W [ 1 [ 207 270 ] ] >>\n"
    referring = b"7 0 obj\n<< /Type /Font /DescendantFonts [12 0 R] /ToUnicode 13 0 R >>\nendobj\n"
    assert key(referring, {7: (None, 0, 0)}) is None  # the same bytes may mean another font elsewhere
    assert key(inline, {7: (3, 0, 0)}) is None  # inside an object stream
    assert key(inline.replace(b"7 0 obj", b"8 0 obj"), {7: (None, 0, 0)}) is None  # the xref is wrong


def test_the_content_streams_text_operators() -> None:
    stream = rb"BT /F1 12 Tf (a\)b) Tj [(x) -120 <4E09>] TJ () Tj /F2 9 Tf 1 2 (q) " + b'" ET'
    shows = shown_text(stream)
    assert shows is not None and [(font, kind) for font, _, kind in shows] == [
        (b"F1", "shown"),
        (b"F1", "array"),
        (b"F2", "quoted"),
    ]
    assert [shown_items(token, kind) for _, token, kind in shows] == [
        [b"a)b"],
        [b"x", -120.0, b"N\t"],
        [b"q"],
    ]
    assert shown_text(b"BT (a) Tj ET q BI /W 1 /H 1 ID \x00 EI Q") is None  # an inline image: not followed


@pytest.mark.parametrize(
    ("data", "code", "says"),
    [
        (b"%PDF-1.4\n%broken\n", "unsupported_format", "cannot be opened"),
        # no text layer: its page goes to OCR (ingest.ocr), which finds no text on a drawn square
        (None, "not_a_report", "OCR read no text"),
    ],
)
def test_unreadable_pdfs_are_rejected_saying_why(data: bytes | None, code: str, says: str) -> None:
    if data is None:
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, invariant=1)
        pdf.rect(100, 100, 200, 200)
        pdf.showPage()
        pdf.save()
        data = buffer.getvalue()
    outcome = parse(data)
    assert isinstance(outcome, Rejection) and outcome.error_code == code
    assert says in outcome.error_message
