"""Reading government information disclosure annual reports (政府信息公开工作年度报告).

A pure library: bytes of a report in, typed records out. It knows nothing of
Dagster or dbt. The public entry points are :func:`ingest.discover.discover_files`,
:func:`ingest.pipeline.parse_files` and :func:`ingest.frames.build_frames`; on every core,
:func:`ingest.lake.plan_shards` and :func:`ingest.lake.run_shards` (Parquet per shard).
"""

# Bump when a change to the parser can change what it reads from an unchanged file: the
# parse log keys cached outcomes on (content hash, parser version), so a new version makes
# every file due for a re-parse and the same version never parses an unchanged file twice.
PARSER_VERSION = "2026.12.5"
