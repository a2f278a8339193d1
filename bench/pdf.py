"""Text PDFs against the web pages of the same reports (issue 15, point 8).

The corpus's HTML reports (simplified script) are printed as born-digital PDFs
(``synthetic.pdf``); both forms are parsed, bytes to a report, as a worker parses them:
per page and per report on one core, and pages per second on every core. The target: a
text PDF costs at most 10x the web page of the same report.
"""

from __future__ import annotations

import hashlib
import os
import random
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from ingest.parser import parse_bytes
from ingest.pipeline import collector_paused
from ingest.records import RawFile
from synthetic.pdf import draw_pdf_style, render_pdf
from synthetic.truth import ReportTruth, read_lines

SAMPLE = 100  # reports printed as PDFs
ROUNDS = 2  # one-core timings: the best of this many


@dataclass(frozen=True)
class Printed:
    html: bytes
    pdf: bytes
    pages: int


def printed_reports(landing: Path, n: int = SAMPLE) -> list[Printed]:
    import pypdfium2

    found = []
    for truth in read_lines(landing / "truth.jsonl"):
        if not isinstance(truth, ReportTruth) or truth.shape != "html" or truth.script != "simplified":
            continue
        rng = random.Random(truth.path)
        pdf = render_pdf(truth, rng, draw_pdf_style(rng))
        found.append(Printed((landing / truth.path).read_bytes(), pdf, len(pypdfium2.PdfDocument(pdf))))
        if len(found) == n:
            break
    return found


def parse_all(blobs: list[tuple[str, bytes]]) -> int:
    with collector_paused():
        deque(
            (
                parse_bytes(RawFile(name, hashlib.sha256(d).hexdigest(), len(d), name[-5:]), d)
                for name, d in blobs
            ),
            maxlen=0,
        )
    return len(blobs)


def one_core_ms(blobs: list[tuple[str, bytes]]) -> float:
    """Milliseconds a file, the best of ``ROUNDS``."""
    parse_all(blobs[:5])  # first calls build the vocabularies and the region index
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        parse_all(blobs)
        best = min(best, time.perf_counter() - started)
    return 1000 * best / len(blobs)


def every_core_per_s(blobs: list[tuple[str, bytes]], workers: int) -> float:
    """Files a second on ``workers`` processes (started and warmed before the clock starts)."""
    chunks = [blobs[k::workers] for k in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        list(pool.map(parse_all, [chunk[:3] for chunk in chunks]))
        started = time.perf_counter()
        list(pool.map(parse_all, chunks))
        return len(blobs) / (time.perf_counter() - started)


def pdf_figures(landing: Path, n: int = SAMPLE) -> dict:
    reports = printed_reports(landing, n)
    if not reports:
        return {}
    html = [(f"r{k}.html", r.html) for k, r in enumerate(reports)]
    pdf = [(f"r{k}.pdf", r.pdf) for k, r in enumerate(reports)]
    pages = sum(r.pages for r in reports)
    per_page = pages / len(reports)
    html_ms, pdf_ms = one_core_ms(html), one_core_ms(pdf)
    workers = os.cpu_count() or 1
    html_rate, pdf_rate = every_core_per_s(html, workers), every_core_per_s(pdf, workers)
    return {
        "pdf_reports": len(reports),
        "pdf_pages_per_report": round(per_page, 2),
        "pdf_ms_per_page": round(pdf_ms / per_page, 3),  # one core
        "pdf_ms_per_report": round(pdf_ms, 3),
        "html_ms_per_report": round(html_ms, 3),  # the same reports' web pages, one core
        "pdf_to_html_ratio": round(pdf_ms / html_ms, 2),  # target: at most 10
        "pdf_pages_per_s": round(pdf_rate * per_page, 1),  # every core
        "pdf_reports_per_s": round(pdf_rate, 1),
        "html_pages_per_s": round(html_rate, 1),  # a web page is one page
        "pdf_workers": workers,
    }
