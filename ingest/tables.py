"""Read the template's tables from a token stream: Article 20, applications, appeals, (九).

The stream is split into zones (``vocabulary/zones.yaml``). Inside a zone a *row* is a
text token followed by value tokens; its label is mapped to a code through the
vocabularies. A label followed by no value is a group heading. Numbers whose row label
has no code go to ``unmapped`` so nothing read is thrown away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from itertools import compress, count, repeat
from operator import is_not, not_

from ingest import vocabulary as vocab
from ingest.layout import Tokens
from ingest.numbers import TEXT_CELL, Cell, amount_unit, read_cell, to_wan
from ingest.records import (
    AppealFact,
    ApplicationFact,
    DisclosureFact,
    ParseWarning,
    TransactionFact,
    UnmappedCell,
)
from ingest.text import is_blank

CLAUSE = re.compile(r"第二十条第\(?([一二三四五六七八九十]+)\)?项")


@dataclass
class TableFacts:
    disclosures: list[DisclosureFact] = field(default_factory=list)
    applications: list[ApplicationFact] = field(default_factory=list)
    appeals: list[AppealFact] = field(default_factory=list)
    transactions: list[TransactionFact] = field(default_factory=list)
    unmapped: list[UnmappedCell] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    template_votes: dict[str, int] = field(default_factory=dict)

    def vote(self, template: str) -> None:
        self.template_votes[template] = self.template_votes.get(template, 0) + 1

    @property
    def has_tables(self) -> bool:
        """True where the template's own tables were read (not merely some numbers in a table)."""
        return bool(self.disclosures or self.applications or self.appeals)


class Stream:
    """Tokens with their cell readings, so each cell is parsed once; a token is an index."""

    def __init__(self, tokens: Tokens):
        self.raw, self.text, self.keys = tokens.raw, tokens.text, tokens.key
        self.row_start, self.in_table = tokens.row_start, tokens.in_table
        self.cells: list[Cell] = list(map(read_cell, tokens.text))
        self.values: list[bool] = list(map(is_not, self.cells, repeat(TEXT_CELL)))  # is a value, by index

    def __len__(self) -> int:
        return len(self.raw)

    def values_after(self, i: int, end: int, limit: int) -> range:
        """Indexes of the value cells that follow a label at ``i``, up to ``limit``.

        Stops at a text cell, at the zone end, or where the source starts a new row (the first
        value may start one where it is a table's cell: a label alone in its row).
        """
        j = i + 1
        if j >= end or limit <= 0 or not self.values[j] or (self.row_start[j] and not self.in_table[j]):
            return range(j, j)
        return range(j, min(self.run_ends[j], end, j + limit))

    @cached_property
    def run_ends(self) -> list[int]:
        """For each token, the next token that is no value or starts a row (or the end)."""
        values, row_start = self.values, self.row_start
        ends = [0] * len(values)
        following = len(values)
        for k in range(len(values) - 1, -1, -1):
            ends[k] = following
            if not values[k] or row_start[k]:
                following = k
        return ends

    def next_is_value(self, i: int, end: int) -> bool:
        return (
            i + 1 < end and self.values[i + 1] and not (self.row_start[i + 1] and is_blank(self.raw[i + 1]))
        )


ZONES = ("article20", "applications", "appeals")
ANCHOR_MAX, END_MAX = 60, 40  # longest key that may be a zone's anchor, or an end heading


@lru_cache(maxsize=1 << 16)
def opened_zones(key: str) -> tuple[str, ...]:
    """The zones whose anchor ``key`` is (cached: a template's headings come back in every report)."""
    if not vocab.any_of_sections("zones", ZONES).search(key):  # one test against all anchors first
        return ()
    return tuple(zone for zone in ZONES if vocab.any_of("zones", zone).search(key))


@lru_cache(maxsize=1 << 16)
def is_zone_end(key: str) -> bool:
    return vocab.any_of("zones", "end").search(key) is not None


