"""Render stage: the fingerprint of every output: a hash of everything it is made from, so that a
rebuild renders only the outputs whose fingerprint changed.

An output's fingerprint joins the site-wide digest (ssg version, Markdown engine, ssg.toml,
content/_data/), the digest of the templates it is rendered with (with every template they
extend, include or import), and the digests of the posts and terms its template sees:
- a post's digest covers its file, its address and its rendered body and comments;
- a term's `identity` (kind, name, address, description, ancestors) is what a post page or a
  feed entry shows of it; its `summary` adds its children and how many posts it lists, for its
  own list pages and the overviews.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Iterable
from pathlib import Path

import jinja2
import jinja2.meta

from ssg.bodies import Bodies
from ssg.cache import code_version
from ssg.config import Config
from ssg.content import Post, is_racy
from ssg.data import DATA_DIR
from ssg.markdown import default_engine
from ssg.taxonomy import PostTerms, Term


def digest_of(*parts: object) -> str:
    """A short, stable hash of strings, numbers, dates and paths, and of tuples and lists of them."""
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def input_digest(config: Config, drafts: bool, base_url: str | None) -> str:
    """A digest of everything a build reads, from the files' sizes and modification times: when it
    is the same as the last build's, that build's output is still right."""
    from ssg.templates import builtin_theme_dir  # noqa: PLC0415 (templates imports this module's users)

    stamps: list[tuple[str, int, int]] = []
    folders = [config.content_dir, config.root / "templates", config.root / "themes", config.root / "static",
               builtin_theme_dir()]
    status = (config.root / "ssg.toml").stat()
    stamps.append(("ssg.toml", status.st_mtime_ns, status.st_size))
    for folder in folders:
        _stamp_tree(str(folder), stamps)
    if any(is_racy(mtime / 1e9) for _, mtime, _ in stamps):
        return f"racy {time.time_ns()}"  # never the same twice: the next build looks at everything
    return digest_of(code_version(), default_engine(), drafts, base_url or "", stamps)


def _stamp_tree(folder: str, stamps: list[tuple[str, int, int]]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=True):
            _stamp_tree(entry.path, stamps)
        else:
            try:
                status = entry.stat()
            except OSError:  # a dangling link (an editor's lock), or a file removed meanwhile
                stamps.append((entry.path, 0, -1))
                continue
            stamps.append((entry.path, status.st_mtime_ns, status.st_size))


def site_digest(config: Config, drafts: bool) -> str:
    """What every output depends on: ssg itself, the Markdown engine, ssg.toml and content/_data/."""
    settings = {field.name: getattr(config, field.name) for field in dataclasses.fields(config) if field.name != "root"}
    data = sorted(path for path in (config.content_dir / DATA_DIR).glob("*") if path.is_file())
    return digest_of(code_version(), default_engine(), repr(settings), drafts,
                     [(path.name, hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()) for path in data])


class Digests:
    """The digests of one build's posts, terms and templates, each computed once."""

    def __init__(self, site_wide: str, environment: jinja2.Environment, bodies: Bodies) -> None:
        self.site_wide = site_wide
        self.environment = environment
        self.bodies = bodies
        self._posts: dict[int, str] = {}
        self._identities: dict[int, str] = {}
        self._summaries: dict[int, str] = {}
        self._templates: dict[str, str] = {}
        self._listed: dict[int, str] = {}
        self._parsed: dict[str, list[str | None]] = {}

    def post(self, post: Post | None) -> str:
        if post is None:
            return "-"
        found = self._posts.get(id(post))
        if found is None:
            found = self._posts[id(post)] = digest_of(post.digest, post.source, post.url,
                                                      self.bodies.by_url[post.url].digest)
        return found

    def identity(self, term: Term | None) -> str:
        if term is None:
            return "-"
        found = self._identities.get(id(term))
        if found is None:
            found = self._identities[id(term)] = digest_of(
                term.kind, term.name, term.url, term.slug, term.description, term.id, term.link,
                [(ancestor.name, ancestor.url) for ancestor in term.ancestors])
        return found

    def summary(self, term: Term) -> str:
        found = self._summaries.get(id(term))
        if found is None:
            found = self._summaries[id(term)] = digest_of(
                self.identity(term), len(term.posts), term.has_feed,
                [(self.identity(child), len(child.posts)) for child in term.children])
        return found

    def post_terms(self, terms: PostTerms | None) -> str:
        if terms is None:
            return "-"
        return digest_of([self.identity(term) for term in terms.categories], [self.identity(term) for term in terms.tags],
                         self.identity(terms.author))

    def listed(self, posts: Iterable[Post], terms_of: dict[str, PostTerms]) -> list[str]:
        """Posts as a list or feed shows them: each with the terms it names."""
        found = []
        for post in posts:
            digest = self._listed.get(id(post))
            if digest is None:
                digest = self._listed[id(post)] = digest_of(self.post(post), self.post_terms(terms_of.get(post.url)))
            found.append(digest)
        return found

    def templates(self, names: str | list[str]) -> str:
        """The template `select_template(names)` picks (and whether those before it exist), with all it uses."""
        key = names if isinstance(names, str) else "\n".join(names)
        found = self._templates.get(key)
        if found is None:
            parts: list[str] = []
            for name in [names] if isinstance(names, str) else names:
                closure = self._closure(name)
                parts.append(closure)
                if closure != "missing":
                    break
            found = self._templates[key] = digest_of(parts)
        return found

    def _references(self, source: str) -> list[str | None]:
        """The templates a template's source names (None for a name computed while rendering)."""
        if source not in self._parsed:
            try:
                self._parsed[source] = list(jinja2.meta.find_referenced_templates(self.environment.parse(source)))
            except jinja2.TemplateSyntaxError:
                self._parsed[source] = []  # rendering it reports the error, with its line
        return self._parsed[source]

    def _closure(self, name: str) -> str:
        seen: dict[str, str] = {}
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            try:
                source, _, _ = self.environment.loader.get_source(self.environment, current)
            except jinja2.TemplateNotFound:
                seen[current] = "missing"
                continue
            seen[current] = digest_of(source)
            references = self._references(source)
            if None in references:  # a name computed while rendering: it may be any template
                references = self.environment.list_templates()
            pending += [reference for reference in references if reference]
        if seen[name] == "missing":
            return "missing"
        return digest_of(sorted(seen.items()))


def file_fingerprint(source: Path) -> str:
    """A copied file's: where it is, its size and when it last changed (its bytes, if that was just now)."""
    status = source.stat()
    if is_racy(status.st_mtime):
        return digest_of("copy", source, content_fingerprint(source.read_bytes()))
    return digest_of("copy", source, status.st_size, status.st_mtime_ns)


def content_fingerprint(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=16).hexdigest()
