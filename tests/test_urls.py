"""URLs: one module decides every address and output path, and refuses unsafe ones."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ssg import urls


@pytest.mark.parametrize("link, path", [
    ("https://celebritywshow.com/world-news/at-least-1700/", "/world-news/at-least-1700/"),
    ("https://example.org/2016/10/post", "/2016/10/post/"),
    ("https://example.org/old/post.html", "/old/post.html"),
    ("https://example.org/%E6%96%B0%E5%AE%BF/", "/新宿/"),
    ("https://example.org/", "/"),
    ("https://example.org/?p=123", None),
    ("https://example.org/index.php?page_id=5", None),
    ("https://example.org/a/../../etc/passwd", None),
])
def test_path_from_link(link, path):
    assert urls.path_from_link(link) == path


@pytest.mark.parametrize("bad", ["relative/", "/a/../b/", "/a/./b/", "/a\\b/", "/a\x00/", "/a?x=1", "/a#b", ""])
def test_unsafe_urls_are_refused(bad):
    with pytest.raises(ValueError):
        urls.check_url(bad)


def test_output_paths():
    assert str(urls.output_path("/")) == "index.html"
    assert str(urls.output_path("/world-news/slug/")) == "world-news/slug/index.html"
    assert str(urls.output_path("/old/post.html")) == "old/post.html"


def test_href_keeps_the_base_path_and_encodes():
    assert urls.href("/", "/a/b/") == "/a/b/"
    assert urls.href("/repo/", "/a/b/") == "/repo/a/b/"
    assert urls.href("/repo/", "/") == "/repo/"
    assert urls.href("/", "/新宿 park/") == "/%E6%96%B0%E5%AE%BF%20park/"


def test_absolute_url_under_a_sub_path():
    assert urls.absolute_url("https://user.github.io/repo/", "/a/") == "https://user.github.io/repo/a/"
    assert urls.absolute_url("https://example.org", "/") == "https://example.org/"


def test_pages_follow_wordpress():
    assert urls.page_url("/", 1) == "/"
    assert urls.page_url("/", 2) == "/page/2/"
    assert urls.page_url("/category/news/", 3) == "/category/news/page/3/"


def test_default_urls():
    date = datetime(2024, 5, 7, tzinfo=timezone.utc)
    assert urls.default_post_url("post", date, "hello") == "/2024/05/hello/"
    assert urls.default_post_url("page", None, "about") == "/about/"


def test_slugify_keeps_unicode_letters():
    assert urls.slugify("Hello, World: A Title!") == "hello-world-a-title"
    assert urls.slugify("Ελληνικά Greek") == "ελληνικά-greek"
    assert urls.slugify("!!!") == "untitled"
