"""Where an agency is: its region (GB/T 2260) from its name, or from the places its text names."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache

from ingest import vocabulary as vocab
from ingest.regions import Region, all_regions, by_code
from ingest.script import to_simplified
from ingest.text import fold_width

SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "特区",
    "省",
    "市",
    "县",
    "区",
    "盟",
    "旗",
)
ETHNIC = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,5}族)+$")
SPAM_MIN_NAMES = 6


def short_name(name: str) -> str | None:
    """衡阳市 → 衡阳, 黔南布依族苗族自治州 → 黔南; None where nothing of two characters or more is left."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            ethnic = ETHNIC.match(stem)
            stem = ethnic.group(1) if ethnic else stem
            return stem if len(stem) >= 2 else None
    return None


@dataclass(frozen=True)
class Index:
    full: dict[str, tuple[Region, ...]]
    short: dict[str, tuple[Region, ...]]
    children: dict[str, tuple[Region, ...]]
    pattern: re.Pattern[str]  # every full name, longest first
    # the last characters of the full names: a line without one names no place, and this
    # test costs a fifth of the search with 3,000 alternatives it spares
    name_end: re.Pattern[str]


@cache
def index() -> Index:
    full: dict[str, list[Region]] = {}
    short: dict[str, list[Region]] = {}
    children: dict[str, list[Region]] = {}
    for region in all_regions():
        full.setdefault(region.name, []).append(region)
        stem = short_name(region.name)
        if stem:
            short.setdefault(stem, []).append(region)
        if region.parent_code:
            children.setdefault(region.parent_code, []).append(region)
    for spelling, region in misspelt_names(full).items():  # 濬县 (a converted 濬縣) is 浚县
        full.setdefault(spelling, []).append(region)
        stem = short_name(spelling)
        if stem and stem not in short:
            short[stem] = [region]
    names = sorted(full, key=len, reverse=True)
    return Index(
        {k: tuple(v) for k, v in full.items()},
        {k: tuple(v) for k, v in short.items()},
        {k: tuple(v) for k, v in children.items()},
        re.compile("|".join(map(re.escape, names))),
        re.compile("[" + "".join(sorted({re.escape(name[-1]) for name in names})) + "]"),
    )


LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}


def under(region: Region, ancestor: Region | None) -> bool:
    if ancestor is None:
        return True
    return region.parent_code == ancestor.code or (
        region.parent_code is not None
        and region.parent_code[:2] == ancestor.code[:2]
        and ancestor.level == "province"
    )


def pick(candidates: tuple[Region, ...], parent: Region | None) -> Region | None:
    """The candidate under ``parent`` (any, if no parent), preferring higher levels."""
    fitting = [r for r in candidates if under(r, parent)]
    if not fitting:
        return None
    return min(fitting, key=lambda r: LEVEL_RANK[r.level])


def prefix_chain(name: str) -> tuple[Region | None, int]:
    """Regions named at the start of ``name`` (湖北省黄冈市…), the deepest one and where it ends."""
    idx = index()
    current: Region | None = None
    position = 0
    while position < len(name):
        step = None
        for length in range(min(12, len(name) - position), 1, -1):
            piece = name[position : position + length]
            region = pick(idx.full.get(piece, ()), current)
            if region is None and current is None and length >= 2:
                region = pick(idx.short.get(piece, ()), None)
                if region is not None and name[position + length : position + length + 1] in (
                    "市",
                    "县",
                    "区",
                    "省",
                ):
                    region = None  # the full name would have matched
            if region is not None and (
                current is None or LEVEL_RANK[region.level] > LEVEL_RANK[current.level]
            ):
                step = (region, length)
                break
        if step is None:
            break
        current, position = step[0], position + step[1]
    return current, position


def county_in_rest(rest: str, prefecture: Region) -> Region | None:
    """A county of ``prefecture`` named later in an agency name (…交易服务中心汶上分中心 → 汶上县)."""
    idx = index()
    for county in idx.children.get(prefecture.code, ()):
        if county.name in rest:
            return county
        stem = short_name(county.name)
        if stem and stem_before_suffix(stem, rest):
            return county
    return None


COUNTY_SUFFIXES = frozenset("分县区市旗")


def stem_before_suffix(stem: str, rest: str) -> bool:
    """``stem`` somewhere in ``rest`` right before 分/县/区/市/旗 (a pattern per county would
    overflow the regex cache: every county of China compiled again and again)."""
    start = rest.find(stem)
    while start >= 0:
        if rest[start + len(stem) : start + len(stem) + 1] in COUNTY_SUFFIXES:
            return True
        start = rest.find(stem, start + 1)
    return False


@lru_cache(maxsize=1 << 14)  # an agency's name comes back every year, and twice in one report
def region_of_name(name: str) -> Region | None:
    region, end = prefix_chain(name)
    if region is not None and region.level == "prefecture":
        return county_in_rest(name[end:], region) or region
    return region


def is_spam_line(line: str, names: list[str]) -> bool:
    """A footer listing many places (SEO link farms) says nothing about the report's region."""
    return len(set(names)) >= SPAM_MIN_NAMES and sum(map(len, names)) * 2 >= len(re.sub(r"\W", "", line))


