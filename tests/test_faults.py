"""Safe under faults, with real `make run` processes: runs killed anywhere, runs started at once.

Two warehouses are built from one landing dir, side by side (the two cores share the work):

- Two runs at once: run A takes the run lock; while it holds it, run B
  (``WAREHOUSE_LOCK_WAIT_SECONDS=3``) and run C (default wait) start. B must stop before any
  step, naming A; C must wait, then succeed. A is an uninterrupted run (nothing else touched
  the warehouse while it held the lock): its published snapshot (marts and audit), copied as A
  ends, is the reference; C parses nothing, so the warehouse A and C leave is the reference of
  the raw rows.
- Killed runs: one run after another on a fresh warehouse gets SIGKILL on its whole process
  group (Dagster, the parse's worker pool, dbt) at a chosen point: while the parse's workers
  parse inside its open transaction, while that transaction commits, inside the fact models,
  while the snapshot is copied. Each point's marker must be seen before the kill and its step
  must not have finished; the run killed while publishing must leave the previous snapshot in
  place. The last run starts while that run builds its fact models and waits for the lock the
  kill releases; its warehouse must equal the reference: marts and audit rows, raw rows
  (timestamps aside), and the published copy, with no temporary file left behind.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import (
    CLI_TIMEOUT,
    REPO_ROOT,
    SAMPLES,
    SCANNED,
    cli_command,
    copy_samples,
    marts_contents,
    quiet_env,
)
from test_ingest_assets import comparable  # raw tables, the timestamps of STATE_COLUMNS left out

from dagster_project.warehouse import publish_warehouse
from ingest.lake import PARALLEL_FROM, default_workers

pytestmark = pytest.mark.e2e

PREVIOUS_REPORTS = 3  # rows of marts.dim_report in the snapshot a killed publication must leave in place


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples, a copy of each with one more newline (new content), one byte-identical copy,
    and enough pages that are no report (cheap to parse and to build) for the parse's worker pool.
    Not the scanned sample: OCR costs seconds a page, and these runs are timed against each other
    (a waiting run's 120 s)."""
    root = tmp_path_factory.mktemp("faults_landing")
    copy_samples(root)
    (root / "again").mkdir()
    for sample in sorted(SAMPLES.iterdir()):
        if not sample.match(SCANNED):
            (root / "again" / sample.name).write_bytes(sample.read_bytes() + b"\n")
    (root / "zz_copy").mkdir()  # duplicate_content: the first path in sorted order is the report
    shutil.copy2(SAMPLES / "gb2021_word_export.txt", root / "zz_copy" / "gb2021_word_export.txt")
    (root / "pages").mkdir()
    page = (SAMPLES / "not_a_report.html").read_bytes()
    for number in range(PARALLEL_FROM):
        (root / "pages" / f"page_{number:02d}.html").write_bytes(page + b"\n" * (number + 1))
    return root


# --- a run as a subprocess -------------------------------------------------------------------------

STARTED: list[subprocess.Popen] = []
STOP = threading.Event()


@pytest.fixture(scope="module", autouse=True)
def no_run_left_behind():
    """What a failing test leaves running is killed: only the process groups started here."""
    yield
    STOP.set()
    for process in STARTED:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def group_members(pgid: int) -> list[int]:
    """The live (not zombie) processes of a process group, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _parent, group = stat.rpartition(")")[2].split()[:3]
        if int(group) == pgid and state != "Z":
            members.append(int(entry.name))
    return members


def parse_workers(pgid: int) -> list[int]:
    """The processes of the parse's worker pool (multiprocessing spawn) in a process group."""
    workers = []
    for pid in group_members(pgid):
        try:
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                workers.append(pid)
        except OSError:
            continue
    return workers


