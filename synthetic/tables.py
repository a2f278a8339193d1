"""The template's tables for one truth, as grids with the real template's spans.

Article 20 (第二十条) sub-tables four columns wide (a single measure spans three);
the applications table ten wide: the 勾稽关系 note over three columns and rows,
申请人情况 over seven, 三、本年度办理结果 spanning its 20 (gb2019) or 22 (gb2021) rows,
(三)不予公开 / (四) / (五) / gb2021's (六) spanning theirs; appeals fifteen wide
(行政复议 over five, 行政诉讼 over ten, the five 行政复议 results over two rows).
"""

from __future__ import annotations

import random

from synthetic.labels import printed_labels
from synthetic.shapes import Cell, Grid, Row
from synthetic.style import Style
from synthetic.template import (
    APPEAL_KINDS,
    APPEAL_RESULT_LABELS,
    APPEAL_RESULTS,
    APPLICANT_HEADINGS,
    APPLICANTS,
    ARTICLE20,
    BALANCE_NOTE,
    INFO_CONTENT,
    ITEM_LABELS,
    ITEM_LABELS_GB2021,
    ITEM_NOTES,
    LOCAL_ITEM,
    MEASURE_LABELS,
    MEASURE_NOTES,
    ORGANISATION_LABELS,
    OUTCOME_GROUPS,
    OUTCOME_LABELS,
    PLATFORM_COLUMNS,
    PLATFORM_ROWS,
    PROCUREMENT_COLUMNS,
    PROCUREMENT_LABEL,
    PROCUREMENT_NOTES,
    RESULTS_HEADING,
    table_outcomes,
)
from synthetic.truth import Number, ReportTruth, Transaction

FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def number_text(value: Number | None, style: Style, rng: random.Random, signed: bool = False) -> str | None:
    """A figure as this publisher prints it (full-width digits, separators, '+', stray spaces, 无)."""
    if value is None:
        return None
    quirks = style.quirks
    if value == 0 and "wu" in quirks and rng.random() < 0.3:
        return "无"
    text = f"{value:,}" if "thousands" in quirks and abs(value) >= 1000 else str(value)
    if signed and value > 0 and "plus" in quirks:
        text = "+" + text
    if "fullwidth" in quirks and rng.random() < 0.3:
        text = text.translate(FULL_WIDTH_DIGITS)
    if "spaces" in quirks and rng.random() < 0.5:
        text = rng.choice((f"{text} ", f" {text}", f"  {text}"))
    if "nbsp" in quirks and rng.random() < 0.3:
        text = rng.choice((f"\xa0{text}", f"{text}\xa0"))
    return text


def parens(text: str, style: Style) -> str:
    return text if style.wide_parens else text.replace("（", "(").replace("）", ")")


def clause_cell(clause: str, style: Style) -> Row:
    return [Cell(parens(f"第二十条第（{clause}）项", style), colspan=4)]


def measure_label(template: str, measure: str, year: int, style: Style, printed: str | None = None) -> str:
    """A measure's heading as printed (``printed``: the label with a slip, :mod:`synthetic.labels`)."""
    label = printed or MEASURE_LABELS[template][measure]
    if template == "gb2019" and measure in ("new_made", "new_published") and style.shape != "text_pipes":
        label = label[:3] + "\n" + label[3:]  # 本年新 / 制作数量, as the template's narrow column prints it
    if style.header_notes and template == "gb2019" and measure in MEASURE_NOTES:
        label += "\n" + MEASURE_NOTES[measure].format(prev=year - 1, year=year)
    return parens(label, style)


def spread(cells: list[str | None], width: int = 3) -> list[Cell]:
    """Value (or header) cells of a sub-table: fewer than three measures, the last spans the rest."""
    found = [Cell(c) for c in cells]
    if found and len(found) < width:
        found[-1] = Cell(found[-1].text, colspan=width - len(found) + 1)
    return found


