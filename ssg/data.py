"""Load stage: content/_data/terms.yml (the term registry import writes) and site.yml (the original site)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ssg import frontmatter
from ssg.errors import SsgError

log = logging.getLogger(__name__)

DATA_DIR = "_data"
TERMS_NAME = "terms.yml"
MEDIA_MANIFEST_NAME = "media.json"  # written by `import --media download` (wordpress/media.py); the build does not read it
SITE_NAME = "site.yml"
TAXONOMIES = ("categories", "tags", "authors")


@dataclass(slots=True)
class TermRecord:
    """A category, tag or author as WordPress knew it: its slug, name and where it lived."""

    slug: str
    name: str
    id: int | None = None
    parent: str | None = None  # categories only: the parent's slug
    description: str = ""
    link: str = ""


@dataclass(slots=True)
class SiteData:
    """What import recorded about the original site; empty for a hand-written site."""

    categories: list[TermRecord] = field(default_factory=list)
    tags: list[TermRecord] = field(default_factory=list)
    authors: list[TermRecord] = field(default_factory=list)
    name: str = ""
    description: str = ""
    url: str = ""  # the WordPress home URL


def load_site_data(content_dir: Path) -> SiteData:
    """Read content/_data/terms.yml and site.yml when they exist."""
    data = SiteData()
    terms_path = content_dir / DATA_DIR / TERMS_NAME
    if terms_path.is_file():
        registry = _read_mapping(terms_path)
        for taxonomy in TAXONOMIES:
            entries = registry.get(taxonomy) or []
            if not isinstance(entries, list):
                raise SsgError(f"'{taxonomy}' must be a list of terms", terms_path)
            setattr(data, taxonomy, [_term_record(entry, taxonomy, number, terms_path)
                                     for number, entry in enumerate(entries, start=1)])
    site_path = content_dir / DATA_DIR / SITE_NAME
    if site_path.is_file():
        info = _read_mapping(site_path)
        for key in ("name", "description", "url"):
            value = info.get(key)
            if value is not None and not isinstance(value, str):
                raise SsgError(f"'{key}' must be text", site_path)
            setattr(data, key, value or "")
        if data.url and urlsplit(data.url).scheme not in ("http", "https"):
            raise SsgError(f"'url' must be an http(s) address, not {data.url!r}", site_path)
    return data


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SsgError("is not UTF-8 text; save it as UTF-8", path) from None
    value = frontmatter.load_yaml(text, path)
    if not isinstance(value, dict):
        raise SsgError("must be YAML keys and values", path, 1)
    return value


def _term_record(entry: Any, taxonomy: str, number: int, path: Path) -> TermRecord:
    where = f"{taxonomy} entry {number}"
    if not isinstance(entry, dict):
        raise SsgError(f"{where} must be a mapping with slug and name", path)
    slug, name = entry.get("slug"), entry.get("name")
    if not isinstance(slug, (str, int)) or isinstance(slug, bool) or not str(slug).strip("/ "):
        raise SsgError(f"{where} has no slug", path)
    if "/" in str(slug):
        raise SsgError(f"{where}: a slug cannot contain '/': {slug!r}", path)
    term_id = entry.get("id")
    parent = entry.get("parent")
    return TermRecord(
        slug=unquote(str(slug)),  # WordPress reports non-ASCII slugs percent-encoded
        name=str(name) if isinstance(name, (str, int)) and str(name) else str(slug),
        id=term_id if isinstance(term_id, int) and not isinstance(term_id, bool) else None,
        parent=unquote(str(parent)) if parent not in (None, "", 0) else None,
        description=entry.get("description") if isinstance(entry.get("description"), str) else "",
        link=entry.get("link") if isinstance(entry.get("link"), str) else "",
    )
