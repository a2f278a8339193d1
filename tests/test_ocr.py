"""Scanned pages read by OCR (ingest/ocr.py): offline, straightened, ruled, doubted, bounded.

The round trip scans a generated report (synthetic/scan.py: 200 dpi, blur, noise, a rotation
of up to 2°, JPEG) and holds the OCR'd report to its truth: at least 90 % of the table cells
exact, and every other cell NULL with an ``ocr_unreadable`` warning or flagged by a confidence
under the warning threshold: never a silent wrong number. Its pages are few (OCR costs seconds a
page on a loaded machine).
"""

from __future__ import annotations

import hashlib
import io
import random
import re
import socket
from decimal import Decimal
from pathlib import Path

import cv2
import numpy as np
import pypdfium2
import pytest
import yaml
from PIL import Image, ImageDraw

import ingest.ocr as ocr
from bench.ocr import cell_accuracy
from ingest.parser import parse_bytes
from ingest.records import ParsedReport, RawFile, Rejection
from synthetic.corpus import iter_corpus
from synthetic.pdf import PdfStyle, render_pdf
from synthetic.scan import Defects, font, scan_report, scanned_pdf, scanned_tiff
from synthetic.truth import ReportTruth
from synthetic.values import Shares

WHERE = re.compile(r"^page \d+, row '.+', column \d+: ")


def parse(name: str, data: bytes):
    return parse_bytes(RawFile(name, hashlib.sha256(data).hexdigest(), len(data), Path(name).suffix), data)


def line_image(text: str, size: int = 40, angle: float = 0.0) -> np.ndarray:
    image = Image.new("L", (60 + size * len(text), 3 * size), 255)
    ImageDraw.Draw(image).text((30, size), text, fill=0, font=font(size))
    pixels = np.asarray(image)
    if angle:
        h, w = pixels.shape
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        pixels = cv2.warpAffine(pixels, turn, (w, h), borderValue=255)
    return pixels


def test_ocr_reads_with_the_network_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise OSError("the network is unavailable in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    ocr.engine.cache_clear()  # the engine and its models are loaded again, offline
    try:
        boxes = ocr.read_boxes(cv2.cvtColor(line_image("政府信息公开 1068件"), cv2.COLOR_GRAY2BGR))
    finally:
        ocr.engine.cache_clear()
    text = "".join(box.text for box in boxes).replace(" ", "")
    assert text == "政府信息公开1068件"
    assert all(0.0 <= conf <= 1.0 for box in boxes for *_, conf in box.chars)
    assert [ch for box in boxes for ch, *_ in box.chars] == list("政府信息公开1068件")


def test_a_page_turned_a_little_is_straightened() -> None:
    page = np.full((900, 700), 255, np.uint8)
    image = Image.fromarray(page)
    draw = ImageDraw.Draw(image)
    for row in range(12):
        draw.text((60, 60 + 60 * row), "本年新收政府信息公开申请数量 1068 件", fill=0, font=font(28))
    straight = np.asarray(image)
    for angle in (-1.7, 0.0, 1.2, 2.6):
        h, w = straight.shape
        turned = cv2.warpAffine(
            straight, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h), borderValue=255
        )
        assert ocr.skew_of(turned) == pytest.approx(-angle, abs=0.15)


def test_the_drawn_grid_is_found_and_a_tall_stroke_is_no_rule() -> None:
    image = Image.new("L", (1200, 900), 255)
    draw = ImageDraw.Draw(image)
    for y in (300, 400, 500, 600):  # a 3 × 3 grid at 200 dpi
        draw.line([(100, y), (1000, y)], fill=0, width=2)
    for x in (100, 500, 750, 1000):
        draw.line([(x, 300), (x, 600)], fill=0, width=2)
    draw.text((100, 60), "1", fill=0, font=font(160))  # a title's 1: a stroke taller than a row
    draw.line([(100, 800), (1000, 800)], fill=0, width=2)  # a rule alone: not a table's
    horizontal, vertical, mask = ocr.find_rules(np.asarray(image), 200)
    assert sorted(y for y, _, _ in horizontal) == pytest.approx([300, 400, 500, 600], abs=1)
    assert sorted(x for x, _, _ in vertical) == pytest.approx([100, 500, 750, 1000], abs=1)
    assert all(x0 <= 101 and x1 >= 999 for _, x0, x1 in horizontal)
    assert mask[150, 110:150].max() == 0  # the title's stroke stays, for OCR to read
    assert mask[400, 300] == 255 and mask[450, 500] == 255


