"""One crawl of every portal of the config into ``WAREHOUSE_LANDING_DIR/<portal name>/``."""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from crawl.config import CrawlConfig, Portal, Settings
from crawl.fetch import Fetcher, FetchError, Response, normalise
from crawl.links import Link, attachment_links, listing_links
from crawl.store import Store, links_from_json, links_json
from ingest.decode import decode_bytes
from ingest.errors import RejectedFile

log = logging.getLogger("crawl")


@dataclass
class PortalSummary:
    """What one portal's crawl did (logged, and the Dagster asset's metadata)."""

    portal: str
    written: list[str] = field(default_factory=list)  # files new in the folder, relative to it
    unchanged: int = 0  # fetched again (no validators honoured) and the same bytes as kept
    not_modified: int = 0  # 304: the kept version is current
    skipped_years: int = 0  # report links outside the config's years
    failed: dict[str, str] = field(default_factory=dict)  # url → why (robots, 404, timeout, size …)
    pages: int = 0  # documents asked for (the CRAWL_MAX_PAGES budget)
    requests: int = 0  # HTTP requests sent (robots.txt and retries included)
    budget_reached: bool = False


def html_text(body: bytes) -> str | None:
    """The text of a page, its charset told from its bytes (GBK portals are common); None for a
    binary file."""
    try:
        return decode_bytes(body).text
    except RejectedFile:
        return None


def sidecar_of(portal: Portal, link: Link, response: Response, referrer: str | None) -> dict:
    """What the crawler knows of a file (contract §2)."""
    sidecar = {
        "url": link.url,
        "final_url": response.final_url,
        "fetched_at": response.fetched_at,
        "http_status": response.status,
        "content_type": response.content_type,
        "listing_title": link.title,
        "listing_date": link.date,
        "referrer": referrer,
        "agency_name": portal.agency_name,
    }
    return {key: value for key, value in sidecar.items() if value is not None}


def crawl_portal(portal: Portal, settings: Settings, landing: Path) -> PortalSummary:
    """Crawl one portal breadth first from its listing pages; the state file makes it incremental."""
    store = Store(landing / portal.name)
    summary = PortalSummary(portal.name)
    queue: deque[tuple[Link, str | None]] = deque(
        (Link(normalise(url), "listing"), None) for url in portal.start_urls
    )
    seen: set[str] = set()
    with Fetcher(settings, portal.allowed_hosts) as fetcher:
        while queue:
            link, referrer = queue.popleft()
            if link.url in seen:
                continue  # the same report linked twice (or a listing page reached again)
            seen.add(link.url)
            if link.kind != "listing" and not portal.wants_year(link.year):
                summary.skipped_years += 1
                continue
            if summary.pages >= settings.max_pages:
                summary.budget_reached = True
                left = len(queue) + 1
                log.warning("%s: CRAWL_MAX_PAGES spent; %d link(s) left", portal.name, left)
                break
            summary.pages += 1
            try:
                response = fetcher.get(link.url, *store.validators(link.url))
            except FetchError as error:
                summary.failed[link.url] = str(error)
                log.warning("%s: %s not fetched: %s", portal.name, link.url, error)
                continue
            if response.status == 304:
                summary.not_modified += 1
                children = links_from_json(store.known(link.url).get("links", []))
            else:
                children = visit(portal, store, summary, link, response, referrer)
            for child in children:  # a report's attachments: the listing's title and date of the report
                inherited = Link(child.url, child.kind, link.title, link.date, link.year)
                queue.append((inherited if link.kind == "report" else child, link.url))
        summary.requests = fetcher.requests
    log.info(
        "%s: %d new file(s), %d not modified, %d unchanged, %d failed, %d page(s), %d request(s)",
        portal.name,
        len(summary.written),
        summary.not_modified,
        summary.unchanged,
        len(summary.failed),
        summary.pages,
        summary.requests,
    )
    return summary


def visit(
    portal: Portal, store: Store, summary: PortalSummary, link: Link, response: Response, referrer: str | None
) -> list[Link]:
    """Keep what a 200 brought (reports and attachments, not listing pages) and find its links."""
    text = html_text(response.body) if link.kind != "attachment" else None
    entry = {
        "etag": response.etag,
        "last_modified": response.last_modified,
        "fetched_at": response.fetched_at,
        "kind": link.kind,
    }
    children: list[Link] = []
    if link.kind == "listing":
        children = listing_links(response.final_url, text or "")
    else:
        file, written = store.save(
            response.final_url,
            response.body,
            response.content_type,
            sidecar_of(portal, link, response, referrer),
        )
        entry |= {"file": file, "sha256": store.sha_of(response.body)}
        if written:
            summary.written.append(file)
        else:
            summary.unchanged += 1
        if link.kind == "report" and text is not None:
            children = attachment_links(response.final_url, text)
    entry["links"] = links_json(children)
    store.record(link.url, entry)
    return children


def crawl(config: CrawlConfig, settings: Settings, landing: Path) -> list[PortalSummary]:
    """Every portal of ``config``, one after the other (one request at a time per host)."""
    return [crawl_portal(portal, settings, landing) for portal in config.portals]
