"""Render stage: Markdown -> HTML, then sanitized (content is untrusted) with internal links rewritten.

Two engines give the same bytes (tests/test_markdown.py proves it on the fixture corpus):
markdown-it-pyrs (markdown-it in Rust, by markdown-it-py's maintainer, about 18x faster) where it
has a wheel, and markdown-it-py with mdit-py-plugins everywhere else (it has none for Python 3.13+).
Link rewriting is not a Markdown plugin: the sanitizer sees every address after a real HTML parse,
Markdown links and raw HTML alike, so it rewrites them in the same pass (ssg/links.py).
"""

from __future__ import annotations

import functools
from typing import Protocol

from ssg.links import LinkContext
from ssg.sanitize import sanitize_html

try:
    import markdown_it_pyrs
except ImportError:  # no wheel for this Python: the pure-Python engine gives the same HTML
    markdown_it_pyrs = None

ENGINES = ("markdown-it-pyrs", "markdown-it-py")


class Markdown(Protocol):
    def render(self, text: str) -> str: ...


def default_engine() -> str:
    return ENGINES[0] if markdown_it_pyrs is not None else ENGINES[1]


def make_markdown(engine: str | None = None) -> Markdown:
    """The one Markdown parser of the build: CommonMark with tables, strikethrough and footnotes.

    Raw HTML is on deliberately: import keeps what Markdown cannot express (embeds, complex
    tables) as HTML blocks, and sanitize_html runs on everything afterwards.
    """
    engine = engine or default_engine()
    if engine == "markdown-it-pyrs":
        if markdown_it_pyrs is None:
            raise ImportError("markdown-it-pyrs is not installed")
        return markdown_it_pyrs.MarkdownIt("commonmark").enable_many(["table", "strikethrough", "footnote"])
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    parser = (MarkdownIt("commonmark", {"html": True, "typographer": False})
              .enable(["table", "strikethrough"]).use(footnote_plugin))
    # The one place the engines differ: markdown-it.rs starts a footnote's paragraph on a new line.
    open_footnote = parser.renderer.rules["footnote_open"]
    parser.add_render_rule("footnote_open", lambda self, tokens, index, options, env:
                           open_footnote(tokens, index, options, env) + "\n")
    return parser


def render_markdown(parser: Markdown, text: str, links: LinkContext | None = None) -> str:
    """Safe HTML for a post body or comment; with `links`, internal addresses become archive ones."""
    # markdown-it-py ends an HTML block that ends the text without a newline, markdown-it.rs with one.
    return sanitize_html(_render(parser, text if text.endswith("\n") else text + "\n"), links=links)


def _render(parser: Markdown, text: str) -> str:
    """parser.render(text), except where markdown-it.rs 0.4 would panic: markdown-it-py renders those.

    It panics on a `[` followed by an unclosed backtick (`see [`foo`) and on some `^[` footnote-like
    text, printing a Rust backtrace; fuzzing found no panic in text without `[` and a backtick or `^`.
    A panic anywhere else is caught too, at the price of that printout."""
    if markdown_it_pyrs is None or not isinstance(parser, markdown_it_pyrs.MarkdownIt):
        return parser.render(text)
    if "[" in text and ("`" in text or "^" in text):
        return _reference().render(text)
    try:
        return parser.render(text)
    except BaseException as error:  # pyo3's PanicException is a BaseException
        if type(error).__name__ != "PanicException":
            raise
        return _reference().render(text)


@functools.cache
def _reference() -> Markdown:
    return make_markdown(ENGINES[1])
