"""Facts stated in sentences (``source_method = 'prose'``): published items, requests, appeals, trading.

The rules are vocabularies (``vocabulary/prose.yaml``) read against the *words of a figure*: the
text between the previous figure of the sentence (or its start) and this one. A figure is a number
(Arabic or Chinese numerals) with its unit; the words that make it approximate (3000余条, 近百件)
flag it, and the last scope word before it in its sentence (全区 against 本机关; with the sentence
before where it goes on with 其中) says whether it is about the report's own agency. Flagged
figures are kept but never compared exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache

from ingest import vocabulary as vocab
from ingest.numbers import read_cell, to_wan
from ingest.records import AppealFact, ApplicationFact, DisclosureFact, TransactionFact, UnmappedCell

SENTENCE = re.compile(r"[^。！？!?\n]+")
# the words extract_prose's rules test a line for
KEY_WORDS = re.compile("条|篇|申请|复议|诉讼|交易|规范性文件|规章")
# what every rule's regex needs besides: a count (PUBLISHED, REQUESTS, TRADING, a figure) or a
# negation (NO_REQUESTS, NO_APPEALS). Table headings (本年新收政府信息公开申请数量) have neither.
STATEMENT_WORDS = re.compile(r"[\d未无一二两三四五六七八九十百千]|没有")  # NUMERAL's first characters
MIN_SENTENCE = 8  # 全年发布信息9条 is the shortest statement worth reading
MIN_OUTCOME = 4  # 重复1件: an outcome told in the sentence after its paragraph's requests
FIGURE_WORDS = ("申请", "复议", "诉讼", "规范性文件", "规章")  # what add_figures reads, one of them
CLAUSE_BREAK = re.compile(r"[,，;；:：]")
BREAKS = ",，;；:：、()（）"  # what stands between a figure and words that are not its own
NUMERAL = r"\d[\d,]*(?:\.\d+)?|[一二两三四五六七八九十百千][零〇一二两三四五六七八九十百千]*"
NO_REQUESTS = re.compile(
    r"(?:未|没有)(?:收到|受理)[^，。；]{0,30}?(?:信息公开|依申请公开)[^，。；]{0,4}?申请"
)
REQUESTS = re.compile(
    r"(?:收到|受理)[^，,。；;\d]{0,12}?(?:信息公开|依申请公开)[^，,。；;\d]{0,6}?(?:申请|事项)[^，,。；;\d件条个份]{0,4}?"
    r"(?P<n>\d+)\s*(?:件|条|个|份)"
)
NO_APPEALS = re.compile(
    r"(?:未收到|未发生|没有|无|未出现|未有)[^，。；]{0,24}?行政复议(?P<both>[^，。；]{0,3}(?:行政)?诉讼)?"
)
TRADING = re.compile(
    r"(?:完成|进场|成交)[^，。；\d]{0,12}?交易(?:项目)?(?P<n>\d[\d,]*)\s*(?:个|宗|项)"
    r"(?:[，,]?\s*(?:交易|成交)(?:总)?(?:金额|额)(?:为|达)?\s*(?P<amount>\d[\d,.]*)\s*(?P<unit>亿元|万元|元))?"
)
# the words a figure is announced with, between its meaning and the number (共受理申请共计12件)
FILLER = re.compile(r"(?:其中|分别|共计|合计|总计|累计|总数|数量|共|计|为|是|达到|达|有)+$")
REQUEST_UNITS = frozenset("件个条份项宗次")
DOCUMENT_UNITS = frozenset("件个份部篇项")
# words that make the figure of a channel no publishing (中心上报信息53条, 网站点击量120万次)
NOT_PUBLISHING = re.compile("报送|上报|点击|访问|浏览|转载|采用|报道|留言|咨询")
CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}


@cache
def rules() -> dict:
    """The prose vocabulary, compiled."""
    data = vocab.load("prose")
    approx = data["approximate"]
    before = "|".join(sorted(map(re.escape, approx["before"]), key=len, reverse=True))
    after = "|".join(sorted(map(re.escape, approx["after"]), key=len, reverse=True))

    def section(lines: list[dict]) -> list[tuple[str, re.Pattern[str]]]:
        return [(line["code"], re.compile("|".join(f"(?:{p})" for p in line["patterns"]))) for line in lines]

    return {
        "figure": re.compile(
            rf"(?P<before>{before})?(?P<num>{NUMERAL})\s*(?P<wan>万)?(?P<after>{after})?\s*"
            rf"(?P<unit>[件条篇个份项宗次部])(?!例|工作日|月|百分点|小时|季度|方面)(?P<tail>{after})?"
        ),
        "published": re.compile(
            r"(?:主动)?(?:公开|发布|推送|更新|公开发布|发布了|公开了)(?:各类|政府|政务)?"
            r"(?:信息|政务信息|政府信息|动态信息|稿件|文章)?(?:(?P<issues>\d+)期)?(?:共|共计)?"
            rf"(?P<before>{before})?(?P<count>{NUMERAL})\s*(?P<wan>万)?(?P<after>{after})?\s*"
            rf"(?:条|篇)(?P<tail>{after})?"
        ),
        "other_scope": re.compile("|".join(f"(?:{p})" for p in data["other_scope"])),
        "own_scope": re.compile("|".join(f"(?:{p})" for p in data["own_scope"])),
        "requests": section(data["requests"]),
        "outcomes": section(data["outcomes"]),
        "outcomes_unmapped": re.compile("|".join(f"(?:{p})" for p in data["outcomes_unmapped"])),
        "appeals": section(data["appeals"]),
        "items": section(data["documents"]["items"]),
        "measures": {t: section(lines) for t, lines in data["documents"]["measures"].items()},
        "total_words": [re.compile(w) for w in data["total_words"]],
    }


def first_code(entries: list[tuple[str, re.Pattern[str]]], words: str) -> str | None:
    return next((code for code, pattern in entries if pattern.search(words)), None)


def chinese_number(text: str) -> int | None:
    """十二 → 12, 一百零五 → 105, 百 → 100, 两千三百 → 2300; None for a run of digits (一二)."""
    total = section = 0
    digit: int | None = None
    for ch in text:
        if ch in CN_DIGITS:
            if digit:  # two digits in a row: not a number in words
                return None
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            section += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def number_of(text: str, wan: str | None = None) -> Decimal | None:
    """A figure's number, Arabic (1,204) or in Chinese numerals (一百零五), times 万 where printed."""
    if text[0].isdigit():
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            return None
    else:
        count = chinese_number(text)
        if count is None:
            return None
        value = Decimal(count)
    return value * 10000 if wan else value


