"""One raw file to one :class:`ParsedReport` or :class:`Rejection`: the stages in order.

decode (bytes → text) → layout (text → tokens and lines) → metadata (title, agency,
year, dates) → tables (tokens → table facts) → prose (sentences → prose facts).
"""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from ingest import places
from ingest.decode import Decoded, decode_bytes, repair_mojibake
from ingest.errors import RejectedFile
from ingest.formats import sniff_format
from ingest.layout import Document, layout
from ingest.metadata import find_title, published_date, report_year, resolve_agency
from ingest.prose import extract_prose
from ingest.records import ParsedReport, ParseOutcome, ParseWarning, RawFile, Rejection
from ingest.tables import read_tables

# The headings of the report's chapters (any template); a report without a title or tables
# still shows several of them.
CHAPTERS = (
    re.compile(r"^.{0,6}主动公开政府信息.{0,4}情况"),
    re.compile(r"^.{0,6}(收到和处理政府信息公开申请|依申请公开).{0,6}情况"),
    re.compile(r"^.{0,6}(因政府信息公开.{0,12})?(行政复议|申请行政复议).{0,12}(诉讼)?.{0,4}情况"),
    re.compile(r"^.{0,6}(政府信息公开工作)?存在的主要问题"),
    re.compile(r"^.{0,6}(信息公开的)?收费及减免"),
)
MIN_CHAPTERS = 3
# A title line, with or without its year: it ends in 报告/年报 (a sentence would end in 。).
REPORT_TITLE = re.compile(r"(?:信息公开|政务公开).{0,12}?(?:报告|年报)$")
TITLE_LINES = 12
LOST_CHARACTERS = re.compile(r"\?{3,}|\ufffd{2,}")
# A year run into its month (20201月1日): a typo worth a warning, never a date. (No digit before
# the year: tested after its first two digits, so the regex engine can skip to a 1 or a 2.)
DATE_TYPO = re.compile(r"(?:19|20)(?<!\d\d\d)\d{2}(?:1[0-2]|[1-9])月\d{1,2}日")


def template_for(votes: dict[str, int], year: int, has_tables: bool, warnings: list[ParseWarning]) -> str:
    if votes:
        return max(votes, key=lambda t: votes[t])
    if year <= 2018:
        return "pre2019"
    if not has_tables:
        warnings.append(ParseWarning("no_tables", f"a {year} report without the template's tables"))
    return "gb2021" if year >= 2021 else "gb2019"


def check_is_report(doc: Document, title: str | None, has_tables: bool) -> None:
    """A report has a report title, the template's tables, or the chapters of one."""
    if title or has_tables:
        return
    heads = [*doc.hints.values(), *doc.lines[:TITLE_LINES]]
    if any(len(line) <= 100 and REPORT_TITLE.search(line.strip()) for line in heads):
        return
    chapters = sum(
        1 for pattern in CHAPTERS if any(pattern.search(line) for line in doc.lines if len(line) < 60)
    )
    if chapters >= MIN_CHAPTERS:
        return
    raise RejectedFile(
        "not_a_report",
        "no annual report title (…政府信息公开工作年度报告), none of the template's tables "
        f"and {chapters} of its chapter headings",
    )


def text_doubts(content: str) -> list[ParseWarning]:
    """Lost characters and year-into-month typos in the report's words (markup left out)."""
    doubts = []
    lost = LOST_CHARACTERS.findall(content) if "??" in content or "\ufffd" in content else []
    if lost:
        doubts.append(
            ParseWarning("lost_characters", f"{len(lost)} runs of lost characters (?? or �) in the text")
        )
    typos = DATE_TYPO.findall(content) if "月" in content else []
    if typos:
        doubts.append(
            ParseWarning("date_typo", f"dates with the year run into the month: {', '.join(typos[:3])}")
        )
    return doubts


# A document format's reader: bytes in, the Document every later stage reads. (module, function)
READERS: dict[str, tuple[str, str]] = {
    "pdf": ("ingest.pdf", "layout_pdf"),
    "docx": ("ingest.docx", "layout_docx"),
    "image": ("ingest.ocr", "layout_image"),  # scanned pages (PNG/JPEG/TIFF), by OCR
}
READER_NAMES = {"pdf": "PDF", "docx": "Word (.docx)", "image": "scanned image (PNG/JPEG/TIFF)"}
OCR_FORMATS = ("pdf_scanned", "image")  # read by OCR (ingest.ocr): their facts say so


def reader_for(source_format: str) -> Callable[[bytes], Document]:
    """The reader of a document format; a reader that cannot be imported (a library it needs is
    missing from this installation) makes the file ``unsupported_format``, naming what is missing."""
    module_name, function = READERS[source_format]
    try:
        return getattr(importlib.import_module(module_name), function)
    except (ImportError, AttributeError) as error:
        raise RejectedFile(
            "unsupported_format",
            f"a {READER_NAMES[source_format]} document, and this installation cannot read it yet: "
            f"its reader {module_name}.{function} is not available ({error})",
        ) from None


SOFFICE_TIMEOUT_S = 120
LEGACY_WORD = (
    "a legacy binary Word/WPS document (.doc/.wps, OLE2); LibreOffice would read it "
    "(soffice --headless --convert-to docx, Debian package libreoffice-writer)"
)


