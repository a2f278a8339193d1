"""One agency, many names (issue 16, point 2; contract §3 dim_agency): an agency is its place and
its body, not its spelling.

The parser gives each report an ``agency_key`` (region code | normalised body,
``ingest.places.agency_key``); the warehouse groups by it (int_agencies). Property tests hold the
key to the rule over the country's divisions; the generator's agencies whose printed name varies
by year read back to one key; a small warehouse built from reports named in different ways has
one dim_agency row per body, named as its latest report names it, and pairs its consecutive
reports across the spellings for the cross-year identities.
"""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import opencc
import pytest
from conftest import run_in_process
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_synthetic_roundtrip import raw_file
from test_warehouse_model import application_values, report_html

from ingest import places
from ingest.metadata import agency_type
from ingest.parser import parse_bytes
from ingest.records import ParsedReport
from ingest.regions import all_regions, by_code
from synthetic.agencies import (
    COMMITTEE,
    COMMITTEE_SHORT,
    NamePlan,
    kinds_of,
    make_agency,
    make_zone,
    place_chains,
    printed_forms,
)
from synthetic.corpus import iter_corpus
from synthetic.truth import ReportTruth
from synthetic.values import Shares

COUNTIES = [r for r in all_regions() if r.level == "county"]
PREFECTURES = [r for r in all_regions() if r.level == "prefecture"]
# bodies of one place that are different agencies (contract §3: the government is not its office)
BODIES = ("人民政府", "人民政府办公室", "公共资源交易中心", "财政局", "政务服务中心", "住房和城乡建设局")
ZONES = ("高新技术产业开发区", "经济技术开发区", "工业园区", "经济开发区")
TO_TRADITIONAL = opencc.OpenCC("s2tw")


def placed(name: str, region) -> bool:
    """The parser places ``name`` in ``region`` on its own (a county name found in two provinces
    needs its prefecture)."""
    return places.region_of_name(name) == region


# --- the key: a rule over every division -----------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(COUNTIES), st.sampled_from(BODIES))
def test_a_county_agency_is_one_with_or_without_its_parent_places(region, body) -> None:
    forms = [chain + body for chain in place_chains(region)]
    keys = {places.agency_key(form, region.code) for form in forms}
    assert keys == {f"{region.code}|{body}"}


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(COUNTIES), st.sampled_from(BODIES), st.sampled_from(BODIES))
def test_two_bodies_of_one_place_are_two_agencies(region, body, other) -> None:
    assume(body != other)
    chain = place_chains(region)[-1]
    assert places.agency_key(chain + body, region.code) != places.agency_key(chain + other, region.code)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(PREFECTURES),
    st.sampled_from(ZONES),
    st.sampled_from(("", "管委会", "管理委员会")),
    st.booleans(),
)
def test_a_zone_is_one_with_or_without_its_committee(region, zone, committee, full_place) -> None:
    stem = places.short_name(region.name)
    assume(stem is not None)
    place = region.province + region.name if full_place else stem
    key = places.agency_key(place + zone + committee, region.code)
    assert key == f"{region.code}|{zone}"
    # the committee's office is another body; so is the place's government
    assert places.agency_key(place + zone + "管委会办公室", region.code) == f"{region.code}|{zone}办公室"
    assert places.agency_key(region.name + "人民政府", region.code) != key


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(COUNTIES), st.sampled_from(BODIES), st.sampled_from(("s2tw", "s2t", "s2hk")))
def test_traditional_and_simplified_are_one_agency(region, body, config) -> None:
    name = place_chains(region)[0] + body
    traditional = opencc.OpenCC(config).convert(name)
    assert places.agency_key(traditional, region.code) == places.agency_key(name, region.code)
    assert places.agency_body(traditional, region.code) == body


def test_short_forms_of_a_government_and_a_place_named_alone() -> None:
    assert places.agency_key("江宁区政府", "320115") == places.agency_key("南京市江宁区人民政府", "320115")
    assert places.agency_key("江宁区政府办公室", "320115") == "320115|人民政府办公室"
    assert places.agency_key("上海市浦东新区", "310115") == places.agency_key("浦东新区人民政府", "310115")
    # a place named again inside the body is the body's (江宁街道 is not the district)
    assert places.agency_key("江宁区江宁街道办事处", "320115") == "320115|江宁街道办事处"
    # a name placed nowhere is its own agency: never every unplaced 人民政府 together
    assert places.agency_key("某某人民政府", None) != places.agency_key("另一人民政府", None)


# --- the generator: one agency printed in different ways ---------------------------------------------


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(all_regions()), st.randoms(use_true_random=False))
def test_every_printed_form_of_an_agency_reads_back_to_its_key(region, rng) -> None:
    kind = rng.choice(kinds_of(region))
    agency = make_agency(region, kind, random.Random(rng.random()))
    if kind.agency_type == "government":
        agency = make_zone(region, random.Random(rng.random())) or agency
    forms = printed_forms(agency)
    assert forms[0] == agency.name
    assert {places.agency_key(form, region.code) for form in forms} == {
        places.agency_key(agency.name, region.code)
    }
    assert all(placed(form, region) and agency_type(form) == agency.agency_type for form in forms)


def test_zones_print_their_committee_or_not() -> None:
    region = by_code()["430400"]  # 衡阳市
    zone = make_zone(region, random.Random(1))
    assert zone is not None and zone.short_name == COMMITTEE_SHORT and zone.agency_type == "government"
    body = zone.name.removeprefix("衡阳").removesuffix(COMMITTEE[0])
    assert set(printed_forms(zone)) == {"衡阳" + body + c for c in COMMITTEE}


