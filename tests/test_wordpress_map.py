"""Front matter per the shared contract, checked on the real-WordPress dump."""

from __future__ import annotations

import pytest
import yaml

from ssg import frontmatter


@pytest.fixture(scope="module")
def posts(imported_dump):
    found = {}
    for path in (imported_dump / "content").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        meta, body = frontmatter.split(text, path)
        found[meta["wordpress"]["id"]] = (path.relative_to(imported_dump / "content").as_posix(), meta, body, text)
    return found


def test_keys_are_in_the_contract_order(posts):
    _, meta, _, text = next(item for item in posts.values() if item[1]["slug"] == "comments")
    keys = [line.split(":")[0] for line in text.split("---\n")[1].splitlines() if line and not line.startswith((" ", "-"))]
    order = [key for key in frontmatter.KEY_ORDER if key in keys]
    assert keys == order and keys[-1] == "comments"


def test_dates_carry_the_offset_from_date_and_date_gmt(posts):
    offsets = {meta["date"][-6:] for _, meta, _, _ in posts.values()}
    assert "-07:00" in offsets and all(len(offset) == 6 and offset[0] in "+-" for offset in offsets)


def test_ambiguous_category_names_are_written_as_slug_paths(posts):
    _, meta, _, _ = next(item for item in posts.values() if item[1]["slug"] == "edge-case-many-categories")
    assert "media-2" in meta["categories"] and "Media" not in meta["categories"]
    assert "Parent Category/Child Category 03/Grandchild Category" in meta["categories"]


def test_terms_registry_lists_every_term_sorted_by_slug(imported_dump):
    terms = yaml.safe_load((imported_dump / "content/_data/terms.yml").read_text(encoding="utf-8"))
    assert len(terms["categories"]) == 74 and len(terms["tags"]) == 118 and len(terms["authors"]) == 3
    slugs = [term["slug"] for term in terms["categories"]]
    assert slugs == sorted(slugs)
    grandchild = next(term for term in terms["categories"] if term["name"] == "Grandchild Category")
    assert grandchild["parent"] == "child-category-03" and set(grandchild) == {"id", "slug", "name", "parent", "description", "link"}


def test_pages_nest_under_their_parents(posts):
    path, meta, _, _ = next(item for item in posts.values() if item[1]["slug"] == "level-3")
    assert path == "pages/level-1/level-2/level-3.md" and meta["url"] == "/level-1/level-2/level-3/"
    assert meta["kind"] == "page" and meta["aliases"][0] == f"/?page_id={meta['wordpress']['id']}"
    assert meta["wordpress"]["parent"]


def test_aliases_hold_the_plain_permalink_and_the_guid_path(posts):
    _, meta, _, _ = next(item for item in posts.values() if item[1]["slug"] == "author-biography")
    assert meta["aliases"] == ["/?p=280", "/author-biography/"]


def test_comments_are_threaded_with_pingbacks_marked(posts):
    _, meta, _, _ = next(item for item in posts.values() if item[1]["slug"] == "comments")
    comments = meta["comments"]
    ids = [comment["id"] for comment in comments]
    for comment in comments:
        if comment["parent"]:
            assert ids.index(comment["parent"]) < ids.index(comment["id"])
        assert set(comment) <= {"id", "parent", "author", "author_url", "date", "type", "body"}
        assert comment["body"].strip() and comment["date"][-6] in "+-"
    assert any(comment["parent"] for comment in comments)


def test_featured_images_sticky_format_and_status(posts):
    metas = [meta for _, meta, _, _ in posts.values()]
    assert any(meta.get("image", {}).get("src", "").startswith("http") for meta in metas)
    assert all(set(meta["image"]) <= {"src", "alt", "width", "height"} for meta in metas if "image" in meta)
    assert any(meta.get("sticky") is True for meta in metas)
    assert {meta.get("format") for meta in metas} >= {"gallery", "video", "aside"}
    assert "standard" not in {meta.get("format") for meta in metas}
    assert {meta.get("comment_status") for meta in metas} == {"open", "closed"}


def test_the_more_tag_is_kept_for_the_summary_split(posts):
    assert any("<!--more-->" in body for _, _, body, _ in posts.values())


def test_titles_with_markup_become_plain_text(posts):
    titles = {meta["title"] for _, meta, _, _ in posts.values()}
    assert "Markup: Title With Markup" in titles  # "Title <em>With</em> <b>Mark<sup>up</sup></b>"
    assert "Markup: Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:'\u201d?,.>" in titles
