"""The raw assets write exactly the staging tables of ingest/schema.py (parser replaced by a stub).

These test the Dagster plumbing, not the parser: ``ingest.pipeline.parse_bytes`` returns
hand-made records, so the row counts below follow from the files alone.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest

import ingest.pipeline
from dagster_project.defs.assets.ingest import parsed_reports, regions, report_files
from dagster_project.runs import report_year_keys
from dagster_project.warehouse import DuckDBWarehouse, LandingDir, expected_columns
from ingest.records import (
    AppealFact,
    ApplicationFact,
    DisclosureFact,
    ParsedReport,
    ParseWarning,
    RawFile,
    Rejection,
    TransactionFact,
    UnmappedCell,
)
from ingest.schema import STAGING_TABLES


def fake_parse_bytes(raw: RawFile, data: bytes) -> ParsedReport | Rejection:
    if not data.strip():
        return Rejection(raw.source_path, raw.content_sha256, "empty", "only white space")
    year = 2021 if b"2021" in data else 2019
    return ParsedReport(
        report_id=raw.report_id,
        source_path=raw.source_path,
        content_sha256=raw.content_sha256,
        title=f"{year}年政府信息公开工作年度报告",
        agency_name="驻马店市公共资源交易中心",
        agency_name_raw="市公共资源交易中心",
        agency_name_source="title",
        agency_aliases=["驻马店市公共资源交易中心", "市公共资源交易中心"],
        agency_type="trading_center",
        admin_level="prefecture",
        region_code="411700",
        region_source="agency_name",
        report_year=year,
        report_year_source="title",
        published_date=dt.date(year + 1, 1, 20),
        template_version="gb2021" if year == 2021 else "gb2019",
        script="simplified",
        encoding="utf-8",
        source_shape="text_cells",
        url=(raw.sidecar or {}).get("url"),
        warnings=[ParseWarning("amount_unit_assumed", "unit 万元 assumed")],
        disclosures=[
            DisclosureFact("regulations", "issued", Decimal("2"), "table", "2"),
            DisclosureFact("published_information", "count", Decimal("117"), "prose", "公开信息117条", "all"),
        ],
        applications=[
            ApplicationFact("new_received", "total", Decimal("3"), "table", "3"),
            ApplicationFact("carried_over", "total", None, "table", ""),
        ],
        appeals=[AppealFact("administrative_review", "total", Decimal("0"), "table", "0")],
        transactions=[
            TransactionFact(
                "platform", "construction", 12, Decimal("130.48"), "130.48万元", "table", "12 130.48万元"
            )
        ],
        unmapped=[UnmappedCell("article20", "其他主动公开文件", "本年制发件数", Decimal("5"), "5")],
    )


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    (root / "sub").mkdir(parents=True)
    (root / "a_2021.txt").write_text("2021年度报告 一", encoding="utf-8")
    (root / "b_2019.html").write_text("<p>2019年度报告</p>", encoding="utf-8")
    (root / "c_copy_of_a.txt").write_text("2021年度报告 一", encoding="utf-8")  # duplicate_content
    (root / "empty.txt").write_text("  \n", encoding="utf-8")  # empty
    (root / "notes.csv").write_text("not a report", encoding="utf-8")  # skipped, not rejected
    (root / "sub" / "d.htm").write_text("<p>2021</p>", encoding="utf-8")
    (root / "sub" / "d.htm.meta.json").write_text(
        json.dumps({"url": "https://example.gov.cn/d.htm"}), "utf-8"
    )
    return root


@pytest.fixture
def stub_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest.pipeline, "parse_bytes", fake_parse_bytes)


def materialize_raw(
    warehouse: Path, landing: Path, reparse: bool = False, years: tuple[str, str] | None = None
) -> dg.ExecuteInProcessResult:
    """The raw assets for every report year (or ``years``), as `make run` or a backfill runs them."""
    keys = report_year_keys()
    first, last = years or (keys[0], keys[-1])
    return dg.materialize(
        [report_files, parsed_reports, regions],
        resources={
            "warehouse": DuckDBWarehouse(path=str(warehouse)),
            "landing": LandingDir(path=str(landing)),
        },
        run_config={"ops": {"parsed_reports": {"config": {"reparse": reparse}}}},
        tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last},
    )


# tables whose rows carry the time they were written: compared without those columns
STATE_COLUMNS = {
    "report_file_versions": "source_path, content_sha256, size_bytes, replaced_at IS NULL",
    "parse_log": "content_sha256, source_path, parser_version, outcome, report_year",
}


def comparable(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            table: con.execute(
                f"SELECT {STATE_COLUMNS.get(table, '*')} FROM raw.{table} ORDER BY ALL"
            ).fetchall()
            for table in STAGING_TABLES
        }


def table_rows(warehouse: Path, table: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"SELECT * FROM raw.{table} ORDER BY ALL").fetchall()


# what each report year's materialisation says of its own year (the rest is the table's, alike in all)
PER_YEAR = ("dagster/row_count", "reports")


def metadata_of(result: dg.ExecuteInProcessResult, table: str, year: str | None = None) -> dict:
    """The metadata of the asset's materialisation: of report year ``year``, or (None) what every
    year's event of a range run says alike (the year's own counts left out of a partitioned asset's)."""
    events = [
        e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey(["raw", table])
    ]
    if year is not None:
        events = [e for e in events if e.partition == year]
        assert len(events) == 1, f"{len(events)} materialisation(s) of raw/{table} for {year}"
    metadata = [{key: value.value for key, value in e.materialization.metadata.items()} for e in events]
    if year is None and events[0].partition is not None:
        metadata = [{k: v for k, v in m.items() if k not in PER_YEAR} for m in metadata]
    assert metadata and all(m == metadata[0] for m in metadata)
    return metadata[0]


