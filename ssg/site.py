"""Resolve stage: decide every list, page, redirect and copied file of the site, and find URL collisions
before anything is rendered or written."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ssg import sitemap, urls
from ssg.config import Config
from ssg.content import MEDIA_DIR, Post
from ssg.sanitize import ACTIVE_MEDIA_SUFFIXES, sanitize_svg
from ssg.data import DATA_DIR, TERMS_NAME, SiteData
from ssg.errors import SsgError
from ssg.output import Output
from ssg.paginate import paginate
from ssg.redirects import OldLinks, Redirect, old_link_shards, resolve_redirects
from ssg.taxonomy import Taxonomies, Term, home_term, newest_first, resolve_taxonomies
from ssg.templates import theme_dirs

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Neighbours:
    """The posts before and after one post, in date order."""

    older: Post | None = None
    newer: Post | None = None


@dataclass(slots=True)
class Site:
    """Everything the render stage needs, decided before anything is rendered."""

    config: Config
    data: SiteData
    posts: list[Post]  # kind 'post', newest first
    pages: list[Post]  # pages and custom types, by URL
    home: Term
    taxonomies: Taxonomies
    lists: list[Term]  # every paginated list: home, categories, tags, authors, years, months, days
    neighbours: dict[str, Neighbours] = field(default_factory=dict)
    page_ancestors: dict[str, list[Post]] = field(default_factory=dict)  # for breadcrumbs
    redirects: list[Redirect] = field(default_factory=list)
    old_links: OldLinks = field(default_factory=dict)
    files: list[Output] = field(default_factory=list)  # media, static and theme files, copied as is
    sitemap: list[sitemap.Entry] = field(default_factory=list)
    routes: dict[str, str] = field(default_factory=dict)  # output path -> who writes it
    original_hosts: set[str] = field(default_factory=set)  # where imported links point (with www. or not)

    @property
    def overview_urls(self) -> list[str]:
        return [self.config.archives_url, self.config.categories_url, self.config.tags_url]


def resolve_site(config: Config, documents: list[Post], data: SiteData) -> Site:
    """Turn loaded documents into the site's structure; URL collisions are an error naming both sources."""
    posts = sorted((d for d in documents if d.kind == "post"), key=newest_first)
    pages = sorted((d for d in documents if d.kind != "post"), key=lambda d: d.url)
    taxonomies = resolve_taxonomies(posts, data, str(config.content_dir / DATA_DIR / TERMS_NAME))
    home = home_term(posts, config.title)
    lists = [home, *taxonomies.categories, *taxonomies.tags, *taxonomies.authors, *taxonomies.dates]
    for term in lists:
        term.pagers = paginate(term.posts, config.per_page, term.url)
    redirects, old_links = resolve_redirects(posts + pages, taxonomies)
    site = Site(config=config, data=data, posts=posts, pages=pages, home=home, taxonomies=taxonomies,
                lists=lists, neighbours=link_neighbours(posts), page_ancestors=find_page_ancestors(pages),
                redirects=redirects, old_links=old_links, files=find_copied_files(config),
                original_hosts=find_original_hosts(config, data, documents))
    site.sitemap = sitemap.sitemap_entries(posts, pages, lists, site.overview_urls)
    site.routes, site.redirects = claim_routes(site)
    return site


def link_neighbours(posts: list[Post]) -> dict[str, Neighbours]:
    """Each post's older and newer neighbour, for prev/next links."""
    return {post.url: Neighbours(older=posts[index + 1] if index + 1 < len(posts) else None,
                                 newer=posts[index - 1] if index > 0 else None)
            for index, post in enumerate(posts)}


def find_page_ancestors(pages: list[Post]) -> dict[str, list[Post]]:
    """The pages whose URLs contain a page's URL (/about/ for /about/team/), outermost first."""
    by_url = {page.url: page for page in pages}
    ancestors = {}
    for page in pages:
        segments = page.url.strip("/").split("/")
        found = [by_url[url] for url in ("/" + "/".join(segments[:n]) + "/" for n in range(1, len(segments)))
                 if url in by_url]
        if found:
            ancestors[page.url] = found
    return ancestors


def find_copied_files(config: Config) -> list[Output]:
    """Files published as they are: content/media/** and static/** at the root, the theme under /_ssg/."""
    chosen: dict[PurePosixPath, Path] = {}
    for theme in reversed(theme_dirs(config)):  # the site's theme last, so it replaces built-in files
        for relative, source in _files_under(theme / "static"):
            chosen[PurePosixPath(urls.THEME_ASSETS.strip("/")) / relative] = source
    media = config.content_dir / MEDIA_DIR
    for folder in (media, config.root / "static"):
        for relative, source in _files_under(folder):
            if relative in chosen:
                raise SsgError(f"both this file and {chosen[relative]} want to be /{relative}; "
                               "remove one of them", source)
            chosen[relative] = source
    outputs = []
    for path, source in sorted(chosen.items()):
        if source.is_relative_to(media):
            outputs += safe_media_output(path, source)
        else:
            outputs.append(Output(path, source=source))
    return outputs


