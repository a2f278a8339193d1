"""A warehouse of N generated reports for the BI benchmark: ``python -m bench.bi_warehouse``.

The recipe of issue 6 ("the five BI queries ≤ 200 ms on a 2 M-report warehouse"). It writes the
``marts`` schema with exactly the columns and types of a warehouse that ``make run`` built
(``--template-warehouse``, read from its information_schema, opened read-only), and fills it with
DuckDB SQL alone: ``range()`` joined to small code tables, values from ``hash(seed, …)``, so the
same seed gives the same warehouse and nothing is looped over in Python but the report years.

Shape (contract §3, and the rows per report of the real marts):

- agencies on the real ``dim_region`` regions (mostly counties), one report a year from a start
  year (few before 2019, most from 2019 on) to 2025, missing about one year in 16, a few stopping;
- ``template_version`` by year: ``pre2019`` ≤ 2018 (prose only: one to three rows per fact table),
  ``gb2019`` 2019–2020 (23 outcome rows × 7 applicant columns), ``gb2021`` ≥ 2021 (25 × 7);
- per report on average about 130 application, 13 appeal, 11 disclosure and 38 identity-check
  rows; platform trading volumes only for the trading centres (3 % of agencies), the agency's own
  centralised procurement for 40 % of the template reports; a few unmapped cells;
- values non-negative and heavy-tailed, blank cells NULL (3 % of reports blank all through).

The fact tables are written one report year at a time, as the yearly incremental dbt models do,
report by report (``--order report``: the physical order the current models give) or, for the
experiment, each year's rows sorted by their codes (``--order codes``, ``FACT_ORDER``).

Then (unless ``--no-bi-marts``) the real dbt CLI builds the roll-up marts of
``dbt/models/marts/rollups`` on them (``dbt run --select tag:rollup``): ``marts.agg_applications``,
``marts.agg_transactions``, ``marts.agg_identity_checks`` and ``marts.fct_missing_reports``.
``--time`` times ``bench.bi.STAR_QUERIES`` (the five questions on the facts joined to
``dim_report``) and ``bench.bi.QUERIES`` (the same questions as a BI tool sends them to the
roll-ups); ``--json`` writes the figures.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import time
from pathlib import Path

import duckdb

from bench.bi import STAR_QUERIES, time_queries
from dagster_project.dbt_manifest import dbt_env, dbt_executable
from dagster_project.settings import DBT_PROJECT_DIR

DEFAULT_TEMPLATE = Path(__file__).resolve().parent.parent / "data" / "warehouse.duckdb"
ROLLUPS = (
    "select table_name from information_schema.tables where table_schema = 'marts'"
    " and (table_name like 'agg_%' or table_name = 'fct_missing_reports') order by 1"
)
TABLES = (
    "dim_region",
    "dim_agency",
    "dim_report",
    "dim_year",
    "fct_applications",
    "fct_appeals",
    "fct_disclosures",
    "fct_transactions",
    "fct_identity_checks",
    "fct_unmapped_cells",
)
FIRST_YEAR, LAST_YEAR = 2008, 2025

# Contract §3 code lists, with a relative weight (share of new_received) for the generated values.
# (outcome_code, outcome_group, weight, templates)
OUTCOMES = (
    ("new_received", "intake", 1.0, "gb2019 gb2021"),
    ("carried_over", "intake", 0.06, "gb2019 gb2021"),
    ("granted", "granted", 0.45, "gb2019 gb2021"),
    ("partially_granted", "partially_granted", 0.08, "gb2019 gb2021"),
    ("denied_state_secret", "denied", 0.005, "gb2019 gb2021"),
    ("denied_law_prohibited", "denied", 0.01, "gb2019 gb2021"),
    ("denied_security_stability", "denied", 0.004, "gb2019 gb2021"),
    ("denied_third_party", "denied", 0.008, "gb2019 gb2021"),
    ("denied_internal_affairs", "denied", 0.015, "gb2019 gb2021"),
    ("denied_process_info", "denied", 0.02, "gb2019 gb2021"),
    ("denied_enforcement_file", "denied", 0.006, "gb2019 gb2021"),
    ("denied_admin_inquiry", "denied", 0.01, "gb2019 gb2021"),
    ("unable_not_held", "unable", 0.15, "gb2019 gb2021"),
    ("unable_needs_creation", "unable", 0.04, "gb2019 gb2021"),
    ("unable_unclear", "unable", 0.02, "gb2019 gb2021"),
    ("not_processed_petition", "not_processed", 0.04, "gb2019 gb2021"),
    ("not_processed_duplicate", "not_processed", 0.02, "gb2019 gb2021"),
    ("not_processed_publication", "not_processed", 0.005, "gb2019 gb2021"),
    ("not_processed_excessive", "not_processed", 0.005, "gb2019 gb2021"),
    ("not_processed_confirmation", "not_processed", 0.005, "gb2019 gb2021"),
    ("other_processing", "other", 0.05, "gb2019"),
    ("other_overdue_correction", "other", 0.02, "gb2021"),
    ("other_overdue_fee", "other", 0.002, "gb2021"),
    ("other_other", "other", 0.03, "gb2021"),
    ("total_processed", "total", 0.97, "gb2019 gb2021"),
    ("carried_forward", "carried_forward", 0.05, "gb2019 gb2021"),
)
# (applicant_type, share of the total column)
APPLICANTS = (
    ("natural_person", 0.85),
    ("commercial_enterprise", 0.08),
    ("research_institution", 0.004),
    ("social_welfare_org", 0.004),
    ("legal_service_org", 0.02),
    ("other_org", 0.04),
    ("total", 1.0),
)
APPEAL_KINDS = ("administrative_review", "litigation_direct", "litigation_after_review")
APPEAL_RESULTS = ("upheld", "corrected", "other", "pending", "total")
# (template, item_code, measure_code, row_label, column_label, share of reports with the row)
DISCLOSURE_CELLS = tuple(
    (tv, item, measure, row, col, share)
    for tv, items, measures, share in (
        ("gb2019", (("regulations", "规章"), ("normative_documents", "规范性文件")), "gb2019_docs", 1.0),
        ("gb2019", (("other_documents", "其他主动公开文件"),), "gb2019_docs", 0.3),
        (
            "gb2019",
            (
                ("administrative_licensing", "行政许可"),
                ("other_services", "其他对外管理服务事项"),
                ("administrative_penalty", "行政处罚"),
                ("administrative_enforcement", "行政强制"),
            ),
            "gb2019_items",
            1.0,
        ),
        ("gb2019", (("administrative_fees", "行政事业性收费"),), "gb2019_fees", 1.0),
        ("gb2021", (("regulations", "规章"), ("normative_documents", "行政规范性文件")), "gb2021_docs", 1.0),
        (
            "gb2021",
            (
                ("administrative_licensing", "行政许可"),
                ("administrative_penalty", "行政处罚"),
                ("administrative_enforcement", "行政强制"),
            ),
            "gb2021_items",
            1.0,
        ),
        ("gb2021", (("administrative_fees", "行政事业性收费"),), "gb2021_fees", 1.0),
    )
    for item, row in items
    for measure, col in {
        "gb2019_docs": (("new_made", "本年新制作数量"), ("new_published", "本年新公开数量"),
                        ("total_published", "对外公开总数量")),
        "gb2019_items": (("previous_count", "上一年项目数量"), ("change", "本年增/减"),
                         ("decisions", "处理决定数量")),
        "gb2019_fees": (("previous_count", "上一年项目数量"), ("change", "本年增/减")),
        "gb2021_docs": (("issued", "本年制发件数"), ("repealed", "本年废止件数"),
                        ("in_force", "现行有效件数")),
        "gb2021_items": (("decisions", "本年处理决定数量"),),
        "gb2021_fees": (("fee_amount_wan", "本年收费金额(单位:万元)"),),
    }[measures]
)  # fmt: skip
# (channel, share of reports stating it in prose, as the text says it)
CHANNELS = (
    ("all", 0.35, "全年主动公开信息"),
    ("website", 0.55, "网站发布信息"),
    ("gov_portal", 0.2, "政府门户网站发布信息"),
    ("wechat", 0.3, "微信公众号发布信息"),
    ("weibo", 0.1, "微博发布信息"),
    ("wechat_weibo", 0.1, "微信公众号、微博共发布信息"),
)
# (category, label as printed) of a trading centre's platform table; 'all' is the prose total.
PLATFORM_CATEGORIES = (
    ("construction", "建设工程交易"),
    ("government_procurement", "政府采购交易"),
    ("natural_resources", "自然资源交易"),
    ("state_property", "国有产权交易"),
    ("other", "其他交易"),
)
RULE_CODES = (
    "app_balance",
    "app_outcomes_sum",
    "app_columns_sum",
    "appeal_sum",
    "carry_continuity",
    "in_force_continuity",
    "item_count_continuity",
    "text_table_agreement",
    "text_parts_sum",
)
# (agency_type, cumulative share, name suffix); departments draw their name from DEPARTMENTS.
AGENCY_TYPES = (
    ("trading_center", 0.03, "公共资源交易中心"),
    ("supervision_bureau", 0.04, "公共资源交易监督管理局"),
    ("government_services", 0.08, "政务服务和大数据管理局"),
    ("government", 0.20, "人民政府"),
    ("department", 0.98, ""),
    ("other", 1.0, "档案馆"),
)
# (a department's name, after its place; a township's name, before 人民政府)
DEPARTMENTS = (
    "发展和改革委员会 教育局 科学技术局 工业和信息化局 公安局 民政局 司法局 财政局 人力资源和社会保障局 "
    "自然资源局 生态环境局 住房和城乡建设局 交通运输局 水利局 农业农村局 商务局 文化和旅游局 卫生健康委员会 "
    "退役军人事务局 应急管理局 审计局 市场监督管理局 统计局 医疗保障局 林业局 城市管理局 信访局 "
    "人民政府办公室 税务局 档案局 地方金融监督管理局 乡村振兴局 国有资产监督管理委员会 体育局"
)
TOWNSHIPS = "城关镇 新华街道 东城街道 西城街道 城南街道 城北镇 新兴镇 太平镇 红旗乡 永安镇 和平镇 长安镇"

# Physical order of the fact tables with --order codes (each year's rows sorted, so that DuckDB's
# min/max zone maps skip the row groups of the codes a query filters out).
FACT_ORDER = {
    "fct_applications": "applicant_type, outcome_group, outcome_code, source_method, report_id",
    "fct_appeals": "appeal_kind, result_code, report_id",
    "fct_disclosures": "item_code, measure_code, report_id",
    "fct_transactions": "scope, category, report_id",
    "fct_identity_checks": "rule_code, status, report_id",
    "fct_unmapped_cells": "report_id",
}


def template_columns(template: Path) -> dict[str, list[tuple[str, str, bool]]]:
    """``{table: [(column, type, nullable), …]}`` of the template warehouse's ``marts`` tables."""
    if not template.is_file():
        raise SystemExit(
            f"template warehouse {template} not found: build one with `make run` (it gives the marts "
            "their columns and types) or pass --template-warehouse"
        )
    with duckdb.connect(str(template), read_only=True) as con:
        rows = con.execute(
            "select table_name, column_name, data_type, is_nullable = 'YES' from information_schema.columns "
            "where table_schema = 'marts' order by table_name, ordinal_position"
        ).fetchall()
    columns: dict[str, list[tuple[str, str, bool]]] = {}
    for table, column, data_type, nullable in rows:
        columns.setdefault(table, []).append((column, data_type, nullable))
    missing = [t for t in TABLES if t not in columns]
    if missing:
        raise SystemExit(f"template warehouse {template} has no marts.{', marts.'.join(missing)}")
    return columns


