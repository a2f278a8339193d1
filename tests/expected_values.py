"""Compare a ParsedReport with an expected-values YAML (format: ../shared/seeds/expected/README.md).

The same YAML files score the built warehouse through ../shared/tools/check_expected.py;
this reads them at the parser level so a parser regression shows without a build.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from ingest.discover import read_sidecar, sha256_of
from ingest.parser import parse_bytes
from ingest.records import ParsedReport, RawFile, Rejection
from synthetic import template

APPLICANTS = list(template.APPLICANTS)
ROW_SETS = {name: list(template.outcomes(name)) for name in ("gb2019", "gb2021")}
APPEALS = [
    (k, r)
    for k in ["administrative_review", "litigation_direct", "litigation_after_review"]
    for r in ["upheld", "corrected", "other", "pending", "total"]
]


def parse_path(path: Path) -> ParsedReport | Rejection:
    raw = RawFile(str(path), sha256_of(path), path.stat().st_size, path.suffix.lower(), read_sidecar(path))
    return parse_bytes(raw, path.read_bytes())


def same(expected: Any, got: Any) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return abs(float(got) - expected) <= 1e-6 * max(1.0, abs(expected))
    return str(expected) == str(got)


def cells(facts, keys: tuple[str, ...]) -> dict[tuple, Decimal | None]:
    """Cell values, table rows winning over prose rows (as check_expected.py does)."""
    found: dict[tuple, Decimal | None] = {}
    for fact in sorted(facts, key=lambda f: f.source_method != "table", reverse=True):
        found[tuple(getattr(fact, k) for k in keys)] = fact.value
    return found


def mismatches(report: ParsedReport, expected: dict) -> list[str]:
    """Every expected fact the parsed report does not hold, as readable lines."""
    problems: list[str] = []

    def check(label: str, want: Any, got: Any, present: bool = True) -> None:
        if not present or not same(want, got):
            problems.append(f"{label}: expected {want!r}, got {got!r}" + ("" if present else " (absent)"))

    for field, want in (expected.get("report") or {}).items():
        got = getattr(report, field)
        if field == "agency_aliases":
            check(field, sorted(want), sorted(set(want) & set(got)))
        else:
            check(field, want, got.isoformat() if hasattr(got, "isoformat") else got)
    table = cells([f for f in report.disclosures if f.measure_code != "count"], ("item_code", "measure_code"))
    for item, measures in (expected.get("disclosures") or {}).items():
        for measure, want in (measures or {}).items():
            check(f"disclosures.{item}.{measure}", want, table.get((item, measure)), (item, measure) in table)
    for section, keys, grid in (
        ("applications", ("outcome_code", "applicant_type"), None),
        ("appeals", ("appeal_kind", "result_code"), APPEALS),
    ):
        spec = expected.get(section) or {}
        found = cells(getattr(report, section), keys)
        if section == "applications":
            grid = [(o, a) for o in ROW_SETS.get(spec.get("rows"), []) for a in APPLICANTS]
        want_cells = {cell: spec.get("default") for cell in (grid if "default" in spec else [])}
        want_cells.update({tuple(k.split(".", 1)): v for k, v in (spec.get("cells") or {}).items()})
        for cell, want in want_cells.items():
            check(f"{section}.{'.'.join(cell)}", want, found.get(cell), cell in found)
    if "transactions" in expected:
        got_rows = {(t.scope, t.category): t for t in report.transactions}
        for row in expected["transactions"] or []:
            key = (row["scope"], row["category"])
            fact = got_rows.pop(key, None)
            for field in ("project_count", "amount_wan", "amount_text"):
                if field in row:
                    check(
                        f"transactions.{key}.{field}",
                        row[field],
                        getattr(fact, field, None),
                        fact is not None,
                    )
        if got_rows:
            problems.append(f"transactions: unexpected rows {sorted(got_rows)}")
    prose = cells([f for f in report.disclosures if f.source_method == "prose"], ("item_code", "channel"))
    for item, channels in (expected.get("prose") or {}).items():
        for channel, want in channels.items():
            check(f"prose.{item}.{channel}", want, prose.get((item, channel)), (item, channel) in prose)
    return problems
