"""A table as a grid of cells with row and column spans, written in the four shapes portals produce.

- HTML ``<table>`` markup with ``rowspan``/``colspan``, plain (a portal's CMS) or as
  Word pastes it (``MsoNormalTable``, every cell a ``<p class="MsoNormal"><span>``);
- text copied from a page (seed 000): one cell per paragraph, cells merged from above
  absent;
- cells copied with their borders (seed 001): ``value |`` a line, the row's last cell
  padded with one ``|`` per cell the row lacks;
- a Word export (seed 002): a TAB before every cell, a blank line after every row, a
  cell merged from the row above as a bare TAB, a label's second line without a TAB;
- a table pasted as text: one row a line, its own cells apart by a TAB, by one space or
  by spaces padding each column to its width (cells merged from above absent, as in HTML).

A cell's text may hold ``\\n`` (a line break inside the cell). ``None`` is a blank cell:
each shape prints blanks its own way (the ``blank`` argument).
"""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    text: str | None  # None: a blank cell
    rowspan: int = 1
    colspan: int = 1


Row = list[Cell]


@dataclass(frozen=True)
class Grid:
    rows: list[Row]

    @property
    def width(self) -> int:
        return max(sum(c.colspan for c in row) for row in self.rows[:1]) if self.rows else 0

    def slots(self) -> list[list[Cell | None]]:
        """Each row as the writer meets it: its own cells, and ``None`` for each cell merged from above."""
        active: dict[int, list[int]] = {}  # start column -> [rows still covered, colspan]
        found: list[list[Cell | None]] = []
        for row in self.rows:
            slots: list[Cell | None] = []
            column, pending = 0, list(row)
            started: dict[int, list[int]] = {}
            while pending or any(start >= column for start in active):
                if column in active:
                    slots.append(None)
                    column += active[column][1]
                elif pending:
                    cell = pending.pop(0)
                    slots.append(cell)
                    if cell.rowspan > 1:
                        started[column] = [cell.rowspan - 1, cell.colspan]
                    column += cell.colspan
                else:
                    column = min(start for start in active if start >= column)
            for start in list(active):
                active[start][0] -= 1
                if active[start][0] == 0:
                    del active[start]
            active.update(started)
            found.append(slots)
        return found


def plain_grid(rows: list[list[str | None]]) -> Grid:
    """A grid of single cells (no spans)."""
    return Grid([[Cell(text) for text in row] for row in rows])


# --- HTML ------------------------------------------------------------------------------------------


def attributes(cell: Cell) -> str:
    spans = ""
    if cell.colspan > 1:
        spans += f' colspan="{cell.colspan}"'
    if cell.rowspan > 1:
        spans += f' rowspan="{cell.rowspan}"'
    return spans


def html_text(text: str | None, blank: str) -> str:
    if text is None:
        return blank
    return "<br>".join(html.escape(line, quote=False) for line in text.split("\n"))


MSO_TD = 'valign="center" style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"'
MSO_P = (
    '<p class="MsoNormal" align="center" style="text-align:center">'
    '<span style="font-size:10.5pt;font-family:宋体">'
)


def html_table(
    grid: Grid, blank: str = "", style: str = "portal", head_rows: int = 0, spacer: bool = False
) -> str:
    """``<table>`` markup; ``blank`` is what a blank cell holds ('', '&nbsp;', a full-width space).

    ``head_rows`` first rows are ``<th>`` cells; ``spacer`` ends a Word table with its row of
    empty sizing cells.
    """
    lines = []
    if style == "mso":
        lines.append(
            '<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" width="600" '
            'style="border-collapse:collapse;border:none">'
        )
    else:
        lines.append('<table class="xxgk-table" border="1" cellspacing="0" cellpadding="0" width="100%">')
    lines.append("<tbody>")
    for n, row in enumerate(grid.rows):
        tag = "th" if n < head_rows else "td"
        if style == "mso":
            cells = "".join(
                f"<{tag}{attributes(c)} {MSO_TD}>{MSO_P}{html_text(c.text, blank)}</span></p></{tag}>"
                for c in row
            )
            lines.append(f'<tr style="height:21.75pt">{cells}</tr>')
        else:
            cells = "".join(f"<{tag}{attributes(c)}>{html_text(c.text, blank)}</{tag}>" for c in row)
            lines.append(f"<tr>{cells}</tr>")
    if spacer and style == "mso":
        lines.append('<tr height="0">' + '<td width="60" style="border:none"></td>' * grid.width + "</tr>")
    lines.append("</tbody>")
    lines.append("</table>")
    return "\n".join(lines)


