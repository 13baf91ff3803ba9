"""Import, first pass: read REST files, recognise each record by its content, and gather the registry.

The registry holds what posts refer to by ID (terms, users, media, comments, pages, post types,
site info); a post's body is not kept here, so memory stays small however big the dump.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ssg.content import Image
from ssg.errors import SsgError
from ssg.wordpress.salvage import NotJson, Salvaged, parse_json

log = logging.getLogger(__name__)

POST_LIKE = "post"
_INTERNAL_TYPES = {"nav_menu_item", "revision", "customize_changeset", "oembed_cache", "user_request"}


def is_internal_type(name: str) -> bool:
    """WordPress's own post types (menus, revisions, reusable blocks, templates...), which are not content."""
    return name in _INTERNAL_TYPES or name.startswith("wp_")


@dataclass(slots=True)
class Term:
    """A category or tag, as terms.yml lists it."""

    id: int
    slug: str
    name: str
    parent: int = 0
    description: str = ""
    link: str = ""


@dataclass(slots=True)
class Registry:
    """Everything a post may refer to by ID, from sibling dumps and `_embedded`."""

    categories: dict[int, Term] = field(default_factory=dict)
    tags: dict[int, Term] = field(default_factory=dict)
    authors: dict[int, Term] = field(default_factory=dict)
    media: dict[int, Image] = field(default_factory=dict)  # featured images by ID
    comments: dict[int, dict[int, dict[str, Any]]] = field(default_factory=dict)  # post id -> id -> comment
    types: dict[str, dict[str, Any]] = field(default_factory=dict)
    site: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, dict[int, str]] = field(default_factory=dict)  # filled once every file is read
    local_files: dict[tuple[str, str], str] = field(default_factory=dict)  # from media.load_media_map


def find_source_files(sources: list[Path]) -> list[Path]:
    """The JSON files named on the command line, with folders searched recursively, in a stable order."""
    files = []
    for source in sources:
        if source.is_dir():
            files += [path for path in sorted(source.rglob("*.json")) if path.is_file()]
        elif source.is_file():
            files.append(source)
        else:
            raise SsgError("no such file or folder", source)
    return files


def read_json_file(path: Path) -> Salvaged:
    """Parse one file, salvaging what can be; raises NotJson when nothing can be."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise NotJson(f"cannot be read: {error.strerror}") from None
    return parse_json(raw)


def records_of(data: Any) -> list[Any]:
    """The records in a parsed file: a list, one record, or a map of post types keyed by name."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and data and all(isinstance(value, dict) and "rest_base" in value
                                               for value in data.values()):
        return list(data.values())  # /wp/v2/types
    return [data]


def kind_of(record: Any) -> str:
    """What a REST record is, judged by its fields (file names are not trusted)."""
    if not isinstance(record, dict):
        return "other"
    if "code" in record and "message" in record and "data" in record and "id" not in record:
        return "error"
    if "namespaces" in record and "routes" in record:
        return "index"
    if "date_format" in record and "time_format" in record:
        return "settings"
    if "rest_base" in record and "hierarchical" in record and "taxonomies" in record:
        return "type"
    if "taxonomy" in record and "slug" in record and "name" in record:
        return {"category": "category", "post_tag": "tag"}.get(record["taxonomy"], "term")
    if record.get("type") == "attachment" or "media_type" in record or "source_url" in record:
        return "media"
    if "post" in record and "author_name" in record and "content" in record:
        return "comment"
    if "avatar_urls" in record and "slug" in record and "name" in record and "content" not in record:
        return "user"
    if "content" in record and "parent" in record and "type" not in record and "status" not in record:
        return "revision"  # /posts/<id>/revisions and /autosaves: history, not a post of its own
    if isinstance(record.get("type"), str) and is_internal_type(record["type"]):
        return "internal"  # reusable blocks, navigation menus, templates: the theme's, not the archive's
    if "content" in record and any(key in record for key in ("link", "slug", "title", "date", "guid")):
        return POST_LIKE
    return "other"


