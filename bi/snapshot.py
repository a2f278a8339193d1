"""The BI site's data: every query of bi/sql/ run over the published snapshot, as one JSON document.

Observable Framework runs ``src/data/warehouse.json.py`` (a data loader) at build time; it calls
:func:`main`, which opens ``$WAREHOUSE_PUBLISH_DIR/warehouse.duckdb`` read-only with the project's
own duckdb (the snapshot is DuckDB 2.0 storage: a browser-side or Node DuckDB 1.x could not open
it) and prints ``{"<query name>": [row, ...], ...}``. Only the ``marts`` and ``audit`` schemas are
read: what the published snapshot promises (contract §2).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

SQL_DIR = Path(__file__).resolve().parent / "sql"


def plain(value: Any) -> Any:
    """A value JSON can hold: DECIMAL as a float (amounts are DECIMAL in 万元), dates as ISO text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def queries() -> dict[str, str]:
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(SQL_DIR.glob("*.sql"))}


def run_queries(snapshot: Path) -> dict[str, list[dict[str, Any]]]:
    if not snapshot.is_file():
        raise FileNotFoundError(f"{snapshot} is missing: run make run first (it publishes the snapshot)")
    with duckdb.connect(str(snapshot), read_only=True) as con:
        data = {}
        for name, sql in queries().items():
            cursor = con.execute(sql)
            columns = [column[0] for column in cursor.description]
            data[name] = [dict(zip(columns, map(plain, row), strict=True)) for row in cursor.fetchall()]
        return data


def main() -> None:
    from dagster_project.settings import publish_dir  # WAREHOUSE_PUBLISH_DIR, as make run resolves it

    json.dump(run_queries(publish_dir() / "warehouse.duckdb"), sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
