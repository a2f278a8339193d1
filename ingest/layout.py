"""Text or HTML to a :class:`Document`: one stream of cell tokens plus the lines of prose.

Every shape a portal produces is a table flattened in reading order: an HTML grid, a
page copied as one cell per paragraph (seed 000), cells ending in ``|`` (seed 001), or
a Word export with a tab before every cell (seed 002). All become the same stream of
:class:`Token`s, so the table reader (``ingest.tables``) has one job whatever the shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.etree

from ingest.script import detect_script, to_simplified
from ingest.text import LABEL_QUOTES, fold_width, is_blank, squash_spaces

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
class Token:
    """One cell (or one line of prose) in reading order."""

    raw: str  # as printed, spaces squashed, in the report's own script
    text: str = ""  # simplified and width-folded, for matching
    key: str = ""  # text as a label key (no spaces or quotes), computed once
    row_start: bool = False  # True where the source says a new table row begins here
    in_table: bool = False  # True for cells of a real table (HTML, tab or pipe export)

    @property
    def blank(self) -> bool:
        return is_blank(self.raw)


@dataclass
class Document:
    shape: str
    tokens: list[Token]
    lines: list[str]  # simplified, width-folded lines of the whole text (prose and cells)
    raw_lines: list[str]  # the same lines as printed
    script: str  # 'simplified' or 'traditional' (ingest.script.detect_script)
    hints: dict[str, str] = field(default_factory=dict)  # from HTML <title>/<meta>


# applied once to the joined text of all tokens instead of once per token: runs of white space
# but the line break, and (once spaces are single) a label key's dropped characters
SPACE_RUN = re.compile(r"[^\S\n]+")
LABEL_DROP_IN_LINES = re.compile(f"[ {LABEL_QUOTES}]")


def simplified_lines(raws: list[str]) -> tuple[list[str], str]:
    """Each raw line simplified and width-folded (one conversion call for all), and the
    script of the whole (``ingest.script.detect_script``)."""
    folded = fold_width("\n".join(raws))
    converted = to_simplified(folded)
    lines = converted.split("\n")
    if len(lines) != len(raws):  # a conversion that merged lines: convert them one by one
        lines = [to_simplified(fold_width(r)) for r in raws]
    return lines, detect_script(folded, converted)


def simplify_tokens(tokens: list[Token]) -> str:
    """Fill ``Token.text`` and ``Token.key`` of all tokens; the script of their text."""
    texts, script = simplified_lines([t.raw.replace("\n", " ") for t in tokens])
    joined = "\n".join(texts)
    if "  " in joined:  # raws are squashed, but a zero-width character folded away leaves two
        joined = SPACE_RUN.sub(" ", joined)
    keys = LABEL_DROP_IN_LINES.sub("", joined).split("\n")
    for token, text, key in zip(tokens, joined.split("\n"), keys, strict=True):
        token.text = text.strip()
        token.key = key
    return script


def text_shape(lines: list[str]) -> str:
    tabbed = sum(1 for line in lines if line.startswith("\t"))
    piped = sum(1 for line in lines if line.rstrip().endswith("|"))
    if piped >= MIN_SHAPE_LINES and piped >= tabbed:
        return "text_pipes"
    if tabbed >= MIN_SHAPE_LINES:
        return "text_tabs"
    return "text_cells"


def tokens_from_tabs(lines: list[str]) -> list[Token]:
    """Word export: a cell starts at a TAB; a blank line ends a row; other lines continue a cell."""
    tokens: list[Token] = []
    row_break = True
    last_was_cell = False
    for line in lines:
        if line.startswith("\t"):
            tokens.append(Token(squash_spaces(line[1:]), row_start=row_break, in_table=True))
            row_break, last_was_cell = False, True
        elif is_blank(line):
            row_break, last_was_cell = True, False
        elif last_was_cell:
            tokens[-1].raw = (tokens[-1].raw + squash_spaces(line)).strip()
        else:
            tokens.append(Token(squash_spaces(line), row_start=True))
            row_break = True
    return tokens


def tokens_from_pipes(lines: list[str]) -> list[Token]:
    """Cells copied with their borders: ``value |`` (the extra ``||`` are merged cells)."""
    tokens: list[Token] = []
    for line in lines:
        if is_blank(line):
            continue
        if "|" in line:
            tokens.append(Token(squash_spaces(line.split("|", 1)[0]), in_table=True))
        else:
            tokens.append(Token(squash_spaces(line), row_start=True))
    return tokens


HEADING_START = re.compile(r"^\s*(第二十条|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")


def tokens_from_cells(lines: list[str]) -> list[Token]:
    """A page copied as text: each paragraph (lines up to a blank line) is one cell or sentence.

    A heading line (一、 (二) 第二十条…) is a paragraph of its own even without blank lines around
    it. A text with few blank lines has one cell per line.
    """
    blanks = [is_blank(line) for line in lines]
    if sum(blanks) * 4 < len(lines):
        return [Token(squash_spaces(line)) for line, blank in zip(lines, blanks, strict=True) if not blank]
    tokens: list[Token] = []
    paragraph: list[str] = []
    heading = False  # the paragraph's first line is a heading
    for line, blank in zip([*lines, ""], [*blanks, True], strict=True):
        if paragraph and (blank or heading or HEADING_START.match(line)):
            tokens.append(Token(squash_spaces("".join(p.strip() for p in paragraph))))
            paragraph = []
        if blank:
            continue
        if not paragraph:
            heading = HEADING_START.match(line) is not None
        paragraph.append(line)
    return tokens


def layout_text(text: str) -> Document:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    shape = text_shape(lines)
    tokens = {
        "text_tabs": tokens_from_tabs,
        "text_pipes": tokens_from_pipes,
        "text_cells": tokens_from_cells,
    }[shape](lines)
    return finish(shape, tokens, lines, {})


def finish(shape: str, tokens: list[Token], raw_lines: list[str] | None, hints: dict[str, str]) -> Document:
    """Simplify the tokens; the lines are converted too, or are the tokens' own (``raw_lines`` None)."""
    tokens = [t for t in tokens if t.in_table or not t.blank]
    script = simplify_tokens(tokens)
    if raw_lines is None:  # every line is a token (HTML): one conversion serves both
        return Document(shape, tokens, [t.text for t in tokens], [t.raw for t in tokens], script, hints)
    lines, script = simplified_lines(raw_lines)
    return Document(shape, tokens, lines, raw_lines, script, hints)


