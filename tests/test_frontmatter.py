"""Front matter: what import dumps is exactly what build splits, for any title."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from ssg import frontmatter
from ssg.errors import SsgError

AWKWARD_TITLES = [
    "Title: with a colon",
    'He said "hello" and \'bye\'',
    "---",
    "--- not a fence",
    "...",
    "# not a comment",
    "Ελληνικά-Greek 新宿御苑 🙂",
    "yes",
    "null",
    "1984",
    "2023-12-03",
    "@mention & *star* [link] {brace}",
    "line\nbreak\n---\nstill the title",
    "  leading and trailing spaces  ",
    "Title <em>With</em> <b>Mark<sup>up</sup></b>",
]


@pytest.mark.parametrize("title", AWKWARD_TITLES)
def test_awkward_titles_survive_a_round_trip(title):
    meta = {"title": title, "date": "2023-12-03T02:14:58+00:00", "tags": ["a: b", "---"]}
    body = "\nFirst paragraph.\n\n---\n\nAfter a rule.\n"
    assert frontmatter.split(frontmatter.dump(meta, body), "post.md") == (meta, body)


@given(
    title=st.text(),
    tags=st.lists(st.text(max_size=20), max_size=4),
    body=st.text().map(lambda text: text.replace("\r", "") + "\n"),
)
def test_any_text_survives_a_round_trip(title, tags, body):
    meta = {"title": title, "tags": tags}
    assert frontmatter.split(frontmatter.dump(meta, body), "post.md") == (meta, body)


def test_known_keys_are_written_in_a_fixed_order():
    meta = {"wordpress": {"id": 1}, "custom": 1, "url": "/a/", "title": "T", "date": "2020-01-01"}
    text = frontmatter.dump(meta, "")
    keys = [line.split(":")[0] for line in text.splitlines()[1:-1] if not line.startswith(" ")]
    assert keys == ["title", "date", "url", "wordpress", "custom"]


def test_dates_are_written_plain_and_read_back_as_text():
    text = frontmatter.dump({"title": "T", "date": "2023-12-03T02:14:58+00:00"}, "")
    assert "date: 2023-12-03T02:14:58+00:00\n" in text
    meta, _ = frontmatter.split(text, "post.md")
    assert meta["date"] == "2023-12-03T02:14:58+00:00"


def test_crlf_and_bom_are_accepted():
    meta, body = frontmatter.split("\ufeff---\r\ntitle: T\r\n---\r\nBody\r\n", "post.md")
    assert meta == {"title": "T"} and body == "Body\n"


def test_missing_front_matter_names_the_file():
    with pytest.raises(SsgError) as error:
        frontmatter.split("Just text\n", "content/post.md")
    assert str(error.value).startswith("content/post.md:1: no front matter")


def test_unclosed_front_matter_is_an_error():
    with pytest.raises(SsgError, match="never closed"):
        frontmatter.split("---\ntitle: T\n", "post.md")


def test_yaml_error_gives_the_line_in_the_file():
    text = "---\ntitle: T\ndate: 2020-01-01\ntags: [a, b\nslug: x\n---\n"
    with pytest.raises(SsgError) as error:
        frontmatter.split(text, "post.md")
    assert error.value.line in (4, 5)  # the unclosed list on line 4 is found at line 5
    assert "not valid YAML" in error.value.message


def test_front_matter_must_be_a_mapping():
    with pytest.raises(SsgError, match="must be YAML keys"):
        frontmatter.split("---\n- a\n- b\n---\n", "post.md")
