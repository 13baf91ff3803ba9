"""Every URL and output path of the archive is decided here, and every path is checked to be safe."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import datetime
from pathlib import PurePosixPath
from urllib.parse import quote, unquote, urlsplit


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_SEGMENT_BYTES = 255  # what ext4, APFS and NTFS allow for one file name

SEARCH_PAGE = "/search/"  # where WordPress's own pretty search URLs live (/search/<words>/)
# The search index. No WordPress slug starts with an underscore; older index shards go in
# numbered folders under it (/_pagefind/1/, /_pagefind/2/, ...).
SEARCH_INDEX = "/_pagefind/"


def check_url(url: str) -> str:
    """Normalise a site path from front matter ('/a/b/'), or raise ValueError saying what is wrong."""
    if not isinstance(url, str) or not url.startswith("/"):
        raise ValueError(f"url must be a path starting with '/', like '/2023/12/my-post/', not {url!r}")
    if "?" in url or "#" in url:
        raise ValueError(f"url cannot contain '?' or '#': {url!r}")
    if _CONTROL.search(url) or "\\" in url:
        raise ValueError(f"url contains a control character or backslash: {url!r}")
    segments = [segment for segment in url.split("/") if segment]
    for segment in segments:
        if segment in (".", ".."):
            raise ValueError(f"url cannot contain '.' or '..' segments: {url!r}")
        if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
            raise ValueError(f"url segment is longer than {MAX_SEGMENT_BYTES} bytes: {segment[:40]}...")
    path = "/" + "/".join(segments)
    if segments and _is_file_name(segments[-1]):
        return path
    return path.rstrip("/") + "/"


def _is_file_name(segment: str) -> bool:
    # WordPress permalinks such as /%postname%.html name a file, not a folder.
    return segment.lower().endswith((".html", ".htm", ".xml", ".txt", ".json"))


def search_shard_url(number: int) -> str:
    """The folder of one search index shard: the newest (0) holds Pagefind's scripts too."""
    return SEARCH_INDEX if number == 0 else f"{SEARCH_INDEX}{number}/"


def output_path(url: str) -> PurePosixPath:
    """The file (relative to the output folder) that serves a checked site path."""
    return PurePosixPath(output_file(url))


def output_file(url: str) -> str:
    """output_path as a string, for the places that need tens of thousands of them."""
    segments = [segment for segment in url.split("/") if segment]
    if not (segments and _is_file_name(segments[-1])):
        segments.append("index.html")
    return "/".join(segments)


def href(base_path: str, url: str) -> str:
    """A link from any page of the archive to a site path, under the site's base path."""
    return base_path + quote(url.lstrip("/"), safe="/:@!$&'()*+,;=-._~%")


def absolute_url(base_url: str, url: str) -> str:
    """The full address of a site path, for feeds, canonical links and sitemaps."""
    origin, base_path = _site_root(base_url)
    return origin + href(base_path, url)


@functools.lru_cache(maxsize=16)
def _site_root(base_url: str) -> tuple[str, str]:
    # Asked for every page, feed entry and sitemap entry: the same few base URLs each time.
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}", parts.path if parts.path.endswith("/") else parts.path + "/"


def absolute_href(base_url: str, href_value: str) -> str:
    """An address as written in a page (/repo/x.jpg, or already absolute) as a full address."""
    if urlsplit(href_value).scheme:
        return href_value
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}{href_value}"


def page_url(first_page_url: str, number: int) -> str:
    """WordPress-style pagination: page 1 is the list's own URL, then .../page/N/."""
    return first_page_url if number == 1 else f"{first_page_url}page/{number}/"


def default_post_url(kind: str, date: datetime | None, slug: str) -> str:
    """The URL of a post or page whose front matter gives none."""
    if kind == "page" or date is None:
        return check_url(f"/{slug}/")
    return check_url(f"/{date:%Y}/{date:%m}/{slug}/")


def is_web_address(address: str) -> bool:
    """True for an http(s) address or a path: what untrusted metadata may put in an href or src."""
    try:
        scheme = urlsplit(address.strip()).scheme
    except ValueError:
        return False
    return scheme in ("", "http", "https")


def host_of(address: str) -> str:
    """The lowercased host (and port) of an address; '' for a path or a malformed address."""
    try:
        return urlsplit(address).netloc.lower()
    except ValueError:
        return ""