def test_doubtful_cells_are_warned_about_and_unreadable_ones_blanked() -> None:
    raw = ["行政许可", "188", "1O8", "7", "12", "Q"]
    warnings: list = []
    assert ocr.doubt(raw, 1, 0, 2, 0.99, warnings) == 0.99 and raw[1] == "188" and warnings == []
    ocr.doubt(raw, 2, 0, 2, 0.95, warnings)  # neither a number nor words: NULL
    ocr.doubt(raw, 3, 0, 2, 0.3, warnings)  # a digit read too unsurely: NULL
    ocr.doubt(raw, 4, 0, 2, 0.75, warnings)  # a digit read unsurely: kept, warned about
    ocr.doubt(raw, 5, 0, 2, 0.99, warnings)
    assert raw == ["行政许可", "188", "", "", "12", ""]
    assert [w.code for w in warnings] == [
        "ocr_unreadable",
        "ocr_unreadable",
        "ocr_low_confidence",
        "ocr_unreadable",
    ]
    assert all(WHERE.match(w.message) for w in warnings)
    assert warnings[0].message.startswith("page 2, row '行政许可', column 3: '1O8'")
    assert "0.75" in warnings[2].message and "misread" in warnings[2].message


def test_budgets_reject_a_file_and_never_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    blank = Image.new("L", (300, 400), 255)
    out = io.BytesIO()
    blank.save(out, format="TIFF", save_all=True, append_images=[blank, blank])
    tiff = out.getvalue()
    monkeypatch.setenv("WAREHOUSE_OCR_MAX_PAGES", "2")
    outcome = parse("scan.tif", tiff)
    assert isinstance(outcome, Rejection) and outcome.error_code == "ocr_over_budget"
    assert "3 scanned pages" in outcome.error_message and "WAREHOUSE_OCR_MAX_PAGES" in outcome.error_message
    monkeypatch.setenv("WAREHOUSE_OCR_MAX_PAGES", "5")
    monkeypatch.setenv("WAREHOUSE_OCR_SECONDS", "0.000001")
    outcome = parse("scan.tif", tiff)
    assert isinstance(outcome, Rejection) and outcome.error_code == "ocr_over_budget"
    assert "WAREHOUSE_OCR_SECONDS" in outcome.error_message
    monkeypatch.delenv("WAREHOUSE_OCR_MAX_PAGES")
    monkeypatch.setenv("WAREHOUSE_OCR_SECONDS", "not a number")  # unset, or a bad value: the safe default
    assert ocr.Budget.from_env() == ocr.Budget(ocr.MAX_PAGES_DEFAULT, ocr.SECONDS_DEFAULT)


def first_report(template: str) -> ReportTruth:
    for item in iter_corpus(40, 2027, Shares(), 0.0):
        if isinstance(item.truth, ReportTruth) and item.truth.template_version == template:
            return item.truth
    raise LookupError(template)


ROUND_TRIP_PAGES = 2


