"""What a crawl keeps: files and sidecars under ``<landing>/<portal>/``, and its state file.

A file is never overwritten. A document is saved under a path made from its URL; where that path
holds other bytes already (the document changed since), the new version is saved beside it with
its content hash in the name. Bytes the portal's folder holds already (the same report under two
URLs, or fetched again without validators) are not saved twice. Every file is written to a
temporary name and renamed, its sidecar first, so that a crawl killed at any point leaves whole
files only.

The state file (``.crawl-state.json`` in the portal's folder, rewritten atomically after every
document) holds, per URL, its validators (ETag, Last-Modified), the file its bytes went to and the
links found in it: a second crawl asks conditionally and follows the links of a ``304`` from here,
and a killed crawl resumes where it stopped without downloading what it has.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict
from pathlib import Path
from urllib.parse import unquote, urlsplit

from crawl.links import Link
from ingest.discover import REPORT_EXTENSIONS, SIDECAR_SUFFIX

STATE_FILE = ".crawl-state.json"
UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")
SIGNATURES = (
    (b"%PDF", ".pdf"),
    (b"PK\x03\x04", ".docx"),
    (b"\xd0\xcf\x11\xe0", ".doc"),
    (b"\x89PNG", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"II*\x00", ".tif"),
    (b"MM\x00*", ".tif"),
)
CONTENT_TYPES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/tiff": ".tif",
}


def extension_for(path: str, body: bytes, content_type: str | None) -> str:
    """The URL's extension where it names a report form, else the bytes' or the Content-Type's
    (a ``download?id=5`` that sends a PDF is saved as ``.pdf``, so the warehouse lists it)."""
    suffix = Path(path).suffix.lower()
    if suffix in REPORT_EXTENSIONS:
        return suffix
    for signature, extension in SIGNATURES:
        if body.startswith(signature):
            return extension
    mime = (content_type or "").split(";")[0].strip().lower()
    return CONTENT_TYPES.get(mime, ".html" if b"<html" in body[:2048].lower() else ".txt")


def relative_path(url: str, body: bytes, content_type: str | None) -> Path:
    """``<host>/<path…>/<name><ext>`` for ``url``; a query becomes a short hash in the name."""
    parts = urlsplit(url)
    host = UNSAFE.sub("_", parts.netloc.lower())
    pieces = [UNSAFE.sub("_", unquote(p)) for p in parts.path.split("/") if p not in ("", ".", "..")]
    name = pieces.pop() if pieces and not parts.path.endswith("/") else "index"
    stem, suffix = os.path.splitext(name)
    if suffix.lower() not in REPORT_EXTENSIONS:
        stem = name
    if parts.query:
        stem += "_" + hashlib.sha256(parts.query.encode()).hexdigest()[:8]
    return Path(host, *pieces, stem[:120] + extension_for(parts.path, body, content_type))


def write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Store:
    """One portal's folder: its files, sidecars and state."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.state_path = folder / STATE_FILE
        self.documents: dict[str, dict] = {}
        if self.state_path.exists():
            self.documents = json.loads(self.state_path.read_text(encoding="utf-8")).get("documents", {})
        self.by_sha = {d["sha256"]: d["file"] for d in self.documents.values() if d.get("file")}
        for partial in folder.rglob(".*.part"):  # a killed crawl's unfinished writes: never reports
            partial.unlink(missing_ok=True)

    @staticmethod
    def sha_of(body: bytes) -> str:
        return hashlib.sha256(body).hexdigest()

    def known(self, url: str) -> dict:
        return self.documents.get(url, {})

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) to ask for ``url`` conditionally; none where the file its last
        version went to is gone from the folder (removed by hand: fetched whole again)."""
        known = self.known(url)
        if known.get("file") and not (self.folder / known["file"]).is_file():
            return None, None
        return known.get("etag"), known.get("last_modified")

    def record(self, url: str, entry: dict) -> None:
        self.documents[url] = entry
        if entry.get("file"):
            self.by_sha[entry["sha256"]] = entry["file"]
        data = {"version": 1, "documents": self.documents}
        write_atomic(self.state_path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))

    def save(self, url: str, body: bytes, content_type: str | None, sidecar: dict) -> tuple[str, bool]:
        """(the file holding ``body``, relative to the folder; whether it was written now)."""
        sha = hashlib.sha256(body).hexdigest()
        existing = self.by_sha.get(sha)
        if existing and (self.folder / existing).is_file():
            return existing, False
        relative = relative_path(url, body, content_type)
        target = self.folder / relative
        if target.exists() and sha256_file(target) != sha:  # changed: a new file beside the old one
            target = target.with_name(f"{target.stem}.{sha[:12]}{target.suffix}")
        target.parent.mkdir(parents=True, exist_ok=True)
        written = not target.exists()
        side = target.with_name(target.name + SIDECAR_SUFFIX)
        if not side.exists():
            write_atomic(side, json.dumps(sidecar, ensure_ascii=False, indent=1).encode("utf-8"))
        if written:
            write_atomic(target, body)
        return target.relative_to(self.folder).as_posix(), written


def links_json(links: list[Link]) -> list[dict]:
    return [asdict(link) for link in links]


def links_from_json(items: list[dict]) -> list[Link]:
    return [Link(**item) for item in items]