class Run:
    """One `make run` (:func:`cli_command`) in its own process group; its output lines as they arrive."""

    def __init__(self, env: dict[str, str], log: Path):
        assert not STOP.is_set(), "the module is being torn down"
        self.log = log
        self.process = subprocess.Popen(
            cli_command(),
            cwd=REPO_ROOT,
            env={**env, "PYTHONUNBUFFERED": "1", "VERBOSE": "1"},  # its markers are Dagster's DEBUG events
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,  # its own process group, so dbt is killed with it
        )
        STARTED.append(self.process)
        self.lines: list[tuple[float, str]] = []  # (time.monotonic() on arrival, line)
        self.ended = False
        self.killed_at: float | None = None
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self.changed:
                self.lines.append((time.monotonic(), line))
                self.changed.notify_all()
        with self.changed:
            self.ended = True
            self.changed.notify_all()

    def wait_for(self, text: str, start: int = 0, timeout: float = CLI_TIMEOUT) -> int | None:
        """Index of the first line from ``start`` on that contains ``text``; None if the output ended."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for index in range(start, len(self.lines)):
                    if text in self.lines[index][1]:
                        return index
                start = len(self.lines)
                if self.ended or time.monotonic() > deadline:
                    return None
                self.changed.wait(1.0)

    def seen(self, text: str) -> bool:
        return self.first_time(text) is not None

    def first_time(self, text: str) -> float | None:
        """When the first line containing ``text`` arrived."""
        with self.changed:
            return next((at for at, line in self.lines if text in line), None)

    @property
    def output(self) -> str:
        with self.changed:
            return "".join(line for _, line in self.lines)

    def tail(self, chars: int = 6000) -> str:
        return f"(log {self.log})\n{self.output[-chars:]}"

    def finish(self, timeout: float = CLI_TIMEOUT) -> int:
        """Wait for the run to end by itself; its exit code."""
        code = self.process.wait(timeout=timeout)
        self.reader.join(timeout=30)
        self.log.write_text(self.output, encoding="utf-8")
        return code

    def kill(self) -> None:
        """SIGKILL the whole process group, and wait until every process of it is gone."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.killed_at = time.monotonic()
        self.process.wait(timeout=60)
        deadline = time.monotonic() + 30
        while survivors := group_members(self.process.pid):
            assert time.monotonic() < deadline, f"still alive after SIGKILL: {survivors}"
            time.sleep(0.05)
        self.reader.join(timeout=30)
        self.log.write_text(self.output, encoding="utf-8")


class Background:
    """A function run in a thread; :meth:`result` returns its value or raises its exception."""

    def __init__(self, function: Callable, *args: object):
        self.value: object = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(function, *args), daemon=True)
        self.thread.start()

    def _run(self, function: Callable, *args: object) -> None:
        try:
            self.value = function(*args)
        except BaseException as error:
            self.error = error

    def result(self, timeout: float = 3 * CLI_TIMEOUT) -> object:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the background scenario did not end"
        if self.error is not None:
            raise self.error
        return self.value


def run_id_of(run: Run) -> str:
    match = re.search(r" - ([0-9a-f-]{36}) - \d+ - RUN_START - ", run.output)
    assert match, f"no RUN_START line {run.tail()}"
    return match.group(1)


def event_time(
    env: dict[str, str], run_id: str, kind: dg.DagsterEventType, step: str | None = None
) -> float | None:
    """When the run's first event of ``kind`` (of ``step``) happened, by the instance's event log.

    The console is not a clock for events inside a step: Dagster copies a step's captured output to
    it with ``tail -F`` and stops the copy at the step's end, so its last lines can be missing there
    (they are always in the event log).
    """
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        times = [e.timestamp for e in instance.all_logs(run_id, of_type=kind) if step in (None, e.step_key)]
    return min(times, default=None)


def step_started(step: str) -> str:
    return f'Started execution of step "{step}"'


def step_finished(step: str) -> str:
    return f'Finished execution of step "{step}"'


LOCK_TAKEN = "RESOURCE_INIT_SUCCESS"  # the warehouse resource holds the run lock from here on


# --- what a warehouse holds ------------------------------------------------------------------------


def count(database: Path, table: str) -> int:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def audit_contents(database: Path) -> dict[str, list[str]]:
    with duckdb.connect(str(database), read_only=True) as con:
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'audit' ORDER BY table_name"
        ).fetchall()
        return {
            table: sorted(repr(row) for row in con.execute(f"SELECT * FROM audit.{table}").fetchall())
            for (table,) in tables
        }


