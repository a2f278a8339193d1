"""The code dimensions' labels (docs/code-dimensions.md): generated from the vocabularies, complete,
the labels the templates print, and, in a warehouse built from the samples, every code of every
fact labelled."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import REPO_ROOT
from test_parser_units import gb2019_report, parse

from dagster_project.dbt_manifest import dbt_executable
from ingest import vocabulary as vocab
from ingest.code_labels import SEED_PATH, code_labels, seed_text
from ingest.errors import ERROR_CODES, WARNING_CODES
from ingest.formats import SOURCE_FORMATS
from ingest.records import ParseWarning
from ingest.text import label_key
from synthetic import template

DBT_DIR = REPO_ROOT / "dbt"
DBT_VARS = yaml.safe_load((DBT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
LABELS = code_labels()


def codes(dimension: str) -> list[str]:
    return [row.code for row in LABELS if row.dimension == dimension]


def label(dimension: str, code: str):
    (row,) = [row for row in LABELS if row.dimension == dimension and row.code == code]
    return row


def is_cjk(character: str) -> bool:
    return "\u4e00" <= character <= "\u9fff"


def accepted_values(model: str, column: str) -> set[str]:
    """The values of the ``accepted_values`` test of ``model.column`` in the dbt project's yml."""
    for path in (DBT_DIR / "models").rglob("*.yml"):
        for node in yaml.safe_load(path.read_text(encoding="utf-8")).get("models") or []:
            if node["name"] != model:
                continue
            for col in node.get("columns") or []:
                for test in col.get("data_tests") or []:
                    if col["name"] == column and isinstance(test, dict) and "accepted_values" in test:
                        return set(test["accepted_values"]["arguments"]["values"])
    raise AssertionError(f"no accepted_values test on {model}.{column}")


def test_the_seed_is_what_the_vocabularies_generate() -> None:
    assert SEED_PATH.read_text(encoding="utf-8") == seed_text(LABELS), (
        "dbt/seeds/code_labels.csv is stale: run `.venv/bin/python -m ingest.code_labels`"
    )


@pytest.mark.parametrize(
    ("dimension", "known"),
    [
        ("outcome", list(DBT_VARS["outcome_groups"])),
        ("outcome_group", list(dict.fromkeys(DBT_VARS["outcome_groups"].values()))),
        ("applicant_type", DBT_VARS["applicant_types"]),
        ("disclosure_item", DBT_VARS["item_codes"]),
        ("measure", DBT_VARS["measure_codes"]),
        ("channel", DBT_VARS["channels"]),
        ("identity_rule", DBT_VARS["rule_codes"]),
        ("rejection_code", list(ERROR_CODES)),
        ("appeal_kind", accepted_values("fct_appeals", "appeal_kind")),
        ("appeal_result", accepted_values("fct_appeals", "result_code")),
        ("transaction_scope", accepted_values("fct_transactions", "scope")),
        ("transaction_category", accepted_values("fct_transactions", "category")),
        ("identity_status", accepted_values("fct_identity_checks", "status")),
        ("template_version", accepted_values("dim_year", "template_version")),
        ("agency_type", accepted_values("dim_agency", "agency_type")),
        ("source_method", accepted_values("fct_applications", "source_method")),
        ("source_format", list(SOURCE_FORMATS)),
        ("admin_level", accepted_values("dim_agency", "admin_level")),
        ("warning_code", list(WARNING_CODES)),
    ],
)
def test_every_code_dbt_knows_has_its_labels(dimension: str, known) -> None:
    assert sorted(codes(dimension)) == sorted(known)
    assert set(DBT_VARS["rejection_codes"]) == set(ERROR_CODES)
    for code in codes(dimension):
        row = label(dimension, code)
        assert any(is_cjk(ch) for ch in row.zh), row
        assert row.en.strip() and not any(is_cjk(ch) for ch in row.en), row


