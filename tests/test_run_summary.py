"""What `make run` prints (dagster_project.run_summary): the console it filters, the summary it
ends on, and the Dagster run it reads that summary from.

The real `make run` on every seed is tests/test_e2e.py's; here the parts, each on real inputs:
lines copied from a run's output, DuckDB tables, a Dagster instance that ran assets, and the
Dagster process's console (file descriptors, a child process writing to them).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import quiet_env

from dagster_project import materialize
from dagster_project.run_summary import (
    SUMMARY_ENV,
    WIDTH,
    ConsoleFilter,
    Request,
    RunFacts,
    WarehouseCounts,
    find_run,
    run_facts,
    summary_lines,
    take_request,
    warehouse_counts,
)
from dagster_project.runs import NEW_FILES_ONLY
from dagster_project.settings import REPO_ROOT

RUN = "__ASSET_JOB - 1534a63f-16e9-4578-9af3-f3fec752eab3"
DBT = "`/w/.venv/bin/dbt-offline --no-use-colors build --no-write-json --full-refresh --select fqn:*`."


def record(time: str, level: str, text: str) -> str:
    """A line of Dagster's console logger."""
    return f"2026-12-04 {time} +0000 - dagster - {level} - {RUN} - {text}"


# stderr and stdout of a run (Dagster's records, dbt's output echoed by dagster-dbt), shortened
STDERR = "\n".join(
    [
        record("20:28:38", "DEBUG", '9711 - RUN_START - Started execution of run for "__ASSET_JOB".'),
        record("20:28:38", "INFO", "registered_files - registered 6 file(s) of the listing taken now"),
        record(
            "20:28:38", "DEBUG", '9711 - parsed_reports - STEP_START - Started execution of step "parsed".'
        ),
        record("20:28:39", "INFO", "parsed_reports - parsed 6 file(s) in 0.6 s: 5 report(s), 1 rejected"),
        record(
            "20:28:40",
            "INFO",
            "dbt_warehouse - A dbt subsetted execution is not being performed. Using the default dbt"
            " selection arguments `['--select', 'fqn:*']`.",
        ),
        record(
            "20:28:41",
            "INFO",
            "dbt_warehouse - Copying `/w/dbt/target/partial_parse.msgpack` to"
            " `/w/dbt/target/x/partial_parse.msgpack` to take advantage of partial parsing.",
        ),
        record("20:28:41", "INFO", f"dbt_warehouse - Running dbt command: {DBT}"),
        record("20:28:54", "INFO", f"dbt_warehouse - Finished dbt command: {DBT}"),
        record(
            "20:30:09", "ERROR", '19062 - dbt_yearly - STEP_FAILURE - Execution of step "dbt_yearly" failed.'
        ),
        """
dagster._core.definitions.events.Failure: the facts are older than their reports

Stack Trace:
  File "/w/.venv/lib/python3.11/site-packages/dagster/_core/execution/plan/execute_plan.py", line 243, in x
    yield from check.generator(step_events)
                  ^^^^^^^^^^^^^^

The above exception was caused by the following exception:
ValueError: boom

Stack Trace:
  File "/w/dagster_project/defs/assets/dbt.py", line 1, in dbt_yearly
    raise ValueError("boom")
""",
        record(
            "20:30:09",
            "ERROR",
            "published__warehouse - Dependencies for step published__warehouse were not executed:"
            " ['dbt_yearly'].",
        ),
        record("20:30:09", "ERROR", '19062 - RUN_FAILURE - Execution of run for "__ASSET_JOB" failed.'),
        """
dagster._core.definitions.events.Failure: the facts are older than their reports

Error: Materialization failed.
""",
    ]
)
STDOUT = """\
Running with dbt=1.11.16
Registered adapter: duckdb=1.11.1
Found 40 models, 139 data tests, 11 sources, 542 macros, 16 unit tests

Concurrency: 2 threads (target='dev')

1 of 136 START sql view model staging.stg_appeal_facts ......................... [RUN]
1 of 136 OK created sql view model staging.stg_appeal_facts .................... [OK in 0.12s]
90 of 136 PASS not_null_dim_report_report_id .................................. [PASS in 0.03s]
112 of 136 WARN 1 identity_holds__app_balance .................................. [WARN 1 in 0.06s]
113 of 136 WARN 3 relationships_dim_agency_region_code ......................... [WARN 3 in 0.05s]
114 of 136 FAIL 2 not_null_fct_applications_value .............................. [FAIL 2 in 0.05s]
115 of 136 ERROR creating sql incremental model marts.fct_appeals .............. [ERROR in 0.05s]

Finished running 1 incremental model, 12 table models in 0 hours 0 minutes and 7.40 seconds (7.40s).

Completed with 2 warnings:

Warning in test identity_holds__app_balance (models/marts/fct_identity_checks.yml)
Got 1 result, configured to warn if != 0

  See test failures:
  ----------------------------------------------------------
  select * from "w"."audit"."identity_failures__app_balance"
  ----------------------------------------------------------

Done. PASS=130 WARN=2 ERROR=1 SKIP=2 NO-OP=0 TOTAL=136
a line after dbt's
"""


