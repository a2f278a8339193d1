"""Render a truth as the bytes of a real-looking report file, in the shape, script and encoding of its style.

Shapes (contract §2 and docs/inputs.md's supported inputs):

- ``html``: a portal page with chrome: nav, breadcrumbs, a metadata block (索引号,
  发布机构, 成文日期: not the publication date), the title, a 发布时间/来源 line,
  previous/next links, a footer; tables marked up with rowspan/colspan, on a modern
  CMS page or an older page with tables pasted from Word (``MsoNormalTable``);
- ``text_cells``: text copied from a page, one cell per paragraph (seed 000, 004);
- ``text_pipes``: cells copied with their borders, one line each (seed 001);
- ``text_tabs``: a Word document saved as text, a TAB per cell (seed 002), dated only
  under its signature;
- ``text_rows``: a page copy whose tables were pasted as text, one row a line, its cells
  apart by a TAB, one space or padding spaces;
- pre2019 reports are prose only, as a page (``html``) or a page copy (``text_cells``).

Traditional script is the simplified document through OpenCC ``s2tw``. The bytes are
UTF-8, GB18030, GBK or Big5; an HTML page's ``<meta>`` charset is right, wrong or missing.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import random
from dataclasses import dataclass, replace

from synthetic import prose, tables
from synthetic.shapes import Grid, cells_text, html_table, pipes_text, rows_text, tabs_text
from synthetic.style import Style, to_simplified, to_traditional
from synthetic.truth import ReportTruth

HTML_CHARSET = {"utf-8": "utf-8", "gb18030": "gb18030", "gbk": "gb2312", "big5": "big5"}


@dataclass(frozen=True)
class Rendered:
    data: bytes
    extension: str
    sidecar: dict[str, str] | None


def title_of(truth: ReportTruth, style: Style) -> str:
    name, year = truth.agency.title_name, truth.report_year
    form = style.title_form
    if form == "guanyu":
        return f"{name}关于{year}年政府信息公开工作年度报告"
    if form == "year_name":
        return f"{year}年{name}政府信息公开工作年度报告"
    if form == "name_year_du":
        return f"{name}{year}年度政府信息公开工作年度报告"
    return f"{name}{year}年政府信息公开工作年度报告"


def site_of(truth: ReportTruth) -> str:
    place = truth.agency.place
    return f"{place}人民政府" if not place.endswith(("地区", "盟")) else f"{place}行政公署"


def neighbours(truth: ReportTruth) -> tuple[str, str]:
    """The titles in the previous/next links: other agencies of the same place, same year."""
    place, year = truth.agency.place, truth.report_year
    found = [f"{year}年{place}{d}政府信息公开工作年度报告" for d in ("统计局", "审计局", "档案馆")]
    found = [t for t in found if truth.agency.name not in t]
    return found[0], found[1]


def grid_of(name: str, truth: ReportTruth, style: Style, rng: random.Random) -> Grid:
    builder = {
        "article20": tables.article20_grid,
        "applications": tables.applications_grid,
        "appeals": tables.appeals_grid,
    }[name]
    return builder(truth, style, rng)


def when(date: dt.date | None, rng: random.Random, clock: bool = True, form: str = "iso") -> str:
    """A publication date as a portal prints it, with a time of day or without."""
    if date is None:
        return ""
    text = {
        "iso": date.isoformat(),
        "chinese": f"{date.year}年{date.month:02d}月{date.day:02d}日",
        "slash": f"{date.year}/{date.month:02d}/{date.day:02d}",
    }[form]
    if clock:
        return f"{text} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
    return text


def chinese_date(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


# --- HTML ----------------------------------------------------------------------------------------


def charset_meta(style: Style) -> str:
    if style.charset_meta == "missing":
        return ""
    declared = HTML_CHARSET[style.encoding]
    if style.charset_meta == "wrong":
        declared = "gb2312" if style.encoding == "utf-8" else "utf-8"
    if style.page == "mso":
        return f'<meta http-equiv="Content-Type" content="text/html; charset={declared}" />\n'
    return f'<meta charset="{declared}">\n'


def html_body(truth: ReportTruth, style: Style, rng: random.Random) -> str:
    """The article: intro, chapters and the tables, as <p> paragraphs (Word's MsoNormal on older pages)."""
    if style.page == "mso":
        paragraph = '<p class="MsoNormal" style="text-indent:32.0pt;line-height:28.0pt">'
        span = paragraph + '<span style="font-size:16.0pt;font-family:仿宋_GB2312">{}</span></p>'
        bold = paragraph + '<b><span style="font-size:16.0pt;font-family:黑体">{}</span></b></p>'
    else:
        span, bold = "<p>{}</p>", "<p><strong>{}</strong></p>"
    parts = [span.format(html.escape(prose.intro(truth), quote=False))]
    for chapter in prose.chapters(truth, rng):
        parts.append(bold.format(html.escape(chapter.heading, quote=False)))
        parts.extend(span.format(html.escape(p, quote=False)) for p in chapter.paragraphs)
        if chapter.table:
            grid = grid_of(chapter.table, truth, style, rng)
            heads = 3 if style.th_headers and chapter.table != "article20" else 0
            parts.append(html_table(grid, style.blank, style.page, heads, style.spacer_row))
    return "\n".join(parts)


def html_page(truth: ReportTruth, style: Style, rng: random.Random, tags: list[str]) -> str:
    title = title_of(truth, style)
    site = site_of(truth)
    date = truth.published_date
    body = html_body(truth, style, rng)
    before, after = neighbours(truth)
    source = truth.agency.short_name
    form = style.date_text
    if style.date_form == "时间":
        info = f"信息来源：{source}&nbsp;&nbsp;时间：{when(date, rng, False, form)}"
    elif style.date_form == "发布日期":
        info = f"发布日期：{when(date, rng, False, form)}&nbsp;&nbsp;&nbsp;&nbsp;来源：{source}"
    else:
        info = f"发布时间：{when(date, rng, True, form)}&nbsp;&nbsp;来源：{source}"
    hints = ""
    if rng.random() < 0.5:
        hints = (
            f'<meta name="ArticleTitle" content="{title}">\n<meta name="ContentSource" content="{source}">\n'
        )
        tags.append("meta_title")
        if date is not None and rng.random() < 0.5:
            hints += f'<meta name="PubDate" content="{when(date, rng)}">\n'
            tags.append("meta_pubdate")
    if style.page == "mso":
        return (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
            f"{charset_meta(style)}<title>{title}-{site}</title>\n"
            '<meta name="keywords" content="政府信息公开年报" />\n'
            '<link href="/images/style.css" rel="stylesheet" type="text/css" />\n'
            '<script type="text/javascript" src="/js/common.js"></script>\n</head>\n<body>\n'
            '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" class="top">\n'
            '  <tr><td width="600"><img src="/images/banner.jpg" width="600" height="120" '
            f'alt="{site}" /></td>\n'
            '  <td align="right"><a href="/">首页</a>&nbsp;|&nbsp;<a href="/zwgk/">政务公开</a>&nbsp;|&nbsp;'
            '<a href="/bsfw/">办事服务</a>&nbsp;|&nbsp;<a href="/hdjl/">互动交流</a></td></tr>\n</table>\n'
            '<div class="position">您现在的位置：<a href="/">首页</a> &gt;&gt; '
            '<a href="/zwgk/">政府信息公开</a>'
            ' &gt;&gt; <a href="/zwgk/ndbg/">政府信息公开年度报告</a></div>\n'
            f'<div class="content" id="content">\n<div class="title"><h2>{title}</h2></div>\n'
            f'<div class="info">{info}&nbsp;&nbsp;【字体：<a href="javascript:doZoom(16)">大</a> '
            '<a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>】'
            '&nbsp;&nbsp;【<a href="javascript:window.print()">打印</a>】</div>\n'
            f'<div class="zoom" id="zoom">\n{body}\n</div>\n</div>\n'
            '<table width="1000" border="0" align="center" class="bottom"><tr><td align="center">'
            f"主办：{site}办公室&nbsp;&nbsp;技术支持：{site}大数据中心</td></tr></table>\n"
            "</body>\n</html>\n"
        )
    index = f"{rng.randint(10**8, 10**9 - 1)}/{truth.report_year + 1}-{rng.randint(1, 99999):05d}"
    logo = f'<h1 class="logo"><a href="/">{site}</a></h1>\n' if style.logo_h1 else ""
    page_title = f"{title}_政府信息公开年报_{site}" if style.page_title == "full" else site
    written = date - dt.timedelta(days=rng.randint(1, 6)) if date else None
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n'
        f"{charset_meta(style)}"
        '<meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
        f'<meta name="SiteName" content="{site}">\n<meta name="ColumnName" content="政府信息公开年报">\n'
        f"{hints}<title>{page_title}</title>\n"
        '<link rel="stylesheet" href="/static/css/common.css">\n'
        "<style>\n.xxgk-table { border-collapse: collapse; }\n"
        ".xxgk-table td { border: 1px solid #000; }\n</style>\n"
        '<script src="/static/js/jquery.min.js"></script>\n</head>\n<body>\n'
        f'<div class="top-bar"><span class="welcome">您好，欢迎访问{site}门户网站！</span>'
        '<span class="tools"><a href="javascript:;">无障碍浏览</a> | '
        '<a href="javascript:;">长者模式</a></span></div>\n'
        f'<header class="site-header">{logo}<form class="search-box" action="/search" method="get">'
        '<input type="text" name="q" placeholder="请输入搜索关键词">'
        '<button type="submit">搜索</button></form></header>\n'
        f"{navigation(style, rng)}"
        '<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/col/col2/">政务公开</a> &gt; '
        '<a href="/col/col5/">政府信息公开</a> &gt; <a href="/col/col6/">政府信息公开年报</a></div>\n'
        '<div class="main">\n<div class="xxgk-meta">\n'
        f"  <span>索引号：{index}</span>\n  <span>发布机构：{truth.agency.name}</span>\n"
        + (f"  <span>{style.written_label}：{written.isoformat()}</span>\n" if written else "")
        + "  <span>公开方式：主动公开</span>\n</div>\n"
        f'<article class="article">\n<h1 class="article-title">{title}</h1>\n'
        f'<div class="article-info">\n  <span>{info}</span>\n'
        f'  <span>浏览次数：<em id="hits">{rng.randint(30, 5000)}</em></span>\n</div>\n'
        f'<div class="article-content" id="zoom">\n{body}\n</div>\n'
        '<div class="article-tools"><a href="javascript:window.print();">【打印本页】</a> '
        '<a href="javascript:window.close();">【关闭窗口】</a></div>\n'
        f'<div class="prev-next">\n  <p>上一篇：<a href="/art/1.html">{before}</a></p>\n'
        f'  <p>下一篇：<a href="/art/2.html">{after}</a></p>\n</div>\n</article>\n</div>\n'
        '<footer class="site-footer">\n'
        '  <p><a href="/map/">网站地图</a> | <a href="/contact/">联系我们</a></p>\n'
        f"  <p>主办单位：{site}办公室　承办单位：{site}大数据中心</p>\n</footer>\n</body>\n</html>\n"
    )


