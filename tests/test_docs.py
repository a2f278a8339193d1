"""`make docs` / `make docs-serve` (dagster_project.dbt_docs) with the real dbt CLI.

One warehouse, built once from the sample reports by exactly what `make run` runs, serves every
test. The docs go to their own target path (dbt/target/docs); the manifest the Dagster code
location reads (dbt/target/manifest.json) must come out of it untouched, and a run holding the
warehouse is named, never a traceback.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO_ROOT, quiet_env

from dagster_project.dbt_docs import DOCS_TARGET_PATH
from dagster_project.dbt_manifest import DBT_PROJECT, project_files

pytestmark = pytest.mark.e2e

DOCS = [sys.executable, "-m", "dagster_project.dbt_docs"]
DBT_TIMEOUT = 300
HOLDER_RUN = "holder-run-7f3a"


@dataclass
class Built:
    warehouse: Path
    env: dict[str, str]


@pytest.fixture(scope="module")
def built(samples_published: dict[str, Path]) -> Built:
    """The session's samples build (docs read it; the run-lock test only holds its lock)."""
    root, landing, warehouse, published = (
        samples_published[key] for key in ("root", "landing", "warehouse", "published")
    )
    env = quiet_env(root, landing, warehouse, published)
    assert warehouse.is_file()
    return Built(warehouse, env)


def docs(*args: str, env: dict[str, str], timeout: float = DBT_TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DOCS, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_generate_writes_its_own_target_path_and_leaves_dagsters_manifest_alone(built: Built) -> None:
    manifest = DBT_PROJECT.manifest_path
    before = (manifest.read_bytes(), manifest.stat().st_mtime_ns)
    started = time.time()

    done = docs("generate", env=built.env)

    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert (manifest.read_bytes(), manifest.stat().st_mtime_ns) == before
    # nor does the next load of the code location parse again: the staleness check skips the docs
    assert not [path for path in project_files(DBT_PROJECT.project_dir) if DOCS_TARGET_PATH in path.parents]
    assert DBT_PROJECT.project_dir / "target" / "docs" == DOCS_TARGET_PATH
    for name in ("index.html", "catalog.json", "manifest.json"):
        assert (DOCS_TARGET_PATH / name).stat().st_mtime >= started - 1, name
    catalog = json.loads((DOCS_TARGET_PATH / "catalog.json").read_text(encoding="utf-8"))
    dim_report = catalog["nodes"]["model.ogi_warehouse.dim_report"]
    assert dim_report["metadata"]["schema"] == "marts"
    assert {"report_id", "report_year"} <= set(dim_report["columns"])
    assert "target='docs'" in output  # the read-only profile target
    assert "Traceback" not in output


def test_generate_names_the_run_that_holds_the_warehouse(built: Built) -> None:
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from dagster_project.run_lock import RunLock; lock = RunLock(sys.argv[1]); "
            f"lock.acquire(5, {HOLDER_RUN!r}); print('locked', flush=True); sys.stdin.read()",
            str(built.warehouse),
        ],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:  # a run holding the warehouse
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
            done = docs("generate", env={**built.env, "WAREHOUSE_LOCK_WAIT_SECONDS": "1"}, timeout=60)
        finally:
            holder.kill()

    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert f"run {HOLDER_RUN} (pid {holder.pid}" in done.stderr, output
    assert f"waiting for run {HOLDER_RUN}" in done.stdout  # it waited first, saying for whom
    assert "Traceback" not in output
    assert "Running with dbt" not in output  # dbt never started: the warehouse was not touched


def test_generate_without_a_warehouse_says_to_build_it_first(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "warehouse.duckdb"
    env = quiet_env(tmp_path, REPO_ROOT / "samples" / "reports", missing, tmp_path / "published")

    done = docs("generate", env=env, timeout=60)

    assert done.returncode != 0
    assert "run `make run` first" in done.stderr
    assert str(missing) in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not missing.parent.exists()  # no lock file, no directory left behind


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_serves_the_docs_and_stops_quietly(built: Built, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [*DOCS, "serve", "--port", str(port)], cwd=REPO_ROOT, env=built.env, stdout=out, stderr=out
        )
        try:
            catalog = fetch(f"http://127.0.0.1:{port}/catalog.json", server, deadline=time.monotonic() + 120)
            assert "model.ogi_warehouse.dim_report" in json.loads(catalog)["nodes"]
            assert b"<html" in fetch(f"http://127.0.0.1:{port}/index.html", server, time.monotonic() + 10)

            busy = docs("serve", "--port", str(port), env=built.env, timeout=60)
            assert busy.returncode != 0 and f"127.0.0.1:{port} is in use" in busy.stderr
            assert "Traceback" not in busy.stdout + busy.stderr

            server.send_signal(signal.SIGINT)  # Ctrl+C
            assert server.wait(timeout=30) == 0
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
    output = log.read_text(encoding="utf-8")
    assert "dbt docs: stopped" in output
    assert "Traceback" not in output


def fetch(url: str, server: subprocess.Popen[bytes], deadline: float) -> bytes:
    while True:
        assert server.poll() is None, "the docs server exited"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
