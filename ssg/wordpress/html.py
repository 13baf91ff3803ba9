"""Import: WordPress HTML -> Markdown. A WordPress clean-up pass on an lxml tree, then html2text.

The clean-up drops block comments, scripts and what cannot work in a static archive (forms,
menu toggles), expands shortcodes, turns footnotes, dropdowns and the more tag into what Markdown
can hold, and tidies emphasis. Then `blocks` sets aside what html2text would damage.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from ssg.wordpress.blocks import FOOTNOTE, put_blocks_back, set_blocks_aside
from ssg.wordpress.html2md import run_html2text, tree_to_markdown
from ssg.wordpress.shortcodes import expand_shortcodes
from ssg.wordpress.tree import has_class, remove_keeping_tail, walk

MAX_DEPTH = 1000  # libxml2 drops what lies deeper than a few thousand levels
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*?(/?)>")
_NOT_NESTING = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                "wbr", "p", "li"}  # void elements, and p and li, whose end tags are often left out
_FLATTENED = re.compile(r"</?(?!(?:a|img|br|pre|code|h[1-6])\b)[a-zA-Z][\w-]*[^>]*>")
_PARSER = lxml.html.HTMLParser(huge_tree=True, remove_comments=False)
# Every element is a plain HtmlElement (none of lxml.html's form classes, which the clean-up drops):
# lxml then picks the class in C instead of calling lxml.html's Python lookup for each element.
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity))
# Characters XML does not allow (most control characters), as themselves or as references like &#12;.
_NOT_XML_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NOT_XML_REFERENCE = re.compile(r"&#(?:0*([1-8]|1[124-9]|2\d|3[01]|6553[45])(?!\d)"
                                r"|[xX]0*([1-8bBcCeEfF]|1[0-9a-fA-F]|[fF]{3}[eEfF])(?![0-9a-fA-F]));?")
_OPENING_P = re.compile(r"<p[\s>]", re.IGNORECASE)
_CLOSING_P = re.compile(r"</p\s*>", re.IGNORECASE)
_MORE = re.compile(r"^more-\d+$")
# Interactive parts of a rendered page (login, search and comment forms, menu toggles) cannot work
# in a static archive; they are dropped with their labels.
_DROPPED_TAGS = {"script", "style", "noscript", "template", "svg", "form", "button", "input", "textarea",
                 "link", "meta"}
_DROPPED_CLASSES = {"comment-respond", "wp-block-post-comments-form", "screen-reader-shortcut"}
_EMPHASIS = {"strong", "b", "em", "i"}
_STRONG = {"strong", "b"}
_ITALIC = _EMPHASIS - _STRONG
# The elements _clean_element can change (by tag or attribute); the others (most: p, a, li) are not visited.
_CLEANED_TAGS = frozenset(_DROPPED_TAGS | _EMPHASIS | {"span", "select", "img", "ol", "ul"})
_CLEANED_ATTRIBUTES = frozenset({"class", "style", "hidden"})


@dataclass(slots=True)
class Converted:
    """A post body as Markdown, and what the conversion had to do that a person may want to know."""

    markdown: str
    notes: list[str] = field(default_factory=list)


def restore_paragraphs(html_text: str) -> tuple[str, bool]:
    """Put back opening <p> tags that a scraper lost (only `</p>` left); says whether it had to."""
    closing = len(_CLOSING_P.findall(html_text))
    if closing == 0 or len(_OPENING_P.findall(html_text)) >= closing:
        return html_text, False
    chunks = [chunk.strip() for chunk in _CLOSING_P.split(html_text)]
    return "\n".join(f"<p>{chunk}</p>" for chunk in chunks if chunk), True


def html_to_markdown(html_text: str) -> Converted:
    """Markdown for a post body: WordPress clean-up, blocks set aside, html2text, blocks put back."""
    notes: list[str] = []
    if not html_text.strip():
        return Converted("", notes)
    html_text = expand_shortcodes(html_text, notes)
    depth = nesting_depth(html_text) if html_text.count("<") > MAX_DEPTH else 0  # each level needs a "<"
    if depth > MAX_DEPTH:
        html_text = _FLATTENED.sub(" ", html_text)
        notes.append(f"its HTML was nested {depth} levels deep; layout elements were removed to keep the text")
    try:
        markdown = _convert(html_text)
    except ValueError:  # lxml refuses control characters when the clean-up gives text back to it
        markdown = _convert(without_control_characters(html_text))
    return Converted(markdown, notes)


def _convert(html_text: str) -> str:
    root = parse_fragment(html_text)
    clean_tree(root)
    blocks: list[str] = []
    set_blocks_aside(root, blocks)
    return put_blocks_back(tree_to_markdown(root), blocks)


def without_control_characters(html_text: str) -> str:
    """The HTML without the control characters that XML (and so lxml) does not allow; form feeds
    and the other whitespace ones become a space, as html2text reads them."""
    if _NOT_XML_CHARACTER.search(html_text):
        html_text = _NOT_XML_CHARACTER.sub(lambda found: " " if found.group(0).isspace() else "", html_text)
    if "&#" in html_text and _NOT_XML_REFERENCE.search(html_text):
        html_text = _NOT_XML_REFERENCE.sub(_reference_replacement, html_text)
    return html_text


def _reference_replacement(found: re.Match[str]) -> str:
    decimal, hexadecimal = found.groups()
    return " " if chr(int(decimal) if decimal else int(hexadecimal, 16)).isspace() else ""


def parse_fragment(html_text: str) -> lxml.html.HtmlElement:
    """lxml.html.fragment_fromstring(html_text, create_parent="div"), with the parent made by _PARSER.

    lxml.html makes the parent with its own parser, which moves the whole tree to a document whose
    elements get their class from lxml.html's Python lookup. Here the parsed <body> itself becomes
    the parent <div>: moving the elements to a new one would copy the tree over again.
    """
    elements = lxml.html.fragments_fromstring(html_text, parser=_PARSER)
    body = elements[-1].getparent() if elements and not isinstance(elements[-1], str) else None
    if body is None:  # text alone, or nothing
        root = _PARSER.makeelement("div")
        root.text = elements[0] if elements else None
        return root
    body.tag = "div"
    body.attrib.clear()
    body.tail = None
    if isinstance(elements[0], str):
        body.text = elements[0]
    else:
        body.text = None  # lxml.html drops leading whitespace
    return body


def nesting_depth(html_text: str) -> int:
    """How deep elements nest, roughly (void and self-closed tags do not count)."""
    depth = deepest = 0
    for closing, name, self_closed in _TAG.findall(html_text):
        if name.lower() in _NOT_NESTING:
            continue
        if closing:
            depth = max(0, depth - 1)
        elif not self_closed:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


# --- the WordPress clean-up pass ---

def clean_tree(root: lxml.html.HtmlElement) -> None:
    """Drop block comments and interactive parts; mark <!--more-->; unwrap what only styles."""
    for node in list(root.iter(etree.Comment)):
        text = (node.text or "").strip()
        if text in ("more", "nextpage") or text.startswith("more "):
            _replace_with_marker(node, f"<!--{text.split()[0]}-->")
    etree.strip_tags(root, etree.Comment, etree.ProcessingInstruction)  # the others go, their tails stay
    _footnotes(root)
    walk(root, _clean_element, _CLEANED_TAGS, _CLEANED_ATTRIBUTES)


def _footnotes(root: lxml.html.HtmlElement) -> None:
    """Gutenberg footnotes become Markdown footnotes: [^1] in the text, definitions at the list's place."""
    lists = [ol for ol in root.iter("ol") if "wp-block-footnotes" in (ol.get("class") or "").split()]
    if not lists:
        return
    numbers: dict[str, int] = {}
    definitions = []
    for item in (item for ol in lists for item in ol.iter("li") if item.get("id")):
        numbers[item.get("id")] = len(numbers) + 1
        for backlink in [a for a in item.iter("a") if (a.get("href") or "").endswith("-link")]:
            remove_keeping_tail(backlink)
        inner = html.escape(item.text or "", quote=False) + "".join(
            lxml.html.tostring(child, encoding="unicode") for child in item)
        text = run_html2text(inner).strip().replace("\n", "\n    ")
        definitions.append(f"[^{numbers[item.get('id')]}]: {text}")
    for sup in list(root.iter("sup")):
        link = sup.find("a")
        target = (link.get("href") or "")[1:] if link is not None else ""
        if target in numbers and len(sup) == 1:
            marker = etree.Element("span")
            marker.text = FOOTNOTE.format(numbers[target])
            marker.tail = sup.tail
            sup.getparent().replace(sup, marker)
    lists[0].getparent().replace(lists[0], _marker_paragraph("\n\n".join(definitions), lists[0].tail))
    for extra in lists[1:]:
        remove_keeping_tail(extra)