def shown(text: str) -> list[str]:
    console = ConsoleFilter()
    return [line for line in map(console.line, text.splitlines()) if line is not None]


def test_the_console_keeps_progress_and_errors_without_events_traces_or_dbt_nodes() -> None:
    assert shown(STDERR) == [
        "20:28:38 registered_files - registered 6 file(s) of the listing taken now",
        "20:28:39 parsed_reports - parsed 6 file(s) in 0.6 s: 5 report(s), 1 rejected",
        "20:28:41 dbt_warehouse - dbt build --full-refresh --select fqn:*",
        '20:30:09 ERROR dbt_yearly - STEP_FAILURE - Execution of step "dbt_yearly" failed.',
        "dagster._core.definitions.events.Failure: the facts are older than their reports",
        "The above exception was caused by the following exception:",
        "ValueError: boom",
        '20:30:09 ERROR RUN_FAILURE - Execution of run for "__ASSET_JOB" failed.',
    ]
    assert shown(STDOUT) == [
        "113 of 136 WARN 3 relationships_dim_agency_region_code ......................... [WARN 3 in 0.05s]",
        "114 of 136 FAIL 2 not_null_fct_applications_value .............................. [FAIL 2 in 0.05s]",
        "115 of 136 ERROR creating sql incremental model marts.fct_appeals .............. [ERROR in 0.05s]",
        "dbt done: PASS=130 WARN=2 ERROR=1 SKIP=2 NO-OP=0 TOTAL=136",
        "a line after dbt's",
    ]


def test_the_console_passes_on_what_it_does_not_know() -> None:
    """A Python traceback or warning, or any other output, is shown as it is."""
    other = 'Traceback (most recent call last):\n  File "x.py", line 1\nKeyError: 1\nx.py:3: UserWarning: y'
    assert shown(other) == other.splitlines()


