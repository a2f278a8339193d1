"""Property tests of scans written for speed (charset vote, county stems, cells of the page text),
against their plain definitions."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.decode import COMMON_HAN, SAMPLE_CHARS, common_share
from ingest.places import stem_before_suffix

HAN = re.compile(r"[\u4e00-\u9fff]")
COMMON = "".join(sorted(COMMON_HAN))[:40]
# common and rare Han, Latin, digits, CJK punctuation and characters at the Han range's edges
letters = st.sampled_from([*COMMON, "龘", "鑫", "\u4e00", "\u9fff", "\u3400", "a", "1", " ", "，", "\n"])


def reference_share(text: str) -> float:
    """The definition: of the first 4,000 Han characters within the first 16,000 characters."""
    han = HAN.findall(text, 0, 4 * SAMPLE_CHARS)[:SAMPLE_CHARS]
    return sum(ch in COMMON_HAN for ch in han) / len(han) if han else 0.0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(letters, max_size=50), max_size=30), st.integers(0, 20_000))
def test_common_share_is_its_definition(pieces: list[str], padding: int) -> None:
    text = "".join(pieces)
    assert common_share(text) == reference_share(text)
    long_text = "x" * padding + text * 200  # past the 16,000-character window and the 4,000 sample
    assert common_share(long_text) == reference_share(long_text)


@settings(max_examples=300, deadline=None)
@given(st.text("汶上分县区市旗中心", max_size=12), st.text("汶上", min_size=1, max_size=3))
def test_stem_before_suffix_is_the_regex(rest: str, stem: str) -> None:
    expected = re.search(re.escape(stem) + "(分|县|区|市|旗)", rest) is not None
    assert stem_before_suffix(stem, rest) == expected


SPACES = [chr(c) for c in range(0x3001) if chr(c).isspace()]
cells = st.lists(
    st.sampled_from([*SPACES, "\u200b", "a", "中", "1", "&", "<b>", "</b>", "<br>", "&nbsp;"]), max_size=12
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(cells, min_size=1, max_size=4), min_size=1, max_size=4))
def test_cells_are_squashed_as_squash_spaces_does(rows: list[list[str]]) -> None:
    """A cell is its text with white space squashed as str.split sees it, control spaces included."""
    import lxml.html

    from ingest.layout import MIN_GRID_ROWS, layout_html
    from ingest.text import squash_spaces

    def escaped(text: str) -> str:  # white space as character references, so the markup keeps them all
        return "".join(f"&#{ord(ch)};" if ch.isspace() else ch for ch in text)

    rows = [*rows, *[["甲", "乙"]] * MIN_GRID_ROWS]  # a data table (a column of lines is read as text)
    body = "".join("<tr>" + "".join(f"<td>{escaped(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    page = f"<html><body><table>{body}</table></body></html>"
    cells = lxml.html.document_fromstring(page).iter("td")
    expected = [squash_spaces(cell.text_content()) for cell in cells]
    document = layout_html(page)
    table = [raw for raw, cell in zip(document.tokens.raw, document.tokens.in_table, strict=True) if cell]
    assert table == expected


pieces = st.sampled_from(
    [
        "未",
        "无",
        "没有",
        "收到",
        "受理",
        "信息公开",
        "申请",
        "行政复议",
        "诉讼",
        "发布",
        "信息",
        "交易",
        "完成",
        "项目",
        "个",
        "条",
        "篇",
        "件",
        "金额",
        "万元",
        "，",
        "共",
        "12",
        "千",
        "一百零五",
        "近",
        "余",
        "３",
        "٣",
        "本年",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(pieces, max_size=14).map("".join))
def test_a_sentence_without_a_count_or_negation_states_no_fact(sentence: str) -> None:
    """The prose rules' regexes all need what STATEMENT_WORDS finds (so other lines are skipped)."""
    from ingest import prose

    compiled = prose.rules()
    rules = (
        compiled["figure"],
        compiled["published"],
        prose.REQUESTS,
        prose.NO_REQUESTS,
        prose.NO_APPEALS,
        prose.TRADING,
    )
    if any(rule.search(sentence) for rule in rules):
        assert prose.STATEMENT_WORDS.search(sentence)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([" ", "\t", "\u200b", "\u3000", "a", "中", "|"]), max_size=6).map("".join),
        max_size=30,
    ),
    st.sampled_from(["html", "text"]),
)
def test_only_a_table_cell_may_be_blank(lines: list[str], kind: str) -> None:
    """Lines of white space and zero-width marks leave no token but a table's (blank) cells."""
    from ingest.layout import layout_html, layout_text
    from ingest.text import is_blank

    if kind == "html":
        document = layout_html(
            "<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>"
        )
    else:
        document = layout_text("\n".join(lines))
    tokens = document.tokens
    assert not any(is_blank(raw) and not cell for raw, cell in zip(tokens.raw, tokens.in_table, strict=True))
