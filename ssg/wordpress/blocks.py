"""Import: the parts of a post that html2text would damage, set aside as finished Markdown blocks.

Code becomes a fenced block with its exact text; a table a pipe table when that loses nothing;
figures with captions, galleries, embeds, media, lists and quotes html2text cannot nest stay as
CommonMark HTML blocks. Each leaves a placeholder paragraph that html2text passes through, and
is put back in its place afterwards, prefixed like the placeholder (inside a quote).
"""

from __future__ import annotations

import html
import re

import lxml.html
from lxml import etree

from html2text.utils import escape_md_section

from ssg.wordpress.html2md import escape_text, needs_escape, run_html2text
from ssg.wordpress.tree import remove_keeping_tail, walk

_TOKEN = "qqssgblock{}qq"
FOOTNOTE = "qqssgfn{}qq"  # a footnote reference, made [^N] when blocks are put back
_FOOTNOTE_TOKEN = re.compile(r"qqssgfn(\d+)qq")
_TOKEN_LINE = re.compile(r"^(.*?)qqssgblock(\d+)qq[ \t]*$", re.MULTILINE)
_MEDIA_TAGS = {"video", "audio", "iframe", "object", "embed"}
_HTML_BLOCK_TAGS = {"dl", "details", "address"}
# Attributes worth keeping in an HTML block; the rest (style, data-*, aria-*, ids) is presentation.
_KEPT_ATTRIBUTES = {
    "href", "src", "srcset", "sizes", "alt", "title", "width", "height", "class", "poster", "controls",
    "loop", "muted", "preload", "type", "media", "kind", "srclang", "label", "default", "allowfullscreen",
    "colspan", "rowspan", "scope", "headers", "start", "reversed", "value", "datetime", "cite", "open",
    "data", "lang", "dir",
}
_CODE_LANGUAGE = re.compile(r"(?:^|\s)(?:language|lang)-([\w+#.-]+)|brush:\s*([\w+#.-]+)")
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_VOID_END = re.compile(r"</(?:source|track|wbr)>")
_NEWLINE_IN_PRE = "\ue000"  # stands for a newline that must not form a blank line in an HTML block
# CommonMark HTML blocks of type 6 may start with these tags; other tags must be alone on their line.
_BLOCK_START_TAGS = {
    "address", "article", "aside", "blockquote", "details", "dialog", "div", "dl", "figure", "footer",
    "header", "nav", "ol", "p", "section", "table", "ul", "iframe", "h1", "h2", "h3", "h4", "h5", "h6",
}
_LIST_BREAKERS = {"div", "blockquote", "pre", "table", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "dl",
                  "details", "video", "audio", "iframe", "object", "hr", "article", "section", "footer",
                  "header", "nav", "aside", "address", "select"}
_QUOTE_BREAKERS = _LIST_BREAKERS - {"blockquote"} | {"ul", "ol"}
# The elements _block_for can set aside, and the clean-up's markers; the others are not visited.
_CANDIDATE_TAGS = frozenset({"pre", "table", "figure", "div", "ul", "ol", "blockquote"} | _MEDIA_TAGS | _HTML_BLOCK_TAGS)
_MARKER_ATTRIBUTES = frozenset({"data-ssg-marker"})
_CELL_BLOCK_TAGS = {"ul", "ol", "pre", "table", "div", "blockquote", "figure", "dl", "h1", "h2", "h3",
                    "h4", "h5", "h6", "hr", "video", "audio", "iframe", "p", "details"}


def set_blocks_aside(root: lxml.html.HtmlElement, blocks: list[str]) -> None:
    """Replace each element that html2text would damage by a placeholder paragraph."""

    def visit(element: lxml.html.HtmlElement) -> bool:
        block = element.get("data-ssg-marker") or _block_for(element)
        if block is None:
            return True
        _park(element, block, blocks)
        return False

    walk(root, visit, _CANDIDATE_TAGS, _MARKER_ATTRIBUTES)


