"""HTTP for the live-site import: bounded, retried GETs that never leave the site's host.

Used by crawl.py (REST pages) and media.py (uploads). Every request: http(s) only, redirects
followed by hand and only within the same host (never from https down to http), the body read in
chunks up to a size limit, and retries with backoff on timeouts, broken connections, truncated
bodies, 5xx and 429 (honouring Retry-After).
"""

from __future__ import annotations

import email.utils
import json
import logging
import queue
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from ssg import __version__

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
PARTIAL_SUFFIX = ".ssg-partial"  # a file being downloaded; renamed to its own name once complete
USER_AGENT = f"ssg/{__version__} (static archive generator)"


@dataclass(slots=True)
class FetchSettings:
    """How patient and how careful each request is."""

    timeout: float = 60.0  # seconds without a byte before a request counts as stalled
    retries: int = 5  # further attempts after the first
    backoff: float = 1.0  # first wait between attempts, doubled each time
    max_backoff: float = 60.0
    max_retry_after: float = 600.0  # a longer Retry-After is shortened to this
    max_api_bytes: int = 64 * 1024 * 1024
    max_file_bytes: int = 1024 * 1024 * 1024


@dataclass(slots=True)
class Reply:
    """A final answer from the server: its status, headers and (for API calls) the body."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes = b""
    parsed: Any = None  # the body as JSON, once parsed

    def json(self) -> Any:
        if self.parsed is None:
            self.parsed = json.loads(self.body)
        return self.parsed

    def link(self, rel: str) -> str | None:
        """The URL of a `Link:` header entry with this rel, resolved against the request URL."""
        for value in self.headers.get_list("link"):
            for part in value.split(","):
                target, _, params = part.partition(";")
                target = target.strip()
                if target.startswith("<") and target.endswith(">") and f'rel="{rel}"' in params.replace(" ", ""):
                    return urljoin(self.url, target[1:-1])
        return None


class FetchError(Exception):
    """A request that did not succeed after every retry, or that was refused for safety."""


class Refused(FetchError):
    """A request ssg will not make or finish: another host, another scheme, a reply over the size limit."""


class Truncated(Exception):
    """The connection ended before the whole body its Content-Length announced had arrived."""


class DaemonPool:
    """Runs calls on at most `size` daemon threads.

    Unlike ThreadPoolExecutor, whose threads Python waits for at exit, Ctrl-C never waits here
    for a request that a stalled server holds open: what was saved stays saved, the rest is dropped.
    """

    def __init__(self, size: int) -> None:
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._size = size
        for number in range(size):
            threading.Thread(target=self._work, name=f"ssg-fetch-{number}", daemon=True).start()

    def submit(self, function: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        self._tasks.put((future, function, args))
        return future

    def close(self) -> None:
        """Let the threads end once the queue is empty (cancelled tasks are skipped)."""
        for _ in range(self._size):
            self._tasks.put(None)

    def _work(self) -> None:
        while (task := self._tasks.get()) is not None:
            future, function, args = task
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(function(*args))
            except BaseException as error:  # handed to the caller, who decides
                future.set_exception(error)


def open_client(settings: FetchSettings, auth: tuple[str, str] | None = None, connections: int = 4) -> httpx.Client:
    """One connection pool for a crawl; redirects are followed by `fetch`, not by httpx."""
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.Client(auth=auth, timeout=httpx.Timeout(settings.timeout), limits=limits,
                        follow_redirects=False, headers={"User-Agent": USER_AGENT})


def check_http_url(url: str) -> str:
    """The URL itself if it is http(s) with a host; Refused otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"only http:// and https:// addresses can be fetched, not {url!r}")
    return url


