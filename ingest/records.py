"""Typed records the parser produces: one :class:`ParsedReport` or one :class:`Rejection` per raw file.

The fact records are slotted, not frozen: a report makes ~400 of them and a frozen
dataclass's ``__init__`` (``object.__setattr__`` per field) costs four times as much.
Nothing mutates a fact after the parser made it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from ingest.errors import WARNING_CODES


@dataclass(frozen=True)
class RawFile:
    """A report file found in the landing directory, hashed and registered."""

    source_path: str
    content_sha256: str | None  # None: the file could not be read to hash it (an ``unreadable`` reject)
    size_bytes: int
    extension: str
    sidecar: dict[str, str] | None = None
    modified_ns: int = 0
    # what was ignored in its sidecar and why (not JSON, a url that is not http(s), …): warnings
    sidecar_ignored: tuple[str, ...] = ()

    @property
    def report_id(self) -> str:
        """Stable id of the report this file becomes: a prefix of its content hash."""
        return self.content_sha256[:16]


@dataclass(frozen=True)
class ParseWarning:
    """A doubt the parser kept about a report (queryable per report).

    ``code`` is one of ``ingest.errors.WARNING_CODES``: a code the registry lacks would reach
    ``audit.report_warnings`` without a label (``marts.dim_warning_code``), so it is refused here.
    """

    code: str
    message: str

    def __post_init__(self) -> None:
        if self.code not in WARNING_CODES:
            raise ValueError(f"unknown warning code {self.code!r}: add it to ingest.errors.WARNING_CODES")


@dataclass(slots=True)
class DisclosureFact:
    """Article 20 proactive disclosure (第二十条), or a prose count of published information."""

    item_code: str
    measure_code: str
    value: Decimal | None
    source_method: str  # 'table' | 'prose'
    source_text: str
    channel: str | None = None
    row_label: str | None = None
    column_label: str | None = None
    source_page: int | None = None  # 1-based page of a paged document's cell (PDF); None otherwise
    ocr_confidence: float | None = None  # OCR'd fact: the lowest confidence of its cell's characters (0-1)
    # prose only: a figure written as approximate (3000余条, 近百件), never compared exactly; a
    # figure about a wider area than the agency (全区 against 本机关), not compared with its tables
    approximate: bool = False
    other_scope: bool = False


@dataclass(slots=True)
class ApplicationFact:
    """One cell of 收到和处理政府信息公开申请情况 (or a prose statement of it)."""

    outcome_code: str
    applicant_type: str
    value: Decimal | None
    source_method: str
    source_text: str
    source_page: int | None = None  # 1-based page of a paged document's cell (PDF); None otherwise
    ocr_confidence: float | None = None  # OCR'd fact: the lowest confidence of its cell's characters (0-1)
    # prose only: a figure written as approximate (3000余条, 近百件), never compared exactly; a
    # figure about a wider area than the agency (全区 against 本机关), not compared with its tables
    approximate: bool = False
    other_scope: bool = False


@dataclass(slots=True)
class AppealFact:
    """One cell of 行政复议、行政诉讼情况 (or a prose statement of it)."""

    appeal_kind: str
    result_code: str
    value: Decimal | None
    source_method: str
    source_text: str
    source_page: int | None = None  # 1-based page of a paged document's cell (PDF); None otherwise
    ocr_confidence: float | None = None  # OCR'd fact: the lowest confidence of its cell's characters (0-1)
    # prose only: a figure written as approximate (3000余条, 近百件), never compared exactly; a
    # figure about a wider area than the agency (全区 against 本机关), not compared with its tables
    approximate: bool = False
    other_scope: bool = False


@dataclass(slots=True)
class TransactionFact:
    """Money and project counts: the agency's own procurement or its platform's trading volume."""

    scope: str  # 'own_procurement' | 'platform'
    category: str
    project_count: int | None
    amount_wan: Decimal | None
    amount_text: str | None  # as printed, in the report's own script
    source_method: str
    source_text: str
    source_page: int | None = None  # 1-based page of a paged document's cell (PDF); None otherwise
    ocr_confidence: float | None = None  # OCR'd fact: the lowest confidence of its cell's characters (0-1)


@dataclass(slots=True)
class UnmappedCell:
    """A numeric table cell that was read but has no contract code (yet)."""

    section: str
    row_label: str
    column_label: str | None
    value: Decimal | None
    source_text: str
    source_page: int | None = None  # 1-based page of a paged document's cell (PDF); None otherwise


@dataclass
class ParsedReport:
    """Everything read from one report file."""

    report_id: str
    source_path: str
    content_sha256: str
    title: str | None
    agency_name: str  # canonical, simplified, qualified with its place where the title leaves it out
    agency_name_raw: str | None  # as found, before qualification / script conversion
    agency_name_source: str  # 'title' | 'text_inferred' | 'sidecar' | 'source_line'
    agency_aliases: list[str]
    agency_type: str
    admin_level: str | None
    region_code: str | None
    region_source: str | None  # how the region was decided, e.g. 'agency_name', 'text_mentions'
    report_year: int
    report_year_source: str  # 'title' | 'sidecar' | 'statistics_period' | 'published_date' | 'text'
    published_date: dt.date | None
    template_version: str  # 'pre2019' | 'gb2019' | 'gb2021'
    script: str  # 'simplified' | 'traditional'
    encoding: str | None  # of a text file; None for a document format (PDF, Word)
    source_shape: str  # 'html' | 'text_cells' | 'text_pipes' | 'text_tabs' | 'prose' (or a reader's)
    source_format: str = "text"  # the form it came in: ingest.formats.SOURCE_FORMATS
    url: str | None = None
    # one agency whatever its spelling: region code | normalised body (ingest.places.agency_key)
    agency_key: str | None = None
    warnings: list[ParseWarning] = field(default_factory=list)
    disclosures: list[DisclosureFact] = field(default_factory=list)
    applications: list[ApplicationFact] = field(default_factory=list)
    appeals: list[AppealFact] = field(default_factory=list)
    transactions: list[TransactionFact] = field(default_factory=list)
    unmapped: list[UnmappedCell] = field(default_factory=list)


@dataclass(frozen=True)
class Rejection:
    """A raw file that could not become a report, with a documented error code."""

    source_path: str
    content_sha256: str
    error_code: str
    error_message: str


ParseOutcome = ParsedReport | Rejection
