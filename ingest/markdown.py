"""Text another tool extracted from a PDF or a Word file, its tables as markdown pipe tables.

What such tools print, and what this reader makes of it (``ingest.layout`` wraps the result
in :class:`~ingest.layout.Tokens`, so the table reader sees the same stream as for HTML):

- a table is a header row, a ``|---|`` row and body rows; leading and trailing pipes are
  optional, ``\\|`` is a pipe inside a cell, ``<br>`` a line break inside a cell;
- a table broken at every page is printed as fragments with the page's number (``- 3 -``,
  ``第 3 页``, ``3/10``) and its running header (a line printed on every page) between them:
  fragments with nothing else between them are one table, and those lines are not cells;
  a fragment's header row that repeats an earlier one is dropped (unless it holds figures only:
  a body row whose label was lost, which may well repeat), and so is a header of
  generic names (``列1``, ``Column1``, ``Unnamed: 0``); any other header row (a fragment
  starting mid-table takes its first body row for a header) is an ordinary row;
- the table's label columns are the columns left of its values; a row whose label columns
  are empty (or were dropped: the row is as wide as the value columns) had its label lost:
  it starts with :data:`LOST_LABEL` instead, for the table reader to place it by its
  position in the template or keep it unmapped; a row that lost cells otherwise (two
  numbers glued into one cell by a lost separator) cannot be placed: its values follow
  :data:`CELLS_LOST`, after its label, so they are kept unmapped and never split or shifted.

Page numbers outside tables are dropped too (a bare number on a line of its own is a page
number in extracted text: no sentence is a bare number).
"""

from __future__ import annotations

import re

from ingest.numbers import TEXT_CELL, read_cell
from ingest.text import is_blank, squash_spaces

# Markers put in a row's label place (Unicode noncharacters, which no report prints; the HTML
# reader's marks are U+FDD0–U+FDD3).
LOST_LABEL = "\ufdd4"  # the row's label was lost; its values are in their columns
CELLS_LOST = "\ufdd5"  # the row lost cells (glued or dropped): its values' columns are unknown
MARKERS = (LOST_LABEL, CELLS_LOST)

# A |---| row: at least two cells, or one between two pipes (alignment colons allowed).
RULE_ROW = re.compile(
    r"^[ \t]*(?:\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?|\|[ \t]*:?-{3,}:?[ \t]*\|)[ \t]*$",
    re.MULTILINE,
)
# Page furniture: a page number as extraction tools and page footers print it, a horizontal rule
# or page-break comment a converter writes between pages, 续表 (table continued).
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－~]\s*\d{1,4}\s*[-—–－~]|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}|(?:[Pp]age|PAGE)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|\d{1,4}"
    r"|[-*_]{3,}|<!--.*?-->|\(?续表\)?|（续表）|\f)\s*$"
)
# A header cell a tool made up: pandas' Unnamed: 0, Excel/Word's Column1, 列1, 字段1, …
GENERIC_NAME = re.compile(
    r"^(?:列|字段|表头|栏目?|[Cc]olumn|COLUMN|[Cc]ol|COL|[Ff]ield|Unnamed|unnamed)[\s_:：#]*\d+(?:_level_\d+)?$"
)
CELL_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
PIPE = re.compile(r"(?<!\\)\|")
RUNNING_HEADER_MAX = 60  # a running header is a short line


def has_markdown_table(text: str) -> bool:
    """True where the text holds a markdown table's ``|---|`` row (a C-level scan of the whole)."""
    return "|" in text and "---" in text and RULE_ROW.search(text) is not None


def split_row(line: str) -> list[str]:
    """The cells of a table row: optional outer pipes, ``\\|`` escapes, ``<br>`` and bold marks."""
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    cells = PIPE.split(line) if "\\|" in line else line.split("|")
    found = []
    for cell in cells:
        if "\\|" in cell:
            cell = cell.replace("\\|", "|")
        if "<" in cell:
            cell = CELL_BREAK.sub("", cell)
        if "*" in cell or "__" in cell:
            cell = cell.replace("**", "").replace("__", "")
        found.append(squash_spaces(cell))
    return found


def is_value(cell: str) -> bool:
    """A cell the table reader takes for a value (number, dash, 无), not blank and not text."""
    return bool(cell) and (read_cell(cell) is not TEXT_CELL or cell in ("無", "沒有"))


