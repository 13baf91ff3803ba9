"""Fidelity: import the real-WordPress dump and compare each post's rendered HTML with ssg's rendering.

The figures (recall of words in order, links, images, headings, list items, quotes, table cells,
code blocks and embeds, and junk left in the text) are printed as a table; run with -s to see it.
"""

from __future__ import annotations

import json

import pytest

from ssg import frontmatter
from ssg.markdown import make_markdown, render_markdown

from conftest import LOOPBACK_DUMP as DUMP
from fidelity import KINDS, compare


@pytest.fixture(scope="module")
def figures(imported_dump):
    bodies = {}
    for path in (imported_dump / "content").rglob("*.md"):
        meta, body = frontmatter.split(path.read_text(encoding="utf-8"), path)
        bodies[(meta["kind"], meta["wordpress"]["id"])] = body
    parser = make_markdown()
    found = {}
    for path in sorted(DUMP.glob("*.embed.*.json")):
        for record in json.loads(path.read_text(encoding="utf-8")):
            body = bodies[(record["type"], record["id"])]
            found[(record["type"], record["id"], record["slug"])] = compare(
                record["content"]["rendered"], render_markdown(parser, body))
    return found


def test_every_post_and_page_was_imported(figures):
    assert len(figures) == 117 + 22


def test_print_the_table_of_figures(figures):
    rows = [("words (in order)", [f.words for f in figures.values()])]
    rows += [(kind, [f.recall[kind] for f in figures.values() if f.recall[kind] is not None]) for kind in KINDS]
    print(f"\n{'':<18} {'posts':>5} {'mean':>7} {'min':>7}")
    for name, values in rows:
        print(f"{name:<18} {len(values):>5} {sum(values) / len(values):>7.4f} {min(values):>7.4f}")
    print(f"{'posts with junk':<18} {sum(1 for f in figures.values() if f.junk):>5}")
    assert all(len(values) for _, values in rows)


@pytest.mark.parametrize("kind", KINDS)
def test_mean_recall_of_each_kind_is_at_least_99_percent(figures, kind):
    values = [f.recall[kind] for f in figures.values() if f.recall[kind] is not None]
    lost = {key[2]: f.lost.get(kind) for key, f in figures.items() if f.recall[kind] is not None and f.recall[kind] < 1}
    assert sum(values) / len(values) >= 0.99, lost


def test_every_post_keeps_99_percent_of_its_words_in_order(figures):
    assert {key[2]: round(f.words, 3) for key, f in figures.items() if f.words < 0.99} == {}


def test_no_post_has_junk(figures):
    assert {key[2]: f.junk for key, f in figures.items() if f.junk} == {}


def test_the_figures_catch_lost_content_and_junk():
    original = ('<h2>Head</h2><p>One <a href="https://a.example/">link</a> and <img src="/i.png"></p>'
                '<ul><li>item</li></ul><pre>code</pre><figure class="wp-block-embed"><div '
                'class="wp-block-embed__wrapper">https://youtu.be/x</div></figure>')
    archived = "<p>Head</p><p>One link and **bold** [gallery]</p><p>&lt;p&gt;</p>"
    figures = compare(original, archived)
    assert figures.words < 1
    assert all(figures.recall[kind] == 0 for kind in ("links", "images", "headings", "list items", "pre blocks", "embeds"))
    assert {line.split(":")[0] for line in figures.junk} == {"shortcode", "literal tag", "markdown as text"}
