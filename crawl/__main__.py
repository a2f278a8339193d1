"""``python -m crawl`` (``make crawl``): crawl the portals of ``CRAWL_CONFIG`` into the landing
directory (``WAREHOUSE_LANDING_DIR``, resolved as ``make run`` resolves it)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from crawl.config import ConfigError, config_path, load_config, settings_from_env
from crawl.run import crawl


def landing_dir() -> Path:
    from dagster_project import settings  # the one resolution of the warehouse's paths

    return settings.landing_dir()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawl", description=__doc__)
    parser.add_argument("--config", type=Path, help="default: CRAWL_CONFIG, else the example")
    parser.add_argument("--landing", type=Path, help="default: WAREHOUSE_LANDING_DIR")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        config = load_config(args.config or config_path())
        settings = settings_from_env(config.contact)
    except (ConfigError, OSError) as error:
        print(f"crawl: {error}", file=sys.stderr)
        return 2
    landing = args.landing or landing_dir()
    summaries = crawl(config, settings, landing)
    new = sum(len(s.written) for s in summaries)
    failed = sum(len(s.failed) for s in summaries)
    print(f"crawl: {new} new file(s) under {landing}, {failed} URL(s) not fetched (see the log)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