def check_codes(con: duckdb.DuckDBPyConnection) -> None:
    """Every code the template's marts hold is one the generator knows (contract drift fails loudly)."""
    known = {
        "fct_applications.outcome_code": {o[0] for o in OUTCOMES},
        "fct_applications.outcome_group": {o[1] for o in OUTCOMES},
        "fct_applications.applicant_type": {a[0] for a in APPLICANTS},
        "fct_appeals.appeal_kind": set(APPEAL_KINDS),
        "fct_appeals.result_code": set(APPEAL_RESULTS),
        "fct_disclosures.item_code": {c[1] for c in DISCLOSURE_CELLS} | {"published_information"},
        "fct_disclosures.measure_code": {c[2] for c in DISCLOSURE_CELLS} | {"count"},
        "fct_disclosures.channel": {c[0] for c in CHANNELS},
        "fct_transactions.category": {c[0] for c in PLATFORM_CATEGORIES} | {"all", "centralized_procurement"},
        "fct_identity_checks.rule_code": set(RULE_CODES),
        "dim_agency.agency_type": {t[0] for t in AGENCY_TYPES},
    }
    for key, codes in known.items():
        table, column = key.split(".")
        seen = {r[0] for r in con.execute(f"select distinct {column} from tmpl.marts.{table}").fetchall()}
        unknown = seen - codes - {None}
        if unknown:
            raise SystemExit(f"template {key} has codes the generator does not know: {sorted(unknown)}")
    sql = "select distinct outcome_code, outcome_group from tmpl.marts.fct_applications"
    pairs = con.execute(sql).fetchall()
    groups = {o[0]: o[1] for o in OUTCOMES}
    wrong = [p for p in pairs if groups.get(p[0]) != p[1]]
    if wrong:
        raise SystemExit(f"template outcome_group differs from the generator's: {wrong}")


