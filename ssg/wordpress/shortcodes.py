"""Import: WordPress shortcodes that plugins left in `content.rendered`, turned into HTML or removed.

Only text outside <pre> and <code> is touched: a post about shortcodes shows them in code blocks.
"""

from __future__ import annotations

import html
import re

# Shortcodes that WordPress core and common plugins register. A bracketed word that is not one of
# these, and has no closing [/name], is ordinary text such as "[sic]" and is left alone.
KNOWN = {
    "caption", "wp_caption", "gallery", "playlist", "audio", "video", "embed", "youtube", "vimeo",
    "tweet", "googlemaps", "soundcloud", "gist", "instagram", "spotify", "dailymotion", "ted",
    "slideshare", "scribd", "contact-form", "contact-form-7", "wpforms", "gravityform", "ninja_form",
    "sourcecode", "source", "code", "php", "js", "css", "html", "python", "bash", "sql", "xml",
    "button", "box", "column", "columns", "row", "tabs", "tab", "accordion", "toggle", "quote",
    "pullquote", "divider", "spacer", "icon", "map", "wpvideo", "archives", "sitemap", "polldaddy",
    "recipe", "latex", "footnote", "fn", "ref", "references", "toc", "table", "ad", "adsense",
}
_FAMILY_PREFIXES = ("vc_", "et_pb_", "fusion_", "su_", "av_", "cs_", "mk_", "ux_", "tm_", "rev_")
_MEDIA = ("audio", "video", "embed", "youtube", "vimeo", "wpvideo", "soundcloud", "spotify", "dailymotion")
_PROTECTED = re.compile(r"(<pre\b.*?</pre\s*>|<code\b.*?</code\s*>|<script\b.*?</script\s*>)", re.IGNORECASE | re.DOTALL)
_OPEN = re.compile(r"\[(\[?)([a-zA-Z][\w-]*)((?:\s+[^\]]*?)?)(/?)\](\]?)")
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
_MEDIA_TAG = re.compile(r"</a\s*>|<img\b[^>]*>", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s\[\]<>\"']+")


def is_shortcode_name(name: str, closed: bool) -> bool:
    """True for a registered-looking shortcode; any name counts when a [/name] closes it."""
    lowered = name.lower()
    return closed or lowered in KNOWN or lowered.startswith(_FAMILY_PREFIXES)


def expand_shortcodes(text: str, notes: list[str]) -> str:
    """Turn known shortcodes into HTML, unwrap unknown paired ones, drop the rest (noted)."""
    if "[" not in text:
        return text
    parts = _PROTECTED.split(text)
    for index in range(0, len(parts), 2):  # even parts are outside <pre>/<code>
        if "[" in parts[index]:
            parts[index] = _expand(parts[index], notes)
    return "".join(parts)


def _expand(text: str, notes: list[str]) -> str:
    out: list[str] = []
    position = 0
    while True:
        match = _OPEN.search(text, position)
        if match is None:
            out.append(text[position:])
            return "".join(out)
        escaped_open, name, attributes, self_closing, escaped_close = match.groups()
        closing = f"[/{name}]"
        close_at = -1 if self_closing else text.find(closing, match.end())
        if escaped_open and escaped_close:  # [[name]] is WordPress's way to write a literal [name]
            out.append(text[position:match.start()] + match.group(0)[1:-1])
            position = match.end()
            continue
        if not is_shortcode_name(name, close_at >= 0):
            out.append(text[position:match.end()])
            position = match.end()
            continue
        inner = text[match.end():close_at] if close_at >= 0 else ""
        out.append(text[position:match.start()])
        out.append(_replace(name.lower(), _attributes(attributes), _expand(inner, notes), notes))
        position = close_at + len(closing) if close_at >= 0 else match.end()


def _attributes(text: str) -> dict[str, str]:
    found = {}
    for match in _ATTRIBUTE.finditer(html.unescape(text)):
        found[match.group(1).lower()] = next(value for value in match.groups()[1:] if value is not None)
    return found


def _replace(name: str, attributes: dict[str, str], inner: str, notes: list[str]) -> str:
    if name in ("caption", "wp_caption"):
        caption = attributes.get("caption", "")
        if not caption:  # [caption]<img ...> The caption text[/caption]
            media_end = max((m.end() for m in _MEDIA_TAG.finditer(inner)), default=0)
            if media_end and inner[media_end:].strip():
                caption, inner = inner[media_end:].strip(), inner[:media_end]
        align = attributes.get("align", "")
        figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
        return f'<figure class="wp-caption {html.escape(align)}">{inner.strip()}{figcaption}</figure>'
    if name in _MEDIA:
        url = attributes.get("src") or attributes.get("url") or attributes.get("mp3") or attributes.get("mp4")
        if not url:
            found = _URL.search(inner) or _URL.search(" ".join(attributes.values()))
            url = found.group(0) if found else ""
        if not url:
            notes.append(f"dropped an empty [{name}] shortcode")
            return inner
        if name == "audio":
            return f'<figure class="wp-block-audio"><audio controls src="{html.escape(url)}"></audio></figure>'
        if name in ("video", "wpvideo") and not url.startswith(("https://www.youtube", "https://youtu", "https://vimeo")):
            return f'<figure class="wp-block-video"><video controls src="{html.escape(url)}"></video></figure>'
        escaped = html.escape(url)
        return (f'<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">'
                f'<a href="{escaped}">{escaped}</a></div></figure>')
    if inner.strip():
        return inner
    notes.append(f"dropped the [{name}] shortcode, which only a WordPress plugin can render")
    return ""
