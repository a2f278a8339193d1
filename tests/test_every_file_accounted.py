"""Every bad file accounted for (contract §2): each listed file ends in exactly one place.

A landing directory of good reports beside every kind of bad file a crawl or a careless copy
leaves (a dangling link, a FIFO, a file gone between the listing and the read, a page nested
too deeply for the HTML parser, sidecars that are not JSON or say impossible things) is
registered and parsed by the Dagster assets themselves, with the real parser: each report
file is a report or a rejected file, never both, never lost, and every other file is skipped
and counted; each bad sidecar is a ``sidecar_ignored`` warning of its report.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls

import dagster_project.defs.assets.ingest as ingest_assets
from dagster_project.defs.assets.ingest import parsed_reports, report_files
from dagster_project.runs import report_year_keys
from dagster_project.warehouse import DuckDBWarehouse, LandingDir
from ingest.discover import (
    MAX_AGENCY_NAME,
    SIDECAR_CHECKED,
    check_sidecar,
    discover_files,
    sidecar_value_problem,
)
from ingest.errors import ERROR_CODES
from ingest.pipeline import parse_files
from ingest.records import ParsedReport, Rejection

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "reports"
# deeper than libxml2 reads even with its huge-tree limits (2048): the page cannot be read whole
TOO_DEEP = 3000
# deeper than libxml2's default limit (256), within its huge-tree one: read whole, a report
DEEP = 400
# root reads a file whatever its permissions say: chmod 000 makes no unreadable file for it
ROOT = os.geteuid() == 0


def nested(page: str, depth: int) -> str:
    """``page`` with its body wrapped in ``depth`` <div>s."""
    start = page.find(">", page.lower().find("<body")) + 1
    end = page.lower().rfind("</body>")
    return page[:start] + "<div>" * depth + page[start:end] + "</div>" * depth + page[end:]


def sidecar(path: Path, content: object) -> None:
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    path.with_name(path.name + ".meta.json").write_text(text, encoding="utf-8")


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    """Good reports (the samples, read whole) beside every kind of bad file."""
    root = tmp_path / "landing"
    (root / "sub").mkdir(parents=True)
    portal = (SAMPLES / "hz_gb2021_portal.html").read_text(encoding="utf-8")
    (root / "portal.html").write_text(portal, encoding="utf-8")
    # a report with a sidecar that is not JSON: the report loads, the sidecar is a warning
    shutil.copy(SAMPLES / "gb2019_page_copy.txt", root / "page_copy.txt")
    sidecar(root / "page_copy.txt", '{"url": "https://example.gov.cn/a.html", ')
    # a sidecar whose values cannot be what their keys say; its good value (referrer) is kept
    shutil.copy(SAMPLES / "gb2021_word_export.txt", root / "sub" / "word_export.txt")
    sidecar(
        root / "sub" / "word_export.txt",
        {
            "url": "javascript:alert(1)",
            "agency_name": "../../etc/passwd",
            "published_date": "yesterday",
            "referrer": "https://example.gov.cn/list.html",
            "http_status": 200,
        },
    )
    # a sidecar that is JSON but no object
    shutil.copy(SAMPLES / "pre2019_prose.txt", root / "sub" / "prose.txt")
    sidecar(root / "sub" / "prose.txt", ["https://example.gov.cn/p.html"])
    # a page nested deeper than libxml2's default limit, within its huge one: read whole
    gbk = (SAMPLES / "gb2019_gbk_table.html").read_bytes().decode("gb18030")
    (root / "deep.html").write_text(nested(gbk, DEEP), encoding="utf-8")
    # a page nested too deeply for the HTML parser at all
    (root / "too_deep.html").write_text(nested(portal, TOO_DEEP), encoding="utf-8")
    # cannot be read: a dangling link (with a dangling sidecar link), a FIFO, a file to be
    # deleted after the listing, one to be deleted after the registration
    (root / "dangling.html").symlink_to(tmp_path / "gone" / "report.html")
    (root / "dangling.html.meta.json").symlink_to(tmp_path / "gone" / "report.html.meta.json")
    os.mkfifo(root / "sub" / "pipe.txt")
    (root / "gone_after_listing.txt").write_text("2021年某局政府信息公开工作年度报告\n", encoding="utf-8")
    (root / "gone_after_registration.txt").write_text("2020年某局政府信息公开年度报告\n", encoding="utf-8")
    if not ROOT:
        (root / "forbidden.txt").write_text("2022年某局政府信息公开工作年度报告\n", encoding="utf-8")
        (root / "forbidden.txt").chmod(0)
    # not reports by their extension: skipped and counted
    (root / "notes.yaml").write_text("a: 1\n", encoding="utf-8")
    (root / "sub" / "index.json").write_text("{}", encoding="utf-8")
    sidecar(root / "orphan.txt", {"url": "https://example.gov.cn/o.html"})  # beside nothing
    return root


# what each bad file becomes; every other report file is a report
EXPECTED_REJECTS = {
    "too_deep.html": "malformed_html",
    "dangling.html": "unreadable",
    "pipe.txt": "unreadable",
    "gone_after_listing.txt": "unreadable",
    "gone_after_registration.txt": "unreadable",
} | ({} if ROOT else {"forbidden.txt": "unreadable"})
EXPECTED_REPORTS = {"portal.html", "page_copy.txt", "word_export.txt", "prose.txt", "deep.html"}
SKIPPED = 3  # notes.yaml, index.json and orphan.txt.meta.json (a sidecar beside a report is part of it)


def materialize(warehouse: Path, landing: Path) -> dg.ExecuteInProcessResult:
    keys = report_year_keys()
    return dg.materialize(
        [report_files, parsed_reports],
        resources={
            "warehouse": DuckDBWarehouse(path=str(warehouse)),
            "landing": LandingDir(path=str(landing)),
        },
        run_config={"ops": {"parsed_reports": {"config": {"reparse": False}}}},
        tags={"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]},
    )


def rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def name_of(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def test_every_listed_file_ends_in_exactly_one_place(
    tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed_then_deleted = ingest_assets.list_files

    def list_then_delete(landing_dir):  # the file is gone between the listing and the hashing
        listing = listed_then_deleted(landing_dir)
        (Path(landing_dir) / "gone_after_listing.txt").unlink()
        return listing

    registered_then_deleted = ingest_assets.files_to_parse

    def register_then_delete(con, years):  # hashed and registered, gone before it is read
        due = registered_then_deleted(con, years)
        (landing / "gone_after_registration.txt").unlink(missing_ok=True)
        return due

    # every file but the sidecars beside a report file (each is part of its report)
    listed = [
        name
        for _, _, names in os.walk(landing)
        for name in names
        if not (name.endswith(".meta.json") and name.removesuffix(".meta.json") in names)
    ]
    monkeypatch.setattr(ingest_assets, "list_files", list_then_delete)
    monkeypatch.setattr(ingest_assets, "files_to_parse", register_then_delete)
    warehouse = tmp_path / "warehouse.duckdb"
    result = materialize(warehouse, landing)
    assert result.success

    registered = [name_of(p) for (p,) in rows(warehouse, "SELECT source_path FROM raw.report_files")]
    reports = [name_of(p) for (p,) in rows(warehouse, "SELECT source_path FROM raw.reports")]
    rejected = {
        name_of(path): (code, message, sha)
        for path, code, message, sha in rows(
            warehouse, "SELECT source_path, error_code, error_message, content_sha256 FROM raw.rejected_files"
        )
    }
    metadata = {
        key: value.value
        for event in result.get_asset_materialization_events()
        if event.asset_key == dg.AssetKey(["raw", "report_files"])
        for key, value in event.materialization.metadata.items()
    }
    # every file in exactly one place: reports + rejected + skipped = the files listed
    assert sorted(registered) == sorted(EXPECTED_REPORTS | set(EXPECTED_REJECTS))
    assert sorted(reports + list(rejected)) == sorted(registered)  # never both, never lost
    assert set(reports) == EXPECTED_REPORTS
    assert {name: code for name, (code, _, _) in rejected.items()} == EXPECTED_REJECTS
    assert metadata["skipped_non_report_files"] == SKIPPED
    assert len(reports) + len(rejected) + metadata["skipped_non_report_files"] == len(listed)
    # the messages say why, in words; an unreadable file's content is not known
    assert rejected["dangling.html"][1].startswith("a dangling symbolic link")
    assert "report.html" in rejected["dangling.html"][1]
    assert rejected["pipe.txt"][1] == "not a regular file but a FIFO (named pipe)"
    assert rejected["gone_after_listing.txt"][1].startswith("gone since the landing directory was listed")
    assert rejected["gone_after_listing.txt"][2] is None
    assert rejected["gone_after_registration.txt"][1].startswith(
        "gone since the landing directory was listed"
    )
    assert rejected["gone_after_registration.txt"][2] is not None  # hashed before it went
    assert "nested too deeply for the HTML parser" in rejected["too_deep.html"][1]
    # dangling, pipe, gone after listing (and forbidden): registered without a hash
    assert metadata["unreadable_files"] == 3 + (not ROOT)

    warnings = rows(
        warehouse,
        "SELECT r.source_path, w.message FROM raw.report_warnings AS w"
        " JOIN raw.reports AS r USING (report_id) WHERE w.warning_code = 'sidecar_ignored' ORDER BY ALL",
    )
    by_file: dict[str, list[str]] = {}
    for path, message in warnings:
        by_file.setdefault(name_of(path), []).append(message)
    assert sorted(by_file) == ["page_copy.txt", "prose.txt", "word_export.txt"]
    [not_json] = by_file["page_copy.txt"]
    assert not_json.startswith("sidecar page_copy.txt.meta.json ignored: not valid JSON")
    [not_object] = by_file["prose.txt"]
    assert not_object == "sidecar prose.txt.meta.json ignored: it holds a JSON array, not an object"
    # the values that cannot be what their keys say, in the order of the contract's keys; the
    # referrer and the HTTP status were good: no word of them
    assert sorted(m.split(" ignored, ")[0] for m in by_file["word_export.txt"]) == [
        "sidecar word_export.txt.meta.json: agency_name",
        "sidecar word_export.txt.meta.json: published_date",
        "sidecar word_export.txt.meta.json: url",
    ]
    assert by_file["word_export.txt"][0].endswith("holds path characters (/ or \\), which no agency name has")
    [(agency, url)] = rows(
        warehouse,
        "SELECT agency_name, url FROM raw.reports WHERE source_path LIKE '%word_export.txt'",
    )
    assert "passwd" not in agency and "/" not in agency and url is None  # the report's own word
    expected_url = rows(warehouse, "SELECT url FROM raw.reports WHERE source_path LIKE '%page_copy.txt'")
    assert expected_url == [(None,)]  # the sidecar that is not JSON gave no hint at all

    # the next run: the unreadable files are tried again; a link whose target came back is read
    (tmp_path / "gone").mkdir()
    shutil.copy(SAMPLES / "not_a_report.html", tmp_path / "gone" / "report.html")
    monkeypatch.undo()
    again = materialize(warehouse, landing)
    assert again.success
    codes = dict(rows(warehouse, "SELECT source_path, error_code FROM raw.rejected_files"))
    assert {name_of(p): c for p, c in codes.items()} == {
        "too_deep.html": "malformed_html",
        "dangling.html": "not_a_report",  # read now: its target is back
        "pipe.txt": "unreadable",
    } | ({} if ROOT else {"forbidden.txt": "unreadable"})
    assert len(rows(warehouse, "SELECT * FROM raw.reports")) == len(EXPECTED_REPORTS)
    assert rows(warehouse, "SELECT count(*) FROM raw.report_files WHERE content_sha256 IS NULL") == [
        (1 + (not ROOT),)
    ]


def test_the_library_accounts_for_every_file_too(landing: Path) -> None:
    """discover_files and parse_files (what a library user or the benchmark calls) agree."""
    (landing / "gone_after_listing.txt").unlink()
    found = discover_files(landing)
    (landing / "gone_after_registration.txt").unlink()
    outcomes = list(parse_files(found.files))
    assert [o.source_path for o in outcomes] == [f.source_path for f in found.files]
    assert {name_of(o.source_path) for o in outcomes if isinstance(o, ParsedReport)} == EXPECTED_REPORTS
    rejects = {name_of(o.source_path): o.error_code for o in outcomes if isinstance(o, Rejection)}
    assert rejects == {k: v for k, v in EXPECTED_REJECTS.items() if k != "gone_after_listing.txt"}
    assert len(found.skipped) == SKIPPED
    assert set(rejects.values()) <= set(ERROR_CODES)


@pytest.mark.skipif(ROOT, reason="root reads a file whatever its permissions: chmod 000 forbids it nothing")
def test_a_permission_error_is_unreadable(tmp_path: Path) -> None:
    forbidden = tmp_path / "forbidden.txt"
    forbidden.write_text("2022年某局政府信息公开工作年度报告\n", encoding="utf-8")
    forbidden.chmod(0)
    [raw] = discover_files(tmp_path).files
    [outcome] = parse_files([raw])
    assert isinstance(outcome, Rejection) and outcome.error_code == "unreadable"
    assert outcome.error_message.startswith("permission denied")


def test_a_permission_error_when_reading_is_unreadable(tmp_path: Path, monkeypatch) -> None:
    """The same path whoever runs the tests: the read itself is refused (as for any non-root user)."""
    import ingest.discover

    page = tmp_path / "page.html"
    page.write_text("<p>2021年某局政府信息公开工作年度报告</p>", encoding="utf-8")
    [raw] = discover_files(tmp_path).files

    def refused(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(ingest.discover, "open_regular", refused)
    [outcome] = parse_files([raw])
    assert isinstance(outcome, Rejection)
    assert (outcome.error_code, outcome.error_message) == (
        "unreadable",
        "permission denied: the run's user may not read it",
    )
    assert outcome.content_sha256 == raw.content_sha256


# --- sidecar values: what each key can be --------------------------------------------------------


@given(urls())
def test_every_http_url_is_a_url(url: str) -> None:
    assert sidecar_value_problem("url", url) is None
    assert sidecar_value_problem("final_url", url) is None


@given(st.sampled_from(SIDECAR_CHECKED), st.one_of(st.text(), st.integers(), st.none(), st.lists(st.text())))
def test_any_value_of_any_key_is_checked_without_failing(key: str, value: object) -> None:
    problem = sidecar_value_problem(key, value)
    assert problem is None or problem.startswith(("is ", "holds "))
    sidecar = check_sidecar({key: value}, "s.meta.json")
    assert len(sidecar.ignored) == (problem is not None and value not in (None, ""))


@pytest.mark.parametrize("url", ["http://[::1", "https://", "http:///x", "http://a.cn/a b", " ", "//a.cn/x"])
def test_what_is_no_http_url_is_ignored(url: str) -> None:
    assert sidecar_value_problem("url", url) == "is not an http(s) URL"


@given(st.sampled_from(["ftp", "file", "javascript", "data", "mailto", ""]), st.text(max_size=30))
def test_a_url_of_another_scheme_is_ignored(scheme: str, rest: str) -> None:
    assert sidecar_value_problem("url", f"{scheme}:{rest}") == "is not an http(s) URL"
    assert sidecar_value_problem("referrer", f"{scheme}://{rest}") == "is not an http(s) URL"


@given(
    st.text(min_size=0, max_size=20),
    st.sampled_from(["/", "\\", "\x00", "\n", "\x1b", "\u202e"]),
    st.text(min_size=0, max_size=20),
)
def test_an_agency_name_with_path_or_control_characters_is_ignored(before: str, bad: str, after: str) -> None:
    problem = sidecar_value_problem("agency_name", before + bad + after)
    assert problem in (
        "holds control characters",
        "holds path characters (/ or \\), which no agency name has",
    )


@given(st.text(alphabet=st.characters(whitelist_categories=("Lo",)), min_size=2, max_size=MAX_AGENCY_NAME))
def test_an_agency_name_in_words_is_kept(name: str) -> None:
    hints = check_sidecar({"agency_name": name}, "x.meta.json")
    assert hints.ignored == () and hints.hints == {"agency_name": name.strip()}


def test_an_absurdly_long_agency_name_is_ignored() -> None:
    ignored = check_sidecar(
        {"agency_name": "某" * (MAX_AGENCY_NAME + 1), "url": "http://a.cn/x"}, "x.meta.json"
    )
    assert ignored.hints == {"url": "http://a.cn/x"}
    assert ignored.ignored == (
        f"sidecar x.meta.json: agency_name ignored, '{'某' * 76}… is {MAX_AGENCY_NAME + 1} characters long, "
        f"more than any agency name ({MAX_AGENCY_NAME})",
    )


@given(
    st.dates(),
    st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}年{m}月{d}日", "{y}.{m:02d}.{d:02d} 10:00"]),
)
def test_a_date_is_a_date(date, form: str) -> None:
    text = form.format(y=date.year, m=date.month, d=date.day)
    expected = None if 1900 <= date.year < 2100 else "is not a date (like 2021-01-20 or 2021年1月20日)"
    assert sidecar_value_problem("published_date", text) == expected


@pytest.mark.parametrize("text", ["yesterday", "2021-02-30", "2021-13-01", "20210120x", "2021年"])
def test_what_is_no_date_is_ignored(text: str) -> None:
    assert sidecar_value_problem("published_date", text) == "is not a date (like 2021-01-20 or 2021年1月20日)"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (12, "is a JSON number, not a string"),
        (["a"], "is a JSON array, not a string"),
        (True, "is a JSON boolean, not a string"),
    ],
)
def test_a_value_of_the_wrong_json_type_is_ignored(value: object, problem: str) -> None:
    assert sidecar_value_problem("url", value) == problem
    ignored = check_sidecar({"agency_name": value, "url": "https://a.cn/"}, "s.meta.json")
    assert ignored.hints == {"url": "https://a.cn/"} and len(ignored.ignored) == 1


def test_the_sensor_sniffs_no_year_of_a_file_it_cannot_read(tmp_path: Path) -> None:
    """The landing sensor reads changed files for their year: a dangling link or a FIFO neither
    stops nor hangs it; their run refreshes the default year and rejects them (unreadable)."""
    from dagster_project.defs.sensors import listing, years_for

    (tmp_path / "dangling.html").symlink_to(tmp_path / "nowhere.html")
    os.mkfifo(tmp_path / "pipe.txt")
    shutil.copy(SAMPLES / "hz_gb2021_portal.html", tmp_path / "portal.html")
    now = listing(tmp_path)
    assert sorted(name_of(p) for p in now) == ["dangling.html", "pipe.txt", "portal.html"]
    assert years_for([str(tmp_path / "dangling.html"), str(tmp_path / "pipe.txt")], now, "2019") == {"2019"}
    assert years_for(sorted(now), now, "2019") == {"2019", "2023"}


def test_the_listing_make_run_hands_over_keeps_the_directories_it_could_not_list(tmp_path: Path) -> None:
    from dagster_project import freshness
    from ingest.discover import list_files

    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    listing = list_files(tmp_path)
    listing.unlistable.append(f"{tmp_path / 'locked'}: Permission denied")
    assert freshness.listing_of(freshness.listing_frame(listing)) == listing


# --- pages nested deeply: read whole, or rejected saying why; never a report cut short ----------


def parse_page(page: str):
    from ingest.parser import parse_bytes
    from ingest.records import RawFile

    data = page.encode("utf-8")
    return parse_bytes(RawFile("page.html", "0" * 64, len(data), ".html"), data)


PORTAL_PAGE = (SAMPLES / "hz_gb2021_portal.html").read_text(encoding="utf-8")
PORTAL_FACTS = parse_page(PORTAL_PAGE)


def facts_of(report: ParsedReport) -> list[tuple]:
    return sorted((f.outcome_code, f.applicant_type, f.value) for f in report.applications) + sorted(
        (f.item_code, f.measure_code, f.value) for f in report.disclosures
    )


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=0, max_value=900), st.sampled_from(["div", "span", "font", "section"]))
def test_a_page_nested_within_the_parsers_reach_reads_as_the_page_itself(depth: int, tag: str) -> None:
    """Past libxml2's default 256 levels a page used to be read empty (a report without facts)."""
    start = PORTAL_PAGE.find(">", PORTAL_PAGE.lower().find("<body")) + 1
    end = PORTAL_PAGE.lower().rfind("</body>")
    page = (
        PORTAL_PAGE[:start] + f"<{tag}>" * depth + PORTAL_PAGE[start:end] + PORTAL_PAGE[end:]
    )  # never closed
    report = parse_page(page)
    assert isinstance(report, ParsedReport)
    assert facts_of(report) == facts_of(PORTAL_FACTS) and len(report.applications) > 100


