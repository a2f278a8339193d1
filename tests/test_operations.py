"""Operations: partitions, the annual schedule and its catch-up, the landing-dir sensor.

Each asserts what a run would be asked for (cron, timezone, partition, config), using
Dagster's own evaluation of the definitions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from dagster_project.defs.assets.dbt import (
    build_scope,
    dbt_project_digest,
    rebuilds_years,
    record_unit_tests,
    unit_test_args,
)
from dagster_project.defs.sensors import changed_files
from dagster_project.runs import FIRST_REPORT_YEAR, NEW_FILES_ONLY, full_range, report_year_keys
from dagster_project.settings import REPO_ROOT
from dagster_project.warehouse import DuckDBWarehouse, LandingDir

SHANGHAI = ZoneInfo("Asia/Shanghai")
SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "reports"


@pytest.fixture(scope="module")
def defs(dbt_manifest: Path) -> dg.Definitions:
    from dagster_project.definitions import defs

    return defs


def test_report_years_are_the_partitions() -> None:
    keys = report_year_keys(dt.date(2027, 2, 5))
    assert keys[0] == str(FIRST_REPORT_YEAR) == "2008" and keys[-1] == "2027"
    assert full_range() == f"2008...{dt.date.today().year}"
    assert build_scope([2020], delta=False) == {"OGI_REPORT_YEARS": "2020-2020", "OGI_DELTA_TESTS": "false"}
    assert build_scope([2019, 2020, 2021], delta=False)["OGI_REPORT_YEARS"] == "2019-2021"
    assert build_scope(None, delta=True) == {"OGI_REPORT_YEARS": "", "OGI_DELTA_TESTS": "true"}


def test_a_new_files_run_rebuilds_only_what_was_parsed(tmp_path: Path) -> None:
    """make run's facts take in the re-parse queue alone, unless the dbt project changed."""
    state = tmp_path / "warehouse.duckdb.facts-state.json"
    assert rebuilds_years(NEW_FILES_ONLY, state, "abc")  # never built: everything
    state.write_text(json.dumps({"dbt_project_digest": "abc"}), encoding="utf-8")
    assert not rebuilds_years(NEW_FILES_ONLY, state, "abc")
    assert rebuilds_years(NEW_FILES_ONLY, state, "changed")  # new dbt SQL: the years again
    assert rebuilds_years({}, state, "abc")  # the dbt assets alone, or a backfill
    assert rebuilds_years({"ops": {"parsed_reports": {"config": {"reparse": True}}}}, state, "abc")
    assert len(dbt_project_digest()) == 64


def test_a_delta_skips_the_unit_tests_this_dbt_project_passed(tmp_path: Path) -> None:
    warehouse = str(tmp_path / "warehouse.duckdb")
    assert unit_test_args("dbt_warehouse", warehouse, "abc") == []  # never run: run them
    record_unit_tests("dbt_warehouse", warehouse, "abc")
    assert unit_test_args("dbt_warehouse", warehouse, "abc") == ["--exclude-resource-type", "unit_test"]
    assert unit_test_args("dbt_yearly", warehouse, "abc") == []  # each asset its own
    assert unit_test_args("dbt_warehouse", warehouse, "changed") == []  # new dbt SQL: again


def test_every_year_partitioned_asset_backfills_in_one_run(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    partitioned = {k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).is_partitioned}
    assert {
        "raw/reports",
        "raw/application_facts",
        "marts/fct_applications",
        "marts/fct_disclosures",
    } <= partitioned
    assert "marts/dim_agency" not in partitioned  # cross-year: rebuilt whole
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.is_materializable:
            assert node.backfill_policy == dg.BackfillPolicy.single_run(), key


