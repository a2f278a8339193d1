"""Render a report's tables in the shapes portals produce, for round-trip property tests.

A table is a list of rows, each a list of cells (strings); ``None`` is a blank cell.
"""

from __future__ import annotations

import html
from decimal import Decimal

APPLICANT_HEADER = [
    ["申请人情况"],
    ["自然人", "法人或其他组织", "总计"],
    ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
]
OUTCOME_LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "(一)予以公开",
    "partially_granted": "(二)部分公开(区分处理的，只计这一情形，不计其他情形)",
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
    "other_processing": "(六)其他处理",
    "other_overdue_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_overdue_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他",
    "total_processed": "(七)总计",
    "carried_forward": "四、结转下年度继续办理",
}
GROUP_BEFORE = {
    "granted": ["三、本年度办理结果"],
    "denied_state_secret": ["(三)不予公开"],
    "unable_not_held": ["(四)无法提供"],
    "not_processed_petition": ["(五)不予处理"],
    "other_overdue_correction": ["(六)其他处理"],
}
APPEAL_HEADER = [
    ["行政复议", "行政诉讼"],
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
]
ITEM_LABELS = {
    "regulations": "规章",
    "normative_documents": "行政规范性文件",
    "administrative_licensing": "行政许可",
    "administrative_penalty": "行政处罚",
    "administrative_enforcement": "行政强制",
    "administrative_fees": "行政事业性收费",
    "other_services": "其他对外管理服务事项",
}
MEASURE_LABELS = {
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "previous_count": "上一年项目数量",
    "change": "本年增/减",
    "decisions": "处理决定数量",
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "fee_amount_wan": "本年收费金额(单位:万元)",
}
ARTICLE20 = {
    "gb2019": [
        ("一", ["regulations", "normative_documents"], ["new_made", "new_published", "total_published"]),
        ("五", ["administrative_licensing", "other_services"], ["previous_count", "change", "decisions"]),
        (
            "六",
            ["administrative_penalty", "administrative_enforcement"],
            ["previous_count", "change", "decisions"],
        ),
        ("八", ["administrative_fees"], ["previous_count", "change"]),
    ],
    "gb2021": [
        ("一", ["regulations", "normative_documents"], ["issued", "repealed", "in_force"]),
        ("五", ["administrative_licensing"], ["decisions"]),
        ("六", ["administrative_penalty", "administrative_enforcement"], ["decisions"]),
        ("八", ["administrative_fees"], ["fee_amount_wan"]),
    ],
}


def show(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def article20_rows(template: str, values: dict) -> list[list[str | None]]:
    rows: list[list[str | None]] = []
    for clause, items, measures in ARTICLE20[template]:
        rows.append([f"第二十条第({clause})项"])
        rows.append(["信息内容", *(MEASURE_LABELS[m] for m in measures)])
        rows.extend([ITEM_LABELS[item], *(show(values[(item, m)]) for m in measures)] for item in items)
    return rows


def application_rows(outcomes: list[str], values: dict) -> list[list[str | None]]:
    rows: list[list[str | None]] = [
        ["(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)"],
        *APPLICANT_HEADER,
    ]
    for outcome in outcomes:
        rows.extend(GROUP_BEFORE.get(outcome, []) and [GROUP_BEFORE[outcome]])
        rows.append([OUTCOME_LABELS[outcome], *(show(values[(outcome, a)]) for a in range(7))])
    return rows


def appeal_rows(values: list[Decimal | None]) -> list[list[str | None]]:
    return [*APPEAL_HEADER, [show(v) for v in values]]


def render(shape: str, title: str, tables: list[list[list[str | None]]], headings: list[str]) -> str:
    """The whole report: a title, a date line, and each table after its heading, in ``shape``."""
    parts = [title, "发布时间：2021-01-20", "一、总体情况", "本机关认真贯彻落实《条例》。"]
    if shape == "html":
        body = "".join(
            f"<p>{html.escape(h)}</p>{html_table(t)}" for h, t in zip(headings, tables, strict=True)
        )
        head = "".join(f"<p>{html.escape(p)}</p>" for p in parts[1:])
        return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{head}{body}</body></html>"
    flatten = {"text_cells": cells_text, "text_pipes": pipes_text, "text_tabs": tabs_text}[shape]
    return (
        "\n".join(parts)
        + "\n"
        + "".join(f"{h}\n{flatten(t)}\n" for h, t in zip(headings, tables, strict=True))
    )


def html_table(rows) -> str:
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c or '')}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table border='1'>{body}</table>"


def cells_text(rows) -> str:
    """One cell per paragraph; a blank cell would vanish here, so it is printed as a dash."""
    return "".join(f"{c if c is not None else '—'}\n\n" for row in rows for c in row)


def pipes_text(rows) -> str:
    return "".join(
        f"{c or ''} |{' ||' if n == len(row) - 1 else ''}\n" for row in rows for n, c in enumerate(row)
    )


def tabs_text(rows) -> str:
    return "".join("".join(f"\t{c if c is not None else chr(0x3000)}\n" for c in row) + "\n" for row in rows)