def values_sql(rows: list[tuple], names: str) -> str:
    """A ``(values …) t(names)`` relation of Python literals."""

    def lit(v: object) -> str:
        if isinstance(v, str):
            return "'" + v.replace("'", "''") + "'"
        return repr(v)

    body = ", ".join("(" + ", ".join(lit(v) for v in row) + ")" for row in rows)
    return f"(values {body}) t({names})"


def setup(con: duckdb.DuckDBPyConnection, seed: int, n_reports: int) -> None:
    """Macros, code tables, agencies and reports (temp tables; the marts are filled from them)."""
    # hash() of several arguments only combines their hashes (rnd(i, 'a') and rnd(i, 'b') would correlate
    # at 0.9): hashing the combination again mixes it into independent uniforms in [0, 1).
    con.execute(f"create temp macro rnd(a, b) as hash(hash({int(seed)}, a, b)) / 18446744073709551616.0")
    con.execute("create temp macro pick(xs, u) as xs[1 + floor(u * len(xs))::integer]")
    outcomes = [
        (tv, k, code, group, weight, app, share)
        for k, (code, group, weight, templates) in enumerate(OUTCOMES)
        for tv in templates.split()
        for app, share in APPLICANTS
    ]
    con.execute(
        "create temp table app_codes as select * from "
        + values_sql(
            outcomes, "template_version, k, outcome_code, outcome_group, weight, applicant_type, share"
        )
    )
    con.execute(
        "create temp table appeal_codes as select * from "
        + values_sql([(k, r) for k in APPEAL_KINDS for r in APPEAL_RESULTS], "appeal_kind, result_code")
    )
    con.execute(
        "create temp table disclosure_cells as select row_number() over () as k, * from "
        + values_sql(
            list(DISCLOSURE_CELLS),
            "template_version, item_code, measure_code, row_label, column_label, share",
        )
    )
    con.execute(
        "create temp table channels as select * from " + values_sql(list(CHANNELS), "channel, share, said")
    )
    con.execute(
        "create temp table platform_categories as select row_number() over () as k, * from "
        + values_sql(list(PLATFORM_CATEGORIES), "category, label")
    )
    con.execute(
        "create temp table regions as select row_number() over (order by region_code) - 1 as idx, "
        "region_code, "
        "name_zh, level from marts.dim_region"
    )
    n_regions = con.execute("select count(*) from regions").fetchone()[0]
    # Enough agencies for n_reports (each has at least one report; about 7.5 on average).
    n_agencies = math.ceil(n_reports / 6) + 50
    types_case = " ".join(f"when u_type < {share} then '{name}'" for name, share, _ in AGENCY_TYPES)
    suffix_case = " ".join(f"when '{name}' then '{suffix}'" for name, _, suffix in AGENCY_TYPES if suffix)
    con.execute(f"""
        create temp table agencies_all as
        with a as (
            select i, rnd(i, 'type') as u_type, rnd(i, 'start') as u_start, rnd(i, 'stop') as u_stop,
                   floor(rnd(i, 'region') * {n_regions})::integer as region_idx
            from range({n_agencies}) r(i)
        ), b as (
            select a.i, g.region_code, g.name_zh as region_name, g.level,
                   case {types_case} end as agency_type,
                   case when u_start < 0.05 then 2008
                        when u_start < 0.30 then 2009 + floor((u_start - 0.05) / 0.025)::integer
                        when u_start < 0.75 then 2019 when u_start < 0.87 then 2020
                        when u_start < 0.95 then 2021
                        else least(2022 + floor((u_start - 0.95) / 0.0125)::integer, {LAST_YEAR}) end
                       as first_year,
                   u_stop
            from a join regions g on g.idx = a.region_idx
        )
        select i, region_code, agency_type, first_year,
               case when u_stop < 0.08
                    then first_year + floor(rnd(i, 'last') * ({LAST_YEAR} - first_year + 1))
                    else {LAST_YEAR} end::integer as last_year,
               case when agency_type = 'government' and level = 'county' and rnd(i, 'township') < 0.6
                    then 'township' else level end as admin_level,
               region_name || case
                   when agency_type = 'department' then pick({DEPARTMENTS.split()!r}, rnd(i, 'dept'))
                   when agency_type = 'government' and level = 'county' and rnd(i, 'township') < 0.6
                       then pick({TOWNSHIPS.split()!r}, rnd(i, 'town')) || '人民政府'
                   else case agency_type {suffix_case} end end as base_name
        from b
    """)
    # One report per agency and year from first_year to last_year, one year in 16 missing;
    # the first n_reports in agency order are kept (the last agency may lose its later years).
    con.execute(f"""
        create temp table reports as
        with candidates as (
            select a.*, y.report_year,
                   row_number() over (order by a.i, y.report_year) as n
            from agencies_all a
            join range({FIRST_YEAR}, {LAST_YEAR + 1}) y(report_year)
              on y.report_year between a.first_year and a.last_year
            where y.report_year in (a.first_year, a.last_year)
               or rnd(a.i * 100 + y.report_year, 'gap') >= 0.0625
        ), kept as (select * from candidates where n <= {int(n_reports)})
        select n as rid, i, report_year, region_code, agency_type, admin_level, base_name,
               case when report_year <= 2018 then 'pre2019' when report_year <= 2020 then 'gb2019'
                    else 'gb2021' end as template_version,
               sha256('{int(seed)}:' || i || ':' || report_year) as content_sha256,
               md5('{int(seed)}:agency:' || i) as agency_id,
               floor(exp(rnd(n, 'size') * 8))::integer - 1 as base_size,
               rnd(n, 'blank') < 0.03 as blank,
               rnd(n, 'prose') as u_prose,
               rnd(n, 'appeal_prose') as u_appeal_prose
        from kept
    """)
    got = con.execute("select count(*) from reports").fetchone()[0]
    if got != n_reports:
        raise RuntimeError(f"generated {got} reports, wanted {n_reports}")


