"""Parse a set of registered files: each content once, keeping going past any failure.

This runs in one process; :mod:`ingest.lake` spreads shards of files over processes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace

from ingest.discover import read_bytes, why_unreadable
from ingest.parser import parse_bytes
from ingest.records import ParsedReport, ParseOutcome, RawFile, Rejection

MAX_REPORT_BYTES = 20 * 1024 * 1024


@contextmanager
def collector_paused() -> Iterator[None]:
    """Parse with CPython's cyclic garbage collector paused; as it was after.

    A parse makes no reference cycles (none was found over 430 pages of every shape, nor in
    the samples: tests/test_lake.py): what it builds is freed by reference counting as soon as
    it is dropped. Each collection, though, walks the live objects, a shard's rows among them
    (tens of thousands of tuples): 0.2-0.3 ms a page with the default thresholds, 0.06 ms with
    full collections deferred. A cycle some future page might make waits for the first
    collection after its shard.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_and_parse(raw: RawFile) -> ParseOutcome:
    """Parse one file; size limits, read errors and unexpected failures become rejections, never
    exceptions.

    A file that cannot be read (a dangling link, a permission error, gone since it was listed,
    a FIFO or another special file) is ``unreadable``; so is a file that could not be read when
    it was registered (no content hash), even if it can be now: it is hashed and read at the
    next run, which registers its content.
    """
    if raw.content_sha256 is None:
        try:
            read_bytes(raw.source_path)
        except OSError as error:
            return Rejection(raw.source_path, None, "unreadable", why_unreadable(raw.source_path, error))
        return Rejection(
            raw.source_path,
            None,
            "unreadable",
            "could not be read when the landing directory was registered; readable now: read at the next run",
        )
    if raw.size_bytes > MAX_REPORT_BYTES:
        return Rejection(
            raw.source_path,
            raw.content_sha256,
            "too_large",
            f"{raw.size_bytes} bytes is more than the {MAX_REPORT_BYTES} bytes accepted for one report",
        )
    try:
        data = read_bytes(raw.source_path)
    except OSError as error:
        return Rejection(
            raw.source_path, raw.content_sha256, "unreadable", why_unreadable(raw.source_path, error)
        )
    outcome = parse_bytes(raw, data)
    if isinstance(outcome, Rejection) and raw.sidecar_ignored:
        # a report's warnings say what was ignored in its sidecar; a rejected file's message does
        # (an agency_name ignored may be why no agency was found)
        ignored = "; ".join(raw.sidecar_ignored)
        return replace(outcome, error_message=f"{outcome.error_message} ({ignored})")
    return outcome


def parse_files(
    files: Iterable[RawFile], reported: Mapping[str, str] | None = None
) -> Iterator[ParseOutcome]:
    """One outcome per file, in input order; each distinct content is parsed once.

    A later file with the content of a report (one of these, or one of ``reported``: hashes
    already loaded by an earlier parse, mapped to their paths) is a ``duplicate_content``
    reject; a later copy of a rejected content gets that content's rejection, but for
    ``unreadable``: a copy of a file that could not be read is read itself. A file without a
    content hash (unreadable when registered) is a content of its own.
    """
    files = list(files)
    known: dict[str, ParseOutcome | str] = dict(reported or {})  # hash -> outcome, or path of a loaded report
    unique: list[RawFile] = []
    for raw in files:
        if raw.content_sha256 is None or raw.content_sha256 not in known:
            if raw.content_sha256 is not None:
                known[raw.content_sha256] = ""
            unique.append(raw)
    for sha in {raw.content_sha256 for raw in unique if raw.content_sha256 is not None}:
        del known[sha]
    parsed = map(read_and_parse, unique)
    for raw in files:
        sha = raw.content_sha256
        first = known.get(sha) if sha is not None else None
        if first is None:
            outcome = next(parsed)
        elif isinstance(first, Rejection) and first.error_code == "unreadable":
            outcome = read_and_parse(raw)  # its bytes were never read: this copy may be readable
        else:
            yield copy_outcome(raw, first)
            continue
        if sha is not None:
            known[sha] = outcome
        yield outcome


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
