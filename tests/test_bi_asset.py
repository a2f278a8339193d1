"""The Dagster asset published/bi_site: off unless asked for, and where Node is missing it says why.

In process (dg.materialize of the one asset), on an empty publish directory: neither path gets as
far as reading it. The build itself is tests/test_bi_site.py's.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from dagster_project.defs.assets.bi import BI_ENV, BI_SITE_KEY, bi_site
from dagster_project.warehouse import PublishDir


def materialize(publish: Path, build: bool | None) -> dict:
    config = {} if build is None else {"build": build}
    result = dg.materialize(
        [bi_site],
        resources={"publish_dir": PublishDir(path=str(publish))},
        run_config={"ops": {"published__bi_site": {"config": config}}},
    )
    assert result.success
    (event,) = result.get_asset_materialization_events()
    assert event.asset_key == BI_SITE_KEY
    return {key: value.value for key, value in event.materialization.metadata.items()}


def test_off_unless_asked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BI_ENV, raising=False)
    metadata = materialize(tmp_path, build=None)
    assert metadata["built"] is False
    assert BI_ENV in metadata["reason"] and "make bi" in metadata["reason"]


def test_without_node_it_says_why_and_how(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))  # no node, no npm
    monkeypatch.setenv(BI_ENV, "on")
    metadata = materialize(tmp_path, build=None)
    assert metadata["built"] is False
    assert metadata["reason"].startswith("node and npm not found on PATH")
    assert "apt-get install nodejs npm" in metadata["reason"]
