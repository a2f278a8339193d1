"""The five most typical BI queries, timed on a built warehouse (read-only).

``QUERIES`` ask them as a BI tool does of the roll-up marts (``dbt/models/marts/rollups``);
``STAR_QUERIES`` ask the same of the facts joined to ``dim_report`` (seconds at 2 M reports:
every query joins millions of fact rows on the 16-character ``report_id``). The answers are
the same, except that the roll-up lists every missing year of a gap, the star query the first.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

STAR_QUERIES = {
    "applications_by_province_and_year": """
        SELECT g.province_zh, r.report_year, sum(a.value) AS requests
        FROM marts.fct_applications a
        JOIN marts.dim_report r ON r.report_id = a.report_id
        JOIN marts.dim_region g ON g.region_code = r.region_code
        WHERE a.outcome_code = 'new_received' AND a.applicant_type = 'total' AND a.source_method = 'table'
        GROUP BY 1, 2""",
    "refusal_reasons_by_template": """
        SELECT r.template_version, a.outcome_code, sum(a.value) AS requests
        FROM marts.fct_applications a JOIN marts.dim_report r ON r.report_id = a.report_id
        WHERE a.outcome_group = 'denied' AND a.applicant_type = 'total'
        GROUP BY 1, 2""",
    "identity_failure_rates": """
        SELECT rule_code, count(*) AS checks,
               avg(CASE WHEN status = 'fail' THEN 1.0 ELSE 0.0 END) AS failure_rate
        FROM marts.fct_identity_checks WHERE status <> 'not_assessable' GROUP BY 1""",
    "trading_volumes_by_category": """
        SELECT r.report_year, t.category, sum(t.project_count) AS projects, sum(t.amount_wan) AS amount_wan
        FROM marts.fct_transactions t JOIN marts.dim_report r ON r.report_id = t.report_id
        WHERE t.scope = 'platform' GROUP BY 1, 2""",
    "agencies_missing_a_year": """
        WITH years AS (SELECT DISTINCT agency_id, report_year FROM marts.dim_report)
        SELECT a.agency_id, a.agency_name, y.report_year + 1 AS missing_year
        FROM years y JOIN marts.dim_agency a USING (agency_id)
        WHERE y.report_year < (SELECT max(report_year) FROM marts.dim_report)
          AND NOT EXISTS (SELECT 1 FROM years z
                          WHERE z.agency_id = y.agency_id AND z.report_year = y.report_year + 1)
          AND EXISTS (SELECT 1 FROM years z
                      WHERE z.agency_id = y.agency_id AND z.report_year > y.report_year + 1)""",
}


QUERIES = {
    "applications_by_province_and_year": """
        SELECT g.province_zh, a.report_year, sum(a.value) AS requests
        FROM marts.agg_applications a JOIN marts.dim_region g ON g.region_code = a.region_code
        WHERE a.outcome_code = 'new_received' AND a.applicant_type = 'total' AND a.source_method = 'table'
        GROUP BY 1, 2""",
    "refusal_reasons_by_template": """
        SELECT template_version, outcome_code, sum(value) AS requests
        FROM marts.agg_applications
        WHERE outcome_group = 'denied' AND applicant_type = 'total'
        GROUP BY 1, 2""",
    "identity_failure_rates": """
        SELECT rule_code, sum(check_count) AS checks,
               sum(CASE WHEN status = 'fail' THEN check_count ELSE 0 END) * 1.0 / sum(check_count)
                   AS failure_rate
        FROM marts.agg_identity_checks WHERE status <> 'not_assessable' GROUP BY 1""",
    "trading_volumes_by_category": """
        SELECT report_year, category, sum(project_count) AS projects, sum(amount_wan) AS amount_wan
        FROM marts.agg_transactions WHERE scope = 'platform' GROUP BY 1, 2""",
    "agencies_missing_a_year": """
        SELECT a.agency_id, a.agency_name, m.report_year AS missing_year
        FROM marts.fct_missing_reports m JOIN marts.dim_agency a ON a.agency_id = m.agency_id""",
}


def time_queries(
    warehouse: Path, queries: dict[str, str] | None = None, repeats: int = 3
) -> dict[str, float]:
    """Milliseconds per query: the best of ``repeats`` (a warm cache, as a dashboard sees it)."""
    timings = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for name, sql in (queries or QUERIES).items():
            best = float("inf")
            for _ in range(repeats):
                started = time.perf_counter()
                con.execute(sql).fetchall()
                best = min(best, time.perf_counter() - started)
            timings[name] = round(1000 * best, 1)
    return timings
