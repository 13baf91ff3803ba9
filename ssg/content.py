"""Load stage: read content/**/*.md into Post dataclasses, validating front matter with file and line."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from time import time as seconds_now
from dataclasses import dataclass, field
from datetime import date as date_type, datetime, time, tzinfo
from collections.abc import Collection
from pathlib import Path
from typing import Any

from ssg import frontmatter, parallel, urls
from ssg.cache import RACY, Cache
from ssg.config import Config
from ssg.errors import SsgError

log = logging.getLogger(__name__)


RACY_SECONDS = 2
MEDIA_DIR = "media"  # content/media/** is copied to the output root as is; it holds no posts


@dataclass(slots=True)
class Image:
    """A featured image: its address and the text that stands in for it."""

    src: str
    alt: str = ""
    width: int | None = None
    height: int | None = None


@dataclass(slots=True)
class Comment:
    """One archived comment; `parent` is 0 for a comment on the post itself."""

    id: int | str
    author: str
    body: str
    parent: int | str = 0
    date: datetime | None = None
    author_url: str = ""
    type: str = ""  # pingback or trackback; empty for an ordinary comment


@dataclass(slots=True)
class Post:
    """One post or page, as its Markdown file says."""

    source: Path
    title: str
    body: str
    kind: str = "post"
    date: datetime | None = None
    updated: datetime | None = None
    slug: str = ""
    url: str = ""
    draft: bool = False
    author: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    summary: str = ""
    image: Image | None = None
    aliases: list[str] = field(default_factory=list)
    sticky: bool = False
    format: str | None = None
    comment_status: str | None = None
    template: str | None = None
    salvaged: bool = False
    salvage_notes: list[str] = field(default_factory=list)
    wordpress: dict[str, Any] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    digest: str = ""  # of the file's bytes: what every output made from this post depends on


def find_content_files(content_dir: Path) -> list[Path]:
    """Every Markdown file under content/, skipping media/, folders that start with '_' or '.', and
    editors' lock and backup files (.#post.md, #post.md#, post.md~)."""
    found = []
    for folder, subfolders, files in os.walk(content_dir):
        # Skipped folders are not walked at all: an imported site keeps thousands of files in _sources and media.
        top = folder == str(content_dir)
        subfolders[:] = [name for name in subfolders if not _is_skipped_folder(name, top)]
        found += [Path(folder, name) for name in files if name.endswith(".md") and not _is_skipped_file(name)]
    return sorted(path for path in found if path.is_file())


def is_content_file(content_dir: Path, path: Path) -> bool:
    """Whether a .md file under content/ is a post or page (and not media, data or an editor's file)."""
    relative = path.relative_to(content_dir).parts
    return not (any(_is_skipped_folder(part, index == 0) for index, part in enumerate(relative[:-1]))
                or _is_skipped_file(path.name))


def _is_skipped_folder(name: str, top: bool) -> bool:
    return name.startswith(("_", ".")) or (top and name == MEDIA_DIR)


def _is_skipped_file(name: str) -> bool:
    return name.startswith((".", "#"))


