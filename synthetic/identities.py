"""The accounting identities of contract §4, evaluated on a truth's printed cells (pure Python).

The generator uses this to check its own work: a clean report passes every identity it
can assess, and a report with an injected publisher error fails exactly the
``(rule_code, scope)`` pairs the error was meant to break. It mirrors the warehouse's
semantics: a blank (``None``) on either side makes a rule ``not_assessable``; only
table cells count for the table rules; cross-year rules are judged on the later report.
"""

from __future__ import annotations

from decimal import Decimal

from synthetic.template import (
    APPEAL_KINDS,
    APPEAL_PARTS,
    APPLICANTS,
    BALANCE_ROWS,
    PERSON_COLUMNS,
    SINGLE_OTHER,
    outcomes,
    part_outcomes,
)
from synthetic.truth import Cells, Number, ReportTruth

Status = str  # 'pass' | 'fail' | 'not_assessable'
Checks = dict[tuple[str, str], Status]


def status(lhs: Number | None, rhs: Number | None) -> Status:
    if lhs is None or rhs is None:
        return "not_assessable"
    return "pass" if abs(Decimal(lhs) - Decimal(rhs)) <= Decimal("0.000001") * max(1, abs(rhs)) else "fail"


def total(values: list[Number | None]) -> Number | None:
    """The sum, or None where any part is blank."""
    if any(v is None for v in values):
        return None
    return sum(values)  # type: ignore[arg-type]


def application_checks(template: str, cells: Cells, single_other: bool = False) -> Checks:
    """``single_other``: a gb2021 table printing (六)其他处理 as one row (``other_processing``)."""
    checks: Checks = {}
    if not cells:
        return checks
    for applicant in APPLICANTS:
        n, c, t, f = (cells.get((row, applicant)) for row in BALANCE_ROWS)
        checks[("app_balance", applicant)] = status(total([n, c]), total([t, f]))
        parts = [cells.get((row, applicant)) for row in part_outcomes(template, single_other)]
        checks[("app_outcomes_sum", applicant)] = status(t, total(parts))
    for row in outcomes(template, single_other):
        persons = [cells.get((row, applicant)) for applicant in PERSON_COLUMNS]
        checks[("app_columns_sum", row)] = status(cells.get((row, "total")), total(persons))
    return checks


def appeal_checks(cells: Cells) -> Checks:
    checks: Checks = {}
    for kind in APPEAL_KINDS:
        if (kind, "total") in cells:
            parts = [cells.get((kind, result)) for result in APPEAL_PARTS]
            checks[("appeal_sum", kind)] = status(cells[(kind, "total")], total(parts))
    return checks


def text_checks(truth: ReportTruth) -> Checks:
    checks: Checks = {}
    channels = truth.published_information
    parts = [v for channel, v in channels.items() if channel != "all"]
    if "all" in channels and parts:
        checks[("text_parts_sum", "published_information")] = status(channels["all"], sum(parts))
    for table, prose in (
        (truth.applications, truth.prose_applications),
        (truth.appeals, truth.prose_appeals),
    ):
        for key, value in prose.items():
            if key in table:
                checks[("text_table_agreement", ".".join(key))] = status(value, table[key])
    return checks


def within_report(truth: ReportTruth) -> Checks:
    """Every within-report rule (app_*, appeal_sum, text_*) with its status."""
    return {
        **application_checks(truth.template_version, truth.applications, SINGLE_OTHER in truth.variants),
        **appeal_checks(truth.appeals),
        **text_checks(truth),
    }


def across_years(prior: ReportTruth, later: ReportTruth) -> Checks:
    """The cross-year rules of ``later`` against the same agency's report of the year before."""
    checks: Checks = {}
    if prior.applications and later.applications:
        for applicant in APPLICANTS:
            forwarded = prior.applications.get(("carried_forward", applicant))
            taken = later.applications.get(("carried_over", applicant))
            checks[("carry_continuity", applicant)] = status(forwarded, taken)
    for item in {i for i, m in later.disclosures if m == "in_force"}:
        if (item, "in_force") in prior.disclosures:
            issued = later.disclosures.get((item, "issued"))
            repealed = later.disclosures.get((item, "repealed"))
            before = prior.disclosures[(item, "in_force")]
            rhs = None if None in (before, issued, repealed) else before + issued - repealed  # type: ignore[operator]
            checks[("in_force_continuity", item)] = status(later.disclosures[(item, "in_force")], rhs)
    for item in {i for i, m in later.disclosures if m == "previous_count"}:
        if (item, "previous_count") in prior.disclosures:
            before = prior.disclosures[(item, "previous_count")]
            change = prior.disclosures.get((item, "change"))
            rhs = None if None in (before, change) else before + change  # type: ignore[operator]
            checks[("item_count_continuity", item)] = status(later.disclosures[(item, "previous_count")], rhs)
    return checks


def failures(checks: Checks) -> set[tuple[str, str]]:
    return {key for key, value in checks.items() if value == "fail"}
