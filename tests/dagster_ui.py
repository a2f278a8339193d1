"""One real `dagster dev` for the tests that use the UI: `make dev`'s command on a free port.

Started once per test session (~25 s on two cores) on a warehouse that `make run`'s command
built from the sample corpus, with the same throwaway instance (DAGSTER_HOME) for both, as
`make run` and `make dev` share one. Tests talk to it as the UI does: its GraphQL API (and a
real browser in test_ui.py).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO_ROOT, VENV_BIN, copy_samples, quiet_env, run_cli

READY_TIMEOUT = 120  # dagster dev answers in ~25 s on two cores
STOP_TIMEOUT = 30

LOCATION_QUERY = """
query Locations {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError { __typename ... on PythonError { message } }
      }
    }
    ... on PythonError { message }
  }
}
"""


@dataclass
class DagsterDev:
    base_url: str
    process: subprocess.Popen
    log: Path
    env: dict[str, str]
    landing: Path
    warehouse: Path
    published: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def default_signals() -> None:
    """In the child before exec: a shell may have left SIGINT/SIGTERM ignored, and dagster dev inherits it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def graphql(base_url: str, query: str, variables: dict | None = None, timeout: float = 30) -> dict:
    request = urllib.request.Request(
        f"{base_url}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = json.load(response)
    assert not body.get("errors"), f"GraphQL errors: {body['errors']}"
    return body["data"]


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_group(process: subprocess.Popen) -> bool:
    """SIGINT to the whole process group, as Ctrl-C in `make dev` would; SIGKILL only as a last resort.

    True when SIGINT alone stopped every process of the group.
    """
    pgid = process.pid  # start_new_session: the leader's pid is the group's id
    if process.poll() is None:
        os.killpg(pgid, signal.SIGINT)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline and (process.poll() is None or group_alive(pgid)):
        time.sleep(0.2)
    if process.poll() is None or group_alive(pgid):
        if group_alive(pgid):
            os.killpg(pgid, signal.SIGKILL)
        process.wait(timeout=10)
        return False
    return True


def log_tail(log: Path, chars: int = 4000) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-chars:] if log.exists() else ""


def wait_until_loaded(dev: DagsterDev) -> None:
    """Until the webserver answers and the code location has loaded (bounded by READY_TIMEOUT)."""
    deadline = time.monotonic() + READY_TIMEOUT
    last = "no answer yet"
    while time.monotonic() < deadline:
        if dev.process.poll() is not None:
            pytest.fail(f"dagster dev exited with {dev.process.returncode}:\n{log_tail(dev.log)}")
        try:
            workspace = graphql(dev.base_url, LOCATION_QUERY, timeout=5)["workspaceOrError"]
        except (OSError, urllib.error.URLError, ValueError) as error:
            last = repr(error)
        else:
            assert workspace["__typename"] == "Workspace", workspace
            entries = workspace["locationEntries"]
            last = repr(entries)
            for entry in entries:
                error = entry["locationOrLoadError"]
                if error and error["__typename"] == "PythonError":
                    pytest.fail(f"code location {entry['name']} failed to load: {error['message']}")
            if entries and all(entry["loadStatus"] == "LOADED" for entry in entries):
                return
        time.sleep(1)
    pytest.fail(f"dagster dev not ready within {READY_TIMEOUT} s (last: {last}):\n{log_tail(dev.log)}")


def start_dagster_dev(root: Path) -> Iterator[DagsterDev]:
    """Build the sample corpus with `make run`'s command, then serve `make dev`'s UI on it."""
    landing = copy_samples(root / "landing")
    warehouse, published = root / "data" / "warehouse.duckdb", root / "data" / "published"
    env = quiet_env(root, landing, warehouse, published)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    run_cli(env, root / "make_run.log")
    port = free_port()
    # make dev's command: ogi-dagster (Dagster's CLI on the instance and settings of make run)
    command = [str(VENV_BIN / "ogi-dagster"), "dev", "-h", "127.0.0.1", "-p", str(port)]
    command += ["-m", "dagster_project.definitions"]
    log = root / "dagster_dev.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=default_signals,
            start_new_session=True,  # its own process group: SIGINT reaches the webserver and daemon too
        )
    dev = DagsterDev(f"http://127.0.0.1:{port}", process, log, env, landing, warehouse, published)
    try:
        wait_until_loaded(dev)
        yield dev
    finally:
        stopped_by_sigint = stop_group(process)
    assert not group_alive(process.pid), "processes of dagster dev are still running"
    assert stopped_by_sigint, f"dagster dev ignored SIGINT for {STOP_TIMEOUT} s:\n{log_tail(log)}"