MENUS = {
    "走进本地": ("概况", "历史沿革", "行政区划", "人口民族", "自然资源", "旅游资源"),
    "政务公开": (
        "政府文件",
        "政策解读",
        "人事信息",
        "财政预决算",
        "重点领域",
        "建议提案",
        "政府信息公开年报",
    ),
    "政务服务": ("办事指南", "便民服务", "网上办事", "好差评", "一件事一次办", "证照办理"),
    "互动交流": ("领导信箱", "在线访谈", "征集调查", "咨询投诉", "常见问题"),
    "专题专栏": ("优化营商环境", "乡村振兴", "安全生产", "疫情防控", "扫黑除恶"),
    "数据开放": ("统计数据", "统计公报", "开放目录", "数据接口"),
}


def navigation(style: Style, rng: random.Random) -> str:
    """The portal's menu: a few links, or every menu with its sub-links (each on its own line of text)."""
    if style.nav == "small":
        links = "".join(f'<li><a href="/col/col{n}/">{menu}</a></li>' for n, menu in enumerate(MENUS))
        return f'<nav class="main-nav"><ul><li><a href="/">首页</a></li>{links}</ul></nav>\n'
    menus = []
    for n, (menu, subs) in enumerate(MENUS.items()):
        items = "".join(f'<li><a href="/col/col{n}{k}/">{sub}</a></li>' for k, sub in enumerate(subs))
        menus.append(f'<li><a href="/col/col{n}/">{menu}</a><ul class="sub">{items}</ul></li>')
    return '<nav class="main-nav"><ul><li><a href="/">首页</a></li>' + "\n".join(menus) + "</ul></nav>\n"