# --- the summary -----------------------------------------------------------------------------------


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """The tables the summary reads, as dbt and the raw assets build them (trimmed to what it reads)."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA raw; CREATE SCHEMA marts; CREATE SCHEMA audit")
        con.execute("CREATE TABLE raw.report_files AS SELECT range AS n FROM range(7)")
        con.execute("CREATE TABLE marts.dim_report AS SELECT range AS n FROM range(4)")
        con.execute("CREATE TABLE marts.dim_agency AS SELECT range AS n FROM range(3)")  # not a fact
        con.execute("CREATE TABLE marts.fctx AS SELECT 1 AS n")  # not fct_*
        con.execute("CREATE TABLE marts.fct_applications AS SELECT range AS n FROM range(1234)")
        con.execute("CREATE TABLE marts.fct_unmapped_cells (n INTEGER)")
        con.execute(
            "CREATE TABLE audit.rejected_files AS SELECT * FROM (VALUES ('a', 'empty'), ('b', 'binary'),"
            " ('c', 'binary')) AS t(source_path, error_code)"
        )
        con.execute(
            "CREATE TABLE marts.fct_identity_checks AS SELECT * FROM (VALUES"
            " ('r1', 'app_balance', 'fail'), ('r2', 'app_balance', 'fail'), ('r1', 'appeal_sum', 'fail'),"
            " ('r3', 'app_balance', 'pass'), ('r3', 'appeal_sum', 'not_assessable'))"
            " AS t(report_id, rule_code, status)"
        )
    return path


def counts_of(path: Path) -> WarehouseCounts:
    with duckdb.connect(str(path), read_only=True) as con:
        return warehouse_counts(con)


def test_warehouse_counts(warehouse: Path) -> None:
    assert counts_of(warehouse) == WarehouseCounts(
        files=7,
        reports=4,
        rejected={"binary": 2, "empty": 1},
        facts={"fct_applications": 1234, "fct_identity_checks": 5, "fct_unmapped_cells": 0},
        identity_checks=5,
        identity_failures={"app_balance": 2, "appeal_sum": 1},
    )


def test_the_summary_of_a_run_that_succeeded(warehouse: Path) -> None:
    run = RunFacts(
        run_id="1534a63f-16e9-4578-9af3-f3fec752eab3", succeeded=True, files_parsed=3, files_skipped=2
    )
    published = Path("/data/published")
    lines = summary_lines(run, counts_of(warehouse), Path("/landing"), published, 24.06)
    assert lines == [
        "make run: done in 24.1 s",
        "  files       7 report file(s) in /landing, 3 parsed by this run; 2 other file(s) skipped (not",
        "              reports by their extension)",
        "  reports     4 in the warehouse, 3 rejected (binary 2, empty 1)",
        "  facts       fct_applications 1,234, fct_identity_checks 5, fct_unmapped_cells 0",
        "  identities  3 of 5 checks fail: app_balance 2, appeal_sum 1 (audit.identity_failures__<rule>)",
        "  published   /data/published: warehouse.duckdb and parquet/",
        "  full log    http://127.0.0.1:3000/runs/1534a63f-16e9-4578-9af3-f3fec752eab3 (make dev), or",
        "              VERBOSE=1 make run",
    ]
    assert all(len(line) <= WIDTH for line in lines)
    verbose = summary_lines(run, counts_of(warehouse), Path("/landing"), published, 24.06, verbose=True)
    assert "VERBOSE=1" not in "\n".join(verbose)  # it is the verbose run


def test_the_summary_of_a_run_that_failed(tmp_path: Path) -> None:
    published = tmp_path / "published"
    run = RunFacts(
        run_id="1534a63f-16e9-4578-9af3-f3fec752eab3",
        succeeded=False,
        failed_steps={"dbt_yearly": "Failure: the facts are older than their reports"},
        files_parsed=6,
    )
    lines = summary_lines(run, None, Path("/landing"), published, 3.0)
    assert lines[:3] == [
        "make run: FAILED after 3.0 s, in step dbt_yearly",
        "  error       dbt_yearly: Failure: the facts are older than their reports",
        "  files       /landing, 6 parsed by this run",
    ]
    text = " ".join(" ".join(lines).split())
    assert f"published nothing: {published} holds no snapshot yet" in text
    assert "full log http://127.0.0.1:3000/runs/1534a63f-16e9-4578-9af3-f3fec752eab3 (make dev)" in text
    published.mkdir()
    (published / "warehouse.duckdb").touch()
    text = " ".join(" ".join(summary_lines(run, None, Path("/landing"), published, 3.0)).split())
    assert f"published not updated: {published} keeps the last successful run's snapshot" in text
    before = summary_lines(RunFacts(run_id=None, succeeded=False), None, Path("/l"), published, 1.0)
    assert before[0] == "make run: FAILED after 1.0 s, before its run started"
    assert before[-1] == "  full log    the error above, or VERBOSE=1 make run"


# --- from the Dagster instance ---------------------------------------------------------------------


@dg.asset(key=["raw", "report_files"])
def report_files() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"skipped_non_report_files": 2})


@dg.asset(key=["raw", "reports"], deps=[report_files])
def reports() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"files_parsed": 5})


@dg.asset(deps=[reports])
def facts() -> None:
    raise dg.Failure("the facts are older than their reports")


def test_run_facts_from_the_instance(tmp_path: Path) -> None:
    """The run this process executed (not another one of the instance), its outcome, its failed
    step's error (the cause, not Dagster's wrapper), and what it parsed."""
    with dg.DagsterInstance.ephemeral() as instance:
        succeeded = dg.materialize([report_files, reports], instance=instance).run_id
        assert find_run(instance, since=0, pid=os.getpid() + 1) is None  # another process's
        assert find_run(instance, since=0, pid=os.getpid()) == succeeded
        assert run_facts(instance, succeeded, exit_status=0) == RunFacts(
            run_id=succeeded, succeeded=True, files_parsed=5, files_skipped=2
        )

        failed = dg.materialize(
            [report_files, reports, facts], instance=instance, raise_on_error=False
        ).run_id
        assert find_run(instance, since=0, pid=os.getpid()) == failed  # the newest of this process's
        assert run_facts(instance, failed, exit_status=1) == RunFacts(
            run_id=failed,
            succeeded=False,
            failed_steps={"facts": "Failure: the facts are older than their reports"},
            error="Failure: the facts are older than their reports",  # the run's failure: its step's
            files_parsed=5,
            files_skipped=2,
        )
        # an earlier run's materialisation is not this run's: no "parsed by this run"
        other = dg.materialize([report_files], instance=instance).run_id
        assert run_facts(instance, other, exit_status=0) == RunFacts(
            run_id=other, succeeded=True, files_skipped=2
        )


# --- what make run hands over --------------------------------------------------------------------


def test_the_request_make_run_hands_over_is_taken_once() -> None:
    environ = {SUMMARY_ENV: Request(started=12.5, verbose=True).env_value(), "PATH": "/bin"}
    assert take_request(environ) == Request(started=12.5, verbose=True)
    assert environ == {"PATH": "/bin"}  # not the Dagster process's children's
    assert take_request(environ) is None
    assert take_request({SUMMARY_ENV: "not json"}) is None


def test_verbose_keeps_dagsters_debug_console_and_the_default_is_info(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The run config `make run` passes: the new-files config either way; the console logger at
    INFO by default, Dagster's default (DEBUG: every event) with VERBOSE=1."""

    def config(verbose: bool) -> dict:
        args = materialize.command(verbose)
        return json.loads(args[args.index("--config-json") + 1])

    assert config(verbose=False) == {
        **NEW_FILES_ONLY,
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
    }
    assert config(verbose=True) == NEW_FILES_ONLY
    for value, loud in (("1", True), ("yes", True), ("", False), ("0", False), ("false", False)):
        monkeypatch.setenv("VERBOSE", value)
        assert materialize.verbose() is loud, value
    monkeypatch.delenv("VERBOSE")
    assert materialize.verbose() is False