def load_posts(config: Config, include_drafts: bool = False, cache: Cache | None = None,
               changed: Collection[Path] | None = None, jobs: int | None = None) -> list[Post]:
    """Read and validate every post and page of the site; a file unchanged since the last build
    (same size and modification time) is taken from the cache instead of being parsed again, and
    many files to parse are shared between worker processes.

    `changed` (from a preview's watcher) names every file that changed since the cache was last
    used: the others are taken from the cache without looking at the disk at all."""
    if not config.content_dir.is_dir():
        raise SsgError("content folder is missing: create it, or run `ssg import` to fill it",
                       config.content_dir)
    cache = cache or Cache(None)
    known = cache.posts()
    recheck = _changed_posts(config.content_dir, changed, known) if changed is not None else None
    if recheck is None:
        found = find_content_files(config.content_dir)
    else:
        found = sorted({Path(path) for path in known} - recheck | {path for path in recheck if path.is_file()})
    posts: list[Post | None] = []
    unparsed: list[tuple[int, Path, os.stat_result]] = []  # (place in posts, file, its status)
    for path in found:
        before = known.get(str(path))
        if recheck is not None and path not in recheck and before:
            posts.append(before[1])
            continue
        try:
            status = path.stat()
        except OSError as error:
            raise SsgError(f"cannot be read: {error.strerror}", path) from None
        if before and before[0] == file_stamp(status, config.timezone):
            posts.append(before[1])
        else:
            unparsed.append((len(posts), path, status))
            posts.append(None)
    zone, done = config.tzinfo, 0

    def store(loaded: list[bytes]) -> None:  # a part at a time: the pickles of the whole site are never held at once
        nonlocal done
        parsed = {}
        for (place, path, status), pickled in zip(unparsed[done:done + len(loaded)], loaded):
            posts[place] = pickle.loads(pickled)
            parsed[str(path)] = (stored_stamp(status, config.timezone), posts[place], pickled)
        done += len(loaded)
        cache.store_posts(parsed, removed=[])

    # Pickled where they are parsed: the cache keeps them so, and the main process only unpickles.
    parallel.for_each_chunk(lambda paths: [pickle.dumps(load_post(path, zone), pickle.HIGHEST_PROTOCOL)
                                           for path in paths], [path for _, path, _ in unparsed], store, jobs)
    present = {str(path) for path in found}
    cache.store_posts({}, removed=[path for path in known if path not in present])
    return [post for post in posts if include_drafts or not post.draft]


def _changed_posts(content_dir: Path, changed: Collection[Path], known: dict) -> set[Path] | None:
    """The Markdown files among `changed` to read again, or None when the whole folder must be walked
    (a folder changed, or the cache knows nothing yet)."""
    prefix = f"{content_dir}{os.sep}"
    if not known or not all(path.startswith(prefix) for path in known):  # nothing known yet, or the site moved
        return None
    recheck = set()
    for path in changed:
        if not path.is_relative_to(content_dir):
            continue
        if path.suffix != ".md" or path.is_dir():
            return None
        if is_content_file(content_dir, path):
            recheck.add(path)
    return recheck


def file_stamp(status: os.stat_result, timezone: str) -> str:
    """What tells the cache a post file is unchanged: its time and size, and the timezone it was read in."""
    return f"{status.st_mtime_ns} {status.st_size} {timezone}"


def stored_stamp(status: os.stat_result, timezone: str) -> str:
    """The stamp the cache keeps for a file just parsed: RACY when it was saved too recently to tell."""
    return RACY if is_racy(status.st_mtime) else file_stamp(status, timezone)


def is_racy(mtime: float) -> bool:
    """Whether a file changed so recently that another change within the file system's clock tick
    (a few milliseconds) could leave the same size and time: such a file is read again next time."""
    return seconds_now() - mtime < RACY_SECONDS


