"""Publishing a snapshot, and the paths of contract §2 (pure functions, no Dagster run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project import settings
from dagster_project.warehouse import publish_warehouse


def build_warehouse(path: Path, dim_rows: int) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA raw; CREATE SCHEMA staging; CREATE SCHEMA marts; CREATE SCHEMA audit")
        con.execute(f"CREATE TABLE raw.reports AS SELECT range AS id FROM range({dim_rows})")
        con.execute("CREATE VIEW staging.stg_reports AS SELECT * FROM raw.reports")
        con.execute(
            "CREATE TABLE marts.dim_report AS SELECT id, ['a', 'b'] AS aliases FROM staging.stg_reports"
        )
        con.execute("CREATE TABLE marts.fct_x AS SELECT 1.5::DECIMAL(20, 6) AS value")
        con.execute("CREATE TABLE audit.rejected_files AS SELECT 'x.txt' AS source_path WHERE false")


def test_publish_snapshot_and_parquet(tmp_path: Path) -> None:
    warehouse, published = tmp_path / "warehouse.duckdb", tmp_path / "pub"
    build_warehouse(warehouse, 3)

    publication = publish_warehouse(warehouse, published)

    assert publication.tables == {"audit.rejected_files": 0, "marts.dim_report": 3, "marts.fct_x": 1}
    assert sorted(p.relative_to(published).as_posix() for p in published.rglob("*") if p.is_file()) == [
        "parquet/audit/rejected_files.parquet",
        "parquet/marts/dim_report.parquet",
        "parquet/marts/fct_x.parquet",
        "warehouse.duckdb",
    ]
    with duckdb.connect(str(published / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.dim_report").fetchone()[0] == 3
        first = con.execute("SELECT aliases FROM marts.dim_report ORDER BY id LIMIT 1").fetchone()[0]
        assert first == ["a", "b"]
        # for BI users: the marts and the audit, no raw file paths or staging internals (contract §2)
        schemas = con.execute(
            "SELECT DISTINCT schema_name FROM duckdb_tables() UNION SELECT DISTINCT schema_name"
            " FROM duckdb_views() WHERE NOT internal ORDER BY 1"
        ).fetchall()
        assert schemas == [("audit",), ("marts",)]
        parquet = con.execute(
            f"SELECT sum(value) FROM read_parquet('{published}/parquet/marts/fct_x.parquet')"
        ).fetchone()[0]
        assert float(parquet) == 1.5


def test_publish_replaces_atomically_and_drops_stale_parquet(tmp_path: Path) -> None:
    warehouse, published = tmp_path / "warehouse.duckdb", tmp_path / "pub"
    build_warehouse(warehouse, 3)
    publish_warehouse(warehouse, published)
    reader = duckdb.connect(str(published / "warehouse.duckdb"), read_only=True)  # a BI tool holding it open

    with duckdb.connect(str(warehouse)) as con:
        con.execute("DROP TABLE marts.fct_x")
        con.execute("INSERT INTO raw.reports SELECT 99")
        con.execute("CREATE OR REPLACE TABLE marts.dim_report AS SELECT id FROM raw.reports")
    publication = publish_warehouse(warehouse, published)

    assert reader.execute("SELECT count(*) FROM marts.dim_report").fetchone()[0] == 3  # old snapshot intact
    reader.close()
    assert [p.name for p in publication.removed_parquet] == ["fct_x.parquet"]
    assert not (published / "parquet" / "marts" / "fct_x.parquet").exists()
    assert not [p for p in published.rglob("*") if p.name.startswith(".")]  # no temporary files left
    with duckdb.connect(str(published / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.dim_report").fetchone()[0] == 4
        parquet = published / "parquet" / "marts" / "dim_report.parquet"
        assert con.execute(f"SELECT count(*) FROM read_parquet('{parquet}')").fetchone()[0] == 4


def test_publish_takes_in_what_only_the_wal_holds(tmp_path: Path) -> None:
    """A run killed before DuckDB checkpointed leaves changes in the WAL: the copy has them too."""
    warehouse, published = tmp_path / "warehouse.duckdb", tmp_path / "pub"
    build_warehouse(warehouse, 3)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("PRAGMA disable_checkpoint_on_shutdown")
        con.execute("SET checkpoint_threshold = '1GB'")
        con.execute("INSERT INTO marts.dim_report SELECT 7, ['c']")
    assert Path(f"{warehouse}.wal").is_file()

    publication = publish_warehouse(warehouse, published)

    assert publication.tables["marts.dim_report"] == 4
    assert not (published / "warehouse.duckdb.wal").exists()
    with duckdb.connect(str(published / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.dim_report").fetchone()[0] == 4
        parquet = published / "parquet" / "marts" / "dim_report.parquet"
        assert con.execute(f"SELECT count(*) FROM read_parquet('{parquet}')").fetchone()[0] == 4


def test_publish_reads_the_warehouse_read_only(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    build_warehouse(warehouse, 1)
    with duckdb.connect(str(warehouse), read_only=True):  # another reader is fine
        publish_warehouse(warehouse, tmp_path / "pub")


def test_paths_default_to_the_repo_and_resolve_relative_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in settings.ENV_DEFAULTS:
        monkeypatch.delenv(name, raising=False)
    assert settings.warehouse_path() == settings.REPO_ROOT / "data" / "warehouse.duckdb"
    assert settings.landing_dir() == settings.REPO_ROOT / "samples" / "reports"
    assert settings.publish_dir() == settings.REPO_ROOT / "data" / "published"

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WAREHOUSE_LANDING_DIR", "../shared/seeds")
    assert settings.landing_dir() == tmp_path / ".." / "shared" / "seeds"
    assert settings.landing_dir().is_absolute()
    monkeypatch.setenv("WAREHOUSE_PATH", os.fspath(tmp_path / "w.duckdb"))
    assert settings.warehouse_path() == tmp_path / "w.duckdb"


# a BI server: one read-only connection, opened once and kept; answers each SQL line on stdin
LONG_LIVED_READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
for sql in sys.stdin:
    print(con.execute(sql).fetchone()[0], flush=True)
"""


