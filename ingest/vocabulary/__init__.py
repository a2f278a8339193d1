"""Load the label vocabularies (YAML beside this file) once, with compiled patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from ingest.text import label_key

HERE = Path(__file__).parent
ENUMERATION = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\)|\d+[.、])+")


@dataclass(frozen=True)
class Entry:
    """One vocabulary line: the codes it stands for and the patterns that recognise it."""

    codes: dict[str, str]
    patterns: tuple[re.Pattern[str], ...]

    def matches(self, key: str) -> bool:
        return any(p.search(key) for p in self.patterns)


@cache
def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((HERE / f"{name}.yaml").read_text(encoding="utf-8"))


def entries(name: str, section: str) -> tuple[Entry, ...]:
    return _entries(name, section)


@cache
def _entries(name: str, section: str) -> tuple[Entry, ...]:
    found = []
    for line in load(name)[section]:
        codes = {k: v for k, v in line.items() if k != "patterns"}
        found.append(Entry(codes, tuple(re.compile(p) for p in line["patterns"])))
    return tuple(found)


@lru_cache(maxsize=1 << 16)
def match(name: str, section: str, key: str) -> dict[str, str] | None:
    """The codes of the first entry whose patterns match ``key`` (cached: labels repeat across reports)."""
    for entry in entries(name, section):
        if entry.matches(key):
            return entry.codes
    return None


@cache
def patterns(name: str, section: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in load(name)[section])


@cache
def any_of(name: str, section: str) -> re.Pattern[str]:
    """One pattern that matches where any of the section's patterns does."""
    return any_of_sections(name, (section,))


@cache
def any_of_sections(name: str, sections: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern that matches where any pattern of any of ``sections`` does."""
    return re.compile("|".join(f"(?:{p})" for section in sections for p in load(name)[section]))


@lru_cache(maxsize=1 << 16)
def match_row(name: str, section: str, key: str) -> dict[str, str] | None:
    """:func:`match` of a row's label key, without its leading enumeration (one cached call)."""
    return match(name, section, row_key(key))


@lru_cache(maxsize=1 << 16)
def row_key(key: str) -> str:
    """A label key (:func:`label_key`) without its leading enumeration, as the vocabularies see it."""
    return ENUMERATION.sub("", key)


# --- tolerant matching: a label printed with one slip -------------------------------------------

NOTE = re.compile(r"\([^()]*\)$")  # a trailing explanation in brackets (部分公开(区分处理的…))
# What is left of a numbering with a character dropped: (一 一) () ) . 1 (digits never start a label;
# a Chinese numeral only with the bracket or mark that follows it: 一年 may be a label's own words)
BROKEN_NUMBERING = re.compile(
    r"^(?:\(?[一二三四五六七八九十\d]{0,3}[).、]|\([一二三四五六七八九十\d]{0,3}|\d{1,3})"
)
SHORTEST = 4  # a label shorter than this is never matched with a slip (其他, 总计, 规章)
LONG = 8  # from this length, a character replaced or added is a slip too (not only dropped or swapped)


@lru_cache(maxsize=1 << 16)
def core(key: str) -> str:
    """A label key as the tolerant match compares it: no enumeration (whole or with a character
    dropped), no trailing note in brackets."""
    key = BROKEN_NUMBERING.sub("", row_key(key)) or key
    return NOTE.sub("", key) or key


def one_slip(printed: str, label: str) -> bool:
    """``printed`` is ``label`` with one slip: a character dropped, or two neighbours swapped; for a
    label of :data:`LONG` characters or more, also one character replaced or one added.

    Labels shorter than :data:`SHORTEST` never match: one slip could make them another word.
    """
    n, m = len(label), len(printed)
    if n < SHORTEST or printed == label or abs(n - m) > 1:
        return False
    start = 0
    while start < min(n, m) and label[start] == printed[start]:
        start += 1
    if m == n - 1:  # dropped
        return label[start + 1 :] == printed[start:]
    if m == n + 1:  # added
        return n >= LONG and printed[start + 1 :] == label[start:]
    swapped = start + 1 < n and label[start] == printed[start + 1] and label[start + 1] == printed[start]
    if swapped and label[start + 2 :] == printed[start + 2 :]:
        return True
    return n >= LONG and label[start + 1 :] == printed[start + 1 :]  # replaced


@cache
def labels(name: str, section: str) -> dict[str, tuple[str, ...]]:
    """Each code's printed labels (the ``labels`` of its entry and its patterns' plain prefixes), as
    :func:`core` sees them."""
    found: dict[str, tuple[str, ...]] = {}
    for line in load(name)[section]:
        forms = [core(label_key(text)) for text in line.get("labels", ())]
        forms += [plain for p in line["patterns"] if (plain := literal(p))]
        found[line["code"]] = tuple(dict.fromkeys(forms))
    return found


def literal(pattern: str) -> str | None:
    """The text a pattern matches where it is plain text anchored at the start (``^予以公开``), else None."""
    body = pattern.removeprefix("^").removesuffix("$")
    if not pattern.startswith("^") or re.escape(body) != body:
        return None
    return body


@lru_cache(maxsize=1 << 16)
def nearest(name: str, section: str, key: str, candidates: frozenset[str]) -> tuple[str, ...]:
    """The codes among ``candidates`` one of whose labels ``key`` is with one slip (:func:`one_slip`),
    comparing :func:`core` forms (so spaces, numbering and a trailing note do not count).

    A label whose only slip was in its numbering ((一予以公开, 3其他) is its code's, whatever its
    length. One code: the label's code. Two or more: equally near, the label is in doubt. None: no code.
    """
    printed = core(key)
    forms = labels(name, section)
    same = tuple(code for code in forms if code in candidates and printed in forms[code])
    if same or len(printed) < SHORTEST - 1:
        return same
    return tuple(
        code for code in forms if code in candidates and any(one_slip(printed, form) for form in forms[code])
    )
