"""The report's words: chapters of sentences around the tables, stating the truth's prose facts.

The sentences that carry facts follow the real reports' wording (seeds 001–004, the
samples): 全年主动公开政府信息N条，其中通过…发布N条、… (channels), 全年共收到政府信息公开申请N件
(requests), 未发生因政府信息公开引起的行政复议和行政诉讼 (no appeals), 全年完成公共资源交易项目N个，
交易金额X亿元 (trading). Every other sentence is filler without figures, so the parser
reads exactly the facts the truth holds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from synthetic.template import APPEAL_KINDS, CHAPTERS
from synthetic.truth import ReportTruth


@dataclass(frozen=True)
class Chapter:
    heading: str
    paragraphs: tuple[str, ...]
    table: str | None = None  # 'article20' | 'applications' | 'appeals': the table printed after it


def channel_words(channel: str, truth: ReportTruth) -> str:
    agency = truth.agency
    own = "中心网站" if agency.agency_type == "trading_center" else "本机关门户网站"
    stem = agency.place[:-1] if len(agency.place) > 2 else agency.place
    return {
        "website": own,
        "gov_portal": f"{agency.place}人民政府门户网站",
        "wechat": f"“{stem}发布”微信公众号",
        "weibo": "官方微博",
        "wechat_weibo": "微信公众号、微博",
    }[channel]


def published_sentence(truth: ReportTruth, rng: random.Random) -> str | None:
    """The channels of published information (text_parts_sum where a total and its parts are given)."""
    counts = dict(truth.published_information)
    if not counts:
        return None
    total = counts.pop("all", None)
    parts = [(channel_words(c, truth), n) for c, n in counts.items()]
    if total is not None and not parts:
        return rng.choice((f"全年共主动公开政府信息{total}条。", f"全年主动公开政府信息{total}条。"))
    if total is None:
        if len(parts) == 1:
            words, n = parts[0]
            return f"{words}主动公开信息{n}条。"
        return (
            "，".join(
                f"通过{w}发布政务信息{n}条" if i == 0 else f"通过{w}发布{n}条"
                for i, (w, n) in enumerate(parts)
            )
            + "。"
        )
    form = rng.randrange(3)
    if form == 0:
        listed = "、".join(f"通过{w}发布{n}条" for w, n in parts)
        return f"全年主动公开政府信息{total}条，其中{listed}。"
    if form == 1:
        listed = "，".join(f"{w}共发布信息{n}篇" if "微博" in w else f"{w}发布信息{n}条" for w, n in parts)
        return f"全年主动公开信息{total}条，{listed}。"
    listed = "、".join(f"{w}发布{n}条" for w, n in parts)
    return f"全年通过各种方式公开政府信息{total}条。其中，{listed}。"


def requests_sentence(truth: ReportTruth, rng: random.Random) -> str:
    stated = truth.prose_applications.get(("new_received", "total"))
    if stated is None:
        return "严格按照《条例》规定的程序和时限办理政府信息公开申请，做到依法答复、规范办理。"
    if stated == 0:
        return rng.choice(("全年未收到政府信息公开申请。", "本年度未收到公众提出的政府信息公开申请。"))
    if truth.template_version == "pre2019":
        told = {code: n for (code, _), n in truth.prose_applications.items() if code != "new_received"}
        if told:  # wordings from a stream of the report's own: the page's other draws stay
            own = random.Random(f"outcome_words:{truth.agency.name}:{truth.report_year}")
            return requests_statement(own, stated, told, truth.report_year).text
        return f"{truth.report_year}年，共收到政府信息公开申请{stated}件，均已在规定期限内予以答复。"
    processed = truth.prose_applications.get(("total_processed", "total"))
    forward = truth.prose_applications.get(("carried_forward", "total"))
    if processed is not None and forward is not None:  # wordings from a stream of the report's own
        own = random.Random(f"summary_words:{truth.agency.name}:{truth.report_year}")
        return summary_statement(own, stated, processed, forward).text
    return f"全年共收到政府信息公开申请{stated}件，均在法定期限内答复。"


def appeals_sentence(truth: ReportTruth, rng: random.Random) -> str:
    kinds = {k for k, _ in truth.prose_appeals}
    reviews = truth.prose_appeals.get(("administrative_review", "total"))
    if reviews:  # one of three endings: the draw the figure took before it was the truth's
        ending = rng.choice(("均已依法处理完毕", "均已依法办结", "均已审结"))
        return f"本年度因政府信息公开申请行政复议{reviews}件，{ending}。"
    if kinds == set(APPEAL_KINDS):
        return rng.choice(
            (
                f"{truth.report_year}年，未发生因政府信息公开引起的行政复议和行政诉讼。",
                "全年未收到任何关于信息公开的行政复议和诉讼。",
            )
        )
    if kinds:
        return "全年未发生因政府信息公开申请行政复议的情况。"
    return "本年度因政府信息公开工作被申请行政复议、提起行政诉讼的情况见下表。"


def trading_sentence(truth: ReportTruth, rng: random.Random) -> str | None:
    found = [t for t in truth.transactions if t.source_method == "prose"]
    if not found:
        return None
    trade = found[0]
    level = {"province": "省本级", "prefecture": "市本级", "county": "县本级"}[truth.agency.admin_level]
    lead = rng.choice(("全年共完成公共资源交易项目", f"全年，{level}完成进场交易项目"))
    worth = f"，交易金额{trade.amount_text}" if trade.amount_text else ""
    return f"{lead}{trade.project_count}个{worth}，交易信息均通过网站依法公开。"


FILLER = (
    "严格落实信息发布前保密审查和“三审三校”制度，确保信息发布及时、准确、安全。",
    "将政务公开工作纳入年度目标责任制考核，明确分管领导和专职人员，定期组织业务培训。",
    "规范设置政策文件、工作动态、通知公告等栏目，及时更新公开内容，方便群众查阅。",
    "认真做好政策解读和回应关切工作，以图文、问答等形式解读重要政策文件。",
)


def chapters(truth: ReportTruth, rng: random.Random) -> list[Chapter]:
    """The report's chapters; the three tables follow chapters 二, 三 and 四 of a table report."""
    agency, year = truth.agency, truth.report_year
    place_name = agency.name  # the full name: a title without its place is qualified from it
    published = published_sentence(truth, rng)
    trading = trading_sentence(truth, rng)
    if truth.template_version == "pre2019":
        heads = CHAPTERS["pre2019"]
        return [
            Chapter(
                heads[0],
                tuple(
                    p
                    for p in (
                        f"{year}年，{place_name}认真贯彻落实《条例》，不断完善信息公开工作机制。"
                        + (trading or ""),
                        FILLER[1],
                    )
                    if p
                ),
            ),
            Chapter(heads[1], tuple(p for p in (published or FILLER[2], FILLER[3]) if p)),
            Chapter(heads[2], (requests_sentence(truth, rng),)),
            Chapter(heads[3], ("未收取任何政府信息公开相关费用，也未发生减免情况。",)),
            Chapter(heads[4], (appeals_sentence(truth, rng),)),
            Chapter(heads[5], ("信息公开的深度和广度还需进一步拓展，网站栏目设置有待优化。",)),
            Chapter(heads[6], ("无。",)),
        ]
    heads = CHAPTERS["table"]
    overview = [
        f"{year}年，{place_name}坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实《条例》，"
        f"持续深化{agency.place}政务公开工作。",
        "（一）主动公开。" + (published or FILLER[2]),
        "（二）依申请公开。" + requests_sentence(truth, rng),
        "（三）政府信息管理。" + FILLER[0],
        "（四）平台建设。" + FILLER[2],
        "（五）监督保障。" + FILLER[1],
    ]
    if trading:
        overview.insert(1, trading)
    appeals_text = appeals_sentence(truth, rng)
    return [
        Chapter(heads[0], tuple(overview)),
        Chapter(heads[1], (), "article20"),
        Chapter(heads[2], (), "applications"),
        Chapter(heads[3], (appeals_text,) if truth.prose_appeals or rng.random() < 0.3 else (), "appeals"),
        Chapter(
            heads[4],
            (
                "政策解读形式较为单一，依申请公开答复的规范化水平有待进一步提高。",
                f"{year + 1}年，将进一步丰富解读形式，加强业务培训，提升政务公开质量。",
            ),
        ),
        Chapter(heads[5], ("本年度未收取信息处理费。",)),
    ]


