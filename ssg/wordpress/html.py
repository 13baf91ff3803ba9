"""Import: WordPress HTML -> Markdown. A clean-up pass on an lxml tree, then html2text.

What html2text gets wrong or Markdown cannot say is taken out of the tree first as a "block":
code (fenced, whitespace exact), tables (pipe tables only when they round-trip), figures with
captions, galleries, embeds, video, audio and iframes (kept as HTML blocks). Each block leaves a
placeholder paragraph that html2text passes through, and is put back in its place afterwards,
indented like the placeholder (inside a list item or a quote).
"""

from __future__ import annotations

import html
import re
from itertools import islice
from dataclasses import dataclass, field

import html2text
from html2text.utils import escape_md_section
import lxml.html
from lxml import etree

from ssg.wordpress.shortcodes import expand_shortcodes

MAX_DEPTH = 1000
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*?(/?)>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p", "li"}
_FLATTENED = re.compile(r"</?(?!(?:a|img|br|pre|code|h[1-6])\b)[a-zA-Z][\w-]*[^>]*>")
_PARSER = lxml.html.HTMLParser(huge_tree=True, remove_comments=False)
_OPENING_P = re.compile(r"<p[\s>]", re.IGNORECASE)
_CLOSING_P = re.compile(r"</p\s*>", re.IGNORECASE)
_TOKEN = "qqssgblock{}qq"
_FOOTNOTE = "qqssgfn{}qq"
_FOOTNOTE_TOKEN = re.compile(r"qqssgfn(\d+)qq")
_TOKEN_LINE = re.compile(r"^(.*?)qqssgblock(\d+)qq[ \t]*$", re.MULTILINE)
_MORE = re.compile(r"^more-\d+$")

# Interactive parts of a rendered page (login, search and comment forms, menu toggles) cannot work
# in a static archive; they are dropped with their labels.
_DROPPED_TAGS = {"script", "style", "noscript", "template", "svg", "form", "button", "input", "textarea",
                 "link", "meta"}
_DROPPED_CLASSES = {"comment-respond", "wp-block-post-comments-form", "screen-reader-shortcut"}
_INLINE_HTML = {"sup", "sub", "mark", "u", "ins", "del", "s", "strike", "kbd", "abbr", "small", "cite", "q",
                "var", "samp", "big", "tt", "acronym", "time", "bdi", "bdo", "dfn"}
_EMPHASIS = {"strong", "b", "em", "i"}
_STRONG = {"strong", "b"}
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
_CELL_BLOCK_TAGS = {"ul", "ol", "pre", "table", "div", "blockquote", "figure", "dl", "h1", "h2", "h3",
                    "h4", "h5", "h6", "hr", "video", "audio", "iframe", "p", "details"}


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
    depth = nesting_depth(html_text)
    if depth > MAX_DEPTH:  # libxml2 drops what lies deeper than a few thousand levels
        html_text = _FLATTENED.sub(" ", html_text)
        notes.append(f"its HTML was nested {depth} levels deep; layout elements were removed to keep the text")
    root = lxml.html.fragment_fromstring(html_text, create_parent="div", parser=_PARSER)
    clean_tree(root)
    blocks: list[str] = []
    set_blocks_aside(root, blocks)
    markdown = run_html2text(lxml.html.tostring(root, encoding="unicode"))
    return Converted(put_blocks_back(markdown, blocks), notes)


def nesting_depth(html_text: str) -> int:
    """How deep elements nest, roughly (void and self-closed tags do not count)."""
    depth = deepest = 0
    for closing, name, self_closed in _TAG.findall(html_text):
        if name.lower() in _VOID:
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
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        text = (node.text or "").strip() if isinstance(node, etree._Comment) else ""
        if text in ("more", "nextpage") or text.startswith("more "):
            _replace_with_marker(node, f"<!--{text.split()[0]}-->")
        else:
            _remove_keeping_tail(node)
    _footnotes(root)
    walk(root, _clean_element)


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
            _remove_keeping_tail(backlink)
        inner = html.escape(item.text or "", quote=False) + "".join(
            lxml.html.tostring(child, encoding="unicode") for child in item)
        text = run_html2text(inner).strip().replace("\n", "\n    ")
        definitions.append(f"[^{numbers[item.get('id')]}]: {text}")
    for sup in list(root.iter("sup")):
        link = sup.find("a")
        target = (link.get("href") or "")[1:] if link is not None else ""
        if target in numbers and len(sup) == 1:
            marker = etree.Element("span")
            marker.text = _FOOTNOTE.format(numbers[target])
            marker.tail = sup.tail
            sup.getparent().replace(sup, marker)
    lists[0].getparent().replace(lists[0], _marker_paragraph("\n\n".join(definitions), lists[0].tail))
    for extra in lists[1:]:
        _remove_keeping_tail(extra)


def walk(root: lxml.html.HtmlElement, visit) -> None:
    """Visit every element below root in document order, without recursion (posts can nest deeply).

    `visit` returns False when it removed or replaced the element: its children are then skipped.
    """
    stack = [child for child in reversed(root) if isinstance(child.tag, str)]
    while stack:
        element = stack.pop()
        children = [child for child in reversed(element) if isinstance(child.tag, str)]
        if visit(element):
            stack.extend(children)