def assert_same_warehouse(built: Path, reference: Path, what: str, raw_reference: Path | None = None) -> None:
    """``built``'s marts and audit equal ``reference``'s (a published snapshot), and its raw rows
    those of ``raw_reference`` (a warehouse) where one is given."""
    marts, expected = marts_contents(built), marts_contents(reference)
    assert expected["dim_report"], "the reference has no reports"
    assert marts.keys() == expected.keys(), what
    for table, rows in expected.items():
        assert marts[table] == rows, f"{what}: marts.{table} differs from the uninterrupted run"
    assert audit_contents(built) == audit_contents(reference), f"{what}: the audit schema differs"
    if raw_reference is None:
        return
    raw, expected_raw = comparable(built), comparable(raw_reference)
    for table, rows in expected_raw.items():
        assert raw[table] == rows, f"{what}: raw.{table} differs from the uninterrupted run"


def leftovers(published: Path) -> list[Path]:
    """Temporary files of a publication (``.warehouse-*.duckdb.tmp``, ``.<table>.parquet.tmp``)."""
    return sorted(path for path in published.rglob(".*") if path.is_file())


# --- runs killed at chosen points ------------------------------------------------------------------


@dataclass
class KillPoint:
    name: str
    step: str  # the step the kill lands in: it must not have finished
    markers: tuple[str, ...]  # output lines to wait for, in this order
    trigger: str | None = None  # then poll this condition (every ms) and kill the moment it holds
    too_late: str | None = None  # a line saying the trigger's moment has passed
    strict: bool = True  # False: past that moment, kill at once (still in the step) with a warning
    before_commit: bool = False  # the parse's transaction cannot have committed: no rows may be left


POOL_POINT = KillPoint(
    "the parse, its worker pool parsing, its one transaction open",
    "parsed_reports",
    (step_started("parsed_reports"), "registered file(s) to parse"),
    trigger="the parse's worker pool runs",
    too_late="file(s) in ",
    before_commit=True,
)
POINTS = (
    *([POOL_POINT] if default_workers() > 1 else []),  # one core: the parse starts no pool
    KillPoint(
        "the parse, while its one transaction commits",
        "parsed_reports",
        (step_started("parsed_reports"), "registered file(s) to parse"),
        trigger="the warehouse's WAL exists",
        too_late="file(s) in ",  # "parsed N file(s) in T s": written and closed
        strict=False,  # the window is some 50 ms; the step goes on for seconds after it
    ),
    KillPoint(
        "the fact models, one built and another building",
        "dbt_yearly",
        (step_started("dbt_yearly"), "OK created sql incremental model marts."),
    ),
    KillPoint(
        "publish, while the snapshot is copied",
        "published__warehouse",
        (step_started("published__warehouse"),),
        trigger="a temporary snapshot is being written",
        too_late=step_finished("published__warehouse"),
    ),
)


@dataclass
class KillChain:
    warehouse: Path
    published: Path
    killed: list[Run]
    final: Run
    parse_states: dict[str, tuple[int, int]]  # kill point -> (raw.reports, raw.parse_log) rows after it
    missed: list[str]  # kill points whose trigger was not seen in time (killed just after it)


def kill_at(run: Run, point: KillPoint, trigger: Callable[[Run], bool] | None) -> bool:
    """Kill ``run`` at ``point``; False if its trigger was missed and the kill came just after it."""
    index = 0
    for marker in point.markers:
        found = run.wait_for(marker, start=index)
        assert found is not None, f"{point.name}: the run ended before {marker!r} {run.tail()}"
        index = found
    hit, polls = True, 0
    if trigger is not None:
        while not trigger(run):
            polls += 1
            if polls % 20 == 0:  # every 20 ms or so: is it still worth waiting?
                assert run.process.poll() is None, f"{point.name}: the run ended {run.tail()}"
                if point.too_late is not None and run.seen(point.too_late):
                    assert not point.strict, f"{point.name}: missed {run.tail()}"
                    hit = False
                    break
            time.sleep(0.001)
    run.kill()
    assert run.process.returncode == -signal.SIGKILL
    assert not run.seen(step_finished(point.step)), f"{point.name}: killed after the step {run.tail()}"
    return hit


