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
from ingest.markdown import CELLS_LOST, LOST_LABEL, MARKERS
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


NO_PAGES: dict[int, int] = {}


class Stream:
    """Tokens with their cell readings, so each cell is parsed once; a token is an index."""

    def __init__(self, tokens: Tokens):
        self.raw, self.text, self.keys = tokens.raw, tokens.text, tokens.key
        self.row_start, self.in_table = tokens.row_start, tokens.in_table
        # a token's page by its index (dict.get: None for a web page or text, whose tokens have none)
        self.page_of = dict(enumerate(tokens.page)).get if tokens.page is not None else NO_PAGES.get
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
    stream: Stream,
    start: int,
    end: int,
    column_section: str | None,
    possible: frozenset[str] = frozenset(),
    facts: TableFacts | None = None,
) -> tuple[list[tuple[str, str]], int]:
    """The (code, printed label) of each column, and where the rows begin.

    A measure heading no pattern matches is read with one slip (a character dropped or swapped:
    ``vocab.nearest``) among the ``possible`` measures not yet read, so a mistyped heading does not
    shift the columns after it; where two are as near, it is no column.
    """
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
            if code is None and possible:
                near = vocab.nearest("article20", "measures", key, possible - {c for c, _ in columns})
                code = near[0] if len(near) == 1 else None
                if code and facts is not None:
                    facts.warnings.append(
                        ParseWarning(
                            "header_slip",
                            f"column {stream.raw[i]!r} read as {code} (a heading with one slip)",
                        )
                    )
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
        columns, i = read_header(stream, start, end, None, frozenset(defaults.get(clause, [])), facts)
        if not columns:
            columns = [(code, code) for code in defaults.get(clause, [])]
            if columns:
                facts.warnings.append(
                    ParseWarning(
                        "header_unread",
                        f"第二十条第({clause})项: column headings not read, template order used",
                    )
                )
        items = vocab.load("article20")["clause_items"].get(template, {}).get(clause, [])
        read_rows(stream, i, end, facts, columns, f"article20.{clause}", [items])


@lru_cache(maxsize=1 << 16)
def item_of(key: str) -> str | None:
    codes = vocab.match_row("article20", "items", key)
    return codes["code"] if codes else None


def read_rows(
    stream: Stream, i: int, end: int, facts: TableFacts, columns, section: str, sequences: list[list[str]]
) -> None:
    """Article 20 rows (label + values) from ``i`` to ``end``; unmapped cells are kept as such."""
    rows: list[Row] = []
    while i < end:
        if stream.values[i]:
            i += 1
            continue
        values = stream.values_after(i, end, max(len(columns), 1))
        if values:
            rows.append(row_of(stream, i, values, item_of))
        i = (values[-1] if values else i) + 1
    if not all(row.code for row in rows):
        place_slipped(stream, rows, sequences, facts, section, ("article20", "items"))
    if any(row.kind == LOST_LABEL for row in rows):
        place_lost(stream, rows, sequences, facts, section)
    for row in rows:
        i, values = row.label, row.values
        if row.kind == CELLS_LOST:
            cells_lost(stream, facts, section, row)
        for n, j in enumerate(values):
            column = columns[n] if n < len(columns) else None
            if row.code and column and row.kind != CELLS_LOST:
                facts.disclosures.append(
                    DisclosureFact(
                        row.code,
                        column[0],
                        stream.cells[j].value,
                        "table",
                        stream.raw[j],
                        None,
                        stream.raw[i],
                        column[1],
                        stream.page_of(j),
                    )
                )
            else:
                unmapped(stream, facts, section, i, column, j)
        if values and columns and len(values) < len(columns) and row.kind != CELLS_LOST:
            facts.warnings.append(
                ParseWarning(
                    "short_row", f"{section}: row {stream.raw[i]!r} has {len(values)} of {len(columns)} cells"
                )
            )


# --- rows whose label was lost or cut (text extracted by another tool: ingest.markdown) -----------


@dataclass(slots=True)
class Row:
    """A table row: its label token, its code (None: none found), its value tokens and its kind:
    '' (a labelled row), ``LOST_LABEL`` (no label) or ``CELLS_LOST`` (cells that cannot be placed)."""

    label: int
    code: str | None
    values: range
    kind: str = ""


def row_of(stream: Stream, i: int, values: range, code_of) -> Row:
    """The row whose label is the text token ``i``: its code from the label, rejoined where a tool cut
    it across two cells (予以 | 公开), or from the label before a marker (``ingest.markdown``)."""
    raw = stream.raw[i]
    if raw in MARKERS:
        before = i - 1 if raw == CELLS_LOST and i and not stream.values[i - 1] else None
        code = code_of(stream.keys[before]) if before is not None else None
        return Row(i, code, values, raw)
    code = code_of(stream.keys[i])
    if code is None and cut_before(stream, i):
        code = code_of(stream.keys[i - 1] + stream.keys[i])
    return Row(i, code, values)


