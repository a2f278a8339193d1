"""Realistic figures for an agency's consecutive reports, consistent with every identity of contract §4.

For each year the generator draws the figures a publisher would print, in this order:

1. clean figures: requests split by applicant and outcome so that the applications table
   balances (app_balance, app_outcomes_sum, app_columns_sum), appeals whose totals add
   up (appeal_sum), Article 20 figures, prose channels whose parts sum to their total
   (text_parts_sum);
2. carried over from the year before, *as that year printed them*: carried_over(N+1) =
   carried_forward(N) for every applicant column (carry_continuity), in_force(N+1) =
   in_force(N) + issued − repealed (gb2021), previous_count(N+1) = previous_count(N) +
   change(N) (gb2019). A cell printed blank still had a value: the next year carries it;
3. blank cells (a share of reports): zeros left blank (seed 002), whole rows or an appeal
   block left blank, or scattered cells (:mod:`synthetic.blanks`). A blank is ``None``;
4. a publisher error (a share of reports): exactly one wrong figure, of a kind whose
   broken identities are known in advance (:mod:`synthetic.errors`), placed only where
   those identities can be assessed; :mod:`synthetic.identities` confirms the report then
   fails exactly those (rule_code, scope) pairs, and nothing else.

Local variants (a share of agencies, ``Shares.variant``): the extra row 其他主动公开文件
(``other_documents``), and for trading centres clause (九) holding the platform's trading
volumes (建设工程交易 …, seed 000) instead of the centre's own 政府集中采购; explanations
inside header cells (seed 004) are drawn per report by :mod:`synthetic.style`; a gb2021
applications table printing (六)其他处理 as one row (``other_single_row``: its truth is
``other_processing``, the sum of the three sub-rows it stands for), and row labels printed with a
slip, a character dropped or swapped, a stray space, the numbering left off (``label_slips``,
:mod:`synthetic.labels`).

A wrong 总计 of 四、结转下年度继续办理 also breaks the next year's carry_continuity
(the next year carries its columns, not the wrong total): that failure is recorded on
the later report as an ``inherited`` error, with the year it comes from.

Clause (九) cells and transaction amounts are never blank: a blank amount has no
``amount_text`` to compare, and real reports that leave (九) empty omit the table.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from synthetic import errors
from synthetic.blanks import blank_cells
from synthetic.labels import SLIPS
from synthetic.template import (
    APPEAL_KINDS,
    APPEAL_PARTS,
    ARTICLE20,
    LOCAL_ITEM,
    OTHER,
    PERSON_COLUMNS,
    SINGLE_OTHER,
    outcomes,
    part_outcomes,
    template_for_year,
)
from synthetic.truth import Agency, Cells, Figures, ReportTruth, Transaction

FIRST_YEAR, LAST_YEAR = 2016, 2025


@dataclass(frozen=True)
class Shares:
    """How often the irregular things happen (each a share of reports, or of agencies for habits)."""

    error: float = 0.05  # reports with one publisher error
    blank: float = 0.10  # reports with blank cells
    variant: float = 0.25  # agencies with local variants (其他主动公开文件, (九) trading volumes, notes)
    traps: float = 0.05  # agencies whose pages use layouts known to trip the parser (synthetic.style)
    names: float = 0.15  # agencies printing their name differently across years (synthetic.agencies)


# Mean new requests a year, by agency type and level.
REQUEST_SCALE = {
    "trading_center": {"province": 6, "prefecture": 3, "county": 1.5},
    "supervision_bureau": {"province": 5, "prefecture": 3, "county": 2},
    "government_services": {"province": 30, "prefecture": 12, "county": 6},
    "department": {"province": 80, "prefecture": 25, "county": 8},
    "government": {"province": 700, "prefecture": 150, "county": 40},
}
APPLICANT_WEIGHTS = (0.72, 0.14, 0.02, 0.02, 0.04, 0.06)
OUTCOME_WEIGHTS = {
    "granted": 0.45,
    "partially_granted": 0.08,
    "denied_state_secret": 0.004,
    "denied_law_prohibited": 0.01,
    "denied_security_stability": 0.004,
    "denied_third_party": 0.02,
    "denied_internal_affairs": 0.01,
    "denied_process_info": 0.015,
    "denied_enforcement_file": 0.006,
    "denied_admin_inquiry": 0.012,
    "unable_not_held": 0.2,
    "unable_needs_creation": 0.03,
    "unable_unclear": 0.03,
    "not_processed_petition": 0.04,
    "not_processed_duplicate": 0.02,
    "not_processed_publication": 0.005,
    "not_processed_excessive": 0.005,
    "not_processed_confirmation": 0.01,
    "other_processing": 0.045,
    "other_overdue_correction": 0.025,
    "other_overdue_fee": 0.004,
    "other_other": 0.02,
}
CHANNEL_SETS = (
    (("all",), 18),
    (("all", "website", "wechat"), 20),
    (("all", "gov_portal", "wechat"), 14),
    (("all", "website", "wechat_weibo"), 8),
    (("all", "website", "gov_portal", "wechat"), 8),
    (("gov_portal", "wechat_weibo"), 8),
    (("website",), 6),
    ((), 18),
)
PLATFORM_CATEGORIES = ("construction", "government_procurement", "natural_resources", "state_property")
AMOUNT_STYLES = ("wan_header", "yuan_cell", "yi_header", "yi_cell", "no_unit")


# --- random helpers ------------------------------------------------------------------------------


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def split(rng: random.Random, n: int, weights: tuple[float, ...] | list[float]) -> list[int]:
    """``n`` items spread over len(weights) bins (multinomial)."""
    counts = [0] * len(weights)
    if n <= 0:
        return counts
    if n <= 400:
        for i in rng.choices(range(len(weights)), weights=weights, k=n):
            counts[i] += 1
        return counts
    scale = sum(weights)
    for i, w in enumerate(weights[:-1]):
        counts[i] = min(n - sum(counts), max(0, round(rng.gauss(n * w / scale, math.sqrt(n * w / scale)))))
    counts[-1] = n - sum(counts)
    return counts


def skewed(rng: random.Random, low: int, high: int) -> int:
    """An integer in [low, high], small values likelier (log-uniform)."""
    if high <= low:
        return low
    return min(high, int(math.exp(rng.uniform(math.log(low + 1), math.log(high + 2)))) - 1)


# --- an agency's habits and what one year hands to the next --------------------------------------


@dataclass(frozen=True)
class Profile:
    """An agency's habits: stable from one year to the next, as a real publisher's are."""

    requests: float
    other_documents: bool
    platform_volumes: bool  # (九) holds the platform's trading volumes (trading centres)
    procurement_table: bool  # (九) printed at all
    amount_style: str
    channels: tuple[str, ...]
    states_requests: bool  # the prose repeats 收到申请N件
    states_trading: bool  # the prose gives the year's trading volume
    zero_blank: bool  # leaves zeros blank when it leaves cells blank
    single_other: bool = False  # gb2021: prints (六)其他处理 as one row, as gb2019 did
    label_slips: bool = False  # prints a few row labels with a slip (synthetic.labels)


@dataclass
class State:
    """What year N hands to year N+1: the figures as printed (blanks with their hidden value)."""

    prior: ReportTruth | None = None
    carried_forward: dict[str, int] = field(default_factory=dict)
    in_force: dict[str, int] = field(default_factory=dict)
    previous_count: dict[str, int] = field(default_factory=dict)
    change: dict[str, int] = field(default_factory=dict)
    total_published: dict[str, int] = field(default_factory=dict)
    channel_total: int = 0


def draw_profile(rng: random.Random, agency: Agency, shares: Shares) -> Profile:
    """An agency's habits; ``shares.variant`` of agencies print local variants of the template."""
    trading = agency.agency_type == "trading_center"
    local = rng.random() < shares.variant
    extra_row, platform = rng.random() < 0.6, rng.random() < 0.9
    sets, weights = zip(*CHANNEL_SETS, strict=True)
    return Profile(
        requests=REQUEST_SCALE[agency.agency_type][agency.admin_level] * rng.uniform(0.5, 1.8),
        other_documents=local and extra_row,
        platform_volumes=trading and local and platform,
        procurement_table=rng.random() < 0.85,
        amount_style=rng.choice(AMOUNT_STYLES),
        channels=rng.choices(sets, weights=weights)[0],
        states_requests=rng.random() < 0.5,
        states_trading=trading and rng.random() < 0.6,
        zero_blank=rng.random() < 0.5,
        **local_labels(agency, local),
    )


