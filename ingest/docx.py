"""A Word document (.docx) to a :class:`Document`, read from its structure, not from flattened text.

A .docx is a zip of XML parts; the body is ``word/document.xml``. Like an HTML page
(``ingest.layout``), it becomes one token stream in reading order:

- each body paragraph (``w:p``) is one prose token; a line break inside it (``w:br``,
  ``w:cr``) starts another, as ``<br>`` does in a page; tabs are spaces;
- an innermost table (one holding no table) with two cells in a row is a data table: one
  cell token per ``w:tc``, ``row_start`` on each row's first cell. Merged cells reach the
  table stage as HTML's rowspan/colspan do: a cell spanning columns (``w:gridSpan``) is one
  cell, a cell merged from the row above (``w:vMerge`` without ``restart``, or the legacy
  ``w:hMerge`` continuation) is absent, so the merged block is one cell where it starts. A cell's
  paragraphs and line breaks are joined with nothing, as ``<p>``/``<br>`` inside a ``<td>``;
- a table holding tables is layout: its cells' paragraphs are prose tokens, its inner tables
  tables (as ``layout_html`` does); so is a table of one column (a frame drawn around the
  report's text, a box per paragraph), which has no rows of cells to read;
- only the text Word shows is read: ``w:t`` (not deleted or moved-away text, field codes,
  or the fallback copy of a drawing's text box).

The marked text is written in C by libxslt in one pass, as the HTML reader's is; Python only
splits it. The numbers Word generates for numbered paragraphs (一、, (一), 1.) are written in
as text first (``ingest.docx_numbering``). The core properties (``docProps/core.xml``: title,
created) are weak hints, used only where the text names no title or date, each with a warning.
"""

from __future__ import annotations

import io
import zipfile

import lxml.etree

from ingest.docx_numbering import Numbering
from ingest.errors import RejectedFile
from ingest.layout import BREAK, CELL_MARK, MARKS, ROW_MARK, TABLE_MARK, Document, Tokens, add_table, finish
from ingest.metadata import DATE, weak_hints
from ingest.text import INVISIBLE, squash_spaces

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STRICT_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"  # ISO 29500 strict: same names
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
BODY_PART = "word/document.xml"
CORE_PART = "docProps/core.xml"
NUMBERING_PART = "word/numbering.xml"
STYLES_PART = "word/styles.xml"
MAX_PART_BYTES = 200 * 1024 * 1024  # a report's body is a few MB; more is a zip bomb, not a report

# a w:vMerge/w:hMerge that continues the merged cell before it (no w:val means continue)
CONTINUED = "not(@w:val) or @w:val='continue'"
# a table read as data: it holds no table, and some row of it two cells or more
DATA_TABLE = "w:tbl[not(.//w:tbl) and .//w:tr[count(.//w:tc) > 1]]"
XML_PARSER = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)