def intro(truth: ReportTruth) -> str:
    year = truth.report_year
    basis = {
        "pre2019": "和省、市关于做好政府信息公开工作年度报告的要求",
        "gb2019": "和《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》"
        "（国办公开办函〔2019〕60号）",
        "gb2021": "和《国务院办公厅政府信息与政务公开办公室关于印发"
        "〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）",
    }[truth.template_version]
    return (
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）{basis}要求编制。"
        f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    )


# --- sentence forms, each with the facts it states (held against the parser by tests/test_prose.py) ---
#
# The generator's own words, not the parser's vocabulary: a form the parser does not know fails.

OUTCOME_WORDS: dict[str, tuple[str, ...]] = {
    "granted": ("同意公开", "予以公开", "已公开", "全部公开"),
    "partially_granted": ("部分公开", "同意部分公开"),
    "denied_state_secret": ("因属于国家秘密不予公开", "涉及国家秘密不予公开"),
    "denied_law_prohibited": ("因法律、行政法规禁止公开不予公开",),
    "denied_third_party": ("因涉及商业秘密、个人隐私不予公开", "因可能损害第三方合法权益不予公开"),
    "denied_internal_affairs": ("属于内部事务信息不予公开",),
    "denied_process_info": ("属于过程性信息不予公开",),
    "unable_not_held": ("信息不存在", "本机关不掌握相关信息", "非本机关政府信息"),
    "unable_needs_creation": ("需另行制作", "没有现成信息"),
    "unable_unclear": ("申请内容不明确",),
    "not_processed_petition": ("属于信访举报投诉类申请不予处理",),
    "not_processed_duplicate": ("重复申请",),
    "not_processed_publication": ("要求提供公开出版物",),
    "other_processing": ("以其他方式处理",),
}
# outcomes told without a reason the tables' codes need: stated, but no fact
UNCODED_OUTCOMES = ("不予公开", "转交其他机关办理", "告知申请人通过其他途径获取")
PART_WORDS: dict[str, tuple[str, ...]] = {
    "website": ("门户网站", "部门网站", "本机关网站"),
    "gov_portal": ("政府门户网站", "政务公开平台"),
    "wechat": ("政务微信", "微信公众号"),
    "weibo": ("政务微博", "官方微博"),
    "wechat_weibo": ("微信、微博", "“两微”平台"),
    "app": ("政务客户端", "移动端APP"),
    "short_video": ("抖音号", "政务视频号"),
    "news_feed": ("今日头条号",),
    "newspaper": ("本地日报",),
    "broadcast": ("电视台",),
    "notice_board": ("政务公开栏", "电子显示屏"),
}
CN_DIGITS = "零一二三四五六七八九"
LEADS = ("全年", "本年度", "{year}年，", "{year}年，本机关")