def report_span(rng: random.Random) -> range:
    """Consecutive report years of one agency: most publish to the latest year, few go back far."""
    first = rng.choices(range(FIRST_YEAR, LAST_YEAR + 1), weights=[12, 5, 5, 10, 6, 5, 4, 3, 3, 2])[0]
    last = LAST_YEAR if rng.random() < 0.8 else rng.randint(first, LAST_YEAR)
    return range(first, last + 1)


def published_date(rng: random.Random, year: int) -> dt.date:
    """Mostly before the 31 January deadline; some late; a few reprints years later (seed 003)."""
    roll = rng.random()
    if roll < 0.03 and year < LAST_YEAR - 1:
        return dt.date(rng.randint(year + 2, LAST_YEAR + 1), rng.randint(1, 12), rng.randint(1, 28))
    if roll < 0.2:
        return dt.date(year + 1, rng.choice((2, 3)), rng.randint(1, 28))
    return dt.date(year + 1, 1, rng.randint(5, 31))


# --- applications and appeals ------------------------------------------------------------------


def local_labels(agency: Agency, local: bool) -> dict[str, bool]:
    """An agency's local label habits ((六) as one row, slips), for a share of the agencies with local
    variants, drawn from a stream of the agency's own so the corpus's other draws stay as they were."""
    own = random.Random(f"local_labels:{agency.region_code}:{agency.name}")
    single, slips = own.random() < 0.4, own.random() < 0.4
    return {"single_other": local and single, "label_slips": local and slips}