def article20_grid(truth: ReportTruth, style: Style, rng: random.Random) -> Grid:
    template = truth.template_version
    labels = ITEM_LABELS_GB2021 if template == "gb2021" else ITEM_LABELS
    slips = printed_labels(truth)
    labels = {item: slips.get(("article20", item), label) for item, label in labels.items()}
    rows: list[Row] = []
    for clause, items, measures in ARTICLE20[template]:
        if (LOCAL_ITEM, measures[0]) in truth.disclosures:
            items = (*items, LOCAL_ITEM)
        rows.append(clause_cell(clause, style))
        headers = [
            measure_label(template, m, truth.report_year, style, slips.get(("measure", m))) for m in measures
        ]
        rows.append([Cell(INFO_CONTENT), *spread(headers)])
        for item in items:
            label = labels[item] + (ITEM_NOTES.get(item, "") if style.header_notes else "")
            values = [number_text(truth.disclosures[(item, m)], style, rng, m == "change") for m in measures]
            rows.append([Cell(parens(label, style)), *spread(values)])
    if template == "gb2019":
        procurement = [t for t in truth.transactions if t.source_method == "table"]
        if procurement:
            rows.extend(procurement_rows(procurement, header_unit(truth), truth.report_year, style, rng))
    return Grid(rows)


def header_unit(truth: ReportTruth) -> str | None:
    """The unit the (九) amount column names (万元, 亿元), or None (the unit is in the cells, or nowhere)."""
    for variant in truth.variants:
        if variant in ("amount_header_万元", "amount_header_亿元"):
            return variant.removeprefix("amount_header_")
    return None


def procurement_rows(
    rows: list[Transaction], unit: str | None, year: int, style: Style, rng: random.Random
) -> list[Row]:
    """Clause (九): the agency's 政府集中采购, or a trading centre's platform volumes (seed 000)."""
    platform = rows[0].scope == "platform"
    count_label, amount_label = PLATFORM_COLUMNS if platform else PROCUREMENT_COLUMNS
    if unit:
        amount_label += f"（{unit}）"
    if style.header_notes and not platform:
        count_label += "\n" + PROCUREMENT_NOTES[0].format(year=year)
        amount_label += "\n" + PROCUREMENT_NOTES[1].format(year=year)
    found: list[Row] = [
        clause_cell("九", style),
        [Cell(INFO_CONTENT), Cell(count_label), Cell(parens(amount_label, style), colspan=2)],
    ]
    for row in rows:
        label = PLATFORM_ROWS[row.category] if platform else PROCUREMENT_LABEL
        count = number_text(row.project_count, style, rng)
        found.append([Cell(label), Cell(count), Cell(row.amount_text, colspan=2)])
    return found


def applications_grid(truth: ReportTruth, style: Style, rng: random.Random) -> Grid:
    rows_of = table_outcomes(truth)
    slips = printed_labels(truth)
    spanned = rows_of.index("total_processed") - rows_of.index("granted") + 1
    person, organisation, total = APPLICANT_HEADINGS[1:]
    rows: list[Row] = [
        [Cell(parens(BALANCE_NOTE, style), rowspan=3, colspan=3), Cell(APPLICANT_HEADINGS[0], colspan=7)],
        [Cell(person, rowspan=2), Cell(organisation, colspan=5), Cell(total, rowspan=2)],
        [Cell(label) for label in ORGANISATION_LABELS],
    ]
    groups = {members[0]: (heading, len(members)) for heading, members in OUTCOME_GROUPS.items()}
    members = {m for heading, ms in OUTCOME_GROUPS.items() for m in ms}
    for outcome in rows_of:
        values = [Cell(number_text(truth.applications[(outcome, a)], style, rng)) for a in APPLICANTS]
        label = Cell(parens(slips.get(("applications", outcome), OUTCOME_LABELS[outcome]), style))
        lead: Row = []
        if outcome == "granted":
            lead.append(Cell(RESULTS_HEADING, rowspan=spanned))
        if outcome in groups:
            heading, size = groups[outcome]
            lead.append(Cell(parens(heading, style), rowspan=size))
        if outcome in ("new_received", "carried_over", "carried_forward"):
            label = Cell(label.text, colspan=3)
        elif outcome not in members:
            label = Cell(label.text, colspan=2)
        rows.append([*lead, label, *values])
    return Grid(rows)


def appeals_grid(truth: ReportTruth, style: Style, rng: random.Random) -> Grid:
    review, direct, after = "行政复议", "未经复议直接起诉", "复议后起诉"
    rows: list[Row] = [
        [Cell(review, colspan=5), Cell("行政诉讼", colspan=10)],
        [
            *(Cell(label, rowspan=2) for label in APPEAL_RESULT_LABELS),
            Cell(direct, colspan=5),
            Cell(after, colspan=5),
        ],
        [Cell(label) for label in APPEAL_RESULT_LABELS * 2],
        [Cell(number_text(truth.appeals[(k, r)], style, rng)) for k in APPEAL_KINDS for r in APPEAL_RESULTS],
    ]
    return Grid(rows)
