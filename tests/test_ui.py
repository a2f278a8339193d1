"""The Dagster UI, checked as a person would: the real `dagster dev`, its GraphQL API, headless Chromium.

The session's one `dagster dev` (``conftest.dagster_dev``: as `make dev` starts it, on a free port
and a throwaway instance, over the sample corpus) serves both checks: the asset graph it reports
over GraphQL, and a screenshot of the global asset lineage page rendered by Debian's headless
Chromium. The screenshot is skipped where /usr/bin/chromium is absent, except in CI (CI=true),
where `.ci/run` installs it.

`UPDATE_DOCS_SCREENSHOT=1` also copies the screenshot to docs/asset-graph.png (the README's).
"""

from __future__ import annotations

import os
import shutil
import signal
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from dagster_ui import DagsterDev, graphql, group_alive

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
DOCS_SCREENSHOT = REPO_ROOT / "docs" / "asset-graph.png"
CHROMIUM_TIMEOUT = 90
# The global asset lineage ("Lineage" in the UI's navigation, titled "Global asset lineage") in
# Dagster 1.13. By default every group is one collapsed box; `expanded` (group ids as the UI itself
# writes them into the URL) opens marts and publish, so the picture names the tables BI tools read,
# with raw → staging → intermediate drawn as boxes before them. The page draws only the nodes in
# view and zooms no further out than a node stays legible: with raw open too (13 assets, each fact
# mart fed by raw/facts_to_rebuild) the graph is taller than the page and most of it is cut off.
GRAPH_ROUTE = "/asset-groups?expanded=" + ",".join(f"global@global:{g}" for g in ("marts", "publish"))
MIN_DRAWN_ASSETS = 8

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


def require_chromium() -> None:
    if CHROMIUM.is_file():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(
            f"{CHROMIUM} is missing although CI=true: .ci/run should have installed Debian's chromium"
        )
    pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium) to check the UI")


@pytest.fixture(scope="module")
def chromium() -> Path:
    require_chromium()
    return CHROMIUM


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


def test_asset_graph_page_renders(chromium: Path, dagster_dev: DagsterDev, tmp_path: Path) -> None:
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
    for name in ("dim_report", "warehouse", "raw", "staging", "intermediate", "marts", "publish"):
        assert f">{name}<" in dom, f"{name} is not drawn on {GRAPH_ROUTE}"
    names = {key.split("/")[-1] for key in asset_nodes(dagster_dev)}
    drawn = sorted(name for name in names if f">{name}<" in dom)
    assert len(drawn) >= MIN_DRAWN_ASSETS, f"only {drawn} drawn on {GRAPH_ROUTE}"
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
