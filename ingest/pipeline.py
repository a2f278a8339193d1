"""Parse a set of registered files: read each once, reject duplicates, keep going past any failure."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from ingest.parser import parse_bytes
from ingest.records import ParseOutcome, RawFile, Rejection

MAX_REPORT_BYTES = 20 * 1024 * 1024


def read_and_parse(raw: RawFile) -> ParseOutcome:
    """Parse one file; size limits and unexpected failures become rejections, never exceptions."""
    if raw.size_bytes > MAX_REPORT_BYTES:
        return Rejection(
            raw.source_path,
            raw.content_sha256,
            "too_large",
            f"{raw.size_bytes} bytes is more than the {MAX_REPORT_BYTES} bytes accepted for one report",
        )
    data = Path(raw.source_path).read_bytes()
    return parse_bytes(raw, data)


def parse_files(
    files: Iterable[RawFile], reported: Mapping[str, str] | None = None
) -> Iterator[ParseOutcome]:
    """Outcomes in input order; a second file with the same content is a ``duplicate_content`` reject.

    ``reported`` maps content hashes already loaded as reports (by an earlier parse) to
    their paths, so a new copy of one is a duplicate too.
    """
    seen: dict[str, str] = dict(reported or {})
    for raw in files:
        first = seen.get(raw.content_sha256)
        if first is not None:
            yield Rejection(
                raw.source_path,
                raw.content_sha256,
                "duplicate_content",
                f"same content (sha256 {raw.content_sha256[:16]}…) as {first}, which is the report",
            )
            continue
        outcome = read_and_parse(raw)
        if not isinstance(outcome, Rejection):
            seen[raw.content_sha256] = raw.source_path
        yield outcome
