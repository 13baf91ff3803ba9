"""Resolve stage: one Term model for every list of posts: home, categories (a tree), tags, authors, dates.

Front-matter names are matched to the term registry of content/_data/terms.yml by (1) exact slug
path, (2) unique name path, (3) WordPress ID; anything else becomes a new term with slugified names.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ssg import urls
from ssg.content import Post
from ssg.data import SiteData, TermRecord
from ssg.errors import SsgError
from ssg.paginate import Pager

log = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(slots=True, eq=False)
class Term:
    """One list of posts: the home page, a category, tag or author, a year, a month or a day."""

    kind: str  # home, category, tag, author, year, month, day
    name: str
    url: str
    slug: str = ""
    parent: Term | None = None
    children: list[Term] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)  # newest first; a category includes its subcategories
    description: str = ""
    id: int | None = None
    link: str = ""  # the term's address on the original site
    pagers: list[Pager[Post]] = field(default_factory=list)

    @property
    def ancestors(self) -> list[Term]:
        """The terms above this one, outermost first."""
        chain, term = [], self.parent
        while term is not None:
            chain.insert(0, term)
            term = term.parent
        return chain

    @property
    def has_feed(self) -> bool:
        return self.kind in ("home", "category", "tag", "author")


@dataclass(slots=True)
class PostTerms:
    """The terms one post belongs to, for its page and its feed entries."""

    categories: list[Term] = field(default_factory=list)
    tags: list[Term] = field(default_factory=list)
    author: Term | None = None


@dataclass(slots=True)
class Taxonomies:
    """Every term of the site, each list in display order, and each post's terms."""

    categories: list[Term]  # depth first: each parent before its children
    tags: list[Term]
    authors: list[Term]
    dates: list[Term]  # years, each followed by its months, each followed by its days
    of_post: dict[str, PostTerms]  # by post URL


def newest_first(post: Post) -> tuple[float, str]:
    """The order of every list: newest first; the URL breaks ties so builds are repeatable."""
    return (-(post.date or _EPOCH).timestamp(), post.url)


def resolve_taxonomies(posts: list[Post], data: SiteData, terms_file: str) -> Taxonomies:
    """Match each post's categories, tags and author to terms, and build the date archives."""
    categories = _Index("category", data.categories, terms_file)
    tags = _Index("tag", data.tags, terms_file)
    authors = _Index("author", data.authors, terms_file)
    of_post: dict[str, PostTerms] = {}
    for post in posts:
        found = PostTerms(
            categories=_unique(categories.resolve(name) for name in post.categories if name.strip()),
            tags=_unique(tags.resolve(name) for name in post.tags if name.strip()),
            author=authors.resolve(post.author) if post.author and post.author.strip() else None,
        )
        of_post[post.url] = found
        for term in found.categories + found.tags + ([found.author] if found.author else []):
            term.posts.append(post)
    for category in categories.terms:  # a category's archive lists its subcategories' posts too
        for ancestor in category.ancestors:
            ancestor.posts.extend(category.posts)
    for term in categories.terms + tags.terms + authors.terms:
        term.posts = sorted({id(post): post for post in term.posts}.values(), key=newest_first)
    return Taxonomies(categories=_depth_first(categories.roots()), tags=_by_name(tags.terms),
                      authors=_by_name(authors.terms), dates=date_archives(posts), of_post=of_post)


def home_term(posts: list[Post], title: str) -> Term:
    """The home page's list: sticky posts first, then the rest, newest first."""
    ordered = [post for post in posts if post.sticky] + [post for post in posts if not post.sticky]
    return Term(kind="home", name=title, url="/", posts=ordered)


def date_archives(posts: list[Post]) -> list[Term]:
    """Year, month and day archives of dated posts, at WordPress's /2024/02/06/ paths, newest first."""
    by_url: dict[str, Term] = {}
    for post in sorted(posts, key=newest_first):
        if post.date is None:
            continue
        date = post.date  # the post's own local date, as WordPress files it
        parent = None
        for kind, parts in (("year", (date.year,)), ("month", (date.year, date.month)),
                            ("day", (date.year, date.month, date.day))):
            url = urls.date_url(*parts)
            term = by_url.get(url)
            if term is None:
                term = by_url[url] = Term(kind=kind, name=_date_name(*parts), url=url,
                                          slug=url.strip("/").rsplit("/", 1)[-1], parent=parent)
                if parent is not None:
                    parent.children.append(term)
            term.posts.append(post)
            parent = term
    return _depth_first([term for term in by_url.values() if term.parent is None], newest_first=True)


