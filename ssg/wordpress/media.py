"""`--media download`: keep the site's uploads under content/media/ and point every reference at them.

Import stage, after a crawl. References are found in post, page, custom-type and comment HTML
(img src, every srcset candidate, audio/video/source src, posters, CSS url(), links to files) and
in featured images. Each file on the site's own host is saved at its own path
(content/media/wp-content/uploads/2020/01/x.jpg, published at /wp-content/uploads/2020/01/x.jpg);
a file that cannot be fetched is listed as missing and the run goes on. The manifest
(content/_data/media.json) maps each original URL to its site path, and `localize_record` applies
it to records before conversion, so every import of the same sources (live or from the saved
folder) rewrites the same references the same way.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from ssg import urls
from ssg.content import MEDIA_DIR
from ssg.data import DATA_DIR, MEDIA_MANIFEST_NAME
from ssg.wordpress.fetch import PARTIAL_SUFFIX, DaemonPool, FetchError, FetchSettings, fetch
from ssg.wordpress.salvage import NotJson, parse_json

log = logging.getLogger(__name__)

MANIFEST = PurePosixPath(DATA_DIR, MEDIA_MANIFEST_NAME)
# Attributes whose value is one file URL, on the elements that load files (an iframe src is a page).
_FILE_ELEMENTS = {"img", "source", "audio", "video", "track", "embed", "input", "object"}
_FILE_ATTRIBUTES = {"src", "poster", "data", "data-src", "data-lazy-src", "data-orig-file", "data-medium-file",
                    "data-large-file", "data-full-url"}
_SRCSET_ATTRIBUTES = {"srcset", "data-srcset", "data-lazy-srcset"}
_PAGE_SUFFIXES = {"", ".html", ".htm", ".php", ".asp", ".aspx", ".jsp", ".xml", ".rss", ".atom"}
# A link to another site counts as a (kept remote) media file only for these kinds of file.
_MEDIA_SUFFIXES = {
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".bmp", ".tif", ".tiff", ".ico", ".heic",
    ".mp3", ".m4a", ".ogg", ".oga", ".wav", ".flac", ".mp4", ".m4v", ".mov", ".webm", ".ogv", ".avi", ".wmv",
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp", ".rtf", ".txt",
    ".csv", ".zip", ".gz", ".epub",
}
_CSS_URL = re.compile(r"url\(\s*(?:&quot;|['\"])?([^'\")&]+)")
# An absolute or protocol-relative URL inside any text: attribute values, srcset, CSS, plain text.
_URL_TOKEN = re.compile(r"(?:https?:|(?<![\w:]))//(?:(?!&quot;|&#0?39;)[^\s\"'<>()\\])+")
_NOT_REWRITTEN = {"guid", "_links"}  # provenance and API links keep the original addresses

ProgressCallback = Callable[[str, int, int], None]


@dataclass(slots=True)
class MediaManifest:
    """Every media reference of an import: saved (URL -> site path), missing (URL -> why), kept remote."""

    downloaded: dict[str, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    external: list[str] = field(default_factory=list)


@dataclass(slots=True)
class References:
    """Media URLs found in records: on the site's own hosts (to download) and elsewhere (kept remote)."""

    own: set[str] = field(default_factory=set)
    external: set[str] = field(default_factory=set)


