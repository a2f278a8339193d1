"""Plain tables for unit tests: rows of strings (``None`` a blank cell), no spans, five shapes.

The small renderer the parser's property and unit tests have always used (it lived in
``tests/report_render.py``, which now re-exports it): a title, a date line, and each
table after its heading. The realistic renderer of whole reports is :mod:`synthetic.render`.
"""

from __future__ import annotations

import html
from decimal import Decimal

from synthetic.shapes import cells_text, html_table, pipes_text, plain_grid, rows_text, tabs_text
from synthetic.template import (
    APPEAL_RESULT_LABELS,
    APPLICANT_HEADINGS,
    ARTICLE20,
    BALANCE_NOTE,
    ITEM_LABELS,
    MEASURE_LABELS,
    ORGANISATION_LABELS,
    OUTCOME_GROUPS,
    OUTCOME_LABELS,
    RESULTS_HEADING,
)

__all__ = ["ARTICLE20", "appeal_rows", "application_rows", "article20_rows", "render"]

Rows = list[list[str | None]]

APPLICANT_HEADER: Rows = [
    [APPLICANT_HEADINGS[0]],
    list(APPLICANT_HEADINGS[1:]),
    list(ORGANISATION_LABELS),
]
GROUP_BEFORE: dict[str, Rows] = {
    "granted": [[RESULTS_HEADING]],
    **{members[0]: [[heading]] for heading, members in OUTCOME_GROUPS.items()},
}
APPEAL_HEADER: Rows = [
    ["行政复议", "行政诉讼"],
    [*APPEAL_RESULT_LABELS, "未经复议直接起诉", "复议后起诉"],
    list(APPEAL_RESULT_LABELS) * 2,
]


def show(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def article20_rows(template: str, values: dict) -> Rows:
    """Article 20 sub-tables; ``values`` maps (item_code, measure_code) to a value or None."""
    rows: Rows = []
    for clause, items, measures in ARTICLE20[template]:
        rows.append([f"第二十条第({clause})项"])
        rows.append(["信息内容", *(MEASURE_LABELS[template][m] for m in measures)])
        rows.extend([ITEM_LABELS[item], *(show(values[(item, m)]) for m in measures)] for item in items)
    return rows


def application_rows(outcomes: list[str], values: dict) -> Rows:
    """The applications table; ``values`` maps (outcome_code, applicant column 0..6) to a value or None."""
    rows: Rows = [[BALANCE_NOTE], *APPLICANT_HEADER]
    for outcome in outcomes:
        rows.extend(GROUP_BEFORE.get(outcome, []))
        rows.append([OUTCOME_LABELS[outcome], *(show(values[(outcome, a)]) for a in range(7))])
    return rows


def appeal_rows(values: list[Decimal | None]) -> Rows:
    return [*APPEAL_HEADER, [show(v) for v in values]]


def render(shape: str, title: str, tables: list[Rows], headings: list[str], separator: str = "tab") -> str:
    """The whole report: a title, a date line, and each table after its heading, in ``shape``
    (``text_rows``: a row a line, its cells apart by ``separator``, a blank a dash between spaces)."""
    parts = [title, "发布时间：2021-01-20", "一、总体情况", "本机关认真贯彻落实《条例》。"]
    if shape == "html":
        body = "".join(
            f"<p>{html.escape(h)}</p>{html_table(plain_grid(t))}"
            for h, t in zip(headings, tables, strict=True)
        )
        head = "".join(f"<p>{html.escape(p)}</p>" for p in parts[1:])
        return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{head}{body}</body></html>"
    flatten = {
        "text_cells": cells_text,
        "text_pipes": pipes_text,
        "text_tabs": tabs_text,
        "text_rows": lambda grid: rows_text(grid, separator, "" if separator == "tab" else "—"),
    }[shape]
    return (
        "\n".join(parts)
        + "\n"
        + "".join(f"{h}\n{flatten(plain_grid(t))}\n" for h, t in zip(headings, tables, strict=True))
    )
