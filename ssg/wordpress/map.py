"""Map one WordPress REST record (a post, a page, a custom type) to front matter and Markdown."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import unquote

from ssg import urls
from ssg.wordpress.html import html_to_markdown, restore_paragraphs

_TAG = re.compile(r"<[^>]*>")
_PUBLIC_STATUSES = {"publish", "inherit", None}
# Fields every REST post response has; in a damaged record, their absence is worth reporting.
_EXPECTED_FIELDS = ("title", "date", "slug", "link", "excerpt", "author", "featured_media", "categories", "tags")


@dataclass(slots=True)
class Document:
    """A converted post or page, ready to be written as Markdown."""

    meta: dict[str, Any]
    body: str
    kind: str
    slug: str
    date: datetime | None
    problems: list[str] = field(default_factory=list)


def is_post_record(record: Any) -> bool:
    """True for a post, page or custom-type record; terms, users, media and comments look different."""
    if not isinstance(record, dict):
        return False
    if record.get("type") == "attachment":
        return False
    return "content" in record and any(key in record for key in ("link", "slug", "title", "date"))


def rendered(value: Any) -> str:
    """The text of a REST field that may be {"rendered": "..."} or a plain string."""
    if isinstance(value, dict):
        value = value.get("rendered", value.get("raw", ""))
    return value if isinstance(value, str) else ""


def plain_text(fragment: str) -> str:
    """HTML title or excerpt -> text: tags removed, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def map_record(record: dict[str, Any], problems: list[str]) -> Document:
    """Convert one record; what cannot be read is added to `problems`, never a reason to fail."""
    problems = list(problems)
    record_id = record.get("id")
    title = plain_text(rendered(record.get("title")))
    date = wordpress_date(record.get("date"), record.get("date_gmt"))
    if date is None:
        problems.append("no readable date")
    updated = wordpress_date(record.get("modified"), record.get("modified_gmt"))
    kind = record.get("type") if isinstance(record.get("type"), str) else "post"
    link = rendered(record.get("link"))
    slug = unquote(record["slug"]) if isinstance(record.get("slug"), str) and record["slug"] else ""
    if not slug:
        slug = urls.slugify(title) if title else str(record_id or "untitled")
        problems.append("no slug")
    url = urls.path_from_link(link) if link else None
    if url is None or url == "/":
        url = urls.default_post_url(kind, date, urls.slugify(slug))

    content_html = rendered(record.get("content"))
    content_html, repaired = restore_paragraphs(content_html)
    if repaired:
        problems.append("lost its opening <p> tags")
    if problems:
        missing = [key for key in _EXPECTED_FIELDS if key not in record]
        if missing:
            problems.append(f"missing {', '.join(missing)}")

    meta: dict[str, Any] = {"title": title}
    if date is not None:
        meta["date"] = date.isoformat()
    if updated is not None and updated != date:
        meta["updated"] = updated.isoformat()
    meta["slug"] = slug
    meta["url"] = url
    meta["kind"] = kind
    status = record.get("status")
    if status not in _PUBLIC_STATUSES:
        meta["draft"] = True
    summary = plain_text(rendered(record.get("excerpt")))
    if summary:
        meta["summary"] = summary
    if problems:
        meta["salvaged"] = True
        meta["salvage_notes"] = problems
    meta["wordpress"] = provenance(record, link)
    return Document(meta=meta, body="\n" + html_to_markdown(content_html), kind=kind, slug=slug,
                    date=date, problems=problems)


def provenance(record: dict[str, Any], link: str) -> dict[str, Any]:
    """What the archive keeps about where a post came from."""
    origin: dict[str, Any] = {}
    if record.get("id") is not None:
        origin["id"] = record["id"]
    guid = rendered(record.get("guid"))
    if guid:
        origin["guid"] = guid
    if link:
        origin["link"] = link
    for key in ("type", "status"):
        if isinstance(record.get(key), str):
            origin[key] = record[key]
    return origin


def wordpress_date(local: Any, gmt: Any) -> datetime | None:
    """WordPress gives local time and UTC separately; together they give the offset."""
    local_time = _naive(local)
    gmt_time = _naive(gmt)
    if local_time is None:
        return gmt_time.replace(tzinfo=timezone.utc) if gmt_time else None
    if gmt_time is None:
        return local_time
    minutes = round((local_time - gmt_time).total_seconds() / 900) * 15
    if abs(minutes) > 14 * 60:
        return local_time  # not a real offset: the two fields disagree
    return local_time.replace(tzinfo=timezone(timedelta(minutes=minutes)))


def _naive(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value or value.startswith("0000"):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc)
    return parsed.replace(tzinfo=None)