def _block_for(element: lxml.html.HtmlElement) -> str | None:
    tag = element.tag
    if tag == "pre":
        return code_block(element)
    if tag == "table":
        return pipe_table(element) or html_block(element)
    classes = set((element.get("class") or "").split()) if tag in ("figure", "div") else set()
    if classes & {"wp-block-gallery", "gallery", "tiled-gallery", "blocks-gallery-grid"}:
        return html_block(element)
    if tag == "figure" or "wp-caption" in classes:
        if "wp-block-embed" in classes:
            return embed_block(element)
        has_caption = element.find(".//figcaption") is not None or any(
            "wp-caption-text" in (caption.get("class") or "") for caption in element.iter("p", "div"))
        has_media = any(True for _ in element.iter(*_MEDIA_TAGS))
        tables = element.findall(".//table")
        if tables and not has_caption:
            return None  # the table inside is handled on its own
        if has_caption or has_media:
            return html_block(element)
        return None
    if tag in ("ul", "ol") and (element.getparent() is None or element.getparent().tag != "li"):
        return None if _markdown_list(element) else html_block(element)
    if tag == "blockquote" and any(isinstance(d.tag, str) and d.tag in _QUOTE_BREAKERS for d in element.iterdescendants()):
        return html_block(element)  # html2text splits a quote around lists and code
    if tag in _MEDIA_TAGS or tag in _HTML_BLOCK_TAGS:
        return html_block(element)
    return None


def _markdown_list(top: lxml.html.HtmlElement) -> bool:
    """True when html2text can write this list: items hold text and nested lists, at most one <p>.

    html2text ends a list item at its first block (a second paragraph, code, a quote), so such a
    list stays HTML. A single <p> in an item is unwrapped.
    """
    for descendant in top.iterdescendants():
        if isinstance(descendant.tag, str) and descendant.tag in _LIST_BREAKERS:
            return False
    paragraphs = [[child for child in item if child.tag == "p"] for item in top.iter("li")]
    if any(len(found) > 1 or (found and (found[0].getparent().text or "").strip()) for found in paragraphs):
        return False
    for found in paragraphs:
        for paragraph in found:
            paragraph.drop_tag()
    return True


def _park(element: lxml.html.HtmlElement, block: str, blocks: list[str]) -> None:
    paragraph = etree.Element("p")
    paragraph.text = _TOKEN.format(len(blocks))
    paragraph.tail = element.tail
    blocks.append(block)
    element.getparent().replace(element, paragraph)


def code_block(pre: lxml.html.HtmlElement) -> str:
    """A <pre> as a fenced code block with its exact text; as HTML when it holds links or markup."""
    if any(child.tag not in ("code", "span", "br", "b", "strong", "i", "em") for child in pre.iterdescendants()
           if isinstance(child.tag, str)) or pre.find(".//a") is not None \
            or (pre.find(".//code") is None and any(True for _ in pre.iter("b", "strong", "i", "em"))):
        return html_block(pre)
    for line_break in list(pre.iter("br")):
        line_break.tail = "\n" + (line_break.tail or "")
    text = pre.text_content()
    text = text[1:] if text.startswith("\n") else text  # HTML drops the newline right after <pre>
    text = text.replace("\r\n", "\n")
    classes = " ".join(filter(None, [pre.get("class"), *(code.get("class") or "" for code in pre.iter("code"))]))
    found = _CODE_LANGUAGE.search(classes)
    language = (found.group(1) or found.group(2)) if found else ""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip(chr(10))}\n{fence}"


def pipe_table(table: lxml.html.HtmlElement) -> str | None:
    """A Markdown pipe table, or None when one would lose something (spans, captions, blocks, no header)."""
    if table.find(".//table") is not None or table.find("caption") is not None or table.find("tfoot") is not None:
        return None
    parent = table.getparent()
    if parent is not None and parent.tag == "figure" and parent.find("figcaption") is not None:
        return None
    rows = [row for row in table.iter("tr")]
    if not rows:
        return None
    cells = [[cell for cell in row if isinstance(cell.tag, str) and cell.tag in ("td", "th")] for row in rows]
    width = len(cells[0])
    if width == 0 or any(len(row) != width for row in cells):
        return None
    for row in cells:
        for cell in row:
            if cell.get("colspan", "1") not in ("", "1") or cell.get("rowspan", "1") not in ("", "1"):
                return None
            if any(child.tag in _CELL_BLOCK_TAGS for child in cell.iterdescendants() if isinstance(child.tag, str)):
                return None
    header_rows = table.findall("thead/tr")
    if len(header_rows) > 1:
        return None
    if not header_rows and not all(cell.tag == "th" for cell in cells[0]):
        return None  # Markdown tables need a header row; this one has none
    if any(cell.tag == "th" for row in cells[1:] for cell in row):
        return None
    lines = []
    for number, row in enumerate(cells):
        lines.append("| " + " | ".join(_cell_markdown(cell) for cell in row) + " |")
        if number == 0:
            lines.append("|" + "|".join(_alignment(cell) for cell in row) + "|")
    return "\n".join(lines)