# --- text ----------------------------------------------------------------------------------------


def text_table(name: str, truth: ReportTruth, style: Style, rng: random.Random) -> str:
    grid = grid_of(name, truth, style, rng)
    if style.shape == "text_cells":
        return cells_text(grid, style.blank or "—", style.split_header_lines)
    if style.shape == "text_pipes":
        return pipes_text(grid, style.blank)
    if style.shape == "text_rows":
        return rows_text(grid, style.row_separator, style.blank)
    return tabs_text(wrapped(grid, rng) if style.wrap_labels else grid, style.blank or "\u3000")


def wrapped(grid: Grid, rng: random.Random) -> Grid:
    """Long labels broken onto a second line, as Word saves a narrow column's text (the sample)."""
    rows = []
    for row in grid.rows:
        cells = []
        for cell in row:
            text = cell.text
            if text and len(text) > 14 and "\n" not in text and not text[0].isdigit():
                cut = rng.randint(6, len(text) - 4)
                text = text[:cut] + "\n" + text[cut:]
            cells.append(replace(cell, text=text))
        rows.append(cells)
    return Grid(rows)


def date_lines(truth: ReportTruth, style: Style, rng: random.Random) -> list[str]:
    date, source = truth.published_date, truth.agency.short_name
    if date is None or style.date_form == "signature":
        return []
    form = style.date_text
    if style.no_title:
        source = truth.agency.title_name
    if style.date_form == "split" or style.shape == "text_pipes":
        return ["发布时间:", when(date, rng, True, form), "信息来源:", source]
    if style.date_form == "时间":
        return [f"信息来源:{source} 时间:{when(date, rng, False, form)}"]
    if style.date_form == "发布日期":
        return [f"发布日期：{when(date, rng, False, form)}　　来源：{source}　　【大 中 小】【打印】【关闭】"]
    return [f"发布时间:{when(date, rng, True, form)}      来源:{source}     浏览量:"]


