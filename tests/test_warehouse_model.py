"""The warehouse as a BI user meets it: cross-year identities, agencies, and the published copy.

Two consecutive gb2021 reports of one agency are rendered with a broken carry-over
(the 2022 report carries over 3 requests of natural persons where 2021 carried 2
forward), plus the same 2021 report in traditional script under another file name
shape. The whole code location is materialised into a temporary warehouse.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import opencc
import pytest
import sqlalchemy
from conftest import REPO_ROOT, cli_command, quiet_env, run_in_process
from test_parser_properties import OUTCOMES

from report_render import appeal_rows, application_rows, article20_rows, render

pytestmark = pytest.mark.e2e

AGENCY = "衡阳市公共资源交易中心"
COLUMNS = 6  # the applicant columns before 总计
HEADINGS = ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、行政复议、行政诉讼情况"]


def application_values(carried_over: list[int]) -> dict[tuple[str, int], Decimal]:
    """A gb2021 table that balances: every column carries 2 forward, totals are sums."""
    values = {(o, k): Decimal(0) for o in OUTCOMES["gb2021"] for k in range(COLUMNS + 1)}
    for k in range(COLUMNS):
        new = k + 2
        values[("new_received", k)] = Decimal(new)
        values[("carried_over", k)] = Decimal(carried_over[k])
        values[("granted", k)] = values[("total_processed", k)] = Decimal(new + carried_over[k] - 2)
        values[("carried_forward", k)] = Decimal(2)
    for outcome in OUTCOMES["gb2021"]:
        values[(outcome, COLUMNS)] = sum(values[(outcome, k)] for k in range(COLUMNS))
    return values


def report_text(year: int, carried_over: list[int]) -> str:
    return report_html(AGENCY, year, application_values(carried_over))


def report_html(agency: str, year: int, applications: dict[tuple[str, int], Decimal]) -> str:
    """A gb2021 page with these applications; 2 issued and 1 repealed a year: in_force grows
    by one, so in_force_continuity holds."""
    article20 = {(i, "issued"): Decimal(2) for i in ("regulations", "normative_documents")}
    article20 |= {(i, "repealed"): Decimal(1) for i in ("regulations", "normative_documents")}
    article20 |= {(i, "in_force"): Decimal(5 + year - 2021) for i in ("regulations", "normative_documents")}
    article20 |= {
        (i, "decisions"): Decimal(0)
        for i in ("administrative_licensing", "administrative_penalty", "administrative_enforcement")
    }
    article20[("administrative_fees", "fee_amount_wan")] = Decimal(0)
    tables = [
        article20_rows("gb2021", article20),
        application_rows(OUTCOMES["gb2021"], applications),
        appeal_rows([Decimal(0)] * 15),
    ]
    return render("html", f"{agency}{year}年政府信息公开工作年度报告", tables, HEADINGS)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("model")
    landing = root / "landing"
    landing.mkdir()
    (landing / "hy_2021.html").write_text(report_text(2021, [1] * COLUMNS), encoding="utf-8")
    (landing / "hy_2022.html").write_text(report_text(2022, [3] + [2] * (COLUMNS - 1)), encoding="utf-8")
    traditional = (
        opencc.OpenCC("s2tw").convert(report_text(2021, [1] * COLUMNS)).replace("2021年", "2021年度")
    )
    (landing / "hy_2021_reprint.html").write_text(traditional, encoding="utf-8")
    paths = {
        "root": root,
        "landing": landing,
        "warehouse": root / "w.duckdb",
        "published": root / "published",
    }
    run_in_process(landing, paths["warehouse"], paths["published"])
    return paths


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_broken_carry_over_is_a_failed_identity(built: dict[str, Path]) -> None:
    rows = query(
        built["warehouse"],
        """
        SELECT c.scope, c.lhs, c.rhs, c.status FROM marts.fct_identity_checks c
        JOIN marts.dim_report r USING (report_id)
        WHERE c.rule_code = 'carry_continuity' AND r.source_path LIKE '%hy_2022.html'
        ORDER BY c.scope""",
    )
    by_scope = {scope: (lhs, rhs, status) for scope, lhs, rhs, status in rows}
    assert by_scope["natural_person"] == (Decimal(2), Decimal(3), "fail")
    assert by_scope["total"] == (Decimal(12), Decimal(13), "fail")
    assert {by_scope[s][2] for s in by_scope if s not in ("natural_person", "total")} == {"pass"}
    assert query(
        built["warehouse"],
        """
        SELECT DISTINCT status FROM marts.fct_identity_checks c JOIN marts.dim_report r USING (report_id)
        WHERE r.source_path LIKE '%hy_2022.html' AND c.rule_code IN ('app_balance', 'app_outcomes_sum',
              'app_columns_sum', 'appeal_sum', 'in_force_continuity')""",
    ) == [("pass",)]


def test_failed_identity_is_stored_by_its_warning_test(built: dict[str, Path]) -> None:
    failures = query(
        built["warehouse"], "SELECT scope FROM audit.identity_failures__carry_continuity ORDER BY 1"
    )
    assert failures == [("natural_person",), ("total",)]


def test_variant_scripts_are_one_agency(built: dict[str, Path]) -> None:
    [(_, aliases, reports)] = query(
        built["warehouse"],
        f"""
        SELECT agency_name, agency_aliases, report_count
        FROM marts.dim_agency WHERE agency_name = '{AGENCY}'""",
    )
    assert reports == 3
    assert "衡陽市公共資源交易中心" in aliases
    assert query(built["warehouse"], "SELECT count(*) FROM marts.dim_agency") == [(1,)]


BI_QUERIES = {
    "applications by province and year": """
        SELECT g.province_zh, r.report_year, sum(a.value) AS requests
        FROM marts.fct_applications a
        JOIN marts.dim_report r ON r.report_id = a.report_id
        JOIN marts.dim_region g ON g.region_code = r.region_code
        WHERE a.outcome_code = 'new_received' AND a.applicant_type = 'total' AND a.source_method = 'table'
        GROUP BY 1, 2 ORDER BY 1, 2""",
    "identity failure rate by template": """
        SELECT r.template_version, avg(CASE WHEN c.status = 'fail' THEN 1.0 ELSE 0.0 END) AS failure_rate
        FROM marts.fct_identity_checks c JOIN marts.dim_report r ON r.report_id = c.report_id
        WHERE c.status <> 'not_assessable' GROUP BY 1 ORDER BY 1""",
}


def bi_answers(engine: sqlalchemy.Engine) -> dict[str, list[tuple]]:
    with engine.connect() as con:
        return {
            name: [tuple(row) for row in con.execute(sqlalchemy.text(sql))]
            for name, sql in BI_QUERIES.items()
        }


def superset_engine(published: Path) -> sqlalchemy.Engine:
    """As Superset connects: SQLAlchemy over duckdb_engine, read-only, a fresh connection each time."""
    return sqlalchemy.create_engine(
        f"duckdb:///{published / 'warehouse.duckdb'}",
        connect_args={"read_only": True},
        poolclass=sqlalchemy.pool.NullPool,
    )


def test_bi_queries_on_the_published_snapshot(built: dict[str, Path]) -> None:
    answers = bi_answers(superset_engine(built["published"]))
    assert answers["applications by province and year"] == [
        ("湖南省", 2021, Decimal(54)),
        ("湖南省", 2022, Decimal(27)),
    ]
    [(template, rate)] = answers["identity failure rate by template"]
    assert template == "gb2021" and 0 < rate < 0.1


def test_rollups_answer_as_the_facts_do(built: dict[str, Path]) -> None:
    """The BI questions asked of the roll-up marts give the facts' own answers."""
    from bench.bi import QUERIES, STAR_QUERIES

    def number(value: object) -> object:
        return round(float(value), 9) if isinstance(value, Decimal | float) else value

    def answers(sql: str) -> list[tuple]:
        return sorted((tuple(map(number, row)) for row in query(built["warehouse"], sql)), key=repr)

    for name in QUERIES:
        rollup, star = answers(QUERIES[name]), answers(STAR_QUERIES[name])
        if name == "agencies_missing_a_year":  # the star query names a gap's first year only
            assert {row[0] for row in rollup} == {row[0] for row in star}
        else:
            assert rollup == star, name
    assert answers(QUERIES["applications_by_province_and_year"])  # the built reports do answer


