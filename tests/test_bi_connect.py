"""The connection recipes of docs/bi-connect.md, run for real against a published snapshot of the
samples: SQLAlchemy over duckdb_engine (read-only, as a SQL client or BI server connects), DuckDB,
and polars on the Parquet files (flat, and Hive-partitioned folders); and SQLAlchemy reading the
snapshot while a real run (make run's command) writes the warehouse and publishes a new one."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
import sqlalchemy as sa
from conftest import REPO_ROOT, cli_command, quiet_env

pytestmark = pytest.mark.e2e

# the labelled question of docs/bi-connect.md: requests withheld, by reason, all applicants
WITHHELD = """
    SELECT o.outcome_zh, o.outcome_en, sum(f.value) AS requests
    FROM marts.fct_applications f
    JOIN marts.dim_outcome o USING (outcome_code)
    WHERE f.applicant_type = 'total' AND o.outcome_group = 'denied' AND f.source_method = 'table'
    GROUP BY o.outcome_zh, o.outcome_en, o.sort_order
    ORDER BY o.sort_order
"""


def engine_for(published: Path) -> sa.Engine:
    """docs/bi-connect.md, "SQLAlchemy": read-only, a connection per checkout (sees each new snapshot)."""
    return sa.create_engine(
        f"duckdb:///{published / 'warehouse.duckdb'}",
        connect_args={"read_only": True},
        poolclass=sa.pool.NullPool,
    )


def mart(parquet: Path, schema: str, table: str) -> pl.LazyFrame:
    """docs/bi-connect.md, "polars": a table's Parquet file, or its Hive-partitioned folder."""
    single = parquet / schema / f"{table}.parquet"
    if single.is_file():
        return pl.scan_parquet(single)
    return pl.scan_parquet(parquet / schema / table / "**" / "*.parquet", hive_partitioning=True)


@pytest.fixture(scope="module")
def published(samples_published: dict[str, Path]) -> Path:
    return samples_published["published"]


