"""Text or HTML to a :class:`Document`: one stream of cell tokens plus the lines of prose.

Every shape a portal produces is a table flattened in reading order: an HTML grid, a
page copied as one cell per paragraph (seed 000), cells ending in ``|`` (seed 001), a
Word export with a tab before every cell (seed 002), or a table pasted as text, one row a
line and its cells apart by TABs or spaces (``text_rows``). All become the same stream of
:class:`Tokens`, so the table reader (``ingest.tables``) has one job whatever the shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.etree

from ingest.convert import KEY, TEXT, convert_lines, script_of
from ingest.errors import RejectedFile
from ingest.markdown import has_markdown_table, markdown_tokens
from ingest.numbers import read_cell
from ingest.records import ParseWarning
from ingest.text import INVISIBLE, is_blank, squash_spaces

BLOCK_TAGS = (
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "dt",
    "dd",
    "center",
    "form",
)
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "object", "select", "button")
META_HINTS = {
    "articletitle": "title",
    "title": "title",
    "pubdate": "published",
    "firstpublishedtime": "published",
    "contentsource": "source",
    "source": "source",
}
MIN_SHAPE_LINES = 12


@dataclass(slots=True)
class Tokens:
    """The cells (and lines of prose) in reading order, one entry per token in each list.

    Parallel lists, not an object per token: a page has hundreds of tokens, and each stage
    reads one or two attributes of all of them (an object each cost a fifth of the parse).
    """

    # as printed, in the report's own script, spaces squashed (so no line break); only a table's
    # cells may be blank (a blank cell is a NULL)
    raw: list[str] = field(default_factory=list)
    row_start: list[bool] = field(default_factory=list)  # where the source says a new table row begins
    in_table: list[bool] = field(default_factory=list)  # cells of a real table (HTML, tab or pipe export)
    text: list[str] = field(default_factory=list)  # simplified and width-folded, for matching
    key: list[str] = field(default_factory=list)  # text as a label key (no spaces or quotes)
    # the 1-based page of each token, parallel to ``raw``, where the source has pages (a PDF's reader
    # fills it); None for a web page or text: their path does no per-token work for it
    page: list[int] | None = None

    def add(self, raw: str, row_start: bool = False, in_table: bool = False) -> None:
        self.raw.append(raw)
        self.row_start.append(row_start)
        self.in_table.append(in_table)


@dataclass
class Document:
    shape: str
    tokens: Tokens
    lines: list[str]  # simplified, width-folded lines of the whole text (prose and cells)
    raw_lines: list[str]  # the same lines as printed
    script: str  # 'simplified' or 'traditional' (ingest.script.detect_script)
    hints: dict[str, str] = field(default_factory=dict)  # from HTML <title>/<meta>, a PDF's info
    # the form the report came in (ingest.formats.SOURCE_FORMATS): html, text, pdf, pdf_scanned, docx, doc
    source_format: str = "text"
    warnings: list[ParseWarning] = field(default_factory=list)  # a reader's doubts, kept with the report


def simplify_tokens(tokens: Tokens) -> str:
    """Fill the tokens' ``text`` and ``key``; the script of their text."""
    converted = convert_lines(tokens.raw)
    tokens.text = list(map(TEXT, converted))
    tokens.key = list(map(KEY, converted))
    return script_of(converted)


PIPED_LINE = re.compile(r"\|[^\S\n]*$", re.MULTILINE)  # a line ending in | (white space after it)


def text_shape(text: str) -> str:
    """The shape of a text (its lines split at \\n only): counted by C-level scans of the whole."""
    if has_markdown_table(text):  # extracted by another tool: markdown pipe tables (ingest.markdown)
        return "text_markdown"
    tabbed = text.count("\n\t") + text.startswith("\t")
    piped = len(PIPED_LINE.findall(text))
    if piped >= MIN_SHAPE_LINES and piped >= tabbed:
        return "text_pipes"
    if tabbed >= MIN_SHAPE_LINES:
        return "text_tabs"
    separated = SEPARATED_LINE.findall(text)  # the lines with a TAB or a gap inside (one C scan)
    if len(separated) >= MIN_SHAPE_LINES and sum(map(is_figure_row, separated)) >= MIN_SHAPE_LINES:
        return "text_rows"
    return "text_cells"