def test_a_name_plan_names_the_agency_as_its_last_report_in_the_corpus() -> None:
    region = by_code()["430421"]  # 衡阳市衡阳县: 衡阳县 alone is placed there too
    agency = make_agency(region, kinds_of(region)[1], random.Random(0))  # 衡阳市衡阳县人民政府
    assert set(printed_forms(agency)) == {
        "湖南省衡阳市衡阳县人民政府",
        "衡阳市衡阳县人民政府",
        "衡阳县人民政府",
    }
    span = range(2016, 2026)
    for budget in (3, 10, 50):
        plan = NamePlan(agency, random.Random(4), 1.0, budget)
        named = [plan.agency_in(year, span) for year in span]
        last = named[min(budget, len(span)) - 1]
        assert {a.canonical for a in named} == {last.name}
        assert len({a.name for a in named}) > 1
        assert {a.title_name for a in named} == {a.name for a in named}
    unvaried = NamePlan(agency, random.Random(4), 0.0, 10)
    assert unvaried.agency_in(2020, span) is agency and agency.identity == agency.name


def test_generated_agencies_whose_names_vary_read_back_to_one_key_each() -> None:
    keys: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    scripts: dict[str, set[str]] = defaultdict(set)
    for item in iter_corpus(300, 21, Shares(names=0.6, traps=0.0), 0.0):
        truth = item.truth
        assert isinstance(truth, ReportTruth)
        report = parse_bytes(raw_file(item), item.data)
        assert isinstance(report, ParsedReport), truth.path
        assert report.agency_name == truth.agency.name
        keys[truth.agency.identity].add(report.agency_key)
        names[truth.agency.identity].add(truth.agency.name)
        scripts[truth.agency.identity].add(truth.script)
    assert all(len(found) == 1 for found in keys.values()), {k: v for k, v in keys.items() if len(v) > 1}
    assert len({key for found in keys.values() for key in found}) == len(keys)  # distinct agencies stay so
    assert sum(len(found) > 1 for found in names.values()) >= 10
    assert any(len(found) > 1 for found in scripts.values())  # a traditional portal's simplified years
    assert any("开发区" in name for found in names.values() for name in found)  # zones


# --- the warehouse ------------------------------------------------------------------------------------

COLUMNS = 6


def carried(first: int) -> dict[tuple[str, int], Decimal]:
    return application_values([first] + [2] * (COLUMNS - 1))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> Path:
    """Reports of 江宁区's government under two names (its 2022 report carries over 3 where 2021
    carried 2 forward), its office, a 苏州 zone with and without its committee (2021 in traditional
    script), and 江宁区's trading centre."""
    root = tmp_path_factory.mktemp("agencies")
    landing = root / "landing"
    landing.mkdir()
    files = {
        "jn_2021.html": report_html("南京市江宁区人民政府", 2021, carried(2)),
        "jn_2022.html": report_html("江宁区人民政府", 2022, carried(3)),
        "jn_office_2022.html": report_html("南京市江宁区人民政府办公室", 2022, carried(2)),
        "sip_2021.html": TO_TRADITIONAL.convert(report_html("苏州工业园区管委会", 2021, carried(2))),
        "sip_2022.html": report_html("苏州工业园区", 2022, carried(2)),
        "jn_trading_2022.html": report_html("江宁区公共资源交易中心", 2022, carried(2)),
    }
    for name, text in files.items():
        (landing / name).write_text(text, encoding="utf-8")
    warehouse = root / "w.duckdb"
    run_in_process(landing, warehouse, root / "published")
    return warehouse


CARRY_CHECKS = """SELECT c.scope, c.status FROM marts.fct_identity_checks c
    JOIN marts.dim_report r USING (report_id)
    WHERE c.rule_code = 'carry_continuity' AND r.source_path LIKE """


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.e2e
def test_one_row_per_body_named_as_its_latest_report(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "SELECT agency_name, agency_aliases, agency_type, region_code, report_count FROM marts.dim_agency",
    )
    assert sorted(rows) == sorted(
        [
            ("江宁区人民政府", ["南京市江宁区人民政府"], "government", "320115", 2),
            ("南京市江宁区人民政府办公室", [], "department", "320115", 1),
            ("江宁区公共资源交易中心", [], "trading_center", "320115", 1),
            ("苏州工业园区", ["苏州工业园区管委会", "蘇州工業園區管委會"], "government", "320500", 2),
        ]
    )


@pytest.mark.e2e
def test_reports_under_either_name_are_one_agency_and_pair_across_years(warehouse: Path) -> None:
    [(agencies, names)] = query(
        warehouse,
        """SELECT count(DISTINCT agency_id), list(DISTINCT agency_name) FROM marts.dim_report
           WHERE source_path LIKE '%/jn_20__.html'""",
    )
    assert (agencies, names) == (1, ["江宁区人民政府"])
    checks = dict(
        query(
            warehouse,
            CARRY_CHECKS + "'%/jn_2022.html'",
        )
    )
    assert checks["natural_person"] == "fail" and checks["total"] == "fail"
    assert {s for scope, s in checks.items() if scope not in ("natural_person", "total")} == {"pass"}
    zone = dict(
        query(
            warehouse,
            CARRY_CHECKS + "'%/sip_2022.html'",
        )
    )
    assert zone and set(zone.values()) == {"pass"}
    # the office and the trading centre have no 2021 report: no pair, no cross-year check
    assert query(
        warehouse,
        CARRY_CHECKS.replace("c.scope, c.status", "count(*)") + "'%/jn_office_2022.html'",
    ) == [(0,)]
    assert query(
        warehouse,
        CARRY_CHECKS.replace("c.scope, c.status", "count(*)") + "'%/jn_trading_2022.html'",
    ) == [(0,)]
