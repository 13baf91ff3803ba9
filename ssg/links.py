"""Render stage: links and images that point at the original site (or at a site path) become archive
addresses while the sanitizer parses the HTML (ssg/sanitize.py calls rewrite_attribute for every
attribute it keeps); internal links that lead nowhere are reported."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from ssg import urls
from ssg.redirects import OldLinks

log = logging.getLogger(__name__)

# Attributes that hold addresses (srcset holds several), in Markdown's output and raw HTML alike.
URL_ATTRIBUTES = {
    "a": ("href",), "area": ("href",), "img": ("src", "srcset"), "source": ("src", "srcset"),
    "video": ("src", "poster"), "audio": ("src",), "track": ("src",), "iframe": ("src",),
}


@dataclass(slots=True)
class LinkTable:
    """What exists in the archive, and which hosts mean 'this site', for resolving links."""

    base_path: str
    outputs: set[str] | dict[str, str]  # output paths the build writes
    redirects: dict[str, str] = field(default_factory=dict)  # old path -> site path
    old_links: OldLinks = field(default_factory=dict)
    hosts: set[str] = field(default_factory=set)  # netlocs of the original site
    own_host: str = ""  # the archive's netloc, whose paths under base_path are the archive's
    original_url: str = ""  # where imported root-relative links pointed; "" for a hand-written site
    # Addresses already resolved that do not depend on the page (a site links to the same ones again and again).
    known: dict[str, tuple[str, bool]] = field(default_factory=dict, repr=False, compare=False)


@dataclass(slots=True)
class LinkProblem:
    """An internal link in a post that leads to nothing in the archive."""

    source: Path
    url: str


@dataclass(slots=True)
class LinkContext:
    """What rewriting needs while one document is sanitized, and the links it found broken."""

    table: LinkTable
    page_url: str
    unresolved: list[str] = field(default_factory=list)
    resolved: dict[str, tuple[str, bool]] = field(default_factory=dict)  # what the output depended on


def table_digest(table: LinkTable) -> str:
    """Changes whenever any link could resolve differently."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (table.base_path, sorted(table.outputs), sorted(table.redirects.items()),
                 sorted((key, sorted(values.items())) for key, values in table.old_links.items()),
                 sorted(table.hosts), table.own_host, table.original_url):
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def rewrite_attribute(context: LinkContext, tag: str, attribute: str, value: str) -> str:
    """An attribute of sanitized HTML as the archive should write it: addresses are rewritten."""
    if attribute in URL_ATTRIBUTES.get(tag, ()) and value:
        return rewrite(context, value, attribute)
    return value


def rewrite(context: LinkContext, url: str, attribute: str = "href") -> str:
    """One address (or a srcset list) as the archive should write it; unresolved ones are recorded."""
    if attribute == "srcset":
        candidates = [candidate.strip().split(None, 1) for candidate in url.split(",") if candidate.strip()]
        return ", ".join(" ".join([rewrite(context, parts[0]), *parts[1:]]) for parts in candidates)
    href, unresolved = context.resolved[url] = resolve_link(context.table, url, context.page_url)
    if unresolved:
        context.unresolved.append(url)
    return href


KNOWN_KEPT = 100_000


def resolve_link(table: LinkTable, url: str, page_url: str) -> tuple[str, bool]:
    """(the address to write, True when it is an internal link that does not resolve)."""
    if not url.startswith(("http://", "https://", "/")):
        return _resolve_link(table, url, page_url)  # a relative address: it depends on the page
    found = table.known.get(url)
    if found is None:
        if len(table.known) >= KNOWN_KEPT:
            table.known.clear()
        found = table.known[url] = _resolve_link(table, url, page_url)
    return found


def _resolve_link(table: LinkTable, url: str, page_url: str) -> tuple[str, bool]:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url, False
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return url, False  # mailto:, tel:; the sanitizer removes the dangerous ones
    if parts.netloc:
        host, path = parts.netloc.lower(), parts.path or "/"
        if host == table.own_host and path.startswith(table.base_path):
            path = "/" + path[len(table.base_path):]  # the archive's own published address
        elif host not in table.hosts:
            return url, False  # another site (or another project on the archive's host)
    elif not parts.path:
        return url, False  # '#section' or '?query' on the same page
    else:
        path = urljoin(page_url, parts.path)
    target = find_target(table, unquote(path), parts.query)
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if target is None:
        if not parts.netloc and table.original_url:
            # Imported content's own links led to the original site: keep pointing there.
            return urljoin(table.original_url, path) + (f"?{parts.query}" if parts.query else "") + fragment, True
        return url, True
    site_path, query = target
    return urls.href(table.base_path, site_path) + (f"?{query}" if query else "") + fragment, False


def find_target(table: LinkTable, path: str, query: str) -> tuple[str, str] | None:
    """The site path (and query to keep) an internal address leads to, or None."""
    try:
        checked = urls.check_url(path)
    except ValueError:
        return None
    if query and urls.is_front_door(checked):
        for key, value in parse_qsl(query):
            if key in urls.OLD_LINK_PARAMETERS:
                target = table.old_links.get(key, {}).get(value)
                return (target, "") if target else None
    if urls.output_file(checked) in table.outputs:
        return checked, query
    if path.rstrip("/") and path.lstrip("/") in table.outputs:
        return path, query  # a copied file: /wp-content/uploads/2020/01/x.jpg
    index_xml = f"{checked}{urls.FEED_FILE}"
    if checked.endswith("/") and urls.output_file(index_xml) in table.outputs:
        return index_xml, query  # a feed folder: /feed/ -> /feed/index.xml
    if checked in table.redirects:
        return table.redirects[checked], query
    return None
