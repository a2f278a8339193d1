"""Nothing is lost: every raw file ends as a report or a rejected file with a documented code."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.discover import discover_files
from ingest.errors import ERROR_CODES
from ingest.pipeline import MAX_REPORT_BYTES, parse_files
from ingest.records import ParsedReport, Rejection

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "reports"
PORTAL = SAMPLES / "hz_gb2021_portal.html"


@pytest.fixture
def mixed_landing(tmp_path: Path) -> Path:
    """Good reports beside every kind of bad file a crawl produces."""
    landing = tmp_path / "landing"
    (landing / "nested" / "deeper").mkdir(parents=True)
    for sample in SAMPLES.iterdir():
        (landing / sample.name).write_bytes(sample.read_bytes())
    (landing / "copy_of_portal.html").write_bytes(PORTAL.read_bytes())  # same content twice
    (landing / "empty.html").write_bytes(b"")
    (landing / "spaces.txt").write_bytes(b"   \n\t\n")
    (landing / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (landing / "nul.txt").write_bytes(b"abc\x00\x01\x02" * 100)
    (landing / "nested" / "truncated.html").write_bytes(PORTAL.read_bytes()[: len(PORTAL.read_bytes()) // 3])
    with (landing / "nested" / "deeper" / "huge.html").open("wb") as handle:
        handle.write(b"<html><body>" + b"<p>x</p>" * ((50 * 1024 * 1024) // 8) + b"</body></html>")
    (landing / "nested" / "latin1.txt").write_bytes(bytes(range(0x80, 0x100)) * 40)
    (landing / "no_year.txt").write_text(
        "某市公共资源交易中心政府信息公开工作年度报告\n一、总体情况\n", encoding="utf-8"
    )
    (landing / "notes.csv").write_text("# not a report", encoding="utf-8")
    (landing / "config.yaml").write_text("a: 1", encoding="utf-8")
    return landing


def test_every_file_is_a_report_or_a_reject(mixed_landing: Path) -> None:
    found = discover_files(mixed_landing)
    outcomes = list(parse_files(found.files))
    reports = [o for o in outcomes if isinstance(o, ParsedReport)]
    rejects = {Path(o.source_path).name: o for o in outcomes if isinstance(o, Rejection)}

    assert len(outcomes) == len(found.files)
    assert len(reports) + len(rejects) == len(found.files)
    assert sorted(Path(p).name for p in found.skipped) == ["config.yaml", "notes.csv"]
    assert {r.error_code for r in rejects.values()} <= set(ERROR_CODES)
    duplicates = [n for n in ("copy_of_portal.html", PORTAL.name) if n in rejects]
    assert len(duplicates) == 1 and rejects.pop(duplicates[0]).error_code == "duplicate_content"
    assert {name: r.error_code for name, r in rejects.items()} == {
        "empty.html": "empty",
        "spaces.txt": "empty",
        "image.html": "unsupported_format",  # a PNG, whatever its name says: a scanned page
        "nul.txt": "binary",
        "huge.html": "too_large",
        "latin1.txt": "undecodable",
        "no_year.txt": "no_report_year",
        "not_a_report.html": "not_a_report",
    } | ({"truncated.html": rejects["truncated.html"].error_code} if "truncated.html" in rejects else {})
    assert all(r.error_message for r in rejects.values())
    assert MAX_REPORT_BYTES < 50 * 1024 * 1024


def test_truncated_html_keeps_what_it_holds(mixed_landing: Path) -> None:
    """A page cut off mid-table still yields its title and the cells before the cut."""
    found = discover_files(mixed_landing / "nested")
    [truncated] = [o for o in parse_files(found.files) if o.source_path.endswith("truncated.html")]
    assert isinstance(truncated, ParsedReport)
    assert truncated.agency_name == "杭州市西湖区住房和城乡建设局"
    assert truncated.report_year == 2023


def test_error_codes_are_documented() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for code in ERROR_CODES:
        assert f"`{code}`" in readme


def parse_text(text: str):
    from ingest.parser import parse_bytes
    from ingest.records import RawFile

    data = text.encode("utf-8")
    return parse_bytes(RawFile("r.txt", "a" * 64, len(data), ".txt"), data)


def test_a_report_with_no_agency_is_rejected() -> None:
    outcome = parse_text("2020年政府信息公开工作年度报告\n一、总体情况\n全年主动公开信息10条。\n")
    assert isinstance(outcome, Rejection)
    assert outcome.error_code == "no_agency"


def test_a_parser_bug_keeps_the_file_as_parse_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import ingest.parser

    def broken(*_args, **_kwargs):
        raise IndexError("boom")

    monkeypatch.setattr(ingest.parser, "read_tables", broken)
    outcome = parse_text("某市某局2020年政府信息公开工作年度报告\n")
    assert isinstance(outcome, Rejection)
    assert (outcome.error_code, outcome.error_message) == ("parse_error", "IndexError: boom")