def kill_chain(root: Path, landing: Path) -> KillChain:
    """Kill one run at each point in turn on one warehouse, then let a last run finish."""
    warehouse, published = root / "data" / "warehouse.duckdb", root / "data" / "published"
    env = quiet_env(root, landing, warehouse, published)

    # a previous publication, which the run killed while publishing must leave in place
    previous = root / "previous.duckdb"
    with duckdb.connect(str(previous)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute(f"CREATE TABLE marts.dim_report AS SELECT range AS id FROM range({PREVIOUS_REPORTS})")
    publish_warehouse(previous, published)

    def snapshot_is_written() -> bool:
        for path in published.glob(".warehouse-*.duckdb.tmp"):
            try:
                if path.stat().st_size > 0:  # the warehouse is being copied into it
                    return True
            except FileNotFoundError:
                pass
        return False

    triggers: dict[str, Callable[[Run], bool]] = {
        "the parse's worker pool runs": lambda run: bool(parse_workers(run.process.pid)),
        "the warehouse's WAL exists": lambda run: Path(f"{warehouse}.wal").exists(),
        "a temporary snapshot is being written": lambda run: snapshot_is_written(),
    }
    killed: list[Run] = []
    missed: list[str] = []
    parse_states: dict[str, tuple[int, int]] = {}
    final: Run | None = None
    for number, point in enumerate(POINTS):
        run = Run(env, root / f"killed_{number}.log")
        killed.append(run)
        last = number == len(POINTS) - 1
        if last:  # the final run starts now and waits for the lock, which the kill releases
            assert run.wait_for(step_started("dbt_yearly")) is not None, run.tail()
            final = Run(env, root / "final.log")
        if not kill_at(run, point, triggers[point.trigger] if point.trigger else None):
            missed.append(point.name)
        if point.step == "parsed_reports":
            parse_states[point.name] = (count(warehouse, "raw.reports"), count(warehouse, "raw.parse_log"))
        if point.step == "published__warehouse":  # what a BI tool opens now is the previous snapshot
            assert count(published / "warehouse.duckdb", "marts.dim_report") == PREVIOUS_REPORTS
            assert [p.name for p in leftovers(published) if p.name.endswith(".duckdb.tmp")], (
                "the kill did not land while the snapshot was written"
            )

    assert final is not None
    assert final.finish() == 0, f"the run after the kills failed {final.tail()}"
    taken, killed_at = final.first_time(LOCK_TAKEN), killed[-1].killed_at
    assert taken is not None and killed_at is not None and taken > killed_at, "ran beside the killed run"
    return KillChain(warehouse, published, killed, final, parse_states, missed)


@pytest.fixture(scope="module")
def killed(tmp_path_factory: pytest.TempPathFactory, landing: Path, dbt_manifest: Path) -> Background:
    return Background(kill_chain, tmp_path_factory.mktemp("faults_killed"), landing)


# --- two runs at once ------------------------------------------------------------------------------


@dataclass
class Concurrent:
    first: Run
    busy: Run
    waiter: Run
    first_run_id: str
    first_done: float  # when run A's last step had finished (it lets go of the lock after it), epoch s
    failed_at: float | None  # when run B failed, by the event log
    taken_at: float | None  # when run C got its resources (the lock), by the event log
    reference: Path  # A's published snapshot, copied as A ended
    warehouse: Path
    published: Path
    codes: dict[str, int]


@pytest.fixture(scope="module")
def concurrent(tmp_path_factory: pytest.TempPathFactory, landing: Path, killed: Background) -> Concurrent:
    """Runs A, B and C on one fresh warehouse (while the killed runs go on beside them)."""
    root = tmp_path_factory.mktemp("faults_concurrent")
    warehouse, published = root / "data" / "warehouse.duckdb", root / "data" / "published"
    env = quiet_env(root, landing, warehouse, published)  # one Dagster instance, as two `make run` share

    first = Run(env, root / "a.log")
    assert first.wait_for(LOCK_TAKEN) is not None, f"run A never got its resources {first.tail()}"
    busy = Run({**env, "WAREHOUSE_LOCK_WAIT_SECONDS": "3"}, root / "b.log")
    waiter = Run(env, root / "c.log")  # the default wait (120 s)

    codes = {"a": first.finish()}
    assert codes["a"] == 0, f"run A failed {first.tail()}"
    first_run_id = run_id_of(first)
    first_done = event_time(env, first_run_id, dg.DagsterEventType.STEP_SUCCESS, "published__warehouse")
    assert first_done is not None, first.tail()
    reference = root / "reference.duckdb"
    shutil.copy2(published / "warehouse.duckdb", reference)  # C publishes only after a whole dbt build
    codes["b"] = busy.finish()
    codes["c"] = waiter.finish()
    failed_at = event_time(env, run_id_of(busy), dg.DagsterEventType.RUN_FAILURE)
    taken_at = event_time(env, run_id_of(waiter), dg.DagsterEventType.RESOURCE_INIT_SUCCESS)
    return Concurrent(
        first,
        busy,
        waiter,
        first_run_id,
        first_done,
        failed_at,
        taken_at,
        reference,
        warehouse,
        published,
        codes,
    )


def test_a_busy_warehouse_stops_the_second_run_before_it_touches_anything(concurrent: Concurrent) -> None:
    busy = concurrent.busy
    assert concurrent.codes["b"] != 0, f"run B succeeded beside run A {busy.tail()}"
    assert "WarehouseBusy" in busy.output, busy.tail()
    assert f"is being built by run {concurrent.first_run_id}" in busy.output, busy.tail()
    assert "STEP_START" not in busy.output, f"run B started a step {busy.tail()}"
    failed = concurrent.failed_at
    assert failed is not None and failed < concurrent.first_done, "run B did not fail while A held the lock"


def test_a_waiting_run_takes_over_when_the_first_is_done(concurrent: Concurrent) -> None:
    waiter = concurrent.waiter
    assert concurrent.codes["c"] == 0, f"run C failed {waiter.tail()}"
    assert f"waiting for run {concurrent.first_run_id}" in waiter.output, waiter.tail()
    taken = concurrent.taken_at
    assert taken is not None and taken > concurrent.first_done, "run C got the warehouse during run A"
    assert re.search(r"\b0 of \d+ registered file\(s\) to parse", waiter.output), "C parsed A's files again"
    # A, then C on unchanged input (it parsed nothing): A's marts and audit, and a published copy
    assert_same_warehouse(concurrent.warehouse, concurrent.reference, "runs A then C")
    assert marts_contents(concurrent.published / "warehouse.duckdb") == marts_contents(concurrent.reference)
    assert leftovers(concurrent.published) == []


def test_runs_killed_anywhere_heal_to_the_uninterrupted_warehouse(
    concurrent: Concurrent, killed: Background
) -> None:
    chain = killed.result()
    assert isinstance(chain, KillChain)
    for name in chain.missed:
        warnings.warn(f"kill point {name!r}: its moment passed unseen, killed just after it", stacklevel=1)
    reference, uninterrupted = concurrent.reference, concurrent.warehouse  # A's snapshot; A and C's raw
    parse_all = (count(uninterrupted, "raw.reports"), count(uninterrupted, "raw.parse_log"))
    for point in POINTS:  # the parse's one transaction: all of its rows or none
        if point.name in chain.parse_states:
            allowed = [(0, 0)] if point.before_commit else [(0, 0), parse_all]
            assert chain.parse_states[point.name] in allowed, f"{point.name}: part of the parse's rows"
    assert_same_warehouse(
        chain.warehouse, reference, "killed runs, then one run", raw_reference=uninterrupted
    )
    assert marts_contents(chain.published / "warehouse.duckdb") == marts_contents(reference)
    assert leftovers(chain.published) == [], "a killed publication left its temporary files behind"
