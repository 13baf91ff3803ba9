"""Import: html2text with ssg's settings. Text that Markdown would read as syntax is escaped, and
inline tags Markdown lacks (sup, sub, mark, kbd, abbr, del...) are kept as inline HTML.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import html2text
import lxml.html
from html2text.utils import escape_md_section, hn
from lxml import etree

_INLINE_HTML = {"sup", "sub", "mark", "u", "ins", "del", "s", "strike", "kbd", "abbr", "small", "cite", "q",
                "var", "samp", "big", "tt", "acronym", "time", "bdi", "bdo", "dfn"}


class Converter(html2text.HTML2Text):
    """html2text with ssg's settings; text that Markdown would read as syntax is escaped."""

    def __init__(self) -> None:
        super().__init__(bodywidth=0)
        self.unicode_snob = True
        self.skip_internal_links = False  # WordPress's "#" links (footnotes, tables of contents) stay
        self.protect_links = True
        self.wrap_links = False
        self.wrap_list_items = False
        self.single_line_break = False
        self.ignore_tables = False
        self.tag_callback = _keep_inline_html
        self.emphasis_mark = "*"  # "_" does not work inside a word in CommonMark

    # Most text takes html2text's handle_data path step by step here (below); the test suite
    # turns this off to hold the two to the same output.
    follow_html2text_handle_data = False

    def handle_data(self, data: str, entity_char: bool = False) -> None:
        if not data or self.code or self.pre:
            super().handle_data(data, entity_char)
            return
        if needs_escape(data):  # one search instead of six passes
            data = escape_text(escape_md_section(data, snob=False))
        if self.follow_html2text_handle_data or self.style or self.quiet or self.abbr_data is not None:
            super().handle_data(data, True)  # True: the text is escaped already
            return
        # What html2text's handle_data and o(puredata=True) do with escaped text outside style
        # sheets and code, without the module-level re.sub and re.match, whose pattern cache
        # lookups cost more than the matching on these short strings, and a call layer.
        if self.stressed:
            data = data.strip()
            self.stressed = False
            self.preceding_stressed = True
        elif self.preceding_stressed:
            if _STRESS_FOLLOWER.match(data[0]) and not hn(self.current_tag) \
                    and self.current_tag not in ("a", "code", "pre"):
                data = " " + data
            self.preceding_stressed = False
        if self.maybe_automatic_link is not None:  # the link's first words
            href = self.maybe_automatic_link
            if href == data and self.absolute_url_matcher.match(href) and self.use_automatic_links:
                self.o("<" + data + ">")
                self.empty_link = False
                return
            self.o("[")
            self.maybe_automatic_link = None
            self.empty_link = False
        self.preceding_data = data
        if "  " in data or not data.isprintable():  # else no whitespace but single spaces
            data = _WHITESPACE.sub(" ", data)
        if data and data[0] == " ":
            self.space = True
            data = data[1:]
        if data:
            self.o(data)


def _keep_inline_html(converter: html2text.HTML2Text, tag: str, attrs: dict, start: bool) -> bool:
    if tag not in _INLINE_HTML:
        return False
    if start:
        kept = "".join(f' {name}="{html.escape(value)}"' for name, value in attrs.items()
                       if value is not None and name in ("title", "datetime", "cite"))
        converter.o(f"<{tag}{kept}>")
    else:
        converter.o(f"</{tag}>")
    return True


_WHITESPACE = re.compile(r"\s+")
_STRESS_FOLLOWER = re.compile(r"[^][(){}\s.!?]")  # html2text's: a space goes between ** and it
_BLANK_LINES = re.compile(r"\n\n\n+")  # not \n{3,}: a literal start lets the regex skip ahead, 8x faster
_SYNTAX = re.compile(r"([*`\[\]<]|~(?=~)|(?<=~)~|&(?=#?\w+;)|(?<!\w)_|_(?!\w))")
# Two regexes, not one with "|": a lone character class is searched for far faster (3x here).
_SYNTAX_CHARACTER = re.compile(r"[\\*`\[\]<_~&]")
_BLOCK_MARKER = re.compile(r"\s*(?:\d+\.(?=\s)|[+-](?=[\s-])|[#>=])")


def needs_escape(text: str) -> bool:
    """True when CommonMark could read something in the text as syntax (most text: no)."""
    return _SYNTAX_CHARACTER.search(text) is not None or _BLOCK_MARKER.match(text) is not None


def escape_text(data: str) -> str:
    """Backslash-escape what CommonMark would read as emphasis, code, links, HTML or a block marker."""
    data = _SYNTAX.sub(r"\\\1", data)
    stripped = data.lstrip()
    if stripped.startswith(("#", ">", "=")):
        data = data[: len(data) - len(stripped)] + "\\" + stripped
    return data


def run_html2text(html_text: str) -> str:
    """html2text on cleaned HTML, with trailing spaces removed except those that make a line break."""
    return _tidy(Converter().handle(html_text))