@dataclass(frozen=True)
class Figure:
    value: Decimal
    approximate: bool
    unit: str
    start: int
    end: int


def figures(sentence: str) -> Iterator[Figure]:
    """The figures of a sentence, in order: a number with its unit (件/条/篇 …), not an article
    number (第二十条) nor a tail of a longer number (41.48 万件 is one figure, not 48)."""
    for match in rules()["figure"].finditer(sentence):
        before = sentence[: match.start()].rstrip()
        if before.endswith(("第", ".")) or (before and before[-1].isdigit()):
            continue
        value = number_of(match["num"], match["wan"])
        if value is None:
            continue
        approximate = bool(match["before"] or match["after"] or match["tail"])
        yield Figure(value, approximate, match["unit"], match.start(), match.end())


def other_scope(context: str) -> bool:
    """Whether the last scope word of ``context`` (the paragraph up to a figure) is a wider area's."""
    r = rules()
    wider = [m.end() for m in r["other_scope"].finditer(context)]
    if not wider:
        return False
    own = [m.end() for m in r["own_scope"].finditer(context)]
    return not own or wider[-1] > own[-1]


@dataclass
class ProseFacts:
    disclosures: list[DisclosureFact] = field(default_factory=list)
    applications: list[ApplicationFact] = field(default_factory=list)
    appeals: list[AppealFact] = field(default_factory=list)
    transactions: list[TransactionFact] = field(default_factory=list)
    unmapped: list[UnmappedCell] = field(default_factory=list)  # statements with no code (不予公开N件)


class Printed:
    """Text as printed (the report's own script) for a span of the simplified text.

    Simplification keeps character positions wherever the two texts have one length,
    which is nearly always; otherwise the simplified span is the best available. The
    texts are joined only when a span is asked for (a trading statement: few reports).
    """

    def __init__(self, lines: list[str], raw_lines: list[str]):
        self.lines, self.raw_lines = lines, raw_lines
        self.source: str | None = None
        self.offset = 0  # where the sentence being read starts in the text

    def __call__(self, start: int, end: int) -> str:
        if self.source is None:
            simplified, raw = "\n".join(self.lines), "\n".join(self.raw_lines)
            self.source = raw if len(raw) == len(simplified) else simplified
        return self.source[self.offset + start : self.offset + end]


