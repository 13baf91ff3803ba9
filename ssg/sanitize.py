"""Render stage: strip anything from post HTML that could run script or change the page around it."""

from __future__ import annotations

import nh3

_TAGS = nh3.ALLOWED_TAGS | {
    "figure", "figcaption", "picture", "source", "video", "audio", "track", "section", "cite",
    "dl", "dt", "dd", "details", "summary", "mark", "small", "sub", "sup", "time", "tfoot",
}
_ATTRIBUTES = {
    **{tag: set(allowed) for tag, allowed in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang", "name"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "title"},
    "source": {"src", "srcset", "sizes", "type", "media"},
    "video": {"src", "poster", "controls", "width", "height", "loop", "muted", "preload", "playsinline"},
    "audio": {"src", "controls", "loop", "muted", "preload"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "time": {"datetime"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitize_html(html: str) -> str:
    """Keep structure, text, links and media; drop script, event handlers, forms and unsafe URLs."""
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel=None,  # content cannot set target=, so no rel is needed
        strip_comments=True,
    )
