"""A scanned report through the whole warehouse: its facts say how they were read, and a failing
identity of it says that a misread is possible (audit.ocr_identity_doubts).

The report is a generated one whose printed applications table does not balance (the generator's
own arithmetic slip, kept in its truth), scanned to a multi-page TIFF (synthetic/scan.py), parsed
in the parse's worker pool and built by dbt.
"""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pytest
from conftest import run_in_process

from synthetic.corpus import iter_corpus
from synthetic.identities import within_report
from synthetic.pdf import PdfStyle, lay_out
from synthetic.scan import scan_report, scanned_tiff
from synthetic.truth import ReportTruth
from synthetic.values import Shares

pytestmark = pytest.mark.e2e
STYLE = PdfStyle(ruled_article20=True, running_header=False, break_applications=False)


def unbalanced_report() -> ReportTruth:
    """The corpus's first gb2019/gb2021 report whose printed applications table fails app_balance
    or app_outcomes_sum (its tables are laid out to know: the truth records what was printed)."""
    for item in iter_corpus(200, 2027, Shares(), 0.0):
        truth = item.truth
        if not isinstance(truth, ReportTruth) or truth.template_version == "pre2019":
            continue
        lay_out(truth, random.Random("warehouse-scan"), STYLE)
        checks = within_report(truth)
        if any(status == "fail" for (rule, _), status in checks.items() if rule.startswith("app_")):
            return truth
    raise LookupError("no generated report with an unbalanced applications table")


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_scanned_report_in_the_warehouse(tmp_path: Path, dbt_manifest: Path) -> None:
    truth = unbalanced_report()
    landing = tmp_path / "landing"
    landing.mkdir()
    scan = scan_report(truth, random.Random("warehouse-scan"), STYLE)
    (landing / "scanned_report.tif").write_bytes(scanned_tiff(scan))
    warehouse, published = tmp_path / "w.duckdb", tmp_path / "published"
    run_in_process(landing, warehouse, published)

    assert query(warehouse, "select source_format, report_year from marts.dim_report") == [
        ("image", truth.report_year)
    ]
    assert query(warehouse, "select count(*) from audit.rejected_files") == [(0,)]
    methods = query(
        warehouse,
        "select source_method, count(*), count(ocr_confidence), count(value), min(source_page)"
        " from marts.fct_applications group by source_method",
    )
    by_method = {method: rest for method, *rest in methods}
    every_fact = " union all ".join(
        f"select source_method, {value} as value, ocr_confidence, source_page from marts.{table}"
        for table, value in (
            ("fct_disclosures", "value"),
            ("fct_applications", "value"),
            ("fct_appeals", "value"),
            ("fct_transactions", "coalesce(project_count, amount_wan)"),
        )
    )
    # an image is all OCR: no figure claims a text layer's 'table', and every figure read (a
    # sentence's too, which keeps 'prose' as the same report's text would) has its confidence
    # and page
    assert query(
        warehouse,
        f"select count(*) filter (where source_method = 'table'),"
        f" count(*) filter (where value is not null and (ocr_confidence is null or source_page is null))"
        f" from ({every_fact})",
    ) == [(0, 0)]
    cells, confident, valued, first_page = by_method["ocr"]
    assert cells >= 30 and first_page >= 1
    assert confident >= valued  # every figure read has its confidence
    low, high = query(
        warehouse, "select min(ocr_confidence), max(ocr_confidence) from marts.fct_applications"
    )[0]
    assert 0.0 <= low <= high <= 1.0
    doubts = query(warehouse, "select rule_code, message from audit.ocr_identity_doubts")
    failing = query(
        warehouse,
        "select distinct rule_code from marts.fct_identity_checks where status = 'fail'",
    )
    assert failing, "the unbalanced table's identity fails"
    assert {rule for rule, _ in doubts} == {rule for (rule,) in failing}
    assert all("a misread digit may be why" in message and "(image)" in message for _, message in doubts)
