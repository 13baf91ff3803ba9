"""Import from a live site: find its REST API, save every collection page under content/_sources/.

The saved files are raw REST responses, the same shapes as an offline dump, so `ssg import URL`
and `ssg import <the saved folder>` give the same Markdown. A crawl is resumable: each page is
written whole when it arrives, and a crawl that did not finish skips the pages it already has.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from ssg.errors import SsgError
from ssg.wordpress.fetch import (DaemonPool, FetchError, FetchSettings, Refused, Reply, check_http_url, fetch,
                                open_client, same_host)
from ssg.wordpress.read import is_internal_type

log = logging.getLogger(__name__)

STATE_NAME = "crawl.state"  # not .json: the importer reads every .json file of the folder
API_REL = "https://api.w.org/"
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}

ProgressCallback = Callable[[str, int, int], None]


@dataclass(slots=True)
class CrawlOptions:
    """What to crawl and how."""

    url: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    since: datetime | None = None
    concurrency: int = 4
    per_page: int = 100
    fetch: FetchSettings = field(default_factory=FetchSettings)


@dataclass(slots=True)
class Collection:
    """One REST collection to page through, and the file names its pages are saved under."""

    name: str
    route: str
    params: dict[str, str]


@dataclass(slots=True)
class CrawlReport:
    """What a crawl fetched, for the summary."""

    folder: Path
    api_root: str
    site: dict[str, Any]
    items: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    pages_fetched: int = 0
    pages_reused: int = 0
    unavailable: list[tuple[str, str]] = field(default_factory=list)


def crawl_site(options: CrawlOptions, sources_dir: Path, progress: ProgressCallback | None = None) -> CrawlReport:
    """Fetch every collection of the site into a folder under `sources_dir`; returns what was fetched."""
    try:
        check_http_url(options.url)
    except FetchError as error:
        raise SsgError(str(error)) from None
    if options.password is not None:
        _check_safe_for_password(options.url)
    auth = (options.user, options.password) if options.user and options.password is not None else None
    with open_client(options.fetch, auth, options.concurrency) as client:
        try:
            return _crawl(client, options, sources_dir, progress or (lambda *_: None))
        except Refused as error:
            raise SsgError(str(error)) from None
        except FetchError as error:
            raise SsgError(f"{error}; run the same command again to resume the crawl") from None


def _crawl(client: httpx.Client, options: CrawlOptions, sources_dir: Path, progress: ProgressCallback) -> CrawlReport:
    api_root, index = discover_api_root(client, options.url, options.fetch)
    site = index.json()
    if options.since is not None:
        options.since = site_time(options.since, site)
    folder = sources_dir / crawl_folder_name(options.url, options.since)
    report = CrawlReport(folder=folder, api_root=api_root, site=site)
    if options.user:
        _check_login(client, api_root, options)
    state = _start_state(folder, api_root, options)
    _save_page(folder / "index.json", index.body)
    types_reply = _get_json(client, route_url(api_root, "/wp/v2/types"), options.fetch)
    _save_page(folder / "types.json", types_reply.body)
    collections = plan_collections(types_reply.json(), options)
    _fetch_all(client, api_root, collections, folder, state, options, report, progress)
    if options.since is not None:
        _fetch_since_comments(client, api_root, collections, folder, state, options, report, progress)
    state["complete"] = True
    _write_state(folder, state)
    return report


def discover_api_root(client: httpx.Client, url: str, settings: FetchSettings) -> tuple[str, Reply]:
    """The REST root of the site at `url` and its index: the address given, the `Link` header, /wp-json/, ?rest_route=/."""
    candidates = []
    if "rest_route=" in url or urlsplit(url).path.rstrip("/").endswith("/wp-json"):
        candidates.append(url)
    try:  # one retry only: a mistyped or dead address should not keep the user waiting
        home = fetch(client, url, replace(settings, retries=min(settings.retries, 1)))
    except Refused:
        raise
    except FetchError as error:
        raise SsgError(f"cannot reach the site: {error}") from None
    if home.status >= 400 and not candidates:
        raise SsgError(f"{url} answered HTTP {home.status}: is this the address of a WordPress site?")
    advertised = home.link(API_REL)
    if advertised:
        if not same_host(url, advertised):
            raise SsgError(f"{url} says its REST API is at {advertised}, on another host; if that is the same "
                           f"site, run the import with that address")
        candidates.append(advertised)
    parts = urlsplit(url)
    base = urlunsplit((parts.scheme, parts.netloc, parts.path if parts.path.endswith("/") else parts.path + "/", "", ""))
    candidates += [base + "wp-json/", base + "?rest_route=/"]
    for candidate in dict.fromkeys(candidates):
        reply = fetch(client, candidate, settings)
        index = _json_or_none(reply)
        if reply.status == 200 and isinstance(index, dict) and "wp/v2" in index.get("namespaces", []):
            log.info("REST API of %s: %s", url, candidate)
            return candidate, reply
    raise SsgError(f"found no WordPress REST API at {url} (tried {', '.join(dict.fromkeys(candidates))}); "
                   "the API may be switched off by a plugin")


def route_url(api_root: str, route: str, params: dict[str, str] | None = None) -> str:
    """The URL of a REST route under `api_root`, in the root's own form (/wp-json/... or ?rest_route=...)."""
    parts = urlsplit(api_root)
    query = parse_qsl(parts.query, keep_blank_values=True)
    path = parts.path
    if any(key == "rest_route" for key, _ in query):
        query = [(key, value) for key, value in query if key != "rest_route"] + [("rest_route", route)]
    else:
        path = path.rstrip("/") + route
    query += list((params or {}).items())
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query, safe="/,:"), ""))


