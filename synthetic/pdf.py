"""Render a synthetic report as a born-digital PDF, as an agency's Word-to-PDF export prints it.

reportlab's built-in CID font ``STSong-Light`` prints Chinese with no font file. The page
carries what real PDFs carry and the reader (``ingest.pdf``) must see through:

- a running header (the report's title, small) on every page after the first, and a page
  number in the footer, ``- 3 -``, ``第 3 页`` or ``3/12`` (:data:`PAGE_MARKS`);
- the title centred in a larger size, wrapped over two lines where it is too wide;
- paragraphs wrapped at the right margin, their first line indented two characters;
- the tables with the template's spans (``synthetic.tables``): every cell ruled, or
  (``ruled=False``, Article 20 only, as some publishers lay it out) no rules at all,
  the cells placed in columns; a label too wide for its cell wrapped over lines, the
  applications table's 三、本年度办理结果 in a column one character wide (one character
  a line); a table continued on the next page repeats its header rows (the applications
  table always breaks before its results block, ``break_applications``);
- the signature (agency and date) at the end, and the document information (Title,
  CreationDate) Word writes.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field
from importlib.resources import files

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from synthetic import prose, tables
from synthetic.render import chinese_date
from synthetic.shapes import Cell, Grid
from synthetic.style import Style
from synthetic.truth import ReportTruth

FONT = "STSong-Light"
PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
LEFT, RIGHT, TOP, BOTTOM = 60.0, 535.0, 770.0, 80.0
BODY, BODY_LEAD = 12.0, 20.0
TITLE_SIZE, TITLE_LEAD = 18.0, 26.0
CELL, CELL_LEAD, PAD = 8.0, 10.0, 4.0
UNRULED_GAP = 9.0  # between the rows of a table without rules
PAGE_MARKS = ("dash", "di", "slash")


def page_mark(form: str, page: int, pages: int) -> str:
    return {"dash": f"- {page} -", "di": f"第 {page} 页", "slash": f"{page}/{pages}"}[form]


@dataclass(frozen=True)
class PdfStyle:
    ruled_article20: bool = True
    page_mark: str = "dash"
    running_header: bool = True
    text_title: bool = True  # the title printed on the first page (else only in the document information)
    info_title: bool = True  # the document information's Title
    break_applications: bool = True
    # the text in a TrueType CJK font embedded as a subset with its ToUnicode map (as Word and WPS
    # export a report), else in reportlab's STSong-Light, named but not embedded
    embedded_font: bool = False


def draw_pdf_style(rng: random.Random) -> PdfStyle:
    return PdfStyle(
        ruled_article20=rng.random() < 0.5,
        page_mark=rng.choice(PAGE_MARKS),
        running_header=rng.random() < 0.7,
        embedded_font=rng.random() < 0.5,
    )


# --- layout: pages of drawing operations ----------------------------------------------------------


@dataclass
class Page:
    texts: list[tuple[float, float, float, str]] = field(default_factory=list)  # x, baseline y, size, text
    rules: list[tuple[float, float, float, float]] = field(default_factory=list)  # x0, y0, x1, y1


def width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def wrap(text: str, size: float, room: float, indent: float = 0.0) -> list[str]:
    """Lines of ``text`` no wider than ``room`` (the first ``indent`` narrower), broken anywhere."""
    lines: list[str] = []
    for part in text.split("\n"):
        line = ""
        for char in part:
            limit = room - (indent if not lines else 0.0)
            if line and width(line + char, size) > limit:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


class Layout:
    def __init__(self) -> None:
        self.pages: list[Page] = [Page()]
        self.y = TOP

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y = TOP

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.new_page()

    def text(self, x: float, size: float, text: str) -> None:
        self.page.texts.append((x, self.y - size, size, text))

    def title(self, text: str, split_at: int) -> None:
        lines = [text] if width(text, TITLE_SIZE) <= RIGHT - LEFT else [text[:split_at], text[split_at:]]
        for line in lines:
            self.text((LEFT + RIGHT - width(line, TITLE_SIZE)) / 2, TITLE_SIZE, line)
            self.y -= TITLE_LEAD
        self.y -= BODY_LEAD / 2

    def paragraph(self, text: str, indent: bool = True) -> None:
        first = 2 * BODY if indent else 0.0
        for n, line in enumerate(wrap(text, BODY, RIGHT - LEFT, first)):
            self.need(BODY_LEAD)
            self.text(LEFT + (first if n == 0 else 0.0), BODY, line)
            self.y -= BODY_LEAD

    def right(self, text: str) -> None:
        self.need(BODY_LEAD)
        self.text(RIGHT - width(text, BODY), BODY, text)
        self.y -= BODY_LEAD


# --- tables ----------------------------------------------------------------------------------------

COLUMNS = {  # column widths (points) of each table, the label columns first
    "article20": (175.0, 100.0, 100.0, 100.0),
    "applications": (16.0, 56.0, 123.0, *([40.0] * 7)),
    "appeals": tuple([475.0 / 15] * 15),
}
HEADER_ROWS = {"article20": 0, "applications": 3, "appeals": 3}
RESULTS_ROW = 5  # the applications table's first row of 三、本年度办理结果 (after 一、 and 二、)


@dataclass
class Placed:
    cell: Cell
    row: int
    column: int
    lines: list[str]


def place(grid: Grid, widths: tuple[float, ...]) -> list[Placed]:
    """Each cell with its first row and column (the spans of the rows above taken into account)."""
    taken: set[tuple[int, int]] = set()
    placed: list[Placed] = []
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            room = sum(widths[c : c + cell.colspan]) - 2 * PAD
            text = "" if cell.text is None else cell.text.strip()
            placed.append(Placed(cell, r, c, wrap(text, CELL, room) if text else []))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return placed


def row_heights(grid: Grid, placed: list[Placed], ruled: bool) -> list[float]:
    lead = CELL_LEAD
    minimum = lead + 2 * PAD if ruled else lead + UNRULED_GAP
    heights = [minimum] * len(grid.rows)
    for p in sorted(placed, key=lambda p: p.cell.rowspan):
        need = len(p.lines) * lead + (2 * PAD if ruled else UNRULED_GAP)
        rows = range(p.row, p.row + p.cell.rowspan)
        have = sum(heights[r] for r in rows)
        if need > have:
            heights[rows[-1]] += need - have
    return heights


def breakable(grid: Grid, placed: list[Placed]) -> list[bool]:
    """Where a page may break before a row: no rowspan crosses it."""
    ok = [True] * (len(grid.rows) + 1)
    for p in placed:
        for r in range(p.row + 1, p.row + p.cell.rowspan):
            ok[r] = False
    return ok


def draw_table(out: Layout, name: str, grid: Grid, ruled: bool, break_before: int | None) -> None:
    widths = COLUMNS[name]
    xs = [LEFT]
    for w in widths:
        xs.append(xs[-1] + w)
    placed = place(grid, widths)
    heights = row_heights(grid, placed, ruled)
    ok = breakable(grid, placed)
    head = HEADER_ROWS[name]
    by_row: dict[int, list[Placed]] = {}
    for p in placed:
        by_row.setdefault(p.row, []).append(p)

    def block_height(start: int) -> float:
        end = start + 1
        while end < len(heights) and not ok[end]:
            end += 1
        return sum(heights[start:end])

    def draw_rows(rows: range) -> None:
        top_of = {}
        y = out.y
        for r in rows:
            top_of[r] = y
            y -= heights[r]
        for r in rows:
            for p in by_row.get(r, []):
                span = range(r, min(r + p.cell.rowspan, rows.stop))
                x0, x1 = xs[p.column], xs[p.column + p.cell.colspan]
                top = top_of[r]
                bottom = top - sum(heights[k] for k in span)
                if ruled:
                    out.page.rules += [(x0, top, x1, top), (x0, bottom, x1, bottom)]
                    out.page.rules += [(x0, bottom, x0, top), (x1, bottom, x1, top)]
                text_h = len(p.lines) * CELL_LEAD
                first = (top + bottom) / 2 + text_h / 2 if ruled else top
                for n, line in enumerate(p.lines):
                    baseline = first - (n + 1) * CELL_LEAD + (CELL_LEAD - CELL) / 2
                    centred = ruled or p.column or p.cell.colspan == len(widths)
                    x = (x0 + x1 - width(line, CELL)) / 2 if centred else x0 + PAD
                    out.page.texts.append((x, baseline, CELL, line))
        out.y = y

    r = 0
    started = True
    while r < len(grid.rows):
        height = block_height(r)
        forced = break_before == r and not started
        if (out.y - height < BOTTOM or forced) and not started:
            out.new_page()
            if head and r >= head:
                draw_rows(range(head))
        end = r + 1
        while end < len(grid.rows) and not ok[end]:
            end += 1
        draw_rows(range(r, end))
        r, started = end, False
    out.y -= BODY_LEAD / 2


# --- the document ---------------------------------------------------------------------------------


def title_text(truth: ReportTruth) -> tuple[str, int]:
    name = truth.agency.title_name
    return f"{name}{truth.report_year}年政府信息公开工作年度报告", len(name)


def table_style() -> Style:
    return Style("pdf", "portal", "utf-8", "simplified", "right", "name_year", "signature")


def render_pdf(truth: ReportTruth, rng: random.Random, style: PdfStyle | None = None) -> bytes:
    """The report as a PDF (simplified script); ``truth`` is not changed."""
    style = style or PdfStyle()
    pages, title = lay_out(truth, rng, style)
    return write(pages, title, truth, style)


def lay_out(truth: ReportTruth, rng: random.Random, style: PdfStyle) -> tuple[list[Page], str]:
    """The report's pages as drawing operations, and its title (what :func:`write` prints, and
    what ``synthetic.scan`` draws as a scanned page)."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    out = Layout()
    title, split_at = title_text(truth)
    if style.text_title:
        out.title(title, split_at)
    out.paragraph(prose.intro(truth))
    cells = table_style()
    for chapter in prose.chapters(truth, rng):
        out.need(BODY_LEAD * 3)
        out.paragraph(chapter.heading, indent=True)
        for text in chapter.paragraphs:
            out.paragraph(text)
        if chapter.table:
            grid = {
                "article20": tables.article20_grid,
                "applications": tables.applications_grid,
                "appeals": tables.appeals_grid,
            }[chapter.table](truth, cells, rng)
            ruled = style.ruled_article20 or chapter.table != "article20"
            brk = RESULTS_ROW if chapter.table == "applications" and style.break_applications else None
            draw_table(out, chapter.table, grid, ruled, brk)
    out.y -= BODY_LEAD
    out.right(truth.agency.name)
    if truth.published_date:
        out.right(chinese_date(truth.published_date))
    return out.pages, title


