"""The crawler against a portal on loopback (issue 18, point 6).

A real HTTP server on 127.0.0.1, started here, serves a report column rendered from the synthetic
generator: listing pages in UTF-8 and GBK paginated three ways (下一页, ``createPageHTML`` in a
script, ``?page=2``), report pages, PDF and DOCX attachments, a robots.txt that disallows a path
holding a report, a 429 with Retry-After, a 503 whose Retry-After is too long to wait, a flaky
500, a redirect chain and a redirect loop, a response slower than the read timeout, an oversize
file, the same report linked twice, a report outside the config's years and a link to a host
outside ``allowed_hosts``. The crawl is held to what the server holds; what it collected is parsed
(and registered and read by the warehouse's raw assets) and held to the generator's truth; a
second crawl downloads nothing, a changed report is saved beside the old one, and a crawl cut
short or killed resumes without downloading again. No request leaves loopback (a link to another
host is only ever a link).
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import random
import threading
import time
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_synthetic_roundtrip import describe, mismatches

from crawl.config import ConfigError, Portal, Settings, load_config, settings_from_env
from crawl.fetch import retry_after
from crawl.links import listing_links
from crawl.run import crawl_portal
from crawl.store import STATE_FILE
from ingest.discover import read_sidecar_checked
from ingest.parser import parse_bytes
from ingest.records import ParsedReport, RawFile
from synthetic.corpus import Item
from synthetic.docx import iter_docx_pairs
from synthetic.pdf import render_pdf
from synthetic.truth import ReportTruth
from synthetic.values import Shares

SEED = 18
COLUMN = "/zfxxgk/ndbg"
DELAY = 0.02
SETTINGS = Settings(
    delay_s=DELAY,
    max_pages=100,
    user_agent="ogi-warehouse-crawler/0.1 (+https://example.org/ogi-contact)",
    connect_timeout_s=2.0,
    read_timeout_s=0.3,
    max_bytes=1_000_000,
    retries=2,
    backoff_s=0.05,
    max_retry_wait_s=5.0,
)


# what the container decides (a page's charset, a document's shape): not the crawler's to keep
CONTAINER = {"encoding", "source_shape"}


def differences(truth: ReportTruth, report) -> list[tuple[str, object, object]]:
    return [m for m in mismatches(truth, report) if m[0] not in CONTAINER]


def parses_to_truth(item: Item) -> bool:
    extension = Path(item.truth.path).suffix
    raw = RawFile(item.truth.path, hashlib.sha256(item.data).hexdigest(), len(item.data), extension)
    return differences(item.truth, parse_bytes(raw, item.data)) == []


@dataclass
class Report:
    """One report of the portal: its page, its Word document and its truth."""

    truth: ReportTruth
    page: bytes
    docx: bytes
    docx_truth: ReportTruth
    title: str


def draw_reports(n: int) -> list[Report]:
    """``n`` generated reports in simplified script whose page and document read back to their
    truth (the parser's own gaps are tested elsewhere: here the crawler is)."""
    found = []
    for document, page in iter_docx_pairs(60, SEED, Shares(error=0.0, blank=0.2, variant=0.3)):
        truth = page.truth
        if truth.script != "simplified" or "title_guanyu" in truth.variants:
            continue
        if not (parses_to_truth(page) and parses_to_truth(document)):
            continue
        found.append(
            Report(
                truth,
                page.data,
                document.data,
                document.truth,
                f"{truth.agency.title_name}{truth.report_year}年政府信息公开工作年度报告",
            )
        )
        if len(found) == n:
            return found
    raise AssertionError(f"only {len(found)} usable reports among the generated ones")


@dataclass
class Resource:
    body: bytes
    content_type: str
    # (status, Retry-After) to answer first, one per request
    faults: list[tuple[int, str | None]] = field(default_factory=list)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class Hit:
    path: str
    start: float
    end: float
    status: int
    headers: dict[str, str]


class Portal_:
    """The server's content and its log of every request."""

    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}
        self.redirects: dict[str, str] = {}
        self.slow: set[str] = set()
        self.hits: list[Hit] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.lock = threading.Lock()

    def statuses(self, path: str) -> list[int]:
        return [hit.status for hit in self.hits if hit.path == path]

    def downloads(self, since: int = 0) -> list[str]:
        """Paths answered with a body (200) the crawler reads, from hit number ``since`` on: not
        robots.txt, nor the oversize file (dropped at its Content-Length, unread)."""
        unread = {"/robots.txt", f"{COLUMN}/big.pdf"}
        return [h.path for h in self.hits[since:] if h.status == 200 and h.path not in unread]