def _date_name(year: int, month: int | None = None, day: int | None = None) -> str:
    if month is None:
        return str(year)
    if day is None:
        return f"{calendar.month_name[month]} {year}"
    return f"{calendar.month_name[month]} {day}, {year}"


class _Index:
    """The terms of one taxonomy and the ways a front-matter entry can name one of them."""

    def __init__(self, kind: str, records: list[TermRecord], terms_file: str) -> None:
        self.kind = kind
        self.terms: list[Term] = []
        self.by_path: dict[str, Term] = {}  # slug path -> term
        self.by_name: dict[str, list[Term]] = {}  # name path -> terms
        self.by_id: dict[int, Term] = {}
        made = {record.slug: Term(kind=kind, name=record.name, url="", slug=record.slug, id=record.id,
                                  description=record.description, link=record.link) for record in records}
        for record in records:
            if record.parent is not None and kind == "category":
                parent = made.get(record.parent)
                if parent is None:
                    log.warning("%s: category %r has a parent %r that is not in the file; it is shown "
                                "at the top level", terms_file, record.slug, record.parent)
                    continue
                made[record.slug].parent = parent
        for term in made.values():
            seen, above = {id(term)}, term.parent
            while above is not None:
                if id(above) in seen:
                    raise SsgError(f"category {term.slug!r} is its own ancestor; fix its parent", terms_file)
                seen.add(id(above))
                above = above.parent
        for term in sorted(made.values(), key=lambda t: len(t.ancestors)):
            self._add(term)

    def _add(self, term: Term) -> None:
        chain = term.ancestors + [term]
        term.url = urls.term_url(self.kind, [t.slug for t in chain])
        if term.parent is not None:
            term.parent.children.append(term)
        self.terms.append(term)
        self.by_path["/".join(t.slug for t in chain)] = term
        self.by_name.setdefault("/".join(t.name for t in chain), []).append(term)
        if term.id is not None:
            self.by_id[term.id] = term

    def resolve(self, entry: str) -> Term:
        """The term a front-matter entry names, made new if no term matches."""
        entry = entry.strip().strip("/") if self.kind == "category" else entry.strip()
        if entry in self.by_path:
            return self.by_path[entry]
        named = self.by_name.get(entry, [])
        if len(named) == 1:
            return named[0]
        if entry.isdigit() and int(entry) in self.by_id:
            return self.by_id[int(entry)]
        segments = [s.strip() for s in entry.split("/")] if self.kind == "category" else [entry]
        parent = None
        for depth in range(1, len(segments) + 1):
            known = self.by_name.get("/".join(segments[:depth]), [])
            if len(known) == 1:
                parent = known[0]
                continue
            parent = self._new(segments[depth - 1] or "untitled", parent)
        assert parent is not None
        return parent

    def _new(self, name: str, parent: Term | None) -> Term:
        siblings = self.by_path.keys()  # a slug is taken when its slug path is
        prefix = "/".join(t.slug for t in (parent.ancestors + [parent] if parent else [])) + ("/" if parent else "")
        base = urls.slugify(name)
        slug, number = base, 2
        while prefix + slug in siblings:  # two names that slugify alike get WordPress's -2, -3 suffixes
            slug, number = f"{base}-{number}", number + 1
        term = Term(kind=self.kind, name=name, url="", slug=slug, parent=parent)
        self._add(term)
        return term

    def roots(self) -> list[Term]:
        return [term for term in self.terms if term.parent is None]


def _sort_key(term: Term) -> tuple[str, str]:
    return (term.name.casefold(), term.slug)


def _by_name(terms: list[Term]) -> list[Term]:
    return sorted(terms, key=_sort_key)


def _siblings(terms: list[Term], newest_first: bool) -> list[Term]:
    return sorted(terms, key=lambda t: t.url, reverse=True) if newest_first else _by_name(terms)


def _depth_first(roots: list[Term], newest_first: bool = False) -> list[Term]:
    """Each term followed by its children; siblings by name or, for dates, newest first."""
    ordered: list[Term] = []
    for term in _siblings(roots, newest_first):
        term.children = _siblings(term.children, newest_first)
        ordered.append(term)
        ordered.extend(_depth_first(term.children, newest_first))
    return ordered


def _unique(terms) -> list[Term]:
    seen: list[Term] = []
    for term in terms:
        if term not in seen:
            seen.append(term)
    return seen
