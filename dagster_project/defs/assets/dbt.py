"""The dbt project (staging → intermediate → marts, audit) as assets; its tests as asset checks.

The manifest is (re)built by ``dbt parse`` when it is missing or stale, when this module is
loaded; dbt runs as ``dbt build`` through the offline wrapper, after the raw assets have
closed the warehouse (dbt opens the file itself).
"""

import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource, dbt_assets

from dagster_project import partition_counts
from dagster_project.check_results import with_failures
from dagster_project.consistency import fingerprint
from dagster_project.dbt_manifest import DBT_PROJECT, ensure_manifest, project_files, prune_invocation_dirs
from dagster_project.defs.partitions import SINGLE_RUN, report_years, years_of
from dagster_project.settings import temporary_environment
from dagster_project.state import state_file
from dagster_project.translator import WarehouseTranslator
from dagster_project.warehouse import DuckDBWarehouse

TRANSLATOR = WarehouseTranslator()
PARTIAL_PARSE = "partial_parse.msgpack"
KEEP_RUN_DIRS = 3  # target/dbt_warehouse-<run>-<id>/ of the latest runs, for their logs and artifacts


# the fact models, incremental by report year, and the roll-ups that sum them (built after them,
# tagged by macros/rollup_config); the other roll-ups are built whole with the dimensions
YEARLY = "tag:yearly"


def build(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: DuckDBWarehouse,
    scope: Mapping[str, str],
    args: list[str],
):
    # --no-write-json: no manifest.json (twice), run_results.json or graph.gpickle in the run's
    # target dir (~0.5 s an invocation); nothing reads them, and its dbt.log keeps every event.
    # dbt inherits the environment when it starts: the profile reads WAREHOUSE_PATH, the macros
    # the build's scope (build_scope)
    with temporary_environment({"WAREHOUSE_PATH": warehouse.path, **scope}):
        invocation = dbt.cli(["build", "--no-write-json", *args], context=context, raise_on_error=False)
    # dbt holds the DuckDB file until it exits: collect its events, then count the rows. A failed
    # build raises once the results dbt did give are yielded: its failed checks show as failed
    events = list(invocation.stream())
    error = invocation.get_error()
    if error is not None and not events:  # nothing built or tested (a parse error, a locked file)
        raise error
    with warehouse.connect(read_only=True) as con:  # a failed check names its stored failing rows
        events = with_failures(events, con, invocation.manifest)
    keep_partial_parse(invocation.target_path)
    prune_invocation_dirs(context.op_execution_context.op.name, keep=KEEP_RUN_DIRS)
    keys = {
        e.output_name: context.asset_key_for_output(e.output_name) for e in events if isinstance(e, dg.Output)
    }
    counts = row_counts(warehouse, set(keys.values()))
    for event in events:
        if isinstance(event, dg.Output) and keys[event.output_name] in counts:
            event = event.with_metadata(
                {**event.metadata, "dagster/row_count": counts[keys[event.output_name]]}
            )
        yield event
    if error is not None:
        raise error


def keep_partial_parse(invocation_target: Path) -> None:
    """Hand this invocation's parse state to the next one (dagster-dbt copies it from target/).

    dbt re-parses the whole project (~3 s) when its profile (the warehouse path) or its vars
    differ from the saved state's; ``dbt parse`` saved it for whatever warehouse it was run
    with. A run's state is right for the next run on the same warehouse. dbt checks the
    state's hashes itself, so a state saved for another warehouse only costs a full parse.
    """
    if not invocation_target.is_absolute():  # dagster-dbt gives it relative to the project
        invocation_target = DBT_PROJECT.project_dir / invocation_target
    saved = invocation_target / PARTIAL_PARSE
    if not saved.is_file():
        return
    target = DBT_PROJECT.project_dir / DBT_PROJECT.target_path / PARTIAL_PARSE
    temp = target.with_name(f".{PARTIAL_PARSE}.{os.getpid()}")
    try:
        shutil.copyfile(saved, temp)
        os.replace(temp, target)
    except OSError:
        temp.unlink(missing_ok=True)