def channel_of(context: str) -> str | None:
    codes = vocab.match("prose", "channels", context)
    return codes["code"] if codes else None


def mentions_several_channels(context: str) -> bool:
    found = {e.codes["code"] for e in vocab.entries("prose", "channels") if e.matches(context)}
    return len(found - {"wechat_weibo"}) >= 2 and "wechat_weibo" not in found


@dataclass(frozen=True)
class Count:
    """One published-information count of a sentence (channel None: a listed part naming none)."""

    channel: str | None
    value: Decimal
    words: str
    approximate: bool
    start: int  # where its figure starts in the sentence


def published_counts(sentence: str, total_before: bool = False) -> list[Count]:
    """Each 'published N items' of one sentence, with its channel.

    The channel is named in the words between the previous count (or the clause start)
    and this one; failing that, by the nearest channel earlier in the sentence; a count
    with no channel anywhere before it is the total ('all'). Once a total is stated (in
    this sentence or, ``total_before``, earlier in its paragraph), a figure whose own words
    name a channel is one of its parts without a verb (其中门户网站980条、政务微博124条).
    """
    r = rules()
    found: list[Count] = []
    previous_end = 0
    spans = []
    ends = [f.end for f in figures(sentence)] if "其中" in sentence or total_before else []
    for match in r["published"].finditer(sentence):
        spans.append((match.start(), match.end()))
        # a channel's words start after the previous figure (政府网站1条、通过部门网站发布1条)
        previous_end = max([previous_end, *(e for e in ends if e <= match.start())])
        before = sentence[previous_end : match.start()]
        clauses = CLAUSE_BREAK.split(before)
        own = clauses[-1] if clauses else ""
        channel = channel_of(own)
        if channel is None:
            earlier = sentence[: match.start() - len(own)]
            channel = None if mentions_several_channels(earlier) else channel_of(earlier)
        if channel is None:
            channel = "all"
        if channel == "all" and not any(w.search(sentence[: match.end()]) for w in r["total_words"]):
            previous_end = match.end()
            continue
        count = number_of(match["count"], match["wan"])
        if count is not None:
            approximate = bool(match["before"] or match["after"] or match["tail"])
            words = sentence[max(0, match.start() - len(own)) : match.end()].strip("，,、 ")
            found.append(Count(channel, count, words, approximate, match.start("count")))
        previous_end = match.end()
    totals = [c.start for c in found if c.channel == "all"]
    if not (total_before or totals):
        return found
    # where the total's parts are listed: after 其中 (following the total, or opening the sentence)
    listed = sentence.find("其中", totals[0] if totals else 0)
    previous_end = 0
    for figure in figures(sentence):
        if figure.unit not in "条篇" or any(s <= figure.start < e for s, e in spans):
            previous_end = figure.end
            continue
        own = CLAUSE_BREAK.split(sentence[previous_end : figure.start])[-1]
        channel = channel_of(own)
        words = sentence[figure.start - len(own) : figure.end].strip("，,、 ")
        if NOT_PUBLISHING.search(own):
            pass
        elif channel is not None:
            found.append(Count(channel, figure.value, words, figure.approximate, figure.start))
        elif 0 <= listed < figure.start and own.strip("，,、 其中"):
            # a listed part that names no channel (其中交易类信息8237条): the parts are not all
            # channels, so text_parts_sum cannot be assessed; kept as a statement with no code
            found.append(Count(None, figure.value, words, figure.approximate, figure.start))
        previous_end = figure.end
    return sorted(found, key=lambda c: c.start)


def paragraph_sentences(lines: list[str]) -> Iterator[list[tuple[re.Match[str], int]]]:
    """The sentences of each line (a paragraph) that holds a rule's key word and a count or a
    negation (no rule reads any other line), each with its line's offset in the lines joined by
    newlines (a sentence never spans a line; most lines are cells)."""
    offset = 0
    for line in lines:
        if len(line) >= MIN_SENTENCE and KEY_WORDS.search(line) and STATEMENT_WORDS.search(line):
            yield [(match, offset) for match in SENTENCE.finditer(line)]
        offset += len(line) + 1


@dataclass
class Paragraph:
    """What one paragraph has stated so far: a request total (outcomes follow it), a published total."""

    requests: bool = False
    published_total: bool = False


