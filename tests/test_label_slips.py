"""Local variants of the templates' labels: a character dropped or swapped, stray spaces, the numbering
lost, and a gb2021 table whose (六)其他处理 is one row. Each label maps to its own code or, where a
slip leaves it in doubt, to no code (its cells in ``unmapped``): never to another row's code, and
never shifting the rows below it.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_parser_properties import APPLICANTS, OUTCOMES, SHAPES, parse_text

from ingest import vocabulary as vocab
from ingest.text import label_key
from report_render import ARTICLE20, appeal_rows, application_rows, article20_rows, render
from synthetic.template import ITEM_LABELS, MEASURE_LABELS, OUTCOME_LABELS, outcomes

# the template's numbering as printed: 一、 （一） 1.
NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")
FORMS = {
    "gb2019": OUTCOMES["gb2019"],
    "gb2021": OUTCOMES["gb2021"],
    "gb2021_single": list(outcomes("gb2021", single_other=True)),  # (六)其他处理 as one row
}
HEADINGS = [
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
]
counts = st.integers(0, 9_999).map(Decimal)


def body(label: str) -> str:
    """A label without its numbering and its trailing note: the part a slip is drawn in."""
    return NUMBERING.sub("", label).split("（")[0]


@st.composite
def slips(draw, label: str) -> tuple[str, str]:
    """``label`` as a publisher mistypes it, and how: 'drop', 'swap', 'spaces', 'numbering' (left off)
    or 'numbering_slip' (a character of it dropped)."""
    numbering = NUMBERING.match(label)
    prefix = numbering.group() if numbering else ""
    text = label[len(prefix) :]
    kinds = ["drop", "swap", "spaces"] + (["numbering", "numbering_slip"] if prefix else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "numbering":
        return text, kind
    if kind == "numbering_slip":
        i = draw(st.integers(0, len(prefix) - 1))
        return prefix[:i] + prefix[i + 1 :] + text, kind
    if kind == "spaces":
        at = draw(st.integers(1, len(text) - 1))
        space = draw(st.sampled_from([" ", "  ", "\u3000", "\xa0"]))
        return prefix + text[:at] + space + text[at:], kind
    core = body(label)
    if kind == "swap":
        places = [i for i in range(len(core) - 1) if core[i] != core[i + 1]]
        i = draw(st.sampled_from(places))
        return prefix + core[:i] + core[i + 1] + core[i] + text[i + 2 :], kind
    i = draw(st.integers(0, len(core) - 1))
    return prefix + text[:i] + text[i + 1 :], kind


def must_map(label: str, kind: str) -> bool:
    """A slip a careful reader resolves for sure: spaces or numbering, or one character in a label
    long enough (:data:`ingest.vocabulary.SHORTEST`) that no other label is one slip away."""
    return kind in ("spaces", "numbering", "numbering_slip") or len(body(label)) >= vocab.SHORTEST


def table(form: str, values: dict, printed: dict[str, str]) -> list[list[str | None]]:
    """The applications table of ``form`` with some labels printed otherwise (``printed``)."""
    rows = application_rows(FORMS[form], values)
    wanted = {OUTCOME_LABELS[code]: text for code, text in printed.items()}
    return [[wanted.get(row[0], row[0]), *row[1:]] if row and row[0] else row for row in rows]


def report(form: str, shape: str, values: dict, printed: dict[str, str], items: dict | None = None):
    """The parsed report; ``printed``: outcome labels printed otherwise, ``items``: Article 20 texts."""
    template = "gb2019" if form == "gb2019" else "gb2021"
    year = 2020 if template == "gb2019" else 2022
    article20 = {
        (item, measure): Decimal(n)
        for n, (item, measure) in enumerate(
            (i, m) for _clause, its, measures in ARTICLE20[template] for i in its for m in measures
        )
    }
    rows = article20_rows(template, article20)
    if items:
        rows = [[items.get(cell, cell) if cell else cell for cell in row] for row in rows]
    tables = [rows, table(form, values, printed), appeal_rows([Decimal(k) for k in range(15)])]
    title = f"某县人民政府办公室{year}年政府信息公开工作年度报告"
    return parse_text(render(shape, title, tables, HEADINGS), shape), template, article20


@st.composite
def cases(draw):
    form = draw(st.sampled_from(sorted(FORMS)))
    shape = draw(st.sampled_from(SHAPES))
    rows = FORMS[form]
    values = {(o, a): draw(counts) for o in rows for a in range(7)}
    chosen = draw(st.lists(st.sampled_from(rows), min_size=1, max_size=3, unique=True))
    printed = {code: draw(slips(OUTCOME_LABELS[code])) for code in chosen}
    return form, shape, values, printed


@settings(max_examples=150, deadline=None)
@given(cases())
def test_a_slipped_label_maps_to_its_code_or_stays_unmapped(case) -> None:
    form, shape, values, printed = case
    parsed, template, _ = report(form, shape, values, {code: text for code, (text, _) in printed.items()})
    assert parsed.template_version == template
    got: dict[str, dict[str, Decimal | None]] = {}
    for fact in parsed.applications:
        got.setdefault(fact.outcome_code, {})[fact.applicant_type] = fact.value
    for code in FORMS[form]:
        want = {APPLICANTS[a]: values[(code, a)] for a in range(7)}
        if code in printed and code not in got:
            text, kind = printed[code]
            assert not must_map(OUTCOME_LABELS[code], kind), f"{text!r} ({kind}) not read as {code}"
            assert [u.value for u in parsed.unmapped if u.row_label == text] == list(want.values())
        else:
            assert got.get(code) == want, (code, printed.get(code))
    assert set(got) <= set(FORMS[form])
    slip_warnings = [w for w in parsed.warnings if w.code == "row_label_slip"]
    assert len(slip_warnings) <= len(printed)


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(sorted(FORMS)),
    st.sampled_from(SHAPES),
    st.data(),
)
def test_the_rows_below_a_mutated_label_keep_their_codes(form, shape, data) -> None:
    """Whatever a label became (a slip, a local label, a word of nonsense), the rows below it are
    read with their own codes and values: nothing shifts."""
    rows = FORMS[form]
    at = data.draw(st.integers(0, len(rows) - 2), label="row")
    code = rows[at]
    label = OUTCOME_LABELS[code]
    text = data.draw(
        st.one_of(
            slips(label).map(lambda slip: slip[0]),
            st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=12),
        ),
        label="printed",
    )
    assume(text != label)
    assume(vocab.match_row("applications", "rows", label_key(text)) in (None, {"code": code}))
    values = {(o, a): Decimal(100 * n + a) for n, o in enumerate(rows) for a in range(7)}
    parsed, _, _ = report(form, shape, values, {code: text})
    got = {(f.outcome_code, f.applicant_type): f.value for f in parsed.applications}
    for below in rows[at + 1 :]:
        assert {a: got.get((below, a)) for a in APPLICANTS} == {
            APPLICANTS[a]: values[(below, a)] for a in range(7)
        }, below
    assert {o for o, _ in got} <= set(rows)  # the mutated row: its own code, or none


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["gb2019", "gb2021"]), st.sampled_from(SHAPES), st.data())
def test_a_slipped_article20_item_maps_to_its_item_or_stays_unmapped(template, shape, data) -> None:
    items = [i for _clause, its, _m in ARTICLE20[template] for i in its]
    item = data.draw(st.sampled_from(items), label="item")
    text, kind = data.draw(slips(ITEM_LABELS[item]), label="printed")
    values = {(o, a): Decimal(a) for o in FORMS[template] for a in range(7)}
    parsed, _, article20 = report(template, shape, values, {}, {ITEM_LABELS[item]: text})
    got = {(f.item_code, f.measure_code): f.value for f in parsed.disclosures}
    own = {key: value for key, value in article20.items() if key[0] == item}
    if not set(own) <= set(got):
        assert not must_map(ITEM_LABELS[item], kind), f"{text!r} ({kind}) not read as {item}"
        assert [u.value for u in parsed.unmapped if u.row_label == text] == list(own.values())
        got.update(own)
    assert got == article20


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["gb2019", "gb2021"]), st.sampled_from(SHAPES), st.data())
def test_a_slipped_column_heading_shifts_no_column(template, shape, data) -> None:
    """An Article 20 heading with a slip is still its measure's column: every figure of its sub-table
    stays under its own measure (a heading left unread would shift the columns after it)."""
    labels = MEASURE_LABELS[template]
    measure = data.draw(st.sampled_from(sorted(labels)), label="measure")
    text, kind = data.draw(slips(labels[measure]), label="printed")
    values = {(o, a): Decimal(a) for o in FORMS[template] for a in range(7)}
    parsed, _, article20 = report(template, shape, values, {}, {labels[measure]: text})
    assert {(f.item_code, f.measure_code): f.value for f in parsed.disclosures} == article20, (text, kind)
    assert parsed.unmapped == []


# --- the vocabularies themselves -------------------------------------------------------------------


def one_slip_forms(form: str) -> set[str]:
    return {form[:i] + form[i + 1 :] for i in range(len(form))} | {
        form[:i] + form[i + 1] + form[i] + form[i + 2 :]
        for i in range(len(form) - 1)
        if form[i] != form[i + 1]
    }


@pytest.mark.parametrize(
    ("name", "section"), [("applications", "rows"), ("article20", "items"), ("article20", "measures")]
)
def test_no_slip_of_a_label_is_as_near_to_another_code(name: str, section: str) -> None:
    """Every label a vocabulary knows, with a character dropped or swapped, is one code's: the
    vocabularies hold no two labels one slip from a common misprint (were there, it stays unmapped)."""
    forms = vocab.labels(name, section)
    every = frozenset(forms)
    for code, labels in forms.items():
        for label in labels:
            for printed in one_slip_forms(label) - {label}:
                found = vocab.nearest(name, section, printed, every)
                assert found in ((code,), ()), (printed, found)
                if len(label) >= vocab.SHORTEST:
                    assert code in found, (label, printed)


def test_two_codes_as_near_leave_the_label_in_doubt(tmp_path, monkeypatch) -> None:
    (tmp_path / "slip_tie.yaml").write_text(
        "rows:\n  - {code: a, patterns: ['^行政许可证明$']}\n  - {code: b, patterns: ['^行政许可证书$']}\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(vocab, "HERE", tmp_path)
    both = frozenset({"a", "b"})
    assert vocab.nearest("slip_tie", "rows", "行政许可证", both) == ("a", "b")  # dropped from either
    assert vocab.nearest("slip_tie", "rows", "行政许可证", frozenset({"b"})) == ("b",)  # only b possible
    assert vocab.nearest("slip_tie", "rows", "行政许证明", both) == ("a",)
    assert vocab.nearest("slip_tie", "rows", "行政许可证件", both) == ()  # a character replaced: short label


@pytest.mark.parametrize(
    ("printed", "label", "near"),
    [
        ("本机关不掌握相关政府信", "本机关不掌握相关政府信息", True),  # dropped at the end
        ("本机关不掌握相关政信府息", "本机关不掌握相关政府信息", True),  # swapped
        ("本机不掌握相关政府信息", "本机关不掌握相关政府信息", True),
        ("本机关不掌握相关政府消息", "本机关不掌握相关政府信息", True),  # replaced, a long label
        ("本机关不掌握相关的政府信息", "本机关不掌握相关政府信息", True),  # added, a long label
        ("予公开", "予以公开", True),
        ("予以开公", "予以公开", True),
        ("予以公示", "予以公开", False),  # replaced in a short label: another word
        ("予以公开", "予以公开", False),  # no slip: the patterns' business
        ("他", "其他", False),  # too short to tell
        ("本机不掌相关政府信息", "本机关不掌握相关政府信息", False),  # two slips
    ],
)
def test_one_slip(printed: str, label: str, near: bool) -> None:
    assert vocab.one_slip(printed, label) is near


@pytest.mark.parametrize(
    ("printed", "code"),
    [
        ("(一予以公开", "granted"),  # the numbering's closing bracket dropped
        ("一)予以公开", "granted"),
        ("()予以公开", "granted"),
        ("3其他", "other_other"),  # a short label: its numbering's slip only
        (".其他", "other_other"),
        ("(七总计", "total_processed"),
        ("1属于国家秘密", "denied_state_secret"),
        ("(一予以公", "granted"),  # a slip in the numbering and one in the words
    ],
)
def test_a_slip_in_the_numbering(printed: str, code: str) -> None:
    every = frozenset(vocab.labels("applications", "rows"))
    assert vocab.match_row("applications", "rows", label_key(printed)) is None  # no pattern reads it
    assert vocab.nearest("applications", "rows", label_key(printed), every) == (code,)


def test_a_gb2021_table_with_other_processing_as_one_row_reads_as_gb2021() -> None:
    values = {(o, a): Decimal(a + 1) for o in FORMS["gb2021_single"] for a in range(7)}
    parsed, template, _ = report("gb2021_single", "html", values, {})
    assert template == parsed.template_version == "gb2021"
    got = {(f.outcome_code, f.applicant_type): f.value for f in parsed.applications}
    assert got[("other_processing", "total")] == Decimal(7)
    assert not {code for code, _ in got} & {"other_overdue_correction", "other_overdue_fee", "other_other"}
    assert parsed.unmapped == []