def text_document(truth: ReportTruth, style: Style, rng: random.Random) -> str:
    """A page copy, a pipe copy or a Word export: paragraphs, and the tables in the shape's own form."""
    title = title_of(truth, style)
    shape = style.shape
    indent = {"text_cells": "    ", "text_rows": "    ", "text_tabs": "\u3000\u3000", "text_pipes": ""}[shape]
    gap = "" if shape == "text_pipes" else "\n"
    lines: list[str] = []
    if shape in ("text_cells", "text_rows") and rng.random() < 0.4:
        lines += ["当前位置:首页", ">政府信息公开>政府信息公开年报", ""]
    if style.title_lines == 2:
        lines += [truth.agency.title_name, title.removeprefix(truth.agency.title_name)]
    elif not style.no_title:
        lines.append(title)
    if shape == "text_tabs":
        lines.append("")
    else:
        lines += date_lines(truth, style, rng)
        if shape in ("text_cells", "text_rows"):
            lines += ["字体:", ""]
    out = "\n".join(lines) + "\n"
    out += f"{indent}{prose.intro(truth)}\n{gap}"
    for chapter in prose.chapters(truth, rng):
        out += f"{indent}{chapter.heading}\n{gap}"
        out += "".join(f"{indent}{p}\n{gap}" for p in chapter.paragraphs)
        if chapter.table:
            out += text_table(chapter.table, truth, style, rng)
            if shape == "text_tabs":
                out += "\n"
    if shape == "text_tabs" or (style.date_form == "signature" and truth.published_date):
        out += (
            f"\n{truth.agency.name}\n{chinese_date(truth.published_date)}\n" if truth.published_date else ""
        )
    elif shape in ("text_cells", "text_rows"):
        out += "\n相关阅读:\n\n扫一扫在手机打开当前页\n"
    return out


# --- the whole file ------------------------------------------------------------------------------


def traditional(truth: ReportTruth) -> None:
    """The truth's printed texts in traditional script (amounts as printed: 130.48億元)."""
    convert = to_traditional().convert
    truth.transactions = [
        replace(t, amount_text=convert(t.amount_text) if t.amount_text else t.amount_text)
        for t in truth.transactions
    ]


def encode(text: str, style: Style) -> tuple[bytes, Style]:
    """The bytes in the style's encoding; text a legacy charset cannot hold falls back to UTF-8."""
    codec = {"gbk": "gbk", "gb18030": "gb18030", "big5": "big5", "utf-8": "utf-8"}[style.encoding]
    try:
        return text.encode(codec), style
    except UnicodeEncodeError:
        return text.encode("utf-8"), replace(style, encoding="utf-8")