def _clean_element(element: lxml.html.HtmlElement) -> bool:
    tag = element.tag
    if tag in _DROPPED_TAGS or (len(element.attrib) and (has_class(element, _DROPPED_CLASSES) or _hidden(element))):
        remove_keeping_tail(element)
        return False
    if tag == "span" and _MORE.match(element.get("id", "")):
        _replace_with_marker(element, "<!--more-->")
        return False
    if tag == "select":
        _select_to_list(element)
        return False
    if tag == "img":
        _real_image_source(element)
    elif tag in ("ol", "ul") and element.get("start") == "":
        del element.attrib["start"]  # html2text fails on a bare <ol start>; an empty one means nothing
    elif tag in _EMPHASIS:
        return _tidy_emphasis(element)
    return True


def _tidy_emphasis(element: lxml.html.HtmlElement) -> bool:
    """Spaces move outside bold and italic, and empty ones go: html2text writes `** x**` otherwise."""
    text = element.text or ""
    if not text or text.isspace():  # only then can it be empty (most start with a word)
        content = element.text_content()
        if not content.strip() and element.find(".//img") is None:
            if content:
                element.tail = content + (element.tail or "")
            remove_keeping_tail(element)
            return False
    if _inside_same_emphasis(element):
        element.drop_tag()  # bold inside bold: html2text would close and reopen it
        return True
    if text[:1].isspace():
        element.text = text.lstrip()
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + " "
        else:
            parent = element.getparent()
            parent.text = (parent.text or "") + " "
    last = element[-1] if len(element) else None
    trailing = (last.tail if last is not None else element.text) or ""
    if trailing[-1:].isspace():
        if last is not None:
            last.tail = trailing.rstrip()
        else:
            element.text = trailing.rstrip()
        element.tail = " " + (element.tail or "")
    return True


