"""Reading government information disclosure annual reports (政府信息公开工作年度报告).

A pure library: bytes of a report in, typed records out. It knows nothing of
Dagster or dbt. The public entry points are :func:`ingest.discover.discover_files`,
:func:`ingest.parser.parse_file` and :func:`ingest.frames.build_frames`.
"""
