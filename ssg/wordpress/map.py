"""Import: one WordPress REST record (a post, a page, a custom type) -> front matter and Markdown.

Fields of the wrong type are read as well as they can be and reported; nothing here raises.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from ssg import urls
from ssg.wordpress.comments import thread_comments
from ssg.wordpress.dates import parse_rest_date, site_offset, with_offset
from ssg.wordpress.html import html_to_markdown, restore_paragraphs
from ssg.wordpress.read import Registry, as_int, text_of

_TAG = re.compile(r"<[^>]*>")
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|blockquote|pre|table|tr|td|th|figure|figcaption)\b[^>]*>",
                        re.IGNORECASE)
_MORE_LINK = re.compile(r"<a\b[^>]*class=[\"'][^\"']*more-link[^>]*>.*?</a>", re.IGNORECASE | re.DOTALL)
_MORE_TAG = re.compile(r"<!--more.*?-->|<span id=[\"']more-\d+[\"']>", re.IGNORECASE)
_LINK_DATE = re.compile(r"/(\d{4})/(\d{2})/(?:(\d{2})/)?")
_PUBLIC_STATUSES = {"publish", "inherit", None}
# Fields every REST post response has; in a damaged record, their absence is worth reporting.
_EXPECTED_FIELDS = ("title", "date", "slug", "link", "excerpt", "author", "featured_media", "categories", "tags")


@dataclass(slots=True)
class Summary:
    """What the first pass needs of a post record to plan files and URLs: no body."""

    id: int | None
    kind: str
    slug: str
    date: datetime | None  # local time, no offset yet
    parent: int
    url: str
    link: str
    modified: str
    has_embedded: bool
    problems: list[str] = field(default_factory=list)
    old_urls: list[str] = field(default_factory=list)  # where earlier imports put this record


@dataclass(slots=True)
class Document:
    """A converted post or page, ready to be written as Markdown."""

    meta: dict[str, Any]
    body: str
    problems: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the conversion dropped or changed on purpose


def summarize(record: dict[str, Any]) -> Summary:
    """The identity of a post record: ID, kind, slug, local date, parent, URL; problems noted."""
    problems: list[str] = []
    record_id = as_int(record.get("id"))
    if record.get("id") is not None and record_id is None:
        problems.append(f"id is not a number: {record.get('id')!r}")
    kind = record.get("type") if isinstance(record.get("type"), str) and record.get("type") else "post"
    link = text_of(record.get("link"))
    title = plain_text(text_of(record.get("title")))
    date = _local_date(record, link, problems)
    raw_slug = record.get("slug")
    slug = unquote(raw_slug).strip() if isinstance(raw_slug, str) else ""
    if raw_slug is not None and not isinstance(raw_slug, str):
        problems.append(f"slug is not text: {raw_slug!r}")
    if not slug:
        path = urls.path_from_link(link) if link else None
        slug = (path.strip("/").rsplit("/", 1)[-1] if path and path != "/" else "") \
            or (urls.slugify(title) if title else str(record_id or "untitled"))
        problems.append("no slug")
    url = urls.path_from_link(link) if link else None
    if url is None or url == "/":
        url = urls.default_post_url("page" if kind == "page" else "post", date, urls.slugify(slug))
    modified = record.get("modified_gmt") or record.get("modified") or ""
    return Summary(id=record_id, kind=kind, slug=slug, date=date, parent=as_int(record.get("parent")) or 0,
                   url=url, link=link, modified=modified if isinstance(modified, str) else "",
                   has_embedded=isinstance(record.get("_embedded"), dict), problems=problems)


def map_record(record: dict[str, Any], summary: Summary, file_problems: list[str], registry: Registry) -> Document:
    """Front matter and Markdown for one record; what cannot be read is reported, never fatal."""
    problems = list(file_problems) + summary.problems
    unresolved: list[str] = []
    offset = site_offset(registry.site)
    raw_title = record.get("title")
    if isinstance(raw_title, str):
        problems.append("title is plain text, not {rendered: ...}")
    meta: dict[str, Any] = {"title": plain_text(text_of(raw_title))}
    date = with_offset(summary.date, record.get("date_gmt"), offset)
    if date is not None:
        meta["date"] = date.isoformat()
    updated = with_offset(parse_rest_date(record.get("modified")), record.get("modified_gmt"), offset)
    if updated is not None and updated != date:
        meta["updated"] = updated.isoformat()
    meta["slug"] = summary.slug
    meta["url"] = summary.url
    meta["kind"] = summary.kind
    if record.get("status") not in _PUBLIC_STATUSES or date is None:
        meta["draft"] = True
    author_id = as_int(record.get("author"))
    if author_id:
        author = registry.authors.get(author_id)
        meta["author"] = author.name if author else author_id
        if author is None:
            unresolved.append(f"author {author_id}")
    for key, noun in (("categories", "category"), ("tags", "tag")):
        ids = _id_list(record.get(key), key, problems)
        labels = registry.labels.get(key, {})
        if ids:
            meta[key] = [labels.get(term, term) if isinstance(term, int) else term for term in ids]
            unresolved += [f"{noun} {term}" for term in ids if isinstance(term, int) and term not in labels]
    content_html = text_of(record.get("content"))
    summary_text = plain_text(_MORE_LINK.sub("", text_of(record.get("excerpt"))))
    more = _MORE_TAG.search(content_html)
    if not summary_text and more:  # no excerpt: what comes before <!--more--> is the summary
        summary_text = plain_text(content_html[:more.start()])
    if summary_text:
        meta["summary"] = summary_text
    image = featured_image(record, registry, unresolved)
    if image:
        meta["image"] = image
    aliases = old_addresses(record, summary)
    if aliases:
        meta["aliases"] = aliases
    if record.get("sticky") is True:
        meta["sticky"] = True
    if isinstance(record.get("format"), str) and record["format"] not in ("", "standard"):
        meta["format"] = record["format"]
    if record.get("comment_status") in ("open", "closed"):
        meta["comment_status"] = record["comment_status"]

    content_html, repaired = restore_paragraphs(content_html)
    if repaired:
        problems.append("lost its opening <p> tags")
    converted = html_to_markdown(content_html)
    if problems:
        missing = [key for key in _EXPECTED_FIELDS if key not in record]
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        meta["salvaged"] = True
        meta["salvage_notes"] = problems
    meta["wordpress"] = provenance(record, summary)
    comments = thread_comments(registry.comments.get(summary.id or -1, {}), offset)
    if comments:
        meta["comments"] = comments
    return Document(meta=meta, body="\n" + converted.markdown if converted.markdown else "",
                    problems=problems, unresolved=unresolved, notes=converted.notes)


def plain_text(fragment: str) -> str:
    """HTML title or excerpt -> text: tags removed (blocks leave a space), entities decoded, spaces collapsed."""
    if "<" in fragment:
        fragment = _TAG.sub("", _BLOCK_TAG.sub(" ", fragment))
    return " ".join(html.unescape(fragment).split())


def featured_image(record: dict[str, Any], registry: Registry, unresolved: list[str]) -> dict[str, Any] | None:
    """{src, alt, width, height} of the featured image, from the media registry or Jetpack's URL."""
    media_id = as_int(record.get("featured_media"))
    media = registry.media.get(media_id) if media_id else None
    if media is not None:
        image: dict[str, Any] = {"src": media.src, "alt": media.alt}
        if media.width and media.height:
            image.update(width=media.width, height=media.height)
        return image
    fallback = text_of(record.get("jetpack_featured_media_url"))
    if fallback:
        return {"src": fallback, "alt": ""}
    if media_id:
        unresolved.append(f"featured image {media_id}")
    return None