# --- text ------------------------------------------------------------------------------------------


def cells_text(grid: Grid, blank: str = "—", split_lines: bool = False) -> str:
    """One cell per paragraph; a cell's lines stay in its paragraph, or (``split_lines``) become paragraphs.

    A blank cell cannot be shown in this shape (the paragraph would vanish), so it is
    printed as ``blank``: a dash, which the parser reads as not applicable (NULL).
    """
    parts = []
    for row in grid.rows:
        for cell in row:
            text = blank if cell.text is None else cell.text
            parts.append(text.replace("\n", "\n\n") if split_lines else text)
    return "".join(f"{p}\n\n" for p in parts)


def pipes_text(grid: Grid, blank: str = "") -> str:
    """``value |`` a line; the last cell of a row padded with one ``|`` per cell the row lacks."""
    width = len(max(grid.rows, key=len)) if grid.rows else 0
    width = max(width, grid.width)
    lines = []
    for row in grid.rows:
        for n, cell in enumerate(row):
            text = blank if cell.text is None else cell.text.replace("\n", " ")
            line = f"{text} |"
            if n == len(row) - 1 and width > len(row):
                line += " " + "|" * (width - len(row))
            lines.append(line)
    return "".join(f"{line}\n" for line in lines)


def tabs_text(grid: Grid, blank: str = "\u3000") -> str:
    """A TAB before every cell, a blank line after every row; merged-from-above cells are bare TABs."""
    out = []
    for slots in grid.slots():
        for cell in slots:
            if cell is None:
                out.append("\t\n")
                continue
            text = blank if cell.text is None else cell.text
            first, *rest = text.split("\n")
            out.append(f"\t{first}\n" + "".join(f"{line}\n" for line in rest))
        out.append("\n")
    return "".join(out)


ROW_SEPARATORS = ("tab", "space", "padded")


def rows_text(grid: Grid, separator: str = "tab", blank: str = "") -> str:
    """One row a line, a row's own cells apart by ``separator``: 'tab', 'space' (one) or 'padded'
    (each column's cells padded with spaces to the column's widest, two spaces at least between).

    A blank cell between spaces cannot be shown (the gap would only widen), so it is printed
    as ``blank`` (a dash); between TABs it may be empty. A cell's own line breaks are dropped;
    where a cell holds a space of its own, cells one space apart are padded instead.
    """
    rows = [[blank if c.text is None else c.text.replace("\n", "") for c in row] for row in grid.rows]
    if separator == "space" and any(len(text.split()) > 1 for row in rows for text in row):
        separator = "padded"  # a cell with a space of its own (1 234) would read as two
    if separator == "tab":
        return "".join("\t".join(row) + "\n" for row in rows)
    if separator == "space":
        return "".join(" ".join(row) + "\n" for row in rows)
    widths: dict[int, int] = {}
    for row in rows:
        for n, text in enumerate(row):
            widths[n] = max(widths.get(n, 0), display_width(text))
    lines = ["  ".join(pad(text, widths[n]) for n, text in enumerate(row)) for row in rows]
    return "".join(line.rstrip() + "\n" for line in lines)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def display_width(text: str) -> int:
    """Columns the text takes in a monospaced font: a Han character or full-width form two."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)