def download_media(client: httpx.Client, source_folder: Path, content_dir: Path, site_urls: Iterable[str],
                   settings: FetchSettings, concurrency: int = 4,
                   progress: ProgressCallback | None = None) -> MediaManifest:
    """Save every upload the records in `source_folder` reference; write and return the manifest."""
    hosts = {_host(url) for url in site_urls if _host(url)}
    references = find_references(_records(source_folder), hosts)
    manifest = read_manifest(content_dir)
    wanted: dict[str, str] = {}  # one download per file, whatever form the references take
    for url in sorted(references.own):
        wanted.setdefault(_key(url), url)
    media_root = content_dir / MEDIA_DIR
    _remove_partial_files(media_root)
    done = 0
    pool = DaemonPool(concurrency)
    futures = {pool.submit(_download, client, url, media_root, settings): url for url in wanted.values()}
    finished = False
    try:
        for future in as_completed(futures):
            url = futures[future]
            site_path, problem = future.result()
            if site_path is None:
                manifest.missing[url] = problem
            else:
                manifest.downloaded[url] = site_path
                manifest.missing.pop(url, None)
            done += 1
            if progress:
                progress("Downloading media", done, len(futures))
        finished = True
    finally:
        for future in futures:
            future.cancel()
        pool.close()
        if not finished:  # Ctrl-C: what the downloads still running half-wrote is not kept
            _remove_partial_files(media_root)
    manifest.external = sorted(set(manifest.external) | references.external)
    write_manifest(content_dir, manifest)
    return manifest


def find_references(records: Iterable[Any], hosts: set[str]) -> References:
    """The media URLs that posts, pages, custom types and comments use, split into own and external."""
    found = References()
    for record in records:
        if not isinstance(record, dict) or record.get("type") == "attachment":
            continue
        base = _text(record.get("link")) or ""
        for fragment in (_rendered(record.get("content")), _rendered(record.get("excerpt"))):
            parser = _ReferenceParser()
            parser.feed(fragment)
            parser.close()
            for url, is_file_element in parser.found:
                _classify(urljoin(base, url), is_file_element, hosts, found)
        for media in _featured(record):
            for url in _media_urls(media):
                _classify(urljoin(base, url), True, hosts, found)
    return found


def load_media_map(content_dir: Path) -> dict[tuple[str, str], str]:
    """(host, decoded path) -> site path, for every file the manifest says was downloaded."""
    return {_key(url): site_path for url, site_path in read_manifest(content_dir).downloaded.items()}


def localize_record(record: Any, media_map: dict[tuple[str, str], str]) -> Any:
    """The record with every downloaded file's URL (any form, any field but guid) replaced by its site path.

    This is the import's hook: write.py applies it to each record before conversion.
    """
    if not media_map:
        return record
    if isinstance(record, str):
        return _URL_TOKEN.sub(lambda match: _local(match.group(0), media_map), record) if "//" in record else record
    if isinstance(record, list):
        return [localize_record(item, media_map) for item in record]
    if isinstance(record, dict):
        return {key: value if key in _NOT_REWRITTEN else localize_record(value, media_map)
                for key, value in record.items()}
    return record


