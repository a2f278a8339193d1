"""Error codes of ``audit.rejected_files``: why a raw file did not become a report.

Each code has a sentence a person understands; the parser adds the specifics.
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


class RejectedFile(Exception):
    """Raised inside the parser to turn a file into an ``audit.rejected_files`` row."""

    def __init__(self, error_code: str, message: str):
        if error_code not in ERROR_CODES:
            raise ValueError(f"unknown error code {error_code!r}")
        super().__init__(message)
        self.error_code = error_code
        self.message = message
