"""``python -m bench``: generate corpora of 1,000 and 10,000 reports (200,000 with BENCH_FULL=1),
measure the parse and the whole pipeline on each, print the figures, write bench/results/<date>.json."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bi import time_queries
from bench.cluster import backfill_projection, cluster_parse_rate
from bench.e2e import make_run, touch_share, write_results
from bench.ocr import ocr_figures
from bench.pdf import pdf_figures
from bench.stages import corpus_files, page_times, parse_throughput, timed_stages

RESULTS = Path(__file__).resolve().parent / "results"
STAGE_SAMPLE = 1000  # files timed stage by stage (one core)
THROUGHPUT_SAMPLE = 20_000  # files parsed on every core for the parse rate (the e2e run parses all)


def generate(n: int, seed: int, out: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "synthetic", "--n", str(n), "--seed", str(seed), "--out", str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def code_commit() -> str | None:
    """The commit of the code measured (with ``+dirty`` when it has uncommitted changes)."""
    repo = Path(__file__).resolve().parents[1]

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout

    try:
        dirty = "+dirty" if git("status", "--porcelain") else ""
        return git("rev-parse", "--short", "HEAD").strip() + dirty
    except (OSError, subprocess.CalledProcessError):
        return None


def bench_size(n: int, work: Path) -> dict:
    landing = work / f"corpus_{n}"
    if not (landing / "truth.jsonl").is_file():  # a kept work dir's corpus is generated once
        generate(n, seed=n, out=landing)
    files = corpus_files(landing)
    sample = files[:: max(1, len(files) // STAGE_SAMPLE)][:STAGE_SAMPLE]  # every year and shape
    stages = timed_stages(sample)
    pages = page_times(sample)
    floor, per_page, to_rows = (pages.floor_ms, pages.parse_ms, pages.rows_ms) if pages else (None,) * 3
    throughput_files = files[:: max(1, len(files) // THROUGHPUT_SAMPLE)][:THROUGHPUT_SAMPLE]
    rate, reports = parse_throughput(throughput_files)
    cluster = cluster_parse_rate(throughput_files)  # the same files on a local Dask cluster (issue 21)
    warehouse, published, home = work / f"w_{n}.duckdb", work / f"pub_{n}", work / f"home_{n}"
    forget_build(warehouse, published, home)  # a kept work dir's build of an earlier bench
    full = make_run(landing, warehouse, published, home, work / f"run_{n}.log")
    rerun = make_run(landing, warehouse, published, home, work / f"rerun_{n}.log")
    changed = touch_share(landing, 0.01)
    delta = make_run(landing, warehouse, published, home, work / f"delta_{n}.log")
    run = {
        "n_reports": n,
        "commit": code_commit(),
        "files": len(files),
        "throughput_files": min(len(files), THROUGHPUT_SAMPLE),
        "reports_parsed": reports,
        "parse_reports_per_s": round(rate, 1),
        "parse_workers": os.cpu_count(),
        **cluster,
        "stage_ms_per_file": stages.per_file_ms(),
        "parse_ms_per_page": round(per_page, 3) if per_page else None,
        "lxml_floor_ms_per_page": round(floor, 3) if floor else None,
        "parse_to_floor_ratio": round(per_page / floor, 2) if per_page and floor else None,
        "parse_to_rows_ms_per_page": round(to_rows, 3) if to_rows else None,  # outcomes made staging rows
        "e2e_seconds": full.seconds,
        "peak_rss_mb": full.peak_rss_mb,
        "rerun_seconds": rerun.seconds,
        "delta_files": changed,
        "delta_seconds": delta.seconds,
        "warehouse_mb": round(warehouse.stat().st_size / 2**20, 1),
        "bi_query_ms": time_queries(warehouse),
        # text PDFs of some of the same reports, next to their web pages (bench/pdf.py)
        **pdf_figures(landing),
        # scanned pages of a few of them, read by OCR: speed and cell accuracy (bench/ocr.py)
        **ocr_figures(landing),
    }
    # a national scanned backfill on N machines at the OCR cost a page just measured (bench/cluster.py)
    run |= backfill_projection(run.get("ocr_ms_per_page"))
    print(summary_line(run), flush=True)
    return run


def forget_build(warehouse: Path, published: Path, home: Path) -> None:
    """Remove a warehouse, its state files, its publication and its Dagster instance: the
    end-to-end run that follows builds from the files alone."""
    for path in (warehouse, *warehouse.parent.glob(f"{warehouse.name}.*"), published, home):
        if path.is_dir():  # the staging lake beside the warehouse, the publication, the instance
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def summary_line(run: dict) -> str:
    return (
        f"N={run['n_reports']:>7,}: parse {run['parse_reports_per_s']:>6.0f} reports/s "
        f"(local Dask cluster of {run['parse_cluster_workers']} workers: "
        f"{run['parse_cluster_reports_per_s']:.0f} reports/s) "
        f"({run['parse_ms_per_page']} ms/page vs lxml floor {run['lxml_floor_ms_per_page']} ms), "
        f"e2e {run['e2e_seconds']:.0f} s, peak RSS {run['peak_rss_mb']:.0f} MB, "
        f"re-run {run['rerun_seconds']:.0f} s, 1% delta {run['delta_seconds']:.0f} s, "
        f"warehouse {run['warehouse_mb']} MB, stages {run['stage_ms_per_file']}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default=None, help="comma-separated corpus sizes (default 1000,10000)")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora and warehouses")
    parser.add_argument(
        "--work", type=Path, default=None, help="work dir (kept; corpora found there are not generated again)"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [1000, 10000]
    if os.environ.get("BENCH_FULL") == "1" and not args.sizes:
        sizes.append(200_000)
    work = args.work or Path(tempfile.mkdtemp(prefix="ogi-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        runs = [bench_size(n, work) for n in sizes]
    finally:
        if not (args.keep or args.work):
            shutil.rmtree(work, ignore_errors=True)
    print(f"results: {write_results(RESULTS, runs)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