def test_bi_reads_never_blocked_while_a_run_writes(built: dict[str, Path]) -> None:
    """A pipeline run rebuilds and republishes while a BI tool keeps querying the snapshot."""
    engine = superset_engine(built["published"])
    expected = bi_answers(engine)
    env = quiet_env(built["root"], built["landing"], built["warehouse"], built["published"])
    touched = built["landing"] / "hy_2022.html"  # a new mtime, same content: a real run, not "nothing to do"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    run = subprocess.Popen(
        cli_command(), cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    reads, errors = 0, []
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.append(run.communicate(timeout=600)[0]))
    reader.start()
    while run.poll() is None:
        try:
            assert bi_answers(engine) == expected
            reads += 1
        except Exception as error:
            errors.append(repr(error))
        time.sleep(0.05)
    reader.join()
    assert run.returncode == 0, b"".join(output).decode()[-4000:]
    assert errors == []
    assert reads >= 10
    assert bi_answers(engine) == expected


def test_dbt_docs_generate_describes_every_mart_column(built: dict[str, Path], tmp_path: Path) -> None:
    """`dbt docs generate` works on a built warehouse; every mart column says what it is in both languages."""
    import json
    import os

    from dagster_project.dbt_manifest import dbt_executable

    env = {**os.environ, "WAREHOUSE_PATH": str(built["warehouse"]), "DO_NOT_TRACK": "1"}
    done = subprocess.run(
        [dbt_executable(), "docs", "generate", "--profiles-dir", ".", "--target-path", str(tmp_path)],
        cwd=REPO_ROOT / "dbt",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    catalog = json.loads((tmp_path / "catalog.json").read_text())
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    marts = {
        n["name"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["schema"] == "marts"
    }
    assert set(marts) >= {"dim_report", "dim_agency", "fct_applications", "fct_identity_checks"}
    for name, node in marts.items():
        built_columns = catalog["nodes"][node["unique_id"]]["columns"]
        for column in built_columns:
            description = node["columns"].get(column, {}).get("description", "")
            assert re.search(r"[A-Za-z]{3}", description), f"{name}.{column} has no English description"
            assert re.search(r"[\u4e00-\u9fff]", description), f"{name}.{column} has no Chinese label"
