"""The container never decides (issue 15, point 6): each seed's text, put inside an ordinary web
page (one ``<p>`` per line, ``<br>``-separated lines, a ``<pre>``, a one-column table), is read by
the same reader of lines of text as the ``.txt`` and yields exactly the seed's expected values."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import shared_path

from expected_values import mismatches
from ingest.decode import decode_bytes
from ingest.parser import parse_bytes
from ingest.records import ParsedReport, RawFile

SEEDS = ("000", "001", "002", "003", "004")
HEAD = "<!DOCTYPE html><html><head><meta charset='utf-8'><title>政务公开</title></head><body>"
TAIL = "</body></html>"


def paragraphs(lines: list[str]) -> str:
    return "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)


def br_lines(lines: list[str]) -> str:
    return "<div class='TRS_Editor'>" + "<br>\n".join(map(html.escape, lines)) + "</div>"


def pre(lines: list[str]) -> str:
    return "<pre>" + html.escape("\n".join(lines)) + "</pre>"


def one_column_table(lines: list[str]) -> str:
    rows = "\n".join(f"<tr><td>{html.escape(line)}</td></tr>" for line in lines)
    return f"<table border='0' width='100%'>{rows}</table>"


def portal_page(lines: list[str]) -> str:
    """Lines in <p>s inside a portal's chrome: a nav list and a two-cell source/date row."""
    chrome = "<ul><li><a href='/'>首页</a></li><li>政务公开</li></ul>"
    chrome += "<table><tr><td>来源：</td><td>本站</td></tr></table>"
    return chrome + "<div id='zoom'>" + paragraphs(lines) + "</div><div class='footer'>网站地图</div>"


PAGES: dict[str, Callable[[list[str]], str]] = {
    "p": paragraphs,
    "br": br_lines,
    "pre": pre,
    "one_column_table": one_column_table,
    "portal": portal_page,
}


def seed(number: str) -> tuple[Path, dict]:
    [expected_file] = sorted(shared_path("seeds", "expected").glob(f"{number}_*.yaml"))
    expected = yaml.safe_load(expected_file.read_text(encoding="utf-8"))
    return shared_path("seeds", expected["source_file"]), expected


@pytest.mark.parametrize("kind", PAGES)
@pytest.mark.parametrize("number", SEEDS)
def test_a_seed_inside_a_web_page_reads_as_its_text(number: str, kind: str) -> None:
    path, expected = seed(number)
    text = decode_bytes(path.read_bytes()).text.replace("\r\n", "\n").replace("\r", "\n")
    page = (HEAD + PAGES[kind](text.split("\n")) + TAIL).encode("utf-8")
    name = f"{path.stem}.html"
    report = parse_bytes(RawFile(name, "c" * 64, len(page), ".html"), page)
    assert isinstance(report, ParsedReport), report
    assert report.source_format == "html"
    assert mismatches(report, expected) == []


def test_a_table_page_is_still_read_as_its_grid() -> None:
    """A page whose report is in <table> markup keeps the HTML table path."""
    sample = Path(__file__).resolve().parents[1] / "samples" / "reports" / "hz_gb2021_portal.html"
    data = sample.read_bytes()
    report = parse_bytes(RawFile(sample.name, "d" * 64, len(data), ".html"), data)
    assert isinstance(report, ParsedReport)
    assert (report.source_format, report.source_shape) == ("html", "html")
