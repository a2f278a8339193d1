"""End to end: the real `make run` command on a corpus, its wall time and peak memory."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from dagster_project.settings import write_instance

REPO = Path(__file__).resolve().parents[1]
# Runs the command and prints the peak RSS (KiB) of its process tree: the children's
# ru_maxrss is the largest resident set any waited-for descendant reached.
MEASURE = (
    "import resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[1:]).returncode; "
    "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(code)"
)


@dataclass
class Timed:
    seconds: float
    peak_rss_mb: float


def make_run(landing: Path, warehouse: Path, published: Path, home: Path, log: Path) -> Timed:
    """`python -m dagster_project.materialize` (what `make run` runs), timed, with its peak RSS."""
    env = {
        **os.environ,
        "WAREHOUSE_LANDING_DIR": str(landing),
        "WAREHOUSE_PATH": str(warehouse),
        "WAREHOUSE_PUBLISH_DIR": str(published),
        "DAGSTER_HOME": str(write_instance(home)),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "DO_NOT_TRACK": "1",
    }
    command = [sys.executable, "-c", MEASURE, sys.executable, "-m", "dagster_project.materialize"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    log.write_text(done.stdout + done.stderr, encoding="utf-8")
    if done.returncode != 0:
        raise RuntimeError(f"make run failed on {landing} (log {log})")
    peak = next(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_RSS_KB"))
    return Timed(round(seconds, 2), round(peak / 1024, 1))


# the line a delta leaves at a file's end (and the unnumbered ones of earlier benches)
CORRECTIONS = re.compile(rb"(?:\n+(?:<!-- corrected(?: \d+)? -->|\(corrected(?: \d+)?\)))+\n\Z")


def touch_share(landing: Path, share: float) -> int:
    """Change ``share`` of the report files: the delta of a refresh.

    Each ends in one numbered correction line (ASCII, so the file stays valid in whichever
    encoding it was written), which replaces the line an earlier delta left: deltas repeated
    on a kept corpus change the same files without growing them (ten appended lines pushed a
    text report's signature date out of the lines the parser reads).
    """
    files = sorted(p for p in landing.rglob("*") if p.suffix in (".html", ".htm", ".txt"))
    step = max(1, round(1 / share))
    changed = files[::step]
    stamp = time.time_ns()
    for path in changed:
        line = f"(corrected {stamp})" if path.suffix == ".txt" else f"<!-- corrected {stamp} -->"
        path.write_bytes(CORRECTIONS.sub(b"", path.read_bytes()) + f"\n{line}\n".encode())
    return len(changed)


def write_results(results_dir: Path, runs: list[dict]) -> Path:
    """Today's file: these runs, and the runs of other sizes measured earlier today."""
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{time.strftime('%Y-%m-%d')}.json"
    sizes = {run["n_reports"] for run in runs}
    earlier = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
    merged = sorted([r for r in earlier if r["n_reports"] not in sizes] + runs, key=lambda r: r["n_reports"])
    path.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
