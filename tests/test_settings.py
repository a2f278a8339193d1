"""One set of settings and one Dagster instance for every entry point (issue 14, point 2).

The paths come from the environment, else ``warehouse.toml``, else the contract's defaults; the
instance is ``$DAGSTER_HOME``, else ``.dagster_home``; ``ogi-dagster`` (the README's commands,
``make dev``) runs Dagster's real CLI on them, without the usage-statistics banner.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import CLI_TIMEOUT, REPO_ROOT, VENV_BIN

from dagster_project import freshness, settings
from dagster_project.defs import schedules

PATH_NAMES = tuple(settings.ENV_DEFAULTS)


@pytest.fixture
def no_path_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PATH_NAMES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def write_settings(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_environment_then_settings_file_then_default(tmp_path: Path, no_path_env: pytest.MonkeyPatch) -> None:
    file = write_settings(
        tmp_path / "conf" / "warehouse.toml",
        'WAREHOUSE_LANDING_DIR = "../reports"\nWAREHOUSE_PATH = "/srv/ogi/warehouse.duckdb"\n',
    )
    no_path_env.setenv(settings.SETTINGS_ENV, str(file))
    assert settings.landing_dir() == tmp_path / "conf" / ".." / "reports"  # relative to the file
    assert settings.warehouse_path() == Path("/srv/ogi/warehouse.duckdb")
    assert settings.publish_dir() == settings.REPO_ROOT / "data" / "published"  # not in the file

    no_path_env.setenv("WAREHOUSE_PATH", str(tmp_path / "mine.duckdb"))  # the environment wins
    assert settings.warehouse_path() == tmp_path / "mine.duckdb"
    assert settings.describe() == [
        f"WAREHOUSE_LANDING_DIR={tmp_path / 'conf' / '..' / 'reports'}  ({file})",
        f"WAREHOUSE_PATH={tmp_path / 'mine.duckdb'}  (environment)",
        f"WAREHOUSE_PUBLISH_DIR={settings.REPO_ROOT / 'data' / 'published'}  (default)",
    ]


def test_an_edited_settings_file_is_read_again(tmp_path: Path, no_path_env: pytest.MonkeyPatch) -> None:
    file = write_settings(tmp_path / "warehouse.toml", 'WAREHOUSE_PATH = "a.duckdb"\n')
    no_path_env.setenv(settings.SETTINGS_ENV, str(file))
    assert settings.warehouse_path() == tmp_path / "a.duckdb"
    write_settings(file, 'WAREHOUSE_PATH = "b.duckdb"\n')
    os.utime(file, ns=(file.stat().st_atime_ns, file.stat().st_mtime_ns + 1_000_000))
    assert settings.warehouse_path() == tmp_path / "b.duckdb"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('WAREHOUSE_LANDNG_DIR = "x"\n', "unknown key(s) ['WAREHOUSE_LANDNG_DIR']"),
        ("WAREHOUSE_PATH = 3\n", "WAREHOUSE_PATH must be a non-empty path string"),
        ('WAREHOUSE_PATH = "\n', "settings file"),
    ],
)
def test_a_bad_settings_file_is_named(
    tmp_path: Path, no_path_env: pytest.MonkeyPatch, text: str, message: str
) -> None:
    file = write_settings(tmp_path / "warehouse.toml", text)
    no_path_env.setenv(settings.SETTINGS_ENV, str(file))
    with pytest.raises(settings.SettingsError, match="settings file") as error:
        settings.warehouse_path()
    assert message in str(error.value) and str(file) in str(error.value)


def test_no_settings_file_where_none_is_named(tmp_path: Path, no_path_env: pytest.MonkeyPatch) -> None:
    no_path_env.setenv(settings.SETTINGS_ENV, "")
    assert settings.settings_file() is None
    assert settings.landing_dir() == settings.REPO_ROOT / "samples" / "reports"


def test_one_instance_and_its_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert settings.dagster_home() == settings.REPO_ROOT / ".dagster_home"
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    assert settings.dagster_home() == tmp_path / "home"
    env = settings.instance_env()
    assert env["DAGSTER_HOME"] == str(tmp_path / "home")
    assert env["DAGSTER_DISABLE_TELEMETRY"] == "1" and env["DO_NOT_TRACK"] == "1"

    home = settings.ensure_instance(tmp_path / "home")
    yaml = (home / "dagster.yaml").read_text(encoding="utf-8")
    assert "telemetry:\n  enabled: false" in yaml
    (home / "dagster.yaml").write_text(yaml + "run_queue:\n  max_concurrent_runs: 2\n", encoding="utf-8")
    settings.ensure_instance(home)  # ours, and stale: written again
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == yaml
    # what an earlier version wrote (no marker line yet), naming a storage class since removed
    before_issue_19 = (
        "telemetry:\n  enabled: false\nevent_log_storage:\n  module: dagster_project.event_log\n"
        "  class: BatchingSqliteEventLogStorage\n  config:\n    base_dir: \"/x/history/runs\"\n"
    )
    (home / "dagster.yaml").write_text(before_issue_19, encoding="utf-8")
    settings.ensure_instance(home)
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == yaml
    own = "telemetry:\n  enabled: false\nrun_queue:\n  max_concurrent_runs: 1\n"
    (home / "dagster.yaml").write_text(own, encoding="utf-8")
    settings.ensure_instance(home)  # a deployment's own: left as it is
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == own


def test_a_run_on_another_landing_dir_says_so(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    first, other = tmp_path / "reports", tmp_path / "samples"
    for landing in (first, other):
        landing.mkdir()
    assert freshness.landing_change(first, warehouse) is None  # never built
    warehouse.write_bytes(b"")
    freshness.forget(warehouse, first)
    assert freshness.last_landing(warehouse) == first
    assert freshness.landing_change(first, warehouse) is None
    note = freshness.landing_change(other, warehouse)
    assert note is not None and note.startswith("WARNING:") and str(first) in note and str(other) in note


def test_the_schedules_run_by_default_and_a_deployment_can_stop_them(monkeypatch: pytest.MonkeyPatch) -> None:
    import dagster as dg

    monkeypatch.delenv(schedules.SWITCH_ENV, raising=False)
    assert schedules.annual_refresh.default_status == dg.DefaultScheduleStatus.RUNNING
    assert schedules.late_publishers_catchup.default_status == dg.DefaultScheduleStatus.RUNNING
    assert schedules.default_status() == dg.DefaultScheduleStatus.RUNNING
    monkeypatch.setenv(schedules.SWITCH_ENV, "off")
    assert schedules.default_status() == dg.DefaultScheduleStatus.STOPPED


@pytest.mark.e2e
def test_ogi_dagster_runs_on_the_instance_without_the_banner(tmp_path: Path, dbt_manifest: Path) -> None:
    """The README's command: the run lands in $DAGSTER_HOME (the UI's), no telemetry banner."""
    home = tmp_path / "home"
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DAGSTER_DISABLE_TELEMETRY", "DO_NOT_TRACK", *PATH_NAMES)
    }
    env |= {
        "DAGSTER_HOME": str(home),
        "WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb"),
        settings.SETTINGS_ENV: "",
        "PATH": f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
    }
    command = [str(VENV_BIN / "ogi-dagster"), "asset", "materialize", "--select", "raw/regions"]
    command += ["-m", "dagster_project.definitions"]
    done = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert output.startswith(f"Dagster instance: {home}\n"), output[:500]
    assert f"WAREHOUSE_PATH={tmp_path / 'warehouse.duckdb'}  (environment)" in output
    assert "usage statistics" not in output and "Telemetry" not in output
    assert "telemetry:\n  enabled: false" in (home / "dagster.yaml").read_text(encoding="utf-8")

    code = (
        "import dagster as dg, json; i = dg.DagsterInstance.get();"
        " print(json.dumps([r.status.value for r in i.get_runs()]))"
    )
    runs = subprocess.run(
        [str(VENV_BIN / "python"), "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(runs.stdout) == ["SUCCESS"]