def handler_for(portal: Portal_) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_: object) -> None:
            pass

        def do_GET(self) -> None:
            # The slow answer is still being written when the crawler has given up on it and gone
            # on: it is left out of the count of requests in flight.
            counted = self.path not in portal.slow
            hit = Hit(self.path, time.monotonic(), 0.0, 0, dict(self.headers))
            with portal.lock:
                portal.hits.append(hit)
                portal.in_flight += counted
                portal.most_in_flight = max(portal.most_in_flight, portal.in_flight)
            try:
                hit.status = self.answer()
            except (BrokenPipeError, ConnectionResetError):
                hit.status = 599  # the client hung up (it timed out)
            hit.end = time.monotonic()
            with portal.lock:
                portal.in_flight -= counted

        def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> int:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)
            return status

        def answer(self) -> int:
            path = self.path
            if path in portal.redirects:
                return self.send(
                    302 if path.startswith("/go/") else 301, headers={"Location": portal.redirects[path]}
                )
            if path in portal.slow:
                time.sleep(SETTINGS.read_timeout_s * 3)
                return self.send(200, b"<html>late</html>", {"Content-Type": "text/html"})
            resource = portal.resources.get(path)
            if resource is None:
                return self.send(404, b"not found")
            if resource.faults:
                status, wait = resource.faults.pop(0)
                return self.send(status, b"busy", {"Retry-After": wait} if wait else {})
            headers = {
                "Content-Type": resource.content_type,
                "ETag": resource.etag,
                "Last-Modified": "Mon, 20 Jan 2025 08:00:00 GMT",
            }
            if self.headers.get("If-None-Match") == resource.etag:
                return self.send(304, headers={"ETag": resource.etag})
            return self.send(200, resource.body, headers)

    return Handler


def listing(title: str, items: list[str], charset: str, extra: str = "") -> bytes:
    meta = {"utf-8": "utf-8", "gbk": "gb2312"}[charset]
    rows = "\n".join(items)
    html = (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={meta}">'
        f"<title>{title}</title></head><body>"
        '<div class="nav"><a href="/">首页</a> <a href="index.html">政府信息公开年报</a></div>'
        f'<ul class="list">{rows}</ul>{extra}</body></html>'
    )
    return html.encode(charset)


def row(href: str, text: str, date: str, title: str | None = None) -> str:
    attribute = f' title="{title}"' if title else ""
    return f'<li><a href="{href}"{attribute} target="_blank">{text}</a><span class="date">{date}</span></li>'


@dataclass
class Site:
    portal: Portal_
    base: str
    reports: list[Report]
    pdf: bytes
    pdf_truth: ReportTruth
    expected: dict[str, tuple[ReportTruth, str]]  # served path → (truth, its listing date)
    never: set[str]  # paths that must never be requested


