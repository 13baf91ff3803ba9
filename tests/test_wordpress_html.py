"""HTML -> Markdown cases from fixture files (markdown-it-py's format), and what ssg renders of them."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from ssg.markdown import make_markdown, render_markdown
from ssg.wordpress.html import html_to_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "wordpress-html"


def read_cases(path: Path) -> list[tuple[str, str, str]]:
    """(title, html, markdown) triples: a title line, then three '.' lines around HTML and Markdown."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cases, index = [], 0
    while index < len(lines):
        if lines[index].strip() and index + 1 < len(lines) and lines[index + 1] == ".":
            title, parts, index = lines[index], [[], []], index + 2
            for part in parts:
                while lines[index] != ".":
                    part.append(lines[index])
                    index += 1
                index += 1
            cases.append((title, "\n".join(parts[0]), "\n".join(parts[1])))
        else:
            index += 1
    return cases


CASES = [pytest.param(html, markdown, id=f"{path.stem}: {title}")
         for path in sorted(FIXTURES.glob("*.txt")) for title, html, markdown in read_cases(path)]


def test_every_family_has_cases():
    families = {path.stem for path in FIXTURES.glob("*.txt")}
    assert {"captions", "galleries", "embeds", "media", "tables", "code", "lists", "footnotes", "blocks", "text"} <= families
    assert len(CASES) >= 35


@pytest.mark.parametrize(("html", "markdown"), CASES)
def test_conversion(html, markdown):
    assert html_to_markdown(html).markdown.rstrip("\n") == markdown


def test_html_blocks_render_as_html_not_text():
    html = (FIXTURES / "embeds.txt").read_text(encoding="utf-8")
    rendered = render_markdown(make_markdown(), html_to_markdown(html).markdown)
    assert "&lt;figure" not in rendered and "wp-block-embed__wrapper" in rendered


def test_code_inside_a_quote_stays_inside_it_with_its_blank_line():
    markdown = html_to_markdown("<blockquote><p>Said:</p><pre>a\n\nb</pre></blockquote>").markdown
    rendered = render_markdown(make_markdown(), markdown)
    assert rendered.count("<blockquote>") == 1
    assert html.unescape(rendered.split("<pre>")[1].split("</pre>")[0]) == "a\n\nb"


def test_control_characters_inside_the_text_are_dropped_and_the_rest_converted():
    # lxml refuses them when the clean-up moves text around (here: the spaces of the emphasis).
    html = "<p>Form\x0cfeed, <em>\x01bold </em>and&#1; <strong>&#x0c;</strong>end</p>"
    assert html_to_markdown(html).markdown == "Form feed, *bold* and end\n"


def test_deep_nesting_neither_crashes_nor_loses_the_text():
    html = "<div>" * 20000 + "deep text" + "</div>" * 20000
    assert html_to_markdown(html).markdown.strip() == "deep text"


def test_a_ten_megabyte_post_is_converted_whole():
    paragraph = "<p>" + " ".join(f"word{i} <a href='https://example.org/{i}'>link</a>" for i in range(40)) + "</p>\n"
    html = paragraph * (10_000_000 // len(paragraph))
    markdown = html_to_markdown(html).markdown
    assert markdown.count("](<https://example.org/39>)") == 10_000_000 // len(paragraph)
