"""What a page links to: more listing pages, report pages and attachments (BeautifulSoup: pages are
explored here, a few per portal, not parsed at volume).

A listing page of a report column (政府信息公开年报) is paginated the ways the common portal
systems write it: a 下一页 link, ``index_1.html`` style pages, ``?page=2`` style queries, or a page
count in a script (``createPageHTML(7, 0, "index", "html")``, TRS WCM). A report is told by its
link's text or title (…年度报告, 年报, with a year); an attachment by its extension.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from crawl.fetch import normalise

ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
REPORT_WORDS = re.compile(r"年度报告|年度報告|年报|年報|工作报告|工作報告")
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
BARE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?![\d\-/.])")  # 报告（2023）, not a date's 2024-01-20
NEXT_WORDS = re.compile(r"^\s*(下一页|下页|下一頁|后页|後頁|尾页|末页|\d{1,4}|>|»|›)\s*$")
PAGED_PATH = re.compile(r"(^|/)index_\d+\.s?html?$")
PAGED_QUERY = re.compile(r"(^|&)(page|pageno|pageindex|pagenum|currpage|curpage|p|pn)=\d+($|&)", re.I)
CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?\d+['\"]?"
    r"(?:\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"])?"
)
DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


@dataclass(frozen=True)
class Link:
    url: str
    kind: str  # "listing", "report" or "attachment"
    title: str | None = None  # the link's text (or title attribute) where it named a report
    date: str | None = None  # a date printed beside it on the listing, ISO
    year: int | None = None  # the report year its text names


def year_of(text: str) -> int | None:
    """The report year a title names: ``2023年`` first, else a bare ``2023`` that is no date's."""
    match = YEAR.search(text) or BARE_YEAR.search(text)
    return int(match.group(1)) if match else None


def is_attachment(url: str, text: str = "") -> bool:
    path = urlsplit(url).path.lower()
    return path.endswith(ATTACHMENT_EXTENSIONS) or text.strip().lower().endswith(ATTACHMENT_EXTENSIONS)


def is_report_title(text: str) -> bool:
    return bool(REPORT_WORDS.search(text)) and year_of(text) is not None


def is_pagination(url: str, text: str) -> bool:
    parts = urlsplit(url)
    return bool(NEXT_WORDS.match(text) or PAGED_PATH.search(parts.path) or PAGED_QUERY.search(parts.query))


def date_beside(anchor) -> str | None:
    """A date printed in the link's row (its ``li``/``tr``/``dd`` or parent), as ISO."""
    for parent in anchor.parents:
        if parent.name in ("li", "tr", "dd", "dt", "p", "div", "td"):
            match = DATE.search(parent.get_text(" ", strip=True))
            if match:
                try:
                    return dt.date(*map(int, match.groups())).isoformat()
                except ValueError:
                    return None
            if parent.name in ("li", "tr", "dd", "div"):
                return None
    return None


def script_pages(page_url: str, html: str) -> list[str]:
    """The pages a ``createPageHTML(count, current, "index", "html")`` script would link to."""
    found = []
    for match in CREATE_PAGE.finditer(html):
        count, stem, extension = int(match.group(1)), match.group(2) or "index", match.group(3) or "html"
        folder = posixpath.dirname(urlsplit(page_url).path) + "/"
        base = urljoin(page_url, folder)
        found.append(urljoin(base, f"{stem}.{extension}"))
        found += [urljoin(base, f"{stem}_{n}.{extension}") for n in range(1, min(count, 1000))]
    return found


def anchors(page_url: str, html: str) -> Iterator[tuple[Tag, str, str]]:
    """Each link of the page that leads somewhere (not a script, a mail address or an in-page
    mark): its anchor, its URL made absolute and normalised, and its text."""
    for anchor in BeautifulSoup(html, "html.parser").find_all("a", href=True):
        href = anchor["href"].strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        yield anchor, normalise(urljoin(page_url, href)), anchor.get_text(" ", strip=True)


def listing_links(page_url: str, html: str) -> list[Link]:
    """Reports, attachments and further listing pages linked from a listing page, in page order."""
    links: list[Link] = []
    for anchor, url, text in anchors(page_url, html):
        title = anchor.get("title", "").strip()
        named = title if is_report_title(title) else text
        if is_report_title(named):
            kind = "attachment" if is_attachment(url) else "report"
            links.append(Link(url, kind, named, date_beside(anchor), year_of(named)))
        elif is_pagination(url, text):
            links.append(Link(url, "listing"))
    links += [Link(normalise(url), "listing") for url in script_pages(page_url, html)]
    return links


def attachment_links(page_url: str, html: str) -> list[Link]:
    """The files a report page links to (PDF, Word, WPS, images): often the signed original."""
    links = []
    for _, url, text in anchors(page_url, html):
        if is_attachment(url, text):
            links.append(Link(url, "attachment", text or None))
    return links
