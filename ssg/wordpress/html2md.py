"""Import: html2text with ssg's settings. Text that Markdown would read as syntax is escaped, and
inline tags Markdown lacks (sup, sub, mark, kbd, abbr, del...) are kept as inline HTML.
"""

from __future__ import annotations

import html
import re

import html2text
from html2text.utils import escape_md_section

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

    def handle_data(self, data: str, entity_char: bool = False) -> None:
        if data and not self.code and not self.pre:
            if NEEDS_ESCAPE.search(data):  # most text needs none: one search instead of six passes
                data = escape_text(escape_md_section(data, snob=False))
            entity_char = True  # tells html2text the text is escaped already
        super().handle_data(data, entity_char)


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


_SYNTAX = re.compile(r"([*`\[\]<]|~(?=~)|(?<=~)~|&(?=#?\w+;)|(?<!\w)_|_(?!\w))")
NEEDS_ESCAPE = re.compile(r"[\\*`\[\]<_~&]|^\s*(?:\d+\.(?=\s)|[+-](?=[\s-])|[#>=])")


def escape_text(data: str) -> str:
    """Backslash-escape what CommonMark would read as emphasis, code, links, HTML or a block marker."""
    data = _SYNTAX.sub(r"\\\1", data)
    stripped = data.lstrip()
    if stripped.startswith(("#", ">", "=")):
        data = data[: len(data) - len(stripped)] + "\\" + stripped
    return data


def run_html2text(html_text: str) -> str:
    """html2text on cleaned HTML, with trailing spaces removed except those that make a line break."""
    markdown = Converter().handle(html_text)
    lines = []
    for line in markdown.split("\n"):
        stripped = line.rstrip()
        if stripped and line.endswith("  ") and not stripped.endswith("\\"):
            stripped += "\\"  # html2text writes <br> as two trailing spaces, which editors strip
        lines.append(stripped)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
