"""Every seed report parses to exactly the values read by hand (../shared/seeds/expected)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from expected_values import mismatches, parse_path
from ingest.records import ParsedReport

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"
EXPECTED = sorted((SEEDS / "expected").glob("*.yaml")) if SEEDS.is_dir() else []

pytestmark = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"../shared/seeds is absent ({SEEDS}): seed tests skipped"
)


@pytest.mark.parametrize("expected_file", EXPECTED, ids=lambda p: p.stem)
def test_seed_parses_exactly(expected_file: Path) -> None:
    expected = yaml.safe_load(expected_file.read_text(encoding="utf-8"))
    report = parse_path(SEEDS / expected["source_file"])
    assert isinstance(report, ParsedReport), report
    assert mismatches(report, expected) == []


def test_seed_warnings_name_the_doubts() -> None:
    """The quirks each seed is known for are kept as warnings, not silently absorbed."""
    codes = {p.name[:3]: {w.code for w in parse_path(p).warnings} for p in sorted(SEEDS.glob("*.txt"))}
    assert "lost_characters" in codes["000"]
    assert "agency_place_inferred" in codes["001"]
    assert "amount_unit_assumed" in codes["002"]
    assert "mojibake" in codes["003"]
