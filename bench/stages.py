"""Parse throughput: per stage on one core, the whole parse on every core, and the lxml floor."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

from ingest.decode import decode_bytes, repair_mojibake
from ingest.discover import discover_files
from ingest.errors import RejectedFile
from ingest.lake import default_workers, plan_shards, run_shards
from ingest.layout import layout
from ingest.metadata import find_title, published_date, report_year, resolve_agency
from ingest.pipeline import parse_files
from ingest.prose import extract_prose
from ingest.records import RawFile
from ingest.tables import read_tables

WARM_UP = 20


@dataclass
class StageTimes:
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    files: int = 0

    def per_file_ms(self) -> dict[str, float]:
        return {stage: round(1000 * s / max(self.files, 1), 3) for stage, s in self.seconds.items()}


def timed_stages(files: list[RawFile]) -> StageTimes:
    """The parser's stages, each timed alone on one core (the order and calls of ingest.parser)."""
    times = StageTimes()
    for raw in files:
        data = Path(raw.source_path).read_bytes()
        started = time.perf_counter()
        try:
            decoded = decode_bytes(data)
        except RejectedFile:
            continue
        text = repair_mojibake(decoded.text)[0] if decoded.mojibake_possible else decoded.text
        after_decode = time.perf_counter()
        doc = layout(text, raw.extension)
        after_layout = time.perf_counter()
        title = find_title(doc.lines, doc.raw_lines, doc.hints)
        published = published_date(doc.lines, doc.hints, raw.sidecar or {}, [])
        year = report_year(title, doc.lines, published)
        resolve_agency(title, doc.lines, doc.raw_lines, raw.sidecar or {}, [])
        after_metadata = time.perf_counter()
        read_tables(doc.tokens, year[0] if year else None)
        after_tables = time.perf_counter()
        extract_prose(doc.lines, doc.raw_lines)
        after_prose = time.perf_counter()
        for stage, seconds in (
            ("decode", after_decode - started),
            ("layout", after_layout - after_decode),
            ("metadata", after_metadata - after_layout),
            ("tables_and_labels", after_tables - after_metadata),
            ("prose", after_prose - after_tables),
        ):
            times.seconds[stage] += seconds
        times.files += 1
    return times


def lxml_floor_ms(files: list[RawFile]) -> float | None:
    """Milliseconds per HTML page merely to parse it with lxml.html and walk its cells."""
    pages = [
        data
        for raw in files
        if raw.extension in (".html", ".htm") and (data := Path(raw.source_path).read_bytes()).strip()
    ]
    if not pages:
        return None
    started = time.perf_counter()
    for page in pages:
        root = lxml.html.document_fromstring(page)
        for _cell in root.iter("td", "th"):
            pass
    return 1000 * (time.perf_counter() - started) / len(pages)


def parse_ms_per_page(files: list[RawFile]) -> float | None:
    """Milliseconds per HTML page for the whole parse, one core (the ratio to the lxml floor)."""
    pages = [raw for raw in files if raw.extension in (".html", ".htm")]
    if not pages:
        return None
    list(parse_files(pages[:WARM_UP]))  # first calls build the vocabularies and the region index
    started = time.perf_counter()
    list(parse_files(pages))
    return 1000 * (time.perf_counter() - started) / len(pages)


def parse_throughput(files: list[RawFile], workers: int | None = None) -> tuple[float, int]:
    """Files per second from raw files to the staging lake's Parquet, on ``workers`` processes
    (default: every core), as the parse asset runs it; and the number of reports made."""
    workers = workers or default_workers()
    with tempfile.TemporaryDirectory(prefix="ogi-bench-lake-") as lake:
        started = time.perf_counter()
        shards = plan_shards(files, {}, Path(lake), dt.datetime.now(dt.UTC), workers)
        reports = sum(shard.rows["reports"] for shard in run_shards(shards, workers))
        return len(files) / (time.perf_counter() - started), reports


def corpus_files(landing: Path) -> list[RawFile]:
    return discover_files(landing).files
