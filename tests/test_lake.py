"""The staging lake: shards by content hash, Parquet per (table, report year, bucket), same rows
whether one process parses everything or a pool parses the shards."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingest.discover import discover_files
from ingest.frames import Rows, build_frames
from ingest.lake import LAKE_TABLES, NO_YEAR, bucket_of, parse_shard, plan_shards, run_shards
from ingest.pipeline import parse_files

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "reports"
PARSED_AT = dt.datetime(2026, 2, 5, 6, 0, tzinfo=dt.UTC)
COMPARED = ("reports", "application_facts", "disclosure_facts", "appeal_facts", "rejected_files")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """80 generated reports (enough for the pool) plus a copy of one and a file that is no report."""
    landing = tmp_path_factory.mktemp("corpus")
    subprocess.run(
        [sys.executable, "-m", "synthetic", "--n", "80", "--seed", "5", "--out", str(landing)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    first = sorted(landing.rglob("*.html"))[0]
    (landing / "zz_copy.html").write_bytes(first.read_bytes())
    (landing / "zz_notes.txt").write_text("会议纪要\n", encoding="utf-8")
    return landing


def lake_rows(lake: Path, table: str) -> list[tuple]:
    files = sorted(str(p) for p in (lake / table).rglob("*.parquet"))
    if not files:
        return []
    return duckdb.sql(f"SELECT * FROM read_parquet({files!r}, hive_partitioning = false)").fetchall()


def test_copies_of_one_content_share_a_shard(corpus: Path, tmp_path: Path) -> None:
    files = discover_files(corpus).files
    shards = plan_shards(files, {}, tmp_path, PARSED_AT, workers=2)
    assert len(shards) >= 8  # at least SHARDS_PER_WORKER per worker
    assert sorted(f.source_path for s in shards for f in s.files) == sorted(f.source_path for f in files)
    for shard in shards:
        assert {bucket_of(f.content_sha256, shard.buckets) for f in shard.files} == {shard.bucket}


def test_a_shard_writes_what_the_parser_reads(corpus: Path, tmp_path: Path) -> None:
    """One shard holding everything writes exactly the frames the in-process parse builds."""
    files = discover_files(corpus).files
    [shard] = plan_shards(files, {}, tmp_path, PARSED_AT, workers=1)
    result = parse_shard(shard)
    frames = build_frames([], parse_files(files))
    for table in COMPARED:
        assert sorted(lake_rows(tmp_path, table), key=repr) == sorted(frames[table].rows(), key=repr), table
        assert result.rows[table] == len(frames[table])
    assert result.rejects["duplicate_content"] == 1
    assert result.rejects["not_a_report"] == 1


def test_partitions_are_report_year_and_bucket(corpus: Path, tmp_path: Path) -> None:
    files = discover_files(corpus).files
    [shard] = plan_shards(files, {}, tmp_path, PARSED_AT, workers=1)
    parse_shard(shard)
    for table in ("reports", "application_facts"):
        found = duckdb.sql(
            f"SELECT DISTINCT report_year, bucket FROM read_parquet('{tmp_path}/{table}/*/*/*.parquet',"
            " hive_partitioning = true) ORDER BY 1"
        ).fetchall()
        years = duckdb.sql(
            f"SELECT DISTINCT report_year FROM read_parquet('{tmp_path}/reports/*/*/*.parquet') ORDER BY 1"
        ).fetchall()
        assert found == [(year, 0) for (year,) in years]
        assert len(years) >= 5  # the generator spreads reports over 2016–2025
    assert list((tmp_path / "rejected_files").iterdir()) == [
        tmp_path / "rejected_files" / f"report_year={NO_YEAR}"
    ]


def test_a_pool_of_workers_writes_the_same_rows(corpus: Path, tmp_path: Path) -> None:
    files = discover_files(corpus).files
    one, pool = tmp_path / "one", tmp_path / "pool"
    list(run_shards(plan_shards(files, {}, one, PARSED_AT, workers=1), workers=1))
    results = list(run_shards(plan_shards(files, {}, pool, PARSED_AT, workers=2), workers=2))
    assert len(results) > 1
    for table in LAKE_TABLES:
        assert sorted(lake_rows(one, table), key=repr) == sorted(lake_rows(pool, table), key=repr), table


def test_a_known_report_makes_its_copy_a_duplicate(corpus: Path, tmp_path: Path) -> None:
    """``reported`` (hashes loaded by an earlier run) reaches the shard that holds the hash."""
    files = discover_files(corpus).files
    [copy] = [f for f in files if f.source_path.endswith("zz_copy.html")]
    rest = [f for f in files if f.content_sha256 != copy.content_sha256 or f is copy]
    shards = plan_shards(rest, {copy.content_sha256: "/earlier/run.html"}, tmp_path, PARSED_AT, 2)
    [holder] = [s for s in shards if s.reported]
    assert copy in holder.files
    result = parse_shard(holder)
    assert result.rejects == {"duplicate_content": 1}
    [(message,)] = duckdb.sql(
        f"SELECT error_message FROM read_parquet('{tmp_path}/rejected_files/*/*/*.parquet')"
    ).fetchall()
    assert "/earlier/run.html" in message


def test_a_parse_makes_no_reference_cycles_and_restores_the_collector() -> None:
    """Why a shard may parse with the collector paused: nothing it builds needs the collector."""
    import gc

    from ingest.pipeline import collector_paused

    files = discover_files(SAMPLES).files  # every shape, reports and rejections
    assert gc.isenabled()
    while gc.collect():  # what earlier tests left (finalisers of a collection can leave more)
        pass
    with collector_paused():
        assert not gc.isenabled()
        rows = Rows()
        for outcome in parse_files(files):
            rows.add(outcome)
        del outcome, rows
        assert gc.collect() == 0  # no object the parse left is reachable only through a cycle
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a parse that fails")
    assert gc.isenabled()


class KillsItsWorker:
    """A task that ends the worker process unpickling it, as the kernel's OOM killer would."""

    def __reduce__(self):
        import os

        return (os._exit, (3,))


