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


def iter_listing(landing_dir: Path) -> Iterator[tuple[Path, list[str]]]:
    """Each directory below ``landing_dir`` with the names of the files in it, sorted, in a
    stable (sorted) order."""
    for root, dirs, names in os.walk(landing_dir):
        dirs.sort()
        yield Path(root), sorted(names)


def iter_paths(landing_dir: Path) -> Iterator[Path]:
    """Every regular file below ``landing_dir``, in a stable (sorted) order."""
    for root, names in iter_listing(landing_dir):
        for name in names:
            yield root / name


def suffix_of(name: str) -> str:
    """``Path(name).suffix``, lower-cased, without making a Path."""
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def is_report_path(path: Path) -> bool:
    return is_report_name(path.name)


def is_report_name(name: str) -> bool:
    return suffix_of(name) in REPORT_EXTENSIONS and not name.endswith(SIDECAR_SUFFIX)


def discover_files(
    landing_dir: str | os.PathLike[str], known: Mapping[str, Known] | None = None
) -> Discovery:
    """Register every report file below ``landing_dir`` (recursively).

    A file ``known`` with the same size and modification time keeps its content hash
    without being read again, so an unchanged landing directory costs one ``stat`` a file.
    """
    found = Discovery()
    known = known or {}
    for root, names in iter_listing(Path(landing_dir)):
        prefix = str(root / "x")[:-1]  # str(root / name) for every name, joined as pathlib joins
        listed = set(names)
        for name in names:
            if name.endswith(SIDECAR_SUFFIX):
                continue
            path = prefix + name
            if not is_report_name(name):
                found.skipped.append(path)
                continue
            stat = os.stat(path)
            previous = known.get(path)
            if previous and (previous.size_bytes, previous.modified_ns) == (stat.st_size, stat.st_mtime_ns):
                sha = previous.content_sha256
            else:
                sha = sha256_of(Path(path))
                found.hashed += 1
            found.files.append(
                RawFile(
                    source_path=path,
                    content_sha256=sha,
                    size_bytes=stat.st_size,
                    extension=suffix_of(name),
                    # the listing says where a sidecar may be: no stat for the files without one
                    sidecar=read_sidecar(Path(path)) if name + SIDECAR_SUFFIX in listed else None,
                    modified_ns=stat.st_mtime_ns,
                )
            )
    return found
