"""Find raw report files under a landing directory, hash them and read their sidecars."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

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
    unlistable: list[str] = field(default_factory=list)  # directories that could not be listed, with why


class NotARegularFile(OSError):
    """A path that names no regular file (a FIFO, a socket, a device): never read, never waited on."""


FILE_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a directory",
}


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """``path`` opened for reading, if it is a regular file (links followed).

    Opened without blocking, then checked: a FIFO named like a report would otherwise hang the
    run until something writes to it. Raises ``OSError`` (``NotARegularFile`` among them).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = FILE_KINDS.get(stat.S_IFMT(mode), "a special file")
            raise NotARegularFile(f"not a regular file but {kind}")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a regular file (``open_regular``)."""
    with open_regular(path) as handle:
        return handle.read()


def why_unreadable(path: str | os.PathLike[str], error: OSError) -> str:
    """Why a listed file cannot be read, in words (the ``unreadable`` rejection's message)."""
    if isinstance(error, FileNotFoundError) and os.path.islink(path):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return f"a dangling symbolic link: its target {target!r} does not exist"
    if isinstance(error, FileNotFoundError):
        return "gone since the landing directory was listed (no such file now)"
    if isinstance(error, PermissionError):
        return "permission denied: the run's user may not read it"
    if isinstance(error, NotARegularFile):
        return str(error)
    return f"cannot be read: {error.strerror or error}"


def sha256_of(path: Path | str) -> str:
    """The SHA-256 of a regular file's bytes; ``OSError`` where it cannot be read."""
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- sidecars -----------------------------------------------------------------------------------

# What each key of a sidecar can be (contract §2). A value that cannot be what its key says is
# dropped with a ``sidecar_ignored`` warning; the sidecar's other values are still hints. A
# sidecar that is not JSON, or not a JSON object, is ignored whole, with the same warning.
URL_KEYS = ("url", "final_url", "referrer")
DATE_KEYS = ("published_date", "listing_date")
TEXT_KEYS = ("agency_name", "listing_title", "content_type")
MAX_AGENCY_NAME = 80  # characters: the longest real names (a department of a county of a prefecture) are ~40
MAX_TEXT = 500
# a date as a crawler or a page writes it: 2021-01-20, 2021/1/20, 2021.01.20, 2021年1月20日, with a time after
SIDECAR_DATE = re.compile(r"\s*((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:$|[T\s])")
PATH_CHARACTERS = re.compile(r"[/\\]")


@dataclass(frozen=True)
class Sidecar:
    """What a sidecar says: the hints the parser uses, and why anything in it was ignored."""

    hints: dict[str, str] | None
    ignored: tuple[str, ...] = ()  # one sentence per ignored sidecar or value


JSON_KINDS = {"list": "array", "str": "string", "int": "number", "float": "number", "bool": "boolean"}


def json_kind(value: object) -> str:
    return "null" if value is None else JSON_KINDS.get(type(value).__name__, type(value).__name__)


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in text)


def is_http_url(text: str) -> bool:
    """An absolute http(s) URL with a host, and no white space or control character in it."""
    if has_control_characters(text) or any(c.isspace() for c in text):
        return False
    try:
        parts = urlsplit(text)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # an unclosed [IPv6] host, say
        return False


def sidecar_value_problem(key: str, value: object) -> str | None:
    """Why ``value`` cannot be what ``key`` says, or None when it can."""
    if key == "http_status":
        number = value if isinstance(value, int) and not isinstance(value, bool) else None
        if isinstance(value, str) and value.strip().isdigit():
            number = int(value)
        return None if number is not None and 100 <= number <= 599 else "is not an HTTP status code (100-599)"
    if not isinstance(value, str):
        return f"is a JSON {json_kind(value)}, not a string"
    if key in URL_KEYS:
        return None if is_http_url(value.strip()) else "is not an http(s) URL"
    if key in DATE_KEYS:
        match = SIDECAR_DATE.match(value)
        try:
            ok = match is not None and dt.date(*map(int, match.groups())) is not None
        except ValueError:
            ok = False
        return None if ok else "is not a date (like 2021-01-20 or 2021年1月20日)"
    if key == "fetched_at":
        try:
            dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return "is not an ISO 8601 date and time"
        return None
    if has_control_characters(value):
        return "holds control characters"
    if key == "agency_name":
        if PATH_CHARACTERS.search(value):
            return "holds path characters (/ or \\), which no agency name has"
        if len(value) > MAX_AGENCY_NAME:
            return f"is {len(value)} characters long, more than any agency name ({MAX_AGENCY_NAME})"
    elif len(value) > MAX_TEXT:
        return f"is {len(value)} characters long, more than the {MAX_TEXT} kept"
    return None


SIDECAR_CHECKED = (*URL_KEYS, *DATE_KEYS, *TEXT_KEYS, "fetched_at", "http_status")


def check_sidecar(data: object, name: str) -> Sidecar:
    """The hints of a sidecar's parsed JSON, each value checked against what its key says."""
    if not isinstance(data, dict):
        return Sidecar(None, (f"sidecar {name} ignored: it holds a JSON {json_kind(data)}, not an object",))
    ignored: dict[str, str] = {}
    for key in SIDECAR_CHECKED:
        value = data.get(key)
        if value in (None, ""):
            continue
        problem = sidecar_value_problem(key, value)
        if problem:
            shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "…"
            ignored[key] = f"sidecar {name}: {key} ignored, {shown} {problem}"
    hints = {
        key: text
        for key in SIDECAR_KEYS
        if key not in ignored and data.get(key) is not None and (text := str(data[key]).strip())
    }
    return Sidecar(hints, tuple(ignored.values()))