def test_raw_tables_row_counts_and_types(tmp_path: Path, landing: Path, stub_parser: None) -> None:
    warehouse = tmp_path / "db" / "warehouse.duckdb"
    result = materialize_raw(warehouse, landing)
    assert result.success

    counts = {table: len(table_rows(warehouse, table)) for table in STAGING_TABLES}
    reports = 3  # a, b, sub/d; c is a duplicate of a, empty.txt is empty, notes.csv is not a report
    assert counts == {
        "report_files": 5,
        "reports": reports,
        "report_warnings": reports,
        "disclosure_facts": 2 * reports,
        "application_facts": 2 * reports,
        "appeal_facts": reports,
        "transaction_facts": reports,
        "unmapped_cells": reports,
        "rejected_files": 2,
        "report_file_versions": 5,
        "parse_log": 4,  # one row per content: c is a copy of a
        "facts_to_rebuild": reports,  # no dbt build has taken them in yet
        "report_row_counts": 7 * reports,  # the report and its six kinds of facts, each counted
        "regions": counts["regions"],
    }
    assert counts["regions"] > 3000  # every province, prefecture and county

    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in STAGING_TABLES:
            columns = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = 'raw' AND table_name = ? ORDER BY ordinal_position",
                [table],
            ).fetchall()
            assert columns == expected_columns(table), table
        assert expected_columns("reports")[7] == ("agency_aliases", "VARCHAR[]")
        assert dict(expected_columns("disclosure_facts"))["value"] == "DECIMAL(20,6)"
        rejected = dict(
            con.execute(
                "SELECT regexp_extract(source_path, '[^/]+$'), error_code FROM raw.rejected_files"
            ).fetchall()
        )
        assert rejected == {"c_copy_of_a.txt": "duplicate_content", "empty.txt": "empty"}
        url = con.execute("SELECT url FROM raw.reports WHERE source_path LIKE '%d.htm'").fetchone()[0]
        assert url == "https://example.gov.cn/d.htm"
        assert con.execute("SELECT count(*) FROM raw.report_files WHERE has_sidecar").fetchone()[0] == 1

    assert metadata_of(result, "report_files")["dagster/row_count"] == 5
    assert metadata_of(result, "report_files")["skipped_non_report_files"] == 1
    assert metadata_of(result, "rejected_files")["rejects_by_error_code"] == {
        "duplicate_content": 1,
        "empty": 1,
    }
    assert metadata_of(result, "reports")["rows_all_years"] == reports
    assert metadata_of(result, "regions")["dagster/row_count"] == counts["regions"]
    # each report year says its own rows: a and sub/d are 2021's reports, b is 2019's, 2010 has none
    for table, per_report in (("reports", 1), ("disclosure_facts", 2), ("application_facts", 2)):
        for year, year_reports in (("2021", 2), ("2019", 1), ("2010", 0)):
            year_metadata = metadata_of(result, table, year)
            assert year_metadata["reports"] == year_reports, (table, year)
            assert year_metadata["dagster/row_count"] == per_report * year_reports, (table, year)
            assert year_metadata["rows_all_years"] == per_report * reports, (table, year)