def is_generic(cells: list[str]) -> bool:
    """A header row of made-up names (or none): 列1 列2…, Column1…, Unnamed: 0…, 0 1 2…."""
    named = [c for c in cells if c]
    if not named:
        return True
    if all(GENERIC_NAME.match(c) for c in named):
        return True
    numbered = [c.isdigit() and int(c) for c in cells]
    return len(cells) > 2 and numbered in (list(range(len(cells))), list(range(1, len(cells) + 1)))


def running_headers(lines: list[str]) -> frozenset[str]:
    """Short lines printed more than once outside tables: a page's running header or footer."""
    seen: dict[str, int] = {}
    for line in lines:
        if "|" in line or not line or len(line) > RUNNING_HEADER_MAX:
            continue
        key = squash_spaces(line)
        if key:
            seen[key] = seen.get(key, 0) + 1
    return frozenset(key for key, n in seen.items() if n > 1)


Row = list[str]


def blocks_of(lines: list[str]) -> list[tuple[str, object]]:
    """The text as ('line', text) and ('table', [(is_header, cells), ...]) items in order."""
    items: list[tuple[str, object]] = []
    rows: list[tuple[bool, Row]] | None = None
    n = len(lines)
    for k, line in enumerate(lines):
        if "|" in line or "-" in line:
            if RULE_ROW.match(line):
                if rows is None:
                    rows = []
                    items.append(("table", rows))
                if rows and not rows[-1][0] and k > 0 and "|" in lines[k - 1]:
                    rows[-1] = (True, rows[-1][1])  # the row above the |---| row is a header
                continue
            stripped = line.strip()
            if stripped.startswith("|") or (
                "|" in line and (rows is not None or (k + 1 < n and RULE_ROW.match(lines[k + 1])))
            ):
                if rows is None:
                    rows = []
                    items.append(("table", rows))
                rows.append((False, split_row(line)))
                continue
        rows = None
        items.append(("line", line))
    return items


def is_furniture(line: str, headers: frozenset[str]) -> bool:
    return is_blank(line) or PAGE_NUMBER.match(line) is not None or squash_spaces(line) in headers


def running_header(line: str, pending: list[tuple[str, object]]) -> bool:
    """A short line right after a page number, between two fragments: the next page's running header
    (printed once only where the table spans two pages). Where no fragment follows it, it stays."""
    return (
        len(line) <= RUNNING_HEADER_MAX
        and not line.rstrip().endswith(("。", "；", ";"))
        and any(PAGE_NUMBER.match(text) and not is_blank(text) for _, text in pending)  # type: ignore[arg-type]
        and sum(not is_blank(text) and not PAGE_NUMBER.match(text) for _, text in pending) < 2  # type: ignore[arg-type]
    )


def join_fragments(items: list[tuple[str, object]], headers: frozenset[str]) -> list[tuple[str, object]]:
    """Tables separated only by page furniture are one table; the furniture between them goes."""
    joined: list[tuple[str, object]] = []
    pending: list[tuple[str, object]] = []  # lines after the last table, all furniture so far
    last_table: list | None = None
    for kind, content in items:
        if kind == "line":
            if last_table is not None and (
                is_furniture(content, headers) or running_header(content, pending)  # type: ignore[arg-type]
            ):
                pending.append((kind, content))
                continue
            joined.extend(pending)
            pending, last_table = [], None
            joined.append((kind, content))
        elif last_table is not None:
            last_table.append(("page", []))  # the fragment's boundary: its header may repeat
            last_table.extend(content)  # type: ignore[arg-type]
            pending = []
        else:
            joined.extend(pending)
            pending = []
            last_table = list(content)  # type: ignore[arg-type]
            joined.append(("table", last_table))
    joined.extend(pending)
    return joined


def fragment_goes_on(rows: list[tuple[object, Row]], n: int) -> bool:
    """Whether body rows follow row ``n`` before the table's next page boundary."""
    return n + 1 < len(rows) and rows[n + 1][0] is False


def table_rows(rows: list[tuple[object, Row]]) -> list[Row]:
    """The rows of one (joined) table: generic and repeated header rows and page numbers dropped."""
    kept: list[Row] = []
    seen_headers: list[Row] = []
    for n, (is_header, cells) in enumerate(rows):
        if is_header == "page":
            continue
        if is_header:
            if is_generic(cells) and (any(cells) or fragment_goes_on(rows, n)):
                continue  # a blank header row over nothing is the fragment's one body row (NULLs)
            if any(c and not is_value(c) for c in cells):  # a header has words; a row of figures
                if cells in seen_headers:  # is a body row (its label lost), repeated or not
                    continue
                seen_headers.append(cells)
        filled = [c for c in cells if c]
        if not filled:
            kept.append(cells)  # blank values (NULL) of a table without label columns, or a spacer
            continue
        # a page number caught inside the table; a bare number only alone in the first cell of a
        # wide row (elsewhere it is a value whose neighbours are blank)
        if (
            len(filled) == 1
            and PAGE_NUMBER.match(filled[0])
            and (not filled[0].isdigit() or (cells[0] == filled[0] and len(cells) >= 3))
        ):
            continue
        kept.append(cells)
    return kept


