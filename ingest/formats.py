"""A raw file's format, decided by its bytes (never by its extension or a meta tag).

``sniff_format`` tells the document formats apart by their signatures: ``pdf`` (``%PDF-``),
``docx`` (a zip archive holding ``word/document.xml``), ``doc`` (an OLE2 compound file: the
legacy binary .doc/.wps), ``image`` (PNG, JPEG, TIFF: scanned pages). Anything else is text:
decoded, then read as ``html`` or ``text`` (``text_format``). The format is what
``marts.dim_report.source_format`` says (contract §3).
"""

from __future__ import annotations

import io
import zipfile

DOCUMENT_FORMATS = ("pdf", "docx", "doc", "image")
SOURCE_FORMATS = ("html", "text", "pdf", "pdf_scanned", "docx", "doc", "image")

PDF_MAGIC = b"%PDF-"
PDF_HEAD = 1024  # readers accept a header within the first KiB (some writers put junk first)
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_MAGICS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
DOCX_PART = "word/document.xml"


def is_docx(data: bytes) -> bool:
    """A zip archive (an OOXML package) holding the main part of a Word document."""
    if DOCX_PART.encode() not in data:  # the name is stored uncompressed in the central directory
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return DOCX_PART in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def sniff_format(data: bytes) -> str | None:
    """'pdf', 'docx', 'doc' or 'image' from the file's signature; None for anything else
    (text or HTML, or binary data the decoder rejects)."""
    if data.startswith(PDF_MAGIC) or PDF_MAGIC in data[:PDF_HEAD]:
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        return "docx" if is_docx(data) else None
    if data.startswith(OLE2_MAGIC):
        return "doc"
    if data.startswith(IMAGE_MAGICS):
        return "image"
    return None
