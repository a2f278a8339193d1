"""Load the label vocabularies (YAML beside this file) once, with compiled patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
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


def match(name: str, section: str, key: str) -> dict[str, str] | None:
    """The codes of the first entry whose patterns match ``key``."""
    for entry in entries(name, section):
        if entry.matches(key):
            return entry.codes
    return None


@cache
def patterns(name: str, section: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in load(name)[section])


def row_key(text: str) -> str:
    """A label as the vocabularies see it: :func:`label_key` without its leading enumeration."""
    return ENUMERATION.sub("", label_key(text))
