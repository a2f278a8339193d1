"""The Dagster UI, checked as a person would: the real `dagster dev`, its GraphQL API, headless Chromium.

One `dagster dev` (as `make dev` starts it, on a free port and a throwaway instance) serves
both checks: the asset graph it reports over GraphQL, and a screenshot of the global asset
lineage page rendered by Debian's headless Chromium. The test is skipped where
/usr/bin/chromium is absent, except in CI (CI=true), where `.ci/run` installs it.

`UPDATE_DOCS_SCREENSHOT=1` also copies the screenshot to docs/asset-graph.png (the README's).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO_ROOT, VENV_BIN, write_dagster_home

from dagster_project.settings import INSTANCE_ENV

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
DOCS_SCREENSHOT = REPO_ROOT / "docs" / "asset-graph.png"
READY_TIMEOUT = 120  # dagster dev answers in ~25 s on two cores
STOP_TIMEOUT = 30
CHROMIUM_TIMEOUT = 90
# The global asset lineage ("Lineage" in the UI's navigation, titled "Global asset lineage") in
# Dagster 1.13. By default every group is one collapsed box; `expanded` (group ids as the UI itself
# writes them into the URL) opens raw, marts and publish, so the picture names the assets. The page
# zooms to fit the graph's width: more expanded groups would make the graph too tall to read.
GRAPH_ROUTE = "/asset-groups?expanded=" + ",".join(f"global@global:{g}" for g in ("raw", "marts", "publish"))

RAW_KEYS = {"raw/report_files", "raw/reports"}
STAGING_KEYS = {"staging/stg_reports"}
MART_KEYS = {"marts/dim_report", "marts/fct_applications", "marts/fct_identity_checks"}
AUDIT_KEYS = {"audit/rejected_files"}
PUBLISH_KEY = "published/warehouse"

ASSET_NODES_QUERY = """
query AssetGraph {
  assetNodes {
    assetKey { path }
    groupName
    hasAssetChecks
    assetChecksOrError {
      __typename
      ... on AssetChecks { checks { name } }
    }
  }
}
"""
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


def require_chromium() -> None:
    if CHROMIUM.is_file():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(
            f"{CHROMIUM} is missing although CI=true: .ci/run should have installed Debian's chromium"
        )
    pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium) to check the UI")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def default_signals() -> None:
    """In the child before exec: a shell may have left SIGINT/SIGTERM ignored, and dagster dev inherits it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def graphql(base_url: str, query: str, timeout: float = 30) -> dict:
    request = urllib.request.Request(
        f"{base_url}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = json.load(response)
    assert not body.get("errors"), f"GraphQL errors: {body['errors']}"
    return body["data"]


@dataclass
class DagsterDev:
    base_url: str
    process: subprocess.Popen
    log: Path


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


@pytest.fixture(scope="module")
def chromium() -> Path:
    require_chromium()
    return CHROMIUM


@pytest.fixture(scope="module")
def dagster_dev(
    chromium: Path, tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path
) -> Iterator[DagsterDev]:
    """`make dev`'s command on a free port; skipped (before dbt parse) where Chromium is missing."""
    root = tmp_path_factory.mktemp("ui")
    landing = root / "landing"
    landing.mkdir()
    port = free_port()
    env = {
        **os.environ,
        **INSTANCE_ENV,  # as make exports it for `make dev`
        "DAGSTER_HOME": str(write_dagster_home(root / "dagster_home")),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "WAREHOUSE_LANDING_DIR": str(landing),
        "WAREHOUSE_PATH": str(root / "data" / "warehouse.duckdb"),
        "WAREHOUSE_PUBLISH_DIR": str(root / "data" / "published"),
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    command = [str(VENV_BIN / "dagster"), "dev", "-h", "127.0.0.1", "-p", str(port)]
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
    dev = DagsterDev(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_until_loaded(dev)
        yield dev
    finally:
        stopped_by_sigint = stop_group(process)
    assert not group_alive(process.pid), "processes of dagster dev are still running"
    assert stopped_by_sigint, f"dagster dev ignored SIGINT for {STOP_TIMEOUT} s:\n{log_tail(log)}"


def asset_nodes(dev: DagsterDev) -> dict[str, dict]:
    nodes = graphql(dev.base_url, ASSET_NODES_QUERY)["assetNodes"]
    return {"/".join(node["assetKey"]["path"]): node for node in nodes}


def check_names(node: dict) -> list[str]:
    checks = node["assetChecksOrError"]
    assert checks["__typename"] == "AssetChecks", checks
    return [check["name"] for check in checks["checks"]]


def png_rows(png: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the (still filtered) scanlines of an 8-bit PNG: enough to tell a blank image."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height, idat, pos = 0, 0, b"", 8
    channels = 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", data[:10])
            assert depth == 8, f"unexpected bit depth {depth}"
            channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + width * channels
    assert len(raw) == stride * height, "truncated PNG"
    return width, height, [raw[i : i + stride] for i in range(0, len(raw), stride)]


def run_chromium(url: str, profile: Path, *action: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        f"--user-data-dir={profile}",
        "--window-size=1600,1000",
        "--virtual-time-budget=20000",
        *action,
        url,
    ]
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=CHROMIUM_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"chromium did not finish within {CHROMIUM_TIMEOUT} s: {' '.join(command)}")
    if group_alive(process.pid):  # helpers (zygote, GPU) left behind
        os.killpg(process.pid, signal.SIGKILL)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def test_graphql_lists_the_asset_graph_and_its_checks(dagster_dev: DagsterDev) -> None:
    nodes = asset_nodes(dagster_dev)
    keys = set(nodes)
    assert any(key.startswith("raw/") for key in keys), sorted(keys)
    expected = RAW_KEYS | STAGING_KEYS | MART_KEYS | AUDIT_KEYS | {PUBLISH_KEY}
    missing = expected - keys
    assert not missing, f"missing from the UI's asset graph: {sorted(missing)} (has {sorted(keys)})"
    assert nodes["marts/fct_applications"]["groupName"] == "marts"

    # dbt tests became asset checks, and the UI lists them
    with_checks = {key for key, node in nodes.items() if node["hasAssetChecks"]}
    assert "marts/fct_identity_checks" in with_checks, sorted(with_checks)
    assert check_names(nodes["marts/fct_identity_checks"]), "no asset check on marts/fct_identity_checks"
    assert sum(len(check_names(nodes[key])) for key in with_checks) >= len(MART_KEYS)


def test_asset_graph_page_renders(dagster_dev: DagsterDev, tmp_path: Path) -> None:
    # the first-visit pop-up would cover the page: dismiss it as a person's click would
    assert graphql(dagster_dev.base_url, "mutation { setNuxSeen }")["setNuxSeen"] is True
    assert graphql(dagster_dev.base_url, "{ shouldShowNux }")["shouldShowNux"] is False

    url = f"{dagster_dev.base_url}{GRAPH_ROUTE}"
    screenshot = tmp_path / "asset-graph.png"
    done = run_chromium(url, tmp_path / "chromium", f"--screenshot={screenshot}", "--dump-dom")
    assert screenshot.is_file(), (
        f"chromium wrote no screenshot (exit {done.returncode}):\n{done.stderr[-3000:]}"
    )

    # the DOM as rendered: the asset graph itself, not an error page or the pop-up
    dom = done.stdout
    assert "Global asset lineage" in dom, f"not the lineage page:\n{dom[-3000:]}"
    for name in ("report_files", "fct_applications", "dim_report", "warehouse", "staging", "intermediate"):
        assert f">{name}<" in dom, f"{name} is not drawn on {GRAPH_ROUTE}"
    assert 'role="dialog"' not in dom, "a dialog (the first-visit pop-up?) covers the page"
    assert "Unexpected GraphQL error" not in dom

    # the picture: a full-size, non-blank PNG
    png = screenshot.read_bytes()
    assert len(png) > 20_000, f"screenshot is only {len(png)} bytes"
    width, height, rows = png_rows(png)
    assert (width, height) == (1600, 1000)
    assert len(set(rows)) > height // 10, "screenshot looks blank: too few distinct rows"

    if os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":
        DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(screenshot, DOCS_SCREENSHOT)
