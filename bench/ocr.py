"""Scanned reports read by OCR (issue 17): speed and cell accuracy against the generator's truth.

A few of the corpus's reports are scanned (``synthetic.scan``: 200 dpi, blur, noise, a rotation
of up to 2°, JPEG) into PDFs without a text layer and parsed, bytes to a report, as a worker
parses them: milliseconds a page on one core, pages a second on every core. Each table cell of
the truth is then scored (:func:`cell_accuracy`): read exactly, NULL with an OCR warning, wrong
but flagged (its confidence under the warning threshold), or wrong and unflagged (the failure
the reader must not have).
"""

from __future__ import annotations

import hashlib
import os
import random
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from ingest.ocr import LOW_CONFIDENCE
from ingest.parser import parse_bytes
from ingest.records import ParsedReport, RawFile, Rejection
from synthetic.pdf import draw_pdf_style
from synthetic.scan import Defects, scan_report, scanned_pdf
from synthetic.truth import ReportTruth, read_lines

SAMPLE = 3  # reports scanned: OCR costs seconds a page
MAX_PAGES = 3  # pages scanned of each


@dataclass
class Accuracy:
    """The truth's table cells as the OCR'd report holds them."""

    exact: int = 0
    null_warned: int = 0  # NULL, and the report warns of an unreadable cell
    wrong_flagged: int = 0  # another value (or NULL) with a confidence under the warning threshold
    wrong_silent: int = 0  # another value (or NULL, or no fact) and nothing said: the failure
    misses: list[str] = field(default_factory=list)

    @property
    def cells(self) -> int:
        return self.exact + self.null_warned + self.wrong_flagged + self.wrong_silent

    @property
    def exact_share(self) -> float:
        return self.exact / self.cells if self.cells else 0.0

    def add(self, other: Accuracy) -> None:
        self.exact += other.exact
        self.null_warned += other.null_warned
        self.wrong_flagged += other.wrong_flagged
        self.wrong_silent += other.wrong_silent
        self.misses.extend(other.misses)


def cell_accuracy(truth: ReportTruth, report: ParsedReport, pages: int | None = None) -> Accuracy:
    """Each table cell of the truth (on the first ``pages`` pages the report was read from, where
    given: a cell whose fact was read from a later page, or not read, on a partial scan is not
    counted) scored against the parsed report's fact."""
    score = Accuracy()
    unreadable = any(w.code == "ocr_unreadable" for w in report.warnings)
    for name, keys, facts in (
        ("disclosures", ("item_code", "measure_code"), report.disclosures),
        ("applications", ("outcome_code", "applicant_type"), report.applications),
        ("appeals", ("appeal_kind", "result_code"), report.appeals),
    ):
        parsed: dict[tuple, object] = {}
        for f in facts:  # a table's cell first: a sentence's figure of the same code comes after
            if f.source_method == "ocr":
                parsed.setdefault(tuple(getattr(f, k) for k in keys), f)
        for key, want in getattr(truth, name).items():
            fact = parsed.get(key)
            if pages is not None and (fact is None or (fact.source_page or 0) > pages):
                continue
            got = fact.value if fact is not None else None
            if fact is not None and got == want:
                score.exact += 1
                continue
            confidence = fact.ocr_confidence if fact is not None else None
            if fact is not None and got is None and unreadable:
                score.null_warned += 1
            elif confidence is not None and confidence < LOW_CONFIDENCE:
                score.wrong_flagged += 1
            else:
                score.wrong_silent += 1
            score.misses.append(f"{name}.{'.'.join(key)}: truth {want}, read {got} (confidence {confidence})")
    return score


@dataclass(frozen=True)
class Scanned:
    truth: ReportTruth
    pdf: bytes
    pages: int


def scanned_reports(landing: Path, n: int = SAMPLE, max_pages: int = MAX_PAGES) -> list[Scanned]:
    found = []
    for truth in read_lines(landing / "truth.jsonl"):
        if not isinstance(truth, ReportTruth) or truth.shape != "html" or truth.script != "simplified":
            continue
        if truth.template_version == "pre2019":
            continue
        rng = random.Random(truth.path)
        scan = scan_report(truth, rng, draw_pdf_style(rng), Defects(), max_pages)
        found.append(Scanned(truth, scanned_pdf(scan), len(scan.pages)))
        if len(found) == n:
            break
    return found


def parse_scanned(item: Scanned) -> ParsedReport | Rejection:
    sha = hashlib.sha256(item.pdf).hexdigest()
    return parse_bytes(RawFile(f"{sha[:12]}.pdf", sha, len(item.pdf), ".pdf"), item.pdf)


def parse_many(items: list[Scanned]) -> int:
    for item in items:
        parse_scanned(item)
    return sum(item.pages for item in items)


def ocr_figures(landing: Path, n: int = SAMPLE) -> dict:
    items = scanned_reports(landing, n)
    if not items:
        return {}
    parse_scanned(items[0])  # loads the engine's models
    pages = sum(item.pages for item in items)
    accuracy = Accuracy()
    started = time.perf_counter()
    for item in items:
        report = parse_scanned(item)
        if isinstance(report, ParsedReport):
            accuracy.add(cell_accuracy(item.truth, report, item.pages))
    one_core = time.perf_counter() - started
    workers = os.cpu_count() or 1
    chunks = [items[k::workers] for k in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        list(pool.map(parse_many, [chunk[:1] for chunk in chunks]))  # each worker loads the models
        started = time.perf_counter()
        list(pool.map(parse_many, chunks))
        every_core = time.perf_counter() - started
    return {
        "ocr_reports": len(items),
        "ocr_pages": pages,
        "ocr_ms_per_page": round(1000 * one_core / pages, 1),  # one core
        "ocr_pages_per_s": round(pages / every_core, 3),  # every core
        "ocr_workers": workers,
        "ocr_cells": accuracy.cells,
        "ocr_cells_exact_share": round(accuracy.exact_share, 4),
        "ocr_cells_null_warned": accuracy.null_warned,
        "ocr_cells_wrong_flagged": accuracy.wrong_flagged,
        "ocr_cells_wrong_silent": accuracy.wrong_silent,
    }