def fetch(client: httpx.Client, url: str, settings: FetchSettings, *, expect_json: bool = False,
          into: Path | None = None) -> Reply:
    """GET `url` with retries; the body goes to memory, or to the file `into` (written whole or not at all).

    A reply with a status the caller must judge (2xx, 3xx to another host is an error, 4xx) is
    returned; 429, 5xx and broken transfers are retried and become a FetchError when retries run out.
    With `expect_json`, a 2xx body that does not parse as JSON counts as a broken transfer.
    """
    problem = ""
    for attempt in range(settings.retries + 1):
        wait = None
        try:
            reply = _follow(client, url, settings, into)
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError, Truncated) as error:
            problem = _describe(error)
        else:
            if reply.status == 429 or reply.status >= 500:
                problem = f"HTTP {reply.status}"
                wait = retry_after(reply.headers, settings)
            elif expect_json and 200 <= reply.status < 300 and not _parses(reply):
                problem = "the reply is not complete JSON"
            else:
                return reply
        if attempt == settings.retries:
            break
        if wait is None:
            wait = min(settings.backoff * 2 ** attempt, settings.max_backoff) * random.uniform(0.5, 1.0)
        log.info("%s: %s; trying again in %.1fs (%d of %d)", url, problem, wait, attempt + 1, settings.retries)
        time.sleep(wait)
    raise FetchError(f"{url}: {problem} (gave up after {settings.retries + 1} attempts)")


def retry_after(headers: httpx.Headers, settings: FetchSettings) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), capped; None if absent."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - datetime.now(timezone.utc)).total_seconds()
    return min(max(seconds, 0.0), settings.max_retry_after)


def same_host(url: str, other: str) -> bool:
    """True when `other` is on the host of `url` and does not drop https for http."""
    first, second = urlsplit(url), urlsplit(other)
    if second.scheme not in ("http", "https") or (first.scheme == "https" and second.scheme == "http"):
        return False
    return (first.hostname or "").lower() == (second.hostname or "").lower()


def _follow(client: httpx.Client, url: str, settings: FetchSettings, into: Path | None) -> Reply:
    current = check_http_url(url)
    for _ in range(MAX_REDIRECTS + 1):
        with client.stream("GET", current) as response:
            if response.is_redirect:
                target = urljoin(current, response.headers.get("location", ""))
                if not same_host(current, target):
                    raise Refused(f"{current} redirects to {target}, another host or an insecure address; "
                                  "ssg does not follow it (give that address instead if it is the same site)")
                current = target
                continue
            if not response.is_success:
                return Reply(current, response.status_code, response.headers, _read(response, settings.max_api_bytes))
            limit = settings.max_file_bytes if into else settings.max_api_bytes
            if into is None:
                return Reply(current, response.status_code, response.headers, _read(response, limit))
            _save(response, limit, into)
            return Reply(current, response.status_code, response.headers)
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _too_big(response: httpx.Response, limit: int) -> None:
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise Refused(f"{response.url}: the reply is {int(length):,} bytes, more than the limit of {limit:,}")


def _read(response: httpx.Response, limit: int) -> bytes:
    _too_big(response, limit)
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise Refused(f"{response.url}: the reply is larger than the limit of {limit:,} bytes")
        chunks.append(chunk)
    return _complete(response, b"".join(chunks), size)


def _save(response: httpx.Response, limit: int, into: Path) -> None:
    _too_big(response, limit)
    into.parent.mkdir(parents=True, exist_ok=True)
    partial = into.with_name(into.name + PARTIAL_SUFFIX)
    size = 0
    try:
        with partial.open("wb") as file:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise Refused(f"{response.url}: the file is larger than the limit of {limit:,} bytes")
                file.write(chunk)
        _complete(response, b"", size)
        partial.replace(into)
    finally:
        partial.unlink(missing_ok=True)


def _complete(response: httpx.Response, body: bytes, size: int) -> bytes:
    # httpx notices a connection that closes early, but a server may also send fewer bytes than
    # its Content-Length when the encoding is identity; compare when the header is there.
    length = response.headers.get("content-length", "")
    if length.isdigit() and "content-encoding" not in response.headers and int(length) != size:
        raise Truncated(f"got {size} of {length} bytes")
    return body


def _parses(reply: Reply) -> bool:
    try:
        reply.json()
    except ValueError:
        return False
    return True


def _describe(error: Exception) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "no answer in time"
    if isinstance(error, Truncated):
        return f"the reply was cut short ({error})"
    return f"the connection failed ({type(error).__name__}: {error})"