CJK_FONT_PACKAGE = "paperang_p2_fonts_cjk"  # a dev dependency: WenQuanYi Micro Hei in the virtualenv
CJK_FONT_FILE = "fonts/wqy-microhei.ttc"
EMBEDDED_FONT = "WenQuanYiMicroHei"


def cjk_font_file() -> str:
    """The path of the CJK TrueType collection inside the virtualenv (no system font is used: one
    would change how PDFium reads the text layers of the other test PDFs)."""
    return str(files(CJK_FONT_PACKAGE).joinpath(CJK_FONT_FILE))


def write(pages: list[Page], title: str, truth: ReportTruth, style: PdfStyle) -> bytes:
    font = FONT
    if style.embedded_font:
        if EMBEDDED_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, cjk_font_file(), subfontIndex=0))
        font = EMBEDDED_FONT
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
    if style.info_title:
        pdf.setTitle(title)
    pdf.setAuthor("Administrator")
    pdf.setCreator("Microsoft® Word 2016")
    if truth.published_date:  # Word's CreationDate: the day before publication
        made = truth.published_date - dt.timedelta(days=1)
        pdf.setDateFormatter(lambda *_: f"D:{made:%Y%m%d}093000+08'00'")
    for n, page in enumerate(pages, start=1):
        if style.running_header and n > 1:
            pdf.setFont(font, 9)
            pdf.drawCentredString(PAGE_W / 2, PAGE_H - 40, title)
        pdf.setFont(font, 10.5)
        pdf.drawCentredString(PAGE_W / 2, 40, page_mark(style.page_mark, n, len(pages)))
        pdf.setLineWidth(0.5)
        for x0, y0, x1, y1 in page.rules:
            pdf.line(x0, y0, x1, y1)
        for x, y, size, text in page.texts:
            pdf.setFont(font, size)
            pdf.drawString(x, y, text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
