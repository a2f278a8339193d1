"""Word documents (.docx) read from their structure (issue 15, point 4).

Unit tests on hand-written WordprocessingML: merged cells reach the table stage as an HTML
page's rowspan/colspan do (the same tokens), nested tables, the text Word shows and only it,
the core properties as weak hints, damaged packages rejected. The round trip of synthetic
reports rendered as .docx is in ``test_docx_roundtrip.py``.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from ingest.docx import W_NS, layout_docx
from ingest.errors import RejectedFile
from ingest.layout import layout_html

CORE = (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">'
    "<dc:title>{title}</dc:title><dcterms:created>{created}</dcterms:created></cp:coreProperties>"
)


def package(body: str, core: str | None = None, namespace: str = W_NS) -> bytes:
    """A minimal .docx: ``body`` is the inside of ``w:body``."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{namespace}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f"<w:body>{body}</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
        if core is not None:
            archive.writestr("docProps/core.xml", core)
    return out.getvalue()


def p(*runs: str) -> str:
    return "<w:p>" + "".join(f"<w:r>{run}</w:r>" for run in runs) + "</w:p>"


def t(text: str) -> str:
    return f'<w:t xml:space="preserve">{text}</w:t>'


def tc(text: str, span: int = 1, vmerge: str | None = None) -> str:
    props = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{p(t(text)) if text else '<w:p/>'}</w:tc>"


def tbl(*rows: list[str]) -> str:
    return "<w:tbl><w:tblPr/>" + "".join("<w:tr>" + "".join(row) + "</w:tr>" for row in rows) + "</w:tbl>"


def triples(doc) -> list[tuple[str, bool, bool]]:
    tokens = doc.tokens
    return list(zip(tokens.raw, tokens.row_start, tokens.in_table, strict=True))