def test_a_scanned_report_reads_back_to_its_truth() -> None:
    truth = first_report("gb2019")
    style = PdfStyle(ruled_article20=False, running_header=True, break_applications=True)
    scan = scan_report(truth, random.Random("round-trip"), style, Defects(), ROUND_TRIP_PAGES)
    assert all(abs(angle) <= 2.0 for angle in scan.angles)
    report = parse("scan.tiff", scanned_tiff(scan))
    assert isinstance(report, ParsedReport), report
    assert report.source_format == "image"
    assert (report.agency_name, report.report_year, report.template_version) == (
        truth.agency.name,
        truth.report_year,
        "gb2019",
    )
    accuracy = cell_accuracy(truth, report, ROUND_TRIP_PAGES)
    assert accuracy.cells >= 24, accuracy  # the Article 20 cells (and the applications table's first rows)
    assert accuracy.exact_share >= 0.9, accuracy.misses
    assert accuracy.wrong_silent == 0, accuracy.misses
    tables = [f for f in (*report.disclosures, *report.applications) if f.source_method == "ocr"]
    assert tables and all(f.source_page in (1, 2) and type(f.source_page) is int for f in tables)
    assert all(f.ocr_confidence is None or 0.0 <= f.ocr_confidence <= 1.0 for f in tables)
    assert all(f.value is None or f.ocr_confidence is not None for f in tables)
    prose = [f for f in report.disclosures if f.item_code == "published_information"]
    assert {f.channel: f.value for f in prose} == {
        k: Decimal(v) for k, v in truth.published_information.items()
    }
    for warning in report.warnings:
        if warning.code.startswith("ocr_"):
            assert WHERE.match(warning.message), warning


def test_the_warning_threshold_is_the_warehouses() -> None:
    project = yaml.safe_load((Path(__file__).resolve().parents[1] / "dbt" / "dbt_project.yml").read_text())
    assert project["vars"]["ocr_low_confidence"] == ocr.LOW_CONFIDENCE


def test_page_images_keep_their_resolution_and_a_fine_scan_is_brought_down() -> None:
    budget = ocr.Budget(5, 60.0)
    for dpi, size, expected in (
        (150, (1240, 1754), 150),
        (600, (4960, 7016), ocr.DPI),
        (None, (1654, 2339), 200),
    ):
        out = io.BytesIO()
        Image.new("L", size, 255).save(out, format="PNG", **({"dpi": (dpi, dpi)} if dpi else {}))
        [(pixels, resolution)] = list(ocr.image_pages(out.getvalue(), budget))
        assert resolution == pytest.approx(expected, abs=0.5)  # without one: an A4 page's width
        assert pixels.shape[1] == pytest.approx(size[0] * expected / (dpi or expected), abs=1)


def test_a_pdf_with_a_scanned_page_among_text_pages_reads_each_page_its_way() -> None:
    """A typed report whose second page was printed, signed and scanned back in: page 1 keeps its
    text layer (facts as read, ``source_method`` table), page 2 is read by OCR (``ocr``, with its
    confidence), the rest of the text layer after it; the report is ``pdf_scanned``."""
    truth = first_report("gb2019")
    style = PdfStyle(ruled_article20=True, running_header=True, break_applications=True)
    typed = render_pdf(truth, random.Random("partly"), style)
    scan = scan_report(truth, random.Random("partly"), style, Defects(), 2)  # the same layout
    document = pypdfium2.PdfDocument(typed)
    pages = len(document)
    document.del_page(1)
    document.import_pages(pypdfium2.PdfDocument(scanned_pdf(scan)), pages=[1], index=1)
    out = io.BytesIO()
    document.save(out)
    report = parse("partly.pdf", out.getvalue())
    assert isinstance(report, ParsedReport), report
    assert report.source_format == "pdf_scanned"
    facts = [f for f in (*report.disclosures, *report.applications) if f.source_method in ("table", "ocr")]
    by_page = {
        page: {f.source_method for f in facts if f.source_page == page} for page in range(1, pages + 1)
    }
    assert by_page[1] == {"table"} and by_page[2] == {"ocr"}, by_page
    assert all(f.ocr_confidence is None for f in facts if f.source_method == "table")
    assert all(type(f.source_page) is int for f in facts)
    accuracy = cell_accuracy(truth, report, 2)
    assert accuracy.cells >= 10 and accuracy.exact_share >= 0.9 and accuracy.wrong_silent == 0, (
        accuracy.misses
    )
    typed_cells = {
        (f.item_code, f.measure_code): f.value for f in report.disclosures if f.source_method == "table"
    }
    assert typed_cells and all(truth.disclosures[key] == value for key, value in typed_cells.items())