def row_counts(warehouse: DuckDBWarehouse, keys: set[dg.AssetKey]) -> dict[dg.AssetKey, int]:
    """Rows of each model's table (asset key = schema/name), read after dbt released the file.

    Tables only: counting a view runs its query (the intermediate views join millions of
    rows: ~4 s a run at 200,000 reports), and a view stores no rows of its own.
    """
    found: dict[dg.AssetKey, int] = {}
    with warehouse.connect(read_only=True) as con:
        relations = base_tables(con)
        for key in keys:
            if table_of(key) in relations:
                found[key] = con.execute(f'SELECT count(*) FROM "{key.path[0]}"."{key.path[1]}"').fetchone()[
                    0
                ]
    return found


def base_tables(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """(schema, name) of every table of the warehouse (not its views)."""
    rows = con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
    ).fetchall()
    return set(rows)


def any_built(warehouse: DuckDBWarehouse, keys: Iterable[dg.AssetKey]) -> bool:
    """Whether the table of any of ``keys`` (schema/name) exists."""
    with warehouse.connect(read_only=True) as con:
        tables = base_tables(con)
    return any(table_of(key) in tables for key in keys)


def table_of(key: dg.AssetKey) -> tuple[str, str] | None:
    """The (schema, name) of a dbt model's asset key (the translator's schema/name), else None."""
    return (key.path[0], key.path[1]) if len(key.path) == 2 else None


@dbt_assets(
    manifest=ensure_manifest(DBT_PROJECT),
    project=DBT_PROJECT,
    dagster_dbt_translator=TRANSLATOR,
    name="dbt_warehouse",
    exclude=YEARLY,
    backfill_policy=SINGLE_RUN,
)
def dbt_warehouse(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBWarehouse):
    """Staging views, dimensions, identities and audit.

    Dimensions and audit are rebuilt whole (they are small). ``fct_identity_checks`` is
    incremental (dbt/macros/identity_scope.sql): a run of new or changed files re-evaluates
    only the reports whose identities may have changed and tests only those rows
    (dbt/macros/delta_tests.sql); a run that rebuilds the facts' years (a backfill, a
    changed dbt project, a first build) rebuilds it whole (``--full-refresh``) and tests
    every row.
    """
    digest = dbt_project_digest()
    delta = not rebuilds_years(context.run.run_config, facts_state_path(warehouse.path), digest)
    args = unit_test_args("dbt_warehouse", warehouse.path, digest) if delta else ["--full-refresh"]
    yield from build(context, dbt, warehouse, build_scope(None, delta=delta), args)
    record_unit_tests("dbt_warehouse", warehouse.path, digest)


@dbt_assets(
    manifest=ensure_manifest(DBT_PROJECT),
    project=DBT_PROJECT,
    dagster_dbt_translator=TRANSLATOR,
    name="dbt_yearly",
    select=YEARLY,
    partitions_def=report_years,
    backfill_policy=SINGLE_RUN,
)
def dbt_yearly(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: DuckDBWarehouse):
    """The fact tables, incremental (macros/yearly_incremental.sql).

    Reports parsed since the last build (raw.facts_to_rebuild) are deleted and inserted again,
    and reports not yet in a fact table are added, whatever their year. A backfill, a run of
    these assets alone, or a changed dbt project also rebuilds every report of the run's
    years; a run that only parsed new or changed files (``make run``, the sensor, the
    schedules) does not, so a 1 % delta touches about 1 % of the fact rows. The first build
    takes in every report with the scope of a delta (no years): the same for a first build,
    and the next delta's dbt then parses nothing again.
    """
    state = facts_state_path(warehouse.path)
    digest = dbt_project_digest()
    rebuild = rebuilds_years(context.run.run_config, state, digest)
    # a first build takes in every report whatever the years: without them in its scope, the next
    # delta's dbt finds the roll-ups' parse-time config unchanged (no re-parse, ~2 s)
    first = not any_built(warehouse, dbt_yearly.keys)
    years = years_of(context) if rebuild and not first else None
    if first:
        context.log.info("first build of the facts: every report")
    elif years is None:
        context.log.info("new or changed files only: the facts take in the re-parsed reports alone")
    args = [] if rebuild else unit_test_args("dbt_yearly", warehouse.path, digest)
    events = build(context, dbt, warehouse, build_scope(years, delta=not rebuild), args)
    yield from with_year_counts(context, warehouse, events)
    record_unit_tests("dbt_yearly", warehouse.path, digest)
    # the build succeeded (a failed one raises in build()): the queue is taken in, and the facts
    # are the build of this dim_report (what publishing checks, dagster_project.consistency)
    with warehouse.connect() as con:
        con.execute("DELETE FROM raw.facts_to_rebuild")
        dims = fingerprint(con, "marts.dim_report")
    state.write_text(json.dumps({"dbt_project_digest": digest, "dim_report": dims}), encoding="utf-8")


