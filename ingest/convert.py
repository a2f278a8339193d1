"""A report's lines width-folded and in simplified script, with their label keys: cached by line.

Most of a report's cells are the template's labels and a few numbers, printed alike in
thousands of reports (98 % of the tokens of a synthetic corpus had been seen before), so
each distinct short line is folded, converted (OpenCC) and keyed once per process; the
lines not seen yet are converted together in one OpenCC call. A line's conversion does
not depend on its neighbours: no dictionary phrase holds a line break.
"""

from __future__ import annotations

import re
from itertools import compress
from operator import itemgetter, not_
from typing import NamedTuple

from ingest.script import TRADITIONAL_SHARE, han_count, to_simplified
from ingest.text import LABEL_QUOTES, fold_width

# runs of white space but the line break, and (once spaces are single) a label key's dropped characters
SPACE_RUN = re.compile(r"[^\S\n]+")
LABEL_DROP_IN_LINES = re.compile(f"[ {LABEL_QUOTES}]")
CACHED_LENGTH = 64  # longer lines (sentences of prose) are rarely seen twice: not kept
CACHE_SIZE = 50_000  # lines kept per process at most, ~25 MB (the cache starts again when full)


class Converted(NamedTuple):
    """One line: as converted, as a token's text and key, and what script detection needs."""

    line: str  # folded and converted, spaces as they were
    text: str  # ... with runs of spaces made one, stripped
    key: str  # ... without spaces or quotes (``ingest.text.label_key``)
    han: int  # Han characters in the folded line
    changed: int  # characters the conversion changed; -1 where it changed the line's length


TEXT, KEY, CHANGED = itemgetter(1), itemgetter(2), itemgetter(4)
CACHE: dict[str, Converted] = {}


def converted_of(folded: str, converted: str) -> Converted:
    squashed = SPACE_RUN.sub(" ", converted) if "  " in converted else converted
    if folded == converted:
        changed = 0
    elif len(folded) == len(converted):
        changed = sum(map(str.__ne__, folded, converted))
    else:
        changed = -1
    key = LABEL_DROP_IN_LINES.sub("", squashed)
    return Converted(converted, squashed.strip(), key, han_count(folded), changed)


def convert_lines(raws: list[str]) -> list[Converted]:
    """Each line (without line breaks) folded, converted and keyed; one OpenCC call for the new ones."""
    cached = list(map(CACHE.get, raws))
    if None not in cached:  # most pages: every line seen before
        return cached
    new = list(dict.fromkeys(compress(raws, map(not_, cached))))  # each line not seen yet, once
    folded = fold_width("\n".join(new)).split("\n")
    converted = to_simplified("\n".join(folded)).split("\n")
    if len(converted) != len(new):  # a conversion that merged lines: convert them one by one
        converted = [to_simplified(line) for line in folded]
    fresh = {raw: converted_of(f, c) for raw, f, c in zip(new, folded, converted, strict=True)}
    lines = list(map(fresh.get, raws, cached))  # the fresh conversion, or the cached one
    if len(CACHE) + len(fresh) > CACHE_SIZE:
        CACHE.clear()
    CACHE.update((raw, entry) for raw, entry in fresh.items() if len(raw) <= CACHED_LENGTH)
    return lines


def script_of(lines: list[Converted]) -> str:
    """'traditional' or 'simplified' for the lines together (as ``ingest.script.detect_script``
    judges their joined text): by the share of Han characters the conversion changed."""
    if not any(map(CHANGED, lines)):
        return "simplified"
    han = sum(line.han for line in lines)
    if han == 0 or any(line.changed < 0 for line in lines):
        return "traditional"
    return "traditional" if sum(map(CHANGED, lines)) / han >= TRADITIONAL_SHARE else "simplified"