def fill_dimensions(con: duckdb.DuckDBPyConnection) -> None:
    """dim_report, dim_agency and dim_year (dim_region is the template's own)."""
    con.execute("""
        create temp table agency_names as
        select i, base_name || case when k > 1 then '(' || k || ')' else '' end as agency_name
        from (select i, base_name, row_number() over (partition by region_code, base_name order by i) as k
              from (select distinct i, region_code, base_name from reports))
    """)
    con.execute("""
        insert into marts.dim_report by name
        select left(r.content_sha256, 16) as report_id, r.agency_id, n.agency_name,
               case when rnd(r.rid, 'unq') < 0.08
                    then regexp_replace(n.agency_name, '^.+?(市|县|区|省)', '\\1')
                    else n.agency_name end as agency_name_raw,
               case when rnd(r.rid, 'unq') < 0.08 then 'text_inferred' else 'title' end as agency_name_source,
               r.region_code, g.name_zh as region_name_zh,
               case when rnd(r.rid, 'unq') < 0.08 then 'text_mentions' else 'agency_name' end
                   as region_source,
               r.report_year,
               case when rnd(r.rid, 'ys') < 0.05 then 'text' else 'title' end as report_year_source,
               r.template_version,
               case when rnd(r.rid, 'date') < 0.12 then null
                    when rnd(r.rid, 'late') < 0.1
                        then make_date(r.report_year + 1, 2, 1) + floor(rnd(r.rid, 'day') * 300)::integer
                    else make_date(r.report_year + 1, 1, 5) + floor(rnd(r.rid, 'day') * 27)::integer
               end as published_date,
               case when rnd(r.rid, 'title') < 0.05 then null
                    else n.agency_name || r.report_year || '年政府信息公开工作年度报告' end as title,
               '/landing/' || r.report_year || '/' || left(r.content_sha256, 16) || '.html' as source_path,
               r.content_sha256,
               case when rnd(r.rid, 'script') < 0.03 then 'traditional' else 'simplified' end as script,
               case when rnd(r.rid, 'script') < 0.03 then 'big5' when rnd(r.rid, 'enc') < 0.2 then 'gb18030'
                    else 'utf-8' end as encoding,
               case when r.template_version = 'pre2019' then 'prose'
                    else pick(['html', 'html', 'html', 'html', 'html', 'html', 'text_cells', 'text_tabs',
                               'text_pipes', 'text_cells'], rnd(r.rid, 'shape')) end as source_shape,
               case when rnd(r.rid, 'url') < 0.4 then null
                    else 'https://www.example.gov.cn/xxgk/' || r.report_year || '/'
                         || left(r.content_sha256, 8)
                         || '.html' end as url,
               floor(pow(rnd(r.rid, 'warn'), 4) * 4)::integer as parse_warnings
        from reports r join agency_names n using (i) join regions g using (region_code)
        order by r.report_year, r.i
    """)
    con.execute("""
        insert into marts.dim_agency by name
        select r.agency_id, any_value(n.agency_name) as agency_name,
               case when rnd(r.i, 'alias') < 0.05
                    then [any_value(n.agency_name) || '(公共资源交易监督管理局)']
                    else []::varchar[] end as agency_aliases,
               any_value(r.agency_type) as agency_type, any_value(r.admin_level) as admin_level,
               any_value(r.region_code) as region_code, count(*) as report_count,
               min(r.report_year) as first_report_year, max(r.report_year) as last_report_year
        from reports r join agency_names n using (i)
        group by r.agency_id, r.i
        order by r.i
    """)
    con.execute("""
        insert into marts.dim_year by name
        select report_year, any_value(template_version) as template_version,
               make_date(report_year + 1, 1, 31) as publication_deadline,
               count(*) as report_count, count(distinct agency_id) as agency_count,
               count(*) filter (where template_version = 'pre2019') as pre2019_report_count,
               count(*) filter (where template_version = 'gb2019') as gb2019_report_count,
               count(*) filter (where template_version = 'gb2021') as gb2021_report_count,
               count(*) filter (where published_date > make_date(report_year + 1, 1, 31))
                   as late_report_count,
               count(*) filter (where published_date is null) as undated_report_count
        from marts.dim_report group by report_year order by report_year
    """)


