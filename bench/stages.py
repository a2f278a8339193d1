"""Parse throughput: per stage on one core, the whole parse on every core, and the lxml floor."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

from ingest import convert
from ingest.decode import decode_bytes, repair_mojibake
from ingest.discover import discover_files
from ingest.errors import RejectedFile
from ingest.lake import default_workers, parse_to_rows, plan_shards, run_shards
from ingest.layout import layout
from ingest.metadata import find_title, published_date, report_year, resolve_agency
from ingest.pipeline import collector_paused, parse_files
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


ROUNDS = 5  # the floor and the parse are each timed this many times, alternately; the best counts


@dataclass
class PageTimes:
    """Milliseconds per HTML page, one core: merely parsing it with lxml.html and walking its
    cells (the floor); the parse, bytes to a report or a rejection, as a worker runs it (the
    collector paused, each outcome dropped once read: ``ingest.pipeline.parse_files``); and the
    same with the outcomes turned into staging rows (``ingest.lake.parse_to_rows``), the
    worker's whole shard but the Parquet files."""

    floor_ms: float
    parse_ms: float
    rows_ms: float


def page_times(files: list[RawFile], rounds: int = ROUNDS) -> PageTimes | None:
    """The floor and the parse of the same pages, timed alternately and the best of ``rounds``
    kept for each, so a busy moment of the host does not pass for a ratio. Every parse round
    starts with an empty line cache (``ingest.convert``), as a worker's first shard does."""
    parsed_at = dt.datetime.now(dt.UTC)
    pages = [raw for raw in files if raw.extension in (".html", ".htm")]
    texts = [data for raw in pages if (data := Path(raw.source_path).read_bytes()).strip()]
    if not pages or not texts:
        return None
    list(parse_files(pages[:WARM_UP]))  # first calls build the vocabularies and the region index
    floor = parse = rows = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for page in texts:
            root = lxml.html.document_fromstring(page)
            for _cell in root.iter("td", "th"):
                pass
        floor = min(floor, (time.perf_counter() - started) / len(texts))
        convert.CACHE.clear()
        started = time.perf_counter()
        with collector_paused():
            deque(parse_files(pages), maxlen=0)
        parse = min(parse, (time.perf_counter() - started) / len(pages))
        convert.CACHE.clear()
        started = time.perf_counter()
        parse_to_rows(pages, {}, parsed_at)
        rows = min(rows, (time.perf_counter() - started) / len(pages))
    return PageTimes(1000 * floor, 1000 * parse, 1000 * rows)


def parse_throughput(
    files: list[RawFile], workers: int | None = None, cluster: str | None = None
) -> tuple[float, int]:
    """Files per second from raw files to the staging lake's Parquet, on ``workers`` processes
    (default: every core) or on the Dask cluster at ``cluster`` (``workers`` its threads), as
    the parse asset runs it; and the number of reports made."""
    workers = workers or default_workers()
    with tempfile.TemporaryDirectory(prefix="ogi-bench-lake-") as lake:
        started = time.perf_counter()
        shards = plan_shards(files, {}, Path(lake), dt.datetime.now(dt.UTC), workers)
        reports = sum(shard.rows["reports"] for shard in run_shards(shards, workers, cluster))
        return len(files) / (time.perf_counter() - started), reports


def corpus_files(landing: Path) -> list[RawFile]:
    return discover_files(landing).files