def _tidy(markdown: str) -> str:
    lines = []
    for line in markdown.split("\n"):
        stripped = line.rstrip()
        if stripped and line.endswith("  ") and not stripped.endswith("\\"):
            stripped += "\\"  # html2text writes <br> as two trailing spaces, which editors strip
        lines.append(stripped)
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


# --- driving html2text from an lxml tree ---
# The importer holds each post as an lxml tree. Writing it out for html2text's HTMLParser to read
# again took a third of the conversion, so the tree drives html2text directly: the same calls,
# with the same arguments, that HTMLParser makes for what lxml.html.tostring writes
# (tests/test_wordpress_html2md.py holds the two to that on every fixture).

# Elements lxml writes without an end tag and without their content: libxml2's empty elements.
_VOID = frozenset({"area", "base", "basefont", "br", "col", "frame", "hr", "img", "input", "isindex", "link",
                   "meta", "param"})
# Whether an empty one of these was written bare (None) or as name="" changes what html2text writes.
_EMPTY_MATTERS = frozenset({"href", "src", "title", "datetime", "cite", "start"})
# HTMLParser reads other names (from broken HTML) differently from how lxml writes them.
_PLAIN_TAG = re.compile(r"[a-zA-Z][-.a-zA-Z0-9:_]*\Z")
_COMMON_TAGS = frozenset({"p", "a", "strong", "em", "b", "i", "li", "ul", "ol", "span", "div", "br", "img", "code",
                          "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "cite", "sup", "sub", "hr"})  # plain
_PLAIN_NAME = re.compile(r"[^\s/<>=\"'\x00]+\Z")
_TEXT_ESCAPED = re.compile(r"([&<>])")  # written as &amp; &lt; &gt;: HTMLParser splits the text there
_URI_UNSAFE = re.compile(r"[\x00-\x20\x7f-\U0010ffff]+")


class _Unusual(Exception):
    """A tree not worth mirroring (script, style, names from broken HTML): it is serialised."""


def tree_to_markdown(root: etree._Element) -> str:
    """What `run_html2text(lxml.html.tostring(root))` returns, without writing and parsing the HTML again."""
    converter = Converter()
    try:
        _feed_tree(converter, root)
    except _Unusual:
        return run_html2text(lxml.html.tostring(root, encoding="unicode"))
    return _tidy(converter.finish())


def _feed_tree(converter: Converter, root: etree._Element) -> None:
    handle_tag, handle_data = converter.handle_tag, converter.handle_data
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, node in walker:  # comments and processing instructions: only their tails count
        tag = node.tag
        if event == "start":
            if tag not in _COMMON_TAGS and (tag in ("script", "style") or not _PLAIN_TAG.match(tag)):
                raise _Unusual  # lxml writes their text raw, and HTMLParser reads it raw
            items = node.items()
            handle_tag(tag, _attributes(node, items) if items else {}, True)
            if tag in _VOID:
                walker.skip_subtree()
                continue
            text = node.text
        else:
            if event == "end" and tag not in _VOID and (tag != "li" or len(node) or node.text is not None):
                handle_tag(tag, {}, False)  # lxml writes an empty <li> without its end tag
            text = node.tail
        if not text:
            continue
        if "&" in text or "<" in text or ">" in text:
            for piece in _TEXT_ESCAPED.split(text):
                if piece:
                    handle_data(piece)
        else:
            handle_data(text)


def _attributes(element: etree._Element, items: list[tuple[str, str]]) -> dict[str, str | None]:
    """The attributes as HTMLParser reads them back from what libxml2 writes (those html2text reads)."""
    attributes: dict[str, str | None] = {}
    for name, value in items:
        if not _PLAIN_NAME.match(name):
            raise _Unusual
        if not value and name in _EMPTY_MATTERS:
            # Written bare in the post (<a href>), lxml writes it bare again, and as href="" when it
            # was written so; lxml shows both as "". Rare: read the start tag as HTMLParser does.
            return _read_start_tag(element)
        if name == "href" or name == "src":
            # libxml2 writes URI attributes without leading blanks, with spaces and non-ASCII %-encoded.
            value = value.lstrip(" \t\n\r")
            if not value.isascii() or not value.isprintable() or " " in value:  # most URLs: none to encode
                value = _URI_UNSAFE.sub(_percent_encoded, value)
            attributes[name] = value
        else:
            attributes[name] = value
    return attributes


class _StartTagReader(HTMLParser):
    attributes: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes = dict(attrs)


def _read_start_tag(element: etree._Element) -> dict[str, str | None]:
    reader = _StartTagReader(convert_charrefs=False)
    reader.feed(lxml.html.tostring(element, encoding="unicode", with_tail=False).split(">", 1)[0] + ">")
    return reader.attributes


def _percent_encoded(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group(0).encode("utf-8"))
