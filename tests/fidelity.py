"""Fidelity figures: how much of WordPress's rendered HTML survives import + ssg's own rendering.

Both sides are parsed the same way (lxml). What a static archive cannot run is left out of the
original before comparing: scripts, styles, SVG icons, forms and their controls (login, search,
comment forms), and what the page hides (display:none). Everything else counts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from urllib.parse import unquote

import lxml.html
from lxml import etree

from ssg.sanitize import sanitize_html

_PARSER = lxml.html.HTMLParser(huge_tree=True)
NOT_CONTENT = {"script", "style", "noscript", "template", "svg", "form", "button", "input", "textarea"}
NOT_CONTENT_CLASSES = {"comment-respond", "wp-block-post-comments-form"}
_WORD = re.compile(r"\w+")
_URL_ONLY = re.compile(r"^https?://\S+$")
SHORTCODE = re.compile(r"\[/?(?:caption|gallery|embed|audio|video|playlist|contact-form-7|vc_\w+|et_pb_\w+)\b[^\]]*\]")
LITERAL_TAG = re.compile(r"</?(?:p|div|span|a|img|figure|figcaption|ul|ol|li|table|tr|td|br|strong|em|h[1-6])\b[^>]*>")
MARKDOWN_AS_TEXT = re.compile(r"\*\*|__|\]\(|!\[|^#{1,6} |^\s*[*+-] |\\[*_`#\[\]]|^\|?\s*:?-{3,}", re.MULTILINE)
KINDS = ("links", "images", "headings", "list items", "blockquotes", "table cells", "pre blocks", "embeds")


@dataclass(slots=True)
class Figures:
    """Per-post recall of each kind of content (None: the original has none), and junk found."""

    words: float
    recall: dict[str, float | None] = field(default_factory=dict)
    junk: list[str] = field(default_factory=list)
    lost: dict[str, list[str]] = field(default_factory=dict)


def content_tree(html_text: str, sanitize: bool = False) -> lxml.html.HtmlElement:
    """Parse a fragment, with what cannot work in a static archive removed.

    `sanitize` passes the original through the archive's sanitizer too, so that a URL the archive
    refuses on purpose (`ttps://...`, `https://#`) is not counted as lost by the import.
    """
    root = lxml.html.fragment_fromstring(html_text or "<p></p>", create_parent="div", parser=_PARSER)
    for node in list(root.iter(etree.Comment)):
        _drop(node)
    doomed = [element for element in root.iter() if isinstance(element.tag, str) and (
        element.tag in NOT_CONTENT
        or NOT_CONTENT_CLASSES & set((element.get("class") or "").split())
        or "display:none" in (element.get("style") or "").replace(" ", "")
        or element.get("hidden") is not None
        or (element.tag == "option" and not (element.get("value") or "").strip()))]
    for element in doomed:
        _drop(element)
    if sanitize:
        return content_tree(sanitize_html(lxml.html.tostring(root, encoding="unicode")))
    return root


def _drop(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is None:
        return
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + (node.tail or "")
    else:
        parent.text = (parent.text or "") + (node.tail or "")
    parent.remove(node)


def _text(element: lxml.html.HtmlElement) -> str:
    # Without whitespace: "<p>a</p><cite>b</cite>" and its Markdown rendering differ only in spaces.
    return "".join(element.text_content().split())


def _pre_text(element: lxml.html.HtmlElement) -> str:
    for line_break in element.iter("br"):
        line_break.tail = "\n" + (line_break.tail or "")
    text = element.text_content()
    return (text[1:] if text.startswith("\n") else text).rstrip("\n")


def _url(value: str) -> str:
    return unquote(value.strip())


def inventory(root: lxml.html.HtmlElement) -> dict[str, list[str]]:
    """Everything the figures count, in document order."""
    found: dict[str, list[str]] = {kind: [] for kind in KINDS}
    found["links"] = [_url(a.get("href")) for a in root.iter("a") if a.get("href") is not None]
    found["images"] = [_url(img.get("src")) for img in root.iter("img") if img.get("src")]
    found["headings"] = [_text(h) for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    found["list items"] = [_text(li) for li in root.iter("li")]
    found["blockquotes"] = [_text(q) for q in root.iter("blockquote")]
    found["table cells"] = [_text(cell) for cell in root.iter("td", "th")]
    found["pre blocks"] = [_pre_text(pre) for pre in root.iter("pre")]
    embeds = [_url(media.get("src")) for media in root.iter("iframe", "video", "audio", "source", "embed")
              if media.get("src")]
    embeds += [_url(obj.get("data")) for obj in root.iter("object") if obj.get("data")]
    for element in root.iter("div", "p"):
        text = _text(element)
        is_wrapper = "wp-block-embed__wrapper" in (element.get("class") or "")
        if (is_wrapper or element.tag == "p") and _URL_ONLY.match(text):
            embeds.append(_url(text))
    found["embeds"] = embeds
    return found


_BLOCKS = ("p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr",
           "td", "th", "figure", "figcaption", "dl", "dt", "dd", "section", "article", "header", "footer", "nav",
           "aside", "details", "summary", "br", "hr", "option", "caption", "address")


def words(root: lxml.html.HtmlElement) -> list[str]:
    """The words of a tree in reading order; block boundaries separate words as a browser shows them."""
    for block in root.iter(*_BLOCKS):
        block.text = " " + (block.text or "")
        block.tail = " " + (block.tail or "")
    return _WORD.findall(root.text_content())


def recall(expected: list[str], actual: list[str]) -> float | None:
    if not expected:
        return None
    have = Counter(actual)
    return sum((Counter(expected) & have).values()) / len(expected)


def word_recall(expected: list[str], actual: list[str]) -> float:
    if not expected:
        return 1.0
    matcher = SequenceMatcher(None, expected, actual, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(expected)


def visible_text(root: lxml.html.HtmlElement) -> str:
    """Text a reader sees outside code, where Markdown or HTML syntax would be junk."""
    root = lxml.html.fragment_fromstring(lxml.html.tostring(root, encoding="unicode"), parser=_PARSER)
    for code in list(root.iter("pre", "code", "kbd", "samp")):
        _drop(code)
    for block in root.iter("p", "li", "div", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "blockquote"):
        block.tail = "\n" + (block.tail or "")
    return root.text_content()


def compare(original_html: str, archived_html: str) -> Figures:
    """Figures for one post: the original rendered HTML against ssg's rendering of the import."""
    original = content_tree(original_html, sanitize=True)
    archived = content_tree(archived_html)
    have, want = inventory(archived), inventory(original)
    figures = Figures(words=word_recall(words(original), words(archived)))
    have["embeds"] = have["embeds"] + have["links"]  # an embed kept as a link to what was embedded counts
    for kind in KINDS:
        figures.recall[kind] = recall(want[kind], have[kind])
        missing = Counter(want[kind]) - Counter(have[kind])
        if missing:
            figures.lost[kind] = sorted(missing.elements())[:5]
    original_text, archived_text = visible_text(original), visible_text(archived)
    for name, pattern in (("shortcode", SHORTCODE), ("literal tag", LITERAL_TAG), ("markdown as text", MARKDOWN_AS_TEXT)):
        extra = Counter(pattern.findall(archived_text)) - Counter(pattern.findall(original_text))
        figures.junk += [f"{name}: {text!r}" for text in sorted(extra)]
    if "wp:" in archived_html and "<!-- wp:" in archived_html:
        figures.junk.append("a <!-- wp: --> comment")
    return figures
