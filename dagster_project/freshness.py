"""Is the published warehouse already the build of what is in the landing directory?

A successful run ends by writing ``<warehouse>.state/build-state.json``: a digest of the landing
directory as it was registered (every report file and sidecar: path, size, mtime), a digest
of the code (ingest, the code location, the dbt project), the parser version and the
paths. ``make run`` compares that with the present and, where nothing changed, says so and
stops in a second instead of starting Dagster. Every run deletes the state first, so a run
that fails or is killed leaves none, and the next ``make run`` does the work.

The landing digest costs a ``stat`` of every file (~1 s at 200,000 files). ``make run``
computes it once, for its check, and hands it to the Dagster process it becomes
(:data:`DIGEST_ENV`, which names that very process): the run records it instead of
listing the directory again. The digest is taken before the run registers the files, so a
file that changes in between leaves a recorded digest that matches nothing, and the next
``make run`` works again; it can never claim a state the run did not build.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from dagster_project.settings import REPO_ROOT
from dagster_project.state import state_file
from ingest import PARSER_VERSION
from ingest.discover import Listing, list_files

if TYPE_CHECKING:
    import polars as pl

CODE_DIRS = ("ingest", "dagster_project", "dbt/models", "dbt/macros", "dbt/tests")
CODE_FILES = ("dbt/dbt_project.yml", "dbt/profiles.yml", "requirements.lock")
DIGEST_ENV = "WAREHOUSE_LANDING_DIGEST"  # {"pid", "landing_dir", "digest"}: see the module's doc


def landing_digest(landing_dir: Path) -> str:
    """Every report file and sidecar below ``landing_dir`` by path, size and modification time."""
    return listing_digest(list_files(landing_dir))


def listing_digest(listing: Listing) -> str:
    lines = [
        f"{path}\0{size}\0{modified}\n"
        for path, size, modified in (
            *zip(listing.source_path, listing.size_bytes, listing.modified_ns, strict=True),
            *listing.sidecar_stats,
        )
    ]
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def handed_over(landing_dir: Path, digest: str, listing: Listing | None = None) -> dict[str, str]:
    """The environment entry that hands ``digest`` (and ``listing``, written to a temporary file)
    to the process this one becomes (``execv``)."""
    value: dict[str, object] = {"pid": os.getpid(), "landing_dir": str(landing_dir), "digest": digest}
    if listing is not None:
        handle, name = tempfile.mkstemp(prefix="ogi-listing-", suffix=".arrow")
        os.close(handle)
        listing_frame(listing).write_ipc(name)
        value["listing"] = name
    return {DIGEST_ENV: json.dumps(value)}


def handed_over_value(landing_dir: Path) -> dict[str, object]:
    """What ``make run`` handed to this very process for ``landing_dir`` (else nothing)."""
    try:
        value = json.loads(os.environ.get(DIGEST_ENV, ""))
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    if value.get("pid") != os.getpid() or value.get("landing_dir") != str(landing_dir):
        return {}  # another process's (an inherited variable), or another landing dir's
    return value


def digest_handed_over(landing_dir: Path) -> str | None:
    """The digest ``make run`` took of ``landing_dir`` just before it became this process, if any."""
    digest = handed_over_value(landing_dir).get("digest")
    return digest if isinstance(digest, str) else None


def listing_handed_over(landing_dir: Path) -> Listing | None:
    """The listing ``make run`` took of ``landing_dir`` with its digest, if any; read once (the
    file is removed), so that a second registration in the same process lists the directory.

    Taken before the run started, like the digest (see the module's doc): a file added since is
    registered by the next run, which the recorded digest makes sure will run.
    """
    import polars as pl  # here: "nothing to do" needs no polars (~0.3 s)

    name = handed_over_value(landing_dir).get("listing")
    if not isinstance(name, str):
        return None
    try:
        frame = pl.read_ipc(name)
    except OSError:
        return None
    finally:
        Path(name).unlink(missing_ok=True)
    return listing_of(frame)


def listing_frame(listing: Listing) -> pl.DataFrame:
    """A listing as one frame (a row per report, sidecar and skipped file, and per directory that
    could not be listed, with why), to hand over."""
    import polars as pl

    sidecars, skipped = len(listing.sidecar_stats), len(listing.skipped)
    others = skipped + len(listing.unlistable)
    paths, sizes, modified = ([stat[i] for stat in listing.sidecar_stats] for i in range(3))
    return pl.DataFrame(
        {
            "kind": ["report"] * len(listing)
            + ["sidecar"] * sidecars
            + ["skipped"] * skipped
            + ["unlistable"] * len(listing.unlistable),
            "path": [*listing.source_path, *paths, *listing.skipped, *listing.unlistable],
            "size_bytes": [*listing.size_bytes, *sizes, *[None] * others],
            "modified_ns": [*listing.modified_ns, *modified, *[None] * others],
            "extension": [*listing.extension, *[None] * (sidecars + others)],
            "sidecar_listed": [*listing.sidecar_listed, *[None] * (sidecars + others)],
        },
        schema={
            "kind": pl.String(),
            "path": pl.String(),
            "size_bytes": pl.Int64(),
            "modified_ns": pl.Int64(),
            "extension": pl.String(),
            "sidecar_listed": pl.Boolean(),
        },
    )


def listing_of(frame: pl.DataFrame) -> Listing:
    import polars as pl

    reports = frame.filter(pl.col("kind") == "report")
    sidecars = frame.filter(pl.col("kind") == "sidecar")
    return Listing(
        source_path=reports["path"].to_list(),
        size_bytes=reports["size_bytes"].to_list(),
        modified_ns=reports["modified_ns"].to_list(),
        extension=reports["extension"].to_list(),
        sidecar_listed=reports["sidecar_listed"].to_list(),
        skipped=frame.filter(pl.col("kind") == "skipped")["path"].to_list(),
        sidecar_stats=list(sidecars.select("path", "size_bytes", "modified_ns").iter_rows()),
        unlistable=frame.filter(pl.col("kind") == "unlistable")["path"].to_list(),
    )


def code_digest() -> str:
    digest = hashlib.sha256()
    files = [REPO_ROOT / name for name in CODE_FILES]
    for folder in CODE_DIRS:
        files += sorted(
            p for p in (REPO_ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts
        )
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(REPO_ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def state_path(warehouse: Path) -> Path:
    return state_file(warehouse, "build-state.json")


def registered_path(warehouse: Path) -> Path:
    return state_file(warehouse, "registered.json")


def build_state(landing: Path, warehouse: Path, publish_dir: Path, landing_state: str) -> dict[str, str]:
    return {
        "landing_dir": str(landing),
        "landing_digest": landing_state,
        "warehouse": str(warehouse),
        "publish_dir": str(publish_dir),
        "parser_version": PARSER_VERSION,
        "code_digest": code_digest(),
    }


def forget(warehouse: Path, landing: Path) -> None:
    """At a run's start: no state until it succeeds; remember what the run registers."""
    state_path(warehouse).unlink(missing_ok=True)
    digest = digest_handed_over(landing) or landing_digest(landing)
    registered = {"landing_dir": str(landing), "landing_digest": digest}
    registered_path(warehouse).write_text(json.dumps(registered), "utf-8")


def last_landing(warehouse: Path) -> Path | None:
    """The landing directory the warehouse's files were last registered from (None: never, or
    by a version that did not record it)."""
    try:
        recorded = json.loads(registered_path(warehouse).read_text("utf-8")).get("landing_dir")
    except (OSError, ValueError, AttributeError):
        return None
    return Path(recorded) if isinstance(recorded, str) else None


def landing_change(landing: Path, warehouse: Path) -> str | None:
    """A warning when ``landing`` is not the directory ``warehouse`` was last built from."""
    before = last_landing(warehouse)
    if before is None or before == landing or not warehouse.is_file():
        return None
    return (
        f"WARNING: landing directory {landing} is not the one {warehouse} was last built from"
        f" ({before}): this run registers {landing} instead, and the reports of files not in it leave"
        " the warehouse. Set WAREHOUSE_LANDING_DIR (or warehouse.toml) to keep building the same one."
    )


def record(landing: Path, warehouse: Path, publish_dir: Path) -> None:
    """At a successful run's end (after publishing)."""
    registered = json.loads(registered_path(warehouse).read_text("utf-8"))["landing_digest"]
    state = build_state(landing, warehouse, publish_dir, registered)
    temp = state_path(warehouse).with_suffix(".tmp")
    temp.write_text(json.dumps(state, indent=1), "utf-8")
    os.replace(temp, state_path(warehouse))


def unchanged(landing: Path, warehouse: Path, publish_dir: Path, digest: str | None = None) -> bool:
    """True where the last successful run built and published exactly this landing dir with this code.

    ``digest``: the landing digest, if the caller took it already.
    """
    path = state_path(warehouse)
    if not (path.is_file() and warehouse.is_file() and (publish_dir / "warehouse.duckdb").is_file()):
        return False
    try:
        recorded = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return recorded == build_state(landing, warehouse, publish_dir, digest or landing_digest(landing))