@settings(max_examples=8, deadline=None)
@given(st.integers(min_value=2048, max_value=20000))
def test_a_page_nested_beyond_the_parsers_reach_is_malformed_html(depth: int) -> None:
    outcome = parse_page(nested(PORTAL_PAGE, depth))
    assert isinstance(outcome, Rejection)
    assert outcome.error_code == "malformed_html"
    assert outcome.error_message == (
        "the page is nested too deeply for the HTML parser: its elements nest more than 2048 levels "
        "deep, libxml2's limit, so its text cannot be read whole"
    )


def test_a_page_of_lines_too_deep_to_walk_is_malformed_html() -> None:
    """Within libxml2's reach (2048) but deeper than the walk of a page of lines goes."""
    prose = (SAMPLES / "pre2019_prose.txt").read_text(encoding="utf-8")
    page = "<html><body>" + "".join(f"<p>{line}</p>" for line in prose.splitlines()) + "</body></html>"
    assert isinstance(parse_page(nested(page, 300)), ParsedReport)
    outcome = parse_page(nested(page, 1800))
    assert isinstance(outcome, Rejection) and outcome.error_code == "malformed_html"
    assert outcome.error_message.startswith("the page is nested too deeply for the HTML parser")
    assert "recursion limit" in outcome.error_message


def test_a_rejected_file_says_what_was_ignored_in_its_sidecar(tmp_path: Path) -> None:
    """No agency in the text, and the sidecar's was ignored: the rejection says both."""
    text = "2020年政府信息公开工作年度报告\n一、总体情况\n全年主动公开信息10条。\n"
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    sidecar(tmp_path / "r.txt", {"agency_name": "C:\\reports\\某局"})
    [outcome] = parse_files(discover_files(tmp_path).files)
    assert isinstance(outcome, Rejection) and outcome.error_code == "no_agency"
    assert outcome.error_message.endswith(
        "(sidecar r.txt.meta.json: agency_name ignored, 'C:\\\\reports\\\\某局' holds path characters "
        "(/ or \\), which no agency name has)"
    )
