"""HTTP for the crawler: polite, bounded and conditional.

Every request goes through :class:`Fetcher`: only to ``allowed_hosts``, only where robots.txt
allows it, one at a time per host with ``CRAWL_DELAY_S`` (or the robots.txt ``Crawl-delay``, the
longer) between them, with connect and read timeouts and a size cap read off the stream, retried
with backoff on 429, 5xx and transport errors (``Retry-After`` honoured, in seconds or as a date),
and redirects followed by hand so that each hop is checked and a loop is detected.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import httpx
import tenacity

from crawl.config import Settings, host_of
from ingest.decode import decode_bytes
from ingest.errors import RejectedFile

REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRIED = frozenset({429, 500, 502, 503, 504})


class FetchError(Exception):
    """A URL that was not fetched this time, and why (logged; the crawl goes on)."""


class Retryable(Exception):
    """A 429, a 5xx or a transport error: tried again after ``retry_after`` or a backoff."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Response:
    url: str  # as asked for
    final_url: str  # after redirects
    status: int  # 200, or 304 where the stored version is current
    content_type: str | None
    etag: str | None
    last_modified: str | None
    body: bytes
    fetched_at: str  # UTC, ISO 8601


def normalise(url: str) -> str:
    """``url`` without its fragment, scheme and host lower case (one key per document)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Fetcher:
    """Requests for one crawl (one client, robots.txt and pacing kept per host)."""

    def __init__(self, settings: Settings, allowed_hosts: frozenset[str]) -> None:
        self.settings = settings
        self.allowed_hosts = allowed_hosts
        self.client = httpx.Client(
            timeout=httpx.Timeout(settings.read_timeout_s, connect=settings.connect_timeout_s),
            headers={"User-Agent": settings.user_agent},
            follow_redirects=False,
            trust_env=False,  # no proxy from the environment: the crawl goes where the config says
        )
        self.robots: dict[str, RobotFileParser] = {}
        self.last_request: dict[str, float] = {}
        self.host_locks: dict[str, threading.Lock] = {}
        self.lock = threading.Lock()
        self.requests = 0  # every HTTP request sent, robots.txt and retries included

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- politeness ---------------------------------------------------------------------------

    def delay_for(self, host: str) -> float:
        robots = self.robots.get(host)
        asked = robots.crawl_delay(self.settings.user_agent) if robots is not None else None
        return max(self.settings.delay_s, float(asked or 0))

    def host_lock(self, host: str) -> threading.Lock:
        with self.lock:
            return self.host_locks.setdefault(host, threading.Lock())

    def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be fetched: a host outside ``allowed_hosts``, or the host's
        robots.txt (fetched once per crawl); None where it may."""
        parts = urlsplit(url)
        host = parts.netloc.lower()
        if parts.scheme not in ("http", "https") or host not in self.allowed_hosts:
            return f"{host} is not among the portal's allowed_hosts"
        if host not in self.robots:
            self.robots[host] = self.fetch_robots(f"{parts.scheme}://{host}/robots.txt")
        if not self.robots[host].can_fetch(self.settings.user_agent, url):
            return "disallowed by robots.txt"
        return None

    def fetch_robots(self, url: str) -> RobotFileParser:
        """RFC 9309: a 4xx means no rules; a 5xx or no answer means everything is disallowed."""
        robots = RobotFileParser(url)
        try:
            _, response, body = self.follow(url, {}, check=False)
        except (FetchError, Retryable):
            robots.parse(["User-agent: *", "Disallow: /"])
            return robots
        status = response.status_code
        if status == 200:
            try:
                text = decode_bytes(body).text
            except RejectedFile:
                text = ""
            robots.parse(text.splitlines())
        elif 400 <= status < 500:
            robots.parse([])
        else:
            robots.parse(["User-agent: *", "Disallow: /"])
        return robots

    # -- requests ------------------------------------------------------------------------------

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Response:
        """``url`` fetched (``304`` with no body where the validators say it is unchanged).

        Raises :class:`FetchError` where the URL is not allowed, gives an error status, is too
        large, times out or keeps failing after the retries.
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        refused = self.refusal(url)
        if refused:
            raise FetchError(refused)
        try:
            final, response, body = self.follow(url, headers, check=True)
        except Retryable as error:
            raise FetchError(f"gave up after {self.settings.retries + 1} tries: {error}") from error
        if response.status_code not in (200, 304):
            raise FetchError(f"HTTP {response.status_code}")
        return Response(
            url=url,
            final_url=final,
            status=response.status_code,
            content_type=response.headers.get("content-type"),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            body=body,
            fetched_at=utc_now(),
        )

    def follow(self, url: str, headers: dict[str, str], check: bool) -> tuple[str, httpx.Response, bytes]:
        """(final URL, response, body) at the end of ``url``'s redirects. With ``check`` every hop
        must be allowed; a loop is an error."""
        seen = {normalise(url)}
        current = url
        for _ in range(self.settings.max_redirects + 1):
            response, body = self.request(current, headers)
            location = response.headers.get("location")
            if response.status_code not in REDIRECTS or not location:
                return current, response, body
            target = urljoin(current, location.strip())
            key = normalise(target)
            if key in seen:
                raise FetchError(f"redirect loop at {target}")
            refused = self.refusal(target) if check else None
            if refused:
                raise FetchError(f"redirected to {target}: {refused}")
            seen.add(key)
            current = target
        raise FetchError(f"more than {self.settings.max_redirects} redirects")

    def request(self, url: str, headers: dict[str, str]) -> tuple[httpx.Response, bytes]:
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.settings.retries + 1),
            wait=self.wait,
            retry=tenacity.retry_if_exception_type(Retryable),
            reraise=True,
        )
        return retrying(self.once, url, headers)

    def wait(self, state: tenacity.RetryCallState) -> float:
        """``Retry-After`` where the server said it, else an exponential backoff (both capped)."""
        error = state.outcome.exception() if state.outcome else None
        asked = error.retry_after if isinstance(error, Retryable) else None
        backoff = self.settings.backoff_s * 2 ** (state.attempt_number - 1)
        return min(self.settings.max_retry_wait_s, asked if asked is not None else backoff)

    def once(self, url: str, headers: dict[str, str]) -> tuple[httpx.Response, bytes]:
        """One request, paced: the host's previous request ended ``delay`` seconds ago at least."""
        host = host_of(url)
        with self.host_lock(host):
            last = self.last_request.get(host)
            if last is not None:
                time.sleep(max(0.0, last + self.delay_for(host) - time.monotonic()))
            self.requests += 1
            try:
                return self.read(url, headers)
            except httpx.TransportError as error:  # timeouts, refused connections, broken streams
                raise Retryable(f"{type(error).__name__}: {error}") from error
            finally:
                self.last_request[host] = time.monotonic()

    def read(self, url: str, headers: dict[str, str]) -> tuple[httpx.Response, bytes]:
        cap = self.settings.max_bytes
        with self.client.stream("GET", url, headers=headers) as response:
            if response.status_code in RETRIED:
                wait = retry_after(response.headers.get("retry-after"))
                if wait is not None and wait > self.settings.max_retry_wait_s:
                    raise FetchError(f"HTTP {response.status_code}, Retry-After {wait:.0f} s: later")
                raise Retryable(f"HTTP {response.status_code}", wait)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise FetchError(f"{int(declared)} bytes declared, more than CRAWL_MAX_BYTES={cap}")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    raise FetchError(f"more than CRAWL_MAX_BYTES={cap} bytes")
                chunks.append(chunk)
            return response, b"".join(chunks)