# --- HTML -------------------------------------------------------------------------------------


HTML_PARSER = lxml.etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
SKIPPED_TAGS = frozenset({*DROP_TAGS, "head", "title", "meta", "link"})
BLOCKS = frozenset(BLOCK_TAGS) | {"td", "th", "table", "body", "html"}
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


# a block boundary, a table's place and a cell's start in the serialised text: Unicode noncharacters, which no
# report prints (lxml refuses control characters in text)
BREAK, TABLE_MARK, CELL_MARK = "\ufdd0", "\ufdd1", "\ufdd2"


def cell_text(cell: lxml.etree._Element) -> str:
    """All the text inside an element (lxml's C serialiser: twice as fast as joining itertext)."""
    return squash_spaces(lxml.etree.tostring(cell, method="text", encoding=str, with_tail=False))


CELL_TAGS = frozenset({"td", "th"})


def row_texts(row: lxml.etree._Element) -> list[str]:
    """The text of each cell of a row: marks at the cells' starts, one C serialisation, a split."""
    cells = [cell for cell in row if cell.tag in CELL_TAGS]
    if len(cells) != len(row):  # markup between the cells: its text is no cell's, read cell by cell
        return [cell_text(cell) for cell in cells]
    for cell in cells:
        cell.text = CELL_MARK + cell.text if cell.text else CELL_MARK
        cell.tail = None
    row.text = None
    text = lxml.etree.tostring(row, method="text", encoding=str, with_tail=False)
    return [squash_spaces(cell) for cell in text.split(CELL_MARK)[1:]]


def table_tokens(table: lxml.etree._Element) -> list[Token]:
    """Cells of one data table in reading order; row spans stay where the source put them.

    The table's elements are changed (cell marks): it is read once, then replaced.
    """
    tokens: list[Token] = []
    for row in table.iter("tr"):
        # positional arguments and a list: a third of the cost of keywords in a generator (~250 cells a page)
        tokens.extend([Token(text, "", "", n == 0, True) for n, text in enumerate(row_texts(row))])
    return tokens


def html_hints(root: lxml.etree._Element) -> dict[str, str]:
    """Title, publication date and source the page's <meta>, <title> and first heading give."""
    hints: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = META_HINTS.get((meta.get("name") or "").strip().lower())
        content = squash_spaces(meta.get("content") or "")
        if key and content and key not in hints:
            hints[key] = content
    title = root.find(".//title")
    if title is not None and "title" not in hints and (text := cell_text(title)):
        hints["page_title"] = text
    for tag in ("h1", "h2"):
        heading = root.find(f".//{tag}")
        if heading is not None and (text := cell_text(heading)):
            hints.setdefault("heading", text)
            break
    return hints


MARK_BLOCKS = tuple(BLOCKS - {"html"})


def html_tokens(root: lxml.etree._Element) -> list[Token]:
    """Cell tokens of the innermost tables and one token per line of the rest, in reading order.

    Python touches only tables and block elements: each block gets a break at both ends,
    each innermost table (read cell by cell first) is replaced by a mark, and lxml's C
    serialiser writes the text of everything else; a text node's own newlines stay spaces.
    """
    lxml.etree.strip_elements(root, *SKIPPED_TAGS, lxml.etree.Comment, lxml.etree.PI, with_tail=False)
    tables = [table for table in root.iter("table") if table.find(".//table") is None]
    table_cells = []
    for n, table in enumerate(tables):
        table_cells.append(table_tokens(table))
        tail = table.tail
        table.clear()
        table.text, table.tail = f"{BREAK}{TABLE_MARK}{n}{BREAK}", tail
    for element in root.iter(MARK_BLOCKS):
        element.text = BREAK + element.text if element.text else BREAK
        element.tail = BREAK + element.tail if element.tail else BREAK
    tokens: list[Token] = []
    for line in lxml.etree.tostring(root, method="text", encoding=str, with_tail=False).split(BREAK):
        if line.startswith(TABLE_MARK):
            tokens.extend(table_cells[int(line[1:])])
        elif line := squash_spaces(line):
            tokens.append(Token(line, row_start=True))
    return tokens


def layout_html(text: str) -> Document:
    """Prose lines from the block structure; tables (innermost only) as cell tokens."""
    if BREAK in text or TABLE_MARK in text or CELL_MARK in text:
        text = text.replace(BREAK, " ").replace(TABLE_MARK, " ").replace(CELL_MARK, " ")
    try:
        root = lxml.etree.fromstring(XML_DECLARATION.sub("", text, count=1), HTML_PARSER)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        return layout_text(text)
    hints = html_hints(root)
    return finish("html", html_tokens(root), None, hints)


def looks_like_html(text: str) -> bool:
    head = text[:4096].lower()
    return (
        "<html" in head or "<!doctype html" in head or ("<table" in text.lower() and "</td>" in text.lower())
    )


def layout(text: str, extension: str) -> Document:
    if extension in (".html", ".htm") or looks_like_html(text):
        return layout_html(text)
    return layout_text(text)