@pytest.mark.parametrize(
    ("name", "cron", "when", "year"),
    [
        ("annual_refresh", "0 6 5 2 *", dt.datetime(2027, 2, 5, 6, 0, tzinfo=SHANGHAI), "2026"),
        ("late_publishers_catchup", "0 6 * 2,3 1", dt.datetime(2027, 3, 15, 6, 0, tzinfo=SHANGHAI), "2026"),
    ],
)
def test_schedules_refresh_the_year_just_ended(
    defs, name: str, cron: str, when: dt.datetime, year: str
) -> None:
    schedule = defs.resolve_schedule_def(name)
    assert schedule.cron_schedule == cron
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert schedule.job_name == "warehouse_refresh"
    context = dg.build_schedule_context(
        scheduled_execution_time=when, repository_def=defs.get_repository_def()
    )
    [request] = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == year
    assert request.run_config == NEW_FILES_ONLY


def cron_matches(cron: str, moment: dt.datetime) -> bool:
    """Whether a five-field cron of numbers, lists and ``*`` fires at ``moment`` (a minute)."""
    fields = cron.split()
    values = (moment.minute, moment.hour, moment.day, moment.month, moment.isoweekday() % 7)
    return all(
        field == "*" or value in {int(v) for v in field.split(",")}
        for field, value in zip(fields, values, strict=True)
    )


def test_catchup_runs_only_on_mondays_of_february_and_march(defs) -> None:
    schedule = defs.resolve_schedule_def("late_publishers_catchup")
    assert schedule.execution_timezone == "Asia/Shanghai"
    start = dt.datetime(2027, 1, 1, tzinfo=SHANGHAI)
    hours = (start + dt.timedelta(hours=n) for n in range(365 * 24))
    ticks = [moment for moment in hours if cron_matches(schedule.cron_schedule, moment)]
    assert [t.month for t in ticks] == [2] * 4 + [3] * 5
    assert {t.weekday() for t in ticks} == {0} and {t.hour for t in ticks} == {6}


def test_changed_files() -> None:
    before = {"a": (1, 1), "b": (2, 2), "gone": (3, 3)}
    now = {"a": (1, 1), "b": (2, 9), "new": (4, 4)}
    assert changed_files(now, before) == ["b", "gone", "new"]
    assert changed_files(before, before) == []


