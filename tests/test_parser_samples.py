"""The shipped sample corpus (samples/reports) parses to the values in samples/expected."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from expected_values import mismatches, parse_path
from ingest.records import ParsedReport, Rejection

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
EXPECTED = sorted(p for p in (SAMPLES / "expected").glob("*.yaml") if p.name != "rejected.yaml")


@pytest.mark.parametrize("expected_file", EXPECTED, ids=lambda p: p.stem)
def test_sample_parses_exactly(expected_file: Path) -> None:
    expected = yaml.safe_load(expected_file.read_text(encoding="utf-8"))
    report = parse_path(SAMPLES / "reports" / expected["source_file"])
    assert isinstance(report, ParsedReport), report
    assert mismatches(report, expected) == []


def test_samples_cover_the_shapes_and_templates() -> None:
    reports = [parse_path(p) for p in sorted((SAMPLES / "reports").iterdir())]
    parsed = [r for r in reports if isinstance(r, ParsedReport)]
    assert {r.source_shape for r in parsed} >= {"html", "text_cells", "text_tabs", "prose"}
    assert {r.template_version for r in parsed} == {"pre2019", "gb2019", "gb2021"}
    assert {r.encoding for r in parsed} >= {"utf-8", "gb18030"}
    assert {r.source_format for r in parsed} >= {"html", "text", "docx", "pdf", "pdf_scanned"}
    assert any(f.value and f.value > 0 for r in parsed for f in r.applications if f.source_method == "table")


def test_the_news_page_is_rejected() -> None:
    listed = yaml.safe_load((SAMPLES / "expected" / "rejected.yaml").read_text(encoding="utf-8"))["rejected"]
    for name in listed:
        outcome = parse_path(SAMPLES / "reports" / name)
        assert isinstance(outcome, Rejection)
        assert outcome.error_code == "not_a_report"
