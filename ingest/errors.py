"""Error codes of ``audit.rejected_files`` (why a raw file did not become a report) and warning codes
of ``audit.report_warnings`` (a doubt the parser kept about a report it loaded).

Each code has a sentence a person understands; the parser adds the specifics. These dicts are the
one list of codes: ``RejectedFile`` and ``ParseWarning`` refuse any other, and their Chinese and
English labels are beside them in ``ingest/vocabulary/codes.yaml`` (docs/code-dimensions.md).
"""

from __future__ import annotations

ERROR_CODES: dict[str, str] = {
    "empty": "The file is empty or holds only white space.",
    "too_large": "The file is larger than the parser accepts for one report.",
    "unreadable": (
        "The file could not be read: a dangling symbolic link, a permission error, gone since the "
        "landing directory was listed, or no regular file (a FIFO, a device)."
    ),
    "binary": "The file holds binary data (NUL bytes or an archive signature), not text, HTML or a document.",
    "undecodable": "The bytes could not be decoded as UTF-8, GB18030/GBK or Big5 text.",
    "unsupported_format": (
        "The file is a report in a form this installation cannot read yet (the message says what would)."
    ),
    "malformed_html": (
        "The page is nested too deeply or is too malformed for the HTML parser to read it whole."
    ),
    "not_a_report": "The text is not a government information disclosure annual report.",
    "no_report_year": "No report year could be found in the title, the text or the publication date.",
    "no_agency": "No reporting agency could be found in the title, a source line or a sidecar.",
    "duplicate_content": "The file's content is identical to another file already registered as a report.",
    "ocr_over_budget": (
        "A scanned file with more pages than OCR reads of one file (WAREHOUSE_OCR_MAX_PAGES), or whose OCR "
        "took longer than one file may (WAREHOUSE_OCR_SECONDS)."
    ),
    "parse_error": "The parser failed unexpectedly on this file (a bug: the message holds the exception).",
}

WARNING_CODES: dict[str, str] = {
    # the bytes and the text
    "decode_replaced": "Byte sequences that could not be decoded were replaced (U+FFFD); the rest is read.",
    "mojibake_repaired": "A run of text garbled by a wrong encoding was read back as UTF-8 and repaired.",
    "mojibake": "A run of text garbled by a wrong encoding, its bytes lost: kept as printed.",
    "lost_characters": "The text has runs of lost characters (??? or U+FFFD): the published copy lost them.",
    "date_typo": "A date has its year run into its month (20201月1日): a typo, never read as a date.",
    "bad_date": "A date that is no calendar date (2月30日) was ignored.",
    # the report's metadata
    "sidecar_ignored": (
        "A sidecar file, or a value of it, cannot be what it says (not JSON, a url not http(s)): ignored."
    ),
    "weak_title_hint": "The text names no title: the document's properties gave it (a tool may copy them).",
    "weak_date_hint": "The text names no date: the document's own properties gave the publication date.",
    "region_unknown": "No place was found for the agency: its region is left NULL.",
    "agency_place_inferred": "The agency's name omits its place: qualified by the place the text names most.",
    "no_tables": "A report of a template year (2019 on) without the template's statistics tables.",
    # the statistics tables
    "header_slip": "A column heading was read as its code despite one slip (a character wrong or missing).",
    "header_unread": "Article 20 column headings were not read: the template's column order was used.",
    "short_row": "A table row has fewer cells than the table has columns.",
    "row_label_slip": "A row label was read as its code despite one slip (a character wrong or missing).",
    "row_label_doubtful": "A row label is as near to two codes: its cells are kept unmapped.",
    "row_label_placed": "Rows without a label were placed by the template's order between their neighbours.",
    "row_label_lost": "Rows without a label whose place is in doubt: their cells are kept unmapped.",
    "row_cells_lost": "A row lost cells (glued or dropped): its values kept unmapped, their columns unknown.",
    "amount_unit_assumed": "An amount of money printed without a unit: 万元 was assumed.",
    "appeals_unread": "An appeals table was found but no row of its 15 cells.",
    "extra_cells": "The appeals row has more than its 15 cells: the extra cells were not read.",
    # scanned pages (OCR)
    "ocr_low_confidence": "A scanned page's digit was read with little confidence: a figure may be misread.",
    "ocr_unreadable": "A scanned page's cell read as no number, or too unsurely: it is left NULL.",
}


class RejectedFile(Exception):
    """Raised inside the parser to turn a file into an ``audit.rejected_files`` row."""

    def __init__(self, error_code: str, message: str):
        if error_code not in ERROR_CODES:
            raise ValueError(f"unknown error code {error_code!r}")
        super().__init__(message)
        self.error_code = error_code
        self.message = message
