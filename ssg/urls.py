"""Every URL and output path of the archive is decided here, and every path is checked to be safe."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from pathlib import PurePosixPath
from urllib.parse import quote, unquote, urlsplit


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_SEGMENT_BYTES = 255  # what ext4, APFS and NTFS allow for one file name


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


def output_path(url: str) -> PurePosixPath:
    """The file (relative to the output folder) that serves a checked site path."""
    segments = [segment for segment in url.split("/") if segment]
    if segments and _is_file_name(segments[-1]):
        return PurePosixPath(*segments)
    return PurePosixPath(*segments, "index.html")


def href(base_path: str, url: str) -> str:
    """A link from any page of the archive to a site path, under the site's base path."""
    return base_path + quote(url.lstrip("/"), safe="/:@!$&'()*+,;=-._~%")


def absolute_url(base_url: str, url: str) -> str:
    """The full address of a site path, for feeds, canonical links and sitemaps."""
    parts = urlsplit(base_url)
    base_path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc}{href(base_path, url)}"


def page_url(first_page_url: str, number: int) -> str:
    """WordPress-style pagination: page 1 is the list's own URL, then .../page/N/."""
    return first_page_url if number == 1 else f"{first_page_url}page/{number}/"


def default_post_url(kind: str, date: datetime | None, slug: str) -> str:
    """The URL of a post or page whose front matter gives none."""
    if kind == "page" or date is None:
        return check_url(f"/{slug}/")
    return check_url(f"/{date:%Y}/{date:%m}/{slug}/")


def path_from_link(link: str) -> str | None:
    """The site path of a WordPress `link`, decoded; None when the link has no path of its own."""
    parts = urlsplit(link)
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
