"""The truth of one synthetic report as plain data, and its JSON-lines form (``truth.jsonl``).

A :class:`ReportTruth` says what the parser must read back from the rendered file:
every table cell (``None`` where the cell is printed blank), the prose facts, the
agency and its place, and the publisher errors deliberately printed (as the
``(rule_code, scope)`` pairs of contract §4 that fail because of them). A
:class:`BadFile` is a file of the corpus that must be rejected, with its error code.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

Number = int | Decimal
Cells = dict[tuple[str, str], Number | None]
# The figures a publisher had before printing: 'applications', 'appeals', 'article20' tables
# with every value (a blank cell's too), which the next year carries over.
Figures = dict[str, dict[tuple[str, str], Number]]


@dataclass(frozen=True)
class Agency:
    """A real agency of a real place (GB/T 2260), as the warehouse should name and place it."""

    name: str  # canonical (contract §3 dim_agency): simplified, qualified with its place
    title_name: str  # as the title prints it (simplified); may leave the place out (市公共资源交易中心)
    short_name: str  # as a 来源 line or the prose calls it (市住建局)
    agency_type: str
    admin_level: str
    region_code: str
    place: str  # the place name the prose mentions (衡阳市), for names that leave it out
    aliases: tuple[str, ...] = ()  # other names the title gives in parentheses (seed 004)
    # One agency, many names (contract §3): the agency prints its name differently across years
    # (with or without its parent place, a zone with or without 管委会); ``name`` is this report's,
    # ``canonical`` the warehouse's agency_name (its most recent report's name; "" when it never varies).
    canonical: str = ""

    @property
    def identity(self) -> str:
        """The agency, whatever this report's name: its canonical name."""
        return self.canonical or self.name


@dataclass(frozen=True)
class Transaction:
    scope: str  # 'own_procurement' | 'platform'
    category: str
    project_count: int | None
    amount_wan: Decimal | None
    amount_text: str | None  # as printed, in the report's own script
    source_method: str  # 'table' | 'prose'


@dataclass(frozen=True)
class PublisherError:
    """One deliberately wrong figure and the identities (rule_code, scope) it breaks."""

    kind: str
    note: str
    breaks: tuple[tuple[str, str], ...]


@dataclass
class ReportTruth:
    path: str  # relative to the corpus directory
    agency: Agency
    report_year: int
    template_version: str
    published_date: dt.date | None
    script: str  # 'simplified' | 'traditional'
    encoding: str  # 'utf-8' | 'gb18030' | 'gbk' | 'big5'
    shape: str  # 'html' | 'text_cells' | 'text_pipes' | 'text_tabs' | 'prose_text'
    disclosures: Cells = field(default_factory=dict)  # (item_code, measure_code), table cells
    applications: Cells = field(default_factory=dict)  # (outcome_code, applicant_type), table cells
    appeals: Cells = field(default_factory=dict)  # (appeal_kind, result_code), table cells
    transactions: list[Transaction] = field(default_factory=list)
    published_information: dict[str, int] = field(default_factory=dict)  # prose: channel -> count
    prose_applications: Cells = field(default_factory=dict)  # e.g. 收到申请N件 -> new_received.total
    prose_appeals: Cells = field(default_factory=dict)  # 未发生行政复议和行政诉讼 -> *.total = 0
    variants: list[str] = field(default_factory=list)  # local variants and rendering quirks used
    errors: list[PublisherError] = field(default_factory=list)
    sidecar: dict[str, str] | None = None

    @property
    def expected_failures(self) -> set[tuple[str, str]]:
        """Every (rule_code, scope) that fails on this report because of a publisher error."""
        return {pair for error in self.errors for pair in error.breaks}

    @property
    def parsed_encoding(self) -> str:
        """The encoding name the parser reports: GBK bytes are read as GB18030 (a superset)."""
        return "gb18030" if self.encoding == "gbk" else self.encoding


@dataclass(frozen=True)
class BadFile:
    """A file that is not a report: it must end in ``audit.rejected_files`` with ``error_code``."""

    path: str
    error_code: str  # 'empty' | 'binary' | 'not_a_report'


# --- JSON lines ------------------------------------------------------------------------------------


def number_to_json(value: Number | None) -> int | str | None:
    if value is None or isinstance(value, int):
        return value
    return str(value)


def number_from_json(value: int | str | None) -> Number | None:
    if value is None or isinstance(value, int):
        return value
    return Decimal(value)


def cells_to_json(cells: Cells) -> dict[str, int | str | None]:
    return {f"{a}.{b}": number_to_json(v) for (a, b), v in cells.items()}


def cells_from_json(data: dict[str, Any]) -> Cells:
    return {tuple(k.split(".", 1)): number_from_json(v) for k, v in data.items()}  # type: ignore[misc]


def to_json(item: ReportTruth | BadFile) -> str:
    """One line of ``truth.jsonl``."""
    if isinstance(item, BadFile):
        return json.dumps({"kind": "rejected", **asdict(item)}, ensure_ascii=False)
    data: dict[str, Any] = {
        "kind": "report",
        "path": item.path,
        "agency": asdict(item.agency),
        "report_year": item.report_year,
        "template_version": item.template_version,
        "published_date": item.published_date.isoformat() if item.published_date else None,
        "script": item.script,
        "encoding": item.encoding,
        "shape": item.shape,
        "disclosures": cells_to_json(item.disclosures),
        "applications": cells_to_json(item.applications),
        "appeals": cells_to_json(item.appeals),
        "transactions": [
            {**asdict(t), "amount_wan": number_to_json(t.amount_wan)} for t in item.transactions
        ],
        "published_information": item.published_information,
        "prose_applications": cells_to_json(item.prose_applications),
        "prose_appeals": cells_to_json(item.prose_appeals),
        "variants": item.variants,
        "errors": [
            {"kind": e.kind, "note": e.note, "breaks": [list(pair) for pair in e.breaks]} for e in item.errors
        ],
        "sidecar": item.sidecar,
    }
    return json.dumps(data, ensure_ascii=False)


def from_json(line: str) -> ReportTruth | BadFile:
    data = json.loads(line)
    if data.pop("kind") == "rejected":
        return BadFile(**data)
    published = data["published_date"]
    return ReportTruth(
        path=data["path"],
        agency=Agency(**{**data["agency"], "aliases": tuple(data["agency"]["aliases"])}),
        report_year=data["report_year"],
        template_version=data["template_version"],
        published_date=dt.date.fromisoformat(published) if published else None,
        script=data["script"],
        encoding=data["encoding"],
        shape=data["shape"],
        disclosures=cells_from_json(data["disclosures"]),
        applications=cells_from_json(data["applications"]),
        appeals=cells_from_json(data["appeals"]),
        transactions=[
            Transaction(**{**t, "amount_wan": number_from_json(t["amount_wan"])})
            for t in data["transactions"]
        ],
        published_information=data["published_information"],
        prose_applications=cells_from_json(data["prose_applications"]),
        prose_appeals=cells_from_json(data["prose_appeals"]),
        variants=data["variants"],
        errors=[
            PublisherError(e["kind"], e["note"], tuple((r, s) for r, s in e["breaks"]))
            for e in data["errors"]
        ],
        sidecar=data["sidecar"],
    )


def write_lines(items: Iterable[ReportTruth | BadFile], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for item in items:
            handle.write(to_json(item) + "\n")


def read_lines(path: Path) -> Iterator[ReportTruth | BadFile]:
    """The truths of a corpus, one at a time (the file may be large)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield from_json(line)