def read_manifest(content_dir: Path) -> MediaManifest:
    """The manifest of an earlier download, or an empty one."""
    try:
        data = json.loads((content_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return MediaManifest()
    return MediaManifest(downloaded=dict(data.get("downloaded") or {}), missing=dict(data.get("missing") or {}),
                         external=list(data.get("external") or []))


def write_manifest(content_dir: Path, manifest: MediaManifest) -> Path:
    """Write content/_data/media.json, sorted, so the same downloads give the same bytes."""
    path = content_dir / MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"downloaded": dict(sorted(manifest.downloaded.items())), "missing": dict(sorted(manifest.missing.items())),
            "external": sorted(manifest.external)}
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def srcset_urls(value: str) -> list[str]:
    """The URL of every candidate of a srcset ("a.jpg 300w, b.jpg 2x"); a URL may hold commas."""
    found, position = [], 0
    candidate = re.compile(r"[\s,]*(\S+)")
    while match := candidate.match(value, position):
        url, position = match.group(1), match.end()
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # skip the descriptor, up to the comma that ends this candidate
            comma = value.find(",", position)
            position = len(value) if comma < 0 else comma + 1
        if url:
            found.append(url)
    return found


class _ReferenceParser(HTMLParser):
    """Collects (url, is_file_element) from the attributes of one HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if not value:
                continue
            if name in _FILE_ATTRIBUTES and (tag in _FILE_ELEMENTS or name.startswith("data-")):
                self.found.append((value.strip(), True))
            elif name in _SRCSET_ATTRIBUTES:
                self.found += [(url, True) for url in srcset_urls(value)]
            elif name == "style":
                self.found += [(url.strip(), True) for url in _CSS_URL.findall(value)]
            elif name == "href" and tag == "a":
                self.found.append((value.strip(), False))

    handle_startendtag = handle_starttag


def _classify(url: str, is_file_element: bool, hosts: set[str], found: References) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return  # data:, mailto:, a typo like ttps://
    suffix = PurePosixPath(unquote(parts.path)).suffix.lower()
    if _host(url) in hosts:
        # Site files live in folders (wp-content/uploads/...); a top-level file such as /robots.txt
        # is the archive's own business, and a page (no file suffix) is not media.
        if suffix not in _PAGE_SUFFIXES and parts.path.strip("/").count("/") >= 1:
            found.own.add(url)
    elif (is_file_element and suffix not in _PAGE_SUFFIXES) or suffix in _MEDIA_SUFFIXES:
        found.external.add(url)


def _download(client: httpx.Client, url: str, media_root: Path, settings: FetchSettings) -> tuple[str | None, str]:
    """(site path, "") once the file is under media_root, else (None, why not)."""
    path = unquote(urlsplit(url).path)
    try:
        target = media_root / urls.media_file(path)
    except ValueError as error:
        return None, f"cannot be kept: {error}"
    site_path = urls.href("/", path)
    if target.is_file():
        return site_path, ""
    download_url = url.split("#")[0].split("?")[0]
    try:
        reply = fetch(client, download_url, settings, into=target)
    except FetchError as error:
        return None, str(error)
    if reply.status != 200:
        target.unlink(missing_ok=True)
        return None, f"HTTP {reply.status}"
    if reply.headers.get("content-type", "").startswith("text/html"):
        target.unlink(missing_ok=True)  # a "not found" page answered with 200
        return None, "the server answered with an HTML page"
    return site_path, ""


def _remove_partial_files(media_root: Path) -> None:
    for partial in media_root.rglob(f"*{PARTIAL_SUFFIX}"):
        partial.unlink(missing_ok=True)


def _local(token: str, media_map: dict[tuple[str, str], str]) -> str:
    tail = ""
    while token and token[-1] in ",.;:!?":
        token, tail = token[:-1], token[-1] + tail
    site_path = media_map.get(_key(html.unescape(token)))
    return (site_path if site_path is not None else token) + tail


def _key(url: str) -> tuple[str, str]:
    parts = urlsplit(url if "://" in url else "http:" + url)
    return (parts.netloc.lower(), unquote(parts.path))


def _host(url: str) -> str:
    return urlsplit(url if "://" in url else "http:" + url).netloc.lower()


def _records(folder: Path) -> Iterator[Any]:
    for path in sorted(folder.rglob("*.json")):
        try:
            data = parse_json(path.read_bytes()).data
        except (NotJson, OSError):
            continue
        yield from data if isinstance(data, list) else [data]


def _featured(record: dict[str, Any]) -> list[dict[str, Any]]:
    embedded = record.get("_embedded")
    media = embedded.get("wp:featuredmedia") if isinstance(embedded, dict) else None
    return [item for item in media if isinstance(item, dict)] if isinstance(media, list) else []


def _media_urls(media: dict[str, Any]) -> list[str]:
    """A media record's file and each of its generated sizes."""
    details = media.get("media_details")
    sizes = details.get("sizes") if isinstance(details, dict) else None
    candidates = [media.get("source_url")]
    if isinstance(sizes, dict):
        candidates += [size.get("source_url") for size in sizes.values() if isinstance(size, dict)]
    return [url for url in candidates if isinstance(url, str) and url]


def _rendered(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("rendered")
    return value if isinstance(value, str) else ""


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
