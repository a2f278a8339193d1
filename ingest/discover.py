"""Find raw report files under a landing directory, hash them and read their sidecars."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingest.records import RawFile

REPORT_EXTENSIONS = frozenset({".html", ".htm", ".txt"})
SIDECAR_SUFFIX = ".meta.json"
SIDECAR_KEYS = ("url", "agency_name", "published_date")


@dataclass
class Discovery:
    """What a walk of the landing directory found."""

    files: list[RawFile] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # not reports (.md, .yaml, …): counted, not rejected


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


def discover_files(landing_dir: str | os.PathLike[str]) -> Discovery:
    """Register every report file below ``landing_dir`` (recursively)."""
    found = Discovery()
    for path in iter_paths(Path(landing_dir)):
        if path.name.endswith(SIDECAR_SUFFIX):
            continue
        extension = path.suffix.lower()
        if extension not in REPORT_EXTENSIONS:
            found.skipped.append(str(path))
            continue
        found.files.append(
            RawFile(
                source_path=str(path),
                content_sha256=sha256_of(path),
                size_bytes=path.stat().st_size,
                extension=extension,
                sidecar=read_sidecar(path),
            )
        )
    return found
