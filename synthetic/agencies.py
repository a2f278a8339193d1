"""Real agencies' names built from real divisions (GB/T 2260, ``ingest.regions.all_regions()``).

Each name starts with the full name of its place, so the parser can place it without
guessing: 湖南省住房和城乡建设厅, 衡阳市公共资源交易中心 (sometimes 湖南省衡阳市…),
衡阳市衡阳县人民政府办公室 (a county always under its prefecture: county names repeat
across the country, 西湖区 is in 杭州市 and 南昌市). A county directly under its province
(municipality districts, 仙桃市) is named under the province: 北京市海淀区…, 湖北省仙桃市….

Some prefecture agencies print their title without the place (市公共资源交易中心, seed
001); their canonical name is then the place + the rest (contract §3), and the prose
names the place so the parser can qualify it.

Names are drawn without replacement from every (division, kind) pair, shuffled by the
seed: one corpus never holds two agencies of one name.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ingest.regions import Region, all_regions, by_code
from synthetic.truth import Agency


@dataclass(frozen=True)
class Kind:
    """A kind of agency: its contract type and how its name ends (``{}`` is the place)."""

    agency_type: str
    pattern: str
    short: str  # how the prose calls it, without the place (中心, 局, 区住建局 …)


PROVINCE_KINDS = (
    Kind("trading_center", "{}公共资源交易中心", "中心"),
    Kind("government", "{}人民政府", "省政府"),
    Kind("department", "{}人民政府办公厅", "办公厅"),
    Kind("department", "{}住房和城乡建设厅", "住房城乡建设厅"),
    Kind("department", "{}财政厅", "财政厅"),
    Kind("department", "{}自然资源厅", "自然资源厅"),
    Kind("department", "{}交通运输厅", "交通运输厅"),
    Kind("department", "{}教育厅", "教育厅"),
    Kind("department", "{}民政厅", "民政厅"),
    Kind("department", "{}卫生健康委员会", "卫生健康委"),
    Kind("department", "{}市场监督管理局", "市场监管局"),
    Kind("department", "{}统计局", "统计局"),
    Kind("government_services", "{}政务服务和大数据管理局", "政务服务和大数据局"),
    Kind("supervision_bureau", "{}公共资源交易监督管理局", "交易监管局"),
)
# Municipalities (直辖市) have 委员会 and 局 where provinces have 厅.
MUNICIPALITY_KINDS = (
    Kind("trading_center", "{}公共资源交易中心", "中心"),
    Kind("government", "{}人民政府", "市政府"),
    Kind("department", "{}人民政府办公厅", "办公厅"),
    Kind("department", "{}住房和城乡建设委员会", "住房城乡建设委"),
    Kind("department", "{}财政局", "财政局"),
    Kind("department", "{}规划和自然资源委员会", "规划自然资源委"),
    Kind("department", "{}交通委员会", "交通委"),
    Kind("department", "{}教育委员会", "教委"),
    Kind("department", "{}民政局", "民政局"),
    Kind("department", "{}卫生健康委员会", "卫生健康委"),
    Kind("department", "{}市场监督管理局", "市场监管局"),
    Kind("government_services", "{}政务服务管理局", "政务服务局"),
    Kind("supervision_bureau", "{}公共资源交易监督管理局", "交易监管局"),
)
PREFECTURE_KINDS = (
    Kind("trading_center", "{}公共资源交易中心", "中心"),
    Kind("trading_center", "{}公共资源交易服务中心", "中心"),
    Kind("government", "{}人民政府", "市政府"),
    Kind("department", "{}人民政府办公室", "市政府办公室"),
    Kind("department", "{}住房和城乡建设局", "市住建局"),
    Kind("department", "{}财政局", "市财政局"),
    Kind("department", "{}自然资源和规划局", "市自然资源和规划局"),
    Kind("department", "{}交通运输局", "市交通运输局"),
    Kind("department", "{}教育局", "市教育局"),
    Kind("department", "{}生态环境局", "市生态环境局"),
    Kind("department", "{}民政局", "市民政局"),
    Kind("department", "{}卫生健康委员会", "市卫生健康委"),
    Kind("department", "{}市场监督管理局", "市市场监管局"),
    Kind("department", "{}人力资源和社会保障局", "市人社局"),
    Kind("department", "{}农业农村局", "市农业农村局"),
    Kind("department", "{}水利局", "市水利局"),
    Kind("department", "{}审计局", "市审计局"),
    Kind("department", "{}统计局", "市统计局"),
    Kind("department", "{}发展和改革委员会", "市发展改革委"),
    Kind("government_services", "{}政务服务和大数据管理局", "市政务服务和大数据局"),
    Kind("government_services", "{}行政审批服务局", "市行政审批服务局"),
    Kind("government_services", "{}政务服务中心", "市政务服务中心"),
    Kind("supervision_bureau", "{}公共资源交易监督管理局", "市交易监管局"),
)
# A 地区 or 盟 is governed by a 行政公署, not a 人民政府.
COMMISSIONER_KIND = Kind("government", "{}行政公署", "行署")
COUNTY_KINDS = (
    Kind("trading_center", "{}公共资源交易中心", "中心"),
    Kind("government", "{}人民政府", "政府"),
    Kind("department", "{}人民政府办公室", "政府办公室"),
    Kind("department", "{}住房和城乡建设局", "住建局"),
    Kind("department", "{}财政局", "财政局"),
    Kind("department", "{}自然资源局", "自然资源局"),
    Kind("department", "{}交通运输局", "交通运输局"),
    Kind("department", "{}教育局", "教育局"),
    Kind("department", "{}民政局", "民政局"),
    Kind("department", "{}卫生健康局", "卫生健康局"),
    Kind("department", "{}市场监督管理局", "市场监管局"),
    Kind("department", "{}农业农村局", "农业农村局"),
    Kind("department", "{}水利局", "水利局"),
    Kind("government_services", "{}行政审批服务局", "行政审批服务局"),
    Kind("government_services", "{}政务服务中心", "政务服务中心"),
)
# How often each contract type is drawn (the project started from trading centres).
TYPE_WEIGHTS = {
    "trading_center": 30,
    "department": 40,
    "government": 10,
    "government_services": 14,
    "supervision_bureau": 6,
}
PROVINCE_PREFIX_SHARE = 0.25  # 湖南省衡阳市… rather than 衡阳市…
UNQUALIFIED_SHARE = 0.08  # title without its place: 市公共资源交易中心
ALIAS_SHARE = 0.3  # 黄冈市政务服务和大数据管理局(黄冈市公共资源交易监督管理局): a second name in parentheses


def kinds_of(region: Region) -> tuple[Kind, ...]:
    if region.level == "province":
        return MUNICIPALITY_KINDS if region.division_type == "直辖市" else PROVINCE_KINDS
    if region.level == "prefecture":
        if region.division_type in ("地区", "盟"):
            return (*PREFECTURE_KINDS[:2], COMMISSIONER_KIND, *PREFECTURE_KINDS[3:])
        return PREFECTURE_KINDS
    return COUNTY_KINDS


def place_of(region: Region) -> str:
    """The place part of the name: the county under its prefecture (or province), else the name."""
    if region.level != "county":
        return region.name
    parent = by_code()[region.parent_code] if region.parent_code else None
    return (parent.name if parent else "") + region.name


class AgencyPool:
    """Agencies drawn without replacement, deterministically for a seed."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"agencies-{seed}")
        self.pools: dict[str, list[tuple[int, int]]] = {t: [] for t in TYPE_WEIGHTS}
        regions = all_regions()
        for r_index, region in enumerate(regions):
            for k_index, kind in enumerate(kinds_of(region)):
                self.pools[kind.agency_type].append((r_index, k_index))
        for pool in self.pools.values():
            rng.shuffle(pool)
        self.taken = dict.fromkeys(self.pools, 0)

    def remaining(self) -> int:
        return sum(len(pool) - self.taken[t] for t, pool in self.pools.items())

    def draw(self, rng: random.Random) -> Agency:
        """The next agency: a type by :data:`TYPE_WEIGHTS` (among those left), then its next name."""
        left = {t: w for t, w in TYPE_WEIGHTS.items() if self.taken[t] < len(self.pools[t])}
        if not left:
            raise ValueError("every (division, kind) name has been used: ask for fewer reports")
        agency_type = rng.choices(list(left), weights=list(left.values()))[0]
        r_index, k_index = self.pools[agency_type][self.taken[agency_type]]
        self.taken[agency_type] += 1
        region = all_regions()[r_index]
        return make_agency(region, kinds_of(region)[k_index], rng)


def make_agency(region: Region, kind: Kind, rng: random.Random) -> Agency:
    name = title_name = kind.pattern.format(place_of(region))
    if region.level == "prefecture":
        if rng.random() < PROVINCE_PREFIX_SHARE:
            name = title_name = kind.pattern.format(region.province + region.name)
        elif region.name.endswith(("市", "州", "盟")) and rng.random() < UNQUALIFIED_SHARE:
            title_name = kind.pattern.format(region.name[-1])  # 市公共资源交易中心
    short = kind.short if region.level != "county" else region.name[-1] + kind.short
    aliases: tuple[str, ...] = ()
    if kind.agency_type == "government_services" and title_name == name and rng.random() < ALIAS_SHARE:
        aliases = (name.removesuffix(kind.pattern.format("")) + "公共资源交易监督管理局",)
        title_name = f"{name}（{aliases[0]}）"
    return Agency(
        name=name,
        title_name=title_name,
        short_name=short,
        agency_type=kind.agency_type,
        admin_level=region.level,
        region_code=region.code,
        place=region.name,
        aliases=aliases,
    )
