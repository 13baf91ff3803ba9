"""Render stage: Markdown -> HTML with markdown-it-py, then sanitized, because content is untrusted."""

from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from ssg.links import LinkContext, links_plugin
from ssg.sanitize import sanitize_html


def make_markdown() -> MarkdownIt:
    """The one Markdown parser of the build.

    Raw HTML is on deliberately: import keeps what Markdown cannot express (embeds, complex
    tables) as HTML blocks, and sanitize_html runs on everything afterwards.
    """
    return (
        MarkdownIt("commonmark", {"html": True, "typographer": False})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
        .use(links_plugin)
    )


def render_markdown(parser: MarkdownIt, text: str, links: LinkContext | None = None) -> str:
    """Safe HTML for a post body or comment; with `links`, internal addresses become archive ones."""
    return sanitize_html(parser.render(text, {"links": links} if links else {}))