def _inside_same_emphasis(element: lxml.html.HtmlElement) -> bool:
    # The nearest 40 ancestors; emphasis is mostly two or three levels down, where a loop of
    # getparent() is quicker than a tag-matching iterancestors().
    family = _STRONG if element.tag in _STRONG else _ITALIC
    ancestor, depth = element.getparent(), 0
    while ancestor is not None and depth < 40:
        if ancestor.tag in family:
            return True
        ancestor, depth = ancestor.getparent(), depth + 1
    return False


def _hidden(element: lxml.html.HtmlElement) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or element.get("hidden") is not None


def _replace_with_marker(node: etree._Element, marker: str) -> None:
    node.getparent().replace(node, _marker_paragraph(marker, node.tail))


def _marker_paragraph(block: str, tail: str | None) -> etree._Element:
    paragraph = etree.Element("p")
    paragraph.set("data-ssg-marker", block)  # set aside as a block like the others
    paragraph.tail = tail
    return paragraph


def _select_to_list(select: lxml.html.HtmlElement) -> None:
    """A dropdown (archives, categories) becomes a list; its links keep working without script."""
    items = etree.Element("ul")
    for option in select.iter("option"):
        text = " ".join(option.text_content().split())
        value = (option.get("value") or "").strip()
        if not text or not value:
            continue  # "Select Month": a prompt, not an entry
        item = etree.SubElement(items, "li")
        if value.startswith(("http://", "https://", "/")):
            link = etree.SubElement(item, "a", href=value)
            link.text = text
        else:
            item.text = text
    items.tail = select.tail
    select.getparent().replace(select, items)


def _real_image_source(image: lxml.html.HtmlElement) -> None:
    # Lazy-loading plugins put the image in data-src and a placeholder in src.
    lazy = image.get("data-lazy-src") or image.get("data-src") or image.get("data-orig-file")
    if lazy and (not image.get("src") or image.get("src", "").startswith("data:")):
        image.set("src", lazy)


