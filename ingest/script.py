"""Traditional or simplified script: detect it, and give the parser one simplified text to read."""

from __future__ import annotations

from functools import cache

import opencc

# A report counts as traditional when at least this share of its Han characters change under
# conversion; simplified text changes at a handful of characters (乾→干, 著→着), far below.
TRADITIONAL_SHARE = 0.03


@cache
def converter() -> opencc.OpenCC:
    # hk2s also folds variants such as 衞 that plain t2s keeps
    return opencc.OpenCC("hk2s")


def to_simplified(text: str) -> str:
    return converter().convert(text)


def han_count(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


def detect_script(original: str, simplified: str) -> str:
    """'traditional' or 'simplified', by how much of the text conversion changed."""
    han = han_count(original)
    if han == 0 or len(original) != len(simplified):
        return "simplified" if original == simplified else "traditional"
    changed = sum(1 for a, b in zip(original, simplified, strict=True) if a != b)
    return "traditional" if changed / han >= TRADITIONAL_SHARE else "simplified"
