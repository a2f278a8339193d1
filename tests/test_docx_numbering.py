"""The numbers Word generates for numbered paragraphs (ingest/docx_numbering.py): a heading typed as
总体情况 in a list of 一、 二、 … reads 一、 总体情况, as Word shows it."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.docx import body_tokens, layout_docx
from ingest.docx_numbering import FORMATS, chinese_counting
from ingest.parser import parse_bytes
from ingest.prose import chinese_number
from ingest.records import ParsedReport, RawFile
from synthetic.docx import iter_docx_pairs

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def part(body: str) -> bytes:
    return f'<?xml version="1.0"?><w:root xmlns:w="{W_NS}">{body}</w:root>'.encode()


def document(paragraphs: str) -> bytes:
    body = f"<w:body>{paragraphs}</w:body>"
    return f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}">{body}</w:document>'.encode()


def para(text: str, num_id: str | None = None, ilvl: int = 0, style: str | None = None) -> str:
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if num_id is not None:
        props += f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
    return f"<w:p><w:pPr>{props}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"


def level(ilvl: int, fmt: str, text: str, start: int = 1, suffix: str = "nothing") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:suff w:val="{suffix}"/><w:lvlText w:val="{text}"/></w:lvl>'
    )


# list 1: 一、 over （一） over 1. ; list 2: the same levels, its first level started at 三;
# list 3: bullets
NUMBERING = part(
    '<w:abstractNum w:abstractNumId="0">'
    + level(0, "chineseCounting", "%1、")
    + level(1, "chineseCounting", "（%2）")
    + level(2, "decimal", "%3.")
    + '</w:abstractNum><w:abstractNum w:abstractNumId="1">'
    + level(0, "bullet", "●", suffix="tab")
    + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="0"/>'
    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="3"/></w:lvlOverride></w:num>'
    '<w:num w:numId="3"><w:abstractNumId w:val="1"/></w:num>'
)
STYLES = part(
    '<w:style w:styleId="Chapter"><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
    '</w:style><w:style w:styleId="BigChapter"><w:basedOn w:val="Chapter"/></w:style>'
)


def texts(paragraphs: str, styles: bytes | None = STYLES) -> list[str]:
    return body_tokens(document(paragraphs), NUMBERING, styles).raw


def test_levels_count_and_restart_as_word_does() -> None:
    got = texts(
        para("总体情况", "1")
        + para("主动公开", "1", 1)
        + para("规章", "1", 2)
        + para("规范性文件", "1", 2)
        + para("依申请公开", "1", 1)
        + para("收到申请", "1", 2)
        + para("主动公开政府信息情况", "1")
        + para("制发", "1", 1)
    )
    assert got == [
        "一、总体情况",
        "（一）主动公开",
        "1.规章",
        "2.规范性文件",
        "（二）依申请公开",
        "1.收到申请",  # restarted under the new （二）
        "二、主动公开政府信息情况",
        "（一）制发",  # restarted under the new 二、
    ]


def test_a_style_numbers_its_paragraphs_and_a_list_can_start_elsewhere() -> None:
    got = texts(
        para("总体情况", style="Chapter")
        + para("主动公开", style="BigChapter")  # numbered through its base style
        + para("存在的问题", "2")  # its own list, started at 三
        + para("要点", "3")  # a bullet is no part of the text
        + para("不再编号", "0", style="Chapter")  # numId 0: numbering taken off
        + para("附件")
    )
    assert got == ["一、总体情况", "二、主动公开", "三、存在的问题", "要点", "不再编号", "附件"]


def test_a_document_without_a_numbering_part_reads_as_before() -> None:
    assert body_tokens(document(para("总体情况", "1"))).raw == ["总体情况"]
    assert body_tokens(document(para("总体情况", "1")), b"<not xml", None).raw == ["总体情况"]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 999))
def test_chinese_counting_reads_back_as_its_number(n: int) -> None:
    assert chinese_number(chinese_counting(n)) == n
    assert FORMATS["decimalFullWidth"](n).translate(
        str.maketrans("０１２３４５６７８９", "0123456789")
    ) == str(n)


def test_generated_documents_with_numbered_headings_read_their_numbers() -> None:
    """The generator's documents whose chapter headings Word numbers (variant docx_auto_numbering):
    the headings read 一、 二、 … in order, and the report's facts are those of its page."""
    seen = 0
    for document_item, page_item in iter_docx_pairs(60, 5):
        if "docx_auto_numbering" not in document_item.truth.variants:
            continue
        seen += 1
        tokens = layout_docx(document_item.data).tokens
        numbered = {f"{c}、" for c in "一二三四五六七八九"}
        prose = [t for t, cell in zip(tokens.raw, tokens.in_table, strict=True) if not cell]
        headings = [t for t in prose if t[:2] in numbered]
        assert [h[0] for h in headings] == list("一二三四五六七八九")[: len(headings)] and len(headings) >= 5
        reports = [
            parse_bytes(RawFile(name, hashlib.sha256(item.data).hexdigest(), len(item.data), ext), item.data)
            for name, ext, item in (("r.docx", ".docx", document_item), ("r.html", ".html", page_item))
        ]
        assert all(isinstance(r, ParsedReport) for r in reports)
        assert [sorted((f.item_code, f.measure_code, f.value) for f in r.disclosures) for r in reports] == [
            sorted((f.item_code, f.measure_code, f.value) for f in reports[1].disclosures)
        ] * 2
    assert seen >= 3
