"""The two Markdown engines give the same HTML, byte for byte, on every document of the fixture corpus.

markdown-it-pyrs renders the build where it has a wheel; markdown-it-py (with mdit-py-plugins'
footnotes) is the fallback everywhere else, so an archive must not depend on which one ran.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ssg import frontmatter
from ssg.markdown import make_markdown, render_markdown

from conftest import FIXTURES, REPOSITORY

def corpus(imported_dump: Path) -> dict[str, str]:
    """Every body and comment of the imported real WordPress dump, the hand-written fixture sites,
    the repository's own content, and the expected Markdown of the HTML-to-Markdown fixtures."""
    documents: dict[str, str] = {}
    for root in (imported_dump / "content", FIXTURES / "contract-site" / "content", REPOSITORY / "content"):
        for path in sorted(root.rglob("*.md")):
            if "_sources" in path.parts:
                continue
            meta, body = frontmatter.split(path.read_text(encoding="utf-8"), path)
            documents[str(path)] = body
            for comment in meta.get("comments") or []:
                documents[f"{path} comment {comment.get('id')}"] = str(comment.get("body") or "")
    for path in sorted((FIXTURES / "wordpress-html").glob("*.txt")):
        cases = path.read_text(encoding="utf-8").split("\n.\n")
        for number, expected in enumerate(cases[2::3]):
            documents[f"{path} case {number}"] = expected
    return documents


def test_both_engines_give_the_same_bytes_on_the_whole_corpus(imported_dump):
    documents = corpus(imported_dump)
    assert len(documents) > 200
    fast, fallback = make_markdown("markdown-it-pyrs"), make_markdown("markdown-it-py")
    different = [name for name, text in documents.items() if fast.render(text + "\n") != fallback.render(text + "\n")]
    assert different == []


@pytest.mark.parametrize("text", [
    "| a | b |\n| --- | :-: |\n| 1 | ~~2~~ |\n",
    "Text[^note] and more[^2].\n\n[^note]: The note.\n[^2]: Another, with *emphasis*.\n",
    '<figure class="wp-block-embed"><iframe src="https://www.youtube.com/embed/x"></iframe></figure>\n',
    "* [link](https://example.org/a_b \"title\")\n* ![image](/x.jpg)\n\n1. one\n2. two\n",
    "```python\nprint('<hi>')\n```\n\n    indented\n\n> quote\n\n---\n\nline  \nbreak &amp; &copy;\n",
])
def test_both_engines_agree_on_what_import_writes(text):
    assert make_markdown("markdown-it-pyrs").render(text) == make_markdown("markdown-it-py").render(text)
    assert render_markdown(make_markdown("markdown-it-pyrs"), text) == render_markdown(make_markdown("markdown-it-py"), text)


@pytest.mark.parametrize("text", ["See [`foo bar for details.", "[ ` a lone backtick", '(";_:]^[^[', "a [link](/x) and `code"])
def test_text_that_panics_markdown_it_rs_is_rendered_like_everything_else(text):
    # markdown-it.rs 0.4 panics (a Rust index error) on an unclosed backtick after "[", and on some "^[".
    assert render_markdown(make_markdown("markdown-it-pyrs"), text) == render_markdown(make_markdown("markdown-it-py"), text)