def path_from_link(link: str) -> str | None:
    """The site path of a WordPress `link`, decoded; None when the link has no path of its own."""
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    if parts.query and parts.path in ("", "/", "/index.php"):
        return None  # plain permalinks (?p=123) name no path; the caller derives one
    try:
        return check_url(unquote(parts.path) or "/")
    except ValueError:
        return None


def slugify(text: str, max_length: int = 80) -> str:
    """A URL- and file-safe slug from a title; unicode letters are kept, like WordPress does."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w\s-]", "", text)
    slug = re.sub(r"[\s_-]+", "-", text).strip("-")
    return slug[:max_length].rstrip("-") or "untitled"


# Addresses the build itself owns. No WordPress slug starts with an underscore.
THEME_ASSETS = "/_ssg/"
OLD_LINKS = "/_ssg/old-links/"
NOT_FOUND_URL = "/404.html"
SITEMAP_URL = "/sitemap.xml"
ROBOTS_URL = "/robots.txt"
# Feeds live at WordPress's folder paths (/feed/, /category/x/feed/atom/) as index.xml, which
# static hosts serve as the folder's index; pages link to the file itself, which works everywhere.
FEED_FILE = "index.xml"
TAXONOMY_BASES = {"category": "/category/", "tag": "/tag/", "author": "/author/"}
# Query parameters of WordPress's plain links that a static host can only answer from the home page.
OLD_LINK_PARAMETERS = ("p", "page_id", "attachment_id", "cat", "tag", "author", "m")
OLD_LINK_ID_PARAMETERS = ("p", "page_id", "attachment_id", "cat", "author")  # sharded by thousands
OLD_LINK_BUCKET = 1000


def term_url(taxonomy: str, slug_path: list[str]) -> str:
    """WordPress's term archive: /category/parent/child/, /tag/slug/, /author/slug/."""
    return check_url(TAXONOMY_BASES[taxonomy] + "/".join(slug_path) + "/")


def date_url(year: int, month: int | None = None, day: int | None = None) -> str:
    """WordPress's date archives: /2024/, /2024/02/, /2024/02/06/."""
    parts = [f"{year:04d}"] + ([f"{month:02d}"] if month else []) + ([f"{day:02d}"] if day else [])
    return "/" + "/".join(parts) + "/"


def feed_url(list_url: str, flavour: str) -> str:
    """The feed file of a list: RSS at <list>/feed/, Atom at <list>/feed/atom/ (WordPress's paths)."""
    folder = "feed/" if flavour == "rss" else "feed/atom/"
    return f"{list_url}{folder}{FEED_FILE}"


def sitemap_part_url(number: int) -> str:
    """One part of a sitemap that is split because it passed 50,000 URLs."""
    return f"/sitemap-{number}.xml"


def old_links_url(parameter: str, value: str) -> str:
    """The JSON shard of the old-link map that holds a value: IDs by thousands, anything else together."""
    if parameter in OLD_LINK_ID_PARAMETERS and value.isascii() and value.isdigit():
        return f"{OLD_LINKS}{parameter}-{int(value) // OLD_LINK_BUCKET}.json"
    return f"{OLD_LINKS}{parameter}.json"


def split_old_url(address: str) -> tuple[str, str]:
    """An alias or old link -> (checked site path, query); raises ValueError if the path is unsafe."""
    parts = urlsplit(address)
    path = unquote(parts.path) or "/"
    return check_url(path), parts.query


def is_front_door(path: str) -> bool:
    """The paths where WordPress answers plain links like /?p=123 and /index.php?page_id=5."""
    return path in ("/", "/index.php/")


def media_file(path: str) -> PurePosixPath:
    """Where a file downloaded from the original site lives under content/media/: its own path, checked.

    The builder copies content/media/ to the output root, so the file keeps its old address.
    """
    segments = [segment for segment in path.split("/") if segment]
    if not segments:
        raise ValueError("the address names no file")
    for segment in segments:
        if segment in (".", "..") or _CONTROL.search(segment) or "\\" in segment:
            raise ValueError(f"unsafe path segment {segment[:40]!r}")
        if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
            raise ValueError(f"path segment is longer than {MAX_SEGMENT_BYTES} bytes: {segment[:40]}...")
    return PurePosixPath(*segments)