def cut_before(stream: Stream, i: int) -> bool:
    """The label at ``i`` may be the end of one a tool cut across two cells (予以 | 公开)."""
    return bool(i and not stream.row_start[i] and stream.in_table[i] and not stream.values[i - 1])


def slipped(
    stream: Stream, i: int, vocabulary: tuple[str, str], candidates: frozenset[str]
) -> tuple[str, ...]:
    """The codes among ``candidates`` whose label the label at ``i`` is with one slip (a character
    dropped or swapped: ``vocab.nearest``), read as printed or rejoined where a tool cut it."""
    if not candidates:
        return ()
    codes = vocab.nearest(*vocabulary, stream.keys[i], candidates)
    if not codes and cut_before(stream, i):
        codes = vocab.nearest(*vocabulary, stream.keys[i - 1] + stream.keys[i], candidates)
    return codes


def still_possible(rows: list[Row], n: int, sequences: list[list[str]]) -> frozenset[str]:
    """The codes row ``n`` may have at its place: in some template order of ``sequences``, between
    the codes of the nearest rows before and after it that the order holds (a local extra row, with a
    code of its own or none, does not bound it), and not yet taken by another row."""
    found: set[str] = set()
    for sequence in sequences:
        before = next((row.code for row in reversed(rows[:n]) if row.code in sequence), None)
        after = next((row.code for row in rows[n + 1 :] if row.code in sequence), None)
        low = 0 if before is None else sequence.index(before) + 1
        high = len(sequence) if after is None else sequence.index(after)
        found.update(sequence[low:high])
    return frozenset(found - {row.code for row in rows})


def place_slipped(
    stream: Stream,
    rows: list[Row],
    sequences: list[list[str]],
    facts: TableFacts,
    section: str,
    vocabulary: tuple[str, str],
) -> None:
    """Codes for the labelled rows no pattern matched, where the label is a template label with one
    slip (a character dropped or swapped, ``vocab.nearest``) among the codes still possible at its
    place (:func:`still_possible`). Where two codes are as near, the row keeps no code (its cells go
    to ``unmapped``) with a ``row_label_doubtful`` warning: a label is never guessed.
    """
    for n, row in enumerate(rows):
        if row.code or row.kind or not row.values:
            continue
        codes = slipped(stream, row.label, vocabulary, still_possible(rows, n, sequences))
        if len(codes) == 1:
            row.code = codes[0]
            facts.warnings.append(slip_warning(stream, row.label, section, codes[0]))
        elif codes:
            facts.warnings.append(
                ParseWarning(
                    "row_label_doubtful",
                    f"{section}: row {stream.raw[row.label]!r} is as near to {' as to '.join(codes)}: "
                    "kept unmapped",
                )
            )


def slip_warning(stream: Stream, label: int, section: str, code: str) -> ParseWarning:
    return ParseWarning(
        "row_label_slip",
        f"{section}: row {stream.raw[label]!r} read as {code} (a label with one slip)",
    )


def place_lost(
    stream: Stream, rows: list[Row], sequences: list[list[str]], facts: TableFacts, section: str
) -> None:
    """Codes for the rows whose label was lost, where their place leaves no doubt.

    A run of such rows lies between two rows with codes (or the table's start or end); in
    each template order of ``sequences`` where both neighbours stand, the codes between them
    must be exactly as many as the run's rows, and all such orders must agree. Else the
    rows stay without code (their cells go to ``unmapped``) with a ``row_label_lost`` warning.
    """
    n = 0
    while n < len(rows):
        if rows[n].kind != LOST_LABEL:
            n += 1
            continue
        last = n
        while last < len(rows) and rows[last].kind == LOST_LABEL:
            last += 1
        before = rows[n - 1].code if n else "<start>"
        after = rows[last].code if last < len(rows) else "<end>"
        options = set()
        for sequence in sequences:
            low = 0 if before == "<start>" else sequence.index(before) + 1 if before in sequence else None
            high = len(sequence) if after == "<end>" else sequence.index(after) if after in sequence else None
            if low is not None and high is not None and high - low == last - n:
                options.add(tuple(sequence[low:high]))
        where = f"{section}: {last - n} row(s) without a label after {before} and before {after}"
        if len(options) == 1 and (codes := options.pop()):
            for row, code in zip(rows[n:last], codes, strict=True):
                row.code = code
            facts.warnings.append(ParseWarning("row_label_placed", f"{where}: placed as {', '.join(codes)}"))
        else:
            facts.warnings.append(
                ParseWarning("row_label_lost", f"{where}: their place is in doubt, kept unmapped")
            )
        n = last


def unmapped(stream: Stream, facts: TableFacts, section: str, label: int, column, cell: int) -> None:
    value = stream.cells[cell]
    if value.kind == "blank" and not stream.raw[cell]:
        return
    facts.unmapped.append(
        UnmappedCell(
            section,
            row_label(stream, label),
            column[1] if column else None,
            value.value,
            stream.raw[cell],
            stream.page_of(cell),
        )
    )


