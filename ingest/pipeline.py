"""Parse a set of registered files: each content once, keeping going past any failure.

This runs in one process; :mod:`ingest.lake` spreads shards of files over processes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from ingest.parser import parse_bytes
from ingest.records import ParsedReport, ParseOutcome, RawFile, Rejection

MAX_REPORT_BYTES = 20 * 1024 * 1024
# while parsing: a young collection every this many allocations (CPython's default is 700),
# and full collections deferred (see few_full_collections)
PARSE_GC_THRESHOLDS = (10_000, 10, 1_000_000)


@contextmanager
def few_full_collections() -> Iterator[None]:
    """Parse without CPython's full garbage collections; restore the collector's settings after.

    A parse builds a few hundred short-lived objects per token and keeps many small ones
    (row tuples, cached conversions). Each full collection walks every live object, so as a
    shard's rows grew they cost 0.2 ms a page (12 % of the parse); the young collections,
    which find the cycles a page leaves (an exception's traceback), still run. What is alive
    when the parse starts (vocabularies, the region index, the caller's own heap) is frozen
    out of the collector's walks meanwhile. Garbage in cycles that outlives two young
    collections waits for the next full collection after the parse.
    """
    thresholds, frozen_by_caller = gc.get_threshold(), gc.get_freeze_count() > 0
    gc.freeze()
    gc.set_threshold(*PARSE_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if not frozen_by_caller:  # the caller's own frozen heap cannot be told apart: left frozen
            gc.unfreeze()


def read_and_parse(raw: RawFile) -> ParseOutcome:
    """Parse one file; size limits and unexpected failures become rejections, never exceptions."""
    if raw.size_bytes > MAX_REPORT_BYTES:
        return Rejection(
            raw.source_path,
            raw.content_sha256,
            "too_large",
            f"{raw.size_bytes} bytes is more than the {MAX_REPORT_BYTES} bytes accepted for one report",
        )
    try:
        data = Path(raw.source_path).read_bytes()
    except OSError as error:
        return Rejection(raw.source_path, raw.content_sha256, "parse_error", f"cannot read the file: {error}")
    return parse_bytes(raw, data)


def parse_files(
    files: Iterable[RawFile], reported: Mapping[str, str] | None = None
) -> Iterator[ParseOutcome]:
    """One outcome per file, in input order; each distinct content is parsed once.

    A later file with the content of a report (one of these, or one of ``reported``: hashes
    already loaded by an earlier parse, mapped to their paths) is a ``duplicate_content``
    reject; a later copy of a rejected content gets that content's rejection.
    """
    files = list(files)
    known: dict[str, ParseOutcome | str] = dict(reported or {})  # hash -> outcome, or path of a loaded report
    unique: list[RawFile] = []
    for raw in files:
        if raw.content_sha256 not in known:
            known[raw.content_sha256] = ""
            unique.append(raw)
    for sha in {raw.content_sha256 for raw in unique}:
        del known[sha]
    parsed = map(read_and_parse, unique)
    for raw in files:
        first = known.get(raw.content_sha256)
        if first is None:
            outcome = next(parsed)
            known[raw.content_sha256] = outcome
            yield outcome
        else:
            yield copy_outcome(raw, first)


def copy_outcome(raw: RawFile, first: ParseOutcome | str) -> Rejection:
    """What a second file with already-seen content becomes."""
    if isinstance(first, Rejection):
        return Rejection(raw.source_path, raw.content_sha256, first.error_code, first.error_message)
    path = first.source_path if isinstance(first, ParsedReport) else first
    return Rejection(
        raw.source_path,
        raw.content_sha256,
        "duplicate_content",
        f"same content (sha256 {raw.content_sha256[:16]}…) as {path}, which is the report",
    )