# One SELECT per fact table over the reports of one year (alias r, {year} substituted).
FACT_SQL = {
    "fct_applications": """
        with cells as (
            select left(r.content_sha256, 16) as report_id, c.applicant_type, c.outcome_code, c.outcome_group,
                   case when r.blank and not (c.outcome_code = 'new_received' and c.applicant_type = 'total')
                            then null
                        when rnd(r.rid * 32 + c.k, c.applicant_type) < 0.01 then null
                        else round(r.base_size * c.weight * c.share * (0.6 + 0.8 * rnd(r.rid, c.k * 8 + 1)))
                   end as value
            from reports r join app_codes c using (template_version)
            where r.report_year = {year}
        )
        select *, 'table' as source_method, coalesce(value::bigint::varchar, '') as source_text from cells
        union all
        select left(r.content_sha256, 16), 'total', o.outcome_code, o.outcome_group, v.value, 'prose',
               case when v.value = 0 then '未收到政府信息公开申请'
                    else '共收到政府信息公开申请' || v.value::bigint || '件' end
        from reports r
        join (values ('new_received', 'intake', 0), ('granted', 'granted', 1),
                     ('total_processed', 'total', 2)) o(outcome_code, outcome_group, j)
          on o.j = 0 and r.u_prose < (case when r.template_version = 'pre2019' then 0.95 else 0.3 end)
          or r.template_version = 'pre2019' and o.j > 0 and rnd(r.rid, o.outcome_code) < 0.4
        cross join lateral (
            select round(r.base_size * (case o.j when 0 then 1.0 when 1 then 0.45 else 0.97 end)) as value
        ) v
        where r.report_year = {year}
    """,
    "fct_appeals": """
        select left(r.content_sha256, 16) as report_id, c.appeal_kind, c.result_code,
               case when r.blank or rnd(r.rid * 16 + 1, c.appeal_kind || c.result_code) < 0.01 then null
                    when rnd(r.rid, c.appeal_kind) < 0.85 then 0
                    else floor(pow(rnd(r.rid, c.appeal_kind || c.result_code), 2) * 12) end as value,
               'table' as source_method, coalesce(value::bigint::varchar, '') as source_text
        from reports r cross join appeal_codes c
        where r.report_year = {year} and r.template_version <> 'pre2019'
        union all
        select left(r.content_sha256, 16), k.appeal_kind, 'total', 0, 'prose',
               '未发生因政府信息公开引起的行政复议和行政诉讼'
        from reports r cross join (select unnest({kinds}) as appeal_kind) k
        where r.report_year = {year}
          and r.u_appeal_prose < (case when r.template_version = 'pre2019' then 0.9 else 0.2 end)
    """,
    "fct_disclosures": """
        select left(r.content_sha256, 16) as report_id, c.item_code, c.measure_code, null as channel,
               case when r.blank or rnd(r.rid * 64 + c.k, 'null') < 0.02 then null
                    when c.measure_code = 'fee_amount_wan' then round(pow(rnd(r.rid, c.k), 6) * 500, 2)
                    when rnd(r.rid, c.k) < 0.55 then 0
                    else floor(pow(rnd(r.rid * 64 + c.k, 'v'), 3) * 300) end as value,
               'table' as source_method,
               coalesce(case when c.measure_code = 'fee_amount_wan' then value::decimal(20, 2)::varchar
                             else value::bigint::varchar end, '') as source_text,
               c.row_label, c.column_label
        from reports r join disclosure_cells c using (template_version)
        where r.report_year = {year} and (c.share >= 1 or rnd(r.rid, c.item_code) < c.share)
        union all
        select left(r.content_sha256, 16), 'published_information', 'count', h.channel,
               floor(exp(rnd(r.rid, h.channel) * 8)) as value, 'prose', h.said || value::bigint || '条',
               null, null
        from reports r cross join channels h
        where r.report_year = {year} and rnd(r.rid * 8 + 3, h.channel) < h.share
    """,
    "fct_transactions": """
        with t as (
            select left(r.content_sha256, 16) as report_id, 'own_procurement' as scope,
                   'centralized_procurement' as category,
                   floor(exp(rnd(r.rid, 'own') * 5))::bigint as project_count,
                   case when rnd(r.rid, 'own_null') < 0.05 then null
                        else round(project_count * (0.5 + 20 * rnd(r.rid, 'own_amount')), 2)
                   end as amount_wan,
                   'table' as source_method, '政府集中采购' as label, rnd(r.rid, 'own_text') < 0.3 as in_yuan
            from reports r
            where r.report_year = {year} and r.template_version <> 'pre2019' and rnd(r.rid, 'own_has') < 0.4
            union all
            select left(r.content_sha256, 16), 'platform', c.category,
                   floor(exp(rnd(r.rid * 8 + c.k, 'n') * 7))::bigint,
                   round(exp(rnd(r.rid * 8 + c.k, 'amount') * 14), 2), 'table', c.label, false
            from reports r cross join platform_categories c
            where r.report_year = {year} and r.agency_type = 'trading_center' and rnd(r.rid, 'platform') < 0.6
              and (c.category <> 'other' or rnd(r.rid, 'other') < 0.5)
            union all
            select left(r.content_sha256, 16), 'platform', 'all', floor(exp(rnd(r.rid, 'n_all') * 8))::bigint,
                   case when rnd(r.rid, 'all_null') < 0.3 then null
                        else round(exp(rnd(r.rid, 'all_amount') * 15), 2) end, 'prose', null, false
            from reports r
            where r.report_year = {year} and r.agency_type = 'trading_center'
              and rnd(r.rid, 'platform') >= 0.6
        )
        select report_id, scope, category, project_count, amount_wan,
               case when amount_wan is null then null
                    when source_method = 'prose' then round(amount_wan / 10000, 2) || '亿元'
                    when in_yuan then round(amount_wan * 10000, 2) || '元'
                    else amount_wan::varchar end as amount_text,
               source_method,
               case when source_method = 'prose'
                        then '完成公共资源交易项目' || project_count || '个'
                             || coalesce(',交易金额' || round(amount_wan / 10000, 2) || '亿元', '')
                    else label || ' ' || project_count || ' ' || coalesce(amount_text, '') end as source_text
        from t
    """,
    "fct_identity_checks": """
        with prior as (
            select r.rid, r.template_version,
                   exists (select 1 from reports p where p.i = r.i and p.report_year = r.report_year - 1)
                       as has_prior
            from reports r where r.report_year = {year}
        ), scopes as (
            select rule_code, scope, template_version, gate from (
                select 'app_balance' as rule_code, applicant_type as scope, template_version, 'always' as gate
                from app_codes where k = 0
                union all select 'app_outcomes_sum', applicant_type, template_version, 'always'
                from app_codes where k = 0
                union all select distinct 'app_columns_sum', outcome_code, template_version, 'always'
                from app_codes
                union all select 'appeal_sum', unnest({kinds}), tv, 'always'
                from (select unnest(['gb2019', 'gb2021']) as tv)
                union all select 'carry_continuity', applicant_type, template_version, 'prior'
                from app_codes where k = 0
                union all select 'in_force_continuity', unnest(['regulations', 'normative_documents']),
                                 'gb2021', 'prior_same'
                union all select 'item_count_continuity',
                                 unnest(['administrative_licensing', 'other_services',
                                         'administrative_penalty', 'administrative_enforcement',
                                         'administrative_fees']),
                                 'gb2019', 'prior_same'
                union all select 'text_table_agreement', 'new_received.total', unnest(['gb2019', 'gb2021']),
                                 'prose'
                union all select 'text_table_agreement', k || '.total', tv, 'appeal_prose'
                from (select unnest({kinds}) as k) cross join (select unnest(['gb2019', 'gb2021']) as tv)
                union all select 'text_parts_sum', 'published_information',
                                 unnest(['pre2019', 'gb2019', 'gb2021']), 'parts'
            )
        ), checks as (
            select left(r.content_sha256, 16) as report_id, s.rule_code, s.scope,
                   rnd(r.rid * 64 + hash(s.scope) % 64, s.rule_code) as u,
                   case when r.blank then 0.9 else 0.1 end as na_share,
                   round(r.base_size * (0.5 + rnd(r.rid, s.scope))) as expected
            from reports r join prior p using (rid) join scopes s on s.template_version = r.template_version
            where s.gate = 'always'
               or s.gate = 'prior' and p.has_prior and r.report_year >= 2020
               or s.gate = 'prior_same' and p.has_prior and r.report_year not in (2019, 2021)
               or s.gate = 'prose' and r.u_prose < 0.3
               or s.gate = 'appeal_prose' and r.u_appeal_prose < 0.2
               or s.gate = 'parts' and rnd(r.rid, 'parts') < 0.2
        )
        select report_id, rule_code, scope,
               case when u < na_share * 0.7 then null else expected end as lhs,
               case when u < na_share then null
                    when u > 0.96 then expected + 1 + floor(u * 100) % 7 else expected end as rhs,
               case when u < na_share then 'not_assessable' when u > 0.96 then 'fail' else 'pass' end
                   as status
        from checks
    """,
    "fct_unmapped_cells": """
        select left(r.content_sha256, 16) as report_id,
               pick(['applications', 'disclosures', 'appeals'], rnd(r.rid, 'section')) as section,
               pick(['其中：网上申请', '当面申请', '信函申请', '传真申请', '其他形式申请'],
                    rnd(r.rid * 4 + j, 'row')) as row_label,
               pick(['总计', '申请人情况', null], rnd(r.rid * 4 + j, 'col')) as column_label,
               floor(exp(rnd(r.rid * 4 + j, 'v') * 5)) as value, value::bigint::varchar as source_text
        from reports r cross join range(3) c(j)
        where r.report_year = {year} and r.template_version <> 'pre2019' and rnd(r.rid, 'unmapped') < 0.02
          and (j = 0 or rnd(r.rid * 4 + j, 'more') < 0.4)
    """,
}