def extract_prose(lines: list[str], raw_lines: list[str], template: str | None = None) -> ProseFacts:
    """Facts from the sentences of the report (simplified ``lines``; ``raw_lines`` give the printed
    text); ``template`` decides the measure of an Article 20 figure (制发 → issued or new_made)."""
    facts = ProseFacts()
    seen_channels: set[tuple[str, bool]] = set()
    printed = Printed(lines, raw_lines)
    for line_sentences in paragraph_sentences(lines):
        paragraph = Paragraph()
        previous_sentence = ""
        for sentence_match, offset in line_sentences:
            sentence = sentence_match.group(0)
            if len(sentence) < (MIN_OUTCOME if paragraph.requests else MIN_SENTENCE):
                continue  # table cells and headings: no statement of a fact
            printed.offset = offset + sentence_match.start()
            # the scope words a figure reads: its sentence's, and the one before where this goes
            # on with it (全区共受理申请500件。其中…), never a sentence further back
            before = previous_sentence if sentence.lstrip("，, ").startswith("其中") else ""
            previous_sentence = sentence
            # cheap word tests first: each rule's regex runs only where its key word stands
            if "条" in sentence or "篇" in sentence:
                for count in published_counts(sentence, paragraph.published_total):
                    scope = other_scope(before + sentence[: count.start])
                    if count.channel is None:
                        column = (
                            "prose_other_scope"
                            if scope
                            else "prose_approximate"
                            if count.approximate
                            else "prose"
                        )
                        part = text_words(count.words).removeprefix("其中").strip("，,、 ")
                        facts.unmapped.append(
                            UnmappedCell("published_information", part, column, count.value, count.words)
                        )
                        continue
                    if count.channel == "all":
                        paragraph.published_total = True
                    if (count.channel, scope) in seen_channels:
                        continue
                    seen_channels.add((count.channel, scope))
                    facts.disclosures.append(
                        DisclosureFact(
                            "published_information",
                            "count",
                            count.value,
                            "prose",
                            count.words,
                            count.channel,
                            approximate=count.approximate,
                            other_scope=scope,
                        )
                    )
            if "申请" in sentence:
                add_requests(sentence, facts)
            if "复议" in sentence:
                add_appeals(sentence, facts)
            if "交易" in sentence:
                add_trading(sentence, facts, printed)
            if paragraph.requests or any(w in sentence for w in FIGURE_WORDS):
                add_figures(sentence, before, paragraph, facts, template)
    return facts


def add_requests(sentence: str, facts: ProseFacts) -> None:
    """未收到…申请 (0), or …收到…信息公开申请N件 in words add_figures does not read."""
    if any(f.outcome_code == "new_received" for f in facts.applications):
        return
    none = NO_REQUESTS.search(sentence)
    if none:
        facts.applications.append(
            ApplicationFact("new_received", "total", Decimal(0), "prose", none.group(0))
        )


def words_of(sentence: str, start: int, end: int) -> str:
    """A figure's words: the text before it back to the previous figure, without its filler."""
    return FILLER.sub("", sentence[start:end].strip("，,、；; "))