def safe_media_output(path: PurePosixPath, source: Path) -> list[Output]:
    """A downloaded media file as it may be published: SVG without script; HTML and scripts not at all."""
    suffix = source.suffix.lower()
    if suffix in ACTIVE_MEDIA_SUFFIXES:
        log.warning("%s: not published: a %s file from the WordPress site could run script on the "
                    "archive's address", source, suffix)
        return []
    if suffix == ".svg":
        cleaned = sanitize_svg(source.read_bytes())
        if cleaned is None:
            log.warning("%s: not published: not a well-formed SVG image", source)
            return []
        return [Output(path, content=cleaned)]
    return [Output(path, source=source)]


def _files_under(folder: Path) -> list[tuple[PurePosixPath, Path]]:
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        relative = PurePosixPath(path.relative_to(folder).as_posix())
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            found.append((relative, path))
    return found


def find_original_hosts(config: Config, data: SiteData, documents: list[Post]) -> set[str]:
    """The hosts imported links may point at: site.yml's url, posts' WordPress links, ssg.toml."""
    addresses = [data.url, *config.original_urls]
    addresses += [str(d.wordpress.get("link") or "") for d in documents]
    hosts = set()
    for address in addresses:
        host = urls.host_of(address)
        if host:
            hosts.add(host)
            hosts.add(host[4:] if host.startswith("www.") else "www." + host)
    return hosts


def claim_routes(site: Site) -> tuple[dict[str, str], list[Redirect]]:
    """Every output file and who writes it; two owners of one file are an error naming both.

    Also returns the redirects that will be written: an alias gives way to a page, list or file
    that lives at its address now (and to an earlier alias), with a warning naming both."""
    config = site.config
    owners: dict[str, str] = {}
    sources: dict[str, Path | None] = {}

    def claim(url_or_path: str | PurePosixPath, owner: str, source: Path | None = None) -> None:
        output = str(url_or_path) if isinstance(url_or_path, PurePosixPath) else urls.output_file(url_or_path)
        if output in owners:
            first = owners[output]
            if source is not None:
                raise SsgError(f"both this file and {first} want to be /{output}; change the 'url', "
                               "'slug' or 'aliases' of one of them", source)
            raise SsgError(f"{owner} and {first} both want to be /{output}; change one of them "
                           "(a post's 'url' or 'slug', or the list's setting in ssg.toml)", sources[output])
        owners[output], sources[output] = owner, source

    for document in site.posts + site.pages:
        claim(document.url, str(document.source), document.source)
    for term in site.lists:
        for pager in term.pagers:
            claim(pager.url, f"the {term.kind} list {term.name!r}" + (f" page {pager.number}"
                                                                      if pager.number > 1 else ""))
        if term.has_feed:
            for flavour in ("rss", "atom"):
                claim(urls.feed_url(term.url, flavour), f"the {flavour} feed of {term.kind} {term.name!r}")
    for url, key in zip(site.overview_urls, ("archives_url", "categories_url", "tags_url")):
        claim(url, f"the page at {key} in ssg.toml")
    for url in (urls.NOT_FOUND_URL, urls.ROBOTS_URL, urls.SITEMAP_URL):
        claim(url, f"the generated {url.strip('/')}")
    if config.search:
        claim(urls.SEARCH_PAGE, "the search page (search = false in ssg.toml turns it off)")
    for number in range(1, sitemap.part_count(len(site.sitemap)) + 1):
        claim(urls.sitemap_part_url(number), "a part of the generated sitemap")
    claim(PurePosixPath(".nojekyll"), "the generated .nojekyll")
    if config.domain:
        claim(PurePosixPath("CNAME"), "the CNAME file for 'domain' in ssg.toml")
    for url in old_link_shards(site.old_links):
        claim(url, "the old-link map")
    for copied in site.files:
        claim(copied.path, str(copied.source), copied.source)
    kept = []
    for redirect in site.redirects:  # an old address gives way to whatever lives there now
        output = urls.output_file(redirect.url)
        if output in owners:
            (log.warning if redirect.explicit else log.debug)(
                "%s is not redirected: %s is there now", redirect.owner, owners[output])
            continue
        claim(redirect.url, f"the redirect for {redirect.owner}")
        kept.append(redirect)
    return owners, kept
