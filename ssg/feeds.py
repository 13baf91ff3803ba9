"""Extra outputs: Atom and RSS 2.0 feeds for the site and each category, tag and author, at WordPress's
paths (/feed/, /feed/atom/, /category/x/feed/), with full content and absolute URLs."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Callable
from xml.etree import ElementTree

from ssg import urls
from ssg.config import Config
from ssg.content import Post
from ssg.taxonomy import PostTerms, Term

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 forbids
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def feed_title(config: Config, term: Term) -> str:
    """'Site' for the site's feed, 'Site » Category' for a term's, as WordPress names them."""
    return config.title if term.kind == "home" else f"{config.title} » {term.name}"


def render_feed(config: Config, term: Term, posts: list[Post], terms_of: dict[str, PostTerms],
                full_html: Callable[[Post], str], flavour: str, entries: dict | None = None) -> bytes:
    """The RSS or Atom feed of one list, holding `posts` (its newest feed_size).

    A post is in several feeds (the site's, its categories', tags' and author's): its entry is
    made once for all of them, kept in `entries` (one dict for a build's feeds)."""
    head, make_entry, level = (_rss, _rss_item, 2) if flavour == "rss" else (_atom, _atom_entry, 1)
    entries = {} if entries is None else entries
    absolute = lambda url: urls.absolute_url(config.base_url, url)  # noqa: E731
    made = []
    for post in posts:
        html = full_html(post)
        # Everything in an entry that a preview's quick rebuild may change is in its key.
        key = (flavour, post.url, post.title, post.summary, html)
        if key not in entries:
            entries[key] = make_entry(post, terms_of.get(post.url, PostTerms()), html, absolute, level).encode("utf-8")
        made.append(entries[key])
    # The feed is written with a stand-in for each entry, indented as the entry would be, then filled in.
    # (text and attributes cannot hold the stand-in: ElementTree writes their "<" as "&lt;").
    around = head(config, term, posts, absolute, len(made)).split(b"<ssg-entry />")
    return b"".join(part for pair in zip(around, [*made, b""]) for part in pair)


def _atom(config: Config, term: Term, posts: list[Post], absolute: Callable[[str], str], entries: int) -> bytes:
    feed = ElementTree.Element("feed", {"xmlns": ATOM, "xml:lang": config.language})
    _text(feed, "title", feed_title(config, term))
    if term.description or config.description:
        _text(feed, "subtitle", term.description or config.description)
    ElementTree.SubElement(feed, "link", rel="alternate", type="text/html", href=absolute(term.url))
    self_url = absolute(urls.feed_url(term.url, "atom"))
    ElementTree.SubElement(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _text(feed, "id", self_url)
    _text(feed, "updated", _newest(posts).isoformat())
    _text(ElementTree.SubElement(feed, "author"), "name", config.title)
    _text(feed, "generator", "ssg")
    for _ in range(entries):
        ElementTree.SubElement(feed, "ssg-entry")
    return _serialise(feed)


def _atom_entry(post: Post, found: PostTerms, html: str, absolute: Callable[[str], str], level: int) -> str:
    parts = [_tag("title", post.title or "(untitled)"),
             _tag("link", rel="alternate", type="text/html", href=absolute(post.url)),
             _tag("id", _guid(post, absolute)),
             _tag("published", (post.date or _EPOCH).isoformat()),
             _tag("updated", (post.updated or post.date or _EPOCH).isoformat())]
    if found.author:
        author = [_tag("name", found.author.name), _tag("uri", absolute(found.author.url), clean=False)]
        parts.append(_nested("author", author, level + 1))
    parts += [_tag("category", term=_clean(category.name), scheme=absolute(category.url))
              for category in found.categories + found.tags]
    if post.summary:
        parts.append(_tag("summary", post.summary))
    parts.append(_tag("content", html, type="html"))
    return _nested("entry", parts, level)


def _rss(config: Config, term: Term, posts: list[Post], absolute: Callable[[str], str], entries: int) -> bytes:
    rss = ElementTree.Element("rss", {
        "version": "2.0", "xmlns:atom": ATOM, "xmlns:dc": "http://purl.org/dc/elements/1.1/",
        "xmlns:content": "http://purl.org/rss/1.0/modules/content/"})
    channel = ElementTree.SubElement(rss, "channel")
    _text(channel, "title", feed_title(config, term))
    _text(channel, "link", absolute(term.url))
    _text(channel, "description", term.description or config.description or feed_title(config, term))
    _text(channel, "language", config.language)
    _text(channel, "lastBuildDate", format_datetime(_newest(posts)))
    _text(channel, "generator", "ssg")
    ElementTree.SubElement(channel, "atom:link", href=absolute(urls.feed_url(term.url, "rss")), rel="self",
                           type="application/rss+xml")
    for _ in range(entries):
        ElementTree.SubElement(channel, "ssg-entry")
    return _serialise(rss)


def _rss_item(post: Post, found: PostTerms, html: str, absolute: Callable[[str], str], level: int) -> str:
    link, guid = absolute(post.url), _guid(post, absolute)
    parts = [_tag("title", post.title or "(untitled)"), _tag("link", link),
             _tag("guid", guid, isPermaLink="true" if guid == link else "false"),
             _tag("pubDate", format_datetime(post.date or _EPOCH))]
    if found.author:
        parts.append(_tag("dc:creator", found.author.name))
    parts += [_tag("category", category.name) for category in found.categories + found.tags]
    parts += [_tag("description", post.summary or html), _tag("content:encoded", html)]
    return _nested("item", parts, level)


def _guid(post: Post, absolute: Callable[[str], str]) -> str:
    # WordPress's guid keeps feed readers from showing every archived post as new again.
    guid = post.wordpress.get("guid")
    return guid if isinstance(guid, str) and guid.startswith(("http://", "https://")) else absolute(post.url)


def _newest(posts: list[Post]) -> datetime:
    return max((post.updated or post.date or _EPOCH for post in posts), default=_EPOCH)


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


# An entry is in several feeds but made once; it is written the way ElementTree writes an element
# indented at `level` (as the feed around it is), without ElementTree's Python serializer, which
# took half of the feeds' time.
def _tag(name: str, text: str = "", clean: bool = True, **attributes: str) -> str:
    """One element without children: its text without the characters XML forbids, and escaped."""
    written = "".join(f' {key}="{_escape_attribute(value)}"' for key, value in attributes.items())
    text = _clean(text) if clean else text
    return f"<{name}{written}>{_escape_text(text)}</{name}>" if text else f"<{name}{written} />"


def _nested(name: str, children: list[str], level: int) -> str:
    inside = "".join(f"\n{' ' * (level + 1)}{child}" for child in children)
    return f"<{name}>{inside}\n{' ' * level}</{name}>"


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(value: str) -> str:
    return (_escape_text(value).replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;")
            .replace("\t", "&#09;"))


def _text(parent: ElementTree.Element, tag: str, text: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag)
    element.text = _clean(text)
    return element


def _serialise(root: ElementTree.Element) -> bytes:
    ElementTree.indent(root, space=" ")
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