def applications(
    rng: random.Random, template: str, profile: Profile, state: State
) -> dict[tuple[str, str], int]:
    """A balanced table: per column new + carried = processed + forwarded; totals are sums."""
    cells: dict[tuple[str, str], int] = {}
    new = split(rng, poisson(rng, profile.requests), APPLICANT_WEIGHTS)
    parts = part_outcomes(template)
    weights = [OUTCOME_WEIGHTS[o] for o in parts]
    for k, column in enumerate(PERSON_COLUMNS):
        carried = state.carried_forward.get(column)
        if carried is None:
            carried = poisson(rng, new[k] * 0.05)
        available = new[k] + carried
        forward = (
            sum(1 for _ in range(available) if rng.random() < 0.06)
            if available < 500
            else round(available * rng.uniform(0.02, 0.08))
        )
        processed = available - forward
        cells[("new_received", column)] = new[k]
        cells[("carried_over", column)] = carried
        cells[("total_processed", column)] = processed
        cells[("carried_forward", column)] = forward
        for outcome, n in zip(parts, split(rng, processed, weights), strict=True):
            cells[(outcome, column)] = n
    single = template == "gb2021" and profile.single_other
    if single:  # (六) as one row: the sum of the sub-rows it stands for (the same draws as theirs)
        for column in PERSON_COLUMNS:
            cells[("other_processing", column)] = sum(cells.pop((o, column)) for o in OTHER["gb2021"])
    for outcome in outcomes(template, single):
        cells[(outcome, "total")] = sum(cells[(outcome, c)] for c in PERSON_COLUMNS)
    return cells


def appeals(rng: random.Random, requests: int) -> dict[tuple[str, str], int]:
    cells: dict[tuple[str, str], int] = {}
    for kind, share in zip(APPEAL_KINDS, (0.04, 0.015, 0.008), strict=True):
        n = poisson(rng, requests * share)
        parts = split(rng, n, (0.6, 0.15, 0.1, 0.15))
        for result, value in zip(APPEAL_PARTS, parts, strict=True):
            cells[(kind, result)] = value
        cells[(kind, "total")] = n
    return cells


# --- Article 20 ----------------------------------------------------------------------------------


def document_scale(agency: Agency) -> tuple[float, float]:
    """Mean regulations and normative documents issued a year."""
    level = {"province": 0, "prefecture": 1, "county": 2}[agency.admin_level]
    if agency.agency_type == "government":
        return ((6, 2, 0)[level], (25, 10, 5)[level])
    if agency.agency_type == "department":
        return (0, (4, 2, 1)[level])
    return (0, (1.5, 0.6, 0.3)[level])


