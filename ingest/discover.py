"""Find raw report files under a landing directory, hash them and read their sidecars."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingest.records import RawFile

# Every form an agency publishes a report in (contract §2): web pages, text (markdown too),
# documents and scanned images. The bytes decide how a file is read (ingest.formats), and a
# form this installation cannot read is rejected (unsupported_format), never skipped.
REPORT_EXTENSIONS = frozenset(
    {
        *(".html", ".htm", ".shtml", ".txt", ".md"),
        *(".pdf", ".docx", ".doc", ".wps"),
        *(".png", ".jpg", ".jpeg", ".tif", ".tiff"),
    }
)
SIDECAR_SUFFIX = ".meta.json"
SIDECAR_KEYS = ("url", "agency_name", "published_date")


@dataclass
class Discovery:
    """What a walk of the landing directory found."""

    files: list[RawFile] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # not reports (.yaml, .json, …): counted, not rejected


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_sidecar(path: Path) -> dict[str, str] | None:
    """The ``<file>.meta.json`` hints beside a report, if any; unreadable sidecars are ignored."""
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return None
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    return {k: str(data[k]) for k in SIDECAR_KEYS if data.get(k) not in (None, "")}


def iter_listing(landing_dir: Path) -> Iterator[tuple[Path, list[str]]]:
    """Each directory below ``landing_dir`` with the names of the files in it, sorted, in a
    stable (sorted) order."""
    for root, dirs, names in os.walk(landing_dir):
        dirs.sort()
        yield Path(root), sorted(names)


def suffix_of(name: str) -> str:
    """``Path(name).suffix``, lower-cased, without making a Path."""
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


@dataclass
class Listing:
    """The report files below a landing directory, column by column, in a stable (sorted) order.

    Columns, not records: a registry of 200,000 files is compared with the last one in DuckDB
    (a join), and a Python object a file cost more than the ``stat`` itself.
    """

    source_path: list[str] = field(default_factory=list)
    size_bytes: list[int] = field(default_factory=list)
    modified_ns: list[int] = field(default_factory=list)
    extension: list[str] = field(default_factory=list)
    sidecar_listed: list[bool] = field(default_factory=list)  # a ``<file>.meta.json`` is beside it
    skipped: list[str] = field(default_factory=list)  # not reports (.yaml, .json, …): counted, not rejected
    # every sidecar's (path, size, modification time), orphans too: what the landing digest covers
    sidecar_stats: list[tuple[str, int, int]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.source_path)

    def sidecars(self) -> list[dict[str, str] | None]:
        """Each file's sidecar hints, read now (only where the listing saw a sidecar)."""
        return [
            read_sidecar(Path(path)) if listed else None
            for path, listed in zip(self.source_path, self.sidecar_listed, strict=True)
        ]


def list_files(landing_dir: str | os.PathLike[str]) -> Listing:
    """Every report file below ``landing_dir`` (recursively) with its size and modification time,
    and every sidecar's: one ``stat`` a file, no file read."""
    listing = Listing()
    for root, names in iter_listing(Path(landing_dir)):
        prefix = str(root / "x")[:-1]  # str(root / name) for every name, joined as pathlib joins
        listed = set(names)
        for name in names:
            path = prefix + name
            if name.endswith(SIDECAR_SUFFIX):
                stat = os.stat(path)
                listing.sidecar_stats.append((path, stat.st_size, stat.st_mtime_ns))
                continue
            extension = suffix_of(name)
            if extension not in REPORT_EXTENSIONS:
                listing.skipped.append(path)
                continue
            stat = os.stat(path)
            listing.source_path.append(path)
            listing.size_bytes.append(stat.st_size)
            listing.modified_ns.append(stat.st_mtime_ns)
            listing.extension.append(extension)
            listing.sidecar_listed.append(name + SIDECAR_SUFFIX in listed)  # from the names, no stat
    return listing


def discover_files(landing_dir: str | os.PathLike[str]) -> Discovery:
    """Every report file below ``landing_dir`` (recursively), hashed, with its sidecar.

    For a library user or a benchmark: the registry asset reuses the hashes of files whose
    size and modification time are unchanged (``registered_files``), so it lists instead.
    """
    listing = list_files(landing_dir)
    columns = (listing.source_path, listing.size_bytes, listing.modified_ns, listing.extension)
    files = [
        RawFile(path, sha256_of(Path(path)), size, extension, sidecar, modified)
        for path, size, modified, extension, sidecar in zip(*columns, listing.sidecars(), strict=True)
    ]
    return Discovery(files, listing.skipped)
