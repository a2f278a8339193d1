"""Registering a landing directory: paths as pathlib joins them, sidecars found from the listing."""

from __future__ import annotations

from ingest.discover import Known, discover_files


def test_discovery_registers_reports_with_their_sidecars(tmp_path, monkeypatch) -> None:
    landing = tmp_path / "landing"
    (landing / "b").mkdir(parents=True)
    (landing / "a.html").write_text("<html>a</html>", encoding="utf-8")
    (landing / "a.html.meta.json").write_text('{"url": "http://x/a", "agency_name": ""}', encoding="utf-8")
    (landing / "b" / "c.TXT").write_text("c", encoding="utf-8")
    (landing / "b" / "d.txt").write_text("d", encoding="utf-8")
    (landing / "b" / "d.txt.meta.json").mkdir()  # a directory named like a sidecar is none
    (landing / "b" / "notes.md").write_text("n", encoding="utf-8")
    (landing / "b" / "orphan.txt.meta.json").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    found = discover_files("./landing")  # relative, with a "./" that pathlib drops

    assert [(f.source_path, f.extension, f.sidecar) for f in found.files] == [
        ("landing/a.html", ".html", {"url": "http://x/a"}),
        ("landing/b/c.TXT", ".txt", None),
        ("landing/b/d.txt", ".txt", None),
    ]
    assert found.skipped == ["landing/b/notes.md"]
    assert found.hashed == 3
    known = {f.source_path: Known(f.size_bytes, f.modified_ns, f.content_sha256) for f in found.files}
    again = discover_files("landing", known)
    assert again.hashed == 0
    assert again.files == found.files