def mentioned_regions(lines: list[str]) -> Counter[Region]:
    """How often each region is named in full in the text, leaving out place-name spam."""
    idx = index()
    counts: Counter[Region] = Counter()
    for line in lines:
        names = idx.pattern.findall(line) if idx.name_end.search(line) else []
        if not names or is_spam_line(line, names):
            continue
        for name in names:
            for region in idx.full[name]:
                counts[region] += 1
    return counts


# --- place names the script conversion misspells ------------------------------------------------


@cache
def place_characters() -> dict[str, str]:
    """Characters of traditional place names that OpenCC converts wrong, each to the character the
    official (simplified) name has (``vocabulary/place_names.yaml``): 濬 → 浚, 澂 → 澄."""
    return dict(vocab.load("place_names")["characters"])


def misspellings(name: str) -> list[str]:
    """How a text converted to simplified script spells the official place name ``name`` where
    the name was printed with a character of :func:`place_characters` (浚县 → 濬县): each such
    character replaced by what the conversion makes of its printed form."""
    found = [name]
    for printed, official in place_characters().items():
        converted = to_simplified(printed)
        if converted != official:
            found += [spelt.replace(official, converted) for spelt in found if official in spelt]
    return found[1:]


def misspelt_names(full: dict[str, list[Region]]) -> dict[str, Region]:
    """Each misspelling of a region's official name that is no official name itself, to the region."""
    found: dict[str, Region] = {}
    for name, regions in full.items():
        if len(regions) == 1:
            for spelling in misspellings(name):
                if spelling not in full:
                    found.setdefault(spelling, regions[0])
    return found


def official_spelling(name: str) -> str:
    """``name`` with the places it starts with spelt as officially named (鹤壁市濬县财政局 → 鹤壁市
    浚县财政局): only the names of the places it is placed in are respelt."""
    region = region_of_name(name)
    if region is None:
        return name
    for official in (region.province, region.prefecture, region.county):
        for spelling in misspellings(official) if official else ():
            name = name.replace(spelling, official)
    return name


# --- agency identity (contract §3 dim_agency: an agency is its place and its body) ---------------

KEY_SEPARATOR = "|"


@cache
def identity_rewrites() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The body rewrites of ``vocabulary/agency_identity.yaml``, compiled, in order."""
    return tuple(
        (re.compile(rule["pattern"]), rule["replace"]) for rule in vocab.load("agency_identity")["rewrites"]
    )


@lru_cache(maxsize=1 << 12)
def place_prefixes(region_code: str) -> tuple[tuple[str, str], ...]:
    """(name, level) of a region and of the regions above it, full and short (江苏省, 江苏,
    南京市, 南京, 江宁区, 江宁), longest first: the places a name of one of its agencies may
    start with."""
    region = by_code().get(region_code)
    if region is None:
        return ()
    levels = {"province": region.province, "prefecture": region.prefecture, "county": region.county}
    found = {(name, level) for level, name in levels.items() if name}
    found |= {(stem, level) for name, level in found if (stem := short_name(name))}
    return tuple(sorted(found, key=lambda pair: len(pair[0]), reverse=True))


def strip_prefixes(text: str, prefixes: tuple[tuple[str, str], ...]) -> str:
    """``text`` without the places it starts with, one after another, each level once (江宁区江宁
    街道…: the second 江宁 is the street's, not the district's)."""
    done: set[str] = set()
    while found := next((p for p in prefixes if p[1] not in done and text.startswith(p[0])), None):
        text = text[len(found[0]) :]
        done.add(found[1])
    return text


def strip_places(name: str, region_code: str) -> str:
    """What follows the places at the start of ``name``, its region's or those above it
    (南京市江宁区人民政府, 江宁区人民政府 → 人民政府; 苏州工业园区 → 工业园区), in either script:
    a traditional name's places are read through its simplified form."""
    prefixes = place_prefixes(region_code)
    rest, simplified = strip_prefixes(name, prefixes), to_simplified(name)
    if simplified != name and len(simplified) == len(name):  # 北京市東城區…: 北京市 is either script's
        rest = min(rest, strip_prefixes(simplified, prefixes), key=len)
    return rest


@lru_cache(maxsize=1 << 14)
def agency_body(name: str, region_code: str) -> str:
    """The body of an agency's name, whatever its spelling: no places at its start, simplified,
    half-width, without spaces, rewritten by the identity vocabulary (苏州工业园区管委会 → 工业园区,
    江宁区政府办公室 → 人民政府办公室)."""
    body = to_simplified(strip_places(re.sub(r"\s+", "", fold_width(name)), region_code))
    for pattern, replacement in identity_rewrites():
        body = pattern.sub(replacement, body)
    return body


def agency_key(name: str, region_code: str | None) -> str:
    """One agency's identity across its names: its region code and its body (430421|人民政府).

    Where no region is known the name is its own place: the whole name, normalised, is the key
    (``|`` + the name's body would join every unplaced 人民政府)."""
    if region_code is None:
        return KEY_SEPARATOR + to_simplified(re.sub(r"\s+", "", fold_width(name)))
    return region_code + KEY_SEPARATOR + agency_body(name, region_code)