def site_time(moment: datetime, site: dict[str, Any]) -> datetime:
    """A --since date as WordPress compares it: in the site's own time, without an offset."""
    if moment.tzinfo is None:
        return moment
    try:
        offset = timedelta(hours=float(site.get("gmt_offset") or 0))
    except (TypeError, ValueError):
        offset = timedelta(0)
    return moment.astimezone(timezone(offset)).replace(tzinfo=None)


def crawl_folder_name(url: str, since: datetime | None) -> str:
    """`example.com`, `example.com-8080-blog`; a --since crawl gets its own folder beside the full one."""
    parts = urlsplit(url)
    name = "-".join(filter(None, [parts.hostname, str(parts.port or ""), *parts.path.split("/")]))
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-") or "site"
    if since is not None:
        name += f"-since-{since:%Y%m%dT%H%M%S}"
    return name


def plan_collections(types: Any, options: CrawlOptions) -> list[Collection]:
    """Posts, pages and custom types (from /wp/v2/types), then terms, users, media and comments."""
    signed_in = options.user is not None
    common = _common_params(options)
    changed = {"modified_after": options.since.isoformat()} if options.since else {}
    collections = []
    for slug, info in sorted((types or {}).items(), key=lambda item: (item[0] not in ("post", "page"), item[0])):
        # Media is crawled as media; WordPress's own types (menus, blocks, templates) are not content.
        if slug == "attachment" or is_internal_type(slug) or not isinstance(info, dict) or not info.get("rest_base"):
            continue
        namespace = info.get("rest_namespace") or "wp/v2"
        params = {**common, "_embed": "1", **changed, **({"status": "any"} if signed_in else {})}
        collections.append(Collection(info["rest_base"], f"/{namespace}/{info['rest_base']}", params))
    collections += [
        Collection("categories", "/wp/v2/categories", common),
        Collection("tags", "/wp/v2/tags", common),
        Collection("users", "/wp/v2/users", common),
        Collection("media", "/wp/v2/media", {**common, **changed}),
    ]
    if options.since is None:
        collections.append(Collection("comments", "/wp/v2/comments", common))
        if signed_in:  # WordPress lists pingbacks and trackbacks only to a signed-in user
            collections += [Collection(f"comments-{kind}", "/wp/v2/comments", {**common, "type": kind})
                            for kind in ("pingback", "trackback")]
    return collections


