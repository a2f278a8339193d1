"""The report templates as data: codes of contract §3 in template order, and the labels printed for them.

Two table templates exist (国办公开办函〔2019〕60号 → ``gb2019``, 〔2021〕30号 → ``gb2021``);
``pre2019`` reports are prose only. Everything here is plain data shared by the value
generator (:mod:`synthetic.values`) and the renderer (:mod:`synthetic.render`).
"""

from __future__ import annotations

APPLICANTS: tuple[str, ...] = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
)
PERSON_COLUMNS: tuple[str, ...] = APPLICANTS[:6]  # the columns whose sum is 总计

INTAKE = ("new_received", "carried_over")
DENIED = (
    "denied_state_secret",
    "denied_law_prohibited",
    "denied_security_stability",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_admin_inquiry",
)
UNABLE = ("unable_not_held", "unable_needs_creation", "unable_unclear")
NOT_PROCESSED = (
    "not_processed_petition",
    "not_processed_duplicate",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_confirmation",
)
OTHER = {
    "gb2019": ("other_processing",),
    "gb2021": ("other_overdue_correction", "other_overdue_fee", "other_other"),
}


def part_outcomes(template: str, single_other: bool = False) -> tuple[str, ...]:
    """The rows whose sum is (七)总计 (app_outcomes_sum); ``single_other``: (六)其他处理 printed as one
    row (``other_processing``) by a gb2021 publisher, a local variant."""
    other = OTHER["gb2019"] if single_other else OTHER[template]
    return ("granted", "partially_granted", *DENIED, *UNABLE, *NOT_PROCESSED, *other)


def outcomes(template: str, single_other: bool = False) -> tuple[str, ...]:
    """Every row of the applications table, in template order (``single_other``: :func:`part_outcomes`)."""
    return (*INTAKE, *part_outcomes(template, single_other), "total_processed", "carried_forward")


SINGLE_OTHER = "other_single_row"  # the truth's variant: a gb2021 table printing (六)其他处理 as one row


def table_outcomes(truth) -> tuple[str, ...]:
    """The rows of a report's applications table: its template's, or with (六) as one row."""
    return outcomes(truth.template_version, SINGLE_OTHER in truth.variants)


def table_parts(truth) -> tuple[str, ...]:
    """The rows of a report's applications table whose sum is (七)总计."""
    return part_outcomes(truth.template_version, SINGLE_OTHER in truth.variants)


BALANCE_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")

OUTCOME_LABELS: dict[str, str] = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied_state_secret": "1.属于国家秘密",
    "denied_law_prohibited": "2.其他法律行政法规禁止公开",
    "denied_security_stability": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_admin_inquiry": "8.属于行政查询事项",
    "unable_not_held": "1.本机关不掌握相关政府信息",
    "unable_needs_creation": "2.没有现成信息需要另行制作",
    "unable_unclear": "3.补正后申请内容仍不明确",
    "not_processed_petition": "1.信访举报投诉类申请",
    "not_processed_duplicate": "2.重复申请",
    "not_processed_publication": "3.要求提供公开出版物",
    "not_processed_excessive": "4.无正当理由大量反复申请",
    "not_processed_confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other_processing": "（六）其他处理",
    "other_overdue_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_overdue_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他",
    "total_processed": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
# Group headings of 三、本年度办理结果 (a rowspan over their rows in the real template).
OUTCOME_GROUPS: dict[str, tuple[str, ...]] = {
    "（三）不予公开": DENIED,
    "（四）无法提供": UNABLE,
    "（五）不予处理": NOT_PROCESSED,
    "（六）其他处理": OTHER["gb2021"],
}
RESULTS_HEADING = "三、本年度办理结果"
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT_HEADINGS = ("申请人情况", "自然人", "法人或其他组织", "总计")
ORGANISATION_LABELS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")

APPEAL_KINDS = ("administrative_review", "litigation_direct", "litigation_after_review")
APPEAL_RESULTS = ("upheld", "corrected", "other", "pending", "total")
APPEAL_RESULT_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
APPEAL_PARTS = APPEAL_RESULTS[:4]