# A table pasted as text, one row a line: its cells apart by a TAB (a browser's or Word's copy),
# by a run of spaces (columns padded to their width), or by one space where the line has no wider
# gap. A row holds no sentence (。；) and no cell longer than a label.
SEPARATED = re.compile(r"\S[^\S\n]+\S")
SEPARATED_LINE = re.compile(r"^[^\n]*?(?:\t|\S[^\S\n]+\S)[^\n]*$", re.MULTILINE)
WIDE_GAP = re.compile(r"\s{2,}")
SENTENCE_END = re.compile(r"[。；;]")
MAX_CELL = 60


def row_cells(line: str) -> list[str]:
    """The cells of a line read as a table row: TAB-separated (empty fields are blank cells), else
    apart by runs of two spaces or more, else by single spaces."""
    if "\t" in line.strip(" \u3000"):
        return [squash_spaces(cell) for cell in line.strip("\r\n").split("\t")]
    stripped = line.strip()
    return (WIDE_GAP if WIDE_GAP.search(stripped) else re.compile(r"\s+")).split(stripped)


def is_row(cells: list[str]) -> bool:
    return len(cells) > 1 and all(len(cell) <= MAX_CELL and not SENTENCE_END.search(cell) for cell in cells)


def is_figure_row(line: str) -> bool:
    """A row of a table's body: a label (or none) and figures, a dash for a blank (or, between
    TABs, nothing: a row left blank is still one)."""
    tabbed = "\t" in line
    if not tabbed and not SEPARATED.search(line):
        return False
    cells = row_cells(line)
    kinds = {read_cell(cell).kind for cell in cells[1:]}
    return is_row(cells) and any(cells) and bool(kinds - {"blank"} or tabbed) and "text" not in kinds


def tokens_from_rows(lines: list[str]) -> Tokens:
    """A table pasted as text: a row's cells a line (``row_cells``), other lines one token each,
    as a page copy of one cell a line reads. A line of TABs alone is a row left blank."""
    tokens = Tokens()
    for line in lines:
        if is_blank(line) and "\t" not in line:
            continue
        cells = row_cells(line)
        if is_row(cells):
            tokens.raw.extend(cells)
            tokens.row_start.extend([True] + [False] * (len(cells) - 1))
            tokens.in_table.extend([True] * len(cells))
        else:  # a line of text, or a cell on a line of its own (as a page copy of cells: seed 000)
            tokens.add(squash_spaces(line))
    return tokens


def tokens_from_tabs(lines: list[str]) -> Tokens:
    """Word export: a cell starts at a TAB; a blank line ends a row; other lines continue a cell."""
    tokens = Tokens()
    row_break = True
    last_was_cell = False
    for line in lines:
        if line.startswith("\t"):
            tokens.add(squash_spaces(line[1:]), row_start=row_break, in_table=True)
            row_break, last_was_cell = False, True
        elif is_blank(line):
            row_break, last_was_cell = True, False
        elif last_was_cell:
            tokens.raw[-1] = (tokens.raw[-1] + squash_spaces(line)).strip()
        else:
            tokens.add(squash_spaces(line), row_start=True)
            row_break = True
    return tokens


def tokens_from_pipes(lines: list[str]) -> Tokens:
    """Cells copied with their borders: ``value |`` (the extra ``||`` are merged cells)."""
    tokens = Tokens()
    for line in lines:
        if is_blank(line):
            continue
        if "|" in line:
            tokens.add(squash_spaces(line.split("|", 1)[0]), in_table=True)
        else:  # a line of text, or a cell on a line of its own (as a page copy of cells: seed 000)
            tokens.add(squash_spaces(line))
    return tokens


HEADING_START = re.compile(r"^\s*(第二十条|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")


