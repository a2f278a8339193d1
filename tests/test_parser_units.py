"""Stage-level tests of the parser: encodings, script, cells, amounts, reordered chapters."""

from __future__ import annotations

from decimal import Decimal

import opencc
import pytest
from test_parser_properties import OUTCOMES

from ingest.decode import decode_bytes, repair_mojibake
from ingest.numbers import TEXT_CELL, read_cell, to_wan
from ingest.parser import parse_bytes
from ingest.records import ParsedReport, RawFile
from report_render import appeal_rows, application_rows, article20_rows, render

TITLE = "衡陽市某某局2020年政府信息公開工作年度報告"


def parse(text: str | bytes, extension: str = ".txt") -> ParsedReport:
    data = text.encode("utf-8") if isinstance(text, str) else text
    outcome = parse_bytes(RawFile(f"x{extension}", "f" * 64, len(data), extension), data)
    assert isinstance(outcome, ParsedReport), outcome
    return outcome


def gb2019_report(shape: str, title: str = TITLE, order: tuple[int, ...] = (0, 1, 2)) -> str:
    article20 = {
        (i, m): Decimal(n)
        for n, (i, m) in enumerate(
            [
                (i, m)
                for i in ("regulations", "normative_documents")
                for m in ("new_made", "new_published", "total_published")
            ]
            + [
                (i, m)
                for i in (
                    "administrative_licensing",
                    "other_services",
                    "administrative_penalty",
                    "administrative_enforcement",
                )
                for m in ("previous_count", "change", "decisions")
            ]
            + [("administrative_fees", "previous_count"), ("administrative_fees", "change")]
        )
    }
    applications = {(o, a): Decimal(a) for o in OUTCOMES["gb2019"] for a in range(7)}
    tables = [
        article20_rows("gb2019", article20),
        application_rows(OUTCOMES["gb2019"], applications),
        appeal_rows([Decimal(k) for k in range(15)]),
    ]
    headings = [
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、行政复议、行政诉讼情况",
    ]
    return render(shape, title, [tables[i] for i in order], [headings[i] for i in order])


@pytest.mark.parametrize("encoding", ["big5", "gb18030", "utf-8"])
def test_charset_comes_from_the_bytes_not_the_meta_tag(encoding: str) -> None:
    page = gb2019_report("html").replace("<head>", '<head><meta charset="iso-8859-1">')
    page = page.replace("衡陽市", "衡阳市") if encoding == "gb18030" else opencc.OpenCC("s2tw").convert(page)
    report = parse(page.encode(encoding, errors="strict"), ".html")
    assert report.encoding == encoding
    assert report.agency_name == "衡阳市某某局"
    assert report.region_code == "430400"
    assert report.script == ("simplified" if encoding == "gb18030" else "traditional")
    assert len(report.applications) == 23 * 7


def test_reordered_chapters_still_read() -> None:
    report = parse(gb2019_report("text_tabs", order=(2, 1, 0)))
    assert len(report.applications) == 23 * 7
    assert [f.value for f in report.appeals] == [Decimal(k) for k in range(15)]
    assert {f.item_code for f in report.disclosures} >= {"regulations", "administrative_fees"}


@pytest.mark.parametrize(
    ("printed", "kind", "value"),
    [
        ("", "blank", None),
        ("\u3000", "blank", None),
        ("—", "not_applicable", None),
        ("/", "not_applicable", None),
        ("-", "not_applicable", None),
        ("无", "none", Decimal(0)),
        ("+13", "number", Decimal(13)),
        ("-8", "number", Decimal(-8)),
        ("１２", "number", Decimal(12)),
        ("1,234", "number", Decimal(1234)),
        ("12.90", "number", Decimal("12.90")),
        ("见附件", "text", None),
        ("100%", "text", None),
    ],
)
def test_cell_meanings(printed: str, kind: str, value: Decimal | None) -> None:
    cell = read_cell(printed)
    assert (cell.kind, cell.value) == (kind, value)
    assert (cell is TEXT_CELL) == (kind == "text")  # the table reader tells values by identity


def test_amounts_in_wan() -> None:
    assert to_wan(Decimal("1991542.72"), "元") == Decimal("199.154272")
    assert to_wan(Decimal("130.48"), "亿元") == Decimal("1304800")
    assert read_cell("130.48亿元").unit == "亿元"


def test_certain_mojibake_is_repaired_and_said() -> None:
    garbled = "市委市政府".encode().decode("latin-1")
    text, warnings = repair_mojibake(f"贯彻落实{garbled}文件")
    assert text == "贯彻落实市委市政府文件"
    assert [w.code for w in warnings] == ["mojibake_repaired"]


def test_mojibake_with_lost_bytes_is_kept_and_flagged() -> None:
    text, warnings = repair_mojibake("贯彻落实å¸å§å¸æ¿åº文件")
    assert text == "贯彻落实å¸å§å¸æ¿åº文件"
    assert [w.code for w in warnings] == ["mojibake"]


def test_undecodable_bytes_are_rejected() -> None:
    from ingest.errors import RejectedFile

    with pytest.raises(RejectedFile) as caught:
        decode_bytes(bytes(range(0x80, 0x100)) * 10)
    assert caught.value.error_code == "undecodable"


def test_year_run_into_month_is_a_warning() -> None:
    report = parse(gb2019_report("text_pipes") + "\n本报告统计期限自20201月1日起至202012月31日止。\n")
    assert "date_typo" in {w.code for w in report.warnings}
    assert report.report_year == 2020


def test_sidecar_overrides_guesses() -> None:
    data = gb2019_report("html").encode()
    raw = RawFile(
        "x.html",
        "e" * 64,
        len(data),
        ".html",
        {"agency_name": "湖南省衡阳市某某局", "published_date": "2021-02-03", "url": "http://example.org/r"},
    )
    report = parse_bytes(raw, data)
    assert isinstance(report, ParsedReport)
    assert (report.agency_name, report.agency_name_source) == ("湖南省衡阳市某某局", "sidecar")
    assert report.published_date.isoformat() == "2021-02-03"
    assert report.url == "http://example.org/r"


def test_prose_amount_text_keeps_the_printed_script() -> None:
    text = gb2019_report("text_tabs") + "\n全年，市本級完成進場交易項目461個，交易金額130.48億元。\n"
    [platform] = [t for t in parse(text).transactions if t.scope == "platform"]
    assert (platform.project_count, platform.amount_wan, platform.amount_text) == (
        461,
        Decimal("1304800"),
        "130.48億元",
    )


def test_older_statistics_table_cells_are_kept_unmapped() -> None:
    page = (
        "<html><body><h1>某县民政局2016年政府信息公开工作年度报告</h1><p>2016年，我局主动公开政府信息120条。</p>"
        "<table><tr><td>政府信息公开情况统计表</td></tr><tr><td>指标</td><td>单位</td><td>数量</td></tr>"
        "<tr><td>主动公开政府信息数</td><td>条</td><td>120</td></tr>"
        "<tr><td>受理政府信息公开申请数</td><td>件</td><td>3</td></tr>"
        "<tr><td>政府信息公开咨询数</td><td>人次</td><td>1,045</td></tr></table></body></html>"
    )
    report = parse(page, ".html")
    assert report.template_version == "pre2019"
    assert [(u.row_label, u.column_label, u.value) for u in report.unmapped] == [
        ("主动公开政府信息数", "条", Decimal(120)),
        ("受理政府信息公开申请数", "件", Decimal(3)),
        ("政府信息公开咨询数", "人次", Decimal(1045)),
    ]
    assert report.applications == [] and report.appeals == []