def find_zones(stream: Stream) -> dict[str, tuple[int, int]]:
    """(start, end) token ranges of the article20, applications and appeals zones present.

    Each zone opens at its first anchor wherever it stands (reports that reorder the
    template's chapters still read); it closes at the next zone or an end heading.
    """
    keys, values = stream.keys, stream.values  # anchors and end headings are words, never values
    starts: dict[str, int] = {}
    for i in compress(count(), map(not_, values)):  # the text cells, picked in C
        key = keys[i]
        if len(key) <= ANCHOR_MAX and (opened := opened_zones(key)):
            for zone in opened:
                starts.setdefault(zone, i)
            if len(starts) == len(ZONES):
                break
    zones: dict[str, tuple[int, int]] = {}
    ordered = sorted(starts.items(), key=lambda kv: kv[1])
    for n, (zone, start) in enumerate(ordered):
        end = ordered[n + 1][1] if n + 1 < len(ordered) else len(keys)
        for i in range(start + 1, end):
            if not values[i] and len(keys[i]) <= END_MAX and is_zone_end(keys[i]):
                end = i
                break
        zones[zone] = (start, end)
    return zones


# --- Article 20 -------------------------------------------------------------------------------


def subtables(stream: Stream, start: int, end: int) -> list[tuple[str, int, int]]:
    """(clause numeral, start, end) of each 第二十条第(X)项 sub-table."""
    heads = []
    for i in range(start, end):
        match = CLAUSE.search(stream.keys[i])
        if match and len(stream.text[i]) <= 30:
            heads.append((match.group(1), i))
    return [
        (clause, i, heads[n + 1][1] if n + 1 < len(heads) else end) for n, (clause, i) in enumerate(heads)
    ]


@lru_cache(maxsize=1 << 16)
def measure_of(key: str) -> str | None:
    codes = vocab.match("article20", "measures", key)
    return codes["code"] if codes else None


def read_header(
    stream: Stream, start: int, end: int, column_section: str | None
) -> tuple[list[tuple[str, str]], int]:
    """The (code, printed label) of each column, and where the rows begin."""
    columns: list[tuple[str, str]] = []
    i = start + 1
    while i < end:
        if stream.values[i]:
            i += 1
            continue
        if stream.next_is_value(i, end):
            break
        key = stream.keys[i]
        if column_section:
            codes = vocab.match("transactions", "columns", key)
            code = codes["code"] if codes else None
        else:
            code = measure_of(key)
        if code and code not in [c for c, _ in columns]:
            columns.append((code, stream.raw[i]))
        i += 1
    return columns, i


def template_of(facts: TableFacts) -> str | None:
    if not facts.template_votes:
        return None
    return max(facts.template_votes, key=lambda t: facts.template_votes[t])


def vote_measures(stream: Stream, zone: tuple[int, int], facts: TableFacts) -> None:
    signals = vocab.load("article20")["template_measures"]
    for i in range(*zone):
        if not stream.values[i]:
            code = measure_of(stream.keys[i])
            for template, codes in signals.items():
                if code in codes:
                    facts.vote(template)


def read_article20(stream: Stream, zone: tuple[int, int], facts: TableFacts, template: str) -> None:
    defaults = vocab.load("article20")["default_measures"].get(template, {})
    for clause, start, end in subtables(stream, *zone):
        if clause == "九":
            read_procurement(stream, start, end, facts)
            continue
        columns, i = read_header(stream, start, end, None)
        if not columns:
            columns = [(code, code) for code in defaults.get(clause, [])]
            if columns:
                facts.warnings.append(
                    ParseWarning(
                        "header_unread",
                        f"第二十条第({clause})项: column headings not read, template order used",
                    )
                )
        read_rows(stream, i, end, facts, columns, section=f"article20.{clause}", emit=emit_disclosure)


def emit_disclosure(
    stream: Stream, facts: TableFacts, label: int, column: tuple[str, str] | None, cell: int
) -> bool:
    codes = vocab.match_row("article20", "items", stream.keys[label])
    if not codes or column is None:
        return False
    facts.disclosures.append(
        DisclosureFact(
            codes["code"],
            column[0],
            stream.cells[cell].value,
            "table",
            stream.raw[cell],
            None,
            stream.raw[label],
            column[1],
        )
    )
    return True


