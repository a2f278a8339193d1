"""Registering a landing directory: paths as pathlib joins them, sidecars found from the listing."""

from __future__ import annotations

import os
from hashlib import sha256
from pathlib import Path

import duckdb
import pytest

from dagster_project.defs.assets.ingest import registry_frame
from ingest.discover import (
    NotARegularFile,
    discover_files,
    iter_listing,
    list_files,
    read_bytes,
    why_unreadable,
)
from ingest.frames import build_frames


def test_discovery_registers_reports_with_their_sidecars(tmp_path, monkeypatch) -> None:
    landing = tmp_path / "landing"
    (landing / "b").mkdir(parents=True)
    (landing / "a.html").write_text("<html>a</html>", encoding="utf-8")
    (landing / "a.html.meta.json").write_text('{"url": "http://x/a", "agency_name": ""}', encoding="utf-8")
    (landing / "b" / "c.TXT").write_text("c", encoding="utf-8")
    (landing / "b" / "d.txt").write_text("d", encoding="utf-8")
    (landing / "b" / "d.txt.meta.json").mkdir()  # a directory named like a sidecar is none
    (landing / "b" / "notes.csv").write_text("n", encoding="utf-8")
    (landing / "b" / "orphan.txt.meta.json").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    found = discover_files("./landing")  # relative, with a "./" that pathlib drops

    assert [(f.source_path, f.extension, f.sidecar) for f in found.files] == [
        ("landing/a.html", ".html", {"url": "http://x/a"}),
        ("landing/b/c.TXT", ".txt", None),
        ("landing/b/d.txt", ".txt", None),
    ]
    assert found.skipped == ["landing/b/notes.csv", "landing/b/orphan.txt.meta.json"]  # a sidecar of nothing
    listing = list_files("landing")
    assert listing.source_path == [f.source_path for f in found.files]
    assert listing.size_bytes == [f.size_bytes for f in found.files] == [14, 1, 1]
    assert listing.sidecar_listed == [True, False, False]
    assert listing.skipped == found.skipped


def test_registry_reuses_known_hashes_and_agrees_with_discovery(tmp_path) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    for name in ("a.html", "b.txt", "c.htm"):
        (landing / name).write_text(name, encoding="utf-8")
    (landing / "b.txt.meta.json").write_text('{"url": "http://x/b"}', encoding="utf-8")
    (landing / "c.htm.meta.json").write_text("not json", encoding="utf-8")  # beside, unreadable
    con = duckdb.connect(str(tmp_path / "w.duckdb"))

    first, hashed = registry_frame(con, list_files(landing))
    assert hashed == 3
    assert first["has_sidecar"].to_list() == [False, True, True]
    discovered = build_frames(discover_files(landing).files, [])["report_files"]
    assert discovered["has_sidecar"].to_list() == [False, True, False]  # the hints read: c's are none
    assert first.drop("has_sidecar").equals(discovered.drop("has_sidecar"))

    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute("CREATE OR REPLACE TABLE raw.report_files AS SELECT * FROM first")
    (landing / "a.html").write_text("a changed", encoding="utf-8")
    (landing / "d.txt").write_text("d", encoding="utf-8")
    again, hashed = registry_frame(con, list_files(landing))
    assert hashed == 2  # a.html (size changed) and d.txt (new); b and c keep their hashes
    rediscovered = build_frames(discover_files(landing).files, [])["report_files"]
    assert again.drop("has_sidecar").equals(rediscovered.drop("has_sidecar"))
    assert again["content_sha256"][1:3].to_list() == first["content_sha256"][1:3].to_list()


def test_a_file_gone_since_it_was_listed_is_registered_without_a_hash(tmp_path) -> None:
    """It is rejected (unreadable) by the parse, not dropped: every listed file ends somewhere."""
    landing = tmp_path / "landing"
    landing.mkdir()
    for name in ("a.txt", "b.txt"):
        (landing / name).write_text(name, encoding="utf-8")
    listing = list_files(landing)
    (landing / "a.txt").unlink()
    frame, hashed = registry_frame(duckdb.connect(), listing)
    assert frame["source_path"].to_list() == [str(landing / "a.txt"), str(landing / "b.txt")]
    assert frame["content_sha256"].to_list() == [None, sha256(b"b.txt").hexdigest()]
    assert hashed == 1


def test_a_dangling_link_and_a_fifo_are_listed_and_never_block(tmp_path) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "good.txt").write_text("good", encoding="utf-8")
    (landing / "dangling.html").symlink_to(tmp_path / "nowhere.html")
    (landing / "dangling.html.meta.json").symlink_to(tmp_path / "nowhere.json")
    os.mkfifo(landing / "pipe.txt")  # opened for reading, a FIFO would wait for a writer for ever

    listing = list_files(landing)
    found = discover_files(landing)

    assert [Path(p).name for p in listing.source_path] == ["dangling.html", "good.txt", "pipe.txt"]
    assert listing.sidecar_listed == [True, False, False]
    assert [f.content_sha256 for f in found.files] == [None, sha256(b"good").hexdigest(), None]
    assert found.files[0].sidecar is None and "ignored" in found.files[0].sidecar_ignored[0]
    assert why_unreadable(landing / "dangling.html", FileNotFoundError()).startswith(
        "a dangling symbolic link"
    )
    with pytest.raises(NotARegularFile, match="FIFO"):
        read_bytes(landing / "pipe.txt")


def test_a_directory_that_cannot_be_listed_is_said_not_silently_lost(tmp_path) -> None:
    landing = tmp_path / "landing"
    (landing / "sub").mkdir(parents=True)
    (landing / "a.txt").write_text("a", encoding="utf-8")
    errors = []

    def failing_scandir(path):
        raise PermissionError(13, "Permission denied", str(path))

    found = list(iter_listing(landing, errors))
    assert [name for _, names in found for name in names] == ["a.txt"]
    assert errors == []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "scandir", failing_scandir)
        assert list(iter_listing(landing, errors)) == []
    assert errors == [f"{landing}: Permission denied"]