# Article 20 (第二十条) sub-tables: clause, items, measures.
ARTICLE20: dict[str, tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]] = {
    "gb2019": (
        ("一", ("regulations", "normative_documents"), ("new_made", "new_published", "total_published")),
        ("五", ("administrative_licensing", "other_services"), ("previous_count", "change", "decisions")),
        (
            "六",
            ("administrative_penalty", "administrative_enforcement"),
            ("previous_count", "change", "decisions"),
        ),
        ("八", ("administrative_fees",), ("previous_count", "change")),
    ),
    "gb2021": (
        ("一", ("regulations", "normative_documents"), ("issued", "repealed", "in_force")),
        ("五", ("administrative_licensing",), ("decisions",)),
        ("六", ("administrative_penalty", "administrative_enforcement"), ("decisions",)),
        ("八", ("administrative_fees",), ("fee_amount_wan",)),
    ),
}
LOCAL_ITEM = "other_documents"  # the local extra row of clause (一): 其他主动公开文件

ITEM_LABELS: dict[str, str] = {
    "regulations": "规章",
    "normative_documents": "规范性文件",
    "other_documents": "其他主动公开文件",
    "administrative_licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "administrative_penalty": "行政处罚",
    "administrative_enforcement": "行政强制",
    "administrative_fees": "行政事业性收费",
}
ITEM_LABELS_GB2021 = {**ITEM_LABELS, "normative_documents": "行政规范性文件"}
# Explanations some publishers print inside the label cells (seed 004).
ITEM_NOTES: dict[str, str] = {
    "regulations": "（设区的市、自治州人民政府应提供相关数据）",
    "normative_documents": "（行政机关制定发布的决定、公告、通告、意见、通知，"
    "以及标题采用“规定”“办法”“细则”等字样的公文）",
    "other_documents": "（含以本单位或本单位办公室名义正式签发的、除规范性文件以外的主动公开文件）",
    "other_services": "（指行政许可以外的政务服务事项，含行政确认、行政奖励、行政裁决、行政给付和其他类）",
}
MEASURE_LABELS: dict[str, dict[str, str]] = {
    "gb2019": {
        "new_made": "本年新制作数量",
        "new_published": "本年新公开数量",
        "total_published": "对外公开总数量",
        "previous_count": "上一年项目数量",
        "change": "本年增/减",
        "decisions": "处理决定数量",
    },
    "gb2021": {
        "issued": "本年制发件数",
        "repealed": "本年废止件数",
        "in_force": "现行有效件数",
        "decisions": "本年处理决定数量",
        "fee_amount_wan": "本年收费金额（单位：万元）",
    },
}
# (previous year) explanations inside measure cells (seed 004); {prev} and {year} are filled in.
MEASURE_NOTES: dict[str, str] = {
    "previous_count": "（指{prev}年事项数）",
    "change": "（指{year}年增加或减少的事项数，减用负值表示，如-8）",
    "decisions": "（指{year}年办件量）",
}
INFO_CONTENT = "信息内容"

# Clause (九): the agency's own centralised purchasing, or a trading centre's platform volumes.
PROCUREMENT_LABEL = "政府集中采购"
PROCUREMENT_COLUMNS = ("采购项目数量", "采购总金额")
PROCUREMENT_NOTES = (
    "（指{year}年以政府集中采购方式采购的项目总个数）",
    "（指{year}年以政府集中采购方式采购的项目已支付的总金额）",
)
PLATFORM_ROWS: dict[str, str] = {
    "construction": "建设工程交易",
    "government_procurement": "政府采购交易",
    "natural_resources": "自然资源交易",
    "state_property": "国有产权交易",
    "other": "其他交易",
}
PLATFORM_COLUMNS = ("交易项目数量", "交易总金额")

CHAPTERS: dict[str, tuple[str, ...]] = {
    "table": (
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ),
    "pre2019": (
        "一、概述",
        "二、主动公开政府信息情况",
        "三、依申请公开政府信息情况",
        "四、政府信息公开的收费及减免情况",
        "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
        "六、政府信息公开工作存在的主要问题及改进措施",
        "七、其他需要报告的事项",
    ),
}


def template_for_year(year: int) -> str:
    """The template a report about ``year`` is written in (contract §1)."""
    if year <= 2018:
        return "pre2019"
    return "gb2019" if year <= 2020 else "gb2021"