def read_rows(stream: Stream, i: int, end: int, facts: TableFacts, columns, section: str, emit) -> None:
    """Rows (label + values) from ``i`` to ``end``; unmapped cells are kept as such."""
    while i < end:
        if stream.values[i]:
            i += 1
            continue
        values = stream.values_after(i, end, max(len(columns), 1))
        for n, j in enumerate(values):
            column = columns[n] if n < len(columns) else None
            if not emit(stream, facts, i, column, j):
                unmapped(stream, facts, section, i, column, j)
        if values and columns and len(values) < len(columns):
            facts.warnings.append(
                ParseWarning(
                    "short_row", f"{section}: row {stream.raw[i]!r} has {len(values)} of {len(columns)} cells"
                )
            )
        i = (values[-1] if values else i) + 1


def unmapped(stream: Stream, facts: TableFacts, section: str, label: int, column, cell: int) -> None:
    value = stream.cells[cell]
    if value.kind == "blank" and not stream.raw[cell]:
        return
    facts.unmapped.append(
        UnmappedCell(section, stream.raw[label], column[1] if column else None, value.value, stream.raw[cell])
    )


# --- (九) procurement / trading volumes ---------------------------------------------------------


def read_procurement(stream: Stream, start: int, end: int, facts: TableFacts) -> None:
    columns, i = read_header(stream, start, end, "transactions")
    header_unit = next(
        (amount_unit(label) for code, label in columns if code == "amount" and amount_unit(label)), None
    )
    if not columns:
        columns = [("project_count", "project_count"), ("amount", "amount")]
    while i < end:
        if stream.values[i]:
            i += 1
            continue
        values = stream.values_after(i, end, len(columns))
        if values:
            row = {columns[n][0]: j for n, j in enumerate(values) if n < len(columns)}
            add_transaction(stream, facts, i, row, header_unit)
        i = (values[-1] if values else i) + 1


def add_transaction(
    stream: Stream, facts: TableFacts, label: int, row: dict[str, int], header_unit: str | None
) -> None:
    codes = vocab.match_row("transactions", "rows", stream.keys[label])
    if codes is None:
        for j in row.values():
            unmapped(stream, facts, "article20.九", label, None, j)
        return
    count_cell = stream.cells[row["project_count"]] if "project_count" in row else None
    amount_cell = stream.cells[row["amount"]] if "amount" in row else None
    amount_text = stream.raw[row["amount"]] if "amount" in row else None
    amount_wan: Decimal | None = None
    if amount_cell is not None and amount_cell.value is not None:
        unit = amount_cell.unit if amount_cell.unit in ("元", "万元", "亿元") else header_unit
        if unit is None:
            unit = "万元"
            facts.warnings.append(
                ParseWarning(
                    "amount_unit_assumed",
                    f"{stream.raw[label]}: amount {amount_text!r} has no unit; 万元 assumed",
                )
            )
        amount_wan = to_wan(amount_cell.value, unit)
    count = int(count_cell.value) if count_cell is not None and count_cell.value is not None else None
    source = " ".join([stream.raw[label], *(stream.raw[j] for j in row.values())])
    facts.transactions.append(
        TransactionFact(codes["scope"], codes["category"], count, amount_wan, amount_text, "table", source)
    )


# --- applications ------------------------------------------------------------------------------

OPENING_ROWS = frozenset({"new_received", "carried_over"})
LATE_ROWS = frozenset({"other_other", "total_processed"})