def _clean_element(element: lxml.html.HtmlElement) -> bool:
    if element.tag in _DROPPED_TAGS or _has_class(element, _DROPPED_CLASSES) or _hidden(element):
        _remove_keeping_tail(element)
        return False
    if element.tag == "span" and _MORE.match(element.get("id", "")):
        _replace_with_marker(element, "<!--more-->")
        return False
    if element.tag == "select":
        _select_to_list(element)
        return False
    if element.tag == "img":
        _real_image_source(element)
    elif element.tag in _EMPHASIS:
        return _tidy_emphasis(element)
    return True


def _tidy_emphasis(element: lxml.html.HtmlElement) -> bool:
    """Spaces move outside bold and italic, and empty ones go: html2text writes `** x**` otherwise."""
    if not element.text_content().strip() and element.find(".//img") is None:
        if element.text_content():
            element.tail = element.text_content() + (element.tail or "")
        _remove_keeping_tail(element)
        return False
    family = _STRONG if element.tag in _STRONG else _EMPHASIS - _STRONG
    if any(ancestor.tag in family for ancestor in islice(element.iterancestors(), 40)):
        element.drop_tag()  # bold inside bold: html2text would close and reopen it
        return True
    text = element.text or ""
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


def _has_class(element: lxml.html.HtmlElement, names: set[str]) -> bool:
    return bool(names.intersection((element.get("class") or "").split()))


def _hidden(element: lxml.html.HtmlElement) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or element.get("hidden") is not None


def _remove_keeping_tail(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail or ""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)


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


# --- blocks set aside before html2text ---

def set_blocks_aside(root: lxml.html.HtmlElement, blocks: list[str]) -> None:
    """Replace each element that html2text would damage by a placeholder paragraph."""

    def visit(element: lxml.html.HtmlElement) -> bool:
        block = element.get("data-ssg-marker") or _block_for(element)
        if block is None:
            return True
        _park(element, block, blocks)
        return False

    walk(root, visit)


def _block_for(element: lxml.html.HtmlElement) -> str | None:
    tag = element.tag
    classes = set((element.get("class") or "").split())
    if tag == "pre":
        return code_block(element)
    if tag == "table":
        return pipe_table(element) or html_block(element)
    if tag in ("figure", "div") and (classes & {"wp-block-gallery", "gallery", "tiled-gallery", "blocks-gallery-grid"}):
        return html_block(element)
    if tag == "figure" or (tag == "div" and "wp-caption" in classes):
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
    for item in top.iter("li"):
        paragraphs = [child for child in item if child.tag == "p"]
        if len(paragraphs) > 1 or (paragraphs and (item.text or "").strip()):
            return False
        for paragraph in paragraphs:
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
        return (_escape_text(escape_md_section(text)) if _NEEDS_ESCAPE.search(text) else text).replace("|", "\\|")
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
        _remove_keeping_tail(node)
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


# --- html2text and after ---

class _Converter(html2text.HTML2Text):
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
            if _NEEDS_ESCAPE.search(data):  # most text needs none: one search instead of six passes
                data = _escape_text(escape_md_section(data, snob=False))
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


_NEEDS_ESCAPE = re.compile(r"[\\*`\[\]<_~&]|^\s*(?:\d+\.(?=\s)|[+-](?=[\s-])|[#>=])")


def _escape_text(data: str) -> str:
    data = _SYNTAX.sub(r"\\\1", data)
    stripped = data.lstrip()
    if stripped.startswith(("#", ">", "=")):
        data = data[: len(data) - len(stripped)] + "\\" + stripped
    return data


def run_html2text(html_text: str) -> str:
    """html2text on cleaned HTML, with trailing spaces removed except those that make a line break."""
    markdown = _Converter().handle(html_text)
    lines = []
    for line in markdown.split("\n"):
        stripped = line.rstrip()
        if stripped and line.endswith("  ") and not stripped.endswith("\\"):
            stripped += "\\"  # html2text writes <br> as two trailing spaces, which editors strip
        lines.append(stripped)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _space_out_tokens(markdown: str) -> str:
    # A block needs a blank line before and after it: an HTML block runs on to the next blank line.
    lines = markdown.split("\n")
    spaced: list[str] = []
    for number, line in enumerate(lines):
        token = _TOKEN_LINE.match(line)
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
    """Each placeholder line becomes its block, every line prefixed like the placeholder was."""

    def block(match: re.Match[str]) -> str:
        prefix = match.group(1)
        lines = blocks[int(match.group(2))].split("\n")
        # inside a quote every line repeats the "> "; elsewhere lines line up under the first
        continuation = prefix if set(prefix) <= {">", " "} else " " * len(prefix)
        first = prefix + lines[0]
        rest = [(continuation + line) if line else continuation.rstrip() for line in lines[1:]]
        return "\n".join([first, *rest])

    markdown = _TOKEN_LINE.sub(block, _FOOTNOTE_TOKEN.sub(r"[^\1]", _space_out_tokens(markdown))).strip("\n")
    return markdown + "\n" if markdown else ""
