"""Facts stated in sentences (``source_method = 'prose'``): published items, requests, appeals, trading."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from ingest import vocabulary as vocab
from ingest.numbers import read_cell, to_wan
from ingest.records import AppealFact, ApplicationFact, DisclosureFact, TransactionFact

SENTENCE = re.compile(r"[^。！？!?\n]+")
KEY_WORDS = re.compile("条|篇|申请|复议|交易")  # the words extract_prose's rules test a sentence for
# what every rule's regex needs besides: a count (PUBLISHED, REQUESTS, TRADING) or a negation
# (NO_REQUESTS, NO_APPEALS). Table headings (第二十条第(一)项, 本年新收政府信息公开申请数量) have neither.
STATEMENT_WORDS = re.compile(r"[\d未无]|没有")
MIN_SENTENCE = 8  # 全年发布信息9条 is the shortest statement worth reading
CLAUSE_BREAK = re.compile(r"[,，;；:：]")
PUBLISHED = re.compile(
    r"(?:主动)?(?:公开|发布|推送|更新|公开发布|发布了|公开了)(?:各类|政府|政务)?(?:信息|政务信息|政府信息|动态信息|稿件|文章)?"
    r"(?:(?P<issues>\d+)期)?(?:共|共计)?(?P<count>\d[\d,]*)\s*(?:条|篇)"
)
NO_REQUESTS = re.compile(
    r"(?:未|没有)(?:收到|受理)[^，。；]{0,30}?(?:信息公开|依申请公开)[^，。；]{0,4}?申请"
)
REQUESTS = re.compile(
    r"(?:收到|受理)[^，。；\d]{0,12}?(?:信息公开|依申请公开)[^，。；\d]{0,6}?(?:申请|事项)[^，。；\d]{0,4}?(?P<n>\d+)\s*(?:件|条|个|份)"
)
NO_APPEALS = re.compile(
    r"(?:未收到|未发生|没有|无|未出现|未有)[^，。；]{0,24}?行政复议(?P<both>[^，。；]{0,3}(?:行政)?诉讼)?"
)
TRADING = re.compile(
    r"(?:完成|进场|成交)[^，。；\d]{0,12}?交易(?:项目)?(?P<n>\d[\d,]*)\s*(?:个|宗|项)"
    r"(?:[，,]?\s*(?:交易|成交)(?:总)?(?:金额|额)(?:为|达)?\s*(?P<amount>\d[\d,.]*)\s*(?P<unit>亿元|万元|元))?"
)


@dataclass
class ProseFacts:
    disclosures: list[DisclosureFact] = field(default_factory=list)
    applications: list[ApplicationFact] = field(default_factory=list)
    appeals: list[AppealFact] = field(default_factory=list)
    transactions: list[TransactionFact] = field(default_factory=list)


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


def published_counts(sentence: str) -> list[tuple[str, Decimal, str]]:
    """(channel, count, words) for each 'published N items' in one sentence.

    The channel is named in the words between the previous count (or the clause start)
    and this one; failing that, by the nearest channel earlier in the sentence; a count
    with no channel anywhere before it is the total ('all').
    """
    found = []
    previous_end = 0
    for match in PUBLISHED.finditer(sentence):
        before = sentence[previous_end : match.start()]
        clauses = CLAUSE_BREAK.split(before)
        own = clauses[-1] if clauses else ""
        channel = channel_of(own)
        if channel is None:
            earlier = sentence[: match.start() - len(own)]
            channel = None if mentions_several_channels(earlier) else channel_of(earlier)
        if channel is None:
            channel = "all"
        if channel == "all" and not any(
            re.search(w, sentence[: match.end()]) for w in vocab.load("prose")["total_words"]
        ):
            previous_end = match.end()
            continue
        count = Decimal(match.group("count").replace(",", ""))
        found.append(
            (channel, count, sentence[max(0, match.start() - len(own)) : match.end()].strip("，,、 "))
        )
        previous_end = match.end()
    return found


def sentences(lines: list[str]) -> Iterator[tuple[re.Match[str], int]]:
    """The sentences of the lines that hold a rule's key word and a count or a negation (no rule
    reads any other sentence), each with its line's offset in
    the lines joined by newlines (a sentence never spans a line; most lines are cells)."""
    offset = 0
    for line in lines:
        if len(line) >= MIN_SENTENCE and KEY_WORDS.search(line) and STATEMENT_WORDS.search(line):
            for match in SENTENCE.finditer(line):
                yield match, offset
        offset += len(line) + 1


def extract_prose(lines: list[str], raw_lines: list[str]) -> ProseFacts:
    """Facts from the sentences of the report (simplified ``lines``; ``raw_lines`` give the printed text)."""
    facts = ProseFacts()
    seen_channels: set[str] = set()
    printed = Printed(lines, raw_lines)
    for sentence_match, offset in sentences(lines):
        sentence = sentence_match.group(0)
        if len(sentence) < MIN_SENTENCE:
            continue  # table cells and headings: no statement of a fact
        printed.offset = offset + sentence_match.start()
        # cheap word tests first: each rule's regex runs only where its key word stands
        if "条" in sentence or "篇" in sentence:
            for channel, count, words in published_counts(sentence):
                if channel in seen_channels:
                    continue
                seen_channels.add(channel)
                facts.disclosures.append(
                    DisclosureFact("published_information", "count", count, "prose", words, channel)
                )
        if "申请" in sentence:
            add_requests(sentence, facts)
        if "复议" in sentence:
            add_appeals(sentence, facts)
        if "交易" in sentence:
            add_trading(sentence, facts, printed)
    return facts


def add_requests(sentence: str, facts: ProseFacts) -> None:
    if any(f.outcome_code == "new_received" for f in facts.applications):
        return
    none = NO_REQUESTS.search(sentence)
    some = REQUESTS.search(sentence)
    if none:
        facts.applications.append(
            ApplicationFact("new_received", "total", Decimal(0), "prose", none.group(0))
        )
    elif some:
        facts.applications.append(
            ApplicationFact("new_received", "total", Decimal(some.group("n")), "prose", some.group(0))
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