def read_applications(stream: Stream, zone: tuple[int, int], facts: TableFacts) -> None:
    applicants = vocab.load("applications")["applicants"]
    gb2021_rows = frozenset(vocab.load("applications")["gb2021_rows"])
    started = False
    i, end = zone
    while i < end:
        if stream.values[i]:
            i += 1
            continue
        codes = vocab.match_row("applications", "rows", stream.keys[i])
        code = codes["code"] if codes else None
        if code in LATE_ROWS and not started:
            code = None  # 其他 / 总计 in the header are applicant columns
        values = stream.values_after(i, end, len(applicants))
        if code in OPENING_ROWS:
            started = True
        if values and code:
            cells, raw = stream.cells, stream.raw
            facts.applications.extend(
                [
                    ApplicationFact(code, applicant, cells[j].value, "table", raw[j])
                    for applicant, j in zip(applicants, values, strict=False)
                ]
            )
            if len(values) < len(applicants):
                facts.warnings.append(
                    ParseWarning(
                        "short_row", f"applications: row {stream.raw[i]!r} has {len(values)} of 7 cells"
                    )
                )
            if code in gb2021_rows:
                facts.vote("gb2021")
            elif code == "other_processing":
                facts.vote("gb2019")
        elif values and started:
            for applicant, j in zip(applicants, values, strict=False):
                unmapped(stream, facts, "applications", i, (applicant, applicant), j)
        i = (values[-1] if values else i) + 1


# --- appeals -----------------------------------------------------------------------------------


def read_appeals(stream: Stream, zone: tuple[int, int], facts: TableFacts) -> None:
    """The first run of 15 value cells: 3 kinds × 5 results in template order."""
    spec = vocab.load("appeals")
    grid = [(kind, result) for kind in spec["kinds"] for result in spec["results"]]
    start, end = zone
    run: list[int] = []
    for i in range(start, end + 1):
        if i < end and stream.values[i]:
            run.append(i)
            continue
        if len(run) >= len(grid):
            for (kind, result), j in zip(grid, run, strict=False):
                facts.appeals.append(AppealFact(kind, result, stream.cells[j].value, "table", stream.raw[j]))
            if any(stream.cells[j].kind != "blank" for j in run[len(grid) :]):
                facts.warnings.append(ParseWarning("extra_cells", "appeals: more than 15 cells in the row"))
            return
        run = []
    facts.warnings.append(ParseWarning("appeals_unread", "appeals table found but no row of 15 cells"))


# --- older statistics tables (政府信息公开情况统计表) ------------------------------------------

UNIT_CELL = re.compile(r"^(条|件|个|项|次|人次|份|篇|期|万元|元|亿元|%)$")
MAX_LABEL = 40


def read_statistics_table(stream: Stream, facts: TableFacts) -> None:
    """A pre-2019 statistics table has no codes: every labelled number goes to ``unmapped``.

    A row is a short label, optionally a unit cell (条, 件, 万元…), then numbers. Only
    tokens of a real table (HTML, pipes, tabs) are read, so numbers in prose are not.
    """
    i, end = 0, len(stream)
    while i < end:
        if not stream.in_table[i] or stream.values[i] or len(stream.text[i]) > MAX_LABEL:
            i += 1
            continue
        j = i + 1
        unit = None
        if j < end and UNIT_CELL.match(stream.text[j]):
            unit, j = stream.raw[j], j + 1
        values = stream.values_after(j - 1, end, 8)
        numbers = [k for k in values if stream.cells[k].kind == "number"]
        for k in numbers:
            facts.unmapped.append(
                UnmappedCell("statistics_table", stream.raw[i], unit, stream.cells[k].value, stream.raw[k])
            )
        i = (values[-1] if values else i) + 1


def read_tables(tokens: Tokens, year_hint: int | None) -> TableFacts:
    stream = Stream(tokens)
    facts = TableFacts()
    zones = find_zones(stream)
    if "article20" in zones:
        vote_measures(stream, zones["article20"], facts)
    if "applications" in zones:
        read_applications(stream, zones["applications"], facts)
    template = template_of(facts) or ("gb2021" if (year_hint or 0) >= 2021 else "gb2019")
    if "article20" in zones:
        read_article20(stream, zones["article20"], facts, template)
    if "appeals" in zones:
        read_appeals(stream, zones["appeals"], facts)
    if not zones:
        read_statistics_table(stream, facts)
    return facts