def _fetch_all(client: httpx.Client, api_root: str, collections: list[Collection], folder: Path,
               state: dict[str, Any], options: CrawlOptions, report: CrawlReport, progress: ProgressCallback) -> None:
    """Page through every collection with at most `concurrency` requests at once."""
    for collection in collections:
        report.items.setdefault(collection.name, 0)
    pool = DaemonPool(options.concurrency)
    running: dict[Future, tuple[Collection, int]] = {}

    def start(collection: Collection, page: int) -> None:
        path = page_path(folder, collection.name, page)
        if path.exists() and collection.name in state["pages"]:
            report.pages_reused += 1
            arrived(collection, page, json.loads(path.read_bytes()))
        else:
            url = route_url(api_root, collection.route, {**collection.params, "page": str(page)})
            running[pool.submit(_get_page, client, url, options.fetch)] = (collection, page)

    def arrived(collection: Collection, page: int, records: list, reply: Reply | None = None) -> None:
        _count_items(report, collection, records)
        known = state["pages"].get(collection.name)
        if known is None:  # the first page says how many there are
            known = state["pages"][collection.name] = _announcement(reply, records)
            _write_state(folder, state)
        if page == 1:
            for later in range(2, known["pages"] + 1):
                start(collection, later)
        if known["open"] and page == known["pages"] and len(records) >= options.per_page:
            known["pages"] = page + 1  # no X-WP-TotalPages: ask while pages come back full
            _write_state(folder, state)
            start(collection, page + 1)
        done = report.items[collection.name]
        progress(f"Fetching {collection.name}", done, max(known["total"], done))

    for collection in collections:
        start(collection, 1)
    try:
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                collection, page = running.pop(future)
                reply = future.result()
                if isinstance(reply, str):
                    report.unavailable.append((collection.name, reply))
                elif reply is not None:  # None: past the last page
                    _save_page(page_path(folder, collection.name, page), reply.body)
                    report.pages_fetched += 1
                    arrived(collection, page, reply.json(), reply)
    finally:
        for future in running:
            future.cancel()
        pool.close()
    for collection in collections:
        if collection.name in state["pages"]:
            report.totals[collection.name] = state["pages"][collection.name]["total"]


def _announcement(reply: Reply | None, records: list) -> dict[str, Any]:
    """Pages and items a collection has, from X-WP-TotalPages and X-WP-Total when the server sends them."""
    headers = reply.headers if reply is not None else httpx.Headers()
    pages, total = headers.get("x-wp-totalpages", ""), headers.get("x-wp-total", "")
    return {"pages": max(int(pages), 1) if pages.isdigit() else 1, "open": not pages.isdigit(),
            "total": int(total) if total.isdigit() else len(records)}


def _fetch_since_comments(client: httpx.Client, api_root: str, collections: list[Collection], folder: Path,
                          state: dict[str, Any], options: CrawlOptions, report: CrawlReport,
                          progress: ProgressCallback) -> None:
    """For a --since crawl: new comments, the posts they are on, and every comment of each post fetched.

    A post is imported with all its comments, so a post in this folder must come with all of them,
    and a post that only gained a comment must come too.
    """
    common = _common_params(options)
    since = options.since.isoformat() if options.since else ""
    new_comments = Collection("comments-new", "/wp/v2/comments", {**common, "after": since})
    _fetch_all(client, api_root, [new_comments], folder, state, options, report, progress)
    content_types = [collection for collection in collections if "_embed" in collection.params]
    fetched = {record["id"] for collection in content_types for record in _saved_records(folder, collection.name)}
    commented = {record.get("post") for record in _saved_records(folder, new_comments.name)}
    only_commented = sorted(post for post in commented - fetched if isinstance(post, int))
    also_fetched = [
        Collection(f"{collection.name}-commented-{number}", collection.route,
                   {**{key: value for key, value in collection.params.items() if key != "modified_after"},
                    "include": ids})
        for number, ids in enumerate(_id_lists(only_commented, options.per_page), 1) for collection in content_types]
    _fetch_all(client, api_root, also_fetched, folder, state, options, report, progress)
    kinds = ["comment", "pingback", "trackback"] if options.user else ["comment"]
    all_comments = [Collection(f"comments-of-posts-{number}" + (f"-{kind}" if kind != "comment" else ""),
                               "/wp/v2/comments", {**common, "post": ids, "type": kind})
                    for number, ids in enumerate(_id_lists(sorted(fetched | set(only_commented)), options.per_page), 1)
                    for kind in kinds]
    _fetch_all(client, api_root, all_comments, folder, state, options, report, progress)


