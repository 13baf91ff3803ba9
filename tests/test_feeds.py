"""Feeds, sitemap and robots.txt: what feed readers and search engines read, at WordPress's addresses."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest

from ssg.build import build
from ssg.config import Config
from ssg.content import Post
from ssg.feeds import render_feed
from ssg.sitemap import Entry, render_sitemap
from ssg.taxonomy import Term

from conftest import CONTRACT_SITE

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def sub_path_public(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("feeds") / "public"
    build(CONTRACT_SITE, out=out, base_url="https://user.github.io/repo/")
    return out


def test_every_feed_parses_without_errors(sub_path_public):
    feeds = sorted(sub_path_public.rglob("index.xml"))
    assert len(feeds) == 2 * (1 + 8 + 4 + 4)  # the site, 8 categories, 4 tags, 4 authors; RSS and Atom each
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version == ("atom10" if path.parent.name == "atom" else "rss20")


@pytest.mark.parametrize("path", ["feed/index.xml", "feed/atom/index.xml"])
def test_the_site_feed_holds_the_newest_posts_in_full_with_absolute_urls(sub_path_public, path):
    feed = feedparser.parse((sub_path_public / path).read_bytes())
    assert feed.feed.title == "Contract Archive"
    assert feed.feed.link == "https://user.github.io/repo/"
    assert [entry.link for entry in feed.entries] == [  # feed_size = 3, newest first, stickiness ignored
        "https://user.github.io/repo/2021/03/evil/", "https://user.github.io/repo/2021/03/new-topic/",
        "https://user.github.io/repo/2020/02/20/gallery/"]
    gallery = feed.entries[2]
    assert gallery.id == "https://user.github.io/repo/2020/02/20/gallery/"
    html = gallery.content[0].value
    assert 'src="https://user.github.io/repo/wp-content/uploads/2020/01/harbour-150x150.png"' in html


def test_a_category_feed_lives_at_the_wordpress_path_and_keeps_guids(sub_path_public):
    feed = feedparser.parse((sub_path_public / "category/news/local/town-hall/feed/index.xml").read_bytes())
    assert feed.feed.title == "Contract Archive » Town Hall"
    [entry] = feed.entries
    assert entry.id == "https://old.example.org/?p=102"  # WordPress's guid: readers do not see it as new
    assert entry.author == "Bob Writer"
    assert [tag.term for tag in entry.tags] == ["Town Hall", "Lonely"]
    assert "{{ config.title }}" in entry.content[0].value


def test_titles_and_content_are_escaped_and_stray_control_characters_dropped():
    config = Config(root=Path("."), title="A & B <site>", base_url="https://example.org/", feed_size=5)
    post = Post(source=Path("x.md"), title='</title><script>x</script> \x0b"q"', body="", url="/x/",
                date=datetime(2024, 1, 2, tzinfo=timezone.utc), summary="a < b")
    for flavour in ("rss", "atom"):
        feed = feedparser.parse(render_feed(config, Term(kind="home", name="", url="/"), [post], {},
                                            lambda p: "<p>Hi &amp; <b>bye</b>\x0c</p>", flavour))
        assert not feed.bozo
        assert feed.feed.title == "A & B <site>"
        assert feed.entries[0].title == '</title><script>x</script> "q"'
        assert feed.entries[0].content[0].value == "<p>Hi &amp; <b>bye</b></p>"


def test_sitemap_lists_the_archive_with_absolute_addresses(sub_path_public):
    root = ElementTree.parse(sub_path_public / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    locations = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    for expected in ("https://user.github.io/repo/", "https://user.github.io/repo/2020/01/15/harbour-days/",
                     "https://user.github.io/repo/about/team/", "https://user.github.io/repo/category/news/local/"):
        assert expected in locations
    assert len(locations) == len(set(locations))
    robots = (sub_path_public / "robots.txt").read_text()
    assert "Sitemap: https://user.github.io/repo/sitemap.xml" in robots


def test_past_the_limit_the_sitemap_becomes_an_index_of_parts():
    entries = [Entry(f"/post-{n}/", datetime(2024, 1, 1 + n % 28, tzinfo=timezone.utc)) for n in range(7)]
    outputs = {str(o.path): o.content for o in render_sitemap(entries, "https://example.org/", limit=3)}
    assert sorted(outputs) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    index = ElementTree.fromstring(outputs["sitemap.xml"])
    assert index.tag == f"{SITEMAP}sitemapindex"
    assert [loc.text for loc in index.iter(f"{SITEMAP}loc")] == [
        f"https://example.org/sitemap-{n}.xml" for n in (1, 2, 3)]
    counts = [len(ElementTree.fromstring(outputs[f"sitemap-{n}.xml"]).findall(f"{SITEMAP}url")) for n in (1, 2, 3)]
    assert counts == [3, 3, 1]


def test_the_preview_serves_a_feed_folder_like_github_pages(serve_output, sub_path_public):
    from urllib.request import urlopen

    with urlopen(serve_output(sub_path_public, "/repo/") + "category/news/feed/") as response:
        assert feedparser.parse(response.read()).feed.title == "Contract Archive » News"