def test_sensor_requests_only_the_years_of_what_changed(defs, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    sensor = defs.resolve_sensor_def("landing_dir_sensor")
    resources = {
        "warehouse": DuckDBWarehouse(path=str(tmp_path / "w.duckdb")),
        "landing": LandingDir(path=str(landing)),
    }

    def tick(cursor: str | None = None):
        with dg.build_sensor_context(
            resources=resources, cursor=cursor, instance=dg.DagsterInstance.ephemeral(), definitions=defs
        ) as context:
            return sensor.evaluate_tick(context)

    assert tick().skip_message.startswith("no change among 0")
    for name in ("gb2019_page_copy.txt", "gb2021_word_export.txt"):  # reports for 2020 and 2022
        (landing / name).write_bytes((SAMPLES / name).read_bytes())
    requests = tick().run_requests
    assert sorted(r.partition_key for r in requests) == ["2020", "2022"]
    assert all(r.run_config == NEW_FILES_ONLY for r in requests)
    assert len({r.run_key for r in requests}) == 2

    # once registered, an unchanged directory asks for nothing; touching one file asks for its year
    import duckdb

    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("CREATE SCHEMA raw")
        con.execute(
            "CREATE TABLE raw.report_files (source_path VARCHAR, size_bytes BIGINT, modified_ns BIGINT)"
        )
        for path in landing.iterdir():
            stat = path.stat()
            con.execute(
                "INSERT INTO raw.report_files VALUES (?, ?, ?)", [str(path), stat.st_size, stat.st_mtime_ns]
            )
    assert tick().skip_message.startswith("no change among 2")
    target = landing / "gb2021_word_export.txt"
    os.utime(target, ns=(target.stat().st_atime_ns, target.stat().st_mtime_ns + 10**9))
    [request] = tick().run_requests
    assert request.partition_key == "2022"


def test_make_run_says_nothing_to_do_when_nothing_changed(tmp_path: Path) -> None:
    """The state a successful run records matches only the same files and the same code."""
    from dagster_project import freshness

    landing, warehouse, published = tmp_path / "landing", tmp_path / "w.duckdb", tmp_path / "pub"
    landing.mkdir()
    published.mkdir()
    report = landing / "a.txt"
    report.write_text("某市某局2020年政府信息公开工作年度报告", encoding="utf-8")
    warehouse.write_bytes(b"")
    (published / "warehouse.duckdb").write_bytes(b"")
    assert not freshness.unchanged(landing, warehouse, published)  # no run recorded yet

    freshness.forget(warehouse, landing)  # a run starts …
    assert not freshness.unchanged(landing, warehouse, published)  # … and until it succeeds: work to do
    freshness.record(landing, warehouse, published)  # it succeeded
    assert freshness.unchanged(landing, warehouse, published)

    (landing / "a.txt.meta.json").write_text('{"agency_name": "某市某局"}', encoding="utf-8")
    assert not freshness.unchanged(landing, warehouse, published)  # a sidecar appeared
    freshness.forget(warehouse, landing)
    freshness.record(landing, warehouse, published)
    os.utime(report, ns=(report.stat().st_atime_ns, report.stat().st_mtime_ns + 10**9))
    assert not freshness.unchanged(landing, warehouse, published)  # a file changed


def test_a_run_records_the_landing_digest_make_run_handed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make run` hands its digest to the process it becomes; no other process or landing dir takes it."""
    from dagster_project import freshness

    landing, other, warehouse = tmp_path / "landing", tmp_path / "other", tmp_path / "w.duckdb"
    for folder in (landing, other):
        folder.mkdir()
        (folder / "a.txt").write_text(folder.name, encoding="utf-8")
    (landing / "a.txt.meta.json").write_text("{}", encoding="utf-8")
    digest = freshness.landing_digest(landing)
    assert digest != freshness.landing_digest(other)
    # the same digest as a walk with a Path and a stat() per file: reports, then sidecars
    from ingest.discover import REPORT_EXTENSIONS, list_files

    paths = sorted(p for p in landing.iterdir() if p.is_file())
    reports = [p for p in paths if p.suffix.lower() in REPORT_EXTENSIONS]
    ordered = reports + [p for p in paths if p.name.endswith(".meta.json")]
    lines = [f"{p}\0{p.stat().st_size}\0{p.stat().st_mtime_ns}\n" for p in ordered]
    assert digest == hashlib.sha256("".join(lines).encode()).hexdigest()

    (landing / "notes.csv").write_text("not a report", encoding="utf-8")
    listing = list_files(landing)
    monkeypatch.setenv(
        freshness.DIGEST_ENV, freshness.handed_over(landing, "handed", listing)[freshness.DIGEST_ENV]
    )
    assert freshness.digest_handed_over(landing) == "handed"
    assert freshness.digest_handed_over(other) is None
    assert freshness.listing_handed_over(other) is None
    assert freshness.listing_handed_over(landing) == listing  # every column, the skipped file too
    assert freshness.listing_handed_over(landing) is None  # read once: the file is gone
    freshness.forget(warehouse, landing)
    registered = {"landing_dir": str(landing), "landing_digest": "handed"}
    assert json.loads(freshness.registered_path(warehouse).read_text("utf-8")) == registered

    inherited = json.dumps({"pid": os.getpid() + 1, "landing_dir": str(landing), "digest": "handed"})
    monkeypatch.setenv(freshness.DIGEST_ENV, inherited)  # a variable left from another process
    assert freshness.digest_handed_over(landing) is None
    freshness.forget(warehouse, landing)
    registered = {"landing_dir": str(landing), "landing_digest": digest}
    assert json.loads(freshness.registered_path(warehouse).read_text("utf-8")) == registered


def test_make_run_builds_its_command_without_importing_dagster() -> None:
    """`make run` becomes the Dagster CLI (execv): Dagster imported before that (~0.9 s) is thrown away."""
    code = (
        "import sys; from dagster_project.materialize import command;"
        " assert command()[1:4] == ['-m', 'dagster_project.run_console', 'dagster'];"
        " print(sorted(m for m in sys.modules if m.split('.')[0] in ('dagster', 'dagster_dbt', 'dbt')))"
    )
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