def test_a_new_snapshot_is_seen_by_new_connections_not_by_open_ones(tmp_path: Path) -> None:
    """What docs/published-snapshot.md says. A connection opened before a publish keeps reading
    the snapshot it opened (the replaced file lives on while it is open), and so does a SQLAlchemy
    pool (``pool_pre_ping`` finds its connection alive), as does a new connection of that same
    process while one of its connections is open (DuckDB hands it the database already open). A
    new connection of a process that holds none, ``duckdb.connect`` or an engine with ``NullPool``,
    reads the new snapshot, whatever other processes keep open. Parquet is read anew each query."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    warehouse, published = tmp_path / "warehouse.duckdb", tmp_path / "pub"
    build_warehouse(warehouse, 3)
    publish_warehouse(warehouse, published)
    snapshot = published / "warehouse.duckdb"
    count = "SELECT count(*) FROM marts.dim_report"
    parquet = published / "parquet" / "marts" / "dim_report.parquet"
    count_parquet = f"SELECT count(*) FROM read_parquet('{parquet}')"
    url, read_only = f"duckdb:///{snapshot}", {"read_only": True}
    pooled = create_engine(url, connect_args=read_only, pool_pre_ping=True)  # SQLAlchemy's default pool
    per_query = create_engine(url, connect_args=read_only, poolclass=NullPool)  # the documented engine
    with subprocess.Popen(
        [sys.executable, "-c", LONG_LIVED_READER, str(snapshot)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as long_lived:
        try:
            assert ask(long_lived, count) == 3
            with pooled.connect() as con:  # returned to the pool, which keeps it open
                assert con.execute(text(count)).scalar() == 3

            with duckdb.connect(str(warehouse)) as con:
                con.execute("INSERT INTO marts.dim_report VALUES (3, ['c'])")
            publish_warehouse(warehouse, published)

            # what was open before the publish still reads the old snapshot
            assert ask(long_lived, count) == 3
            with pooled.connect() as con:
                assert con.execute(text(count)).scalar() == 3
                with per_query.connect() as con2:  # this process has the old database open: it gets that
                    assert con2.execute(text(count)).scalar() == 3
            assert ask(long_lived, count_parquet) == 4  # Parquet: every query opens the file anew

            pooled.dispose()  # a reconnect: this process now holds no connection to the snapshot
            with per_query.connect() as con:
                assert con.execute(text(count)).scalar() == 4
            with duckdb.connect(str(snapshot), read_only=True) as fresh:
                assert fresh.execute(count).fetchone()[0] == 4
                assert fresh.execute("SELECT max(id) FROM marts.dim_report").fetchone()[0] == 3  # the new row
            with per_query.connect() as con:
                ids = con.execute(text("SELECT list(id ORDER BY id) FROM marts.dim_report")).scalar()
                assert ids == [0, 1, 2, 3]
            assert ask(long_lived, count) == 3  # all the while, the long-lived connection: the old one
        finally:
            pooled.dispose()
            per_query.dispose()
            long_lived.kill()


def ask(reader: subprocess.Popen[str], sql: str) -> int:
    assert reader.stdin is not None and reader.stdout is not None
    reader.stdin.write(sql + "\n")
    reader.stdin.flush()
    return int(reader.stdout.readline())
