"""Every code's labels, collected from the vocabularies into one table: the dbt seed of the code dimensions.

The vocabularies (``ingest/vocabulary/*.yaml``) are the one source of a code's Chinese and English
label and of the label each template prints for it (docs/code-dimensions.md). This module reads
them and writes ``dbt/seeds/code_labels.csv``, from which each ``marts.dim_*`` code dimension is
selected; ``tests/test_code_labels.py`` fails when the seed is not what they generate.

    python -m ingest.code_labels [path]     # default: dbt/seeds/code_labels.csv
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Any

from ingest import vocabulary as vocab
from ingest.errors import ERROR_CODES, WARNING_CODES

SEED_PATH = Path(__file__).resolve().parents[1] / "dbt" / "seeds" / "code_labels.csv"
TEMPLATES = ("gb2019", "gb2021")  # the templates that print tables (pre2019 is prose)


@dataclass(frozen=True)
class CodeLabel:
    """One code of one dimension, a row of the seed."""

    dimension: str
    code: str
    sort_order: int
    zh: str
    en: str
    parent_code: str | None = None  # the dimension's own grouping (an item's clause, a category's scope)
    gb2019_label: str | None = None
    gb2021_label: str | None = None
    description_zh: str | None = None
    description_en: str | None = None


def labelled(dimension: str, code: str, line: Mapping[str, Any], parent: str | None = None) -> dict[str, Any]:
    """The seed's fields of one vocabulary line (its ``zh``, ``en``, ``printed`` per template)."""
    printed = line.get("printed") or {}
    unknown = set(printed) - set(TEMPLATES)
    if unknown:
        raise ValueError(f"{dimension}.{code}: printed for unknown templates {sorted(unknown)}")
    if not line.get("zh") or not line.get("en"):
        raise ValueError(f"{dimension}.{code}: a vocabulary line without its zh and en labels")
    return {
        "dimension": dimension,
        "code": code,
        "zh": line["zh"],
        "en": line["en"],
        "parent_code": parent,
        "gb2019_label": printed.get("gb2019"),
        "gb2021_label": printed.get("gb2021"),
        "description_zh": line.get("description_zh"),
        "description_en": line.get("description_en"),
    }


def entry_lines(name: str, section: str, key: str = "code", parent: str | None = None) -> Iterator[tuple]:
    """(code, line, parent) of each entry of a vocabulary section of pattern lines."""
    for line in vocab.load(name)[section]:
        yield line[key], line, line.get(parent) if parent else None


def list_lines(name: str, codes: str, labels: str) -> Iterator[tuple]:
    """(code, labels, None) of a plain code list with its labels beside it (``applicants`` …)."""
    found = vocab.load(name)[labels]
    for code in vocab.load(name)[codes]:
        if code not in found:
            raise ValueError(f"{name}.yaml: {code} has no labels in {labels}")
        yield code, found[code], None


def derived_lines(dimension: str) -> Iterator[tuple]:
    """(code, line, None) of the codes.yaml lines of a dimension (codes no pattern reads)."""
    for line in vocab.load("codes").get(dimension, ()):
        yield line["code"], line, None


def clause_heading(clause: str | None) -> str | None:
    return f"第二十条第（{clause}）项" if clause else None


def dimension_lines() -> dict[str, Iterable[tuple]]:
    """Each dimension's lines, in order: the vocabulary's entries, then codes.yaml's."""
    items = (
        (code, line, clause_heading(parent))
        for code, line, parent in entry_lines("article20", "items", parent="clause")
    )
    return {
        "outcome": entry_lines("applications", "rows"),
        "outcome_group": derived_lines("outcome_group"),
        "applicant_type": list_lines("applications", "applicants", "applicant_labels"),
        "disclosure_item": [*items, *derived_lines("disclosure_item")],
        "measure": [*entry_lines("article20", "measures"), *derived_lines("measure")],
        "channel": [*entry_lines("prose", "channels"), *derived_lines("channel")],
        "appeal_kind": list_lines("appeals", "kinds", "kind_labels"),
        "appeal_result": list_lines("appeals", "results", "result_labels"),
        "transaction_scope": derived_lines("transaction_scope"),
        "transaction_category": [
            *entry_lines("transactions", "rows", key="category", parent="scope"),
            *derived_lines("transaction_category"),
        ],
        "identity_rule": derived_lines("identity_rule"),
        "identity_status": derived_lines("identity_status"),
        "rejection_code": (
            (code, {**line, "description_en": ERROR_CODES.get(code)}, None)
            for code, line, _ in derived_lines("rejection_code")
        ),
        "template_version": derived_lines("template_version"),
        "agency_type": entry_lines("agency_types", "types"),
        "source_method": derived_lines("source_method"),
        "source_format": derived_lines("source_format"),
        "admin_level": derived_lines("admin_level"),
        "warning_code": (
            (code, {**line, "description_en": WARNING_CODES.get(code)}, None)
            for code, line, _ in derived_lines("warning_code")
        ),
    }


def code_labels() -> list[CodeLabel]:
    """Every dimension's codes with their labels, ``sort_order`` 1… in each dimension's order."""
    rows: list[CodeLabel] = []
    for dimension, lines in dimension_lines().items():
        seen: set[str] = set()
        for order, (code, line, parent) in enumerate(lines, start=1):
            if code in seen:
                raise ValueError(f"{dimension}: {code} labelled twice")
            seen.add(code)
            rows.append(CodeLabel(sort_order=order, **labelled(dimension, code, line, parent)))
    return rows


def seed_text(rows: Iterable[CodeLabel]) -> str:
    """The seed CSV (UTF-8, ``\\n`` line ends; an absent value is an empty field, NULL to dbt)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f.name for f in fields(CodeLabel)])
    for row in rows:
        writer.writerow(["" if value is None else value for value in astuple(row)])
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else SEED_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(seed_text(code_labels()), encoding="utf-8")
    print(f"code labels: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
