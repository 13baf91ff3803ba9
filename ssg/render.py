"""Render stage, second half: plan every output file with its fingerprint, and render one through Jinja2."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import jinja2

from ssg import feeds, sitemap, urls
from ssg.bodies import Bodies
from ssg.content import Comment, Post
from ssg.errors import SsgError
from ssg.fingerprints import Digests, content_fingerprint, digest_of, file_fingerprint
from ssg.links import LinkProblem, LinkTable, resolve_link
from ssg.output import Output
from ssg.redirects import old_link_outputs
from ssg.site import Neighbours, Site
from ssg.taxonomy import PostTerms
from ssg.templates import select_template


@dataclass(slots=True)
class Thread:
    """A comment with its rendered body and its replies, for threaded display."""

    comment: Comment
    html: str
    replies: list[Thread] = field(default_factory=list)


@dataclass(slots=True)
class Job:
    """One output file to make: where it goes, the fingerprint of all it is made from, and how to
    make it: `make` renders it, or its bytes are already known (`content`), or it is a copy (`source`)."""

    path: str
    fingerprint: str
    make: Callable[[], bytes] | None = None
    content: bytes | None = None
    source: Path | None = None
    shows: tuple[Post, ...] = ()  # the posts whose title, text or metadata this file shows

    def bytes(self) -> bytes:
        if self.make is not None:
            return self.make()
        return self.content if self.content is not None else b""


def plan_site(site: Site, table: LinkTable, bodies: Bodies, environment: jinja2.Environment,
              digests: Digests) -> list[Job]:
    """Every output file of the archive, in a stable order, each with its fingerprint; nothing is rendered yet."""
    config, site_wide = site.config, digests.site_wide
    terms_of = site.taxonomies.of_post
    jobs: list[Job] = []

    def page(url: str, templates: str | list[str], fingerprint: str, context: Callable[[], dict],
             shows: tuple[Post, ...] = ()) -> None:
        jobs.append(Job(urls.output_file(url), digest_of(site_wide, digests.templates(templates), fingerprint),
                        make=lambda: render_template(environment, templates, {"page_url": url, **context()}),
                        shows=shows))

    # Feeds first: they are the slowest files to make, and workers that end on them leave a core idle.
    def feed_html(post: Post) -> str:
        return bodies.absolute_html(post.url, urls.absolute_url(config.base_url, post.url))

    feed_entries: dict = {}
    for term in site.lists:
        if term.has_feed:
            posts = (site.posts if term.kind == "home" else term.posts)[:config.feed_size]  # feeds ignore stickiness
            fingerprint = digest_of(site_wide, "feed", digests.identity(term), digests.listed(posts, terms_of))
            for flavour in ("rss", "atom"):
                jobs.append(Job(urls.output_file(urls.feed_url(term.url, flavour)), fingerprint,
                                make=lambda term=term, posts=posts, flavour=flavour: feeds.render_feed(
                                    config, term, posts, terms_of, feed_html, flavour, feed_entries),
                                shows=tuple(posts)))
    for document in site.posts + site.pages:
        if document.template:
            check_template(environment, document)
        image_src = document_image(table, document)
        neighbours = site.neighbours.get(document.url) or Neighbours()
        ancestors = site.page_ancestors.get(document.url, [])
        page(document.url, choose_template(document), digest_of(
            digests.post(document), digests.post_terms(terms_of.get(document.url)), image_src,
            digests.post(neighbours.older), digests.post(neighbours.newer), [digests.post(a) for a in ancestors]),
            lambda document=document, image_src=image_src: document_context(site, bodies, document, image_src),
            shows=(document, *(p for p in (neighbours.older, neighbours.newer) if p), *ancestors))
    excerpts = _Excerpts(bodies, site)
    for term in site.lists:
        for pager in term.pagers:
            page(pager.url, [f"{term.kind}.html", "list.html"], digest_of(
                digests.summary(term), pager.number, pager.total, digests.listed(pager.items, terms_of)),
                lambda term=term, pager=pager: {"term": term, "pager": pager, "excerpts": excerpts, "terms_of": terms_of},
                shows=tuple(pager.items))
    overview = {"taxonomies": site.taxonomies, "years": [t for t in site.taxonomies.dates if t.kind == "year"]}
    everything = digest_of([digests.summary(term) for term in site.lists])
    for url, template in zip(site.overview_urls, ("archives.html", "categories.html", "tags.html")):
        page(url, template, everything, lambda: overview)
    for redirect in site.redirects:
        page(redirect.url, "redirect.html", redirect.target, lambda target=redirect.target: {"target": target})
    entries = digest_of(site_wide, [(entry.url, entry.modified) for entry in site.sitemap])
    for number, path in enumerate(sitemap.sitemap_paths(len(site.sitemap))):
        jobs.append(Job(str(path), entries, make=lambda number=number: sitemap.render_sitemap_file(
            site.sitemap, config.base_url, number)))
    small = [sitemap.render_robots(config.base_url), *old_link_outputs(site.old_links, config.base_path),
             Output(PurePosixPath(".nojekyll"), b"")]
    if config.domain:
        small.append(Output(PurePosixPath("CNAME"), f"{config.domain}\n".encode("ascii")))
    jobs += [Job(str(output.path), content_fingerprint(output.content), content=output.content) for output in small]
    page(urls.NOT_FOUND_URL, "404.html", "", dict)
    jobs += [copy_job(output) for output in site.files]
    return jobs


def is_search_output(path: str) -> bool:
    """The search page, or a file of its index."""
    return path == urls.output_file(urls.SEARCH_PAGE) or path.startswith(urls.SEARCH_INDEX.strip("/") + "/")


def copy_job(output: Output) -> Job:
    """A file published as it is (or, for media that needed cleaning, as its cleaned bytes)."""
    if output.source is not None:
        return Job(str(output.path), file_fingerprint(output.source), source=output.source)
    return Job(str(output.path), content_fingerprint(output.content), content=output.content)


class _Excerpts:
    """excerpts[url] for list templates, made when a template asks."""

    def __init__(self, bodies: Bodies, site: Site) -> None:
        self.bodies = bodies
        self.posts = {post.url: post for post in site.posts}

    def __getitem__(self, url: str) -> str:
        return self.bodies.excerpt(self.posts[url])


def document_image(table: LinkTable, document: Post) -> str | None:
    """The featured image's address as the page writes it (None for one that is not a web address)."""
    if document.image and urls.is_web_address(document.image.src):
        return resolve_link(table, document.image.src, document.url)[0]
    return None


