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
        return f"{truth.report_year}年，共收到政府信息公开申请{stated}件，均已在规定期限内予以答复。"
    return f"全年共收到政府信息公开申请{stated}件，均在法定期限内答复。"


def appeals_sentence(truth: ReportTruth, rng: random.Random) -> str:
    kinds = {k for k, _ in truth.prose_appeals}
    if kinds == set(APPEAL_KINDS):
        return rng.choice(
            (
                f"{truth.report_year}年，未发生因政府信息公开引起的行政复议和行政诉讼。",
                "全年未收到任何关于信息公开的行政复议和诉讼。",
            )
        )
    if kinds:
        return "全年未发生因政府信息公开申请行政复议的情况。"
    if truth.template_version == "pre2019":
        return f"本年度因政府信息公开申请行政复议{rng.randint(1, 3)}件，均已依法处理完毕。"
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