@dataclass(frozen=True)
class Stated:
    """Sentences of prose and the facts they state: key → (value, approximate, other_scope).

    Keys: ``applications:<outcome_code>``, ``appeals:<appeal_kind>`` (result ``total``),
    ``published:<channel>``, ``documents:<item_code>.<measure_code>``; ``unmapped`` counts the
    statements read with no code (不予公开N件 without its reason).
    """

    text: str
    facts: dict[str, tuple[int, bool, bool]]
    unmapped: int = 0


def chinese_numeral(n: int) -> str:
    """12 → 十二, 105 → 一百零五, 2300 → 二千三百, 0 → 零 (below 10,000)."""
    if n == 0:
        return "零"
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            if zero:
                out += "零"
            out += ("" if unit == "十" and digit == 1 and not out else CN_DIGITS[digit]) + unit
            zero = False
        elif out:
            zero = True
        n = n if n else 0
    return out


def figure(n: int, unit: str, rng: random.Random, approximate: bool = False) -> str:
    """``n`` printed with its unit: in Arabic or (below 10,000) Chinese numerals; if
    ``approximate``, in one of the forms that say so (3000余条, 约3000条, 3000条左右, 近百条)."""
    digits = chinese_numeral(n) if 0 < n < 10000 and rng.random() < 0.3 else str(n)  # 零件: a word
    if not approximate:
        return f"{digits}{unit}"
    if n in (100, 1000) and rng.random() < 0.5:
        return f"近{'百' if n == 100 else '千'}{unit}"
    return rng.choice((f"{digits}余{unit}", f"约{digits}{unit}", f"{digits}{unit}左右", f"{digits}多{unit}"))