@pytest.mark.parametrize("verbose", ["", "1"])
def test_make_run_hands_its_console_mode_to_the_dagster_process(tmp_path: Path, verbose: str) -> None:
    """`VERBOSE=1 make run` (the environment `make` passes on): the command it becomes keeps
    Dagster's default console (every event, DEBUG) and asks for the summary alone; by default the
    console logger is at INFO and the console filtered."""
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "report.txt").write_text("政府信息公开工作年度报告", encoding="utf-8")
    env = {**quiet_env(tmp_path, landing, tmp_path / "w.duckdb", tmp_path / "published"), "VERBOSE": verbose}
    code = (
        "import json, os, sys; from dagster_project import materialize;"
        " os.execve = lambda path, args, env: print(json.dumps([args, env[sys.argv[1]]]));"
        " materialize.main()"
    )
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code, SUMMARY_ENV], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    args, request = json.loads(done.stdout.splitlines()[-1])
    config = json.loads(args[args.index("--config-json") + 1])
    assert ("loggers" not in config) is bool(verbose)
    assert args == materialize.command(bool(verbose))
    assert take_request({SUMMARY_ENV: request}) == Request(
        started=pytest.approx(started, abs=5), verbose=bool(verbose)
    )


def test_the_dagster_process_filters_its_console_and_ends_on_the_summary(tmp_path: Path) -> None:
    """run_console, as `make run` starts it: what the module and a child it started (as Dagster's
    `tail -F` of a step's captured output) write to file descriptors 1 and 2 is filtered, in
    order, and the summary comes last, also when a child still holds the console."""
    package = tmp_path / "fake_cli"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    record = "2026-12-04 20:28:38 +0000 - dagster - {level} - " + RUN + " - {text}"
    (package / "__main__.py").write_text(
        textwrap.dedent(
            f"""
            import subprocess, sys, time
            print({record.format(level="DEBUG", text="9711 - RUN_START - started")!r}, file=sys.stderr)
            print({record.format(level="INFO", text="parsed_reports - parsed 6 file(s)")!r}, file=sys.stderr)
            sys.stdout.flush()
            child = "print('Running with dbt=1'); print('1 of 2 OK created x'); print('Done. PASS=2')"
            subprocess.run([sys.executable, "-c", child], check=True)
            # a child that outlives the run and keeps the console's pipe open
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(15)"])
            print("the end", flush=True)
            sys.exit(3)
            """
        ),
        encoding="utf-8",
    )
    env = {
        **quiet_env(tmp_path, tmp_path / "landing", tmp_path / "warehouse.duckdb", tmp_path / "published"),
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(tmp_path)]),
        SUMMARY_ENV: Request(started=time.time(), verbose=False).env_value(),
    }
    done = subprocess.run(
        [sys.executable, "-m", "dagster_project.run_console", "fake_cli"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=12,  # not the sleeping child's 15 s
    )
    assert done.returncode == 3
    lines = done.stdout.splitlines()
    assert lines[:4] == [
        "20:28:38 parsed_reports - parsed 6 file(s)",
        "dbt done: PASS=2",
        "the end",
        lines[3],
    ]
    assert lines[3].startswith("make run: FAILED after "), done.stdout  # no run in this instance
    assert all(line.startswith("  ") for line in lines[4:]), done.stdout
