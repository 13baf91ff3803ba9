"""Extra outputs: sitemap.xml (an index of parts past 50,000 URLs, as the protocol requires) and robots.txt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import PurePosixPath
from xml.etree import ElementTree

from ssg import urls
from ssg.content import Post
from ssg.output import Output
from ssg.taxonomy import Term

SITEMAP_LIMIT = 50_000  # URLs per sitemap file, from sitemaps.org
_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(slots=True)
class Entry:
    """One address in the sitemap, with when it last changed when that is known."""

    url: str
    modified: datetime | None = None


def sitemap_entries(posts: list[Post], pages: list[Post], lists: list[Term], overview_urls: list[str]) -> list[Entry]:
    """Home, overviews, pages, posts and the first page of every list, in a stable order."""
    entries = [Entry("/", max((p.updated or p.date for p in posts if p.date), default=None))]
    entries += [Entry(url) for url in overview_urls]
    entries += [Entry(d.url, d.updated or d.date) for d in pages + posts]
    entries += [Entry(term.url, max((p.updated or p.date for p in term.posts if p.date), default=None))
                for term in lists if term.kind != "home"]
    return entries


def part_count(entry_count: int, limit: int = SITEMAP_LIMIT) -> int:
    """How many sitemap parts a site needs: none while one sitemap.xml holds every URL."""
    return 0 if entry_count <= limit else -(-entry_count // limit)


def sitemap_paths(entry_count: int, limit: int = SITEMAP_LIMIT) -> list[PurePosixPath]:
    """sitemap.xml, then its parts when there are any."""
    return [urls.output_path(urls.SITEMAP_URL)] + [urls.output_path(urls.sitemap_part_url(number))
                                                    for number in range(1, part_count(entry_count, limit) + 1)]


def render_sitemap(entries: list[Entry], base_url: str, limit: int = SITEMAP_LIMIT) -> list[Output]:
    """sitemap.xml, or sitemap.xml as an index of sitemap-N.xml parts."""
    return [Output(path, render_sitemap_file(entries, base_url, number, limit))
            for number, path in enumerate(sitemap_paths(len(entries), limit))]


def render_sitemap_file(entries: list[Entry], base_url: str, number: int, limit: int = SITEMAP_LIMIT) -> bytes:
    """File `number` of sitemap_paths(): sitemap.xml (0: the whole sitemap, or the index of its parts), or a part."""
    parts = part_count(len(entries), limit)
    if number:
        return _urlset(entries[(number - 1) * limit: number * limit], base_url)
    if not parts:
        return _urlset(entries, base_url)
    index = ElementTree.Element("sitemapindex", xmlns=_NAMESPACE)
    for part in range(1, parts + 1):
        chunk = entries[(part - 1) * limit: part * limit]
        item = ElementTree.SubElement(index, "sitemap")
        ElementTree.SubElement(item, "loc").text = urls.absolute_url(base_url, urls.sitemap_part_url(part))
        newest = max((e.modified for e in chunk if e.modified), default=None)
        if newest:
            ElementTree.SubElement(item, "lastmod").text = _w3c(newest)
    return _serialise(index)


def render_robots(base_url: str) -> Output:
    """robots.txt: everything may be crawled; the sitemap is here."""
    text = f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute_url(base_url, urls.SITEMAP_URL)}\n"
    return Output(urls.output_path(urls.ROBOTS_URL), text.encode("utf-8"))


def _urlset(entries: list[Entry], base_url: str) -> bytes:
    root = ElementTree.Element("urlset", xmlns=_NAMESPACE)
    for entry in entries:
        item = ElementTree.SubElement(root, "url")
        ElementTree.SubElement(item, "loc").text = urls.absolute_url(base_url, entry.url)
        if entry.modified:
            ElementTree.SubElement(item, "lastmod").text = _w3c(entry.modified)
    return _serialise(root)


def _w3c(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _serialise(root: ElementTree.Element) -> bytes:
    ElementTree.indent(root, space="")
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
