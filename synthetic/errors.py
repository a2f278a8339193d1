"""Publisher errors: one wrong figure per report, of a kind whose broken identities are known.

Each kind says in advance which ``(rule_code, scope)`` pairs of contract §4 it breaks:

- ``appeal_total``: an appeal kind's 总计 off → appeal_sum[kind];
- ``total_cell``: a 总计 cell of the applications table off → app_columns_sum[row], and
  app_balance[total] (rows 一/二/(七)/四) or app_outcomes_sum[total] (the outcome rows);
- ``column_cell``: one applicant's figure in an outcome row off → app_columns_sum[row] and
  app_outcomes_sum[applicant];
- ``text_parts``: the prose total of published items ≠ its channels → text_parts_sum;
- ``text_table``: the prose 收到申请N件 ≠ the table → text_table_agreement[new_received.total];
- ``carry``: carried_over ≠ last year's carried_forward in one column (new_received shifted so
  the year still balances) → carry_continuity[column] and [total];
- ``in_force`` / ``item_count``: in_force (gb2021) or previous_count (gb2019) not following from
  last year → in_force_continuity[item] / item_count_continuity[item].

An error is placed only where those identities can be assessed and nothing else breaks,
which :mod:`synthetic.identities` confirms; otherwise another kind is tried. A wrong 总计
of 四、结转下年度继续办理 breaks the next year's carry_continuity[total] too (the next year
carries the columns): that is recorded on the later report as ``inherited``.
"""

from __future__ import annotations

import random

from synthetic import identities
from synthetic.template import (
    APPEAL_KINDS,
    APPEAL_PARTS,
    BALANCE_ROWS,
    PERSON_COLUMNS,
    table_outcomes,
    table_parts,
)
from synthetic.truth import Figures, PublisherError, ReportTruth


def delta(rng: random.Random, value: int) -> int:
    """A wrong figure's distance from the right one; never makes a count negative."""
    d = rng.choice((1, 1, 2, 3, 5, 10))
    return -d if value >= d and rng.random() < 0.4 else d


def error_appeal_total(rng: random.Random, truth: ReportTruth, full: Figures) -> PublisherError | None:
    kinds = [
        k
        for k in APPEAL_KINDS
        if all(truth.appeals.get((k, r)) is not None for r in (*APPEAL_PARTS, "total"))
    ]
    if not kinds:
        return None
    kind = rng.choice(kinds)
    d = delta(rng, truth.appeals[(kind, "total")])  # type: ignore[arg-type]
    truth.appeals[(kind, "total")] += d  # type: ignore[operator]
    full["appeals"][(kind, "total")] += d
    return PublisherError("appeal_total", f"{kind} 总计 off by {d:+d}", (("appeal_sum", kind),))


def error_total_cell(rng: random.Random, truth: ReportTruth, full: Figures) -> PublisherError | None:
    """A wrong 总计 cell: its row's column sum fails, and the total column's balance or outcome sum."""
    if not truth.applications:
        return None
    rows = [r for r in table_outcomes(truth) if truth.applications.get((r, "total")) is not None]
    if not rows:
        return None
    row = rng.choice(rows)
    d = delta(rng, full["applications"][(row, "total")])
    truth.applications[(row, "total")] += d  # type: ignore[operator]
    full["applications"][(row, "total")] += d
    breaks = [("app_columns_sum", row)]
    if row in BALANCE_ROWS:
        breaks.append(("app_balance", "total"))
    if row in table_parts(truth) or row == "total_processed":
        breaks.append(("app_outcomes_sum", "total"))
    return PublisherError("total_cell", f"{row} 总计 off by {d:+d}", tuple(breaks))


def error_column_cell(rng: random.Random, truth: ReportTruth, full: Figures) -> PublisherError | None:
    """One applicant's figure in an outcome row miscounted: that row's sum and that column's outcomes fail."""
    if not truth.applications:
        return None
    printed = [
        (r, c)
        for r in table_parts(truth)
        for c in PERSON_COLUMNS
        if truth.applications.get((r, c)) is not None
    ]
    if not printed:
        return None
    row, column = rng.choice(printed)
    d = delta(rng, full["applications"][(row, column)])
    truth.applications[(row, column)] += d  # type: ignore[operator]
    full["applications"][(row, column)] += d
    breaks = (("app_columns_sum", row), ("app_outcomes_sum", column))
    return PublisherError("column_cell", f"{row}.{column} off by {d:+d}", breaks)


def error_text_parts(rng: random.Random, truth: ReportTruth, full: Figures) -> PublisherError | None:
    if "all" not in truth.published_information or len(truth.published_information) < 2:
        return None
    d = delta(rng, truth.published_information["all"])
    truth.published_information["all"] += d
    return PublisherError(
        "text_parts", f"published total off by {d:+d}", (("text_parts_sum", "published_information"),)
    )


def error_text_table(rng: random.Random, truth: ReportTruth, full: Figures) -> PublisherError | None:
    key = ("new_received", "total")
    if key not in truth.prose_applications or truth.applications.get(key) is None:
        return None
    d = delta(rng, truth.prose_applications[key])  # type: ignore[arg-type]
    truth.prose_applications[key] += d  # type: ignore[operator]
    return PublisherError(
        "text_table", f"prose 收到申请 off by {d:+d}", (("text_table_agreement", "new_received.total"),)
    )


