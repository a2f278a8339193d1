"""Which earlier report a due file duplicates (dagster_project.defs.assets.ingest.reported_contents).

A landing directory that moved (or a file renamed) gives due files whose content an earlier
report holds under a path that is no longer registered: that report leaves the warehouse in the
same parse, so the due file is the report now, not its ``duplicate_content``. A report whose file
is still there keeps its content: a new copy of it is the duplicate.
"""

from __future__ import annotations

import duckdb

from dagster_project.defs.assets.ingest import reported_contents
from ingest.records import RawFile


def warehouse(reports: list[tuple[str, str]], registered: list[tuple[str, str]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    con.execute("CREATE TABLE raw.reports (source_path VARCHAR, content_sha256 VARCHAR)")
    con.execute("CREATE TABLE raw.report_files (source_path VARCHAR, content_sha256 VARCHAR)")
    con.executemany("INSERT INTO raw.reports VALUES (?, ?)", reports)
    con.executemany("INSERT INTO raw.report_files VALUES (?, ?)", registered)
    return con


def due(*files: tuple[str, str]) -> list[RawFile]:
    return [RawFile(path, sha, 100, ".html") for path, sha in files]


def test_a_moved_landing_directorys_files_are_the_reports_again() -> None:
    # built from /a; the directory is now /b: registration lists /b only
    con = warehouse(
        reports=[("/a/x.html", "sha-x"), ("/a/y.html", "sha-y")],
        registered=[("/b/x.html", "sha-x"), ("/b/y.html", "sha-y")],
    )
    assert reported_contents(con, due(("/b/x.html", "sha-x"), ("/b/y.html", "sha-y"))) == {}


def test_a_new_copy_of_a_report_still_there_is_its_duplicate() -> None:
    con = warehouse(
        reports=[("/a/x.html", "sha-x"), ("/a/gone.html", "sha-g")],
        registered=[("/a/x.html", "sha-x"), ("/a/copy.html", "sha-x"), ("/a/renamed.html", "sha-g")],
    )
    found = reported_contents(con, due(("/a/copy.html", "sha-x"), ("/a/renamed.html", "sha-g")))
    assert found == {"sha-x": "/a/x.html"}  # the renamed file is the report of its content now


def test_a_changed_report_file_is_not_its_own_duplicate() -> None:
    # /a/x.html was edited: its registration holds the new content, the report the old one
    con = warehouse(
        reports=[("/a/x.html", "sha-old"), ("/a/z.html", "sha-z")],
        registered=[("/a/x.html", "sha-new"), ("/a/z.html", "sha-z"), ("/a/w.html", "sha-old")],
    )
    assert reported_contents(con, due(("/a/x.html", "sha-new"), ("/a/w.html", "sha-old"))) == {}
