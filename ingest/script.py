"""Traditional or simplified script: detect it, and give the parser one simplified text to read."""

from __future__ import annotations

import re
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


HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def han_count(text: str) -> int:
    """Han characters in ``text``: what deleting them (in C, one string) takes away."""
    return len(text) - len(HAN_RUN.sub("", text))


def detect_script(original: str, simplified: str) -> str:
    """'traditional' or 'simplified', by how much of the text conversion changed."""
    if original == simplified:
        return "simplified"
    han = han_count(original)
    if han == 0 or len(original) != len(simplified):
        return "traditional"
    changed = sum(map(str.__ne__, original, simplified))
    return "traditional" if changed / han >= TRADITIONAL_SHARE else "simplified"
