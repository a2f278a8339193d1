"""A report as another tool extracts it from a PDF: text with markdown pipe tables, and its defects.

What PDF-to-markdown tools print (issue 15, point 5), each defect configurable (:class:`Defects`):

- the tables as markdown pipe tables, a merged cell's text in its first cell and the cells it
  covers blank; a cell's line breaks as ``<br>``;
- a table broken at every page (``rows_per_page``): a fragment per page, the page's number
  (``- 3 -``, ``第 3 页``, ``3/10``, a bare ``3``) and the running header (the title) between
  fragments, or the page number as a row inside the table (``number_in_table``); each
  fragment's header row is its first row (a tool borrows it), the table's first row again
  (``repeat_header``) or made-up names (``generic_header``: 列1 列2 …);
- rows whose label cells were lost (``lost_labels``), labels cut across two cells
  (``cut_labels``: a merged label split at a column boundary), two figures glued into one
  cell by a lost separator (``glued``: the row one cell short), outer pipes left out.

The truth says what is recoverable: a row whose lost label its place in the template decides
keeps its facts; one its place does not decide (next to the local extra row 其他主动公开文件)
and a glued row are unmapped cells (label ``''`` where it was lost, the glued figure as printed,
never split). :func:`recoverable` is the rule, written from the template, not from the parser.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from decimal import Decimal

from synthetic import prose, tables
from synthetic.labels import printed_labels
from synthetic.render import date_lines, title_of, traditional
from synthetic.style import Style, to_traditional
from synthetic.template import (
    ARTICLE20,
    ITEM_LABELS,
    ITEM_LABELS_GB2021,
    ITEM_NOTES,
    LOCAL_ITEM,
    OUTCOME_LABELS,
    table_outcomes,
)
from synthetic.truth import ReportTruth

PAGE_NUMBERS = ("dash", "chinese", "fraction", "bare")


@dataclass(frozen=True)
class Defects:
    rows_per_page: int | None = None  # a page break after this many table rows (None: one page)
    page_number: str = "dash"  # - 3 - | 第 3 页 | 3/10 | 3
    number_in_table: bool = False  # the page number printed as a row of the table, not between fragments
    repeat_header: bool = False  # each later fragment's header row repeats the table's first row
    generic_header: bool = False  # each fragment's header row is 列1 列2 …, every real row a body row
    lost_labels: float = 0.0  # share of data rows whose label cells are lost
    cut_labels: float = 0.0  # share of labels spanning two or more cells cut across two of them
    glued: float = 0.0  # share of data rows with two neighbouring figures glued into one cell
    outer_pipes: bool = True  # False: no leading or trailing pipe where that end cell is filled


@dataclass
class Row:
    cells: list[str]
    labels: int  # the label columns of its table
    key: tuple[str, str] | None = None  # ('applications', outcome) or (f'article20.{clause}', item)
    lost: bool = False
    glued: bool = False


# --- the truth of the defects ----------------------------------------------------------------------


def sequences(section: str, truth: ReportTruth) -> list[str]:
    """The report's rows of a table, in order (contract §3; the local extra row not among them)."""
    if section == "applications":
        return list(table_outcomes(truth))
    clause = section.removeprefix("article20.")
    return next(list(items) for c, items, _ in ARTICLE20[truth.template_version] if c == clause)


def recoverable(rows: list[Row], truth: ReportTruth) -> set[int]:
    """Indexes (in ``rows``, one table's data rows) of the lost rows their place decides.

    A run of lost rows between two labelled rows (or the table's start or end) is decided where
    the template has exactly as many rows between those two as the run has.
    """
    decided: set[int] = set()
    n = 0
    while n < len(rows):
        if not rows[n].lost:
            n += 1
            continue
        last = n
        while last < len(rows) and rows[last].lost:
            last += 1
        section = rows[n].key[0] if rows[n].key else ""
        order = sequences(section, truth)
        before = rows[n - 1].key[1] if n else None
        after = rows[last].key[1] if last < len(rows) else None
        low = 0 if before is None else order.index(before) + 1 if before in order else None
        high = len(order) if after is None else order.index(after) if after in order else None
        if low is not None and high is not None and high - low == last - n:
            decided.update(range(n, last))
        n = last
    return decided


def figure(cell: str) -> Decimal | None:
    """A printed figure's value as the truth knows it: digits (full-width too), separators, 无."""
    text = cell.strip().replace(",", "").replace("\xa0", "").replace(" ", "")
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not text:
        return None
    if text in ("无", "無"):
        return Decimal(0)
    return Decimal(text)