def test_the_code_lists_agree() -> None:
    """The lists the new dimensions are checked against are the same lists everywhere dbt keeps one."""
    for fact in ("fct_applications", "fct_disclosures", "fct_appeals", "fct_transactions"):
        assert accepted_values(fact, "source_method") == {"table", "prose", "ocr"}, fact
    assert accepted_values("dim_report", "source_format") == set(SOURCE_FORMATS)
    assert accepted_values("dim_region", "level") < accepted_values("dim_agency", "admin_level")
    assert codes("source_format") == list(SOURCE_FORMATS)  # in the order ingest/formats.py lists them


def warning_codes_in_the_source() -> dict[str, list[str]]:
    """Each code literal a ``ParseWarning(...)`` call of the parser's source passes (its first
    argument, or ``code=``), with where it is. A call whose code is not a literal is listed as
    ``<dynamic>``: the registry could not be checked against it."""
    found: dict[str, list[str]] = {}
    for path in sorted((REPO_ROOT / "ingest").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ParseWarning"):
                continue
            args = node.args[:1] or [k.value for k in node.keywords if k.arg == "code"]
            code = args[0].value if args and isinstance(args[0], ast.Constant) else "<dynamic>"
            found.setdefault(code, []).append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    return found


def test_every_warning_the_parser_can_emit_is_registered() -> None:
    found = warning_codes_in_the_source()
    assert "<dynamic>" not in found, found["<dynamic>"]
    assert set(found) - set(WARNING_CODES) == set(), "add these to ingest.errors.WARNING_CODES"
    # the multi-line calls are found too (tables.py puts the code on the next line)
    assert {"ocr_low_confidence", "header_slip", "row_cells_lost", "mojibake", "region_unknown"} <= set(found)
    # no registered code the parser never emits (a stale label)
    assert set(WARNING_CODES) - set(found) == set()
    assert set(WARNING_CODES) == set(codes("warning_code"))
    for code in WARNING_CODES:
        assert label("warning_code", code).description_en == WARNING_CODES[code]
    with pytest.raises(ValueError, match="unknown warning code 'not_a_code'"):
        ParseWarning("not_a_code", "a code nobody registered")


def test_labels_are_the_templates() -> None:
    third_party = label("outcome", "denied_third_party")
    assert (third_party.zh, third_party.gb2019_label, third_party.gb2021_label) == (
        "保护第三方合法权益",
        "4.保护第三方合法权益",
        "4.保护第三方合法权益",
    )
    assert third_party.en == "Withheld: protection of a third party's lawful rights and interests"
    assert label("outcome", "other_processing").gb2021_label is None
    assert label("outcome", "other_overdue_fee").gb2019_label is None
    normative = label("disclosure_item", "normative_documents")
    assert (normative.gb2019_label, normative.gb2021_label, normative.parent_code) == (
        "规范性文件",
        "行政规范性文件",
        "第二十条第（一）项",
    )
    assert label("rejection_code", "not_a_report").description_en == ERROR_CODES["not_a_report"]
    assert label("transaction_category", "construction").parent_code == "platform"


@pytest.mark.parametrize("tmpl", ["gb2019", "gb2021"])
def test_printed_labels_are_the_generators_and_read_back_as_their_code(tmpl: str) -> None:
    """The label each template prints is the one the synthetic generator prints, and the parser's
    vocabulary reads it as the same code."""
    outcomes = {code: getattr(label("outcome", code), f"{tmpl}_label") for code in codes("outcome")}
    assert {c: t for c, t in outcomes.items() if t} == {
        c: template.OUTCOME_LABELS[c] for c in template.outcomes(tmpl)
    }
    for code, printed in outcomes.items():
        if printed:
            assert vocab.match_row("applications", "rows", label_key(printed))["code"] == code
    item_labels = template.ITEM_LABELS_GB2021 if tmpl == "gb2021" else template.ITEM_LABELS
    for clause, items, measures in template.ARTICLE20[tmpl]:
        for item in items:
            printed = getattr(label("disclosure_item", item), f"{tmpl}_label")
            assert printed == item_labels[item]
            assert vocab.match_row("article20", "items", label_key(printed))["code"] == item
            assert label("disclosure_item", item).parent_code == f"第二十条第（{clause}）项"
        for measure in measures:
            printed = getattr(label("measure", measure), f"{tmpl}_label")
            assert printed == template.MEASURE_LABELS[tmpl][measure]
            assert vocab.match("article20", "measures", label_key(printed))["code"] == measure
    printed_measures = {c for c in codes("measure") if getattr(label("measure", c), f"{tmpl}_label")}
    assert printed_measures == {m for _, _, measures in template.ARTICLE20[tmpl] for m in measures}
    applicants = [getattr(label("applicant_type", c), f"{tmpl}_label") for c in template.APPLICANTS]
    assert applicants == ["自然人", *template.ORGANISATION_LABELS, "总计"]
    results = [getattr(label("appeal_result", c), f"{tmpl}_label") for c in template.APPEAL_RESULTS]
    assert results == list(template.APPEAL_RESULT_LABELS)


def test_sort_order_is_the_vocabulary_order() -> None:
    assert [label("outcome", c).sort_order for c in codes("outcome")] == list(range(1, 27))
    assert codes("applicant_type") == list(template.APPLICANTS)
    assert codes("appeal_kind") == list(template.APPEAL_KINDS)


# every code column of the published marts and audit, and the dimension that labels it
CODE_COLUMNS = [
    ("marts.fct_applications", "outcome_code", "marts.dim_outcome"),
    ("marts.fct_applications", "outcome_group", "marts.dim_outcome"),
    ("marts.fct_applications", "applicant_type", "marts.dim_applicant_type"),
    ("marts.fct_disclosures", "item_code", "marts.dim_disclosure_item"),
    ("marts.fct_disclosures", "measure_code", "marts.dim_measure"),
    ("marts.fct_disclosures", "channel", "marts.dim_channel"),
    ("marts.fct_appeals", "appeal_kind", "marts.dim_appeal_kind"),
    ("marts.fct_appeals", "result_code", "marts.dim_appeal_result"),
    ("marts.fct_transactions", "scope", "marts.dim_transaction_scope"),
    ("marts.fct_transactions", "category", "marts.dim_transaction_category"),
    ("marts.fct_identity_checks", "rule_code", "marts.dim_identity_rule"),
    ("marts.fct_identity_checks", "status", "marts.dim_identity_status"),
    ("marts.dim_report", "template_version", "marts.dim_template_version"),
    ("marts.dim_agency", "agency_type", "marts.dim_agency_type"),
    ("audit.rejected_files", "error_code", "marts.dim_rejection_code"),
    ("marts.fct_applications", "source_method", "marts.dim_source_method"),
    ("marts.fct_disclosures", "source_method", "marts.dim_source_method"),
    ("marts.fct_appeals", "source_method", "marts.dim_source_method"),
    ("marts.fct_transactions", "source_method", "marts.dim_source_method"),
    ("marts.dim_report", "source_format", "marts.dim_source_format"),
    ("marts.dim_agency", "admin_level", "marts.dim_admin_level"),
    ("marts.dim_region", "level", "marts.dim_admin_level"),
    ("audit.report_warnings", "warning_code", "marts.dim_warning_code"),
]
# a column named otherwise than its dimension's key: (table, column) → key
KEY_OF = {("marts.dim_region", "level"): "admin_level"}


@pytest.fixture(scope="module")
def published(samples_published: dict[str, Path]) -> duckdb.DuckDBPyConnection:
    with duckdb.connect(str(samples_published["published"] / "warehouse.duckdb"), read_only=True) as con:
        yield con


def test_the_published_dimensions_label_the_codes(published: duckdb.DuckDBPyConnection) -> None:
    assert published.execute(
        "SELECT outcome_zh, outcome_en, outcome_group, outcome_group_zh, gb2021_label"
        " FROM marts.dim_outcome WHERE outcome_code = 'denied_third_party'"
    ).fetchall() == [
        (
            "保护第三方合法权益",
            "Withheld: protection of a third party's lawful rights and interests",
            "denied",
            "不予公开",
            "4.保护第三方合法权益",
        )
    ]
    # a gb2021 sample's 4.保护第三方合法权益 row (婺源县, 2022: 3 requests), labelled through the dimension
    assert published.execute(
        "SELECT o.outcome_zh, f.value FROM marts.fct_applications f"
        " JOIN marts.dim_outcome o USING (outcome_code) JOIN marts.dim_report r USING (report_id)"
        " WHERE r.title LIKE '婺源县%' AND f.applicant_type = 'total'"
        " AND f.outcome_code = 'denied_third_party' AND f.source_method = 'table'"
    ).fetchall() == [("保护第三方合法权益", 3)]
    tables = {
        name
        for (name,) in published.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name LIKE 'dim_%'"
        ).fetchall()
    }
    assert {dim.split(".")[1] for _, _, dim in CODE_COLUMNS} <= tables
    for dimension in {row.dimension for row in LABELS} - {"outcome_group"}:
        assert published.execute(f"SELECT count(*) FROM marts.dim_{dimension}").fetchone()[0] == len(
            codes(dimension)
        ), dimension