def item_base(rng: random.Random, agency: Agency, item: str) -> int:
    """A first previous_count (事项数) for an item with no history."""
    kind = agency.agency_type
    ranges = {
        "administrative_licensing": {"government_services": (50, 1500), "department": (3, 80)},
        "other_services": {
            "government_services": (50, 800),
            "department": (5, 120),
            "trading_center": (3, 30),
        },
        "administrative_penalty": {"department": (20, 700), "supervision_bureau": (5, 60)},
        "administrative_enforcement": {"department": (2, 60)},
        "administrative_fees": {"department": (0, 12)},
    }[item]
    low, high = ranges.get(kind, (0, 3))
    return skewed(rng, low, high)


def article20(rng: random.Random, agency: Agency, template: str, profile: Profile, state: State) -> Cells:
    cells: Cells = {}
    regulations, normative = document_scale(agency)
    for clause, items, measures in ARTICLE20[template]:
        if clause == "一" and profile.other_documents:
            items = (*items, LOCAL_ITEM)
        for item in items:
            mean = {"regulations": regulations, "normative_documents": normative}.get(item, 40)
            if template == "gb2019":
                gb2019_item(rng, agency, item, measures, mean, state, cells)
            else:
                gb2021_item(rng, agency, item, measures, mean, state, cells)
    return cells


def gb2019_item(
    rng: random.Random,
    agency: Agency,
    item: str,
    measures: tuple[str, ...],
    mean: float,
    state: State,
    cells: Cells,
) -> None:
    if "new_made" in measures:
        made = poisson(rng, mean)
        published = made if rng.random() < 0.8 else rng.randint(0, made)
        before = state.total_published.get(item, skewed(rng, 0, int(mean * 8) + 1))
        cells.update({(item, "new_made"): made, (item, "new_published"): published})
        cells[(item, "total_published")] = before + published
        return
    previous = state.previous_count.get(item)
    if previous is None:
        previous = item_base(rng, agency, item)
    else:
        previous += state.change.get(item, 0)
    roll = rng.random()
    change = 0 if roll < 0.6 or (previous == 0 and roll < 0.9) else rng.randint(-min(previous, 8), 10)
    cells[(item, "previous_count")] = previous
    cells[(item, "change")] = change
    if "decisions" in measures:
        cells[(item, "decisions")] = 0 if previous + change == 0 else skewed(rng, 0, (previous + change) * 40)


def gb2021_item(
    rng: random.Random,
    agency: Agency,
    item: str,
    measures: tuple[str, ...],
    mean: float,
    state: State,
    cells: Cells,
) -> None:
    if "issued" in measures:
        issued = poisson(rng, mean)
        before = state.in_force.get(item)
        if before is None:
            before = skewed(rng, 0, int(mean * 10) + 2) if mean else 0
        repealed = min(before + issued, poisson(rng, mean * 0.4))
        cells[(item, "issued")] = issued
        cells[(item, "repealed")] = repealed
        cells[(item, "in_force")] = before + issued - repealed
    elif "decisions" in measures:
        base = item_base(rng, agency, item)
        cells[(item, "decisions")] = 0 if base == 0 else skewed(rng, 0, base * 40)
    elif "fee_amount_wan" in measures:
        charges = agency.agency_type == "department" and rng.random() < 0.4
        cells[(item, "fee_amount_wan")] = Decimal(skewed(rng, 1, 50_000)) / 100 if charges else 0


# --- (九) and trading volumes ----------------------------------------------------------------------


def amount(rng: random.Random, wan: Decimal, style: str) -> tuple[Decimal, str, str | None]:
    """(amount in 万元 exactly as printed, the cell text, the unit the column header names)."""
    if style == "yuan_cell":
        yuan = (wan * 10000).quantize(Decimal("0.01"))
        text = f"{yuan:,.2f}元" if rng.random() < 0.3 else f"{yuan}元"
        return yuan / 10000, text, None
    if style in ("yi_header", "yi_cell"):
        yi = (wan / 10000).quantize(Decimal("0.01"))
        if yi == 0:
            yi = Decimal("0.01")
        return (
            yi * 10000,
            f"{yi}亿元" if style == "yi_cell" else str(yi),
            "亿元" if style == "yi_header" else None,
        )
    wan = wan.quantize(Decimal("0.01"))
    return wan, str(wan), "万元" if style == "wan_header" else None