# Cell text (mode "cell"): w:t as is, a tab a space, line breaks and paragraph ends nothing.
# Elsewhere: a paragraph is a block (a break at both ends), a line break a break. Text nodes
# outside w:t (field codes, deleted text) are dropped by the empty text() template; so are the
# subtrees Word does not show: deleted or moved-away runs, a drawing's fallback copy.
BODY_TEXT = lxml.etree.XSLT(
    lxml.etree.XML(
        f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
 xmlns:w="{W_NS}" xmlns:mc="{MC_NS}">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="text()"/>
<xsl:template match="text()" mode="cell"/>
<xsl:template match="w:del|w:moveFrom|mc:Fallback|w:pPr|w:rPr|w:tblPr|w:trPr|w:tcPr"/>
<xsl:template match="w:del|w:moveFrom|mc:Fallback|w:pPr|w:rPr|w:tblPr|w:trPr|w:tcPr" mode="cell"/>
<xsl:template match="w:t"><xsl:value-of select="."/></xsl:template>
<xsl:template match="w:t" mode="cell"><xsl:value-of select="."/></xsl:template>
<xsl:template match="w:tab|w:ptab"><xsl:text> </xsl:text></xsl:template>
<xsl:template match="w:tab|w:ptab" mode="cell"><xsl:text> </xsl:text></xsl:template>
<xsl:template match="w:noBreakHyphen">-</xsl:template>
<xsl:template match="w:noBreakHyphen" mode="cell">-</xsl:template>
<xsl:template match="w:br|w:cr">{BREAK}</xsl:template>
<xsl:template match="w:p|w:tc">{BREAK}<xsl:apply-templates/>{BREAK}</xsl:template>
<xsl:template match="{DATA_TABLE}" priority="2">{BREAK}{TABLE_MARK}<xsl:for-each select=".//w:tr"
><xsl:text>{ROW_MARK}</xsl:text><xsl:for-each select=".//w:tc[not(w:tcPr/w:vMerge[{CONTINUED}])
 and not(w:tcPr/w:hMerge[{CONTINUED}])]"
>{CELL_MARK}<xsl:apply-templates mode="cell"/></xsl:for-each></xsl:for-each>{BREAK}</xsl:template>
</xsl:stylesheet>""".encode()
    )
)

DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"


def read_part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    """A part's bytes, or None where the package lacks it; a part larger than any report's is refused."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        raise RejectedFile("too_large", f"{name} unpacks to {info.file_size} bytes, more than any report")
    return archive.read(info)


def part_root(part: bytes | None) -> lxml.etree._Element | None:
    """A part other than the body parsed (ISO strict names read as transitional); None where it is
    absent or not XML (the body is then read without what it would add)."""
    if not part:
        return None
    try:
        return lxml.etree.fromstring(part.replace(STRICT_NS.encode(), W_NS.encode()), XML_PARSER)
    except lxml.etree.XMLSyntaxError:
        return None


def body_tokens(body: bytes, numbering: bytes | None = None, styles: bytes | None = None) -> Tokens:
    """Prose and cell tokens of ``word/document.xml``, in reading order, the numbers Word generates
    for its numbered paragraphs included (``word/numbering.xml``, ``word/styles.xml``)."""
    for mark in MARKS:  # noncharacters no report prints; dropped so they cannot pose as marks
        encoded = mark.encode()
        if encoded in body:
            body = body.replace(encoded, b"")
    body = body.replace(STRICT_NS.encode(), W_NS.encode())
    root = lxml.etree.fromstring(body, XML_PARSER)
    lists = part_root(numbering)
    if lists is not None and b"numPr" in body + (styles or b""):
        Numbering(lists, part_root(styles)).number_paragraphs(root)
    tokens = Tokens()
    for line in str(BODY_TEXT(root)).split(BREAK):
        if line.startswith(TABLE_MARK):
            add_table(tokens, line)
        elif (line := squash_spaces(line)) and line.strip(INVISIBLE):
            tokens.add(line, True)
    return tokens


def core_properties(core: bytes | None) -> dict[str, str]:
    """``title`` and ``created`` of ``docProps/core.xml`` (empty where absent or unreadable)."""
    if not core:
        return {}
    try:
        root = lxml.etree.fromstring(core, XML_PARSER)
    except lxml.etree.XMLSyntaxError:
        return {}
    found = {}
    for key, path in (("title", f"{{{DC_NS}}}title"), ("created", f"{{{DCTERMS_NS}}}created")):
        element = root.find(path)
        if element is not None and (text := squash_spaces(element.text or "")):
            found[key] = text
    return found


def layout_docx(data: bytes) -> Document:
    """The body's paragraphs and tables as tokens; the core properties as weak hints."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            body = read_part(archive, BODY_PART)
            core = read_part(archive, CORE_PART)
            numbering = read_part(archive, NUMBERING_PART)
            styles = read_part(archive, STYLES_PART) if numbering else None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        raise RejectedFile(
            "unsupported_format", f"a Word (.docx) package that cannot be unpacked: {error}"
        ) from None
    if body is None:
        raise RejectedFile("unsupported_format", f"a zip archive without {BODY_PART}: not a Word document")
    try:
        tokens = body_tokens(body, numbering, styles)
    except lxml.etree.XMLSyntaxError as error:
        raise RejectedFile(
            "unsupported_format", f"a Word (.docx) document whose body is not XML: {error}"
        ) from None
    doc = finish("docx", tokens, None, {}, "docx")
    properties = core_properties(core)
    created = properties.get("created", "")
    date = created[:10] if DATE.search(created) else None
    weak_hints(doc, properties.get("title"), date, "the document's core properties")
    return doc