def _cell_markdown(cell: lxml.html.HtmlElement) -> str:
    if len(cell) == 0:  # text only, the usual case: no need to run html2text
        text = " ".join((cell.text or "").split())
        return (escape_text(escape_md_section(text)) if needs_escape(text) else text).replace("|", "\\|")
    inner = (cell.text and html.escape(cell.text, quote=False) or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in cell)
    markdown = run_html2text(inner).strip()
    markdown = re.sub(r" *\n+ *", "<br>", markdown)
    return markdown.replace("|", "\\|")


def _alignment(cell: lxml.html.HtmlElement) -> str:
    style = (cell.get("style") or "") + " " + (cell.get("class") or "") + " " + (cell.get("align") or "")
    if "center" in style:
        return ":---:"
    if "right" in style:
        return "---:"
    return "---"


def embed_block(figure: lxml.html.HtmlElement) -> str:
    """An embed block: the player when WordPress rendered one, else the embedded URL as a link."""
    wrapper = figure.find(".//div[@class]")
    if wrapper is not None and "wp-block-embed__wrapper" in wrapper.get("class", "") \
            and not any(True for _ in wrapper.iter(*_MEDIA_TAGS)):
        url = " ".join(wrapper.text_content().split())
        if url.startswith(("http://", "https://")) and len(wrapper) == 0:
            wrapper.text = None
            link = etree.SubElement(wrapper, "a", href=url)
            link.text = url
    return html_block(figure)


def html_block(element: lxml.html.HtmlElement) -> str:
    """An element as a CommonMark HTML block: presentation attributes dropped, no blank lines inside."""
    for node in list(element.iter(etree.Comment)):
        remove_keeping_tail(node)
    for descendant in element.iter():
        if not isinstance(descendant.tag, str):
            continue
        for name in list(descendant.attrib):
            if name not in _KEPT_ATTRIBUTES:
                del descendant.attrib[name]
        if descendant.tag == "pre":
            for node in descendant.iter():
                node.text = _protect_newlines(node.text)
                if node is not descendant:
                    node.tail = _protect_newlines(node.tail)
        if descendant.tag in ("video", "audio") and descendant.get("controls") is None:
            descendant.set("controls", "controls")
    tail, element.tail = element.tail, None
    text = lxml.html.tostring(element, encoding="unicode").strip()
    element.tail = tail
    text = _BLANK_LINES.sub("\n", text).replace(_NEWLINE_IN_PRE, "&#10;")
    text = _VOID_END.sub("", text)
    if element.tag not in _BLOCK_START_TAGS and element.tag != "pre":
        end = text.find(">") + 1
        text = text[:end] + "\n" + text[end:]  # an open tag alone on its line starts an HTML block
    return text


def _protect_newlines(text: str | None) -> str | None:
    # A blank line would end the HTML block: the newline that ends a blank line becomes &#10;.
    if not text or "\n" not in text:
        return text
    return re.sub(r"(?<=\n)([ \t]*)\n", lambda match: match.group(1) + _NEWLINE_IN_PRE,
                  text.replace(_NEWLINE_IN_PRE, ""))


def _space_out_tokens(markdown: str) -> str:
    # A block needs a blank line before and after it: an HTML block runs on to the next blank line.
    lines = markdown.split("\n")
    spaced: list[str] = []
    for number, line in enumerate(lines):
        token = _TOKEN_LINE.match(line) if "qqssgblock" in line else None  # the regex alone is slow
        if token:
            blank = token.group(1).rstrip() if set(token.group(1)) <= {">", " "} else ""
            if spaced and spaced[-1].strip(" >"):
                spaced.append(blank)
            spaced.append(line)
            if number + 1 < len(lines) and lines[number + 1].strip(" >"):
                spaced.append(blank)
        else:
            spaced.append(line)
    return "\n".join(spaced)


def put_blocks_back(markdown: str, blocks: list[str]) -> str:
    """Each placeholder line becomes its block; inside a quote, every line of it gets the "> "."""

    def block(match: re.Match[str]) -> str:
        prefix, number = match.group(1), int(match.group(2))
        if number >= len(blocks):
            return match.group(0)  # the post's own text happens to look like a placeholder
        lines = blocks[number].split("\n")
        return "\n".join((prefix + line) if line else prefix.rstrip() for line in lines)

    lines = _FOOTNOTE_TOKEN.sub(r"[^\1]", _space_out_tokens(markdown)).split("\n")
    markdown = "\n".join(_TOKEN_LINE.sub(block, line) if "qqssgblock" in line else line for line in lines).strip("\n")
    return markdown + "\n" if markdown else ""
