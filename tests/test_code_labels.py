"""The code dimensions' labels (docs/code-dimensions.md): generated from the vocabularies, complete,
the labels the templates print, and, in a warehouse built from the samples, every code of every
fact labelled."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import REPO_ROOT

from dagster_project.dbt_manifest import dbt_executable
from ingest import vocabulary as vocab
from ingest.code_labels import SEED_PATH, code_labels, seed_text
from ingest.errors import ERROR_CODES
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
    ],
)
def test_every_code_dbt_knows_has_its_labels(dimension: str, known) -> None:
    assert sorted(codes(dimension)) == sorted(known)
    assert set(DBT_VARS["rejection_codes"]) == set(ERROR_CODES)
    for code in codes(dimension):
        row = label(dimension, code)
        assert any(is_cjk(ch) for ch in row.zh), row
        assert row.en.strip() and not any(is_cjk(ch) for ch in row.en), row


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
]


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
        key = "outcome_group" if column == "outcome_group" else column
        missing = published.execute(
            f"SELECT DISTINCT f.{column} FROM {table} f WHERE f.{column} IS NOT NULL AND f.{column} NOT IN"
            f" (SELECT {key} FROM {dimension})"
        ).fetchall()
        assert missing == [], f"{table}.{column}: no label for {missing}"
        seen += published.execute(f"SELECT count(DISTINCT {column}) FROM {table}").fetchone()[0]
    assert seen > 60  # the samples use many codes: the join is no vacuous success


def test_a_code_without_a_label_fails_dbt(samples_published: dict[str, Path], tmp_path: Path) -> None:
    """dbt's relationships test from a fact's code column to its dimension: a label removed, it fails."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(samples_published["warehouse"], warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("DELETE FROM marts.dim_outcome WHERE outcome_code = 'granted'")
        (granted,) = con.execute(
            "SELECT count(*) FROM marts.fct_applications WHERE outcome_code = 'granted'"
        ).fetchone()
    assert granted > 0
    done = subprocess.run(
        [
            dbt_executable(),
            "test",
            "--select",
            "relationships_fct_applications_outcome_code",
            "relationships_fct_applications_applicant_type",
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