def error_carry(
    rng: random.Random, truth: ReportTruth, full: Figures, prior: ReportTruth | None
) -> PublisherError | None:
    """carried_over ≠ last year's carried_forward in one column (new_received shifted: the year balances)."""
    if prior is None or not prior.applications or not truth.applications:
        return None
    cells = full["applications"]
    columns = [c for c in PERSON_COLUMNS if cells[("new_received", c)] > 0]
    if not columns:
        return None
    column = rng.choice(columns)
    d = rng.randint(1, min(3, cells[("new_received", column)]))
    for col in (column, "total"):
        cells[("carried_over", col)] += d
        cells[("new_received", col)] -= d
        for row in ("carried_over", "new_received"):
            if truth.applications[(row, col)] is not None:
                truth.applications[(row, col)] = cells[(row, col)]
    breaks = (("carry_continuity", column), ("carry_continuity", "total"))
    return PublisherError("carry", f"carried_over.{column} {d:+d} from last year's carried_forward", breaks)


def error_continuity(
    rng: random.Random, truth: ReportTruth, full: Figures, prior: ReportTruth | None, measure: str, rule: str
) -> PublisherError | None:
    """in_force (gb2021) or previous_count (gb2019) not following from last year's figures."""
    if prior is None:
        return None
    items = sorted(i for i, m in truth.disclosures if m == measure and (i, measure) in prior.disclosures)
    if not items:
        return None
    item = rng.choice(items)
    d = delta(rng, full["article20"][(item, measure)])
    full["article20"][(item, measure)] += d
    if truth.disclosures[(item, measure)] is not None:
        truth.disclosures[(item, measure)] = full["article20"][(item, measure)]
    kind = rule.removesuffix("_continuity")
    return PublisherError(kind, f"{item}.{measure} off by {d:+d}", ((rule, item),))


def inject_error(
    rng: random.Random,
    truth: ReportTruth,
    full: Figures,
    prior: ReportTruth | None,
    baseline: set[tuple[str, str]],
) -> PublisherError | None:
    """One wrong figure whose broken identities are known; tried kinds in random order until one fits.

    A kind fits when the identities it breaks can be assessed (no blank in the way) and
    breaking them breaks nothing else (``baseline``: what already fails, inherited from
    last year); a kind that does not fit leaves the report as it was.
    """
    kinds = {
        "appeal_total": lambda: error_appeal_total(rng, truth, full),
        "total_cell": lambda: error_total_cell(rng, truth, full),
        "column_cell": lambda: error_column_cell(rng, truth, full),
        "text_parts": lambda: error_text_parts(rng, truth, full),
        "text_table": lambda: error_text_table(rng, truth, full),
        "carry": lambda: error_carry(rng, truth, full, prior),
        "in_force": lambda: error_continuity(rng, truth, full, prior, "in_force", "in_force_continuity"),
        "item_count": lambda: error_continuity(
            rng, truth, full, prior, "previous_count", "item_count_continuity"
        ),
    }
    order = list(kinds)
    rng.shuffle(order)
    for kind in order:
        saved = snapshot(truth, full)
        error = kinds[kind]()
        if (
            error is not None
            and not baseline & set(error.breaks)
            and report_failures(truth, prior) == baseline | set(error.breaks)
        ):
            return error
        restore(truth, full, saved)
    return None


def snapshot(truth: ReportTruth, full: Figures) -> tuple:
    """What an error kind may change, to put back when the kind does not fit."""
    return (
        dict(truth.disclosures),
        dict(truth.applications),
        dict(truth.appeals),
        dict(truth.published_information),
        dict(truth.prose_applications),
        {k: dict(v) for k, v in full.items()},
    )


def restore(truth: ReportTruth, full: Figures, saved: tuple) -> None:
    """The report as :func:`snapshot` saw it."""
    truth.disclosures, truth.applications, truth.appeals = saved[0], saved[1], saved[2]
    truth.published_information, truth.prose_applications = saved[3], saved[4]
    full.clear()
    full.update(saved[5])


def report_failures(truth: ReportTruth, prior: ReportTruth | None) -> set[tuple[str, str]]:
    """Every identity the report fails, within it and against last year's report."""
    failed = identities.failures(identities.within_report(truth))
    if prior is not None:
        failed |= identities.failures(identities.across_years(prior, truth))
    return failed


def inherited_failures(truth: ReportTruth, prior: ReportTruth | None) -> PublisherError | None:
    """Cross-year failures caused by last year's wrong figures (carried as printed in columns)."""
    if prior is None:
        return None
    failed = identities.failures(identities.across_years(prior, truth))
    if not failed:
        return None
    return PublisherError(
        "inherited", f"last year's ({prior.report_year}) printed figures do not carry", tuple(sorted(failed))
    )


def check(truth: ReportTruth, prior: ReportTruth | None) -> None:
    """The report fails exactly the identities its recorded errors break (a generator self-check)."""
    failed = report_failures(truth, prior)
    if failed != truth.expected_failures:
        raise AssertionError(
            f"{truth.agency.name} {truth.report_year}: fails {sorted(failed)}, "
            f"recorded {sorted(truth.expected_failures)}"
        )