def procurement(
    rng: random.Random, agency: Agency, profile: Profile
) -> tuple[list[Transaction], str | None, str]:
    """Clause (九) rows, the unit its amount column names (if any) and how amounts are printed."""
    level = {"province": 4.0, "prefecture": 1.0, "county": 0.25}[agency.admin_level]
    rows: list[Transaction] = []
    header: str | None = None
    if profile.platform_volumes:
        categories = list(PLATFORM_CATEGORIES) + (["other"] if rng.random() < 0.2 else [])
        for category in categories:
            count = skewed(rng, 1, int(1500 * level) + 2)
            wan = Decimal(count) * Decimal(rng.uniform(20, 2000)).quantize(Decimal("0.01"))
            value, text, header = amount(rng, wan, profile.amount_style)
            rows.append(Transaction("platform", category, count, value, text, "table"))
        return rows, header, profile.amount_style
    count = skewed(rng, 1, 60)
    wan = Decimal(count) * Decimal(rng.uniform(0.5, 80)).quantize(Decimal("0.01"))
    style = profile.amount_style if not profile.amount_style.startswith("yi") else "yuan_cell"
    value, text, header = amount(rng, wan, style)
    rows.append(Transaction("own_procurement", "centralized_procurement", count, value, text, "table"))
    return rows, header, style


def trading_prose(rng: random.Random, agency: Agency) -> Transaction:
    """全年完成公共资源交易项目N个，交易金额X亿元 → platform/all (prose)."""
    level = {"province": 4.0, "prefecture": 1.0, "county": 0.25}[agency.admin_level]
    count = skewed(rng, 20, int(5000 * level) + 30)
    yi = (Decimal(count) * Decimal(rng.uniform(0.02, 0.2))).quantize(Decimal("0.01"))
    return Transaction("platform", "all", count, yi * 10000, f"{yi}亿元", "prose")


def channels(rng: random.Random, profile: Profile, state: State) -> dict[str, int]:
    wanted = profile.channels
    if not wanted:
        return {}
    base = state.channel_total or skewed(rng, 40, 6000)
    base = max(5, round(base * rng.uniform(0.8, 1.25)))
    state.channel_total = base
    parts = [c for c in wanted if c != "all"]
    found = dict(zip(parts, split(rng, base, [1.0] * len(parts)), strict=True)) if parts else {}
    found = {c: max(v, 1) for c, v in found.items()}
    if "all" in wanted:
        found = {"all": sum(found.values()) if parts else base, **found}
    return found


# --- one year ------------------------------------------------------------------------------------


# What a pre2019 report's prose tells of its requests' outcomes, and how often each is told.
PROSE_OUTCOMES = (
    ("granted", 1.0),
    ("partially_granted", 0.5),
    ("denied_state_secret", 0.2),
    ("denied_third_party", 0.2),
    ("denied_process_info", 0.15),
    ("unable_not_held", 0.5),
    ("unable_needs_creation", 0.15),
    ("not_processed_duplicate", 0.15),
    ("not_processed_petition", 0.15),
)


def prose_outcomes(truth: ReportTruth) -> Cells:
    """The outcomes a pre2019 report tells of its requests (同意公开7件、部分公开2件…), for 60 % of
    those with requests: the received ones shared among a few outcomes. From a stream of the
    report's own, so the corpus's other draws stay as they were."""
    received = truth.prose_applications.get(("new_received", "total")) or 0
    own = random.Random(f"prose_outcomes:{truth.agency.region_code}:{truth.agency.name}:{truth.report_year}")
    if not received or own.random() >= 0.6:
        return {}
    told = [code for code, share in PROSE_OUTCOMES if own.random() < share]
    counts = dict.fromkeys(told, 0)
    for _ in range(int(received)):
        counts[own.choice(told)] += 1
    return {(code, "total"): n for code, n in counts.items() if n}


def prose_summary(truth: ReportTruth, full: Figures) -> Cells:
    """办结M件，结转下年度K件 beside 收到申请N件, for half the reports that state their requests:
    the table's own figures (text_table_agreement). From a stream of the report's own."""
    own = random.Random(f"prose_summary:{truth.agency.region_code}:{truth.agency.name}:{truth.report_year}")
    if own.random() >= 0.5:
        return {}
    cells = {
        key: full["applications"].get(key)
        for key in (("total_processed", "total"), ("carried_forward", "total"))
    }
    return {key: value for key, value in cells.items() if value is not None}