@pytest.fixture(scope="module")
def site():
    a, b, c, d, e = draw_reports(5)
    pdf_truth = copy.deepcopy(d.truth)
    pdf = render_pdf(pdf_truth, random.Random(SEED))
    portal = Portal_()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(portal))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    html = "text/html; charset=utf-8"  # what many portals send, whatever the page's bytes are
    old_year = min(r.truth.report_year for r in (a, b, c, d)) - 5
    r = portal.resources
    r["/robots.txt"] = Resource(b"User-agent: *\nDisallow: /private/\n", "text/plain")
    r[f"{COLUMN}/index.html"] = Resource(
        listing(
            "年报",
            [
                row("A.html", a.title, "2025-01-20"),
                row("./B.html", b.title[:12] + "…", "2025-01-21", title=b.title),
                row("old.html", f"{old_year}年度政府信息公开工作年度报告", "2015-01-30"),
                row(f"http://127.0.0.2:{server.server_address[1]}/x.html", f"{old_year + 5}年报(转载)", ""),
            ],
            "utf-8",
            '<div class="page"><a href="index_1.html">下一页</a></div>'
            '<script>createPageHTML(3, 0, "index", "html");</script>',
        ),
        html,
    )
    r[f"{COLUMN}/index_1.html"] = Resource(
        listing(
            "年报",
            [
                row(f"{base}{COLUMN}/B.html", b.title, "2025-01-21"),  # the same report, linked again
                row("/go/C", c.title, "2025-01-22"),
                row("/private/E.html", e.title, "2025-01-23"),
                row("slow.html", f"{old_year + 5}年政府信息公开工作年度报告(慢)", "2025-01-24"),
                row("big.pdf", f"{old_year + 5}年政府信息公开工作年度报告(扫描件)", "2025-01-24"),
                row("/loop/a", f"{old_year + 5}年政府信息公开工作年报(旧址)", "2025-01-24"),
                row("busy.html", f"{old_year + 5}年政府信息公开工作年度报告(维护中)", "2025-01-24"),
            ],
            "gbk",
        ),
        "text/html",
    )
    r[f"{COLUMN}/index_2.html"] = Resource(
        listing("年报", [row("D.html", d.title, "2025-01-25")], "gbk", '<a href="list.html?page=2">2</a>'),
        html,
    )
    r[f"{COLUMN}/list.html?page=2"] = Resource(
        listing("年报", [row("/files/A.docx", a.title + "(附件)", "2025-01-20")], "utf-8"), html
    )
    r[f"{COLUMN}/A.html"] = Resource(a.page, html, faults=[(429, "1")])
    r[f"{COLUMN}/B.html"] = Resource(b.page, html)
    r[f"{COLUMN}/C.html"] = Resource(c.page, html, faults=[(500, None)])
    attachments = (
        '<p>附件：<a href="/files/D.pdf">报告原件.pdf</a> <a href="/files/download?id=7">报告.docx</a></p>'
    )
    r[f"{COLUMN}/D.html"] = Resource(d.page.replace(b"</body>", attachments.encode() + b"</body>"), html)
    r["/files/D.pdf"] = Resource(pdf, "application/pdf")
    r["/files/download?id=7"] = Resource(d.docx, "application/octet-stream")
    r["/files/A.docx"] = Resource(a.docx, "application/octet-stream")
    r["/private/E.html"] = Resource(e.page, html)
    r[f"{COLUMN}/old.html"] = Resource(a.page, html)
    # down for maintenance for an hour, every time it is asked: not waited for, tried another day
    r[f"{COLUMN}/busy.html"] = Resource(e.page, html, faults=[(503, "3600")] * 100)
    r[f"{COLUMN}/big.pdf"] = Resource(b"%PDF-1.4\n" + b"0" * (SETTINGS.max_bytes + 1), "application/pdf")
    portal.slow.add(f"{COLUMN}/slow.html")
    portal.redirects |= {
        "/go/C": "/go2/C",
        "/go2/C": f"{COLUMN}/C.html",
        "/loop/a": "/loop/b",
        "/loop/b": "/loop/a",
    }
    expected = {
        f"{COLUMN}/A.html": (a.truth, "2025-01-20"),
        f"{COLUMN}/B.html": (b.truth, "2025-01-21"),
        f"{COLUMN}/C.html": (c.truth, "2025-01-22"),  # linked as /go/C: two redirects
        f"{COLUMN}/D.html": (d.truth, "2025-01-25"),
        "/files/D.pdf": (pdf_truth, "2025-01-25"),
        "/files/download?id=7": (d.docx_truth, "2025-01-25"),
        "/files/A.docx": (a.docx_truth, "2025-01-20"),
    }
    never = {"/private/E.html", f"{COLUMN}/old.html", "/x.html"}
    yield Site(portal, base, [a, b, c, d, e], pdf, pdf_truth, expected, never)
    server.shutdown()
    server.server_close()


