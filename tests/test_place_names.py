"""Places the script conversion misspells are read as officially named (issue 16, point 3):
OpenCC writes 浚县 as 濬縣 and 澄江市 as 澂江市 but keeps 濬 and 澂 on the way back, so a
traditional report of 浚县 read as 濬县 named no place. ``vocabulary/place_names.yaml`` lists
such characters; the place index knows each official name by its misspelt form too."""

from __future__ import annotations

import random
from dataclasses import replace

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_synthetic_roundtrip import describe, mismatches, raw_file

from ingest import places
from ingest.metadata import find_title, resolve_agency
from ingest.parser import parse_bytes
from ingest.records import ParsedReport
from ingest.regions import all_regions
from ingest.script import to_simplified
from synthetic.agencies import kinds_of, make_agency, place_of
from synthetic.corpus import Item
from synthetic.render import render
from synthetic.style import draw_habits, draw_style
from synthetic.values import Shares, agency_reports

TRADITIONAL = ("s2tw", "s2t", "s2hk")  # Taiwan's, OpenCC's standard and Hong Kong's forms
CONVERTERS = {config: opencc.OpenCC(config) for config in TRADITIONAL}


def every_agency_name() -> list[tuple[str, str]]:
    """(name, region code) of every agency the generator can name: every division, every kind."""
    return [
        (kind.pattern.format(place_of(region)), region.code)
        for region in all_regions()
        for kind in kinds_of(region)
    ]


def in_traditional(names: list[str], config: str) -> list[str]:
    """The names in a traditional form, converted together (one OpenCC call)."""
    return CONVERTERS[config].convert("\n".join(names)).split("\n")


NAMES = every_agency_name()
BACK = {
    config: to_simplified("\n".join(in_traditional([n for n, _ in NAMES], config))).split("\n")
    for config in TRADITIONAL
}
# the names OpenCC does not bring back from some traditional form of them
MISSPELT = [(name, code) for n, (name, code) in enumerate(NAMES) if any(b[n] != name for b in BACK.values())]


def test_the_vocabulary_holds_exactly_the_characters_the_conversion_misspells_in_place_names() -> None:
    """Every official place name goes through each traditional form and back: the names that
    do not come back are exactly those holding a character of the vocabulary."""
    wrong: set[tuple[str, str]] = set()
    for config in TRADITIONAL:
        there = CONVERTERS[config]
        for region in all_regions():
            back = to_simplified(there.convert(region.name))
            wrong |= {(b, o) for o, b in zip(region.name, back, strict=True) if o != b}
    vocabulary = {
        (to_simplified(printed), official) for printed, official in places.place_characters().items()
    }
    assert wrong == vocabulary


@pytest.mark.parametrize("config", TRADITIONAL)
def test_every_generated_name_in_traditional_script_is_placed_and_spelt_as_officially_named(config) -> None:
    assert len(MISSPELT) == 30  # 浚县 and 澄江市, fifteen kinds each
    # every name in Taiwan's form (the generator's), the names it differs on in the others
    checked = (
        range(len(NAMES))
        if config == "s2tw"
        else [n for n, b in enumerate(BACK[config]) if b != BACK["s2tw"][n]]
    )
    wrong = [
        (name, back)
        for (name, code), back in ((NAMES[n], BACK[config][n]) for n in checked)
        if (places.official_spelling(back), getattr(places.region_of_name(back), "code", None))
        != (name, code)
        and not back.startswith(("松原市干安县", "咸阳市干县"))  # 乾: the printed name restores it
    ]
    assert wrong == []
    for (name, code), printed in zip(NAMES, in_traditional([n for n, _ in NAMES], config), strict=True):
        if (name, code) in MISSPELT or "乾" in name:
            agency = resolve_agency(None, [], [], {"agency_name": printed}, [])
            assert agency is not None and (agency.name, agency.region.code) == (name, code), printed


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(MISSPELT), st.sampled_from(TRADITIONAL), st.sampled_from(("", "河南省", "云南省")))
def test_a_misspelt_place_in_a_title_or_a_mention_is_placed(case, config, province) -> None:
    name, code = case
    there = CONVERTERS[config]
    title = there.convert(f"{name}2023年政府信息公开工作年度报告")
    lines = [to_simplified(title), "一、总体情况"]
    found = find_title(lines, [title, "一、总体情况"], {})
    agency = resolve_agency(found, lines, [title, "一、总体情况"], {}, [])
    assert agency is not None and agency.name == name and agency.region.code == code
    # the text naming the place (a title without it: 县财政局) places it through the misspelling
    mention = to_simplified(
        there.convert(f"2023年，{province}{place_of(agency.region)}各部门认真落实《条例》。")
    )
    assert places.mentioned_regions([mention])[agency.region] == 1


def test_a_word_holding_a_misspelling_is_no_place() -> None:
    assert places.official_spelling("濬河治理工作领导小组") == "濬河治理工作领导小组"
    assert places.region_of_name("澂清") is None


def reports_of(name: str, seed: int) -> list[tuple[Item, object]]:
    """Every year's report of the agency named ``name``, printed in traditional script, parsed."""
    region = next(r for r in all_regions() if r.code == dict(MISSPELT)[name])
    kind = next(k for k in kinds_of(region) if k.pattern.format(place_of(region)) == name)
    rng = random.Random(f"misspelt-{seed}")
    agency = make_agency(region, kind, rng)
    habits = replace(draw_habits(rng, agency), script="traditional")
    found = []
    for truth in agency_reports(rng, agency, Shares(error=0.0, blank=0.1, variant=0.3), range(2018, 2025)):
        rendered = render(truth, draw_style(rng, habits, truth.template_version, 0.3), rng)
        truth.path = f"{truth.report_year}/misspelt{truth.report_year}{rendered.extension}"
        item = Item(truth, rendered.data, rendered.sidecar)
        found.append((item, parse_bytes(raw_file(item), item.data)))
    return found


@pytest.mark.parametrize("seed", range(6))
def test_reports_of_a_misspelt_place_read_back_in_traditional_script(seed: int) -> None:
    name = MISSPELT[seed * 5 % len(MISSPELT)][0]
    parsed = reports_of(name, seed)
    assert len(parsed) == 7
    assert all(item.truth.script == "traditional" for item, _ in parsed)
    assert all(isinstance(report, ParsedReport) and report.agency_name == name for _, report in parsed)
    assert all(report.agency_name_raw != name for _, report in parsed)  # printed 濬縣 or 澂江市
    problems = [describe(item.truth, *p) for item, report in parsed for p in mismatches(item.truth, report)]
    assert problems == []