Unmapped = list[tuple[str, str, Decimal]]  # (section, row_label, value), as ParsedReport.unmapped holds them


def unmap(truth: ReportTruth, row: Row, label: str, script: str, unmapped: Unmapped) -> None:
    """The row's facts become unmapped cells (its values as printed, blanks left out)."""
    assert row.key is not None
    section, code = row.key
    if section == "applications":
        for applicant in [a for (o, a) in truth.applications if o == code]:
            del truth.applications[(code, applicant)]
    else:
        for item, measure in [k for k in truth.disclosures if k[0] == code]:
            del truth.disclosures[(item, measure)]
    if script == "traditional":
        label = to_traditional().convert(label)
    unmapped.extend(
        (section, label, value) for value in map(figure, row.cells[row.labels :]) if value is not None
    )


# --- grids as markdown rows ------------------------------------------------------------------------


def matrix(grid: tables.Grid) -> list[list[str]]:
    """The grid with spans expanded: a merged cell's text in its first cell, the cells it covers blank."""
    width = max(sum(c.colspan for c in row) for row in grid.rows)
    found: list[list[str]] = []
    covered: dict[tuple[int, int], bool] = {}
    for r, row in enumerate(grid.rows):
        line = [""] * width
        column = 0
        for cell in row:
            while covered.get((r, column)):
                column += 1
            line[column] = "" if cell.text is None else cell.text.replace("\n", "<br>").strip()
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    covered[(r + dr, column + dc)] = True
            column += cell.colspan
        found.append(line)
    return found


def label_codes(truth: ReportTruth, style: Style) -> dict[str, tuple[str, str]]:
    """Each printed row label to its (table, code), from the template's labels as the grids print them."""
    template = truth.template_version
    labels = ITEM_LABELS_GB2021 if template == "gb2021" else ITEM_LABELS
    slips = printed_labels(truth)  # as the grids print them
    found: dict[str, tuple[str, str]] = {}
    for clause, items, _ in ARTICLE20[template]:
        for item in (*items, LOCAL_ITEM) if clause == "一" else items:
            label = slips.get(("article20", item), labels[item])
            text = label + (ITEM_NOTES.get(item, "") if style.header_notes else "")
            found[tables.parens(text, style)] = (f"article20.{clause}", item)
    for outcome in table_outcomes(truth):
        label = slips.get(("applications", outcome), OUTCOME_LABELS[outcome])
        found[tables.parens(label, style)] = ("applications", outcome)
    return found


def table_rows(name: str, truth: ReportTruth, style: Style, rng: random.Random) -> list[Row]:
    rows = matrix(builder(name)(truth, style, rng))
    labels = {"article20": 1, "applications": 3, "appeals": 0}[name]
    codes = label_codes(truth, style)
    found = []
    for cells in rows:
        key = None
        label = next((c for c in reversed(cells[:labels]) if c), "")
        if label in codes:
            key = codes[label]
        found.append(Row(cells, labels, key))
    return found


def builder(name: str):
    return {
        "article20": tables.article20_grid,
        "applications": tables.applications_grid,
        "appeals": tables.appeals_grid,
    }[name]


def digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def spoil(
    rows: list[Row],
    truth: ReportTruth,
    style: Style,
    defects: Defects,
    rng: random.Random,
    unmapped: Unmapped,
) -> None:
    """Lose labels, cut labels and glue figures in one table's rows, and say so in the truth."""
    data = [row for row in rows if row.key]
    for row in data:
        draw = rng.random()
        values = row.cells[row.labels :]
        pairs = [k for k in range(len(values) - 1) if digits(values[k]) and digits(values[k + 1])]
        if draw < defects.lost_labels and any(values):  # a row of blanks without its label is no row
            row.lost = True
        elif draw < defects.lost_labels + defects.glued and pairs:
            row.glued = True
            k = rng.choice(pairs)
            row.cells = [*row.cells[: row.labels], *values[:k], values[k] + values[k + 1], *values[k + 2 :]]
            label = next(c for c in reversed(row.cells[: row.labels]) if c)
            unmap(truth, row, label, style.script, unmapped)
            truth.variants.append("md_glued")
        elif draw < defects.lost_labels + defects.glued + defects.cut_labels:
            cut(row, rng)
    by_table: dict[str, list[Row]] = {}  # a glued row keeps its label: it places its neighbours
    for row in data:
        by_table.setdefault(row.key[0], []).append(row)  # type: ignore[index]
    for members in by_table.values():
        decided = recoverable(members, truth)
        for n, row in enumerate(members):
            if row.lost and n not in decided:
                unmap(truth, row, "", style.script, unmapped)
    for row in data:
        if row.lost:
            row.cells = [""] * row.labels + row.cells[row.labels :]
    if any(row.lost for row in data):
        truth.variants.append("md_lost_label")