def image_problems(table: LinkTable, documents: list[Post]) -> list[LinkProblem]:
    """Featured images that point into the archive and lead nowhere."""
    return [LinkProblem(document.source, document.image.src) for document in documents
            if document.image and urls.is_web_address(document.image.src)
            and resolve_link(table, document.image.src, document.url)[1]]


def link_problems(bodies: Bodies, table: LinkTable, documents: list[Post]) -> list[LinkProblem]:
    """Internal links and featured images of these documents that lead nowhere, by file and address."""
    return sorted(bodies.problems(documents) + image_problems(table, documents), key=problem_order)


def problem_order(problem: LinkProblem) -> tuple[str, str]:
    return str(problem.source), problem.url


def make_link_table(site: Site) -> LinkTable:
    """What links in content may lead to: every output, every redirect, the old-link map."""
    links = [str(d.wordpress.get("link") or "") for d in site.posts + site.pages]
    original = next((address for address in [site.data.url, *site.config.original_urls, *links]
                     if address.startswith(("http://", "https://")) and urls.host_of(address)), "")
    return LinkTable(
        base_path=site.config.base_path,
        outputs=site.routes,
        redirects={redirect.url: redirect.target for redirect in site.redirects},
        old_links=site.old_links,
        hosts=site.original_hosts,
        own_host=urls.host_of(site.config.base_url),
        original_url=f"{original.split(':', 1)[0]}://{urls.host_of(original)}/" if original else "",
    )