def convert_legacy_word(data: bytes) -> bytes:
    """A .doc/.wps converted to .docx by LibreOffice, where it is installed; else rejected
    ``unsupported_format`` with what would read it."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RejectedFile("unsupported_format", f"{LEGACY_WORD}, which is not installed here")
    with tempfile.TemporaryDirectory(prefix="ogi-doc-") as tmp:
        source = Path(tmp) / "report.doc"
        source.write_bytes(data)
        try:
            subprocess.run(
                [soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                 "--convert-to", "docx", "--outdir", tmp, str(source)],
                check=True, capture_output=True, timeout=SOFFICE_TIMEOUT_S,
            )  # fmt: skip
            return (Path(tmp) / "report.docx").read_bytes()
        except (OSError, subprocess.SubprocessError) as error:
            raise RejectedFile(
                "unsupported_format", f"{LEGACY_WORD}; its conversion failed: {error}"
            ) from None


def read_document(data: bytes, source_format: str) -> Document:
    """A document format's bytes to its Document (``ingest.formats.sniff_format`` decided the format)."""
    if source_format == "doc":
        docx = convert_legacy_word(data)
        doc = reader_for("docx")(docx)
        doc.source_format = "doc"
        return doc
    return reader_for(source_format)(data)


def layout_text_file(raw: RawFile, decoded: Decoded, warnings: list[ParseWarning]) -> Document:
    """Decoded text or HTML to its Document (mojibake repaired where certain)."""
    text = decoded.text
    if decoded.mojibake_possible:
        text, mojibake = repair_mojibake(text)
        warnings.extend(mojibake)
    return layout(text, raw.extension)


def parse_document(raw: RawFile, decoded: Decoded | None, doc: Document | None = None) -> ParsedReport:
    """The report in a decoded text file, or in ``doc``, a document format's reader's Document."""
    warnings = list(decoded.warnings) if decoded is not None else []
    if doc is None:
        assert decoded is not None
        doc = layout_text_file(raw, decoded, warnings)
    else:
        warnings.extend(doc.warnings)
    warnings.extend(text_doubts("\n".join(doc.raw_lines)))
    # a sidecar (or a value of it) that cannot be what it says was ignored: never silently
    warnings.extend(ParseWarning("sidecar_ignored", message) for message in raw.sidecar_ignored)
    sidecar = raw.sidecar or {}
    title = find_title(doc.lines, doc.raw_lines, doc.hints)
    published = published_date(doc.lines, doc.hints, sidecar, warnings)
    year = report_year(title, doc.lines, published)
    tables = read_tables(doc.tokens, year[0] if year else None)
    check_is_report(doc, title, tables.has_tables)
    if year is None:
        raise RejectedFile("no_report_year", "no year in the title or text, and no publication date")
    agency = resolve_agency(title, doc.lines, doc.raw_lines, sidecar, warnings)
    if agency is None:
        raise RejectedFile("no_agency", "no agency named in the title, a 来源/发布机构 line or a sidecar")
    template = template_for(tables.template_votes, year[0], tables.has_tables, warnings)
    prose = extract_prose(doc.lines, doc.raw_lines, template)
    warnings.extend(tables.warnings)
    report = ParsedReport(
        report_id=raw.report_id,
        source_path=raw.source_path,
        content_sha256=raw.content_sha256,
        title=title.text if title else None,
        agency_name=agency.name,
        agency_name_raw=agency.raw,
        agency_name_source=agency.source,
        agency_aliases=agency.aliases,
        agency_type=agency.type,
        admin_level=agency.admin_level,
        region_code=agency.region.code if agency.region else None,
        region_source=agency.region_source,
        report_year=year[0],
        report_year_source=year[1],
        published_date=published,
        template_version=template,
        script=doc.script,
        source_format=doc.source_format,
        encoding=decoded.encoding if decoded is not None else None,  # a document: no text encoding
        source_shape=doc.shape if tables.has_tables or tables.unmapped else "prose",
        url=sidecar.get("url"),
        agency_key=places.agency_key(agency.name, agency.region.code if agency.region else None),
        warnings=warnings,
        disclosures=tables.disclosures + prose.disclosures,
        applications=tables.applications + prose.applications,
        appeals=tables.appeals + prose.appeals,
        transactions=tables.transactions + prose.transactions,
        unmapped=tables.unmapped + prose.unmapped,
    )
    if doc.source_format in OCR_FORMATS:
        from ingest.ocr import mark_facts

        mark_facts(report, doc)
    return report


def parse_bytes(raw: RawFile, data: bytes) -> ParseOutcome:
    """Parse one file's bytes; every failure becomes a :class:`Rejection` with an error code."""
    try:
        source_format = sniff_format(data)
        if source_format is not None:
            return parse_document(raw, None, read_document(data, source_format))
        return parse_document(raw, decode_bytes(data))
    except RejectedFile as rejected:
        return Rejection(raw.source_path, raw.content_sha256, rejected.error_code, rejected.message)
    except Exception as error:  # a parser bug must not lose the file: it is recorded with its cause
        return Rejection(
            raw.source_path, raw.content_sha256, "parse_error", f"{type(error).__name__}: {error}"
        )
