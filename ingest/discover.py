"""Find raw report files under a landing directory, hash them and read their sidecars."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ingest.records import RawFile

REPORT_EXTENSIONS = frozenset({".html", ".htm", ".txt"})
SIDECAR_SUFFIX = ".meta.json"
SIDECAR_KEYS = ("url", "agency_name", "published_date")


@dataclass(frozen=True)
class Known:
    """What the registry knew of a path: its content hash is reused while size and mtime stay."""

    size_bytes: int
    modified_ns: int
    content_sha256: str


@dataclass
class Discovery:
    """What a walk of the landing directory found."""

    files: list[RawFile] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # not reports (.md, .yaml, …): counted, not rejected
    hashed: int = 0  # files whose bytes were read to hash them (new or changed)


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


def iter_paths(landing_dir: Path) -> Iterator[Path]:
    """Every regular file below ``landing_dir``, in a stable (sorted) order."""
    for root, dirs, names in os.walk(landing_dir):
        dirs.sort()
        for name in sorted(names):
            yield Path(root) / name


def is_report_path(path: Path) -> bool:
    return path.suffix.lower() in REPORT_EXTENSIONS and not path.name.endswith(SIDECAR_SUFFIX)


def discover_files(
    landing_dir: str | os.PathLike[str], known: Mapping[str, Known] | None = None
) -> Discovery:
    """Register every report file below ``landing_dir`` (recursively).

    A file ``known`` with the same size and modification time keeps its content hash
    without being read again, so an unchanged landing directory costs one ``stat`` a file.
    """
    found = Discovery()
    known = known or {}
    for path in iter_paths(Path(landing_dir)):
        if path.name.endswith(SIDECAR_SUFFIX):
            continue
        if not is_report_path(path):
            found.skipped.append(str(path))
            continue
        stat = path.stat()
        previous = known.get(str(path))
        if previous and (previous.size_bytes, previous.modified_ns) == (stat.st_size, stat.st_mtime_ns):
            sha = previous.content_sha256
        else:
            sha = sha256_of(path)
            found.hashed += 1
        found.files.append(
            RawFile(
                source_path=str(path),
                content_sha256=sha,
                size_bytes=stat.st_size,
                extension=path.suffix.lower(),
                sidecar=read_sidecar(path),
                modified_ns=stat.st_mtime_ns,
            )
        )
    return found