def table_tokens(rows: list[Row], raw: list[str], row_start: list[bool], in_table: list[bool]) -> None:
    """The cell tokens of one table, label columns told from value columns (see the module doc)."""
    width = max(map(len, rows), default=0)
    values = [[is_value(c) for c in row] for row in rows]
    labels = 0  # the label columns: left of the first value column in every full data row
    first_value = width  # the leftmost value of any full row: no label column reaches it
    for row, kinds in zip(rows, values, strict=True):
        if len(row) == width and any(kinds):
            last_text = max((n for n, c in enumerate(row) if c and not kinds[n]), default=-1)
            labels = max(labels, last_text + 1)
            first_value = min(first_value, kinds.index(True))
    ends: dict[int, int] = {}  # rows of blank values: labels in one run, left of any value, and
    # starting within the label columns the rows with values show, if any (a header row of column
    # names over a table whose values are sparse starts right of them: its words are no labels)
    for row, kinds in zip(rows, values, strict=True):
        texts = [n for n, c in enumerate(row) if c]
        contiguous = bool(texts) and texts == list(range(texts[0], texts[-1] + 1))
        in_labels = bool(texts) and (labels == 0 or texts[0] <= labels)
        if (
            len(row) == width
            and contiguous
            and in_labels
            and not any(kinds)
            and texts[-1] < min(first_value, width - 1)
        ):
            ends[texts[-1] + 1] = ends.get(texts[-1] + 1, 0) + 1
    if ends:  # the label columns most such rows show (a header row over a single measure is one row)
        labels = max(labels, max(ends, key=lambda end: (ends[end], -end)))
    for row, kinds in zip(rows, values, strict=True):
        texts = [n for n, c in enumerate(row) if c and not kinds[n]]
        if not texts and not any(kinds):
            if labels or len(row) < width:
                continue  # a blank row below a label column: a spacer, no row of the template
        elif not any(kinds) and (not labels or len(row) < width or texts[-1] >= labels):
            # a heading row: its words, blank cells left out (as a merged cell is); a row labelled
            # within the label columns and blank further right is a row of blank values (NULL)
            words = [c for c in row if c]
            raw.extend(words)
            row_start.extend([True] + [False] * (len(words) - 1))
            in_table.extend([True] * len(words))
            continue
        if len(row) == width or (not texts and labels and len(row) == width - labels):
            if len(row) < width:
                row = [""] * labels + row  # the label column(s) dropped with the label
            head = [c for c in row[:labels] if c]
            cells = row[labels:]
            lead = head or ([LOST_LABEL] if labels else [])
        else:  # cells lost or glued: the values cannot be put in their columns
            first_value = max(max(texts, default=-1) + 1, labels if len(row) > labels else 0)
            lead = [c for c in row[:first_value] if c] + [CELLS_LOST]
            cells = row[first_value:]
        raw.extend(lead)
        raw.extend(cells)
        row_start.extend([True] + [False] * (len(lead) + len(cells) - 1))
        in_table.extend([True] * (len(lead) + len(cells)))


def markdown_tokens(lines: list[str]) -> tuple[list[str], list[bool], list[bool]]:
    """(raw, row_start, in_table) of a text with markdown tables: one token per other line."""
    headers = running_headers(lines)
    raw: list[str] = []
    row_start: list[bool] = []
    in_table: list[bool] = []
    seen_lines: set[str] = set()
    for kind, content in join_fragments(blocks_of(lines), headers):
        if kind == "table":
            rows = table_rows(content)  # type: ignore[arg-type]
            if rows:
                table_tokens(rows, raw, row_start, in_table)
            continue
        line = squash_spaces(content)  # type: ignore[arg-type]
        if not line or PAGE_NUMBER.match(line):
            continue
        if line in headers:  # a running header: its first print may be the title, the rest are not text
            if line in seen_lines:
                continue
            seen_lines.add(line)
        raw.append(line)
        row_start.append(True)
        in_table.append(False)
    return raw, row_start, in_table