@pytest.fixture(scope="module")
def withheld(published: Path) -> list[tuple]:
    """The answer of DuckDB itself on the snapshot, which every recipe must give: the eight reasons
    of (三)不予公开 in the template's order, labelled."""
    with duckdb.connect(str(published / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(WITHHELD).fetchall()
    assert [zh for zh, _, _ in rows][3:5] == ["保护第三方合法权益", "属于三类内部事务信息"]
    assert len(rows) == 8 and sum(n for _, _, n in rows) > 0
    return rows


def test_sqlalchemy_reads_the_snapshot_read_only(published: Path, withheld: list[tuple]) -> None:
    engine = engine_for(published)
    try:
        with engine.connect() as con:
            assert [tuple(row) for row in con.execute(sa.text(WITHHELD))] == withheld
            label = con.execute(
                sa.text("SELECT outcome_zh FROM marts.dim_outcome WHERE outcome_code = :code"),
                {"code": "denied_third_party"},
            ).scalar_one()
            assert label == "保护第三方合法权益"
        inspector = sa.inspect(engine)  # what a SQL client's or Superset's table browser lists
        assert {"dim_outcome", "dim_measure", "fct_applications"} <= set(inspector.get_table_names("marts"))
        columns = {c["name"] for c in inspector.get_columns("dim_outcome", schema="marts")}
        assert {"outcome_code", "outcome_zh", "outcome_en", "gb2021_label"} <= columns
        with engine.connect() as con, pytest.raises(sa.exc.DBAPIError, match="read-only"):
            con.execute(sa.text("CREATE TABLE marts.scratch (x INTEGER)"))
    finally:
        engine.dispose()


def test_polars_reads_the_parquet_files(published: Path, withheld: list[tuple]) -> None:
    parquet = published / "parquet"
    facts = mart(parquet, "marts", "fct_applications")
    outcomes = mart(parquet, "marts", "dim_outcome")
    answer = (
        facts.filter((pl.col("applicant_type") == "total") & (pl.col("source_method") == "table"))
        .join(outcomes, on="outcome_code")
        .filter(pl.col("outcome_group") == "denied")
        .group_by("outcome_zh", "outcome_en", "sort_order")
        .agg(pl.col("value").sum().alias("requests"))
        .sort("sort_order")
        .select("outcome_zh", "outcome_en", "requests")
        .collect()
    )
    assert [(zh, en, Decimal(n)) for zh, en, n in answer.iter_rows()] == withheld


def test_polars_and_duckdb_read_hive_partitioned_folders(
    published: Path, withheld: list[tuple], tmp_path: Path
) -> None:
    """A fact mart written as parquet/<schema>/<table>/report_year=<Y>/*.parquet (contract §2) reads
    the same, through the same recipes."""
    parquet = tmp_path / "parquet"
    (parquet / "marts").mkdir(parents=True)
    shutil.copyfile(published / "parquet/marts/dim_outcome.parquet", parquet / "marts/dim_outcome.parquet")
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT f.*, r.report_year FROM '{published}/parquet/marts/fct_applications.parquet' f"
            f" JOIN '{published}/parquet/marts/dim_report.parquet' r USING (report_id))"
            f" TO '{parquet}/marts/fct_applications' (FORMAT parquet, PARTITION_BY (report_year))"
        )
        years = [
            year
            for (year,) in con.execute(
                f"SELECT DISTINCT report_year FROM '{parquet}/marts/fct_applications/**/*.parquet' ORDER BY 1"
            ).fetchall()
        ]
        assert len(years) >= 3  # the samples' reports span several years
        assert sorted(p.name for p in (parquet / "marts/fct_applications").iterdir()) == [
            f"report_year={year}" for year in years
        ]
        # DuckDB's recipe: read_parquet with hive_partitioning
        rows = con.execute(
            WITHHELD.replace(
                "marts.fct_applications",
                f"read_parquet('{parquet}/marts/fct_applications/**/*.parquet', hive_partitioning = true)",
            ).replace("marts.dim_outcome", f"'{parquet}/marts/dim_outcome.parquet'")
        ).fetchall()
        assert rows == withheld
    facts = mart(parquet, "marts", "fct_applications")
    assert "report_year" in facts.collect_schema()
    by_year = facts.group_by("report_year").agg(pl.len()).sort("report_year").collect()
    assert by_year["report_year"].to_list() == years


READ = """
    SELECT (SELECT count(*) FROM marts.dim_report) AS reports,
           (SELECT count(*) FROM marts.fct_applications) AS facts,
           (SELECT count(*) FROM marts.fct_applications JOIN marts.dim_outcome USING (outcome_code)
              JOIN marts.dim_report USING (report_id)) AS labelled
"""


def test_sqlalchemy_reads_while_a_run_writes_and_publishes(
    samples_published: dict[str, Path], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A BI server keeps querying the published snapshot through SQLAlchemy while make run's command
    parses a new report, rebuilds the warehouse and publishes: every read succeeds and sees one whole
    snapshot (the old or the new: each fact labelled and of a report), and the new one once published."""
    # the build's warehouse copied, the landing directory the same (a warehouse built from another one
    # would take its files for new ones); one more report in it for the run: the 婺源县 gb2021 sample
    # again as its next year's report, removed afterwards (the shared build's landing stays as built)
    root = tmp_path / "copy"
    shutil.copytree(samples_published["root"] / "data", root / "data")
    landing = samples_published["landing"]
    added = landing / "gb2021_word_export_2023.txt"
    added.write_text(
        (landing / "gb2021_word_export.txt").read_text(encoding="utf-8").replace("2022", "2023"),
        encoding="utf-8",
    )
    request.addfinalizer(lambda: added.unlink(missing_ok=True))
    published = root / "data" / "published"
    engine = engine_for(published)

    def read() -> tuple[int, int, int]:
        with engine.connect() as con:
            return tuple(con.execute(sa.text(READ)).one())

    before = read()
    assert before[1] == before[2] > 0
    env = quiet_env(root, landing, root / "data" / "warehouse.duckdb", published)
    run = subprocess.Popen(
        cli_command(), cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output: list[bytes] = []
    drain = threading.Thread(target=lambda: output.append(run.communicate()[0]))
    drain.start()
    seen: list[tuple[int, int, int]] = []
    errors: list[str] = []
    try:
        while run.poll() is None:
            try:
                seen.append(read())
            except Exception as error:  # every failed read is the finding
                errors.append(repr(error))
            time.sleep(0.05)
    finally:
        if run.poll() is None:
            run.kill()
        drain.join(timeout=60)
        engine.dispose()
    assert run.returncode == 0, b"".join(output).decode(errors="replace")[-4000:]
    after = read()
    engine.dispose()
    assert errors == []
    assert len(seen) >= 5
    assert after[0] == before[0] + 1 and after[1] > before[1] and after[1] == after[2]
    assert set(seen) <= {before, after}  # never half a snapshot
    assert seen[0] == before
