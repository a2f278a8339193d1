"""The benchmark's delta: 1 % of the files changed, again and again, without growing them."""

from __future__ import annotations

from pathlib import Path

from bench.e2e import touch_share


def test_repeated_deltas_change_the_same_files_and_leave_one_line(tmp_path: Path) -> None:
    originals = {
        "a.html": "<html><body>报告</body></html>".encode("gb18030"),
        "b.txt": "二〇二一年一月二十日\n2021年1月20日\n".encode(),
        "c.htm": b"<html>\n<!-- corrected -->\n\n<!-- corrected -->\n",  # two lines older benches appended
        "notes.md": b"not a report",
    }
    for name, data in originals.items():
        (tmp_path / name).write_bytes(data)
    assert touch_share(tmp_path, 1.0) == 3
    first = {name: (tmp_path / name).read_bytes() for name in originals}
    assert touch_share(tmp_path, 1.0) == 3
    for name, data in originals.items():
        now = (tmp_path / name).read_bytes()
        if name == "notes.md":
            assert now == data
            continue
        assert now != first[name] and now != data  # every delta changes the content
        base = data.split(b"\n<!-- corrected -->")[0].rstrip(b"\n")
        assert now.startswith(base)
        added = now[len(base) :].decode("ascii")
        assert added.strip().count("\n") == 0 and "corrected" in added  # one line, whatever came before
    assert (tmp_path / "a.html").read_bytes().decode("gb18030").startswith("<html><body>报告")
