"""What a run covers, without importing Dagster: the report years and the run config of a
run that parses new or changed files only.

``make run`` builds its Dagster command from these before it becomes that command (``execv``):
importing Dagster there (~0.9 s) would be thrown away with the process image.
"""

from __future__ import annotations

import datetime as dt

# Reports are due by 31 January for the year before; the Regulations date from 2008.
FIRST_REPORT_YEAR = 2008

# Run config of make run's, the sensor's and the schedules' runs: parse new or changed files only.
NEW_FILES_ONLY = {"ops": {"parsed_reports": {"config": {"reparse": False}}}}


def report_year_keys(today: dt.date | None = None) -> list[str]:
    """2008 … the current year (whose reports arrive next January)."""
    today = today or dt.date.today()
    return [str(year) for year in range(FIRST_REPORT_YEAR, today.year + 1)]


def full_range() -> str:
    """Every report year, as the CLI's ``--partition-range`` wants it (``make run``)."""
    keys = report_year_keys()
    return f"{keys[0]}...{keys[-1]}"


if __name__ == "__main__":
    print(full_range())