def add_figures(
    sentence: str, before: str, paragraph: Paragraph, facts: ProseFacts, template: str | None
) -> None:
    """The figures of requests (summary and outcomes), appeals and Article 20 documents of one
    sentence, each coded by its words (vocabulary/prose.yaml); ``before`` is the sentence it goes
    on with (其中…), whose scope words count too."""
    r = rules()
    previous_end = 0
    requests_here = REQUESTS.search(sentence)
    found = list(figures(sentence))
    for at, figure in enumerate(found):
        words = words_of(sentence, previous_end, figure.start)
        text = CLAUSE_BREAK.split(sentence[previous_end : figure.end])[-1].strip("，,、；; ")
        previous_end = figure.end
        # the words right after the figure, to the next clause (其中2件同意公开，1件因…): an
        # outcome's, where the words before it name none
        after = sentence[figure.end : found[at + 1].start if at + 1 < len(found) else len(sentence)]
        after = "" if not after or after[0] in BREAKS else CLAUSE_BREAK.split(after)[0].rstrip(BREAKS)
        scope = other_scope(before + sentence[: figure.start])
        if figure.unit in REQUEST_UNITS and (appeal := first_code(r["appeals"], words)):
            add_appeal_figure(appeal, figure, text, scope, facts)
            continue
        item = first_code(r["items"], words) if figure.unit in DOCUMENT_UNITS else None
        if item is not None:
            measures = r["measures"].get(template or "gb2019", r["measures"]["gb2019"])
            measure = first_code(measures, words)
            if measure is not None:
                facts.disclosures.append(
                    DisclosureFact(
                        item,
                        measure,
                        figure.value,
                        "prose",
                        text,
                        approximate=figure.approximate,
                        other_scope=scope,
                    )
                )
            continue
        if figure.unit not in REQUEST_UNITS:
            continue
        code = first_code(r["requests"], words)
        if code is None and requests_here and requests_here.start("n") == figure.start:
            code = "new_received"  # 收到…信息公开…申请N件 in longer words than the vocabulary's
        if code == "new_received":
            paragraph.requests = True
        elif code is None and paragraph.requests and "主动" not in words:
            code = first_code(r["outcomes"], words)
            if code is None and not r["outcomes_unmapped"].search(words) and after:
                words = after  # the figure's words follow it
                code = first_code(r["outcomes"], words)
                if code is not None or r["outcomes_unmapped"].search(words):
                    previous_end = figure.end + len(after)  # the next figure's words start after them
                    text = sentence[figure.start : previous_end]
            if code is None and r["outcomes_unmapped"].search(words):
                facts.unmapped.append(
                    UnmappedCell("applications", words, prose_column(figure, scope), figure.value, text)
                )
                continue
        if code is not None:
            add_application(code, figure, text, scope, facts)


def prose_column(figure: Figure, scope: bool) -> str:
    """The column_label of a prose statement with no code (fct_unmapped_cells): how it was read."""
    return "prose_other_scope" if scope else "prose_approximate" if figure.approximate else "prose"


def text_words(text: str) -> str:
    """A statement's words without its figure (提起行政诉讼3件 → 提起行政诉讼)."""
    found = list(figures(text))
    return text[: found[-1].start].strip("，,、；; ") if found else text


def add_application(code: str, figure: Figure, text: str, scope: bool, facts: ProseFacts) -> None:
    """One cell of the requests told in a sentence; the first statement of a cell (in its scope) wins."""
    for fact in facts.applications:
        if fact.outcome_code == code and fact.other_scope == scope:
            return
    facts.applications.append(
        ApplicationFact(
            code, "total", figure.value, "prose", text, approximate=figure.approximate, other_scope=scope
        )
    )


def add_appeal_figure(kind: str, figure: Figure, text: str, scope: bool, facts: ProseFacts) -> None:
    """行政复议N件 → administrative_review.total; 行政诉讼M件 is both litigation kinds only when 0
    (the tables split it: direct / after review); otherwise an unmapped statement."""
    if kind == "litigation":
        if figure.value != 0:  # text_table_agreement compares it with the two kinds' sum
            facts.unmapped.append(
                UnmappedCell("appeals", text_words(text), prose_column(figure, scope), figure.value, text)
            )
            return
        kinds = ["litigation_direct", "litigation_after_review"]
    else:
        kinds = [kind]
    for k in kinds:
        if any(
            f.appeal_kind == k and f.result_code == "total" and f.other_scope == scope for f in facts.appeals
        ):
            continue
        facts.appeals.append(
            AppealFact(
                k, "total", figure.value, "prose", text, approximate=figure.approximate, other_scope=scope
            )
        )


def add_appeals(sentence: str, facts: ProseFacts) -> None:
    if facts.appeals:
        return
    match = NO_APPEALS.search(sentence)
    if not match:
        return
    kinds = ["administrative_review"]
    if match.group("both"):
        kinds += ["litigation_direct", "litigation_after_review"]
    for kind in kinds:
        facts.appeals.append(AppealFact(kind, "total", Decimal(0), "prose", match.group(0)))


def add_trading(sentence: str, facts: ProseFacts, printed: Printed) -> None:
    if facts.transactions:
        return
    match = TRADING.search(sentence)
    if not match:
        return
    amount_wan = amount_text = None
    if match.group("amount"):
        cell = read_cell(match.group("amount"))
        if cell.value is not None:
            amount_wan = to_wan(cell.value, match.group("unit"))
            amount_text = printed(match.start("amount"), match.end("unit"))
    facts.transactions.append(
        TransactionFact(
            "platform",
            "all",
            int(match.group("n").replace(",", "")),
            amount_wan,
            amount_text,
            "prose",
            printed(match.start(), match.end()),
        )
    )