def test_rerun_is_idempotent_and_releases_the_file(tmp_path: Path, landing: Path, stub_parser: None) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    assert materialize_raw(warehouse, landing).success
    first = comparable(warehouse)
    again = materialize_raw(warehouse, landing)
    assert again.success
    assert comparable(warehouse) == first
    assert metadata_of(again, "report_files")["files_hashed"] == 0  # size and mtime unchanged: not read
    assert metadata_of(again, "reports")["files_parsed"] == 0  # same content: never parsed twice

    # another process (as dbt will be) can open the file read-write: no asset kept it open
    probe = "import duckdb, sys; duckdb.connect(sys.argv[1]).execute('CREATE TABLE raw.probe AS SELECT 1')"
    subprocess.run([sys.executable, "-c", probe, str(warehouse)], check=True, timeout=60)


def test_row_counts_of_reports_loaded_before_they_were_kept_are_counted_once(
    tmp_path: Path, landing: Path, stub_parser: None
) -> None:
    """A warehouse built before raw.report_row_counts existed: the next run counts its reports."""
    warehouse = tmp_path / "warehouse.duckdb"
    assert materialize_raw(warehouse, landing).success
    counted = table_rows(warehouse, "report_row_counts")
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "DELETE FROM raw.report_row_counts WHERE report_id IN (SELECT min(report_id) FROM raw.reports)"
        )
    again = materialize_raw(warehouse, landing)
    assert again.success
    assert metadata_of(again, "reports")["files_parsed"] == 0  # counted from the tables, nothing re-parsed
    assert table_rows(warehouse, "report_row_counts") == counted


def test_missing_landing_dir_fails_clearly(tmp_path: Path) -> None:
    result = dg.materialize(
        [report_files],
        resources={
            "warehouse": DuckDBWarehouse(path=str(tmp_path / "w.duckdb")),
            "landing": LandingDir(path=str(tmp_path / "nowhere")),
        },
        raise_on_error=False,
    )
    assert not result.success


def test_a_changed_file_replaces_its_previous_version(
    tmp_path: Path, landing: Path, stub_parser: None
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    assert materialize_raw(warehouse, landing).success
    changed = landing / "b_2019.html"
    old_sha = table_rows(warehouse, "report_files")
    changed.write_text(changed.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")
    result = materialize_raw(warehouse, landing)
    assert result.success
    assert metadata_of(result, "report_files")["files_hashed"] == 1
    assert metadata_of(result, "reports")["files_parsed"] == 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        versions = con.execute(
            "SELECT content_sha256, replaced_at IS NOT NULL FROM raw.report_file_versions"
            " WHERE source_path LIKE '%/b_2019.html' ORDER BY first_seen_at"
        ).fetchall()
        [(current_sha,)] = con.execute(
            "SELECT content_sha256 FROM raw.reports WHERE source_path LIKE '%/b_2019.html'"
        ).fetchall()
    assert len(versions) == 2 and versions[0][1] and not versions[1][1]  # the old one traceable, replaced
    assert versions[1][0] == current_sha != versions[0][0]
    assert len(table_rows(warehouse, "reports")) == 3 and old_sha != table_rows(warehouse, "report_files")


def test_backfill_of_one_year_reparses_only_that_year(
    tmp_path: Path, landing: Path, stub_parser: None
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    assert materialize_raw(warehouse, landing).success
    before = comparable(warehouse)
    result = materialize_raw(warehouse, landing, reparse=True, years=("2021", "2021"))
    assert result.success
    assert metadata_of(result, "reports")["files_parsed"] == 3  # a, its copy c, and sub/d: not b (2019)
    assert comparable(warehouse) == before  # deleted and inserted again: the same rows


def test_a_new_copy_of_a_loaded_report_is_its_duplicate(
    tmp_path: Path, landing: Path, stub_parser: None
) -> None:
    """Only the new file is parsed; the report already loaded with that content keeps it."""
    warehouse = tmp_path / "warehouse.duckdb"
    assert materialize_raw(warehouse, landing).success
    (landing / "zz_copy_of_b.html").write_bytes((landing / "b_2019.html").read_bytes())
    result = materialize_raw(warehouse, landing)
    assert result.success
    assert metadata_of(result, "reports")["files_parsed"] == 1
    assert metadata_of(result, "rejected_files")["rejects_by_error_code"] == {"duplicate_content": 1}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        [(reported,)] = con.execute(
            "SELECT source_path FROM raw.reports WHERE content_sha256 ="
            " (SELECT content_sha256 FROM raw.rejected_files WHERE source_path LIKE '%zz_copy_of_b.html')"
        ).fetchall()
    assert reported.endswith("/b_2019.html")
