"""The synthetic corpus read back: every cell, every fact, and exactly the injected publisher errors.

(a) Several hundred generated reports, across every shape, page, encoding, script and
    template, parse back to their truth cell for cell (and the bad files are rejected
    with their error code).
(b) Generation is deterministic per seed; an agency's reports run over consecutive years
    and carry their figures over as contract §4 says.
(c) The identities that fail are exactly the injected publisher errors: evaluated here
    on the parsed facts (a small evaluation of contract §4, independent of the
    generator's), and in a real warehouse (``marts.fct_identity_checks``, e2e).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import replace
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import duckdb
import pytest
from conftest import run_in_process

from ingest.parser import parse_bytes
from ingest.records import ParsedReport, RawFile, Rejection, TransactionFact
from synthetic.corpus import Item, generate, iter_corpus
from synthetic.truth import BadFile, ReportTruth, from_json, read_lines, to_json
from synthetic.values import Shares

SEED = 60  # chosen so that 500 reports hold every shape, encoding, variant, trap and error kind
REPORTS = 500
SHARES = Shares(error=0.25, blank=0.25, variant=0.5, traps=0.1)

# Real layouts the parser does not read yet (the generator's "traps", documented in
# synthetic/style.py). Reports printed with them are checked for everything else:
# (variant tags all present, tags that cure it, the fields they spoil). `REJECTED` means
# the parser rejects the whole file. Empty: every trap is read (see TRAPS below).
REJECTED = frozenset({"rejected"})
KNOWN_GAPS: list[tuple[frozenset[str], frozenset[str], frozenset[str]]] = []
# The layouts that were known gaps, each with what would have saved the parser without its
# rule (a meta tag): the corpus must print each one without that help, and read it back.
TRAPS: list[tuple[frozenset[str], frozenset[str]]] = [
    # the 发布时间 line below a portal's full menu (beyond line 40)
    (frozenset({"nav_big"}), frozenset({"meta_pubdate", "sidecar"})),
    # a logo <h1>, the site's name as <title> and a full menu: the title only in the body
    (frozenset({"nav_big", "logo_h1"}), frozenset({"meta_title"})),
    # a Word title on two lines (agency / year and 报告)
    (frozenset({"title_two_lines"}), frozenset()),
]
CROSS_YEAR_RULES = {"carry_continuity", "in_force_continuity", "item_count_continuity"}

# contract §3/§4, written out here so the evaluation below does not lean on the generator's
PERSONS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
)
APPLICANTS = (*PERSONS, "total")
NOT_PARTS = {"new_received", "carried_over", "total_processed", "carried_forward"}
APPEAL_PARTS = ("upheld", "corrected", "other", "pending")

Failure = tuple[str, str]  # (rule_code, scope)


def raw_file(item: Item) -> RawFile:
    extension = Path(item.truth.path).suffix
    sha = hashlib.sha256(item.data).hexdigest()
    return RawFile(item.truth.path, sha, len(item.data), extension, item.sidecar)


@pytest.fixture(scope="module")
def corpus() -> list[tuple[Item, ParsedReport | Rejection]]:
    """The generated files with what the parser made of each."""
    return [
        (item, parse_bytes(raw_file(item), item.data)) for item in iter_corpus(REPORTS, SEED, SHARES, 0.03)
    ]


def reports(corpus) -> list[tuple[ReportTruth, ParsedReport | Rejection]]:
    return [(item.truth, outcome) for item, outcome in corpus if isinstance(item.truth, ReportTruth)]


def spoiled(truth: ReportTruth) -> frozenset[str]:
    """The fields a known parser gap spoils for this report (empty for most)."""
    variants = set(truth.variants)
    found: frozenset[str] = frozenset()
    for present, cured_by, fields in KNOWN_GAPS:
        if present <= variants and not cured_by & variants:
            found |= fields
    return found


# --- (a) cell for cell -------------------------------------------------------------------------------


def by_key(facts, first: str, second: str, method: str) -> dict:
    return {(getattr(f, first), getattr(f, second)): f.value for f in facts if f.source_method == method}


def mismatches(truth: ReportTruth, report: ParsedReport | Rejection) -> list[tuple[str, object, object]]:
    """(what, truth, parsed) for everything the parser read differently from the truth."""
    if not isinstance(report, ParsedReport):
        return [("rejected", "a report", f"{report.error_code}: {report.error_message}")]
    expected = {
        "template_version": truth.template_version,
        "report_year": truth.report_year,
        "agency_name": truth.agency.name,
        "agency_type": truth.agency.agency_type,
        "admin_level": truth.agency.admin_level,
        "region_code": truth.agency.region_code,
        "published_date": truth.published_date,
        "script": truth.script,
        "encoding": truth.parsed_encoding,
        "source_shape": "prose" if truth.template_version == "pre2019" else truth.shape,
        **truth_facts(truth),
        "agency_aliases": list(truth.agency.aliases),
    }
    parsed = {
        **{name: getattr(report, name) for name in list(expected)[:10]},
        **parsed_facts(report),
        "agency_aliases": report.agency_aliases,
    }
    return [(name, want, parsed[name]) for name, want in expected.items() if parsed[name] != want]


def transaction_key(transaction: TransactionFact, amount_text: bool) -> tuple:
    """A transaction (parsed, or the generator's) as compared: with its printed amount or not."""
    printed = (transaction.amount_text,) if amount_text else ()
    return (
        transaction.scope,
        transaction.category,
        transaction.project_count,
        transaction.amount_wan,
        *printed,
        transaction.source_method,
    )


def truth_facts(truth: ReportTruth, amount_text: bool = True) -> dict:
    """The facts the generator wrote, keyed as :func:`parsed_facts` keys a parsed report's."""
    return {
        "disclosures": truth.disclosures,
        "published_information": truth.published_information,
        "applications": truth.applications,
        "prose_applications": truth.prose_applications,
        "appeals": truth.appeals,
        "prose_appeals": truth.prose_appeals,
        "transactions": sorted(transaction_key(t, amount_text) for t in truth.transactions),
        "unmapped": [],
    }


def parsed_facts(report: ParsedReport, amount_text: bool = True) -> dict:
    """A parsed report's facts keyed as the generator's truth keys them (``amount_text``: with a
    transaction's amount as printed, which a PDF may space otherwise)."""

    return {
        "disclosures": by_key(report.disclosures, "item_code", "measure_code", "table"),
        "published_information": {
            f.channel: f.value for f in report.disclosures if f.item_code == "published_information"
        },
        "applications": by_key(report.applications, "outcome_code", "applicant_type", "table"),
        "prose_applications": by_key(report.applications, "outcome_code", "applicant_type", "prose"),
        "appeals": by_key(report.appeals, "appeal_kind", "result_code", "table"),
        "prose_appeals": by_key(report.appeals, "appeal_kind", "result_code", "prose"),
        "transactions": sorted(transaction_key(t, amount_text) for t in report.transactions),
        "unmapped": [(u.section, u.row_label, u.value) for u in report.unmapped],
    }


def describe(truth: ReportTruth, name: str, want, got) -> str:
    if isinstance(want, dict) and isinstance(got, dict):
        keys = sorted(set(want) | set(got), key=str)
        want = {k: want.get(k, "absent") for k in keys if want.get(k, "absent") != got.get(k, "absent")}
        got = {k: got.get(k, "absent") for k in want}
    where = f"{truth.path} [{truth.shape}, {truth.template_version}, {','.join(truth.variants)}]"
    return f"{where} {name}: {want!r} != {got!r}"


def words(text: str) -> list[str]:
    return text.split()


SHAPES = ("html", "text_cells", "text_pipes", "text_tabs", "text_rows")
COVERAGE = [
    *(("shape", s) for s in SHAPES),
    *(("template", t) for t in ("pre2019", "gb2019", "gb2021")),
    *(("encoding", e) for e in ("utf-8", "gb18030", "gbk", "big5")),
    *(("script", s) for s in ("simplified", "traditional")),
    *(("shape×template", f"{s}×{t}") for s in SHAPES for t in ("gb2019", "gb2021")),
    *(
        ("variant", v)
        for v in words(
            """page_portal page_mso charset_wrong charset_missing other_documents header_notes
            split_header_lines platform_volumes own_procurement amount_yuan_cell amount_header_万元
            amount_header_亿元 amount_header_none blank_zeros blank_rows blank_cells title_year_name
            title_name_year_du title_unqualified title_alias date_signature date_text_chinese number_fullwidth
            number_thousands number_plus number_spaces utf8_bom th_headers spacer_row wrap_labels no_title
            meta_title meta_pubdate nav_big written_生成日期 logo_h1 title_guanyu title_two_lines
            other_single_row label_slips rows_tab rows_space rows_padded"""
        )
    ),
    *(
        ("error", e)
        for e in words("appeal_total total_cell column_cell text_parts text_table carry in_force item_count")
    ),
]


def coverage(truths: list[ReportTruth]) -> Counter:
    seen: Counter = Counter()
    for truth in truths:
        seen.update(
            {
                ("shape", truth.shape),
                ("template", truth.template_version),
                ("encoding", truth.encoding),
                ("script", truth.script),
                *(("variant", v) for v in truth.variants),
                *(("error", e.kind) for e in truth.errors),
                ("shape×template", f"{truth.shape}×{truth.template_version}"),
            }
        )
    return seen


def test_the_corpus_covers_every_shape_encoding_script_and_template(corpus) -> None:
    truths = [truth for truth, _ in reports(corpus)]
    seen = coverage(truths)
    assert [w for w in COVERAGE if not seen[w]] == []
    assert len(truths) == REPORTS


def test_every_report_reads_back_cell_for_cell(corpus) -> None:
    problems = [
        describe(truth, *problem)
        for truth, report in reports(corpus)
        if not spoiled(truth) >= REJECTED
        for problem in mismatches(truth, report)
        if problem[0] not in spoiled(truth)
    ]
    assert problems == [], f"{len(problems)} mismatches, first ones:\n" + "\n".join(problems[:25])


def test_layouts_that_were_known_gaps_read_back(corpus) -> None:
    for present, helped_by in TRAPS:
        printed = [
            (truth, report)
            for truth, report in reports(corpus)
            if present <= set(truth.variants) and not helped_by & {*truth.variants, *sidecar_tag(truth)}
        ]
        assert printed, f"the corpus holds no report printed with {sorted(present)} alone"
        assert [describe(t, *p) for t, r in printed for p in mismatches(t, r)] == []


def sidecar_tag(truth: ReportTruth) -> set[str]:
    return {"sidecar"} if truth.sidecar else set()


def test_bad_files_are_rejected_with_their_error_code(corpus) -> None:
    bad = [(item.truth, outcome) for item, outcome in corpus if isinstance(item.truth, BadFile)]
    assert bad, "the corpus holds no bad file"
    assert [
        (truth.path, getattr(outcome, "error_code", "parsed"))
        for truth, outcome in bad
        if getattr(outcome, "error_code", None) != truth.error_code
    ] == []


# --- (b) determinism and consecutive years ----------------------------------------------------------


def test_generation_is_deterministic_per_seed(tmp_path: Path) -> None:
    first = [(i.truth.path, i.data, to_json(i.truth)) for i in iter_corpus(60, 11, SHARES, 0.05)]
    again = [(i.truth.path, i.data, to_json(i.truth)) for i in iter_corpus(60, 11, SHARES, 0.05)]
    other = [(i.truth.path, i.data, to_json(i.truth)) for i in iter_corpus(60, 12, SHARES, 0.05)]
    assert first == again
    assert first != other
    summary = generate(60, 11, tmp_path, SHARES, 0.05)
    lines = (tmp_path / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines == [json for _, _, json in first]
    assert [(tmp_path / path).read_bytes() for path, _, _ in first] == [data for _, data, _ in first]
    assert summary.reports == 60
    assert [to_json(from_json(line)) for line in lines] == lines


def chains(truths: list[ReportTruth]) -> dict[str, list[ReportTruth]]:
    """Each agency's reports, whatever name each of them prints (Agency.identity)."""
    found: dict[str, list[ReportTruth]] = defaultdict(list)
    for truth in truths:
        found[truth.agency.identity].append(truth)
    return found


def test_agencies_publish_in_consecutive_years_and_carry_their_figures(tmp_path: Path) -> None:
    generate(1500, 3, tmp_path, SHARES, 0.0)
    truths = [t for t in read_lines(tmp_path / "truth.jsonl") if isinstance(t, ReportTruth)]
    checked = Counter()
    for name, reports_of in chains(truths).items():
        years = [t.report_year for t in reports_of]
        assert years == list(range(years[0], years[0] + len(years))), name
        assert len({replace(t.agency, name="", title_name="") for t in reports_of}) == 1
        assert reports_of[-1].agency.name == name  # the canonical name is the latest report's
        for truth in reports_of:
            expected = (
                "pre2019"
                if truth.report_year <= 2018
                else "gb2019"
                if truth.report_year <= 2020
                else "gb2021"
            )
            assert truth.template_version == expected
        for prior, later in pairwise(reports_of):
            broken = later.expected_failures
            for person in PERSONS:
                forwarded = prior.applications.get(("carried_forward", person))
                taken = later.applications.get(("carried_over", person))
                if None not in (forwarded, taken) and ("carry_continuity", person) not in broken:
                    assert forwarded == taken, (name, later.report_year, person)
                    checked["carry"] += 1
            for (item, measure), value in later.disclosures.items():
                if measure == "in_force" and (item, "in_force") in prior.disclosures:
                    parts = (
                        prior.disclosures[(item, "in_force")],
                        later.disclosures[(item, "issued")],
                        later.disclosures[(item, "repealed")],
                        value,
                    )
                    if None not in parts and ("in_force_continuity", item) not in broken:
                        assert parts[0] + parts[1] - parts[2] == value, (name, later.report_year, item)
                        checked["in_force"] += 1
                if measure == "previous_count" and (item, "previous_count") in prior.disclosures:
                    parts = (
                        prior.disclosures[(item, "previous_count")],
                        prior.disclosures[(item, "change")],
                        value,
                    )
                    if None not in parts and ("item_count_continuity", item) not in broken:
                        assert parts[0] + parts[1] == value, (name, later.report_year, item)
                        checked["item_count"] += 1
    assert min(checked["carry"], checked["in_force"], checked["item_count"]) > 20, checked
    assert sum(len(c) > 3 for c in chains(truths).values()) > 50


# --- (c) the injected errors are the failing identities ---------------------------------------------


def holds(lhs, rhs) -> bool | None:
    """None where a blank makes the rule not assessable."""
    if lhs is None or rhs is None:
        return None
    return abs(Decimal(lhs) - Decimal(rhs)) <= Decimal("0.000001") * max(1, abs(Decimal(rhs)))


def add(values) -> Decimal | None:
    values = list(values)
    return None if any(v is None for v in values) else sum(values, Decimal(0))


def within_report_failures(report: ParsedReport) -> set[Failure]:
    """Contract §4's within-report rules on the parsed facts."""
    failed: set[Failure] = set()
    apps = by_key(report.applications, "outcome_code", "applicant_type", "table")
    if apps:
        rows = {o for o, _ in apps}
        for a in APPLICANTS:
            cell = lambda row, a=a: apps.get((row, a))  # noqa: E731
            if (
                holds(
                    add([cell("new_received"), cell("carried_over")]),
                    add([cell("total_processed"), cell("carried_forward")]),
                )
                is False
            ):
                failed.add(("app_balance", a))
            if holds(cell("total_processed"), add(cell(r) for r in rows - NOT_PARTS)) is False:
                failed.add(("app_outcomes_sum", a))
        for row in rows:
            if holds(apps.get((row, "total")), add(apps.get((row, p)) for p in PERSONS)) is False:
                failed.add(("app_columns_sum", row))
    appeals = by_key(report.appeals, "appeal_kind", "result_code", "table")
    for kind in {k for k, _ in appeals}:
        if holds(appeals.get((kind, "total")), add(appeals.get((kind, r)) for r in APPEAL_PARTS)) is False:
            failed.add(("appeal_sum", kind))
    channels = {f.channel: f.value for f in report.disclosures if f.item_code == "published_information"}
    parts = [v for c, v in channels.items() if c != "all"]
    if "all" in channels and parts and holds(channels["all"], add(parts)) is False:
        failed.add(("text_parts_sum", "published_information"))
    for facts, first, second in (
        (report.applications, "outcome_code", "applicant_type"),
        (report.appeals, "appeal_kind", "result_code"),
    ):
        tabled = by_key(facts, first, second, "table")
        for key, value in by_key(facts, first, second, "prose").items():
            if key in tabled and holds(value, tabled[key]) is False:
                failed.add(("text_table_agreement", ".".join(key)))
    return failed


def cross_year_failures(prior: ParsedReport, later: ParsedReport) -> set[Failure]:
    failed: set[Failure] = set()
    before = by_key(prior.applications, "outcome_code", "applicant_type", "table")
    after = by_key(later.applications, "outcome_code", "applicant_type", "table")
    for a in APPLICANTS:
        both = ("carried_forward", a) in before and ("carried_over", a) in after
        if both and holds(before[("carried_forward", a)], after[("carried_over", a)]) is False:
            failed.add(("carry_continuity", a))
    old = by_key(prior.disclosures, "item_code", "measure_code", "table")
    new = by_key(later.disclosures, "item_code", "measure_code", "table")
    for item, measure in new:
        if measure == "in_force" and (item, "in_force") in old:
            rhs = add([old[(item, "in_force")], new.get((item, "issued"))])
            rhs = (
                None if rhs is None or new.get((item, "repealed")) is None else rhs - new[(item, "repealed")]
            )
            if holds(new[(item, "in_force")], rhs) is False:
                failed.add(("in_force_continuity", item))
        if measure == "previous_count" and (item, "previous_count") in old:
            rhs = add([old[(item, "previous_count")], old.get((item, "change"))])
            if holds(new[(item, "previous_count")], rhs) is False:
                failed.add(("item_count_continuity", item))
    return failed


def test_the_failing_identities_are_the_injected_errors(corpus) -> None:
    parsed = {t.path: r for t, r in reports(corpus) if isinstance(r, ParsedReport)}
    # one agency whatever name each report prints: the parser's agency_key (contract §3)
    by_agency_year = {(r.agency_key, r.report_year): r for r in parsed.values()}
    wrong = []
    injected = 0
    for truth, report in reports(corpus):
        if not isinstance(report, ParsedReport):
            assert spoiled(truth) >= REJECTED, f"{truth.path} rejected: {report}"
            continue
        failed = within_report_failures(report)
        expected = truth.expected_failures
        prior = by_agency_year.get((report.agency_key, report.report_year - 1))
        if prior is not None:
            failed |= cross_year_failures(prior, report)
        else:  # the first year, or last year's file was rejected (a known gap): nothing to compare with
            expected = {(rule, scope) for rule, scope in expected if rule not in CROSS_YEAR_RULES}
        injected += bool(truth.errors)
        if failed != expected:
            wrong.append(f"{truth.path}: fails {sorted(failed)}, injected {sorted(expected)}")
    assert wrong == []
    assert injected > 50


@pytest.mark.e2e
def test_the_warehouse_fails_exactly_the_injected_identities(tmp_path: Path, dbt_manifest: Path) -> None:
    landing = tmp_path / "landing"
    # traps=0: no trap layout, so every consecutive-year pair is formed whatever KNOWN_GAPS holds;
    # seed 109: the 60 reports hold every error kind (asserted below) and the three bad-file kinds;
    # names=0.5: half the agencies print their name differently across years (cross-year pairs hold)
    shares = Shares(error=0.5, blank=0.25, variant=0.5, traps=0.0, names=0.5)
    generate(60, 109, landing, shares, bad_share=0.08)
    truths = list(read_lines(landing / "truth.jsonl"))
    kinds = {e.kind for t in truths if isinstance(t, ReportTruth) for e in t.errors}
    assert kinds >= {*words("appeal_total total_cell column_cell text_parts text_table carry"), "inherited"}
    assert kinds >= {"in_force", "item_count"}, kinds
    assert {t.error_code for t in truths if isinstance(t, BadFile)} == {"empty", "binary", "not_a_report"}
    warehouse = tmp_path / "w.duckdb"
    run_in_process(landing, warehouse, tmp_path / "published")
    prefix = str(landing) + "/"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        failed = {
            (path.removeprefix(prefix), rule, scope)
            for path, rule, scope in con.execute(
                """SELECT r.source_path, c.rule_code, c.scope FROM marts.fct_identity_checks c
                   JOIN marts.dim_report r USING (report_id) WHERE c.status = 'fail'"""
            ).fetchall()
        }
        loaded = {
            p.removeprefix(prefix)
            for (p,) in con.execute("SELECT source_path FROM marts.dim_report").fetchall()
        }
        rejected = {
            p.removeprefix(prefix): code
            for p, code in con.execute("SELECT source_path, error_code FROM audit.rejected_files").fetchall()
        }
        agencies = {
            name: (set(aliases), count)
            for name, aliases, count in con.execute(
                "SELECT agency_name, agency_aliases, report_count FROM marts.dim_agency"
            ).fetchall()
        }
    injected = {
        (t.path, rule, scope)
        for t in truths
        if isinstance(t, ReportTruth)
        for rule, scope in t.expected_failures
    }
    assert injected, "no error was injected"
    assert failed == injected
    assert loaded == {t.path for t in truths if isinstance(t, ReportTruth)}
    assert rejected == {t.path: t.error_code for t in truths if isinstance(t, BadFile)}
    # one dim_agency row per agency, named as its latest report, its other names its aliases
    of_agency = chains([t for t in truths if isinstance(t, ReportTruth)])
    assert set(agencies) == set(of_agency)
    varying = 0
    for name, reports_of in of_agency.items():
        aliases, count = agencies[name]
        assert count == len(reports_of)
        assert {t.agency.name for t in reports_of} - {name} <= aliases, name
        varying += len({t.agency.name for t in reports_of}) > 1
    assert varying >= 2