def load_post(path: Path, zone: tzinfo) -> Post:
    """Read one Markdown file; every error names the file and the line of the bad key."""
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SsgError("is not UTF-8 text; save it as UTF-8", path) from None
    except OSError as error:
        raise SsgError(f"cannot be read: {error.strerror}", path) from None
    meta, body = frontmatter.split(text, path)

    def fail(key: str, message: str) -> SsgError:
        return SsgError(message, path, frontmatter.key_line(text, key))

    def text_value(key: str, default: str = "") -> str:
        value = meta.get(key, default)
        if value is None:
            return default
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)  # `title: 1984` is a title, not an error
        if not isinstance(value, str):
            raise fail(key, f"'{key}' must be text, not {type(value).__name__}")
        return value

    def list_value(key: str) -> list[str]:
        value = meta.get(key) or []
        if isinstance(value, (str, int)):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise fail(key, f"'{key}' must be a list of names, like [news, sport]")
        return [str(v) for v in value]

    def date_value(key: str) -> datetime | None:
        value = meta.get(key)
        if value is None:
            return None
        try:
            return parse_date(value, zone)
        except ValueError:
            raise fail(key, f"'{key}' is not a date: {value!r}; write it as ISO 8601, like "
                            "2023-12-03T02:14:58+00:00") from None

    if "title" not in meta:
        raise SsgError("front matter has no 'title'", path, 2)
    kind = text_value("kind", "post") or "post"
    date = date_value("date")
    if kind == "post" and date is None and meta.get("draft") is not True:
        # Import writes a record with no recoverable date as an undated draft: it stays out of the
        # archive until someone gives it a date, but it must not stop the build.
        raise fail("date", "a post needs a 'date', like 2023-12-03T02:14:58+00:00 (or draft: true)")
    slug = text_value("slug") or path.stem
    raw_url = meta.get("url")
    try:
        url = urls.check_url(raw_url) if raw_url else urls.default_post_url(kind, date, slug)
    except ValueError as error:
        raise fail("url" if raw_url else "slug", str(error)) from None
    def flag(key: str) -> bool:
        value = meta.get(key, False)
        if not isinstance(value, bool) and value is not None:
            raise fail(key, f"'{key}' must be true or false")
        return bool(value)

    def aliases() -> list[str]:
        found = []
        for alias in list_value("aliases"):
            try:
                path, query = urls.split_old_url(alias)
            except ValueError as error:
                raise fail("aliases", f"alias {alias!r}: {error}") from None
            found.append(f"{path}?{query}" if query else path)
        return found

    def image() -> Image | None:
        value = meta.get("image")
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return Image(src=value)
        if not isinstance(value, dict) or not isinstance(value.get("src"), str):
            raise fail("image", "'image' must be an address, or a mapping with src and alt")
        sizes = {key: value[key] if isinstance(value.get(key), int) else None for key in ("width", "height")}
        return Image(src=value["src"], alt=str(value.get("alt") or ""), **sizes)

    def comments() -> list[Comment]:
        value = meta.get("comments") or []
        if not isinstance(value, list):
            raise fail("comments", "'comments' must be a list of comments (id, parent, author, date, body)")
        found = []
        for number, entry in enumerate(value, start=1):
            if not isinstance(entry, dict) or "id" not in entry:
                raise fail("comments", f"comment {number} must be a mapping with at least an id")
            try:
                when = parse_date(entry["date"], zone) if entry.get("date") else None
            except ValueError:
                raise fail("comments", f"comment {number} has a date that is not ISO 8601: "
                                       f"{entry['date']!r}") from None
            found.append(Comment(
                id=entry["id"], parent=entry.get("parent") or 0, date=when,
                author=str(entry.get("author") or "Anonymous"), body=str(entry.get("body") or ""),
                author_url=str(entry.get("author_url") or ""), type=str(entry.get("type") or "")))
        return found

    draft = flag("draft")
    wordpress = meta.get("wordpress") or {}
    if not isinstance(wordpress, dict):
        raise fail("wordpress", "'wordpress' must be a mapping of keys (id: ..., link: ...)")
    known = set(frontmatter.KEY_ORDER)
    return Post(
        source=path,
        title=text_value("title"),
        body=body,
        kind=kind,
        date=date,
        updated=date_value("updated"),
        slug=slug,
        url=url,
        draft=draft,
        author=text_value("author") or None,
        categories=list_value("categories"),
        tags=list_value("tags"),
        summary=text_value("summary"),
        image=image(),
        aliases=aliases(),
        sticky=flag("sticky"),
        format=text_value("format") or None,
        comment_status=text_value("comment_status") or None,
        template=text_value("template") or None,
        salvaged=flag("salvaged"),
        salvage_notes=list_value("salvage_notes"),
        wordpress=wordpress,
        comments=comments(),
        extra={key: value for key, value in meta.items() if key not in known},
        digest=hashlib.blake2b(data, digest_size=16).hexdigest(),
    )


def parse_date(value: object, zone: tzinfo) -> datetime:
    """An ISO 8601 date or date-time; one without an offset is in the site's timezone."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date_type):
        parsed = datetime.combine(value, time())
    elif isinstance(value, str):
        parsed = datetime.fromisoformat(value.strip())
    else:
        raise ValueError(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
