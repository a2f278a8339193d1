"""Render a truth as a Word document (.docx), the form many agencies attach their report in.

Written with python-docx (a dev dependency: the parser reads .docx with lxml alone), so the
package is what a real writer produces. The template's tables keep their merged cells as
Word stores them: a cell spanning columns is one ``w:tc`` with ``w:gridSpan``; a cell
spanning rows is ``w:vMerge restart`` over ``w:vMerge`` continuations (python-docx's
``merge``, as Word's own 合并单元格). What varies, as it does in real documents:

- a header cell's second line as a line break (``w:br``) or as a second paragraph;
- text split over several runs (Word splits runs at every change of format or spell check);
- a paragraph indented with a tab;
- the whole report inside a one-cell layout table (the tables then nested in it);
- the core properties: the report's title, a stale title (last year's report the file was
  copied from), or none; ``created`` the publication date;
- the title only in the core properties (the body starts at the introduction), or the date
  only there (a signature without its date).

The signature and date close the document, as in a Word export (``text_tabs``).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from synthetic import prose
from synthetic.agencies import AgencyPool
from synthetic.corpus import Item
from synthetic.render import Rendered, chinese_date, grid_of, render, style_tags, title_of, traditional
from synthetic.shapes import Grid
from synthetic.style import Style, draw_habits, draw_style, to_simplified, to_traditional
from synthetic.truth import ReportTruth
from synthetic.values import Shares, agency_reports

DOCX_VARIANTS = (
    "docx_cell_paragraphs",  # a cell's second line a second paragraph (else a w:br)
    "docx_split_runs",
    "docx_tab_indent",
    "docx_nested",
    "docx_core_title",
    "docx_core_title_stale",
    "docx_title_core_only",
    "docx_auto_numbering",  # chapter headings numbered by Word's list (一、 in no w:t)
)
CHAPTER_NUMBER = re.compile(r"^([一二三四五六七八九十]+)、")
CN_NUMBERS = "一二三四五六七八九十"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def draw_variants(rng: random.Random, truth: ReportTruth) -> set[str]:
    found = {v for v in DOCX_VARIANTS[:4] if rng.random() < 0.35}
    core = rng.choices(("docx_core_title", "docx_core_title_stale", "none"), weights=(50, 25, 25))[0]
    if core != "none":
        found.add(core)
    if core == "docx_core_title" and rng.random() < 0.2:
        found.add("docx_title_core_only")
    if rng.random() < 0.15:
        found.add("docx_date_created_only")
    if rng.random() < 0.3:
        found.add("docx_auto_numbering")
    return found


def numbered_heading_style(document, rng: random.Random) -> str:
    """A paragraph style whose paragraphs Word numbers 一、 二、 …: a list (``w:abstractNum`` of
    ``chineseCounting`` with the text ``%1、``, its ``w:num``) in the numbering part and the style's
    ``w:numPr`` naming it, written through python-docx's public ``element`` of each part."""
    from docx.enum.style import WD_STYLE_TYPE
    from lxml import etree

    numbering = document.part.numbering_part.element
    abstract_id = str(
        max((int(a.get(f"{W}abstractNumId")) for a in numbering.iter(f"{W}abstractNum")), default=-1) + 1
    )
    num_id = str(max((int(n.get(f"{W}numId")) for n in numbering.iter(f"{W}num")), default=0) + 1)
    abstract = etree.Element(f"{W}abstractNum", {f"{W}abstractNumId": abstract_id})
    level = etree.SubElement(abstract, f"{W}lvl", {f"{W}ilvl": "0"})
    suffix = rng.choice(("tab", "nothing", "space"))
    for tag, value in (("start", "1"), ("numFmt", "chineseCounting"), ("suff", suffix), ("lvlText", "%1、")):
        etree.SubElement(level, f"{W}{tag}", {f"{W}val": value})
    numbers = list(numbering.iter(f"{W}num"))
    if numbers:  # the schema orders every w:abstractNum before the first w:num
        numbers[0].addprevious(abstract)
    else:
        numbering.append(abstract)
    num = etree.SubElement(numbering, f"{W}num", {f"{W}numId": num_id})
    etree.SubElement(num, f"{W}abstractNumId", {f"{W}val": abstract_id})
    style = document.styles.add_style("ChapterHeading", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    ppr = style.element.find(f"{W}pPr")
    if ppr is None:
        ppr = etree.SubElement(style.element, f"{W}pPr")
    num_pr = etree.SubElement(ppr, f"{W}numPr")
    etree.SubElement(num_pr, f"{W}ilvl", {f"{W}val": "0"})
    etree.SubElement(num_pr, f"{W}numId", {f"{W}val": num_id})
    return style.name


def numbered_in_order(headings: list[str]) -> bool:
    """Whether the headings are numbered 一、 二、 … from 一, as a Word list would number them."""
    found = [CHAPTER_NUMBER.match(h) for h in headings]
    return all(m and m.group(1) == CN_NUMBERS[n] for n, m in enumerate(found) if n < len(CN_NUMBERS)) and (
        len(headings) <= len(CN_NUMBERS)
    )


def runs(paragraph, text: str, split: bool, rng: random.Random) -> None:
    """``text`` as one run, or (``split``) as two or three, cut where Word might cut them."""
    pieces = [text]
    if split and len(text) >= 4:
        cuts = sorted(rng.sample(range(1, len(text)), min(2, len(text) - 1)))
        pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    for piece in pieces:
        paragraph.add_run(piece)  # python-docx writes a \t as w:tab


def positions(grid: Grid) -> list[tuple[int, int, int, int, str | None]]:
    """(row, column, rowspan, colspan, text) of every cell, placed on the grid as HTML places them."""
    taken: set[tuple[int, int]] = set()
    found = []
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            found.append((r, c, cell.rowspan, cell.colspan, cell.text))
            taken.update((r + i, c + j) for i in range(cell.rowspan) for j in range(cell.colspan))
            c += cell.colspan
    return found


def add_grid(container, grid: Grid, style: Style, variants: set[str], rng: random.Random, convert) -> None:
    """The grid as a Word table: texts written, then the spanned cells merged (gridSpan, vMerge)."""
    placed = positions(grid)
    height = max(r + rs for r, _, rs, _, _ in placed)
    width = max(c + cs for _, c, _, cs, _ in placed)
    table = container.add_table(rows=height, cols=width)
    table.style = "Table Grid"
    cells = [list(row.cells) for row in table.rows]
    for r, c, _, _, text in placed:
        target = cells[r][c]
        lines = convert(style.blank if text is None else text).split("\n")
        paragraph = target.paragraphs[0]
        for n, line in enumerate(lines):
            if n and "docx_cell_paragraphs" in variants:
                paragraph = target.add_paragraph()
            elif n:
                paragraph.add_run().add_break()
            runs(paragraph, line, "docx_split_runs" in variants, rng)
    for r, c, rowspan, colspan, _ in placed:
        if rowspan > 1 or colspan > 1:
            cells[r][c].merge(cells[r + rowspan - 1][c + colspan - 1])


def render_docx(truth: ReportTruth, style: Style, rng: random.Random) -> Rendered:
    """The .docx for ``truth``; fills in the truth's shape, script and variants as rendered."""
    import docx  # a dev dependency: only the generator writes Word documents

    style = replace(
        style,
        shape="docx",
        date_form="signature",
        title_lines=1,
        no_title=False,
        bom=False,
        th_headers=False,
        spacer_row=False,
        wrap_labels=False,
        split_header_lines=False,
        blank=rng.choice(("", "\u3000", " ")),
    )
    if truth.template_version == "pre2019":
        style = replace(style, header_notes=False, quirks=frozenset())
    variants = draw_variants(rng, truth)
    convert: Callable[[str], str] = (
        to_traditional().convert if style.script == "traditional" else (lambda text: text)
    )
    if style.script == "traditional":
        traditional(truth)
    title = title_of(truth, style)
    document = docx.Document()

    def paragraph(
        container, text: str, bold: bool = False, center: bool = False, style: str | None = None
    ) -> None:
        added = container.add_paragraph(style=style)
        if center:
            added.alignment = 1
        text = convert(text)
        if "docx_tab_indent" in variants and not center:
            text = "\t" + text
        runs(added, text, "docx_split_runs" in variants, rng)
        for run in added.runs:
            run.bold = bold or None

    if "docx_title_core_only" not in variants:
        paragraph(document, title, bold=True, center=True)
    body = document
    if "docx_nested" in variants:
        body = document.add_table(rows=1, cols=1).cell(0, 0)
    paragraph(body, prose.intro(truth))
    chapters = prose.chapters(truth, rng)
    heading_style = None
    if "docx_auto_numbering" in variants and numbered_in_order([c.heading for c in chapters]):
        heading_style = numbered_heading_style(document, rng)
    else:
        variants.discard("docx_auto_numbering")
    for chapter in chapters:
        heading = CHAPTER_NUMBER.sub("", chapter.heading) if heading_style else chapter.heading
        paragraph(body, heading, bold=True, style=heading_style)
        for text in chapter.paragraphs:
            paragraph(body, text)
        if chapter.table:
            add_grid(body, grid_of(chapter.table, truth, style, rng), style, variants, rng, convert)
    paragraph(body, truth.agency.name)
    date = truth.published_date
    if date is None:
        date = truth.published_date = dt.date(truth.report_year + 1, 1, rng.randint(5, 28))
        variants.add("docx_date_created_only")
    if "docx_date_created_only" not in variants:
        paragraph(body, chinese_date(date))
    core = document.core_properties
    core.author = convert(truth.agency.short_name)
    core.title = ""
    if "docx_core_title" in variants:
        core.title = convert(title)
    elif "docx_core_title_stale" in variants:
        core.title = convert(title_of(replace(truth, report_year=truth.report_year - 1), style))
    created = dt.datetime(date.year, date.month, date.day, 1, rng.randint(0, 59), tzinfo=dt.UTC)
    core.created = core.modified = created
    out = io.BytesIO()
    document.save(out)
    truth.shape = "docx"
    truth.script = style.script
    truth.encoding = "utf-8"  # the XML parts' encoding
    tags = style_tags(style)
    if to_simplified().convert(truth.agency.name) != truth.agency.name:
        tags.append("name_folds")
    if truth.agency.aliases:
        tags.append("title_alias")
    elif truth.agency.title_name != truth.agency.name:
        tags.append("title_unqualified")
    truth.variants.extend(tags + sorted(variants))
    return Rendered(out.getvalue(), ".docx", None)


def iter_docx_pairs(n: int, seed: int, shares: Shares | None = None) -> Iterator[tuple[Item, Item]]:
    """``n`` reports of the corpus's agencies and styles, each as a .docx and as an HTML page.

    The two renderings of one truth (deep copies: rendering fills the truth in) are the
    round trip's pair: the document must give the page's facts.
    """
    shares = shares or Shares()
    pool = AgencyPool(seed)
    master = random.Random(f"docx-{seed}")
    reports = index = 0
    while reports < n:
        rng = random.Random(f"docx-agency-{seed}-{index}")
        agency = pool.draw(master)
        habits = draw_habits(rng, agency, 0.0)
        for truth in agency_reports(rng, agency, shares):
            if reports >= n:
                break
            style = draw_style(rng, habits, truth.template_version, shares.variant)
            year = truth.report_year
            page_truth = copy.deepcopy(truth)
            page = render(page_truth, replace(style, shape="html"), random.Random(rng.random()))
            page_truth.path = f"{year}/d{index:06d}_{year}{page.extension}"
            rendered = render_docx(truth, style, rng)
            truth.path = f"{year}/d{index:06d}_{year}{rendered.extension}"
            yield Item(truth, rendered.data), Item(page_truth, page.data, page.sidecar)
            reports += 1
        index += 1
