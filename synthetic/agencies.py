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
seed: one corpus never holds two agencies of one name. A share of the governments drawn
are a development zone's management committee instead (衡阳高新技术产业开发区管理委员会), the
zone of that place (a government in the contract's sense).

One agency, many names (contract §3 dim_agency): :func:`printed_forms` gives the other ways
an agency prints its name, which :class:`NamePlan` spreads over its years: with and without
its parent places (衡阳市衡阳县人民政府 / 衡阳县人民政府, 湖南省衡阳市… / 衡阳市…), a zone with and
without its committee (…开发区管理委员会 / …开发区管委会 / …开发区), and, for an agency whose
portal prints traditional script, some years in simplified. Only forms that name the same place
on their own are used (a county name found in several provinces needs its prefecture).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from ingest.places import region_of_name, short_name
from ingest.regions import Region, all_regions, by_code
from synthetic.style import Style
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
ZONE_SHARE = 0.3  # governments of a prefecture or county drawn as its development zone's committee
# a zone is named by its place's short name: 衡阳高新技术产业开发区, 汶上经济开发区
ZONE_NAMES = {"prefecture": ("{}高新技术产业开发区", "{}经济技术开发区"), "county": ("{}经济开发区",)}
COMMITTEE = ("管理委员会", "管委会", "")  # the zone's body, printed in full, short, or left out
COMMITTEE_SHORT = "管委会"  # how the prose calls a zone's committee
KEEP_NAME = 0.6  # a varying agency prints last year's name again
SIMPLIFIED_YEAR_SHARE = 0.5  # of a varying traditional-script agency's years, printed in simplified


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
        self.zones = random.Random(f"zones-{seed}")  # its own stream: the other draws stay as they were
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
        agency = make_agency(region, kinds_of(region)[k_index], rng)
        if agency_type == "government" and self.zones.random() < ZONE_SHARE:
            return make_zone(region, self.zones) or agency
        return agency


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


def make_zone(region: Region, rng: random.Random) -> Agency | None:
    """The committee of a development zone of ``region``, where the zone's name places it there."""
    stem = short_name(region.name)
    if region.level not in ZONE_NAMES or stem is None:
        return None
    zone = rng.choice(ZONE_NAMES[region.level]).format(stem)
    if any(region_of_name(zone + body) != region for body in COMMITTEE):
        return None
    name = zone + COMMITTEE[0]
    return Agency(
        name=name,
        title_name=name,
        short_name=COMMITTEE_SHORT,
        agency_type="government",
        admin_level=region.level,
        region_code=region.code,
        place=region.name,
    )


def place_chains(region: Region) -> list[str]:
    """The ways to name ``region`` at the start of a name, the longest first (湖南省衡阳市衡阳县,
    衡阳市衡阳县, 衡阳县)."""
    chain = [region.province, region.prefecture, region.county]
    names = [name for name in chain if name]
    return ["".join(names[start:]) for start in range(len(names))]


def printed_forms(agency: Agency) -> tuple[str, ...]:
    """The names one agency may print, its own first: with and without its parent places, a zone
    with and without its committee. Each names the agency's place on its own (the parser reads
    it back to the same region). An agency whose title leaves its place out or names a second agency keeps
    its one name."""
    if agency.aliases or agency.title_name != agency.name:
        return (agency.name,)
    region = by_code()[agency.region_code]
    if agency.short_name == COMMITTEE_SHORT:
        zone = agency.name.removesuffix(COMMITTEE[0])
        forms = [zone + body for body in COMMITTEE]
    else:
        chains = place_chains(region)
        prefix = next((chain for chain in chains if agency.name.startswith(chain)), None)
        if prefix is None:
            return (agency.name,)
        body = agency.name[len(prefix) :]
        forms = [chain + body for chain in chains]
    others = [form for form in forms if form != agency.name and region_of_name(form) == region]
    return (agency.name, *others)


class NamePlan:
    """How one agency prints its name year by year (``shares.names`` of agencies vary it).

    The plan is drawn from its own random stream when the agency's years are known, so the
    other draws of the corpus stay as they were; the canonical name is that of the last year
    the corpus holds (``budget``: how many of its reports it holds at most).
    """

    def __init__(self, agency: Agency, rng: random.Random, share: float, budget: int) -> None:
        self.agency = agency
        self.rng = rng
        self.forms = printed_forms(agency)
        self.varies = rng.random() < share and len(self.forms) > 1
        self.budget = budget
        self.plan: dict[int, Agency] = {}
        self.simplified: set[int] = set()

    def agency_in(self, year: int, span: range) -> Agency:
        """The agency as its report of ``year`` (one of ``span``) prints it."""
        if not self.varies:
            return self.agency
        if not self.plan:
            names, name = {}, self.rng.choice(self.forms)
            for y in span:  # a name is kept a few years, then another is printed
                name = name if self.rng.random() < KEEP_NAME else self.rng.choice(self.forms)
                names[y] = name
            if len(set(names.values())) == 1 and len(span) > 1:  # a plan that varies does vary
                names[span[-1]] = self.rng.choice([f for f in self.forms if f != names[span[0]]])
            canonical = names[span[min(len(span), self.budget) - 1]]
            self.plan = {
                y: replace(self.agency, name=name, title_name=name, canonical=canonical)
                for y, name in names.items()
            }
            self.simplified = {y for y in span if self.rng.random() < SIMPLIFIED_YEAR_SHARE}
        return self.plan[year]

    def style_in(self, year: int, style: Style) -> Style:
        """A traditional-script portal's report of ``year`` printed in simplified, where the plan says."""
        if not self.varies or style.script != "traditional" or year not in self.simplified:
            return style
        encoding = "utf-8" if style.encoding == "big5" else style.encoding
        return replace(style, script="simplified", encoding=encoding)