# The BI marts recommended for dbt, as the models would build them from the marts (ref() → marts.).
def generate(out: Path, n_reports: int, seed: int, template: Path, order: str, memory_limit: str) -> dict:
    """Write the warehouse ``out`` (replaced if present); returns the figures of the run."""
    columns = template_columns(template)
    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in (out, out.with_name(out.name + ".wal")):
        stale.unlink(missing_ok=True)
    seconds: dict[str, float] = {}
    with duckdb.connect(str(out)) as con:
        con.execute(f"set memory_limit = '{memory_limit}'")
        # Sorted inserts need the insertion order kept; unsorted ones stream faster without it.
        con.execute(f"set preserve_insertion_order = {'true' if order == 'codes' else 'false'}")
        con.execute(f"attach '{template}' as tmpl (read_only)")
        check_codes(con)
        con.execute("create schema marts")
        for table in TABLES:
            cols = ", ".join(
                f'"{name}" {dtype}{"" if nullable else " not null"}'
                for name, dtype, nullable in columns[table]
            )
            con.execute(f"create table marts.{table} ({cols})")
        con.execute("insert into marts.dim_region select * from tmpl.marts.dim_region")
        con.execute("detach tmpl")
        step = time.perf_counter()
        setup(con, seed, n_reports)
        fill_dimensions(con)
        seconds["dimensions"] = round(time.perf_counter() - step, 1)
        kinds = repr(list(APPEAL_KINDS))
        for table, sql in FACT_SQL.items():
            step = time.perf_counter()
            for year in range(FIRST_YEAR, LAST_YEAR + 1):
                select = sql.format(year=year, kinds=kinds)
                if order == "codes":
                    select = f"select * from ({select}) order by {FACT_ORDER[table]}"
                con.execute(f"insert into marts.{table} by name {select}")
            seconds[table] = round(time.perf_counter() - step, 1)
            print(f"  {table}: {seconds[table]} s", flush=True)
        con.execute("checkpoint")
        rows = {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0] for t in TABLES}
    return {
        "n_reports": n_reports,
        "seed": seed,
        "order": order,
        "generate_seconds": round(time.perf_counter() - started, 1),
        "step_seconds": seconds,
        "warehouse_mb": round(out.stat().st_size / 2**20, 1),
        "rows": rows,
        "rows_per_report": {t: round(n / n_reports, 1) for t, n in rows.items() if t.startswith("fct_")},
    }


