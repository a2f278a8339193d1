"""Report metadata: title, agency (qualified, typed, placed), report year and publication date."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ingest import places
from ingest import vocabulary as vocab
from ingest.records import ParseWarning
from ingest.regions import Region

if TYPE_CHECKING:
    from ingest.layout import Document
from ingest.script import to_simplified
from ingest.text import fold_width, squash_spaces

HEAD_LINES = 40  # the head at least: a document whose body starts early is still read this far
SIGNATURE_LINES = 8
TITLE = re.compile(r"(?:19|20)\d{2}\s*年.{0,60}?(?:信息公开|政务公开|信息公開).{0,12}?(?:报告|年报)|年报")
TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年\s*度?")
TITLE_TAIL = re.compile(r"(?:关于)?(?:的)?(?:本?年度)?(?:政府|政务)?(?:信息)?(?:公开|政务公开).*$")
FIELD_TITLE = re.compile(r"^[-*\s]*(?:标题|文章标题|题名|名称)\s*[:：]\s*(.+)$")
SOURCE_LINE = re.compile(r"(?:信息来源|来源|发布机构|发文机关|发布单位)\s*[:：]\s*(\S*)")
DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
DATE_LABEL = re.compile(r"(?:发布|公开|发表|更新)?(?:时间|日期)\s*[:：]?\s*")
PERIOD = re.compile(
    r"(?:统计期限|统计时限|统计时间|时限|期限)[^。]{0,6}?自?\s*((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日"
)
YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
# dates that are not the publication: when it was written or when the portal generated the page
NOT_PUBLICATION = re.compile(r"成文|生成|印发|签发")
PARENS = re.compile(r"\(([^()]{2,40})\)")
UNQUALIFIED = re.compile(r"^(?:本|我)?(市|县|区|州|盟|旗)(?=[\u4e00-\u9fff]{2})")
# the report's body begins at its first sentence (a run of words closed by 。) or chapter heading;
# a portal's chrome above it (menus, breadcrumbs, a metadata block) holds neither
SENTENCE = re.compile(r"[\u4e00-\u9fff][^。]{30,}。")
CHAPTER_HEADING = re.compile(r"^\s*[一二三四五六七八九十]{1,3}、\s*\S")


def head_of(lines: list[str]) -> list[str]:
    """The document's head: its lines before the body (title, date and source lines, and any chrome).

    A portal page's menus may run to many lines (every menu with its sub-links) before the
    article's title: the head runs to where the body begins, decided by its content, and is
    never shorter than ``HEAD_LINES`` (a document whose first sentence comes early). Where a
    sentence of the chrome (a site notice above the menus) comes before any title, the body
    begins at the first sentence after the report's title, if one stands before the first
    chapter heading (the links to other reports at a page's foot come after the chapters).
    """
    start = body_start(lines, 0)
    if start is None:
        return lines[:HEAD_LINES]
    if not any(map(is_title, lines[:start])):
        title = next((n for n in chapterless(lines, start) if is_title_line(lines[n])), None)
        start = body_start(lines, title + 1) if title is not None else start
    return lines[: max(start or len(lines), HEAD_LINES)]


def is_title_line(line: str) -> bool:
    """A line that is a report's title, not a sentence naming one."""
    return len(line) <= 100 and "。" not in line and is_title(line)


def body_start(lines: list[str], first: int) -> int | None:
    """The first line from ``first`` on that begins a body: a sentence or a chapter heading."""
    for n in range(first, len(lines)):
        if SENTENCE.search(lines[n]) or CHAPTER_HEADING.match(lines[n]):
            return n
    return None


def chapterless(lines: list[str], first: int) -> Iterator[int]:
    """The lines from ``first`` on before the first chapter heading."""
    for n in range(first, len(lines)):
        if CHAPTER_HEADING.match(lines[n]):
            return
        yield n


@dataclass
class Agency:
    name: str
    raw: str | None
    source: str
    aliases: list[str] = field(default_factory=list)
    type: str = "other"
    admin_level: str | None = None
    region: Region | None = None
    region_source: str | None = None


@dataclass(frozen=True)
class Title:
    """A title as matched (simplified, half-width) and as printed (the report's own script)."""

    text: str
    printed: str

    def printed_of(self, piece: str) -> str:
        return printed_of(self.text, self.printed, piece)


def printed_of(simplified: str, printed: str, piece: str) -> str:
    """The printed form of ``piece``, a substring of ``simplified`` (itself a conversion of ``printed``).

    Script conversion keeps positions wherever the two have one length, nearly always.
    """
    position = simplified.find(piece)
    if position < 0 or len(simplified) != len(printed):
        return piece
    return printed[position : position + len(piece)]


def title_candidates(lines: list[str], raw_lines: list[str], hints: dict[str, str]) -> Iterator[Title]:
    """Portal title fields first (the last one first), then HTML hints, then the short early
    lines; lazily, as the first good one usually ends the search."""
    aligned = len(lines) == len(raw_lines)

    def raw_of(n: int, line: str) -> str:
        return squash_spaces(fold_width(raw_lines[n])) if aligned else line

    head = head_of(lines)
    fields = [(n, match) for n, line in enumerate(head) if (match := FIELD_TITLE.match(line))]
    for n, match in reversed(fields):
        text = squash_spaces(match.group(1))
        yield Title(text, printed_of(squash_spaces(head[n]), raw_of(n, head[n]), text))
    for key in ("title", "heading", "page_title"):
        if hint := hints.get(key):
            printed = squash_spaces(fold_width(hint))
            yield Title(squash_spaces(to_simplified(printed)), printed)
    field_lines = {n for n, _ in fields}
    for n, line in enumerate(head):
        if n not in field_lines and len(line.strip()) <= 100:
            if not is_title(line):  # a title wrapped over two or three lines is one title
                for k in (2, 3):
                    if wrapped := wrapped_title(head[n : n + k]):
                        yield Title(wrapped, "".join(raw_of(m, head[m]).strip() for m in range(n, n + k)))
            yield Title(squash_spaces(line), raw_of(n, line))


WRAP_LINE = 60  # longest piece of a wrapped title
NOT_IN_TITLE = re.compile(r"[。；;:：>|/]")
BODY_END = re.compile(r"[局委办心厅府院会所站室处司部组队校馆团盟]\s*$")  # an agency's name ends so


def is_title(line: str) -> bool:
    return bool(TITLE.search(line) and TITLE_YEAR.search(line))


def wrapped_title(pieces: list[str]) -> str | None:
    """The title the lines make together, where none is one alone: they end on the title's end
    (…报告), hold no sentence or field, and what comes before a year begun on a later line is an
    agency's name, from its place to its body (not a breadcrumb such as 政务公开 or a field's value)."""
    stripped = [piece.strip() for piece in pieces]
    if not all(stripped) or any(len(p) > WRAP_LINE or NOT_IN_TITLE.search(p) for p in stripped):
        return None
    if any(is_title(p) for p in stripped[:-1]):
        return None
    joined = squash_spaces("".join(stripped))
    match = TITLE.search(joined)
    year = TITLE_YEAR.search(joined)
    if not match or not year or match.end() != len(joined):
        return None
    # the agency, without a second name in parentheses after it or the 关于 that joins it to the year
    agency = re.sub(r"关于$", "", PARENS.sub("", joined[: year.start()]).strip())
    if year.start() >= len(stripped[0]) and not (
        BODY_END.search(agency) and (agency[0] in "省市县区" or places.prefix_chain(agency)[0] is not None)
    ):
        return None
    return joined


def find_title(lines: list[str], raw_lines: list[str], hints: dict[str, str]) -> Title | None:
    """The report's own title: a portal field, an HTML hint, or an early line naming a year and 报告."""
    for candidate in title_candidates(lines, raw_lines, hints):
        if TITLE.search(candidate.text) and TITLE_YEAR.search(candidate.text):
            return candidate
    return None


def split_aliases(name: str) -> tuple[str, list[str]]:
    """黄冈市政务服务和大数据管理局(黄冈市公共资源交易监督管理局) → the name and its alias."""
    aliases = [a for a in PARENS.findall(name) if re.search(r"(局|委|办|中心|厅|政府|公司)$", a)]
    return squash_spaces(PARENS.sub("", name)), aliases


def agency_from_title(title: str) -> str | None:
    year = TITLE_YEAR.search(title)
    if not year:
        return None
    before = title[: year.start()].strip(" ,:-")
    after = TITLE_TAIL.sub("", title[year.end() :]).strip(" ,:-")
    for candidate in (before, after):
        candidate = re.sub(r"^(?:关于|\d+\.)|(?:关于|的)$", "", candidate).strip()
        if len(candidate) >= 3:
            return candidate
    return None


def source_line_agency(lines: list[str], raw_lines: list[str]) -> str | None:
    """The agency a 信息来源/发布机构 line names, as printed."""
    aligned = len(lines) == len(raw_lines)
    for n, line in enumerate(head_of(lines)):
        match = SOURCE_LINE.search(line)
        if not match:
            continue
        at = n if match.group(1) else n + 1
        value = match.group(1) or (lines[at].strip() if at < len(lines) else "")
        value = re.split(r"[?？\s]", value)[0]
        if len(value) >= 4 and not DATE.search(value):
            return printed_of(lines[at], fold_width(raw_lines[at]), value) if aligned else value
    return None


def qualify(
    name: str, lines: list[str], warnings: list[ParseWarning]
) -> tuple[str, Region | None, str | None]:
    """Put the place in front of a name that leaves it out (市公共资源交易中心 → 驻马店市…)."""
    region = places.region_of_name(name)
    if region is not None:
        return name, region, "agency_name"
    wanted = UNQUALIFIED.match(name)
    level = {"市": "prefecture", "州": "prefecture", "盟": "prefecture"}.get(
        wanted.group(1) if wanted else "", "county"
    )
    mentions = places.mentioned_regions(lines)
    fitting = [(r, n) for r, n in mentions.most_common() if r.level == level] or mentions.most_common()
    if not fitting:
        warnings.append(ParseWarning("region_unknown", f"no place found for agency {name!r}"))
        return name, None, None
    best, count = fitting[0]
    tied = [r.name for r, n in fitting if n == count and r != best]
    rest = name[wanted.end() :] if wanted else name
    qualified = best.name + rest
    sureness = (
        "ambiguous: also " + "、".join(tied)
        if tied
        else f"named {count} time(s) in the text, no other candidate"
    )
    warnings.append(
        ParseWarning("agency_place_inferred", f"{name!r} qualified as {qualified!r}: {best.name} {sureness}")
    )
    return qualified, best, "text_mentions"


def restore_place_names(name: str, printed: str) -> str:
    """Official place names the script conversion folded (乾安县 → 干安县): put them back.

    Where the printed name places the agency deeper than the converted one, the official
    names of that place replace their converted forms at the same positions.
    """
    if name == printed or len(name) != len(printed):
        return name
    region = places.region_of_name(printed)
    if region is None:
        return name
    current = places.region_of_name(name)
    if current is not None and places.LEVEL_RANK[current.level] >= places.LEVEL_RANK[region.level]:
        return name
    for official in (region.province, region.prefecture, region.county):
        at = printed.find(official) if official else -1
        if at >= 0:
            name = name[:at] + official + name[at + len(official) :]
    return name


def agency_type(name: str) -> str:
    codes = vocab.match("agency_types", "types", name)
    return codes["code"] if codes else "other"


def admin_level(name: str, region: Region | None) -> str | None:
    if any(re.search(p, name) for p in vocab.load("agency_types")["township"]):
        return "township"
    return region.level if region else None


def resolve_agency(
    title: Title | None,
    lines: list[str],
    raw_lines: list[str],
    sidecar: dict[str, str],
    warnings: list[ParseWarning],
) -> Agency | None:
    """The reporting agency: a sidecar's word first, then the title, then a source line."""
    named = agency_from_title(title.text) if title else None
    if sidecar.get("agency_name"):
        raw, source = sidecar["agency_name"], "sidecar"
    elif title and named:
        raw, source = title.printed_of(named), "title"
    else:
        raw, source = source_line_agency(lines, raw_lines), "source_line"
    if not raw:
        return None
    simplified = squash_spaces(to_simplified(fold_width(raw)))
    name, aliases = split_aliases(simplified)
    name = restore_place_names(name, split_aliases(squash_spaces(fold_width(raw)))[0])
    # places the conversion misspells (濬縣 → 濬县): spelt as officially named (浚县)
    name, aliases = places.official_spelling(name), [places.official_spelling(a) for a in aliases]
    name, region, region_source = qualify(name, lines, warnings)
    if region_source == "text_mentions":
        source = "text_inferred"
    return Agency(
        name, raw, source, aliases, agency_type(name), admin_level(name, region), region, region_source
    )


def to_date(match: re.Match[str], warnings: list[ParseWarning]) -> dt.date | None:
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        warnings.append(ParseWarning("bad_date", f"not a calendar date: {match.group(0)!r}"))
        return None


def published_date(
    lines: list[str], hints: dict[str, str], sidecar: dict[str, str], warnings: list[ParseWarning]
) -> dt.date | None:
    for text in (sidecar.get("published_date"), hints.get("published")):
        match = DATE.search(text or "")
        if match:
            return to_date(match, warnings)
    dated = list(labelled_dates(lines))
    if dated:
        titled = [n for n, line in enumerate(head_of(lines)) if is_title(line)]
        if titled:  # the date line nearest the title: a page's own, not one in its chrome
            dated.sort(key=lambda found: (abs(found[0] - titled[0]), found[0] < titled[0]))
        return to_date(dated[0][1], warnings)
    return signature_date(lines, warnings)


def labelled_dates(lines: list[str]) -> Iterator[tuple[int, re.Match[str]]]:
    """The dates the head's lines label as a publication (发布时间: 2021-01-28), with their line."""
    for n, line in enumerate(head_of(lines)):
        label = DATE_LABEL.search(line)
        if not label or NOT_PUBLICATION.search(line[max(0, label.start() - 2) : label.start() + 2]):
            continue
        following = (
            line[label.end() :]
            if line[label.end() :].strip()
            else (lines[n + 1] if n + 1 < len(lines) else "")
        )
        match = DATE.match(following.strip())
        if match:
            yield n, match


def signature_date(lines: list[str], warnings: list[ParseWarning]) -> dt.date | None:
    """The date under the signature: a line near the end holding only a date (2021年1月20日)."""
    tail: list[str] = []  # the last non-blank lines, the last first
    for line in reversed(lines):
        if stripped := line.strip():
            tail.append(stripped)
            if len(tail) == SIGNATURE_LINES:
                break
    for line in tail:
        match = DATE.fullmatch(line.rstrip("日").strip()) or DATE.fullmatch(line)
        if match:
            return to_date(match, warnings)
    return None


def report_year(title: Title | None, lines: list[str], published: dt.date | None) -> tuple[int, str] | None:
    """The year the report is about: title first; the publication date only as a fallback."""
    if title:
        match = TITLE_YEAR.search(title.text)
        if match:
            return int(match.group(1)), "title"
    text = "\n".join(lines)
    period = PERIOD.search(text)
    if period:
        return int(period.group(1)), "statistics_period"
    years = Counter(int(y) for y in YEAR_IN_TEXT.findall("\n".join(head_of(lines))))
    if published is not None:
        plausible = {y: n for y, n in years.items() if y < published.year}
        if plausible:
            return max(plausible, key=lambda y: (plausible[y], y)), "text"
        return published.year - 1, "published_date"
    if years:
        return years.most_common(1)[0][0], "text"
    return None


def weak_hints(doc: Document, title: str | None, date: str | None, origin: str) -> None:
    """A document's own title and date (a PDF's document information, a Word file's core
    properties: ``origin`` says which) as hints, only where the text names no title (or no date),
    each with a warning. Tools fill them from the file a document was copied from (last year's
    report, a colleague's file), so they never outvote the text; a title is taken only where it
    reads as one."""
    if title and find_title(doc.lines, doc.raw_lines, {}) is None:
        hinted = {"title": title}
        if find_title(doc.lines, doc.raw_lines, hinted) is not None:
            doc.hints.update(hinted)
            doc.warnings.append(
                ParseWarning("weak_title_hint", f"no title in the text: {origin} gives {title!r}")
            )
    if date and published_date(doc.lines, {}, {}, []) is None:
        doc.hints["published"] = date
        doc.warnings.append(
            ParseWarning("weak_date_hint", f"no date in the text: {origin} gives {date} (created)")
        )
