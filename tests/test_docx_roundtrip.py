"""Synthetic reports as Word documents read back to their truth and to their own HTML page's facts.

Each report of ``synthetic.docx.iter_docx_pairs`` is rendered twice from one truth: as a
.docx (python-docx, merged cells as Word stores them) and as a portal page. The document
must parse to the truth cell for cell, and give the same facts as the page: the container
never decides the meaning (issue 15, points 4, 6 and 7).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from test_synthetic_roundtrip import SHARES, describe, mismatches

from ingest.parser import parse_bytes
from ingest.records import ParsedReport, RawFile
from synthetic.corpus import Item
from synthetic.docx import DOCX_VARIANTS, iter_docx_pairs

SEED, REPORTS = 30, 40  # chosen so that 40 reports hold every template, both scripts and every variant


def raw_file(item: Item, extension: str | None = None) -> RawFile:
    path = item.truth.path
    sha = hashlib.sha256(item.data).hexdigest()
    return RawFile(path, sha, len(item.data), extension or Path(path).suffix, item.sidecar)


@pytest.fixture(scope="module")
def pairs() -> list[tuple[Item, ParsedReport, Item, ParsedReport]]:
    found = []
    for document, page in iter_docx_pairs(REPORTS, SEED, SHARES):
        found.append(
            (
                document,
                parse_bytes(raw_file(document), document.data),
                page,
                parse_bytes(raw_file(page), page.data),
            )
        )
    return found


def test_the_documents_cover_templates_scripts_merges_and_variants(pairs) -> None:
    seen: Counter = Counter()
    for document, *_ in pairs:
        truth = document.truth
        seen.update({truth.template_version, truth.script, *truth.variants})
        body = zipfile.ZipFile(io.BytesIO(document.data)).read("word/document.xml")
        seen.update(
            {
                name
                for name, mark in (
                    ("gridSpan", b"<w:gridSpan "),
                    ("vMerge restart", b'<w:vMerge w:val="restart"/>'),
                    ("vMerge continue", b"<w:vMerge/>"),
                )
                if mark in body
            }
        )
    wanted = ["pre2019", "gb2019", "gb2021", "simplified", "traditional", "header_notes"]
    wanted += ["gridSpan", "vMerge restart", "vMerge continue", *DOCX_VARIANTS, "docx_date_created_only"]
    assert [w for w in wanted if not seen[w]] == []


def test_every_document_reads_back_to_its_truth(pairs) -> None:
    problems = []
    for document, report, _, _ in pairs:
        truth = document.truth
        assert isinstance(report, ParsedReport), (truth.path, report)
        assert (report.source_format, report.encoding) == ("docx", None)
        problems += [
            describe(truth, *problem)
            for problem in mismatches(truth, report)
            if problem[0] != "encoding"  # a document has no text encoding: None
            and not (problem[0] == "source_shape" and problem[2] == "docx")
        ]
    assert problems == [], "\n".join(problems[:20])


def facts(report: ParsedReport) -> dict[str, Counter]:
    """Every fact of a report, without what names its container (source text, page)."""
    return {
        "disclosures": Counter(
            (f.item_code, f.measure_code, f.channel, f.value, f.source_method) for f in report.disclosures
        ),
        "applications": Counter(
            (f.outcome_code, f.applicant_type, f.value, f.source_method) for f in report.applications
        ),
        "appeals": Counter((f.appeal_kind, f.result_code, f.value, f.source_method) for f in report.appeals),
        "transactions": Counter(
            (t.scope, t.category, t.project_count, t.amount_wan, t.amount_text, t.source_method)
            for t in report.transactions
        ),
        "unmapped": Counter((u.section, u.row_label, u.value) for u in report.unmapped),
        "report": Counter(
            [
                (
                    report.agency_name,
                    report.report_year,
                    report.template_version,
                    report.script,
                    report.region_code,
                )
            ]
        ),
    }


def test_a_document_gives_the_facts_of_the_same_reports_page(pairs) -> None:
    differ = []
    for document, report, page, page_report in pairs:
        assert isinstance(page_report, ParsedReport), page.truth.path
        ours, theirs = facts(report), facts(page_report)
        differ += [
            f"{document.truth.path} {name}: docx {sorted(ours[name] - theirs[name])[:3]} "
            f"page {sorted(theirs[name] - ours[name])[:3]}"
            for name in ours
            if ours[name] != theirs[name]
        ]
    assert differ == [], "\n".join(differ[:20])


def test_core_properties_are_used_only_where_the_text_says_nothing(pairs) -> None:
    for document, report, _, _ in pairs:
        variants = set(document.truth.variants)
        codes = {w.code for w in report.warnings}
        assert ("weak_title_hint" in codes) == ("docx_title_core_only" in variants), document.truth.path
        assert ("weak_date_hint" in codes) == ("docx_date_created_only" in variants), document.truth.path


def test_the_bytes_decide_not_the_extension(pairs) -> None:
    """A .docx saved under another name (a CMS's attachment.do, a .txt) is still a Word document."""
    document, report, _, _ = next(p for p in pairs if p[0].truth.template_version != "pre2019")
    for extension in (".do", ".txt", ".html", ""):
        again = parse_bytes(raw_file(document, extension), document.data)
        assert isinstance(again, ParsedReport)
        assert again.source_format == "docx"
        assert facts(again) == facts(report)