def read_sidecar_checked(path: Path | str) -> Sidecar:
    """The ``<file>.meta.json`` beside a report: its hints, and what was ignored in it and why.

    No sidecar: no hints and nothing ignored. A sidecar that cannot be read, is not valid JSON
    or not an object is ignored whole; a value that cannot be what its key says is dropped.
    """
    path = Path(path)
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not os.path.lexists(sidecar) or sidecar.is_dir():  # none, or a directory named like one
        return Sidecar(None)
    try:
        text = read_bytes(sidecar).decode("utf-8-sig")
    except OSError as error:
        return Sidecar(None, (f"sidecar {sidecar.name} ignored: {why_unreadable(sidecar, error)}",))
    except UnicodeDecodeError:
        return Sidecar(None, (f"sidecar {sidecar.name} ignored: it is not UTF-8 text",))
    try:
        data = json.loads(text)
    except ValueError as error:
        return Sidecar(None, (f"sidecar {sidecar.name} ignored: not valid JSON ({error})",))
    return check_sidecar(data, sidecar.name)


def read_sidecar(path: Path | str) -> dict[str, str] | None:
    """The ``<file>.meta.json`` hints beside a report, if any (``read_sidecar_checked`` says
    what was ignored)."""
    return read_sidecar_checked(path).hints


def iter_listing(landing_dir: Path, unlistable: list[str] | None = None) -> Iterator[tuple[Path, list[str]]]:
    """Each directory below ``landing_dir`` with the names of the files in it, sorted, in a
    stable (sorted) order. A directory that cannot be listed (permission denied, gone) is
    added to ``unlistable`` with why, for the run's log: its files are not known."""

    def note(error: OSError) -> None:
        if unlistable is not None:
            unlistable.append(f"{error.filename}: {error.strerror or error}")

    for root, dirs, names in os.walk(landing_dir, onerror=note):
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
    # directories that could not be listed, with why: their files are not known (the run's log says so)
    unlistable: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.source_path)

    def sidecars(self) -> list[Sidecar]:
        """Each file's sidecar, read now (only where the listing saw a sidecar)."""
        return [
            read_sidecar_checked(path) if listed else Sidecar(None)
            for path, listed in zip(self.source_path, self.sidecar_listed, strict=True)
        ]


def size_and_time(path: str) -> tuple[int, int]:
    """A listed file's size and modification time: of its target; of a dangling link, the
    link's own; of a file gone since it was listed, (0, 0). It is registered all the same and
    becomes an ``unreadable`` rejection when it is read."""
    for stat_of in (os.stat, os.lstat):
        try:
            info = stat_of(path)
        except OSError:
            continue
        return info.st_size, info.st_mtime_ns
    return 0, 0


def list_files(landing_dir: str | os.PathLike[str]) -> Listing:
    """Every report file below ``landing_dir`` (recursively) with its size and modification time,
    and every sidecar's: one ``stat`` a file, no file read.

    Every file listed is in one place: a report file; a sidecar beside one (part of it); or
    skipped (not a report by its extension, or a sidecar of no report file), counted in the
    run's log, not rejected.
    """
    listing = Listing()
    for root, names in iter_listing(Path(landing_dir), listing.unlistable):
        prefix = str(root / "x")[:-1]  # str(root / name) for every name, joined as pathlib joins
        listed = set(names)
        for name in names:
            path = prefix + name
            if name.endswith(SIDECAR_SUFFIX):
                listing.sidecar_stats.append((path, *size_and_time(path)))
                report = name[: -len(SIDECAR_SUFFIX)]
                if report not in listed or suffix_of(report) not in REPORT_EXTENSIONS:
                    listing.skipped.append(path)  # the sidecar of no report: a file like any other
                continue
            extension = suffix_of(name)
            if extension not in REPORT_EXTENSIONS:
                listing.skipped.append(path)
                continue
            size, modified = size_and_time(path)
            listing.source_path.append(path)
            listing.size_bytes.append(size)
            listing.modified_ns.append(modified)
            listing.extension.append(extension)
            listing.sidecar_listed.append(name + SIDECAR_SUFFIX in listed)  # from the names, no stat
    return listing


def discover_files(landing_dir: str | os.PathLike[str]) -> Discovery:
    """Every report file below ``landing_dir`` (recursively), hashed, with its sidecar.

    For a library user or a benchmark: the registry asset reuses the hashes of files whose
    size and modification time are unchanged (``registered_files``), so it lists instead.
    A file that cannot be read (a dangling link, a permission error, gone since it was listed,
    a FIFO) has no hash (None): the parse makes it an ``unreadable`` rejection.
    """
    listing = list_files(landing_dir)
    columns = (listing.source_path, listing.size_bytes, listing.modified_ns, listing.extension)
    files = [
        RawFile(path, hash_or_none(path), size, extension, sidecar.hints, modified, sidecar.ignored)
        for path, size, modified, extension, sidecar in zip(*columns, listing.sidecars(), strict=True)
    ]
    return Discovery(files, listing.skipped, listing.unlistable)


def hash_or_none(path: str) -> str | None:
    """The file's SHA-256, or None where it cannot be read."""
    try:
        return sha256_of(path)
    except OSError:
        return None