def test_merged_cells_give_the_tokens_of_html_rowspan_and_colspan() -> None:
    """The applications header: 勾稽关系 over 3×3, 申请人情况 over 7, 自然人/总计 over two rows."""
    docx = package(
        p(t("三、收到和处理政府信息公开申请情况"))
        + tbl(
            [tc("勾稽关系", 3, "restart"), tc("申请人情况", 7)],
            [
                tc("", 3, "continue"),
                tc("自然人", 1, "restart"),
                tc("法人或其他组织", 5),
                tc("总计", 1, "restart"),
            ],
            [
                tc("", 3, "continue"),
                tc("", 1, "continue"),
                *(tc(x) for x in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")),
                tc("", 1, "continue"),
            ],
            [tc("一、本年新收政府信息公开申请数量", 3), *(tc(str(n)) for n in range(7))],
            [tc("三、本年度办理结果", 1, "restart"), tc("（一）予以公开", 2), *(tc("1") for _ in range(7))],
            [tc("", 1, "continue"), tc("（二）部分公开", 2), *(tc("") for _ in range(7))],
        )
    )
    page = layout_html(
        "<html><body><p>三、收到和处理政府信息公开申请情况</p><table>"
        '<tr><td colspan="3" rowspan="3">勾稽关系</td><td colspan="7">申请人情况</td></tr>'
        '<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>'
        "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
        '<tr><td colspan="3">一、本年新收政府信息公开申请数量</td>'
        + "".join(f"<td>{n}</td>" for n in range(7))
        + '</tr><tr><td rowspan="2">三、本年度办理结果</td><td colspan="2">（一）予以公开</td>'
        + "<td>1</td>" * 7
        + '</tr><tr><td colspan="2">（二）部分公开</td>'
        + "<td></td>" * 7
        + "</tr></table></body></html>"
    )
    doc = layout_docx(docx)
    assert triples(doc) == triples(page)
    assert doc.tokens.raw[1:4] == ["勾稽关系", "申请人情况", "自然人"]
    assert doc.source_format == "docx" and doc.shape == "docx"
    assert doc.tokens.page is None


HMERGE_START = '<w:tc><w:tcPr><w:hMerge w:val="restart"/></w:tcPr>'
HMERGE_CONTINUE = "<w:tc><w:tcPr><w:hMerge/></w:tcPr><w:p/></w:tc>"


def test_legacy_horizontal_merge_and_a_row_of_continuations() -> None:
    docx = package(
        tbl(
            [tc("行政复议", 1, "restart"), HMERGE_START + p(t("甲")) + "</w:tc>", HMERGE_CONTINUE],
            [tc("", 1, "continue"), tc("乙"), tc("丙")],
            [tc("", 1, "continue")],  # a row of nothing but continuations vanishes, as an empty <tr>
        )
    )  # fmt: skip
    assert triples(layout_docx(docx)) == [
        ("行政复议", True, True),
        ("甲", False, True),
        ("乙", True, True),
        ("丙", False, True),
    ]


def test_nested_tables_innermost_is_the_data_table() -> None:
    """A layout table around the report: its cells' paragraphs are prose, the inner table the data."""
    inner = tbl([tc("行政许可"), tc("3")], [tc("行政处罚"), tc("")])
    docx = package(
        p(t("标题"))
        + "<w:tbl><w:tr><w:tc>"
        + p(t("一、总体情况"))
        + p(t("正文"))
        + inner
        + "<w:p/></w:tc><w:tc>"
        + p(t("旁注"))
        + "</w:tc></w:tr></w:tbl>"
    )
    assert triples(layout_docx(docx)) == [
        ("标题", True, False),
        ("一、总体情况", True, False),
        ("正文", True, False),
        ("行政许可", True, True),
        ("3", False, True),
        ("行政处罚", True, True),
        ("", False, True),
        ("旁注", True, False),
    ]


def test_only_the_text_word_shows() -> None:
    """Runs, tabs and breaks; not deleted or moved text, field codes, or a drawing's fallback copy."""
    body = (
        "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"420\"/></w:tabs></w:pPr>"
        f"<w:r><w:tab/>{t('全年')}</w:r><w:r>{t('主动')}</w:r>"
        f"<w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del>"
        f"<w:moveFrom><w:r>{t('移走的')}</w:r></w:moveFrom>"
        f"<w:ins><w:r>{t('公开')}</w:r></w:ins>"
        f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        f"<w:hyperlink><w:r>{t('信息')}</w:r></w:hyperlink><w:r><w:br/>{t('第二行')}</w:r></w:p>"
        "<w:p><w:r><mc:AlternateContent><mc:Choice><w:txbxContent>"
        + p(t("文本框"))
        + "</w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent>"
        + p(t("文本框"))
        + "</w:txbxContent></mc:Fallback></mc:AlternateContent></w:r></w:p>"
        + tbl([tc("本年新"), "<w:tc>" + p(t("制作") + "<w:br/>" + t("数量")) + p(t("(件)")) + "</w:tc>"])
    )  # fmt: skip
    assert triples(layout_docx(package(body))) == [
        ("全年主动公开信息", True, False),
        ("第二行", True, False),
        ("文本框", True, False),
        ("本年新", True, True),
        ("制作数量(件)", False, True),  # a cell's lines and paragraphs joined as <br>/<p> in a <td>
    ]


def test_strict_ooxml_is_read_as_transitional() -> None:
    docx = package(p(t("正文")), namespace="http://purl.oclc.org/ooxml/wordprocessingml/main")
    assert layout_docx(docx).tokens.raw == ["正文"]


def test_traditional_script_is_detected() -> None:
    doc = layout_docx(package(p(t("本機關政府資訊公開工作年度報告")) + p(t("統計數據與說明"))))
    assert doc.script == "traditional"
    assert doc.lines[0] == "本机关政府资讯公开工作年度报告"


TITLE = "某市统计局2023年政府信息公开工作年度报告"


def test_core_properties_are_weak_hints_used_only_where_the_text_says_nothing() -> None:
    core = CORE.format(title=TITLE, created="2024-01-20T02:00:00Z")
    silent = layout_docx(package(p(t("一、总体情况")) + p(t("正文。")), core))
    assert silent.hints == {"title": TITLE, "published": "2024-01-20"}
    assert [w.code for w in silent.warnings] == ["weak_title_hint", "weak_date_hint"]

    stale = CORE.format(title="某市统计局2022年政府信息公开工作年度报告", created="2013-12-23T23:15:00Z")
    told = layout_docx(
        package(p(t(TITLE)) + p(t("正文。")) + p(t("某市统计局")) + p(t("2024年1月22日")), stale)
    )
    assert told.hints == {}
    assert told.warnings == []


def test_core_properties_without_a_report_title_are_not_used() -> None:
    core = CORE.format(title="Microsoft Word 文档", created="")
    doc = layout_docx(package(p(t("正文。")), core))
    assert doc.hints == {} and doc.warnings == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 40, "cannot be unpacked"),
        (package(p(t("x")))[:-30], "cannot be unpacked"),
    ],
)
def test_a_damaged_package_is_rejected(data: bytes, message: str) -> None:
    with pytest.raises(RejectedFile) as rejected:
        layout_docx(data)
    assert rejected.value.error_code == "unsupported_format"
    assert message in rejected.value.message


def test_a_zip_without_a_body_or_with_a_broken_one_is_rejected() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(RejectedFile, match=r"without word/document\.xml"):
        layout_docx(out.getvalue())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><w:body>")
    with pytest.raises(RejectedFile, match="not XML"):
        layout_docx(out.getvalue())


def test_a_frame_or_a_one_column_table_is_text() -> None:
    """A 1×1 box around the report, or one paragraph a row: lines of prose, not one giant cell."""
    framed = tbl(["<w:tc>" + p(t("一、概述")) + p(t("全年收到申请2件。")) + p(t("某局")) + "</w:tc>"])
    column = tbl([tc("二、主动公开")], [tc("公开信息88条。")])
    assert triples(layout_docx(package(framed + column))) == [
        ("一、概述", True, False),
        ("全年收到申请2件。", True, False),
        ("某局", True, False),
        ("二、主动公开", True, False),
        ("公开信息88条。", True, False),
    ]
