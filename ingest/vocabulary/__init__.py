"""Load the label vocabularies (YAML beside this file) once, with compiled patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

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
