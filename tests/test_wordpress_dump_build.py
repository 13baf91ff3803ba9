"""End to end on a whole real WordPress site (tests/fixtures/wp-loopback-dump): import it, build it under
a GitHub Pages sub-path, and check that every address WordPress reported exists and nothing is broken."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from ssg import urls
from ssg.build import build

from conftest import LOOPBACK_DUMP, broken_links

BASE_URL = "https://user.github.io/repo/"


@pytest.fixture(scope="module")
def dump_public(imported_dump, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dump") / "public"  # the imported site itself stays as it is
    build(imported_dump, out=out, base_url=BASE_URL)
    return out


def wordpress_links(pattern: str) -> list[str]:
    """The `link` of every record in the dump files matching `pattern`: WordPress's own addresses."""
    links = []
    for path in sorted(LOOPBACK_DUMP.glob(pattern)):
        links += [record["link"] for record in json.loads(path.read_text(encoding="utf-8"))]
    return links


@pytest.mark.parametrize("kind, pattern, expected", [
    ("post", "posts.embed.p*.json", 117), ("page", "pages.embed.p*.json", 22),
    ("category", "categories.p*.json", 74), ("tag", "tags.p*.json", 118), ("author", "users.p*.json", 3),
])
def test_every_address_wordpress_reported_exists(dump_public, kind, pattern, expected):
    links = wordpress_links(pattern)
    assert len(links) == expected
    missing = [link for link in links if not (dump_public / urls.output_path(urls.path_from_link(link))).is_file()]
    assert missing == []


def test_under_a_sub_path_no_internal_link_image_stylesheet_or_script_is_broken(dump_public):
    assert (dump_public / "_ssg/style.css").is_file()
    assert broken_links(dump_public, BASE_URL) == []


def test_every_feed_parses_without_errors(dump_public):
    feeds = sorted(dump_public.rglob("feed/index.xml")) + sorted(dump_public.rglob("feed/atom/index.xml"))
    assert len(feeds) >= 2 * (1 + 74 + 118 + 3)
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    site = feedparser.parse((dump_public / "feed/index.xml").read_bytes())
    assert len(site.entries) == 10 and all(entry.link.startswith(BASE_URL) for entry in site.entries)