def lead(rng: random.Random, year: int) -> str:
    return rng.choice(LEADS).format(year=year)


def requests_statement(
    rng: random.Random, received: int, outcomes: dict[str, int], year: int = 2016, uncoded: int | None = None
) -> Stated:
    """全年共受理申请12件，其中同意公开7件、部分公开2件，因属于国家秘密不予公开1件…: the request
    total and its outcomes (the form of pre2019 reports, and of summaries in the later ones)."""
    verb = rng.choice(
        ("共受理政府信息公开申请", "共收到政府信息公开申请", "受理依申请公开事项", "共受理申请")
    )
    words_first = rng.random() < 0.7  # 同意公开7件, or 7件同意公开 (one order a sentence)

    def told(words: str, n: int) -> str:
        return f"{words}{figure(n, '件', rng)}" if words_first else f"{figure(n, '件', rng)}{words}"

    parts = [told(rng.choice(OUTCOME_WORDS[code]), n) for code, n in outcomes.items()]
    if uncoded is not None:
        parts.insert(rng.randrange(len(parts) + 1), told(rng.choice(UNCODED_OUTCOMES), uncoded))
    listed = "".join((rng.choice(("、", "，")) if i else "") + p for i, p in enumerate(parts))
    text = f"{lead(rng, year)}{verb}{figure(received, '件', rng)}"
    if parts:
        text += rng.choice(("，其中", "。其中，", "，")) + listed
    facts = {"applications:new_received": (received, False, False)}
    facts |= {f"applications:{code}": (n, False, False) for code, n in outcomes.items()}
    return Stated(text + "。", facts, int(uncoded is not None))


def summary_statement(rng: random.Random, received: int, processed: int, forward: int) -> Stated:
    """共受理申请N件，办结M件，结转下年度K件: the figures a gb table also holds."""
    verb = rng.choice(("共受理政府信息公开申请", "共收到政府信息公开申请", "新收政府信息公开申请"))
    done = rng.choice(("办结", "已办结", "答复"))
    carried = rng.choice(("结转下年度", "结转下年度继续办理", "转入下一年度办理"))
    text = (
        f"全年{verb}{figure(received, '件', rng)}，{done}{figure(processed, '件', rng)}，"
        f"{carried}{figure(forward, '件', rng)}。"
    )
    return Stated(
        text,
        {
            "applications:new_received": (received, False, False),
            "applications:total_processed": (processed, False, False),
            "applications:carried_forward": (forward, False, False),
        },
    )


