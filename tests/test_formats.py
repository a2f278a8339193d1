"""A file's format comes from its bytes; each document format goes to its reader, or is rejected
``unsupported_format`` with what would read it: never skipped, never read as text."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

import ingest.parser
from ingest.discover import REPORT_EXTENSIONS, list_files
from ingest.formats import sniff_format
from ingest.layout import layout_text
from ingest.parser import parse_bytes
from ingest.records import ParsedReport, RawFile, Rejection

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "reports"
WORD_EXPORT = SAMPLES / "gb2021_word_export.txt"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.txt", "x")
    return buffer.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdf"),
        (b"\r\n  junk before the header %PDF-1.4\n", "pdf"),
        (docx_bytes(), "docx"),
        (plain_zip(), None),  # an archive that is no Word document: the decoder says binary
        (OLE2, "doc"),
        (b"\x89PNG\r\n\x1a\n" + bytes(20), "image"),
        (b"\xff\xd8\xff\xe0" + bytes(20), "image"),
        (b"II*\x00" + bytes(20), "image"),
        (b"MM\x00*" + bytes(20), "image"),
        ("<html><body>报告</body></html>".encode(), None),
        ("某市2021年政府信息公开工作年度报告".encode("gb18030"), None),
        (b"", None),
    ],
)
def test_format_from_the_bytes(data: bytes, expected: str | None) -> None:
    assert sniff_format(data) == expected


def parse(name: str, data: bytes):
    return parse_bytes(RawFile(name, "e" * 64, len(data), Path(name).suffix), data)


def test_every_form_is_registered(tmp_path: Path) -> None:
    names = ["a.pdf", "b.docx", "c.doc", "d.wps", "e.md", "f.shtml", "g.png", "h.JPG", "i.jpeg", "j.tif"]
    names += ["k.tiff", "l.html", "m.htm", "n.txt"]
    for name in [*names, "notes.csv", "config.yaml"]:
        (tmp_path / name).write_bytes(b"x")
    listing = list_files(tmp_path)
    assert sorted(Path(p).name for p in listing.source_path) == sorted(names)
    assert sorted(Path(p).name for p in listing.skipped) == ["config.yaml", "notes.csv"]
    assert {Path(n).suffix.lower() for n in names} == REPORT_EXTENSIONS


def test_a_missing_reader_rejects_unsupported_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ingest.parser.READERS, "pdf", ("ingest.no_such_pdf_reader", "layout_pdf"))
    outcome = parse("r.pdf", b"%PDF-1.7\n")
    assert isinstance(outcome, Rejection) and outcome.error_code == "unsupported_format"
    assert "PDF" in outcome.error_message and "ingest.no_such_pdf_reader" in outcome.error_message


def test_legacy_word_names_its_converter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest.parser.shutil, "which", lambda name: None)
    for name in ("r.doc", "r.wps", "misnamed.txt"):
        outcome = parse(name, OLE2)
        assert isinstance(outcome, Rejection) and outcome.error_code == "unsupported_format"
        assert "soffice --headless --convert-to docx" in outcome.error_message
        assert "libreoffice-writer" in outcome.error_message


def test_an_image_that_cannot_be_decoded_is_rejected_saying_so() -> None:
    # scanned images are read by OCR (ingest.ocr, tests/test_ocr.py); a PNG signature before junk
    # is still an image (even named .html), and one no decoder opens is unsupported_format
    for name in ("scan.png", "scan.html"):
        outcome = parse(name, b"\x89PNG\r\n\x1a\n" + bytes(64))
        assert isinstance(outcome, Rejection) and outcome.error_code == "unsupported_format"
        assert "an image that cannot be decoded" in outcome.error_message


def test_a_reader_document_goes_through_every_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader returns a Document; its format, its pages and its warnings reach the report."""
    text = WORD_EXPORT.read_text(encoding="utf-8")

    def fake_reader(data: bytes):
        doc = layout_text(text)
        doc.source_format = "pdf"
        doc.tokens.page = [1 + n // 40 for n in range(len(doc.tokens.raw))]
        return doc

    monkeypatch.setattr(ingest.parser, "reader_for", lambda source_format: fake_reader)
    outcome = parse("r.pdf", b"%PDF-1.7\n")
    as_text = parse("r.txt", WORD_EXPORT.read_bytes())
    assert isinstance(outcome, ParsedReport) and isinstance(as_text, ParsedReport)
    assert (outcome.source_format, outcome.encoding) == ("pdf", None)
    assert as_text.source_format == "text"
    assert [f.value for f in outcome.applications] == [f.value for f in as_text.applications]
    table_facts = [f for f in [*outcome.disclosures, *outcome.applications, *outcome.appeals]]
    assert all(f.source_page >= 1 for f in table_facts if f.source_method == "table")
    assert {f.source_page for f in outcome.applications} != {1}  # each fact its own token's page
    assert all(f.source_page is None for f in [*as_text.applications, *as_text.appeals])