def tokens_from_cells(lines: list[str]) -> Tokens:
    """A page copied as text: each paragraph (lines up to a blank line) is one cell or sentence.

    A heading line (一、 (二) 第二十条…) is a paragraph of its own even without blank lines around
    it. A text with few blank lines has one cell per line.
    """
    blanks = [is_blank(line) for line in lines]
    if sum(blanks) * 4 < len(lines):
        raws = [squash_spaces(line) for line, blank in zip(lines, blanks, strict=True) if not blank]
        return Tokens(raws, [False] * len(raws), [False] * len(raws))
    tokens = Tokens()
    paragraph: list[str] = []
    heading = False  # the paragraph's first line is a heading
    for line, blank in zip([*lines, ""], [*blanks, True], strict=True):
        if paragraph and (blank or heading or HEADING_START.match(line)):
            tokens.add(squash_spaces("".join(p.strip() for p in paragraph)))
            paragraph = []
        if blank:
            continue
        if not paragraph:
            heading = HEADING_START.match(line) is not None
        paragraph.append(line)
    return tokens


def tokens_from_markdown(lines: list[str]) -> Tokens:
    """Text with markdown pipe tables, as other tools extract a PDF or Word file (ingest.markdown)."""
    return Tokens(*markdown_tokens(lines))


def layout_text(text: str) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    shape = text_shape(text)
    tokens = {
        "text_tabs": tokens_from_tabs,
        "text_pipes": tokens_from_pipes,
        "text_cells": tokens_from_cells,
        "text_markdown": tokens_from_markdown,
        "text_rows": tokens_from_rows,
    }[shape](lines)
    return finish(shape, tokens, lines, {})


def finish(
    shape: str,
    tokens: Tokens,
    raw_lines: list[str] | None,
    hints: dict[str, str],
    source_format: str = "text",
) -> Document:
    """Simplify the tokens; the lines are converted too, or are the tokens' own (``raw_lines`` None)."""
    script = simplify_tokens(tokens)
    if raw_lines is None:  # every line is a token (HTML): one conversion serves both
        return Document(shape, tokens, tokens.text, tokens.raw, script, hints, source_format)
    converted = convert_lines(raw_lines)
    lines = [line.line for line in converted]
    return Document(shape, tokens, lines, raw_lines, script_of(converted), hints, source_format)


# --- HTML -------------------------------------------------------------------------------------


HTML_PARSER = lxml.etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
# libxml2 stops at 256 levels of nested elements (and drops the page's text); with XML_PARSE_HUGE
# at 2048. A page nested deeper than 256 is read again with the larger limit (a rare page: the
# first parse is the usual one, with libxml2's default safety limits).
HUGE_HTML_PARSER = lxml.etree.HTMLParser(
    remove_comments=True, remove_pis=True, no_network=True, huge_tree=True
)
SKIPPED_TAGS = frozenset({*DROP_TAGS, "head", "title", "meta", "link"})
BLOCKS = frozenset(BLOCK_TAGS) | {"td", "th", "table", "body", "html"}
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


# a block boundary, a table's place, a row's and a cell's start in the serialised text: Unicode
# noncharacters, which no report prints (lxml refuses control characters in text)
BREAK, TABLE_MARK, ROW_MARK, CELL_MARK = "\ufdd0", "\ufdd1", "\ufdd3", "\ufdd2"
MARKS = (BREAK, TABLE_MARK, ROW_MARK, CELL_MARK)


def cell_text(cell: lxml.etree._Element) -> str:
    """All the text inside an element (lxml's C serialiser: twice as fast as joining itertext)."""
    return squash_spaces(lxml.etree.tostring(cell, method="text", encoding=str, with_tail=False))


def html_hints(root: lxml.etree._Element) -> dict[str, str]:
    """Title, publication date and source the page's <meta>, <title> and first heading give."""
    hints: dict[str, str] = {}
    first: dict[str, lxml.etree._Element] = {}  # the first <title>, <h1> and <h2>: one walk of the tree
    for element in root.iter("meta", "title", "h1", "h2"):
        if element.tag != "meta":
            first.setdefault(element.tag, element)
            continue
        key = META_HINTS.get((element.get("name") or "").strip().lower())
        content = squash_spaces(element.get("content") or "")
        if key and content and key not in hints:
            hints[key] = content
    title = first.get("title")
    if title is not None and "title" not in hints and (text := cell_text(title)):
        hints["page_title"] = text
    for tag in ("h1", "h2"):
        heading = first.get(tag)
        if heading is not None and (text := cell_text(heading)):
            hints.setdefault("heading", text)
            break
    return hints


