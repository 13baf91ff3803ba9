"""WordPress HTML -> Markdown: a WordPress clean-up pass, then html2text."""

from __future__ import annotations

import re

import html2text

_OPENING_P = re.compile(r"<p[\s>]", re.IGNORECASE)
_CLOSING_P = re.compile(r"</p\s*>", re.IGNORECASE)


def restore_paragraphs(html: str) -> tuple[str, bool]:
    """Put back opening <p> tags that a scraper lost (only `</p>` left); says whether it had to."""
    closing = len(_CLOSING_P.findall(html))
    if closing == 0 or len(_OPENING_P.findall(html)) >= closing:
        return html, False
    chunks = [chunk.strip() for chunk in _CLOSING_P.split(html)]
    return "\n".join(f"<p>{chunk}</p>" for chunk in chunks if chunk), True


def html_to_markdown(html: str) -> str:
    """Markdown for a post body, with long lines kept whole and unicode kept as is."""
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.unicode_snob = True
    converter.protect_links = True
    converter.wrap_links = False
    converter.single_line_break = False
    markdown = converter.handle(html)
    lines = [line.rstrip() for line in markdown.strip("\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"
