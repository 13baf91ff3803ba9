"""Render stage, first half: every post's and page's body and comments as safe HTML, with internal
links rewritten. A body is taken from the cache when its Markdown is unchanged and every link it
resolved still resolves to the same address; the others are rendered on all cores.
"""

from __future__ import annotations

import hashlib
import html
import pickle
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import nh3

from ssg import parallel
from ssg.cache import Cache
from ssg.content import Post
from ssg.links import LinkContext, LinkProblem, LinkTable, resolve_link, table_digest
from ssg.markdown import default_engine, make_markdown, render_markdown
from ssg.sanitize import sanitize_html

_TAG = re.compile(r'<[^>"]*(?:"[^"]*"[^>"]*)*>')
EXCERPT_WORDS = 55  # WordPress's excerpt length
FEED_BODIES_KEPT = 4096


@dataclass(slots=True)
class Body:
    """What the build keeps in memory of one rendered body; its HTML stays in the cache."""

    key: str  # the cache key: Markdown, page and engine
    digest: str  # of the HTML of the body and its comments
    links: dict[str, tuple[str, bool]]  # every address it resolved: (written as, leads nowhere)
    text: str  # its words: all of them when search is on (for the index), else enough for an excerpt


@dataclass(slots=True)
class Bodies:
    """Every document's body by URL; `html` reads one from the cache (or from memory without one)."""

    cache: Cache
    by_url: dict[str, Body] = field(default_factory=dict)
    _memory: dict[str, bytes] = field(default_factory=dict)  # when there is no cache to keep them
    _absolute: OrderedDict[str, str] = field(default_factory=OrderedDict)  # the last few feed bodies made
    _excerpts: dict[str, str] = field(default_factory=dict)  # a post is in a dozen lists

    def replace(self, url: str, body: Body) -> None:
        """A document's body changed (a preview's quick rebuild)."""
        self.by_url[url] = body
        self._absolute.pop(url, None)
        self._excerpts.pop(url, None)

    def absolute_html(self, url: str, page_address: str) -> str:
        """The body with every address made absolute, for feeds, read away from the site. A post is in
        several feeds (the site's, its categories', tags' and author's): the last few thousand are kept."""
        if url in self._absolute:
            self._absolute.move_to_end(url)
            return self._absolute[url]
        body, _ = self.html(url)
        made = self._absolute[url] = sanitize_html(body, base_url=page_address)
        if len(self._absolute) > FEED_BODIES_KEPT:
            self._absolute.popitem(last=False)
        return made

    def html(self, url: str) -> tuple[str, list[str]]:
        """The body's HTML and each comment's."""
        key = self.by_url[url].key
        return pickle.loads(self._memory[key] if key in self._memory else self.cache.body_html(key))

    def problems(self, documents: list[Post]) -> list[LinkProblem]:
        """Internal links that lead nowhere, once per file and address, sorted."""
        found = {(str(d.source), url): LinkProblem(d.source, url) for d in documents
                 for url, (_, broken) in self.by_url[d.url].links.items() if broken}
        return [found[key] for key in sorted(found)]

    def excerpt(self, post: Post) -> str:
        """The post's summary, or its first words as WordPress would show them."""
        if post.summary:
            return post.summary
        made = self._excerpts.get(post.url)
        if made is None:
            words = self.by_url[post.url].text.split(None, EXCERPT_WORDS)[:EXCERPT_WORDS + 1]
            made = self._excerpts[post.url] = " ".join(words[:EXCERPT_WORDS]) + (" …" if len(words) > EXCERPT_WORDS else "")
        return made


def render_bodies(documents: list[Post], table: LinkTable, cache: Cache, keep_text: bool,
                  jobs: int | None = None, forget_others: bool = True) -> Bodies:
    """Every document's body, from the cache where it is still valid, else rendered (in parallel);
    the cache then forgets the bodies of documents not given (unless told not to)."""
    engine = default_engine()
    keys = [body_key(engine, document) for document in documents]
    cached = cache.bodies()
    bodies = Bodies(cache)
    missing = []
    # Every cached body was right for the last build's links; if no link can resolve differently now, it still is.
    link_table = table_digest(table)
    same_links = link_table == cache.setting("link table")
    for document, key in zip(documents, keys):
        hit = cached.get(key)
        if hit and (same_links or all(resolve_link(table, url, document.url) == tuple(result)
                                      for url, result in hit[1].items())):
            digest, links, excerpt = hit
            bodies.by_url[document.url] = Body(key, digest, links, excerpt)
        else:
            missing.append((document, key))
    if keep_text and cache.path:
        texts = cache.body_texts([body.key for body in bodies.by_url.values()])
        for body in bodies.by_url.values():
            body.text = texts[body.key]
    done = 0

    def store(rendered: list[tuple]) -> None:  # a part at a time: the site's HTML is never in memory at once
        nonlocal done
        rows = []
        for (document, key), (digest, links, text, blob) in zip(missing[done:done + len(rendered)], rendered):
            excerpt = " ".join(text.split(None, EXCERPT_WORDS + 1)[:EXCERPT_WORDS + 1])
            bodies.by_url[document.url] = Body(key, digest, links, text if keep_text else excerpt)
            rows.append((key, digest, links, excerpt, text, blob))
            if cache.path is None:
                bodies._memory[key] = blob
        done += len(rendered)
        cache.store_bodies(rows)

    parallel.for_each_chunk(_render_chunk(table), missing, store, jobs)
    if forget_others:
        cache.keep_bodies(set(keys))
    cache.store_setting("link table", link_table)
    return bodies


def body_key(engine: str, document: Post) -> str:
    """What a body's HTML is made from, besides the links it resolves: its Markdown, comments and page."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (engine, document.url, document.body, *(comment.body for comment in document.comments)):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def _render_chunk(table: LinkTable) -> Callable[[list[tuple[Post, str]]], list[tuple]]:
    def render(chunk: list[tuple[Post, str]]) -> list[tuple]:
        parser = make_markdown()
        return [render_document(parser, table, document) for document, _ in chunk]
    return render


def render_document(parser, table: LinkTable, document: Post) -> tuple[str, dict, str, bytes]:
    """(digest, links resolved, text, pickled HTML of the body and comments) of one document."""
    context = LinkContext(table, document.url)
    body = render_markdown(parser, document.body, context)
    comments = [render_markdown(parser, comment.body, context) for comment in document.comments]
    blob = pickle.dumps((body, comments), protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.blake2b(blob, digest_size=16).hexdigest(), context.resolved, plain_text(body), blob


def plain_text(body_html: str) -> str:
    """The words of safe HTML, as excerpts and the search index use them."""
    if "<iframe" in body_html or "<pre" in body_html:
        # An iframe's fallback is raw text, and a parser drops the newline that opens a pre: let nh3 parse these.
        return " ".join(html.unescape(nh3.clean(body_html, tags=set())).split())
    # Otherwise sanitize_html's output is plain enough to take the tags off without parsing it again:
    # text holds no "<" (it is written &lt;), attributes are double-quoted, and comments are gone.
    return " ".join(html.unescape(_TAG.sub("", body_html)).split())