def test_every_code_in_the_facts_has_its_label(published: duckdb.DuckDBPyConnection) -> None:
    seen = 0
    for table, column, dimension in CODE_COLUMNS:
        key = KEY_OF.get((table, column), column)
        missing = published.execute(
            f"SELECT DISTINCT f.{column} FROM {table} f WHERE f.{column} IS NOT NULL AND f.{column} NOT IN"
            f" (SELECT {key} FROM {dimension})"
        ).fetchall()
        assert missing == [], f"{table}.{column}: no label for {missing}"
        seen += published.execute(f"SELECT count(DISTINCT {column}) FROM {table}").fetchone()[0]
    assert seen > 60  # the samples use many codes: the join is no vacuous success


def test_a_code_without_a_label_fails_dbt(samples_published: dict[str, Path], tmp_path: Path) -> None:
    """dbt's relationships test from a fact's code column to its dimension: a label removed, it fails;
    so does a warning whose code the registry (dim_warning_code) lacks, and one it has passes."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(samples_published["warehouse"], warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("DELETE FROM marts.dim_outcome WHERE outcome_code = 'granted'")
        (granted,) = con.execute(
            "SELECT count(*) FROM marts.fct_applications WHERE outcome_code = 'granted'"
        ).fetchone()
        con.execute("DELETE FROM marts.dim_source_method WHERE source_method = 'prose'")
        (prose,) = con.execute(
            "SELECT count(*) FROM marts.fct_disclosures WHERE source_method = 'prose'"
        ).fetchone()
        (report_id, source_path) = con.execute(
            "SELECT report_id, source_path FROM marts.dim_report"
        ).fetchone()
        con.executemany(
            "INSERT INTO audit.report_warnings (report_id, source_path, warning_code, message)"
            " VALUES (?, ?, ?, ?)",
            [
                (report_id, source_path, "lost_characters", "3 runs of lost characters"),
                (report_id, source_path, "no_such_warning", "a code the parser never registered"),
            ],
        )
    assert granted > 0 and prose > 0
    done = subprocess.run(
        [
            dbt_executable(),
            "test",
            "--select",
            "relationships_fct_applications_outcome_code",
            "relationships_fct_applications_applicant_type",
            "relationships_fct_disclosures_source_method",
            "relationships_report_warnings_warning_code",
            "--profiles-dir",
            ".",
            "--target-path",
            str(tmp_path / "target"),
        ],
        cwd=DBT_DIR,
        env={**os.environ, "WAREHOUSE_PATH": str(warehouse), "DO_NOT_TRACK": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-3000:]
    # dbt counts the fact rows whose code has no label
    assert f"FAIL {granted} relationships_fct_applications_outcome_code" in output, output[-3000:]
    assert "PASS relationships_fct_applications_applicant_type" in output, output[-3000:]
    assert f"FAIL {prose} relationships_fct_disclosures_source_method" in output, output[-3000:]
    # one row fails: the unregistered code, not the registered lost_characters
    assert "FAIL 1 relationships_report_warnings_warning_code" in output, output[-3000:]


def test_how_and_where_a_figure_was_read_is_labelled(published: duckdb.DuckDBPyConnection) -> None:
    """The source method, source format, administrative level and warning code dimensions, built."""
    assert published.execute(
        "SELECT source_method, source_method_zh, source_method_en"
        " FROM marts.dim_source_method ORDER BY sort_order"
    ).fetchall() == [
        ("table", "统计表", "Statistics table"),
        ("ocr", "扫描件识别", "Statistics table, by OCR"),
        ("prose", "正文叙述", "Prose"),
    ]
    # the samples' figures by how they were read, labelled: both tables and prose are there
    methods = dict(
        published.execute(
            "SELECT m.source_method_zh, count(*) FROM marts.fct_applications"
            " JOIN marts.dim_source_method m USING (source_method) GROUP BY ALL"
        ).fetchall()
    )
    assert set(methods) >= {"统计表", "正文叙述"} and min(methods.values()) > 0, methods
    assert published.execute(
        "SELECT source_format_zh FROM marts.dim_source_format WHERE source_format = 'pdf_scanned'"
    ).fetchall() == [("扫描版PDF",)]
    formats = published.execute(
        "SELECT DISTINCT f.source_format_zh FROM marts.dim_report"
        " JOIN marts.dim_source_format f USING (source_format)"
    ).fetchall()
    assert ("网页",) in formats, formats
    assert published.execute(
        "SELECT admin_level_zh, admin_level_en FROM marts.dim_admin_level WHERE admin_level = 'township'"
    ).fetchall() == [("乡镇级", "Township level")]
    # dim_region's provinces are 省级 through the dimension (the mainland's 31 at least)
    (provinces,) = published.execute(
        "SELECT count(*) FROM marts.dim_region r JOIN marts.dim_admin_level l ON r.level = l.admin_level"
        " WHERE l.admin_level_zh = '省级'"
    ).fetchone()
    assert provinces >= 31, provinces


def test_every_warning_raised_is_registered_and_labelled(published: duckdb.DuckDBPyConnection) -> None:
    """The warnings of the samples' build (none today: they are clean) and those of a report with
    doubts (a year run into its month, lost characters) are registered codes, labelled by the
    built dim_warning_code with the registry's description."""
    in_samples = {
        code
        for (code,) in published.execute("SELECT DISTINCT warning_code FROM audit.report_warnings").fetchall()
    }
    report = parse(gb2019_report("text_pipes") + "\n本报告统计期限自20201月1日起至202012月31日止。???字\n")
    raised = {w.code for w in report.warnings}
    assert {"date_typo", "lost_characters"} <= raised, report.warnings
    assert (in_samples | raised) - set(WARNING_CODES) == set()
    labelled = published.execute(
        "SELECT warning_code, warning_zh, warning_en, warning_description_en FROM marts.dim_warning_code"
        " WHERE list_contains(?, warning_code) ORDER BY sort_order",
        [sorted(in_samples | raised)],
    ).fetchall()
    assert [code for code, *_ in labelled] == [c for c in codes("warning_code") if c in in_samples | raised]
    assert ("date_typo", "日期笔误", "Date typo", WARNING_CODES["date_typo"]) in labelled