def portal_config(site: Site, years: tuple[int, int] | None = None) -> Portal:
    if years is None:
        wanted = [t.report_year for t, _ in site.expected.values()]
        years = (min(wanted), max(wanted) + 5)
    return Portal(
        name="demo_city",
        start_urls=(f"{site.base}{COLUMN}/index.html",),
        allowed_hosts=frozenset({urlsplit(site.base).netloc}),
        agency_name=None,
        years=years,
    )


def served_path(url: str) -> str:
    """The server's key of ``url``: its path and query."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def collected(folder: Path) -> dict[str, tuple[Path, dict]]:
    """Every file the crawl kept (by the path its sidecar's final URL names), with its sidecar."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.endswith(".meta.json") and path.name != STATE_FILE:
            sidecar = json.loads(path.with_name(path.name + ".meta.json").read_text("utf-8"))
            found[served_path(sidecar["final_url"])] = (path, sidecar)
    return found


@pytest.fixture(scope="module")
def first(site: Site, tmp_path_factory):
    landing = tmp_path_factory.mktemp("landing")
    started = len(site.portal.hits)
    summary = crawl_portal(portal_config(site), SETTINGS, landing)
    return landing, summary, started


def test_the_crawl_collects_every_report_and_attachment_once(site: Site, first) -> None:
    landing, summary, _ = first
    kept = collected(landing / "demo_city")
    assert set(kept) == set(site.expected)
    assert sorted(summary.written) == sorted(
        p.relative_to(landing / "demo_city").as_posix() for p, _ in kept.values()
    )
    for url_path, (path, sidecar) in kept.items():
        served = site.portal.resources[url_path].body
        assert path.read_bytes() == served, url_path
        assert read_sidecar_checked(path).ignored == (), url_path  # every value is what its key says
        truth, date = site.expected[url_path]
        assert sidecar["http_status"] == 200 and sidecar["listing_date"] == date
        assert (
            sidecar["fetched_at"] and sidecar["content_type"] == site.portal.resources[url_path].content_type
        )
        assert str(truth.report_year) in sidecar["listing_title"]
    # the extension comes from the bytes where the URL has none that names a report form
    assert kept["/files/download?id=7"][0].suffix == ".docx"
    assert kept[f"{COLUMN}/C.html"][0].name == "C.html"
    assert kept[f"{COLUMN}/C.html"][1]["url"] == f"{site.base}/go/C"
    assert kept["/files/D.pdf"][1]["referrer"] == f"{site.base}{COLUMN}/D.html"
    assert kept[f"{COLUMN}/B.html"][1]["referrer"] == f"{site.base}{COLUMN}/index.html"


def test_what_was_collected_reads_back_to_the_generators_truth(site: Site, first) -> None:
    landing, _, _ = first
    problems = []
    for url_path, (path, _) in collected(landing / "demo_city").items():
        data = path.read_bytes()
        raw = RawFile(str(path), hashlib.sha256(data).hexdigest(), len(data), path.suffix)
        report = parse_bytes(replace(raw, sidecar=read_sidecar_checked(path).hints), data)
        assert isinstance(report, ParsedReport), (url_path, report)
        truth, _ = site.expected[url_path]
        problems += [describe(truth, what, want, got) for what, want, got in differences(truth, report)]
    assert problems == [], "\n".join(problems)


def test_the_warehouse_registers_and_reads_what_was_collected(site: Site, first, tmp_path: Path) -> None:
    """The raw assets of a run on the crawl's landing directory: every file collected is a report
    (sidecars and the state file are not), with the facts of its truth and the URL it came from."""
    import dagster as dg
    import duckdb

    from dagster_project.defs.assets.ingest import parsed_reports, regions, report_files
    from dagster_project.runs import report_year_keys
    from dagster_project.warehouse import DuckDBWarehouse, LandingDir

    landing, _, _ = first
    warehouse = tmp_path / "w.duckdb"
    keys = report_year_keys()
    result = dg.materialize(
        [report_files, parsed_reports, regions],
        resources={
            "warehouse": DuckDBWarehouse(path=str(warehouse)),
            "landing": LandingDir(path=str(landing)),
        },
        tags={"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]},
    )
    assert result.success
    kept = {str(path): sidecar for path, sidecar in collected(landing / "demo_city").values()}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        files = {row[0] for row in con.execute("SELECT source_path FROM raw.report_files").fetchall()}
        rows = con.execute("SELECT source_path, agency_name, report_year, url FROM raw.reports").fetchall()
        rejected = con.execute("SELECT source_path, error_code FROM raw.rejected_files").fetchall()
    assert files == set(kept) and rejected == []
    by_path = {served_path(sidecar["final_url"]): path for path, sidecar in kept.items()}
    got = {path: (agency, year, url) for path, agency, year, url in rows}
    for url_path, (truth, _) in site.expected.items():
        path = by_path[url_path]
        assert got[path] == (truth.agency.name, truth.report_year, kept[path]["url"]), url_path


def test_the_crawl_is_polite(site: Site, first) -> None:
    _, summary, started = first
    hits = site.portal.hits[started:]
    requested = {hit.path for hit in hits}
    assert not requested & site.never  # robots.txt, the config's years, allowed_hosts
    assert site.portal.most_in_flight == 1
    # a delay between one answer and the next request (the answers the crawler read to their end:
    # not the slow one, nor the oversize one it dropped at its Content-Length)
    read = [hit for hit in hits if hit.path not in site.portal.slow | {f"{COLUMN}/big.pdf"}]
    assert min(later.start - earlier.end for earlier, later in itertools.pairwise(read)) >= DELAY * 0.9
    assert min(later.start - earlier.start for earlier, later in itertools.pairwise(hits)) >= DELAY * 0.9
    assert {hit.headers["User-Agent"] for hit in hits} == {SETTINGS.user_agent}
    # the 429 was waited out for its Retry-After (1 s), the 500 tried again
    a = [hit for hit in hits if hit.path == f"{COLUMN}/A.html"]
    assert [hit.status for hit in a] == [429, 200] and a[1].start - a[0].end >= 0.95
    assert site.portal.statuses(f"{COLUMN}/C.html")[:2] == [500, 200]
    # the same report linked twice was fetched once; each listing page once
    assert [h.path for h in hits].count(f"{COLUMN}/B.html") == 1
    assert [h.path for h in hits].count(f"{COLUMN}/index_1.html") == 1
    # what could not be had is named, and cost no more than its retries
    failed = {urlsplit(url).path: why for url, why in summary.failed.items()}
    assert set(failed) == {
        f"{COLUMN}/slow.html",
        f"{COLUMN}/big.pdf",
        "/loop/a",
        "/private/E.html",
        "/x.html",
        f"{COLUMN}/busy.html",
    }
    assert "Retry-After 3600" in failed[f"{COLUMN}/busy.html"]
    assert [h.status for h in hits if h.path == f"{COLUMN}/busy.html"] == [503]  # asked once, then left
    assert "robots.txt" in failed["/private/E.html"] and "loop" in failed["/loop/a"]
    assert "allowed_hosts" in failed["/x.html"]
    assert "CRAWL_MAX_BYTES" in failed[f"{COLUMN}/big.pdf"]
    assert [h.path for h in hits].count(f"{COLUMN}/slow.html") == SETTINGS.retries + 1
    assert summary.skipped_years == 1


def test_a_second_crawl_downloads_nothing_and_a_changed_report_is_kept_beside_the_old(
    site: Site, first
) -> None:
    landing, _, _ = first
    folder = landing / "demo_city"
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.name != STATE_FILE}
    started = len(site.portal.hits)
    again = crawl_portal(portal_config(site), SETTINGS, landing)
    assert again.written == [] and site.portal.downloads(started) == []
    assert again.not_modified == len(site.expected) + 4  # the four listing pages answered 304 too
    conditional = [h for h in site.portal.hits[started:] if h.path in site.expected]
    assert conditional and all("If-None-Match" in h.headers for h in conditional)
    b = site.portal.resources[f"{COLUMN}/B.html"]
    old = b.body
    b.body = old.replace(b"</body>", b"<p>\xe6\x9b\xb4\xe6\xad\xa3</p></body>")  # 更正: a corrected page
    try:
        changed = crawl_portal(portal_config(site), SETTINGS, landing)
    finally:
        b.body = old
    assert len(changed.written) == 1
    new = folder / changed.written[0]
    assert new.read_bytes() != old and new.name.startswith("B.") and new.suffix == ".html"
    assert {p: p.read_bytes() for p in before} == before  # nothing overwritten
    # a file removed by hand is fetched whole again (its validators would only say "not modified")
    (removed,) = [p for p in before if p.name == "C.html"]
    removed.unlink()
    started = len(site.portal.hits)
    again = crawl_portal(portal_config(site), SETTINGS, landing)
    # (B.html too: restored to its first bytes, which the folder holds already, so not saved again)
    assert sorted(site.portal.downloads(started)) == [f"{COLUMN}/B.html", f"{COLUMN}/C.html"]
    assert again.written == [removed.relative_to(folder).as_posix()] and again.unchanged == 1
    assert removed.read_bytes() == before[removed]


def test_a_crawl_cut_short_resumes_without_downloading_again(site: Site, tmp_path: Path) -> None:
    started = len(site.portal.hits)
    cut = crawl_portal(portal_config(site), replace(SETTINGS, max_pages=4), tmp_path)
    unfinished = tmp_path / "demo_city" / ".C.html.part"  # killed while writing a file
    unfinished.write_bytes(b"<html>half a pa")
    assert cut.budget_reached and 0 < len(cut.written) < len(site.expected)
    rest = crawl_portal(portal_config(site), SETTINGS, tmp_path)
    assert len(cut.written) + len(rest.written) == len(site.expected)
    downloads = site.portal.downloads(started)
    assert len(downloads) == len(set(downloads))  # nothing downloaded twice
    assert not unfinished.exists()


def test_the_year_range_leaves_reports_out(site: Site, tmp_path: Path) -> None:
    years = sorted({t.report_year for t, _ in site.expected.values()})
    summary = crawl_portal(portal_config(site, years=(years[-1], years[-1])), SETTINGS, tmp_path)
    kept = collected(tmp_path / "demo_city")
    assert kept and {site.expected[p][0].report_year for p in kept} == {years[-1]}
    assert summary.skipped_years >= 1


def test_listing_pagination_forms() -> None:
    html = (
        '<a href="index_3.html">3</a><a href="?page=2">下一页</a><a href="/other/">其他栏目</a>'
        '<a href="/a.html" title="某市2023年政府信息公开工作年度报告">某市2023年…</a>'
        '<a href="/b.pdf">2022年度报告</a><a href="/c.html">政府信息公开工作年度报告（2021）</a>'
        '<a href="/d.html">政府信息公开年报</a><a href="/e.html">工作年度报告 2024-01-20</a>'
        "<script>createPageHTML(3, 0, 'index', 'shtml')</script>"
    )
    links = {(link.url, link.kind, link.year) for link in listing_links("http://h/col/index.html", html)}
    assert links == {
        ("http://h/col/index_3.html", "listing", None),
        ("http://h/col/index.html?page=2", "listing", None),
        ("http://h/a.html", "report", 2023),
        ("http://h/b.pdf", "attachment", 2022),
        ("http://h/c.html", "report", 2021),
        ("http://h/col/index.shtml", "listing", None),
        ("http://h/col/index_1.shtml", "listing", None),
        ("http://h/col/index_2.shtml", "listing", None),
    }


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after("7") == 7.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_config_and_settings(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "crawl.yaml"
    path.write_text(
        "contact: https://example.org/about-the-crawler\n"
        "portals:\n  - name: demo_city\n    start_urls: [http://127.0.0.1:8765/zfxxgk/ndbg/index.html]\n"
        "    agency_name: 示例市人民政府\n    years: [2025, 2019]\n",
        encoding="utf-8",
    )
    config = load_config(path)
    (portal,) = config.portals
    assert portal.allowed_hosts == {"127.0.0.1:8765"} and portal.years == (2019, 2025)
    assert portal.wants_year(2019) and not portal.wants_year(2018) and portal.wants_year(None)
    path.write_text(path.read_text("utf-8").replace("years:", "year:"), encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key"):
        load_config(path)
    monkeypatch.setenv("CRAWL_DELAY_S", "0.5")
    monkeypatch.delenv("CRAWL_USER_AGENT", raising=False)
    settings = settings_from_env(config.contact)
    assert settings.delay_s == 0.5
    assert settings.user_agent == "ogi-warehouse-crawler/0.1 (+https://example.org/about-the-crawler)"


# ---------------------------------------------------------------------------------------------
# Dagster: the crawl asset, its job and schedule, and the refresh it asks for


def test_the_crawl_is_an_asset_upstream_of_the_registry_in_no_warehouse_run(dbt_manifest: Path) -> None:
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.defs.crawl import CRAWL_KEY
    from dagster_project.materialize import EVERY_ASSET

    graph = defs.resolve_asset_graph()
    assert CRAWL_KEY in graph.get(dg.AssetKey(["raw", "report_files"])).parent_keys
    assert graph.get(CRAWL_KEY).group_name == "crawl"
    assert CRAWL_KEY not in defs.resolve_job_def("warehouse_refresh").asset_layer.selected_asset_keys
    assert defs.resolve_job_def("crawl_portals").asset_layer.selected_asset_keys == {CRAWL_KEY}
    every = dg.AssetSelection.from_coercible(EVERY_ASSET.split(",")).resolve(graph)
    assert every == graph.get_all_asset_keys() - {CRAWL_KEY}  # make run stays offline
    schedule = defs.resolve_schedule_def("reports_crawl")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 4 * 2,3 *", "Asia/Shanghai")
    assert schedule.job_name == "crawl_portals"


def test_the_crawl_asset_collects_and_asks_for_the_refresh_of_its_years(
    site: Site, tmp_path: Path, monkeypatch
) -> None:
    import dagster as dg

    from dagster_project.defs.crawl import crawled_reports, crawled_reports_refresh
    from dagster_project.warehouse import LandingDir

    for name, value in {
        "CRAWL_DELAY_S": DELAY,
        "CRAWL_READ_TIMEOUT_S": SETTINGS.read_timeout_s,
        "CRAWL_RETRIES": SETTINGS.retries,
        "CRAWL_BACKOFF_S": SETTINGS.backoff_s,
        "CRAWL_MAX_BYTES": SETTINGS.max_bytes,
    }.items():
        monkeypatch.setenv(name, str(value))
    portal = portal_config(site)
    config = tmp_path / "crawl.yaml"
    config.write_text(
        json.dumps(  # JSON is YAML
            {
                "contact": "https://example.org/ogi-contact",
                "portals": [
                    {
                        "name": portal.name,
                        "start_urls": list(portal.start_urls),
                        "allowed_hosts": sorted(portal.allowed_hosts),
                        "agency_name": "示例市人民政府",
                        "years": list(portal.years),
                    }
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    landing = tmp_path / "landing"
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        [crawled_reports],
        resources={"landing": LandingDir(path=str(landing))},
        run_config={"ops": {"landing__crawled_reports": {"config": {"config_path": str(config)}}}},
        instance=instance,
    )
    assert result.success
    (event,) = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    years = sorted({truth.report_year for truth, _ in site.expected.values()})
    assert metadata["new_files"].value == len(site.expected)
    assert metadata["report_years"].value == years
    kept = collected(landing / "demo_city")
    assert {sidecar["agency_name"] for _, sidecar in kept.values()} == {"示例市人民政府"}
    context = dg.build_run_status_sensor_context(
        sensor_name="crawled_reports_refresh",
        dagster_event=result.get_run_success_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    )
    requests = crawled_reports_refresh(context)
    assert [r.partition_key for r in requests] == [str(year) for year in years]
    assert {r.job_name for r in requests} <= {None, "warehouse_refresh"}


def test_make_crawls_command_killed_midway_resumes(site: Site, tmp_path: Path) -> None:
    """``python -m crawl`` (what ``make crawl`` runs) killed between two requests, then run again:
    every report collected once, nothing downloaded twice."""
    import os
    import signal
    import subprocess
    import sys

    portal = portal_config(site)
    config = tmp_path / "crawl.yaml"
    config.write_text(
        json.dumps(
            {
                "portals": [
                    {"name": portal.name, "start_urls": list(portal.start_urls), "years": list(portal.years)}
                ]
            }
        ),
        encoding="utf-8",
    )
    landing = tmp_path / "landing"
    env = {
        **os.environ,
        "CRAWL_CONFIG": str(config),
        "WAREHOUSE_LANDING_DIR": str(landing),
        "CRAWL_DELAY_S": "0.3",
        "CRAWL_READ_TIMEOUT_S": str(SETTINGS.read_timeout_s),
        "CRAWL_RETRIES": str(SETTINGS.retries),
        "CRAWL_BACKOFF_S": str(SETTINGS.backoff_s),
        "CRAWL_MAX_BYTES": str(SETTINGS.max_bytes),
    }
    started = len(site.portal.hits)
    process = subprocess.Popen([sys.executable, "-m", "crawl"], env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while len(site.portal.downloads(started)) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.15)  # the answer kept and recorded, the crawler waiting before its next request
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    before = {p for p in (landing / "demo_city").rglob("*") if p.is_file()}
    assert 0 < len([p for p in before if p.suffix != ".json"]) < len(site.expected)
    done = subprocess.run(
        [sys.executable, "-m", "crawl"],
        env=env | {"CRAWL_DELAY_S": str(DELAY)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert set(collected(landing / "demo_city")) == set(site.expected)
    downloads = site.portal.downloads(started)
    assert len(downloads) == len(set(downloads))


def test_the_crawl_asset_without_portals_named_crawls_nothing(tmp_path: Path, monkeypatch) -> None:
    """ "Materialize all" in the UI selects the crawl too: with neither CRAWL_CONFIG nor a config_path
    it asks no host anything (not even the example config's loopback portal) and says so."""
    import socket

    import dagster as dg

    from dagster_project.defs.crawl import crawled_reports
    from dagster_project.warehouse import LandingDir

    monkeypatch.delenv("CRAWL_CONFIG", raising=False)

    def refuse(*args, **kwargs):
        raise AssertionError("the crawl asset opened a connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    landing = tmp_path / "landing"
    result = dg.materialize([crawled_reports], resources={"landing": LandingDir(path=str(landing))})
    assert result.success
    (event,) = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert metadata["crawled"].value is False and metadata["new_files"].value == 0
    assert not landing.exists() or not any(landing.iterdir())