def build_bi_marts(warehouse: Path) -> dict:
    """Build the roll-up marts (``dbt/models/marts/rollups``) on the generated facts with the real
    dbt CLI, as ``make run`` builds them; returns the seconds, their rows and the file's new size."""
    started = time.perf_counter()
    command = [dbt_executable(), "run", "--select", "tag:rollup", "--project-dir", str(DBT_PROJECT_DIR)]
    command += ["--profiles-dir", str(DBT_PROJECT_DIR)]
    # artifacts and logs beside the generated warehouse: the project's own manifest stays as it is
    command += ["--target-path", str(warehouse.parent / "dbt-target"), "--log-path", str(warehouse.parent)]
    env = {**dbt_env(), "WAREHOUSE_PATH": str(warehouse)}
    subprocess.run(command, cwd=DBT_PROJECT_DIR, env=env, check=True)
    seconds = round(time.perf_counter() - started, 1)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [n for (n,) in con.execute(ROLLUPS).fetchall()]
        rows = {name: con.execute(f"select count(*) from marts.{name}").fetchone()[0] for name in names}
    return {
        "bi_marts_seconds": seconds,
        "bi_marts_rows": rows,
        "warehouse_with_bi_marts_mb": round(warehouse.stat().st_size / 2**20, 1),
    }


