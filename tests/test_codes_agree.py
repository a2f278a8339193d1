"""The code lists the dbt tests enforce are the ones the parser and the contract use."""

from __future__ import annotations

from pathlib import Path

import yaml

from ingest import vocabulary as vocab
from ingest.errors import ERROR_CODES

DBT_VARS = yaml.safe_load((Path(__file__).resolve().parents[1] / "dbt" / "dbt_project.yml").read_text())[
    "vars"
]


def test_rejection_codes_match_the_parser() -> None:
    assert set(DBT_VARS["rejection_codes"]) == set(ERROR_CODES)


def test_vocabulary_codes_are_contract_codes() -> None:
    outcomes = {e.codes["code"] for e in vocab.entries("applications", "rows")}
    assert outcomes == set(DBT_VARS["outcome_groups"])
    assert {e.codes["code"] for e in vocab.entries("article20", "items")} < set(DBT_VARS["item_codes"])
    assert {e.codes["code"] for e in vocab.entries("article20", "measures")} < set(DBT_VARS["measure_codes"])
    assert set(vocab.load("applications")["applicants"]) == set(DBT_VARS["applicant_types"])
    assert {e.codes["code"] for e in vocab.entries("prose", "channels")} < set(DBT_VARS["channels"])
