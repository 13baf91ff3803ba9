"""Render stage: Markdown bodies, comments and Jinja2 templates -> the bytes of every output file."""

from __future__ import annotations

import html
import traceback
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import jinja2
import nh3

from ssg import feeds, sitemap, urls
from ssg.content import Comment, Post
from ssg.errors import SsgError
from ssg.links import LinkContext, LinkProblem, LinkTable, resolve_link
from ssg.markdown import make_markdown, render_markdown
from ssg.output import Output
from ssg.redirects import old_link_outputs
from ssg.sanitize import sanitize_html
from ssg.site import Site
from ssg.taxonomy import PostTerms
from ssg.templates import make_environment


@dataclass(slots=True)
class Thread:
    """A comment with its rendered body and its replies, for threaded display."""

    comment: Comment
    html: str
    replies: list[Thread] = field(default_factory=list)


@dataclass(slots=True)
class Rendered:
    """Every output file of the site, and the internal links that lead nowhere."""

    outputs: list[Output]
    problems: list[LinkProblem]


def render_site(site: Site) -> Rendered:
    """Every generated file of the archive, in a stable order."""
    config = site.config
    environment = make_environment(config)
    table = make_link_table(site)
    parser = make_markdown()
    problems: list[LinkProblem] = []

    def render_body(document: Post, text: str) -> str:
        context = LinkContext(table, document.url)
        body = render_markdown(parser, text, context)
        problems.extend(LinkProblem(document.source, url) for url in context.unresolved)
        return body

    documents = site.posts + site.pages
    bodies = {d.url: render_body(d, d.body) for d in documents}
    outputs = []
    for document in documents:
        if document.template:
            check_template(environment, document)
        threads = thread_comments([(c, render_body(document, c.body)) for c in document.comments])
        image_src = None
        if document.image and urls.is_web_address(document.image.src):
            image_src, unresolved = resolve_link(table, document.image.src, document.url)
            if unresolved:
                problems.append(LinkProblem(document.source, document.image.src))
        outputs.append(render_page(environment, document.url, choose_template(document),
                                   document_context(site, document, bodies[document.url], threads, image_src)))
    excerpts = {post.url: excerpt(post, bodies[post.url]) for post in site.posts}
    for term in site.lists:
        for pager in term.pagers:
            outputs.append(render_page(environment, pager.url, [f"{term.kind}.html", "list.html"], {
                "term": term, "pager": pager, "excerpts": excerpts, "terms_of": site.taxonomies.of_post,
            }))
    overview = {"taxonomies": site.taxonomies, "years": [t for t in site.taxonomies.dates if t.kind == "year"]}
    for url, template in zip(site.overview_urls, ("archives.html", "categories.html", "tags.html")):
        outputs.append(render_page(environment, url, template, overview))
    for redirect in site.redirects:
        outputs.append(render_page(environment, redirect.url, "redirect.html", {"target": redirect.target}))
    outputs += render_all_feeds(site, bodies)
    outputs += sitemap.render_sitemap(site.sitemap, config.base_url)
    outputs.append(sitemap.render_robots(config.base_url))
    outputs += old_link_outputs(site.old_links, config.base_path)
    outputs.append(render_page(environment, urls.NOT_FOUND_URL, "404.html", {}))
    outputs.append(Output(PurePosixPath(".nojekyll"), b""))
    if config.domain:
        outputs.append(Output(PurePosixPath("CNAME"), f"{config.domain}\n".encode("ascii")))
    outputs += site.files
    unique = {(str(problem.source), problem.url): problem for problem in problems}  # once per file and link
    return Rendered(outputs=outputs, problems=[unique[key] for key in sorted(unique)])


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


def document_context(site: Site, document: Post, body: str, threads: list[Thread], image_src: str | None) -> dict:
    """What a post or page template sees."""
    neighbours = site.neighbours.get(document.url)
    terms = site.taxonomies.of_post.get(document.url, PostTerms())
    return {
        "post": document,
        "content": body,
        "terms": terms,
        "older": neighbours.older if neighbours else None,
        "newer": neighbours.newer if neighbours else None,
        "ancestors": site.page_ancestors.get(document.url, []),
        "threads": threads,
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


def render_all_feeds(site: Site, bodies: dict[str, str]) -> list[Output]:
    """The site's feeds and every category, tag and author feed."""
    absolute_bodies: dict[str, str] = {}

    def full_html(post: Post) -> str:
        if post.url not in absolute_bodies:  # a post is in several feeds; absolutize it once
            absolute_bodies[post.url] = sanitize_html(
                bodies[post.url], base_url=urls.absolute_url(site.config.base_url, post.url))
        return absolute_bodies[post.url]

    outputs = []
    for term in site.lists:
        if term.has_feed:
            posts = site.posts if term.kind == "home" else term.posts  # feeds ignore stickiness
            outputs += feeds.render_feeds(site.config, term, posts, site.taxonomies.of_post, full_html)
    return outputs


def excerpt(post: Post, body_html: str, words: int = 55) -> str:
    """The post's summary, or its first words as WordPress would show them (55 by default)."""
    if post.summary:
        return post.summary
    text = html.unescape(nh3.clean(body_html, tags=set())).split()
    return " ".join(text[:words]) + (" …" if len(text) > words else "")


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
        return environment.select_template([names] if isinstance(names, str) else names).render(
            context).encode("utf-8")
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