def test_a_worker_that_dies_fails_the_parse_instead_of_hanging() -> None:
    import signal
    from concurrent.futures.process import BrokenProcessPool

    def hung(signum, frame):
        raise AssertionError("run_shards waited for ever on a dead worker")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    try:
        with pytest.raises(BrokenProcessPool):
            list(run_shards([KillsItsWorker(), KillsItsWorker()], workers=2))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_workers_run_the_shards_without_the_parents_main_module(corpus: Path, tmp_path: Path) -> None:
    """Spawned workers import the parent's main module again when it is a script (the ``dagster``
    CLI's imports: ~1 s a worker), not when it is a package's ``__main__``: ``make run`` starts
    Dagster as ``python -m dagster`` (through ``dagster_project.run_console``), and a parse run
    from such a parent runs no main twice; the parent's output and exit status come through."""
    from dagster_project.materialize import command

    assert command()[:4] == [sys.executable, "-m", "dagster_project.run_console", "dagster"]
    repo = Path(__file__).resolve().parents[1]
    marker = tmp_path / "main_imported"
    package = tmp_path / "parent"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "__main__.py").write_text(
        f"""
import sys
with open({str(marker)!r}, "a") as out:
    out.write(__name__ + "\\n")
sys.path.insert(0, {str(repo)!r})
if __name__ == "__main__":
    import datetime as dt
    from pathlib import Path
    from ingest.discover import discover_files
    from ingest.lake import plan_shards, run_shards
    files = discover_files(Path({str(corpus)!r})).files
    tasks = plan_shards(files, {{}}, Path({str(tmp_path / "lake")!r}), dt.datetime(2026, 2, 5), workers=2)
    print(sum(result.files for result in run_shards(tasks, workers=2)), len(files), sys.argv[1:])
    sys.exit(3)
""",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(repo)}
    done = subprocess.run(
        [sys.executable, "-m", "dagster_project.run_console", "parent", "--an", "arg"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 3, done.stderr
    parsed, registered, args = done.stdout.split(maxsplit=2)
    assert parsed == registered and int(parsed) > 80
    assert args.strip() == "['--an', 'arg']"
    assert marker.read_text(encoding="utf-8").splitlines() == ["__main__"]