def appeals_statement(
    rng: random.Random, reviews: int, direct: int | None, after_review: int | None
) -> Stated:
    """行政复议N件、行政诉讼M件: a litigation figure states both kinds only when 0 or when the
    sentence names its kind (未经复议直接起诉 / 复议后起诉)."""
    verb = rng.choice(("被申请行政复议", "发生行政复议案件", "引发行政复议"))
    text = f"本年度因政府信息公开{verb}{figure(reviews, '件', rng)}"
    facts = {"appeals:administrative_review": (reviews, False, False)}
    unmapped = 0
    if direct is None and after_review is None:
        pass
    elif direct is not None and after_review is not None and direct == after_review == 0:
        text += f"、{rng.choice(('行政诉讼', '提起行政诉讼'))}{figure(0, '件', rng)}"
        facts |= {
            "appeals:litigation_direct": (0, False, False),
            "appeals:litigation_after_review": (0, False, False),
        }
    else:
        if direct is not None:
            text += f"，未经复议直接起诉{figure(direct, '件', rng)}"
            facts["appeals:litigation_direct"] = (direct, False, False)
        if after_review is not None:
            text += f"，复议后起诉{figure(after_review, '件', rng)}"
            facts["appeals:litigation_after_review"] = (after_review, False, False)
    return Stated(text + "。", facts, unmapped)


def published_statement(
    rng: random.Random, total: int, parts: dict[str, int], approximate: frozenset[str] = frozenset()
) -> Stated:
    """主动公开信息1204条，其中门户网站980条、政务微博124条、政务微信100条: a total (channel
    ``all``) and its parts, with or without a verb; ``approximate`` names the channels printed
    as approximate figures (3000余条)."""
    text = f"{rng.choice(('全年', '本年度'))}主动公开{rng.choice(('政府信息', '信息', '各类信息'))}"
    text += figure(total, "条", rng, "all" in approximate)
    listed = []
    for channel, n in parts.items():
        words, shown = rng.choice(PART_WORDS[channel]), figure(n, "条", rng, channel in approximate)
        listed.append(rng.choice((f"{words}{shown}", f"通过{words}发布{shown}", f"{words}发布信息{shown}")))
    if listed:
        text += rng.choice(("，其中", "。其中，")) + "、".join(listed)
    facts = {"published:all": (total, "all" in approximate, False)}
    facts |= {f"published:{c}": (n, c in approximate, False) for c, n in parts.items()}
    return Stated(text + "。", facts)


def scoped_statement(rng: random.Random, area: str, area_total: int, own: int, granted: int) -> Stated:
    """全区共受理申请500件，其中本机关受理12件，同意公开7件: the area's figure is another scope."""
    own_words = rng.choice(("本机关", "本单位", "区政府本级"))
    text = (
        f"{area}共受理政府信息公开申请{figure(area_total, '件', rng)}，"
        f"其中{own_words}受理{figure(own, '件', rng)}，"
        f"{rng.choice(OUTCOME_WORDS['granted'])}{figure(granted, '件', rng)}。"
    )
    return Stated(
        text,
        {
            "applications:new_received": (own, False, False),
            "applications:new_received@area": (area_total, False, True),
            "applications:granted": (granted, False, False),
        },
    )


def documents_statement(rng: random.Random, template: str, count: int) -> Stated:
    """主动公开规范性文件N件 (and 制发 …): the Article 20 cell of the template that counts them."""
    verb, measure = rng.choice(
        {
            "gb2019": (("主动公开", "new_published"), ("新制作", "new_made")),
            "gb2021": (("制发", "issued"), ("印发", "issued"), ("现行有效", "in_force")),
        }[template]
    )
    item, name = rng.choice((("normative_documents", "规范性文件"), ("regulations", "规章")))
    text = f"{lead(rng, 2022)}{verb}{name}{figure(count, '件', rng)}。"
    return Stated(text, {f"documents:{item}.{measure}": (count, False, False)})