def old_addresses(record: dict[str, Any], summary: Summary) -> list[str]:
    """Old URLs that must keep working: ?p=ID or ?page_id=ID, the guid's path, and a link that changed."""
    aliases = []
    if summary.id is not None:
        aliases.append(f"/?page_id={summary.id}" if summary.kind == "page" else f"/?p={summary.id}")
    guid = urlsplit(text_of(record.get("guid")))
    if guid.path or guid.query:
        path = unquote(guid.path) or "/"
        alias = f"{path}?{guid.query}" if guid.query else path
        if alias not in aliases and alias != summary.url and alias != "/" and ".." not in alias:
            aliases.append(alias)
    aliases += [url for url in summary.old_urls if url not in aliases and url != summary.url]
    return aliases


def provenance(record: dict[str, Any], summary: Summary) -> dict[str, Any]:
    """What the archive keeps about where a post came from."""
    origin: dict[str, Any] = {}
    if summary.id is not None:
        origin["id"] = summary.id
    guid = text_of(record.get("guid"))
    if guid:
        origin["guid"] = guid
    if summary.link:
        origin["link"] = summary.link
    for key in ("type", "status"):
        if isinstance(record.get(key), str):
            origin[key] = record[key]
    if summary.parent:
        origin["parent"] = summary.parent
    if as_int(record.get("menu_order")):
        origin["menu_order"] = as_int(record.get("menu_order"))
    if isinstance(record.get("template"), str) and record["template"]:
        origin["template"] = record["template"]
    if as_int(record.get("featured_media")):
        origin["featured_media"] = as_int(record.get("featured_media"))
    content = record.get("content")
    if isinstance(content, dict) and content.get("protected") is True:
        origin["protected"] = True
    return origin


def _id_list(value: Any, key: str, problems: list[str]) -> list[int | str]:
    """Term IDs from a list, or from a string like "3,7" or "News" (noted as damage)."""
    if value is None or value == []:
        return []
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        problems.append(f"{key} is {type(value).__name__}, not a list")
        value = [part.strip() for part in value.split(",")] if isinstance(value, str) else [value]
    if not isinstance(value, list):
        problems.append(f"{key} is not a list: {value!r}"[:120])
        return []
    found: list[int | str] = []
    for item in value:
        number = as_int(item)
        if number is not None:
            found.append(number)
        elif isinstance(item, str) and item.strip():
            found.append(item.strip())
    return list(dict.fromkeys(found))


def _local_date(record: dict[str, Any], link: str, problems: list[str]) -> datetime | None:
    """The post's local date: `date`, else the UTC one, `modified`, or the date in its link."""
    raw = record.get("date")
    date = parse_rest_date(raw)
    if date is None and raw not in (None, ""):
        problems.append(f"date is not a date: {raw!r}"[:120])
    if date is not None:
        return date
    for key in ("date_gmt", "modified", "modified_gmt"):
        date = parse_rest_date(record.get(key))
        if date is not None:
            problems.append(f"no readable date; used {key}")
            return date
    found = _LINK_DATE.search(urlsplit(link).path)
    if found:
        problems.append("no readable date; used the date in its link")
        return datetime(int(found.group(1)), int(found.group(2)), int(found.group(3) or 1))
    problems.append("no readable date: kept as a draft until one is added")
    return None