def _id_lists(ids: list[int], size: int) -> list[str]:
    """IDs as comma-separated lists of at most `size`, for `include=` and `post=`."""
    return [",".join(map(str, ids[start:start + size])) for start in range(0, len(ids), size)]


def _common_params(options: CrawlOptions) -> dict[str, str]:
    # Oldest first by ID: a post published during the crawl lands on the last page instead of
    # shifting every page after it.
    return {"per_page": str(options.per_page), "orderby": "id", "order": "asc"}


def page_path(folder: Path, name: str, page: int) -> Path:
    """Where one page of a collection is saved: `posts.p00001.json`."""
    return folder / f"{name}.p{page:05d}.json"


def _saved_records(folder: Path, name: str) -> list[dict[str, Any]]:
    records = []
    for path in sorted(folder.glob(f"{name}.p*.json")):
        records += [record for record in json.loads(path.read_bytes()) if isinstance(record, dict)]
    return records


def _get_page(client: httpx.Client, url: str, settings: FetchSettings) -> Reply | str | None:
    """One page of a collection; None past the last page; a reason when the collection is closed to us."""
    reply = fetch(client, url, settings, expect_json=True)
    if reply.status == 200:
        if not isinstance(reply.json(), list):
            raise FetchError(f"{url}: the reply is not a list of records")
        return reply
    code = _error_code(reply)
    if reply.status == 400 and code == "rest_post_invalid_page_number":
        return None
    if reply.status in (401, 403) or code == "rest_no_route":
        return f"HTTP {reply.status} {code or ''}".strip()
    raise FetchError(f"{url}: HTTP {reply.status} {code or ''}".strip())


def _get_json(client: httpx.Client, url: str, settings: FetchSettings) -> Reply:
    reply = fetch(client, url, settings, expect_json=True)
    if reply.status != 200:
        raise FetchError(f"{url}: HTTP {reply.status} {_error_code(reply) or ''}".strip())
    return reply


def _count_items(report: CrawlReport, collection: Collection, records: Any) -> None:
    report.items[collection.name] = report.items.get(collection.name, 0) + (len(records) if isinstance(records, list) else 0)


def _error_code(reply: Reply) -> str | None:
    data = _json_or_none(reply)
    return data.get("code") if isinstance(data, dict) and isinstance(data.get("code"), str) else None


def _json_or_none(reply: Reply) -> Any:
    try:
        return reply.json()
    except ValueError:
        return None


def _check_safe_for_password(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme != "https" and (parts.hostname or "") not in _LOOPBACK_HOSTS:
        raise SsgError(f"refusing to send an application password over plain http to {parts.hostname}: "
                       "use the https:// address of the site")


def _check_login(client: httpx.Client, api_root: str, options: CrawlOptions) -> None:
    reply = fetch(client, route_url(api_root, "/wp/v2/users/me"), options.fetch, expect_json=True)
    if reply.status != 200:
        raise SsgError(f"the site did not accept the application password of user {options.user!r} "
                       f"(HTTP {reply.status} {_error_code(reply) or ''}); check the user name and the password")


# --- resume state: which crawl this folder holds and how many pages each collection has ---

def _start_state(folder: Path, api_root: str, options: CrawlOptions) -> dict[str, Any]:
    """Resume an unfinished crawl of the same kind, or start a new one (removing old pages)."""
    signature = {"api_root": api_root, "user": options.user, "per_page": options.per_page,
                 "since": options.since.isoformat() if options.since else None}
    state = _read_state(folder)
    if state and not state.get("complete") and state.get("signature") == signature:
        log.info("resuming the unfinished crawl in %s", folder)
        return state
    if folder.exists():
        for old in folder.glob("*.p[0-9]*.json"):
            old.unlink()
    state = {"signature": signature, "complete": False, "pages": {}}
    _write_state(folder, state)
    return state


def _read_state(folder: Path) -> dict[str, Any] | None:
    try:
        state = json.loads((folder / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and isinstance(state.get("pages"), dict) else None


def _write_state(folder: Path, state: dict[str, Any]) -> None:
    _save_page(folder / STATE_NAME, (json.dumps(state, indent=1, sort_keys=True) + "\n").encode("utf-8"))


def _save_page(path: Path, body: bytes) -> None:
    """Write a whole file or nothing: an interrupted crawl never leaves half a page behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(body)
    partial.replace(path)