def cells_lost(stream: Stream, facts: TableFacts, section: str, row: Row) -> None:
    facts.warnings.append(
        ParseWarning(
            "row_cells_lost",
            f"{section}: row {row_label(stream, row.label)!r} lost cells (glued or dropped): "
            f"its {len(row.values)} values kept unmapped, their columns unknown",
        )
    )


def row_label(stream: Stream, label: int) -> str:
    """The printed label of the row at ``label``: none where it was lost, the one before a marker of
    cells lost (a tool glued or dropped cells: the values' columns are unknown, never guessed)."""
    raw = stream.raw[label]
    if raw == LOST_LABEL:
        return ""
    if raw == CELLS_LOST:
        return stream.raw[label - 1] if label and not stream.values[label - 1] else ""
    return raw


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
        if values and stream.raw[i] in MARKERS:
            if stream.raw[i] == LOST_LABEL:
                facts.warnings.append(
                    ParseWarning("row_label_lost", "article20.九: a row without a label, kept unmapped")
                )
            else:
                cells_lost(stream, facts, "article20.九", Row(i, None, values, CELLS_LOST))
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
    page = stream.page_of(next(iter(row.values()), label))  # its first cell's
    facts.transactions.append(
        TransactionFact(
            codes["scope"], codes["category"], count, amount_wan, amount_text, "table", source, page
        )
    )


# --- applications ------------------------------------------------------------------------------

OPENING_ROWS = frozenset({"new_received", "carried_over"})  # the rows that start the table
LATE_ROWS = frozenset({"other_other", "total_processed"})


@lru_cache(maxsize=1 << 16)
def outcome_of(key: str) -> str | None:
    codes = vocab.match_row("applications", "rows", key)
    return codes["code"] if codes else None


def outcome_sequences(template: str | None) -> list[list[str]]:
    """The applications table's rows in each template's order (of ``template`` only, where known).

    A gb2021 table may print (六)其他处理 as one row, as gb2019 does (a local variant): its rows
    are then gb2019's, so gb2021 has both orders.
    """
    spec = vocab.load("applications")
    rows = [row["code"] for row in spec["rows"]]
    gb2019 = [r for r in rows if r not in spec["gb2021_rows"]]
    gb2021 = [r for r in rows if r not in spec["gb2019_rows"]]
    found = {"gb2019": [gb2019], "gb2021": [gb2021, gb2019]}
    return found.get(template or "", [gb2019, gb2021])


def read_applications(stream: Stream, zone: tuple[int, int], facts: TableFacts) -> None:
    applicants = vocab.load("applications")["applicants"]
    gb2021_rows = frozenset(vocab.load("applications")["gb2021_rows"])
    started = False
    i, end = zone
    rows: list[Row] = []
    while i < end:
        if stream.values[i]:
            i += 1
            continue
        values = stream.values_after(i, end, len(applicants))
        row = row_of(stream, i, values, outcome_of)
        if row.code in LATE_ROWS and not started:
            row.code = None  # 其他 / 总计 in the header are applicant columns
        if not started and values and row.code is None and not row.kind:
            opening = slipped(stream, i, ("applications", "rows"), OPENING_ROWS)  # 本年新收… with a slip
            if len(opening) == 1:
                row.code = opening[0]
                facts.warnings.append(slip_warning(stream, i, "applications", row.code))
        if row.code in OPENING_ROWS or (row.kind and values):  # a row that lost its label is data too
            started = True
        if values and (row.code or started):
            rows.append(row)
        i = (values[-1] if values else i) + 1
    sequences = outcome_sequences(template_of(facts))
    if not all(row.code for row in rows):
        place_slipped(stream, rows, sequences, facts, "applications", ("applications", "rows"))
    if any(row.kind == LOST_LABEL for row in rows):
        place_lost(stream, rows, sequences, facts, "applications")
    for row in rows:
        i, code, values = row.label, row.code, row.values
        if code and row.kind != CELLS_LOST:
            cells, raw, page_of = stream.cells, stream.raw, stream.page_of
            facts.applications.extend(
                [
                    ApplicationFact(code, applicant, cells[j].value, "table", raw[j], page_of(j))
                    for applicant, j in zip(applicants, values, strict=False)
                ]
            )
            if len(values) < len(applicants):
                facts.warnings.append(
                    ParseWarning(
                        "short_row", f"applications: row {stream.raw[i]!r} has {len(values)} of 7 cells"
                    )
                )
            if row.kind:
                continue  # placed by its position: no vote
            if code in gb2021_rows:  # (六)其他处理 as one row is no vote: gb2021 tables may print it too
                facts.vote("gb2021")
        else:
            if row.kind == CELLS_LOST:
                cells_lost(stream, facts, "applications", row)
            for applicant, j in zip(applicants, values, strict=False):
                unmapped(stream, facts, "applications", i, (applicant, applicant), j)


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
                facts.appeals.append(
                    AppealFact(kind, result, stream.cells[j].value, "table", stream.raw[j], stream.page_of(j))
                )
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
                UnmappedCell(
                    "statistics_table",
                    stream.raw[i],
                    unit,
                    stream.cells[k].value,
                    stream.raw[k],
                    stream.page_of(k),
                )
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