def prose_facts(
    rng: random.Random, truth: ReportTruth, profile: Profile, full: Figures, state: State
) -> None:
    """What the prose states: published items by channel, requests, no appeals, trading volume."""
    truth.published_information = channels(rng, profile, state)
    requests = full["applications"].get(("new_received", "total"))
    if truth.template_version == "pre2019":
        truth.prose_applications[("new_received", "total")] = poisson(rng, profile.requests)
        truth.prose_applications |= prose_outcomes(truth)
        draw = rng.random()
        if draw < 0.75:
            kinds = APPEAL_KINDS if rng.random() < 0.8 else APPEAL_KINDS[:1]
            truth.prose_appeals = {(k, "total"): 0 for k in kinds}
        else:  # 因政府信息公开申请行政复议N件 (1-3, from the same draw: the stream stays as it was)
            truth.prose_appeals = {("administrative_review", "total"): 1 + int((draw - 0.75) * 12)}
    else:
        if profile.states_requests and requests is not None:
            truth.prose_applications[("new_received", "total")] = requests
            if requests:  # 未收到申请 says nothing more
                truth.prose_applications |= prose_summary(truth, full)
        if all(full["appeals"][(k, "total")] == 0 for k in APPEAL_KINDS) and rng.random() < 0.5:
            truth.prose_appeals = {(k, "total"): 0 for k in APPEAL_KINDS}
    if profile.states_trading or (
        truth.template_version == "pre2019" and truth.agency.agency_type == "trading_center"
    ):
        truth.transactions.append(trading_prose(rng, truth.agency))


def next_state(truth: ReportTruth, full: Figures, state: State) -> State:
    cells = full["applications"]
    article = full["article20"]
    following = State(prior=truth, channel_total=state.channel_total)
    if cells:
        following.carried_forward = {c: cells[("carried_forward", c)] for c in PERSON_COLUMNS}
    else:
        following.carried_forward = dict(state.carried_forward)
    for (item, measure), value in article.items():
        if measure == "in_force":
            following.in_force[item] = value
        elif measure == "previous_count":
            following.previous_count[item] = value
        elif measure == "change":
            following.change[item] = value
        elif measure == "total_published":
            following.total_published[item] = value
    return following


def agency_reports(
    rng: random.Random,
    agency: Agency,
    shares: Shares,
    years: range | None = None,
    named: Callable[[int, range], Agency] | None = None,
) -> Iterator[ReportTruth]:
    """The truths of one agency's consecutive reports (rendering fields left for the renderer).

    ``named`` gives the agency as its report of a year (of the span) names it, where its
    name varies across years (synthetic.agencies.NamePlan); the figures are the agency's own."""
    profile = draw_profile(rng, agency, shares)
    state = State()
    span = years or report_span(rng)
    for year in span:
        template = template_for_year(year)
        truth = ReportTruth(
            path="",
            agency=named(year, span) if named else agency,
            report_year=year,
            template_version=template,
            published_date=published_date(rng, year),
            script="simplified",
            encoding="utf-8",
            shape="html",
        )
        full: Figures[str, dict] = {"applications": {}, "appeals": {}, "article20": {}}
        if template != "pre2019":
            full["applications"] = applications(rng, template, profile, state)
            requests = full["applications"][("new_received", "total")]
            full["appeals"] = appeals(rng, requests)
            full["article20"] = article20(rng, agency, template, profile, state)
            truth.applications = dict(full["applications"])
            truth.appeals = dict(full["appeals"])
            truth.disclosures = dict(full["article20"])
            if template == "gb2019" and profile.procurement_table:
                rows, unit, printed = procurement(rng, agency, profile)
                truth.transactions.extend(rows)
                truth.variants.append("platform_volumes" if profile.platform_volumes else "own_procurement")
                truth.variants.extend((f"amount_{printed}", f"amount_header_{unit or 'none'}"))
            if profile.other_documents:
                truth.variants.append("other_documents")
            if template == "gb2021" and profile.single_other:
                truth.variants.append(SINGLE_OTHER)
            if profile.label_slips:
                truth.variants.append(SLIPS)
        prose_facts(rng, truth, profile, full, state)
        if template != "pre2019" and rng.random() < shares.blank:
            blank_cells(rng, truth, profile.zero_blank)
        inherited = errors.inherited_failures(truth, state.prior)
        if inherited:
            truth.errors.append(inherited)
        if rng.random() < shares.error:
            error = errors.inject_error(rng, truth, full, state.prior, truth.expected_failures)
            if error is not None:
                truth.errors.append(error)
        errors.check(truth, state.prior)
        yield truth
        state = next_state(truth, full, state)
