"""A warehouse's run state lives in one directory beside it (dagster_project.state)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.state import NAMES, state_dir, state_file


def test_state_files_live_in_one_directory(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    assert state_dir(warehouse) == tmp_path / "w.duckdb.state"
    assert state_file(warehouse, "run.lock") == tmp_path / "w.duckdb.state" / "run.lock"
    assert state_dir(warehouse).is_dir()
    with pytest.raises(ValueError, match="not a state file"):
        state_file(warehouse, "anything.json")


def test_an_earlier_versions_state_file_is_moved_in(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    legacy = tmp_path / "w.duckdb.facts-state.json"
    legacy.write_text('{"dbt_project_digest": "abc"}', encoding="utf-8")
    moved = state_file(warehouse, "facts-state.json")
    assert not legacy.exists() and moved.read_text(encoding="utf-8") == '{"dbt_project_digest": "abc"}'
    legacy.write_text("older", encoding="utf-8")  # the directory's own copy wins from then on
    assert state_file(warehouse, "facts-state.json").read_text(encoding="utf-8") != "older"


def test_a_build_leaves_only_the_warehouse_and_its_state_directory(
    samples_published: dict[str, Path],
) -> None:
    warehouse = samples_published["warehouse"]
    beside = sorted(p.name for p in warehouse.parent.iterdir() if p.name.startswith(warehouse.name))
    assert beside == ["warehouse.duckdb", "warehouse.duckdb.state"]
    kept = {p.name for p in state_dir(warehouse).iterdir()}
    assert {"build-state.json", "registered.json", "facts-state.json", "unit-tests.json", "run.lock"} == kept
    assert kept <= NAMES
