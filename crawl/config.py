"""The crawl's configuration: the portals of ``CRAWL_CONFIG`` and the ``CRAWL_*`` settings."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

# the example shipped in the repo (contract §5: CRAWL_CONFIG's default)
EXAMPLE_CONFIG = Path(__file__).with_name("example.yaml")
PROJECT_AGENT = "ogi-warehouse-crawler/0.1"
PORTAL_KEYS = frozenset({"name", "start_urls", "allowed_hosts", "agency_name", "years"})
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class ConfigError(ValueError):
    """A config that cannot be crawled as written (named, with where)."""


@dataclass(frozen=True)
class Portal:
    """One portal of the config: its listing pages, the hosts it may fetch, and hints."""

    name: str
    start_urls: tuple[str, ...]
    allowed_hosts: frozenset[str]
    agency_name: str | None = None
    years: tuple[int, int] | None = None

    def wants_year(self, year: int | None) -> bool:
        """A report of ``year`` is collected (an unknown year is: the warehouse reads it)."""
        return year is None or self.years is None or self.years[0] <= year <= self.years[1]


@dataclass(frozen=True)
class Settings:
    """The ``CRAWL_*`` settings (docs/crawling.md), each with a safe default."""

    delay_s: float = 2.0
    max_pages: int = 2000
    user_agent: str = PROJECT_AGENT
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    max_bytes: int = 50 * 1024 * 1024
    retries: int = 4
    backoff_s: float = 5.0
    max_retry_wait_s: float = 300.0
    max_redirects: int = 10


@dataclass(frozen=True)
class CrawlConfig:
    portals: tuple[Portal, ...]
    contact: str | None = None
    path: Path | None = field(default=None, compare=False)


def host_of(url: str) -> str:
    """``host[:port]`` of ``url``, lower case, as ``allowed_hosts`` names it."""
    return urlsplit(url).netloc.lower()


def check_url(url: object, where: str) -> str:
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise ConfigError(f"{where}: {url!r} is not an http(s) URL")
    return url


def portal_of(entry: object, n: int) -> Portal:
    where = f"portals[{n}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} is not a mapping")
    unknown = sorted(set(entry) - PORTAL_KEYS)
    if unknown:  # a misspelt key (allowed_host, year) would otherwise widen the crawl silently
        raise ConfigError(f"{where}: unknown key(s) {unknown}; a portal has {sorted(PORTAL_KEYS)}")
    name = entry.get("name")
    if not isinstance(name, str) or not SLUG.match(name):
        raise ConfigError(f"{where}.name {name!r} is not a slug (a-z, 0-9, _ and -; it names a folder)")
    starts = entry.get("start_urls")
    if isinstance(starts, str):
        starts = [starts]
    if not isinstance(starts, list) or not starts:
        raise ConfigError(f"{where} ({name}): start_urls must list at least one listing page")
    urls = tuple(check_url(url, f"{where} ({name}).start_urls") for url in starts)
    hosts = entry.get("allowed_hosts") or sorted({host_of(url) for url in urls})
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h for h in hosts):
        raise ConfigError(f"{where} ({name}): allowed_hosts must be a list of host[:port]")
    agency = entry.get("agency_name")
    if agency is not None and (not isinstance(agency, str) or re.search(r"[/\\]", agency)):
        raise ConfigError(f"{where} ({name}): agency_name {agency!r} is not an agency's name")
    years = entry.get("years")
    if years is not None:
        if not (isinstance(years, list) and len(years) == 2 and all(isinstance(y, int) for y in years)):
            raise ConfigError(f"{where} ({name}): years must be [first, last], two years")
        years = (min(years), max(years))
    return Portal(name, urls, frozenset(h.lower() for h in hosts), agency or None, years)


def load_config(path: Path | str) -> CrawlConfig:
    """The portals of a YAML config (contract §5), checked; ``contact`` is the URL in the User-Agent."""
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("portals"), list):
        raise ConfigError(f"{path}: a crawl config is a mapping with a list of portals")
    if set(data) - {"portals", "contact"}:
        raise ConfigError(f"{path}: unknown key(s) {sorted(set(data) - {'portals', 'contact'})}")
    portals = tuple(portal_of(entry, n) for n, entry in enumerate(data["portals"]))
    names = [p.name for p in portals]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise ConfigError(f"{path}: two portals share a name ({twice})")
    contact = data.get("contact")
    mailto = isinstance(contact, str) and contact.startswith("mailto:") and "@" in contact
    if contact is not None and not mailto:
        contact = check_url(contact, f"{path}: contact (an http(s) URL or mailto:)")
    return CrawlConfig(portals, contact, path)


def env_number(name: str, default: float, kind: type = float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError as error:
        raise ConfigError(f"{name}={raw!r} is not a number") from error
    if value < 0:
        raise ConfigError(f"{name}={raw!r} is negative")
    return value


def settings_from_env(contact: str | None) -> Settings:
    """The settings from the environment; the User-Agent names the project and the config's contact."""
    agent = os.environ.get("CRAWL_USER_AGENT", "").strip()
    if not agent:
        agent = f"{PROJECT_AGENT} (+{contact})" if contact else PROJECT_AGENT
    base = Settings()
    return Settings(
        delay_s=env_number("CRAWL_DELAY_S", base.delay_s),
        max_pages=int(env_number("CRAWL_MAX_PAGES", base.max_pages, int)),
        user_agent=agent,
        connect_timeout_s=env_number("CRAWL_CONNECT_TIMEOUT_S", base.connect_timeout_s),
        read_timeout_s=env_number("CRAWL_READ_TIMEOUT_S", base.read_timeout_s),
        max_bytes=int(env_number("CRAWL_MAX_BYTES", base.max_bytes, int)),
        retries=int(env_number("CRAWL_RETRIES", base.retries, int)),
        backoff_s=env_number("CRAWL_BACKOFF_S", base.backoff_s),
        max_retry_wait_s=env_number("CRAWL_MAX_RETRY_WAIT_S", base.max_retry_wait_s),
        max_redirects=int(env_number("CRAWL_MAX_REDIRECTS", base.max_redirects, int)),
    )


def config_path() -> Path:
    """``CRAWL_CONFIG``, else the example shipped in the repo."""
    raw = os.environ.get("CRAWL_CONFIG", "").strip()
    return Path(raw) if raw else EXAMPLE_CONFIG
