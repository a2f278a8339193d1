"""The cached conversion of lines (ingest.convert) against converting the joined text afresh."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import convert
from ingest.script import detect_script, to_simplified
from ingest.text import fold_width, label_key

# characters that matter: traditional and simplified Han (some change length or merge under
# conversion), full-width forms, odd and zero-width spaces, label quotes, plain text
ALPHABET = "政府信息公開公开報告报告縣县乾隆著作衞門门歡迎０１２（）：，「」“”《》 \u3000\u200b\xa0ab12-—"
lines_of = st.lists(st.text(ALPHABET, max_size=30), max_size=40)


def fresh(lines: list[str]) -> tuple[list[str], str]:
    """What the parser computed before the cache: one conversion of the joined lines."""
    folded = fold_width("\n".join(lines))
    converted = to_simplified(folded)
    split = converted.split("\n") if lines else []
    return split, detect_script(folded, converted)


@settings(max_examples=300, deadline=None)
@given(lines_of, lines_of)
def test_cached_lines_equal_a_fresh_conversion(first: list[str], second: list[str]) -> None:
    convert.convert_lines(first)  # the second batch meets a warm cache
    for lines in (first, second, first + second):
        converted = convert.convert_lines(lines)
        expected_lines, expected_script = fresh(lines)
        assert [c.line for c in converted] == expected_lines
        assert [c.key for c in converted] == [label_key(line) for line in expected_lines]
        assert [c.text for c in converted] == [" ".join(line.split()) for line in expected_lines]
        assert convert.script_of(converted) == expected_script


def test_text_squashes_the_spaces_a_folded_zero_width_character_leaves() -> None:
    (line,) = convert.convert_lines(["公開 \u200b 報告"])
    assert (line.line, line.text, line.key) == ("公开  报告", "公开 报告", "公开报告")


def test_script_counts_the_changed_share_of_han() -> None:
    traditional = convert.convert_lines(["政府信息公開工作年度報告"])
    simplified = convert.convert_lines(["政府信息公开工作年度报告" * 20, "縣"])  # 1 of 241 changed
    assert convert.script_of(traditional) == "traditional"
    assert convert.script_of(simplified) == "simplified"
    assert convert.script_of(convert.convert_lines(["", "12"])) == "simplified"


def test_a_full_cache_starts_again(monkeypatch) -> None:
    monkeypatch.setattr(convert, "CACHE_SIZE", 3)
    convert.CACHE.clear()
    convert.convert_lines(["甲", "乙", "丙"])
    converted = convert.convert_lines(["甲", "丁", "戊"])
    assert [c.line for c in converted] == ["甲", "丁", "戊"]
    assert set(convert.CACHE) == {"丁", "戊"}