def effective(truth: ReportTruth, style: Style) -> Style:
    """The style as this report can carry it (so the truth's variant tags say what was printed).

    A Word export is dated under its signature only; a page always has a date line; a
    two-line title is a Word habit, a missing title a pipe copy's; a pre2019 report is a
    page or a page copy, and has no table to carry table habits.
    """
    date_form = style.date_form
    if style.shape == "text_tabs":
        date_form = "signature"
    elif style.shape in ("html", "text_pipes") and date_form == "signature":
        date_form = "发布时间"
    two_lines = style.shape == "text_tabs" and style.title_lines == 2 and style.title_form != "year_name"
    style = replace(
        style,
        date_form=date_form,
        title_lines=2 if two_lines else 1,
        no_title=style.no_title and style.shape == "text_pipes",
        bom=style.bom and style.shape != "html" and style.encoding == "utf-8",
        th_headers=style.th_headers and style.shape == "html",
        spacer_row=style.spacer_row and style.shape == "html" and style.page == "mso",
        wrap_labels=style.wrap_labels and style.shape == "text_tabs",
        # one space apart only where no cell holds a space of its own (1 234): padded instead
        row_separator="padded"
        if style.row_separator == "space" and style.quirks & {"spaces", "nbsp"}
        else style.row_separator,
    )
    if truth.template_version == "pre2019":
        style = replace(
            style,
            shape=style.shape if style.shape == "html" else "text_cells",
            header_notes=False,
            split_header_lines=False,
            quirks=frozenset(),
            th_headers=False,
            spacer_row=False,
            wrap_labels=False,
        )
    return style


def render(truth: ReportTruth, style: Style, rng: random.Random) -> Rendered:
    """The file for ``truth``; fills in the truth's shape, script, encoding and sidecar as rendered."""
    style = effective(truth, style)
    tags: list[str] = []
    text = html_page(truth, style, rng, tags) if style.shape == "html" else text_document(truth, style, rng)
    if style.script == "traditional":
        text = to_traditional().convert(text)
        traditional(truth)
    data, style = encode(text, style)
    if style.bom and style.encoding == "utf-8":
        data = b"\xef\xbb\xbf" + data
    truth.shape = style.shape
    truth.script = style.script
    truth.encoding = style.encoding
    if to_simplified().convert(truth.agency.name) != truth.agency.name:
        tags.append("name_folds")  # 乾安县, 乾县: OpenCC's traditional→simplified folding turns 乾 into 干
    if truth.agency.aliases:
        tags.append("title_alias")
    elif truth.agency.title_name != truth.agency.name:
        tags.append("title_unqualified")
    truth.variants.extend(style_tags(style) + tags)
    sidecar = None
    if style.sidecar and truth.published_date:
        sidecar = {
            "url": f"http://xxgk.gov{truth.agency.region_code}.cn/art/{truth.published_date:%Y/%m/%d}/"
            f"art_{rng.randint(1000, 99999)}.html",
            "published_date": truth.published_date.isoformat(),
        }
        truth.sidecar = sidecar
    return Rendered(data, ".html" if style.shape == "html" else ".txt", sidecar)


def style_tags(style: Style) -> list[str]:
    """The truth's ``variants`` that say how the report was printed."""
    tags = [f"page_{style.page}" if style.shape == "html" else style.shape, f"title_{style.title_form}"]
    tags.append(f"date_{style.date_form}")
    if style.date_text != "iso":
        tags.append(f"date_text_{style.date_text}")
    if style.shape == "html":
        tags.append(f"charset_{style.charset_meta}")
        if style.page == "portal":
            tags += [f"nav_{style.nav}", f"page_title_{style.page_title}", f"written_{style.written_label}"]
            tags += ["logo_h1"] if style.logo_h1 else []
    if style.title_lines == 2:
        tags.append("title_two_lines")
    if style.no_title:
        tags.append("no_title")
    if style.shape == "text_rows":
        tags.append(f"rows_{style.row_separator}")
    if style.header_notes:
        tags.append("header_notes")
    if style.split_header_lines:
        tags.append("split_header_lines")
    tags.extend(f"number_{q}" for q in sorted(style.quirks))
    if style.bom and style.encoding == "utf-8":
        tags.append("utf8_bom")
    for flag in ("th_headers", "spacer_row", "wrap_labels"):
        if getattr(style, flag):
            tags.append(flag)
    return tags


def sidecar_json(sidecar: dict[str, str]) -> bytes:
    return json.dumps(sidecar, ensure_ascii=False).encode("utf-8")