# The page's text with its structure marked, written in C by libxslt in one pass: a break at
# both ends of every block; an innermost table (one holding no table) as a table mark, then
# for each of its rows (``.//tr``, in document order) a row mark and, for each cell of the
# row, a cell mark and the cell's whole text. What lies in a data table outside its cells
# (captions, stray text between rows or cells) is no cell's and is left out.
MARKED_BLOCKS = "|".join(sorted(BLOCKS - {"html"}))
PAGE_TEXT = lxml.etree.XSLT(
    lxml.etree.XML(
        f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="{MARKED_BLOCKS}">{BREAK}<xsl:apply-templates/>{BREAK}</xsl:template>
<xsl:template match="table[not(.//table)]" priority="2">{BREAK}{TABLE_MARK}<xsl:for-each select=".//tr"
>{ROW_MARK}<xsl:for-each select="td|th">{CELL_MARK}<xsl:value-of select="."/></xsl:for-each
></xsl:for-each>{BREAK}</xsl:template>
</xsl:stylesheet>""".encode()
    )
)


def add_table(tokens: Tokens, marked: str) -> int:
    """The cell tokens of one data table's marked text (``PAGE_TEXT``); rows without cells vanish.

    Returns the number of its rows with two cells or more (a grid, not a column of lines)."""
    wide = 0
    for row in marked.split(ROW_MARK)[1:]:
        # spaces squashed across the row (a run never spans a cell mark), then each cell stripped
        cells = " ".join(row.split()).split(CELL_MARK)[1:]
        if len(cells) > 1:
            wide += 1
        if cells:
            tokens.raw.extend(map(str.strip, cells))
            tokens.row_start.append(True)
            tokens.row_start.extend([False] * (len(cells) - 1))
            tokens.in_table.extend([True] * len(cells))
    return wide


# a data table: rows of two cells or more (a page's chrome may hold a row or two of label | value)
MIN_GRID_ROWS = 3


def html_tokens(root: lxml.etree._Element) -> tuple[Tokens, bool]:
    """Cell tokens of the innermost tables and one token per line of the rest, in reading order;
    whether the page holds a data table (``MIN_GRID_ROWS`` rows of two cells or more).

    libxslt writes the marked text (``PAGE_TEXT``: half the time of marking the tree from
    Python and serialising it); Python only splits it. A text node's own newlines stay spaces.
    """
    lxml.etree.strip_elements(root, *SKIPPED_TAGS, lxml.etree.Comment, lxml.etree.PI, with_tail=False)
    tokens = Tokens()
    grid = False
    for line in str(PAGE_TEXT(root)).split(BREAK):
        if line.startswith(TABLE_MARK):
            grid = add_table(tokens, line) >= MIN_GRID_ROWS or grid
        elif (line := squash_spaces(line)) and line.strip(INVISIBLE):  # not only zero-width marks
            tokens.add(line, True)
    return tokens, grid


def page_lines(root: lxml.etree._Element) -> list[str]:
    """The page's lines as a reader sees them, for the reader of lines of text (``layout_text``).

    A block (``<p>``, ``<div>``, a table row, …) is a line of its own, a ``<br>`` ends one, a
    block or ``<br>`` with no text is a blank line, ``<pre>`` keeps its own newlines; elsewhere
    a text node's newline is a space (the source's line wrapping). Tabs are kept: a page pasted
    from a Word export keeps its cell marks. (Functions, not closures: a parse makes no cycles.)
    """
    lines: list[str] = []
    parts: list[str] = []
    walk_lines(root, lines, parts)
    end_line(lines, parts, False)
    return lines


def end_line(lines: list[str], parts: list[str], blank: bool) -> None:
    """The text gathered since the last line as a line; where ``blank``, even without text."""
    # the source's line breaks around a line are markup; spaces and tabs are the text's own
    text = "".join(parts).strip("\r\n").replace("\r", "").replace("\n", " ")
    parts.clear()
    if blank or (text.strip() and text.strip(INVISIBLE)):  # a blank one keeps its blank cell marks
        lines.append(text)


def walk_lines(element: lxml.etree._Element, lines: list[str], parts: list[str]) -> None:
    tag = element.tag
    if tag == "br":
        end_line(lines, parts, True)
    elif tag == "pre":
        end_line(lines, parts, False)
        text = lxml.etree.tostring(element, method="text", encoding=str, with_tail=False)
        lines.extend(text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n"))
    else:
        block = tag in BLOCKS
        if block:
            end_line(lines, parts, False)
        before = len(lines)
        if element.text:
            parts.append(element.text)
        for child in element:
            walk_lines(child, lines, parts)
        if block:
            end_line(lines, parts, len(lines) == before)  # a block that made no line is a blank one
    if element.tail:
        parts.append(element.tail)


def fatal_errors(parser: lxml.etree.HTMLParser) -> list[lxml.etree._LogEntry]:
    """The errors of the parser's last parse after which libxml2 stopped reading the page."""
    return [e for e in parser.error_log if e.level == lxml.etree.ErrorLevels.FATAL]


LIBXML_DEPTH = re.compile(r"depth in document: (\d+)", re.IGNORECASE)


def malformed(error: lxml.etree._LogEntry | None) -> RejectedFile:
    """The ``malformed_html`` rejection of a page the HTML parser could not read whole (``error``:
    libxml2's fatal error; None: the tree was too deep to walk)."""
    if error is None:
        return RejectedFile(
            "malformed_html",
            "the page is nested too deeply for the HTML parser: its elements nest deeper than the "
            "reader of its text walks (Python's or libxslt's recursion limit), so its text cannot be "
            "read whole",
        )
    depth = LIBXML_DEPTH.search(error.message)
    if depth:
        return RejectedFile(
            "malformed_html",
            f"the page is nested too deeply for the HTML parser: its elements nest more than "
            f"{depth.group(1)} levels deep, libxml2's limit, so its text cannot be read whole",
        )
    return RejectedFile(
        "malformed_html",
        f"the page is too malformed for the HTML parser, which stopped reading it at line {error.line}: "
        f"{error.message.strip()}",
    )


def parse_html(text: str) -> lxml.etree._Element | None:
    """The page's tree (None where lxml finds no tree at all: it is read as text).

    A page libxml2 stops reading part way (a fatal error: nested deeper than its limit, say)
    is read again with its larger limits; one it cannot read whole even so is rejected
    ``malformed_html``: a report cut short silently would lose its tables.
    """
    markup = XML_DECLARATION.sub("", text, count=1)
    fatal: list[lxml.etree._LogEntry] = []
    for parser in (HTML_PARSER, HUGE_HTML_PARSER):
        try:
            root = lxml.etree.fromstring(markup, parser)
        except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
            return None
        fatal = fatal_errors(parser)
        if not fatal:
            return root
    raise malformed(fatal[0])


def layout_html(text: str) -> Document:
    """Prose lines from the block structure; tables (innermost only) as cell tokens."""
    for mark in MARKS:
        if mark in text:
            text = text.replace(mark, " ")
    root = parse_html(text)
    if root is None:
        return layout_text(text)
    try:
        return layout_tree(root)
    except (RecursionError, lxml.etree.XSLTApplyError):
        raise malformed(None) from None  # deeper than the walk of the tree (or libxslt) goes


def layout_tree(root: lxml.etree._Element) -> Document:
    """The Document of a page's tree."""
    hints = html_hints(root)
    tokens, grid = html_tokens(root)
    if not grid:  # the report is in lines (paragraphs, <br>, <pre>, a one-column table): read as text
        doc = layout_text("\n".join(page_lines(root)))
        doc.hints, doc.source_format = hints, "html"
        return doc
    return finish("html", tokens, None, hints, "html")


HTML_EXTENSIONS = (".html", ".htm", ".shtml")


def looks_like_html(text: str) -> bool:
    head = text[:4096].lower()
    return (
        "<html" in head or "<!doctype html" in head or ("<table" in text.lower() and "</td>" in text.lower())
    )


def layout(text: str, extension: str) -> Document:
    if extension in HTML_EXTENSIONS or looks_like_html(text):
        return layout_html(text)
    return layout_text(text)
