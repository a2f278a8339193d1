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
import lxml.html

from ingest.script import to_simplified
from ingest.text import fold_width, folded_label_key, is_blank, squash_spaces

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
TABLE_MARK = "\ue000T{}\ue000"
TABLE_MARK_RE = re.compile("\ue000T(\\d+)\ue000")
MIN_SHAPE_LINES = 12


@dataclass
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
    hints: dict[str, str] = field(default_factory=dict)  # from HTML <title>/<meta>


def simplify_tokens(tokens: list[Token]) -> None:
    """Fill ``Token.text`` and ``Token.key`` for all tokens with one conversion call."""
    raws = [t.raw.replace("\n", " ") for t in tokens]
    converted = to_simplified(fold_width("\n".join(raws))).split("\n")
    if len(converted) != len(tokens):
        converted = [to_simplified(fold_width(r)) for r in raws]
    for token, text in zip(tokens, converted, strict=True):
        token.text = squash_spaces(text)
        token.key = folded_label_key(token.text)


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

    A heading line (一、 (二) 第二十条…) is a paragraph of its own even without blank lines around it.
    """
    tokens: list[Token] = []
    paragraph: list[str] = []
    blank_separated = sum(1 for line in lines if is_blank(line)) * 4 >= len(lines)
    for line in [*lines, ""]:
        if paragraph and (HEADING_START.match(line) or HEADING_START.match(paragraph[0])):
            tokens.append(Token(squash_spaces("".join(p.strip() for p in paragraph))))
            paragraph = []
        if is_blank(line) or not blank_separated:
            if not blank_separated and not is_blank(line):
                paragraph.append(line)
            if paragraph:
                tokens.append(Token(squash_spaces("".join(p.strip() for p in paragraph))))
                paragraph = []
        else:
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


def finish(shape: str, tokens: list[Token], raw_lines: list[str], hints: dict[str, str]) -> Document:
    tokens = [t for t in tokens if t.in_table or not t.blank]
    simplify_tokens(tokens)
    folded = to_simplified(fold_width("\n".join(raw_lines))).split("\n")
    return Document(shape, tokens, folded, raw_lines, hints)


# --- HTML -------------------------------------------------------------------------------------


def cell_text(cell: lxml.html.HtmlElement) -> str:
    return squash_spaces("".join(cell.itertext()))


def table_tokens(table: lxml.html.HtmlElement) -> list[Token]:
    """Cells of one data table in reading order; row spans stay where the source put them."""
    tokens: list[Token] = []
    for row in table.iter("tr"):
        first = True
        for cell in row:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            tokens.append(Token(cell_text(cell), row_start=first, in_table=True))
            first = False
    return tokens


def html_hints(root: lxml.html.HtmlElement) -> dict[str, str]:
    hints: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = META_HINTS.get((meta.get("name") or "").strip().lower())
        content = squash_spaces(meta.get("content") or "")
        if key and content and key not in hints:
            hints[key] = content
    title = root.find(".//title")
    if title is not None and "title" not in hints:
        text = squash_spaces(title.text_content())
        if text:
            hints["page_title"] = text
    for tag in ("h1", "h2"):
        heading = root.find(f".//{tag}")
        if heading is not None and squash_spaces(heading.text_content()):
            hints.setdefault("heading", squash_spaces(heading.text_content()))
            break
    return hints


def layout_html(text: str) -> Document:
    """Prose lines from the block structure; tables (innermost only) as cell tokens."""
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        return layout_text(text)
    hints = html_hints(root)
    for bad in root.xpath("//" + " | //".join(DROP_TAGS)):
        bad.drop_tree()
    for comment in root.xpath("//comment()"):
        comment.drop_tree()
    for title in root.xpath("//head"):
        title.drop_tree()
    tables: list[list[Token]] = []
    for table in list(root.iter("table")):
        if table.find(".//table") is not None:
            continue  # a layout table: its inner tables hold the data
        marker = lxml.html.Element("div")
        marker.text = TABLE_MARK.format(len(tables))
        tables.append(table_tokens(table))
        marker.tail = table.tail
        table.getparent().replace(table, marker)
    for element in root.iter(*BLOCK_TAGS, "div", "td", "th", "table"):
        element.tail = "\n" + (element.tail or "")
        if element.tag == "br":
            continue
        element.text = "\n" + (element.text or "")
    raw_lines: list[str] = []
    tokens: list[Token] = []
    for line in root.text_content().split("\n"):
        for i, part in enumerate(TABLE_MARK_RE.split(line)):
            if i % 2:
                tokens.extend(tables[int(part)])
                raw_lines.extend(t.raw for t in tables[int(part)])
            elif not is_blank(part):
                raw_lines.append(squash_spaces(part))
                tokens.append(Token(squash_spaces(part), row_start=True))
    return finish("html", tokens, raw_lines, hints)


def looks_like_html(text: str) -> bool:
    head = text[:4096].lower()
    return (
        "<html" in head or "<!doctype html" in head or ("<table" in text.lower() and "</td>" in text.lower())
    )


def layout(text: str, extension: str) -> Document:
    if extension in (".html", ".htm") or looks_like_html(text):
        return layout_html(text)
    return layout_text(text)
