"""Render stage: strip anything from post HTML that could run script or change the page around it."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import nh3

from ssg.links import LinkContext, rewrite_attribute

# Embeds a WordPress site typically has; an iframe from any other host loses its src.
EMBED_HOSTS = (
    "youtube.com", "youtube-nocookie.com", "player.vimeo.com", "w.soundcloud.com", "open.spotify.com",
    "embed.spotify.com", "www.dailymotion.com", "embed.ted.com", "player.twitch.tv", "clips.twitch.tv",
    "www.slideshare.net", "archive.org", "bandcamp.com", "codepen.io", "www.google.com",
    "maps.google.com", "calendar.google.com", "docs.google.com", "video.wordpress.com",
    "videopress.com", "embed.podcasts.apple.com", "www.facebook.com", "www.instagram.com",
    "platform.twitter.com", "www.tiktok.com", "www.reddit.com", "embed.reddit.com",
    "player.simplecast.com", "www.mixcloud.com", "flickr.com", "embedr.flickr.com", "gist.github.com",
)

_TAGS = nh3.ALLOWED_TAGS | {
    "figure", "figcaption", "picture", "source", "video", "audio", "track", "section", "cite",
    "dl", "dt", "dd", "details", "summary", "mark", "small", "sub", "sup", "time", "tfoot", "iframe",
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
    "iframe": {"src", "width", "height", "title", "allowfullscreen", "loading"},
    "time": {"datetime"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Embedded players need script inside their own frame; the sandbox keeps them out of the archive's.
_IFRAME_SANDBOX = "allow-scripts allow-same-origin allow-popups allow-presentation"


def is_embed_host(url: str) -> bool:
    """True for an https iframe src on one of the allow-listed embed hosts (or a subdomain)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and any(host == h or host.endswith("." + h) for h in EMBED_HOSTS)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "iframe" and attribute == "src" and not is_embed_host(value):
        return None
    return value


def sanitize_html(html: str, base_url: str | None = None, links: LinkContext | None = None) -> str:
    """Keep structure, text, links and media; drop script, event handlers, forms and unsafe URLs.

    With `links`, every address that points into the archive or the original site is rewritten
    to its archive address (ssg/links.py), in this same parse. With `base_url`, relative
    addresses become absolute ones (for feeds, read away from the site).
    """
    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if links is not None:
            value = rewrite_attribute(links, tag, attribute, value)
        if base_url and attribute == "srcset":  # nh3 leaves srcset alone when it rewrites relative URLs
            value = ", ".join(" ".join([urljoin(base_url, parts[0]), *parts[1:]])
                              for parts in (c.split() for c in value.split(",")) if parts)
        return _filter_attribute(tag, attribute, value)

    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        attribute_filter=attribute_filter if links is not None or base_url else _filter_attribute,
        # One attribute only: nh3 adds several in an order that changes between runs.
        set_tag_attribute_values={"iframe": {"sandbox": _IFRAME_SANDBOX}},
        url_schemes=_URL_SCHEMES,
        url_relative=("rewrite_with_base", base_url) if base_url else None,
        link_rel=None,  # content cannot set target=, so no rel is needed
        strip_comments=True,
    )



# Files in content/media come from the WordPress site and are as untrusted as its posts. Opened
# directly, these types would run script on the archive's own address.
ACTIVE_MEDIA_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml", ".xht", ".js", ".mjs", ".svgz", ".php", ".swf"}
_SVG_DROPPED = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}
_URL_ATTRIBUTE_NAMES = {"href", "{http://www.w3.org/1999/xlink}href", "src"}


def sanitize_svg(data: bytes) -> bytes | None:
    """An SVG without script, event handlers or script URLs; None when it is not well-formed SVG."""
    from lxml import etree  # only sites with SVG uploads pay for the import

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    if root is None or etree.QName(root).localname != "svg":
        return None
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        name = etree.QName(element).localname
        animates_a_link = name in ("set", "animate") and element.get("attributeName", "").endswith("href")
        if name in _SVG_DROPPED or animates_a_link:
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
            continue
        for attribute, value in list(element.attrib.items()):
            if etree.QName(attribute).localname.lower().startswith("on"):
                del element.attrib[attribute]
            elif attribute in _URL_ATTRIBUTE_NAMES and not _is_safe_svg_url(value):
                del element.attrib[attribute]
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _is_safe_svg_url(value: str) -> bool:
    scheme = urlsplit(value.strip()).scheme.lower()
    return scheme in ("", "http", "https") or value.strip().lower().startswith("data:image/")