def busy_share(seconds: float = 1.0) -> float | None:
    """Share of the CPUs busy over ``seconds`` before timing (other jobs skew the figures); Linux only."""

    def snapshot() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]

    try:
        total0, idle0 = snapshot()
        time.sleep(seconds)
        total1, idle1 = snapshot()
    except OSError:
        return None
    return round(1 - (idle1 - idle0) / max(1, total1 - total0), 2)


def print_timings(title: str, timings: dict[str, float]) -> None:
    print(title)
    for name, ms in timings.items():
        print(f"  {name}: {ms} ms{'  (> 200 ms)' if ms > 200 else ''}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bi_warehouse", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--reports", type=int, default=2_000_000, help="number of reports (default 2,000,000)"
    )
    parser.add_argument("--out", type=Path, required=True, help="the DuckDB file to write (replaced)")
    parser.add_argument("--seed", type=int, default=6, help="seed of the pseudo-random values (default 6)")
    parser.add_argument(
        "--template-warehouse", type=Path, default=DEFAULT_TEMPLATE, help="a warehouse `make run` built"
    )
    parser.add_argument(
        "--order",
        choices=("report", "codes"),
        default="report",
        help="physical order of the fact tables: report by report (what the dbt models give, default) "
        "or, each year, sorted by FACT_ORDER (an experiment)",
    )
    parser.add_argument("--no-bi-marts", action="store_true", help="do not build the roll-up marts")
    parser.add_argument("--memory-limit", default="8GB", help="DuckDB memory_limit while generating")
    parser.add_argument("--time", action="store_true", help="time the five BI questions (before and after)")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    args = parser.parse_args(argv)
    if args.reports < 1:
        parser.error("--reports must be at least 1")
    print(f"generating {args.reports:,} reports into {args.out} (order {args.order}) …", flush=True)
    figures = generate(
        args.out, args.reports, args.seed, args.template_warehouse, args.order, args.memory_limit
    )
    print(
        f"generated in {figures['generate_seconds']} s, {figures['warehouse_mb']} MB; rows {figures['rows']}",
        flush=True,
    )
    if args.time:
        figures |= {"cores": os.cpu_count(), "duckdb": duckdb.__version__, "machine": platform.machine()}
        figures["cpu_busy_before_timing"] = busy_share()
        figures["bi_star_query_ms"] = time_queries(args.out, STAR_QUERIES)
        print_timings("bench.bi.STAR_QUERIES (facts joined to dim_report):", figures["bi_star_query_ms"])
    if not args.no_bi_marts:
        print("building the roll-up marts with dbt …", flush=True)
        figures |= build_bi_marts(args.out)
        if args.time:
            figures["cpu_busy_before_mart_timing"] = busy_share()
            figures["bi_query_ms"] = time_queries(args.out)
            print_timings("bench.bi.QUERIES (roll-up marts):", figures["bi_query_ms"])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"results: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
