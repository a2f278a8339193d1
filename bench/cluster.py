"""The parse on a local Dask cluster beside the process pool (issue 21), and what the measured
OCR cost a page makes of a national scanned backfill on N machines.

The cluster is real: a scheduler and ``CLUSTER_WORKERS`` worker processes (one thread each) on
127.0.0.1, started before the clock starts (a cluster is long-lived), the shards sent to it by
``ingest.lake.run_shards`` exactly as the parse asset sends them with ``WAREHOUSE_PARSE_CLUSTER``
set. On one machine it measures the engine's overhead (each shard's task, its result and its
files through the scheduler) against the pool, not a speed-up: both use the same cores.
"""

from __future__ import annotations

from ingest.records import RawFile

CLUSTER_WORKERS = 2
NATIONAL_SCANNED_REPORTS = 100_000
PAGES_PER_REPORT = 5
MACHINES = (1, 10, 50, 100)
CORES_PER_MACHINE = 16


def cluster_parse_rate(files: list[RawFile]) -> dict:
    """Files a second on a local cluster of ``CLUSTER_WORKERS`` single-threaded worker processes."""
    from distributed import LocalCluster

    from bench.stages import parse_throughput

    with LocalCluster(
        n_workers=CLUSTER_WORKERS,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        rate, _reports = parse_throughput(files, CLUSTER_WORKERS, cluster.scheduler_address)
    return {"parse_cluster_reports_per_s": round(rate, 1), "parse_cluster_workers": CLUSTER_WORKERS}


def backfill_hours(ms_per_page: float, machines: int, cores: int = CORES_PER_MACHINE) -> float:
    """Wall hours to OCR ``NATIONAL_SCANNED_REPORTS`` × ``PAGES_PER_REPORT`` pages on ``machines``
    of ``cores`` cores, a page a core at ``ms_per_page`` (OCR is CPU-bound and the shards share
    nothing: the time divides by the cores; the loader's share is milliseconds a shard)."""
    pages = NATIONAL_SCANNED_REPORTS * PAGES_PER_REPORT
    return pages * ms_per_page / 1000 / (machines * cores) / 3600


def backfill_projection(ms_per_page: float | None) -> dict:
    if not ms_per_page:
        return {}
    return {
        "national_scanned_backfill_cpu_days": round(backfill_hours(ms_per_page, 1, 1) / 24, 1),
        f"national_scanned_backfill_hours_on_{CORES_PER_MACHINE}_core_machines": {
            str(n): round(backfill_hours(ms_per_page, n), 1) for n in MACHINES
        },
    }
