"""Render stage: Markdown bodies and Jinja2 templates -> the bytes of every output file."""

from __future__ import annotations

import html
import traceback
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import jinja2
import nh3

from ssg import urls
from ssg.content import Post
from ssg.errors import SsgError
from ssg.markdown import make_markdown, render_markdown
from ssg.site import Site
from ssg.templates import make_environment, theme_dirs

THEME_ASSETS = "/_ssg/"  # where theme static files go; no WordPress slug starts with an underscore


@dataclass(slots=True)
class Output:
    """One file of the built site: where it goes (relative to the output folder) and its bytes."""

    path: PurePosixPath
    content: bytes


def render_bodies(site: Site) -> dict[str, str]:
    """The safe HTML of every post and page body, by URL: pages and the search index share it."""
    parser = make_markdown()
    return {post.url: render_markdown(parser, post.body) for post in site.posts + site.pages}


def render_site(site: Site, bodies: dict[str, str]) -> list[Output]:
    """Every generated file of the archive, in a stable order."""
    environment = make_environment(site.config)
    outputs = []
    for post in site.posts + site.pages:
        neighbours = site.neighbours.get(post.url)
        outputs.append(render_page(environment, post.url, choose_template(post), {
            "post": post,
            "content": bodies[post.url],
            "older": neighbours.older if neighbours else None,
            "newer": neighbours.newer if neighbours else None,
        }))
    for pager in site.home:
        outputs.append(render_page(environment, pager.url, "list.html", {
            "pager": pager,
            "excerpts": {post.url: excerpt(post, bodies[post.url]) for post in pager.items},
        }))
    outputs.append(Output(PurePosixPath("404.html"),
                          render_template(environment, "404.html", {"page_url": "/404.html"})))
    outputs.append(Output(PurePosixPath(".nojekyll"), b""))
    outputs += static_outputs(site)
    return outputs


def excerpt(post: Post, body_html: str, words: int = 55) -> str:
    """The post's summary, or its first words as WordPress would show them (55 by default)."""
    if post.summary:
        return post.summary
    text = html.unescape(nh3.clean(body_html, tags=set())).split()
    return " ".join(text[:words]) + (" …" if len(text) > words else "")


def choose_template(post: Post) -> str:
    """A post may pick its template in front matter; otherwise posts and pages share post.html."""
    return post.template or ("page.html" if post.kind == "page" else "post.html")


def render_page(environment: jinja2.Environment, url: str, template: str, context: dict) -> Output:
    """Render one page to the file that serves its URL."""
    return Output(urls.output_path(url), render_template(environment, template, {"page_url": url, **context}))


def render_template(environment: jinja2.Environment, name: str, context: dict) -> bytes:
    """Render a template; a template error names the template file and line."""
    try:
        return environment.get_template(name).render(context).encode("utf-8")
    except jinja2.TemplateSyntaxError as error:
        raise SsgError(f"template error: {error.message}", error.filename or name, error.lineno) from None
    except jinja2.TemplateNotFound as error:
        raise SsgError(f"template '{error.name}' not found in the site's templates/ or the theme",
                       name) from None
    except jinja2.TemplateError as error:
        filename, line = _template_frame(error)
        raise SsgError(f"template error: {error}", filename or name, line) from None


def _template_frame(error: BaseException) -> tuple[str | None, int | None]:
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt", ".j2")):
            return frame.filename, frame.lineno
    return None, None


def static_outputs(site: Site) -> list[Output]:
    """Theme static files, the site's theme first so it can replace a built-in file."""
    chosen: dict[PurePosixPath, Path] = {}
    for theme in reversed(theme_dirs(site.config)):
        static = theme / "static"
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file():
                    relative = PurePosixPath(path.relative_to(static).as_posix())
                    chosen[PurePosixPath(THEME_ASSETS.strip("/")) / relative] = path
    return [Output(dest, source.read_bytes()) for dest, source in sorted(chosen.items())]
