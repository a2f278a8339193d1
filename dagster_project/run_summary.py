"""What ``make run`` prints: its progress lines and a summary at the end.

Dagster's console logger prints every event of a run (DEBUG: ~1,400 lines for five reports),
and dagster-dbt echoes each line of dbt's output. The full event log stays in the instance (the
UI shows it, with each step's captured stdout/stderr); on the console ``make run`` keeps:

- the run's INFO lines and anything worse (``materialize.command``: the console logger at INFO),
  shortened to ``HH:MM:SS step - message``, without dagster-dbt's own chatter and without stack
  traces (:class:`ConsoleFilter`);
- of dbt's output, its failing or warning nodes (identity warnings are summed up at the end)
  and its closing ``Done. PASS=…`` line;
- a summary once the CLI is done (:func:`summary_lines`): files seen and parsed, rejected files
  by error code, rows of each fact table, failed identity checks by rule, the published path, the
  time taken; or, when the run failed, which step failed and where its full log is.

``VERBOSE=1 make run`` keeps Dagster's whole DEBUG log (and prints the summary too).

Module-level imports are the standard library's only: ``make run`` imports :data:`SUMMARY_ENV`
before it becomes the Dagster process; DuckDB and Dagster are imported where they are used.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import textwrap
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import dagster as dg
    import duckdb

# set by `make run` for the Dagster process it becomes: {"started": epoch seconds, "verbose": bool}
SUMMARY_ENV = "OGI_RUN_SUMMARY"
UI_URL = "http://127.0.0.1:3000"  # `make dev`
# Python warnings the CLI that make run calls gives about itself (`dg launch` supersedes it)
CLI_WARNINGS = (r"Function `asset_materialize_command` is superseded",)
WIDTH = 100  # summary lines wrap here
LABEL = 12  # the summary's label column

# --- the console --------------------------------------------------------------------------------

# Dagster's console format: "%(asctime)s - %(name)s - %(levelname)s - %(message)s", the message
# "<job> - <run id> - [<pid> - ][<step> - ][<EVENT_TYPE> - ]<text>"
RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d (?P<time>\d\d:\d\d:\d\d) [+-]\d{4} - \S+ - "
    r"(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) - "
    r"(?:\S+ - [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} - )?(?:\d+ - )?(?P<text>.*)$"
)
RUN_FAILURE = "RUN_FAILURE - "
# dagster-dbt's INFO lines about how it calls dbt (its selection, its partial-parse copy, the end)
DBT_CHATTER = (
    "A dbt subsetted execution is not being performed",
    "Copying `",
    "Finished dbt command: ",
)
# "Dependencies for step X failed: [...]. Not executing.": the summary says which step failed
SKIPPED_STEP = re.compile(r"^\S+ - Dependencies for step \S+ (failed|were not executed)")
DBT_COMMAND = re.compile(r"^(?P<step>\S+ - )Running dbt command: `\S*?(?P<dbt>dbt)[\w-]* (?P<args>.*)`\.?$")
DBT_CONSTANT_FLAGS = ("--no-use-colors ", "--no-write-json ")
# dbt's output (stdout), from its first line to its last
DBT_START = "Running with dbt="
DBT_DONE = re.compile(r"^Done\. PASS=")
DBT_NODE = re.compile(r"^\d+ of \d+ (?P<status>[A-Z-]+)\b(?: \d+)? (?P<node>\S+)")
DBT_SHOWN = frozenset({"ERROR", "FAIL", "WARN"})
IDENTITY_TEST = "identity_holds__"  # warn-severity identity tests: summed up by rule at the end


class ConsoleFilter:
    """The lines of one output stream of a run that ``make run`` shows, one line at a time.

    :meth:`line` returns the line to print (possibly shortened), or None to drop it. Dagster's
    records are recognised by their format; a record's further lines (an error's message)
    follow it, except blank lines and the frames after ``Stack Trace:`` (the UI and
    ``VERBOSE=1`` have them); a run's failure shows its first line only (its steps' errors
    again).
    dbt's output runs from ``Running with dbt=`` to ``Done. PASS=…``: only failing or warning
    nodes and that last line are shown. Anything else is shown as it is.
    """

    def __init__(self) -> None:
        self.keep_record = True  # whether the current record's further lines are shown
        self.in_trace = False
        self.in_dbt = False

    def line(self, line: str) -> str | None:
        record = RECORD.match(line)
        if record:
            self.in_trace = False
            shown = self.record(record["time"], record["level"], record["text"])
            # a run's failure repeats its steps' errors (and the summary names them)
            self.keep_record = shown is not None and not record["text"].startswith(RUN_FAILURE)
            return shown
        if self.in_dbt or line.startswith(DBT_START):
            return self.dbt_line(line)
        if line.strip() == "Stack Trace:":
            self.in_trace = True
            return None
        if self.in_trace:
            if not line.strip() or line[0].isspace():
                return None
            self.in_trace = False  # "The above exception was caused by…", the next message
        return line if self.keep_record and line.strip() else None

    @staticmethod
    def record(time: str, level: str, text: str) -> str | None:
        if level == "DEBUG" or text.split(" - ", 1)[-1].startswith(DBT_CHATTER) or SKIPPED_STEP.match(text):
            return None
        command = DBT_COMMAND.match(text)
        if command:
            args = command["args"]
            for flag in DBT_CONSTANT_FLAGS:
                args = args.replace(flag, "")
            text = f"{command['step']}{command['dbt']} {args}"
        return f"{time} {'' if level == 'INFO' else level + ' '}{text}"

    def dbt_line(self, line: str) -> str | None:
        self.in_dbt = True
        if DBT_DONE.match(line):
            self.in_dbt = False
            return "dbt done: " + line.removeprefix("Done. ")
        node = DBT_NODE.match(line)
        if node and node["status"] in DBT_SHOWN:
            if node["status"] == "WARN" and node["node"].startswith(IDENTITY_TEST):
                return None
            return line
        return None


# --- what the run left ---------------------------------------------------------------------------


@dataclass
class WarehouseCounts:
    """What a built warehouse holds, for the summary."""

    files: int  # report files read from the landing directory: each is a report or a rejected file
    reports: int  # marts.dim_report
    rejected: dict[str, int]  # audit.rejected_files by error code
    facts: dict[str, int]  # rows of each marts.fct_* table
    identity_checks: int  # rows of marts.fct_identity_checks
    identity_failures: dict[str, int]  # its status = 'fail' rows by rule_code


def warehouse_counts(con: duckdb.DuckDBPyConnection) -> WarehouseCounts:
    """The summary's counts, read from a built warehouse (or its published snapshot)."""

    def count(table: str) -> int:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    fact_tables = [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'"
            " AND table_name LIKE 'fct\\_%' ESCAPE '\\' ORDER BY table_name"
        ).fetchall()
    ]
    rejected = con.execute(
        "SELECT coalesce(error_code, '?'), count(*) FROM audit.rejected_files GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    failures = con.execute(
        "SELECT rule_code, count(*) FROM marts.fct_identity_checks WHERE status = 'fail'"
        " GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    reports = count("marts.dim_report")
    return WarehouseCounts(
        files=reports + sum(n for _, n in rejected),  # nothing lost: a report or a rejection
        reports=reports,
        rejected=dict(rejected),
        facts={name: count(f"marts.{name}") for name in fact_tables},
        identity_checks=count("marts.fct_identity_checks"),
        identity_failures=dict(failures),
    )


@dataclass
class RunFacts:
    """What the Dagster instance recorded of ``make run``'s run."""

    run_id: str | None  # None: the CLI failed before a run started
    succeeded: bool
    failed_steps: dict[str, str] = field(default_factory=dict)  # step key: its error (:func:`root_cause`)
    error: str | None = None  # the run's failure (shown where no step failed: a resource, the plan)
    files_parsed: int | None = None  # raw/reports metadata (None: the parse did not finish)
    files_skipped: int | None = None  # raw/report_files metadata: not reports by their extension


def number(value: int) -> str:
    return f"{value:,}"


def listed(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{name} {number(value)}" for name, value in counts.items())


def item(label: str, text: str) -> list[str]:
    """``label`` in the label column, ``text`` wrapped beside it."""
    prefix = f"  {label:<{LABEL}}"
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=prefix,
        subsequent_indent=" " * len(prefix),
        break_long_words=False,
        break_on_hyphens=False,
    )


def full_log(run_id: str | None, verbose: bool) -> list[str]:
    where = f"{UI_URL}/runs/{run_id} (make dev)" if run_id else "the error above"
    return item("full log", where if verbose else f"{where}, or VERBOSE=1 make run")


def summary_lines(
    run: RunFacts,
    counts: WarehouseCounts | None,
    landing: Path,
    published: Path,
    elapsed: float,
    verbose: bool = False,
) -> list[str]:
    """The summary ``make run`` ends on. ``counts``: the warehouse the run built (None when it failed)."""
    lines: list[str] = []
    if run.succeeded:
        lines.append(f"make run: done in {elapsed:.1f} s")
    elif run.failed_steps:
        steps = ", ".join(run.failed_steps)
        lines.append(f"make run: FAILED after {elapsed:.1f} s, in step {steps}")
        for step, error in run.failed_steps.items():
            lines += item("error", f"{step}: {error}")
    else:
        before = "" if run.run_id else ", before its run started"
        lines.append(f"make run: FAILED after {elapsed:.1f} s{before}")
        if run.error:
            lines += item("error", run.error)
    files = f"{number(counts.files)} report file(s) in {landing}" if counts else str(landing)
    if run.files_parsed is not None:
        files += f", {number(run.files_parsed)} parsed by this run"
    if run.files_skipped:
        files += f"; {number(run.files_skipped)} other file(s) skipped (not reports by their extension)"
    lines += item("files", files)
    if counts is not None:
        reports = f"{number(counts.reports)} in the warehouse"
        if counts.rejected:
            reports += f", {number(sum(counts.rejected.values()))} rejected ({listed(counts.rejected)})"
        else:
            reports += ", no file rejected"
        lines += item("reports", reports)
        lines += item("facts", listed(counts.facts) or "no fact tables")
        failures = sum(counts.identity_failures.values())
        identities = f"{number(failures)} of {number(counts.identity_checks)} checks fail"
        if failures:
            identities += f": {listed(counts.identity_failures)} (audit.identity_failures__<rule>)"
        lines += item("identities", identities)
    if run.succeeded:
        lines += item("published", f"{published}: warehouse.duckdb and parquet/")
    elif (published / "warehouse.duckdb").is_file():
        lines += item("published", f"not updated: {published} keeps the last successful run's snapshot")
    else:
        lines += item("published", f"nothing: {published} holds no snapshot yet")
    return lines + full_log(run.run_id, verbose)


# --- from the instance ---------------------------------------------------------------------------


def first_line(text: str | None) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[0] if lines else "(no message)"


def root_cause(error: object) -> str:
    """``Class: message`` of the innermost cause of a recorded error (``SerializableErrorInfo``):
    Dagster wraps a step's exception in its own ("Error occurred while executing op …")."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    message = first_line(getattr(error, "message", None))
    name = getattr(error, "cls_name", None)
    if name and message.split(": ", 1)[0].rsplit(".", 1)[-1] == name:
        message = f"{name}: {message.split(': ', 1)[1]}" if ": " in message else name
    return message


def find_run(instance: dg.DagsterInstance, since: float, pid: int) -> str | None:
    """The id of the run this process (``pid``) executed, created after ``since`` (epoch seconds).

    The CLI names no run id; the instance may hold other runs started meanwhile (the UI,
    another ``make run`` waiting for the warehouse), so the run is the one whose start this
    process recorded.
    """
    import dagster as dg

    created_after = dt.datetime.fromtimestamp(since - 1, tz=dt.UTC)
    for record in instance.get_run_records(filters=dg.RunsFilter(created_after=created_after), limit=50):
        run_id = record.dagster_run.run_id
        events = instance.get_records_for_run(
            run_id, of_type={dg.DagsterEventType.RUN_START, dg.DagsterEventType.RUN_FAILURE}, limit=1
        ).records
        if events and events[0].event_log_entry.dagster_event.pid == pid:
            return run_id
    return None


def materialization_metadata(
    instance: dg.DagsterInstance, run_id: str, key: dg.AssetKey
) -> dict[str, object]:
    """The metadata of ``key``'s latest materialisation, if this run made it (else {})."""
    records = instance.fetch_materializations(key, limit=1).records
    if not records or records[0].event_log_entry.run_id != run_id:
        return {}
    materialization = records[0].asset_materialization
    return {name: value.value for name, value in materialization.metadata.items()} if materialization else {}


def run_facts(instance: dg.DagsterInstance, run_id: str | None, exit_status: int) -> RunFacts:
    """What ``run_id`` recorded: its outcome, its failed steps, what it parsed."""
    import dagster as dg

    if run_id is None:  # the CLI failed before it started a run (or this process's was not found)
        return RunFacts(run_id=None, succeeded=exit_status == 0)
    run = instance.get_run_by_id(run_id)
    succeeded = exit_status == 0 and run is not None and run.status == dg.DagsterRunStatus.SUCCESS
    facts = RunFacts(run_id=run_id, succeeded=succeeded)
    if not succeeded:
        failures = instance.get_records_for_run(
            run_id, of_type={dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.RUN_FAILURE}
        ).records
        for failure in failures:
            event = failure.event_log_entry.dagster_event
            error = getattr(event.event_specific_data, "error", None)
            message = root_cause(error) if error else first_line(failure.event_log_entry.message)
            if event.step_key:
                facts.failed_steps.setdefault(event.step_key, message)
            else:
                facts.error = message
    parsed = materialization_metadata(instance, run_id, dg.AssetKey(["raw", "reports"])).get("files_parsed")
    skipped = materialization_metadata(instance, run_id, dg.AssetKey(["raw", "report_files"])).get(
        "skipped_non_report_files"
    )
    facts.files_parsed = parsed if isinstance(parsed, int) else None
    facts.files_skipped = skipped if isinstance(skipped, int) else None
    return facts


# --- printed by the Dagster process --------------------------------------------------------------


@dataclass
class Request:
    """What ``make run`` asked of the process it became (:data:`SUMMARY_ENV`)."""

    started: float
    verbose: bool

    def env_value(self) -> str:
        return json.dumps({"started": self.started, "verbose": self.verbose})


def take_request(environ: MutableMapping[str, str] = os.environ) -> Request | None:
    """The request handed to this process, removed from ``environ`` (none of its children's)."""
    value = environ.pop(SUMMARY_ENV, None)
    if not value:
        return None
    try:
        fields = json.loads(value)
        return Request(started=float(fields["started"]), verbose=bool(fields["verbose"]))
    except (ValueError, KeyError, TypeError):
        return None


def final_lines(request: Request, exit_status: int, now: float) -> list[str]:
    """The summary of the run this process just executed (the CLI has returned)."""
    import dagster as dg
    import duckdb

    from dagster_project.settings import landing_dir, publish_dir, warehouse_path

    landing, published = landing_dir(), publish_dir()
    with dg.DagsterInstance.get() as instance:
        run = run_facts(instance, find_run(instance, request.started, os.getpid()), exit_status)
    counts = None
    if run.succeeded:
        # the snapshot this run published: the same tables, and no writer ever holds it
        snapshot = published / "warehouse.duckdb"
        source = snapshot if snapshot.is_file() else warehouse_path()
        with duckdb.connect(str(source), read_only=True) as con:
            counts = warehouse_counts(con)
    return summary_lines(run, counts, landing, published, now - request.started, request.verbose)


def print_lines(lines: Iterable[str]) -> None:
    print("\n".join(lines), flush=True)
