"""Reading one printed cell as a number: signs, separators, units, and the cells that mean nothing.

What each non-numeric cell means (documented in docs/inputs.md):

- empty or white space only: blank, **NULL**;
- ``-``, ``—``, ``/``, ``\\``, ``×``, ``空``, ``暂无数据``: not applicable / not filled,
  **NULL** (the text is kept);
- ``无`` (none) and ``零``: the publisher states there were none, **0**.

A cell that is none of these and not a number is text, never a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from ingest.text import fold_width, is_blank

NUMBER = re.compile(
    r"^(?P<sign>[+-]?)\s*(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?\s*"
    r"(?P<unit>亿元|万元|元|件|个|条|项|次|份|宗|笔|家|人次|篇)?$"
)
NOT_APPLICABLE = frozenset(
    {"-", "--", "---", "/", "\\", "×", "x", "X", "空", "暂无数据", "不适用", "…", "..."}
)
STATED_NONE = frozenset({"无", "零", "没有"})
UNIT_TO_WAN = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}


@dataclass(frozen=True)
class Cell:
    """What a cell holds: ``kind`` is 'number', 'blank', 'not_applicable', 'none' or 'text'."""

    kind: str
    value: Decimal | None = None
    unit: str | None = None


TEXT_CELL = Cell("text")  # every text cell is this one object: a stream tells values by identity


@lru_cache(maxsize=1 << 16)
def read_cell(text: str) -> Cell:
    """What a printed cell holds (cached: "0", "" and a few numbers make most cells)."""
    if is_blank(text):
        return Cell("blank")
    folded = fold_width(text).strip().replace(" ", "")
    folded = re.sub(r"-{2,}", "-", folded)
    if folded in NOT_APPLICABLE or set(folded) <= {"-"}:
        return Cell("not_applicable")
    if folded in STATED_NONE:
        return Cell("none", Decimal(0))
    match = NUMBER.match(folded)
    if not match:
        return TEXT_CELL
    digits = match["int"].replace(",", "") + (match["frac"] or "")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return TEXT_CELL
    if match["sign"] == "-":
        value = -value
    return Cell("number", value, match["unit"])


def to_wan(value: Decimal, unit: str) -> Decimal:
    """An amount in 万元 (ten thousand yuan) from one in 元, 万元 or 亿元."""
    return value * UNIT_TO_WAN[unit]


def amount_unit(text: str) -> str | None:
    """The money unit a label or cell names (元, 万元, 亿元), if any."""
    folded = fold_width(text).replace("萬", "万").replace("億", "亿")
    for unit in ("亿元", "万元", "元"):
        if unit in folded:
            return unit
    return None
