"""A quick guess of a file's report year, for deciding which partition a new file belongs to."""

from __future__ import annotations

from ingest.decode import decode_bytes
from ingest.errors import RejectedFile
from ingest.layout import layout
from ingest.metadata import find_title, published_date, report_year

SNIFF_BYTES = 256 * 1024


def sniff_report_year(data: bytes, extension: str) -> int | None:
    """The report year the parser would find in the head of ``data``; None where it finds none."""
    try:
        decoded = decode_bytes(data[:SNIFF_BYTES])
    except RejectedFile:
        return None
    doc = layout(decoded.text, extension)
    title = find_title(doc.lines, doc.raw_lines, doc.hints)
    year = report_year(title, doc.lines, published_date(doc.lines, doc.hints, {}, []))
    return year[0] if year else None
