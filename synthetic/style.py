"""How one report is printed: its shape, page, encoding, script and the publisher's typographic habits.

An agency keeps its portal from one year to the next (:func:`draw_habits`), with an
occasional change (a new CMS, a Word export instead of a page); each report then draws
its small habits (:func:`draw_style`).

Limits by design, not parser failures:

- none for traditional script: any agency may print in it, even the 30 of the 50,764 names
  that OpenCC does not convert back (浚县 becomes 濬縣, which reads back as 濬县; 澄江市,
  澂江市): the parser spells such places as officially named (ingest/vocabulary/place_names.yaml);
- Big5 only where the traditional text fits in Big5 (藁城区's 藁 does not); otherwise
  the traditional page is UTF-8;
- a blank cell in a page copy (one cell per paragraph) cannot be printed at all, so it
  is printed as a dash, which the parser reads as NULL (see :func:`synthetic.shapes.cells_text`).

Traps: real layouts that once tripped the parser, each read now (the round trip holds
them to their truth: tests/test_synthetic_roundtrip.py, TRAPS), drawn only for a share of
agencies (``traps``, ``--trap-share``) and tagged in the truth's ``variants``:

- ``nav_big``: a portal menu of ~45 links before the article, so the 发布时间 line falls
  beyond line 40 (the parser reads the head to where the body begins); a ``PubDate`` meta
  tag (``meta_pubdate``) would give the date anyway;
- ``written_生成日期``: the 政府信息公开 metadata block's 生成日期 (a few days before
  publication), not the publication date;
- ``logo_h1`` (with a full menu and a ``<title>`` holding only the site name): the
  report's title and 来源 line are beyond line 40 and the first ``<h1>`` is the site's
  logo; an ``ArticleTitle`` meta tag (``meta_title``) would name it anyway;
- ``title_two_lines``: a Word document whose title is centred on two lines (衡阳市财政局 /
  2020年政府信息公开工作年度报告): one title, wrapped;
- ``title_guanyu``: 衡阳市财政局关于2020年政府信息公开工作年度报告: the agency is 衡阳市财政局.

Not a layout but a place: ``name_folds`` tags the agencies of 乾安县 (220723) and 乾县
(610424). The parser reads every text through OpenCC's traditional→simplified folding,
which turns their 乾 into 干 (松原市干安县…); the printed name restores it. These
agencies are drawn like any other (they are real).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from functools import cache

import opencc

from synthetic.shapes import ROW_SEPARATORS
from synthetic.truth import Agency

SHAPES = ("html", "text_cells", "text_pipes", "text_tabs", "text_rows")
SHAPE_WEIGHTS = (45, 22, 12, 15, 6)
TITLE_FORMS = ("name_year", "year_name", "name_year_du")  # and, as a trap, 'guanyu'
DATE_FORMS = ("发布时间", "发布日期", "时间", "split", "signature")


@dataclass(frozen=True)
class Style:
    shape: str  # html | text_cells | text_pipes | text_tabs | text_rows (pre2019: html | text_cells)
    page: str  # html: 'portal' (a CMS page) | 'mso' (an older page with tables pasted from Word)
    encoding: str  # utf-8 | gb18030 | gbk | big5
    script: str  # simplified | traditional
    charset_meta: str  # right | wrong | missing (HTML only)
    title_form: str  # name_year | year_name | name_year_du | guanyu (名称关于2020年…报告)
    date_form: str  # 发布时间 | 发布日期 | 时间 | split | signature
    blank: str = ""  # how a blank cell prints in this shape
    header_notes: bool = False  # explanations inside the Article 20 header cells (seed 004)
    split_header_lines: bool = False  # page copy: 本年新 / 制作数量 as two paragraphs (seed 004)
    wide_parens: bool = True  # （一） rather than (一)
    quirks: frozenset[str] = frozenset()  # number habits: fullwidth, thousands, plus, spaces, nbsp, wu
    sidecar: bool = False  # a .meta.json with the URL and publication date beside the file
    nav: str = "small"  # portal navigation: 'small' (a few links) | 'big' (menus of sub-links, ~45 lines)
    logo_h1: bool = False  # the site's name in an <h1> logo above the article
    page_title: str = "full"  # <title>: 'full' (the report title, column, site) | 'site' (the site only)
    written_label: str = (
        "成文日期"  # the metadata block's other date: 成文日期 | 生成日期 (not the publication date)
    )
    date_text: str = "iso"  # 2021-01-28 | 2021年01月28日 | 2021/01/28
    title_lines: int = 1  # a Word document's title centred on two lines (agency / year and 报告)
    no_title: bool = False  # a pipe copy starting at 发布时间 (seed 001): the agency only in 信息来源
    bom: bool = False  # a UTF-8 text file saved with a byte order mark (Windows Notepad)
    th_headers: bool = False  # header rows marked up as <th>
    wrap_labels: bool = False  # Word export: long labels wrapped onto lines without a TAB (sample)
    spacer_row: bool = False  # a table pasted from Word ends with a row of empty sizing cells
    row_separator: str = "tab"  # text_rows: a TAB, one space or padding spaces between a row's cells


@cache
def to_traditional() -> opencc.OpenCC:
    return opencc.OpenCC("s2tw")


@cache
def to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("hk2s")


def fits_big5(name: str) -> bool:
    try:
        to_traditional().convert(name).encode("big5")
    except UnicodeEncodeError:
        return False
    return True


def draw_habits(rng: random.Random, agency: Agency, traps: float = 0.0) -> Style:
    """An agency's portal: shape, page, encoding and script, stable across its years.

    ``traps`` is the share of agencies whose pages use the layouts this module's
    docstring lists as once tripping the parser (a full menu, 生成日期, a logo <h1>
    with a bare <title>, a two-line Word title, a 关于 title).
    """
    shape = rng.choices(SHAPES, weights=SHAPE_WEIGHTS)[0]
    traditional = rng.random() < 0.08
    if traditional:
        encoding = "big5" if rng.random() < 0.6 and fits_big5(agency.name) else "utf-8"
    else:
        encoding = rng.choices(("utf-8", "gb18030", "gbk"), weights=(70, 10, 20))[0]
    habits = Style(
        shape=shape,
        page=rng.choice(("portal", "mso")),
        encoding=encoding,
        script="traditional" if traditional else "simplified",
        charset_meta=rng.choices(("right", "wrong", "missing"), weights=(70, 15, 15))[0],
        title_form=rng.choices(TITLE_FORMS, weights=(60, 30, 10))[0],
        date_form=rng.choice(DATE_FORMS),
        wide_parens=rng.random() < 0.7,
        sidecar=rng.random() < 0.05,
        date_text=rng.choices(("iso", "chinese", "slash"), weights=(80, 12, 8))[0],
        no_title=rng.random() < 0.3,
        bom=rng.random() < 0.2,
        th_headers=rng.random() < 0.3,
        wrap_labels=rng.random() < 0.5,
        spacer_row=rng.random() < 0.5,
        row_separator=rng.choice(ROW_SEPARATORS),
    )
    if rng.random() < traps:
        trap = rng.choice(("nav", "written", "logo", "two_lines", "guanyu"))
        habits = replace(
            habits,
            nav="big" if trap in ("nav", "logo") else "small",
            written_label="生成日期" if trap == "written" else "成文日期",
            logo_h1=trap == "logo",
            page_title="site" if trap == "logo" else "full",
            title_lines=2 if trap == "two_lines" else 1,
            title_form="guanyu" if trap == "guanyu" else habits.title_form,
        )
    return habits


def blank_for(rng: random.Random, shape: str, encoding: str, separator: str = "tab") -> str:
    """How a blank cell prints: nothing in HTML and pipes, a dash in a page copy, U+3000/NBSP in Word."""
    wide = encoding in ("utf-8", "gb18030")
    if shape == "html":
        return rng.choice(("", "&nbsp;", "\u3000", " "))
    if shape == "text_cells":
        return rng.choice(("—", "-", "/"))
    if shape == "text_tabs":
        return rng.choice(("\u3000", "\xa0")) if wide else "\u3000"
    if shape == "text_rows":  # between TABs a blank may be empty; between spaces it must show
        return rng.choice(("", "—", "-", "/") if separator == "tab" else ("—", "-", "/"))
    return ""


def draw_style(rng: random.Random, habits: Style, template: str, variant_share: float) -> Style:
    """One report's style: the agency's habits, sometimes changed, plus this report's small habits."""
    if rng.random() < 0.12:  # a new CMS, or a Word export this year
        shape = rng.choices(SHAPES, weights=SHAPE_WEIGHTS)[0]
        habits = replace(habits, shape=shape, page=rng.choice(("portal", "mso")))
    if template == "pre2019" and habits.shape != "html":
        habits = replace(habits, shape="text_cells")
    quirks = {
        q
        for q, p in (("fullwidth", 0.05), ("thousands", 0.3), ("plus", 0.3), ("spaces", 0.2), ("wu", 0.03))
        if rng.random() < p
    }
    if habits.shape == "text_tabs" and habits.encoding in ("utf-8", "gb18030") and rng.random() < 0.3:
        quirks.add("nbsp")
    notes = rng.random() < variant_share * 0.5
    return replace(
        habits,
        blank=blank_for(rng, habits.shape, habits.encoding, habits.row_separator),
        header_notes=notes,
        split_header_lines=habits.shape == "text_cells" and rng.random() < 0.3,
        quirks=frozenset(quirks),
        date_form=habits.date_form if rng.random() < 0.8 else rng.choice(DATE_FORMS),
    )