def add_to_registry(registry: Registry, kind: str, record: dict[str, Any]) -> None:
    """File one non-post record where posts will look it up."""
    if kind == "category":
        _add_term(registry.categories, record)
    elif kind == "tag":
        _add_term(registry.tags, record)
    elif kind == "user":
        _add_term(registry.authors, record)
    elif kind == "media":
        _add_media(registry, record)
    elif kind == "comment":
        _add_comment(registry, record)
    elif kind == "type" and isinstance(record.get("slug"), str):
        registry.types[record["slug"]] = {key: record.get(key) for key in ("slug", "name", "rest_base", "hierarchical")}
    elif kind == "index":
        registry.site.update(_site_from_index(record))
    elif kind == "settings":
        registry.site.setdefault("name", record.get("title"))
        registry.site.setdefault("description", record.get("description"))
        registry.site.setdefault("url", record.get("url"))
        registry.site.setdefault("timezone_string", record.get("timezone"))


def add_embedded(registry: Registry, record: dict[str, Any]) -> None:
    """What `?_embed` put inside a post: its author, terms, featured image, replies."""
    embedded = record.get("_embedded")
    if not isinstance(embedded, dict):
        return
    for author in _list(embedded.get("author")):
        if isinstance(author, dict) and "code" not in author:
            _add_term(registry.authors, author, overwrite=False)
    for group in _list(embedded.get("wp:term")):
        for term in _list(group):
            kind = kind_of(term)
            if kind in ("category", "tag"):
                _add_term(registry.categories if kind == "category" else registry.tags, term, overwrite=False)
    for media in _list(embedded.get("wp:featuredmedia")):
        if isinstance(media, dict) and "code" not in media:
            _add_media(registry, media, overwrite=False)
    for thread in _list(embedded.get("replies")):  # an error object when comments are closed to us
        for comment in _list(thread):
            if isinstance(comment, dict) and "author_name" in comment and "content" in comment:
                _add_comment(registry, {"post": record.get("id"), **comment})


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_int(value: Any) -> int | None:
    """An ID from a REST field that may be an int, a numeric string, a float or junk."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def text_of(value: Any) -> str:
    """A REST field that may be {"rendered": "..."}, a plain string, or something else."""
    if isinstance(value, dict):
        value = value.get("rendered", value.get("raw", ""))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        return str(value)
    return value if isinstance(value, str) else ""


def _add_term(terms: dict[int, Term], record: dict[str, Any], overwrite: bool = True) -> None:
    term_id = as_int(record.get("id"))
    if term_id is None or (not overwrite and term_id in terms):
        return
    existing = terms.get(term_id)
    terms[term_id] = Term(
        id=term_id,
        slug=text_of(record.get("slug")) or str(term_id),
        name=text_of(record.get("name")) or text_of(record.get("slug")) or str(term_id),
        parent=as_int(record.get("parent")) or (existing.parent if existing else 0),
        description=text_of(record.get("description")) or (existing.description if existing else ""),
        link=text_of(record.get("link")) or (existing.link if existing else ""),
    )


def _add_media(registry: Registry, record: dict[str, Any], overwrite: bool = True) -> None:
    media_id = as_int(record.get("id"))
    src = text_of(record.get("source_url")) or text_of(record.get("guid"))
    if media_id is None or not src or (not overwrite and media_id in registry.media):
        return
    details = record.get("media_details") if isinstance(record.get("media_details"), dict) else {}
    registry.media[media_id] = Image(src=src, alt=text_of(record.get("alt_text")),
                                     width=as_int(details.get("width")), height=as_int(details.get("height")))


def _add_comment(registry: Registry, record: dict[str, Any]) -> None:
    post_id, comment_id = as_int(record.get("post")), as_int(record.get("id"))
    if post_id is None or comment_id is None or record.get("status", "approved") not in ("approved", "approve", None):
        return
    registry.comments.setdefault(post_id, {})[comment_id] = {
        key: record.get(key) for key in ("id", "parent", "author_name", "author_url", "date", "date_gmt", "type", "content")
    }


def _site_from_index(record: dict[str, Any]) -> dict[str, Any]:
    site = {"name": text_of(record.get("name")), "description": text_of(record.get("description")),
            "url": text_of(record.get("home")) or text_of(record.get("url"))}
    offset = record.get("gmt_offset")
    try:
        site["gmt_offset"] = float(offset) if offset not in (None, "") else None
    except (TypeError, ValueError):
        site["gmt_offset"] = None
    if isinstance(site["gmt_offset"], float) and site["gmt_offset"].is_integer():
        site["gmt_offset"] = int(site["gmt_offset"])
    site["timezone_string"] = text_of(record.get("timezone_string"))
    return site


__all__ = ["NotJson", "POST_LIKE", "Registry", "Term", "add_embedded", "add_to_registry",
           "as_int", "find_source_files", "kind_of", "read_json_file", "records_of", "text_of"]
