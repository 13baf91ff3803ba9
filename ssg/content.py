"""Load stage: read content/**/*.md into Post dataclasses, validating front matter with file and line."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date as date_type, datetime, time, tzinfo
from pathlib import Path
from typing import Any

from ssg import frontmatter, urls
from ssg.config import Config
from ssg.errors import SsgError

log = logging.getLogger(__name__)


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
    image: Any = None
    aliases: list[str] = field(default_factory=list)
    salvaged: bool = False
    template: str | None = None
    wordpress: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def find_content_files(content_dir: Path) -> list[Path]:
    """Every Markdown file under content/, skipping folders that start with '_' or '.'."""
    found = []
    for path in content_dir.rglob("*.md"):
        relative = path.relative_to(content_dir).parts
        if any(part.startswith(("_", ".")) for part in relative[:-1]):
            continue
        if path.is_file():
            found.append(path)
    return sorted(found)


def load_posts(config: Config, include_drafts: bool = False) -> list[Post]:
    """Read and validate every post and page of the site."""
    if not config.content_dir.is_dir():
        raise SsgError("content folder is missing: create it, or run `ssg import` to fill it",
                       config.content_dir)
    posts = [load_post(path, config.tzinfo) for path in find_content_files(config.content_dir)]
    return [post for post in posts if include_drafts or not post.draft]


def load_post(path: Path, zone: tzinfo) -> Post:
    """Read one Markdown file; every error names the file and the line of the bad key."""
    try:
        text = path.read_text(encoding="utf-8")
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
    if kind == "post" and date is None:
        raise fail("date", "a post needs a 'date', like 2023-12-03T02:14:58+00:00")
    slug = text_value("slug") or path.stem
    raw_url = meta.get("url")
    try:
        url = urls.check_url(raw_url) if raw_url else urls.default_post_url(kind, date, slug)
    except ValueError as error:
        raise fail("url" if raw_url else "slug", str(error)) from None
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        raise fail("draft", "'draft' must be true or false")
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
        image=meta.get("image"),
        aliases=list_value("aliases"),
        salvaged=bool(meta.get("salvaged", False)),
        template=text_value("template") or None,
        wordpress=wordpress,
        extra={key: value for key, value in meta.items() if key not in known},
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
