"""A Word title centred on two lines (the agency, then the year and 报告) is one title, whatever
the agency's name holds (issue 16, point 3): a second name in parentheses (…管理局（…监督管理局）),
a 关于 joining it to the year, no place (市公共资源交易中心), traditional script."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.metadata import find_title, resolve_agency
from ingest.regions import all_regions
from ingest.script import to_simplified
from ingest.text import fold_width
from synthetic.agencies import kinds_of, make_agency
from synthetic.render import title_of
from synthetic.style import Style, to_traditional
from synthetic.truth import ReportTruth

REGIONS = all_regions()


@st.composite
def two_line_titles(draw) -> tuple[list[str], str, list[str]]:
    """(the document's first lines as printed, the agency's name, its aliases)."""
    region = REGIONS[draw(st.integers(0, len(REGIONS) - 1))]
    kinds = kinds_of(region)
    agency = make_agency(
        region, kinds[draw(st.integers(0, len(kinds) - 1))], random.Random(draw(st.integers()))
    )
    year = draw(st.integers(2008, 2025))
    form = draw(st.sampled_from(("name_year", "name_year_du", "guanyu")))
    truth = ReportTruth("", agency, year, "gb2021", None, "simplified", "utf-8", "text_tabs")
    style = Style("text_tabs", "portal", "utf-8", "simplified", "right", form, "signature")
    title = title_of(truth, style)
    lines = [agency.title_name, title.removeprefix(agency.title_name), "", "一、总体情况"]
    if draw(st.booleans()):
        lines = [to_traditional().convert(line) for line in lines]
    return lines, agency.name, list(agency.aliases)


@settings(max_examples=300, deadline=None)
@given(two_line_titles())
def test_a_title_on_two_lines_names_its_agency(case) -> None:
    printed, name, aliases = case
    lines = [squash(to_simplified(fold_width(line))) for line in printed]
    title = find_title(lines, printed, {})
    assert title is not None and title.text == "".join(lines[:2])
    mention = [*lines, f"{name}认真贯彻落实《条例》。"]  # the text names the place of an unqualified title
    agency = resolve_agency(title, mention, [*printed, mention[-1]], {}, [])
    assert agency is not None and (agency.name, agency.aliases) == (name, aliases)


def squash(line: str) -> str:
    return " ".join(line.split())