def with_year_counts(
    context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse, events: Iterable[object]
) -> Iterator[object]:
    """``events``, each model's output with each report year of the run its own rows and reports
    (``dagster/row_count`` of the year; the whole table's as ``rows_all_years``).

    build() yields once dbt has exited, so the warehouse can be read then.
    """
    counted: dict[dg.AssetKey, dict[int, int]] | None = None
    reports: dict[int, int] = {}
    for event in events:
        if isinstance(event, dg.Output):
            key = context.asset_key_for_output(event.output_name)
            if counted is None:
                with warehouse.connect(read_only=True) as con:
                    reports = partition_counts.reports_by_year(con)
                    tables = base_tables(con)
                    counted = {
                        k: partition_counts.rows_by_year(con, *table_of(k))
                        for k in dbt_yearly.keys
                        if table_of(k) in tables
                    }
            if key in counted:
                for partition in report_years.get_partition_keys_in_range(context.partition_key_range):
                    year = int(partition)
                    context.add_asset_metadata(
                        {"dagster/row_count": counted[key].get(year, 0), "reports": reports.get(year, 0)},
                        asset_key=key,
                        partition_key=partition,
                    )
                total = event.metadata.get("dagster/row_count")
                if total is not None:
                    event = event.with_metadata({**event.metadata, "rows_all_years": total})
        yield event


def build_scope(years: list[int] | None, delta: bool) -> dict[str, str]:
    """What a dbt build covers (dbt/macros/build_scope.sql): ``years``, or the differences only (None).

    ``OGI_DELTA_TESTS``: the row-by-row tests of the incremental marts read only the rows this
    run wrote (dbt/macros/delta_tests.sql). Both are always set: dbt's partial parsing takes an
    unset variable read with a default for a changed one.
    """
    return {
        "OGI_REPORT_YEARS": f"{min(years)}-{max(years)}" if years else "",
        "OGI_DELTA_TESTS": "true" if delta else "false",
    }


def unit_tests_path(warehouse_path: str) -> Path:
    """Which dbt project's unit tests passed in each dbt asset: a digest per asset (state directory)."""
    return state_file(warehouse_path, "unit-tests.json")


def unit_tests_passed(warehouse_path: str) -> dict[str, str]:
    try:
        passed = json.loads(unit_tests_path(warehouse_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return passed if isinstance(passed, dict) else {}


def unit_test_args(asset: str, warehouse_path: str, digest: str) -> list[str]:
    """dbt args of a delta run: no unit tests where this very dbt project's passed already.

    dbt's unit tests hold the SQL to fixtures, not to the data: their outcome is the dbt
    project's, so a delta run (which never follows a change of the project) need not run
    them again (~3 s a run). Any other run, or a changed project, runs them.
    """
    if unit_tests_passed(warehouse_path).get(asset) == digest:
        return ["--exclude-resource-type", "unit_test"]
    return []


def record_unit_tests(asset: str, warehouse_path: str, digest: str) -> None:
    """The asset's dbt build succeeded (a failed one raises in build()), unit tests included."""
    passed = {**unit_tests_passed(warehouse_path), asset: digest}
    unit_tests_path(warehouse_path).write_text(json.dumps(passed), encoding="utf-8")


def facts_state_path(warehouse_path: str) -> Path:
    """What dbt project built the fact tables: a digest in the warehouse's state directory."""
    return state_file(warehouse_path, "facts-state.json")


def dbt_project_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(project_files(DBT_PROJECT.project_dir)):
        digest.update(str(path.relative_to(DBT_PROJECT.project_dir)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def rebuilds_years(run_config: Mapping, state: Path, digest: str) -> bool:
    """Whether a run rebuilds every report of its years (a pure function, unit-tested).

    Not when the run parsed only new or changed files (``NEW_FILES_ONLY``) and the fact
    tables were built by this very dbt project: then the re-parse queue says what changed.
    """
    parse_config = run_config.get("ops", {}).get("parsed_reports", {}).get("config", {})
    if parse_config.get("reparse", True):
        return True
    try:
        built_by = json.loads(state.read_text(encoding="utf-8")).get("dbt_project_digest")
    except (OSError, ValueError):
        return True
    return built_by != digest
