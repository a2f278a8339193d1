"""dbt standbys (dagster_project/dbt_standby.py): real processes, the real dbt CLI.

``dbt-offline`` hands its command to a standby that has imported dbt, gets dbt's output on its
own stdout and its exit code back, and does not import dbt itself; without a free standby it
runs dbt in process. A standby whose caller dies stops its dbt; one whose parent dies, or that
the run no longer needs, goes away.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg

from dagster_project import dbt_standby
from dagster_project.dbt_manifest import DBT_PROJECT, dbt_executable
from dagster_project.defs.resources import WarehouseDbt

CLIENT = """
import atexit, json, sys
from dagster_project.dbt_offline import main
# at exit: dbt run in process ends with SystemExit
atexit.register(lambda: print(json.dumps({"imported_dbt": "dbt.cli.main" in sys.modules}), file=sys.stderr))
sys.exit(main(json.loads(sys.argv[1])))
"""


def client(directory: Path, args: list[str], **popen) -> subprocess.Popen:
    env = {**os.environ, dbt_standby.DIRECTORY_ENV: str(directory)}
    return subprocess.Popen(
        [sys.executable, "-c", CLIENT, json.dumps(args)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def ran(caller: subprocess.Popen) -> tuple[str, str, int, bool]:
    """The caller's stdout, stderr, exit code, and whether it imported dbt itself."""
    out, err = caller.communicate(timeout=120)
    *lines, last = err.strip().splitlines()
    return out, "\n".join(lines), caller.returncode, json.loads(last)["imported_dbt"]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_gone(process: subprocess.Popen, seconds: float) -> bool:
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return False
    return True


def test_dbt_offline_runs_its_command_on_a_standby(tmp_path: Path) -> None:
    standby = dbt_standby.start(tmp_path)
    try:
        out, _err, exit_code, imported = ran(client(tmp_path, ["--help"]))
        assert "Usage: dbt" in out and exit_code == 0  # dbt's output, on the caller's stdout
        assert not imported
        assert wait_gone(standby, 30) and standby.returncode == 0  # one command, then it exits
        assert list(tmp_path.iterdir()) == []  # its socket is gone

        # no standby left: dbt runs in the caller, with the same result
        out, _err, exit_code, imported = ran(client(tmp_path, ["--help"]))
        assert "Usage: dbt" in out and exit_code == 0 and imported
    finally:
        dbt_standby.stop(standby)


def test_the_exit_code_of_a_failed_command_comes_back(tmp_path: Path) -> None:
    standby = dbt_standby.start(tmp_path)
    try:
        _out, err, exit_code, imported = ran(client(tmp_path, ["no-such-command"]))
        assert "No such command" in err and exit_code == 2 and not imported  # click's usage error
    finally:
        dbt_standby.stop(standby)


def test_a_caller_that_dies_takes_its_dbt_with_it(tmp_path: Path) -> None:
    """Killed mid-command (SIGKILL: nothing forwarded), the caller leaves no dbt running."""
    standby = dbt_standby.start(tmp_path)
    env_target = tmp_path / "target"
    args = ["parse", "--no-partial-parse", "--project-dir", str(DBT_PROJECT.project_dir)]
    args += ["--profiles-dir", str(DBT_PROJECT.profiles_dir), "--target-path", str(env_target)]
    caller = client(tmp_path, args, cwd=DBT_PROJECT.project_dir)
    try:
        deadline = time.monotonic() + 60
        # the caller removes the standby's socket once the standby has taken the command
        while any(tmp_path.glob("*.sock*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        assert standby.poll() is None and caller.poll() is None  # dbt parses on the standby
        caller.kill()
        caller.wait(timeout=30)
        assert wait_gone(standby, 15), "the standby's dbt outlived its caller"
        assert standby.returncode == 128 + signal.SIGKILL
    finally:
        caller.kill()
        dbt_standby.stop(standby)


def test_a_standby_goes_when_its_parent_does(tmp_path: Path) -> None:
    parent = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from dagster_project import dbt_standby;"
            f" print(dbt_standby.start(Path({str(tmp_path)!r})).pid)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(parent.stdout)
    deadline = time.monotonic() + 60
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(pid), "an orphaned standby waits on"
    assert list(tmp_path.iterdir()) == []


def test_the_resource_starts_a_standby_and_stops_those_left(tmp_path: Path) -> None:
    dbt = WarehouseDbt(
        project_dir=str(DBT_PROJECT.project_dir),
        profiles_dir=str(DBT_PROJECT.profiles_dir),
        dbt_executable=dbt_executable(),
    )
    context = dg.build_init_resource_context()
    dbt.setup_for_execution(context)
    directory = Path(dbt.standby_env()[dbt_standby.DIRECTORY_ENV])
    dbt.stand_by()
    processes = list(dbt._standbys)
    assert len(processes) == 2 and all(p.poll() is None for p in processes)
    dbt.teardown_after_execution(context)
    assert all(p.poll() is not None for p in processes)
    assert not directory.exists() and dbt.standby_env() == {}