def cut(row: Row, rng: random.Random) -> None:
    """A label spanning a blank label cell cut across the two at a random character."""
    for n in range(row.labels - 1):
        text = row.cells[n]
        if text and not row.cells[n + 1] and len(text) >= 4 and "<br>" not in text:
            at = rng.randint(2, len(text) - 2)
            row.cells[n], row.cells[n + 1] = text[:at], text[at:]
            return


# --- the document ------------------------------------------------------------------------------------


def line_of(cells: list[str], defects: Defects) -> str:
    """A row; without outer pipes where the end cell is filled (markdown cannot show a blank end cell
    without its pipe)."""
    body = " | ".join(c.replace("|", "\\|") for c in cells)
    lead = "| " if defects.outer_pipes or not cells[0] else ""
    trail = " |" if defects.outer_pipes or not cells[-1] else ""
    return f"{lead}{body}{trail}"


def page_number(page: int, pages: int, form: str) -> str:
    return {
        "dash": f"- {page} -",
        "chinese": f"第 {page} 页",
        "fraction": f"{page}/{pages}",
        "bare": str(page),
    }[form]


class Pages:
    """The page count as the document grows (page numbers printed at each break)."""

    def __init__(self) -> None:
        self.page = 1


def markdown_table(rows: list[Row], title: str, defects: Defects, pages: Pages) -> str:
    width = len(rows[0].cells)
    generic = [f"列{n + 1}" for n in range(width)]
    rule = "| " + " | ".join(["---"] * width) + " |"
    per_page = defects.rows_per_page or len(rows) + 1
    chunks = [rows[k : k + per_page] for k in range(0, len(rows), per_page)]
    out: list[str] = []
    for n, chunk in enumerate(chunks):
        if n and defects.number_in_table:
            out.append(
                line_of([page_number(pages.page, 99, defects.page_number)] + [""] * (width - 1), defects)
            )
            pages.page += 1
            out.extend(line_of(row.cells, defects) for row in chunk)
            continue
        if n:
            out += ["", page_number(pages.page, 99, defects.page_number), "", title, ""]
            pages.page += 1
        if defects.generic_header:
            head, body = generic, chunk
        elif n and defects.repeat_header:
            head, body = rows[0].cells, chunk
        else:
            head, body = chunk[0].cells, chunk[1:]
        out.append(line_of(head, defects))
        out.append(rule)
        out.extend(line_of(row.cells, defects) for row in body)
    return "\n".join(out) + "\n"


def markdown_document(
    truth: ReportTruth, style: Style, defects: Defects, rng: random.Random
) -> tuple[str, Unmapped]:
    """The report as PDF-extracted markdown (simplified script), and the cells the parser must keep
    unmapped; ``truth`` is updated to what the parser can recover."""
    unmapped: Unmapped = []
    title = title_of(truth, replace(style, title_lines=1))
    pages = Pages()
    dated = replace(style, shape="text_cells", no_title=False, date_form="发布时间")
    lines = [title, *date_lines(truth, dated, rng), ""]
    out = "\n".join(lines) + "\n" + prose.intro(truth) + "\n\n"
    for chapter in prose.chapters(truth, rng):
        out += chapter.heading + "\n\n" + "".join(f"{p}\n\n" for p in chapter.paragraphs)
        if chapter.table:
            rows = table_rows(chapter.table, truth, style, rng)
            spoil(rows, truth, style, defects, rng, unmapped)
            out += markdown_table(rows, title, defects, pages) + "\n"
    out += f"\n{page_number(pages.page, 99, defects.page_number)}\n"
    truth.shape = "text_markdown"
    return out, unmapped


def render_markdown(
    truth: ReportTruth, style: Style, defects: Defects, rng: random.Random
) -> tuple[bytes, Unmapped]:
    """The file's bytes (UTF-8, in the style's script) and the cells to be kept unmapped."""
    text, unmapped = markdown_document(truth, style, defects, rng)
    if style.script == "traditional":
        text = to_traditional().convert(text)
        traditional(truth)
    truth.script = style.script
    truth.encoding = "utf-8"
    return text.encode("utf-8"), unmapped