def document_context(site: Site, bodies: Bodies, document: Post, image_src: str | None) -> dict:
    """What a post or page template sees."""
    neighbours = site.neighbours.get(document.url)
    terms = site.taxonomies.of_post.get(document.url, PostTerms())
    body, comments = bodies.html(document.url)
    return {
        "post": document,
        "content": body,
        "terms": terms,
        "older": neighbours.older if neighbours else None,
        "newer": neighbours.newer if neighbours else None,
        "ancestors": site.page_ancestors.get(document.url, []),
        "threads": thread_comments(list(zip(document.comments, comments))),
        "image_src": image_src,
        "json_ld": article_json_ld(site, document, terms, image_src),
    }


def article_json_ld(site: Site, document: Post, terms: PostTerms, image_src: str | None) -> dict:
    """schema.org Article metadata; the template writes it with |tojson, which escapes '<' and '&'."""
    absolute = urls.absolute_url(site.config.base_url, document.url)
    data: dict = {"@context": "https://schema.org", "@type": "Article", "headline": document.title,
                  "url": absolute, "mainEntityOfPage": absolute}
    if document.date:
        data["datePublished"] = document.date.isoformat()
    if document.updated or document.date:
        data["dateModified"] = (document.updated or document.date).isoformat()
    if terms.author:
        data["author"] = {"@type": "Person", "name": terms.author.name,
                          "url": urls.absolute_url(site.config.base_url, terms.author.url)}
    if image_src:
        data["image"] = urls.absolute_href(site.config.base_url, image_src)
    if document.summary:
        data["description"] = document.summary
    if terms.categories or terms.tags:
        data["keywords"] = [term.name for term in terms.categories + terms.tags]
    data["publisher"] = {"@type": "Organization", "name": site.config.title}
    return data


def thread_comments(comments: list[tuple[Comment, str]]) -> list[Thread]:
    """Comments (in thread order) nested under their parents; an orphan reply is shown at the top."""
    threads: list[Thread] = []
    by_id: dict[str, Thread] = {}
    for comment, body in comments:
        thread = Thread(comment, body)
        parent = by_id.get(str(comment.parent)) if comment.parent not in (0, "0", None, "") else None
        (parent.replies if parent else threads).append(thread)
        by_id[str(comment.id)] = thread
    return threads


def choose_template(post: Post) -> list[str]:
    """A post may pick its template in front matter; otherwise posts and pages share post.html."""
    default = "page.html" if post.kind == "page" else "post.html"
    return [post.template] if post.template else [default]


def check_template(environment: jinja2.Environment, document: Post) -> None:
    """A template a post asks for by name must exist; the error points at the post."""
    try:
        environment.get_template(document.template or "")
    except jinja2.TemplateNotFound:
        raise SsgError(f"template {document.template!r} (its 'template' key) is not in the site's "
                       "templates/ folder or the theme", document.source) from None


def render_page(environment: jinja2.Environment, url: str, template: str | list[str], context: dict) -> Output:
    """Render one page to the file that serves its URL."""
    return Output(urls.output_path(url), render_template(environment, template, {"page_url": url, **context}))


def render_template(environment: jinja2.Environment, names: str | list[str], context: dict) -> bytes:
    """Render a template (the first of `names` that exists); an error names the template file and line."""
    try:
        return select_template(environment, names).render(context).encode("utf-8")
    except jinja2.TemplateSyntaxError as error:
        raise SsgError(f"template error: {error.message}", error.filename or str(names), error.lineno) from None
    except jinja2.TemplateNotFound as error:
        missing = getattr(error, "templates", None) or [error.name]
        raise SsgError(f"template '{missing[-1]}' not found in the site's templates/ or the theme",
                       str(missing[-1])) from None
    except jinja2.TemplateError as error:
        filename, line = _template_frame(error)
        raise SsgError(f"template error: {error}", filename or str(names), line) from None


def _template_frame(error: BaseException) -> tuple[str | None, int | None]:
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt", ".j2")):
            return frame.filename, frame.lineno
    return None, None

