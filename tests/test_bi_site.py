"""The BI site (bi/, docs/bi.md) built on the sample corpus and read in headless Chromium.

The site is built as ``make bi`` builds it (``dagster_project.bi_site.build``: npm ci from the
committed lockfile where bi/node_modules is missing, then Observable Framework) from the snapshot
that the session's ``samples_published`` fixture published with make run's command (shared with
the other tests that only read the samples' snapshot). It builds in a copy of bi/'s sources
(node_modules linked), leaving a developer's bi/build alone, and is served from a loopback port
by a thread of this process. Every page is opened in Debian's headless Chromium: none shows an
error cell, and the figures the pages print equal the same SQL over the published warehouse.

Skipped where Node or Chromium is missing, except in CI (CI=true), where `.ci/run` installs
Chromium and the CJK font and Node is on the image. ``UPDATE_DOCS_SCREENSHOT=1`` also copies each
page's screenshot to docs/bi/<page>.png (docs/bi.md shows them).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
from conftest import REPO_ROOT
from test_ui import png_rows, require_chromium, run_chromium

from dagster_project import bi_site

pytestmark = pytest.mark.e2e

DOCS_DIR = REPO_ROOT / "docs" / "bi"
# each page, and a heading that only it shows once its code ran
PAGES = {
    "index": "被拒文件 Rejected files by reason",
    "requests": "不予公开理由 Top denial reasons",
    "errors": "未通过的核验 Failed identities",
    "report": "印刷的数字 The printed numbers, side by side",
    "agency": "机关 Agency",
    "trading": "交易中心 Trading centres",
}
# a figure printed on a page (<span id="figure-…">) and the same number by SQL over the snapshot
FIGURES = {
    ("index", "figure-reports"): "select count(*) from marts.dim_report",
    ("index", "figure-rejected"): "select count(*) from audit.rejected_files",
    ("requests", "figure-new-received"): (
        "select sum(value) from marts.fct_applications"
        " where applicant_type = 'total' and outcome_code = 'new_received'"
    ),
    ("requests", "figure-denied"): (
        "select sum(value) from marts.fct_applications"
        " where applicant_type = 'total' and outcome_group = 'denied'"
    ),
    ("errors", "figure-failed-checks"): (
        "select count(*) from marts.fct_identity_checks where status = 'fail'"
    ),
    ("trading", "figure-projects"): (
        "select sum(project_count) from marts.fct_transactions where scope = 'platform'"
    ),
}
LOAD_ATTEMPTS = 3
ERROR_MARKERS = ("observablehq--error", "RuntimeError", "SyntaxError", "is not defined")


def require_node() -> None:
    why = bi_site.missing_node()
    if why is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but the BI site cannot be built: {why}")
    pytest.skip(why)


@pytest.fixture(scope="module")
def site(samples_published: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from the session's published sample snapshot, in a copy of bi/."""
    require_chromium()
    require_node()
    copy = tmp_path_factory.mktemp("bi") / "bi"
    ignore = shutil.ignore_patterns("node_modules", "build", ".observablehq", "__pycache__")
    shutil.copytree(bi_site.BI_DIR, copy, ignore=ignore)
    (copy / "node_modules").symlink_to(bi_site.NODE_MODULES, target_is_directory=True)
    if not bi_site.NODE_MODULES.exists():  # npm ci creates it: link first, fill it in build()
        bi_site.NODE_MODULES.mkdir()
    return bi_site.build(samples_published["published"], site_dir=copy).parent


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    """bi/build served on a free loopback port by a thread; shut down whatever the tests did."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def rendered(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, Path]]:
    """Every page as Chromium rendered it: its DOM and a screenshot."""
    out = tmp_path_factory.mktemp("bi-pages")
    pages = {}
    for page in PAGES:
        screenshot = out / f"{page}.png"
        for attempt in range(LOAD_ATTEMPTS):  # a page Chromium dumped while a cell still loaded: again
            done = run_chromium(
                f"{base_url}/{page}.html",
                out / f"profile-{page}-{attempt}",
                f"--screenshot={screenshot}",
                "--dump-dom",
            )
            if "<observablehq-loading>" not in done.stdout:
                break
        assert screenshot.is_file(), f"no screenshot of {page} ({done.returncode}):\n{done.stderr[-2000:]}"
        pages[page] = (done.stdout, screenshot)
    if os.environ.get("UPDATE_DOCS_SCREENSHOT") == "1":
        DOCS_DIR.mkdir(parents=True, exist_ok=True)
        for page, (_, screenshot) in pages.items():
            shutil.copyfile(screenshot, DOCS_DIR / f"{page}.png")
    return pages


def figure(dom: str, figure_id: str) -> str:
    found = re.search(rf'id="{figure_id}"[^>]*>([^<]*)<', dom)
    assert found, f"no #{figure_id} in the page"
    return found.group(1).strip()


def test_every_page_renders_without_error(rendered: dict[str, tuple[str, Path]]) -> None:
    for page, heading in PAGES.items():
        dom, screenshot = rendered[page]
        assert heading in dom, f"{page}: {heading!r} is not on the page:\n{dom[-2000:]}"
        errors = [marker for marker in ERROR_MARKERS if marker in dom]
        assert not errors, f"{page} shows an error ({errors}):\n{dom[-3000:]}"
        assert "<svg" in dom, f"{page} drew no chart"
        assert "<table" in dom, f"{page} shows no table"
        assert "<observablehq-loading>" not in dom, f"{page} was still loading"
        width, height, rows = png_rows(screenshot.read_bytes())
        assert (width, height) == (1600, 1000)
        assert len(set(rows)) > height // 10, f"the screenshot of {page} looks blank"


def test_figures_equal_the_same_sql_over_the_warehouse(
    rendered: dict[str, tuple[str, Path]], samples_published: dict[str, Path]
) -> None:
    with duckdb.connect(str(samples_published["published"] / "warehouse.duckdb"), read_only=True) as con:
        for (page, figure_id), sql in FIGURES.items():
            (expected,) = con.execute(sql).fetchone()
            assert expected is not None and expected > 0, f"{sql}: nothing to compare on the samples"
            shown = figure(rendered[page][0], figure_id)
            assert shown == str(round(expected)), f"{page} #{figure_id} shows {shown}, SQL says {expected}"


def test_publisher_errors_drill_down_to_the_printed_numbers(
    rendered: dict[str, tuple[str, Path]], base_url: str, samples_published: dict[str, Path], tmp_path: Path
) -> None:
    with duckdb.connect(str(samples_published["published"] / "warehouse.duckdb"), read_only=True) as con:
        report_id, lhs, rhs = con.execute(
            "select report_id, lhs, rhs from marts.fct_identity_checks"
            " where status = 'fail' and rule_code = 'app_balance' order by report_id, scope limit 1"
        ).fetchone()
        cells = con.execute(
            "select outcome_code, value from marts.fct_applications"
            " where report_id = ? and applicant_type = 'total' and source_method in ('table', 'ocr')"
            " and outcome_code in"
            " ('new_received', 'carried_over', 'total_processed', 'carried_forward')",
            [report_id],
        ).fetchall()
    # the list links to the report
    assert f"report.html?id={report_id}" in rendered["errors"][0]
    done = run_chromium(f"{base_url}/report.html?id={report_id}", tmp_path / "profile", "--dump-dom")
    dom = done.stdout
    assert f'id="report-id">{report_id}<' in dom, dom[-2000:]
    # both sides of app_balance as the identity sums them: lhs = received + carried over
    printed = dict(cells)
    assert printed["new_received"] + printed["carried_over"] == lhs
    assert printed["total_processed"] + printed["carried_forward"] == rhs
    for code in printed:
        assert f">{code}<" in dom, f"{code} (a cell of the failed identity) is not listed"
    assert f"{float(lhs):g} ≠ {float(rhs):g}" in dom, "the failed identity's two sides are not shown"
