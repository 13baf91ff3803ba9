"""Old addresses keep working: alias redirect pages (keeping query and #fragment) and plain ?p=ID links."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssg.build import build

from conftest import CONTRACT_SITE, broken_links, read

BASE_URL = "https://user.github.io/repo/"


@pytest.fixture(scope="module")
def repo_public(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("repo") / "public"
    build(CONTRACT_SITE, out=out, base_url=BASE_URL)
    return out


def test_under_a_sub_path_nothing_internal_is_broken(repo_public):
    assert broken_links(repo_public, BASE_URL) == []


def test_an_alias_becomes_a_redirect_page_pointing_at_the_post(repo_public):
    html = read(repo_public, "contact-us/")
    assert '<link rel="canonical" href="https://user.github.io/repo/contact.html">' in html
    assert '<meta http-equiv="refresh" content="0; url=/repo/contact.html">' in html
    assert '<meta name="robots" content="noindex">' in html
    assert read(repo_public, "harbour-days/").count("/repo/2020/01/15/harbour-days/") >= 3


def test_the_old_link_map_is_sharded_and_holds_archive_addresses(repo_public):
    shard = json.loads(read(repo_public, "_ssg/old-links/p-0.json"))
    assert shard["101"] == "/repo/2020/01/15/harbour-days/"
    assert json.loads(read(repo_public, "_ssg/old-links/page_id-0.json"))["4"] == "/repo/contact.html"
    assert json.loads(read(repo_public, "_ssg/old-links/cat-0.json"))["5"] == "/repo/category/news/local/town-hall/"
    assert json.loads(read(repo_public, "_ssg/old-links/tag.json"))["cats"] == "/repo/tag/cats/"
    assert json.loads(read(repo_public, "_ssg/old-links/m.json"))["202002"] == "/repo/2020/02/"


@pytest.mark.browser
@pytest.mark.parametrize("old, new", [
    ("contact-us/?from=mail#write", "contact.html?from=mail#write"),  # a redirect page keeps both
    ("harbour-days/#comment-501", "2020/01/15/harbour-days/#comment-501"),
    ("?p=101#comment-502", "2020/01/15/harbour-days/#comment-502"),  # lands on the home page first
    ("?cat=5", "category/news/local/town-hall/"),
    ("?tag=cats", "tag/cats/"),
    ("?m=201912", "2019/12/"),
    ("about/?page_id=4", "contact.html"),  # any page of the theme answers an old plain link
])
def test_old_addresses_lead_to_the_archive_page(serve_output, tab, repo_public, old, new):
    site = serve_output(repo_public, "/repo/")
    tab.page.goto(site + old)
    tab.page.wait_for_url(site + new)
    tab.page.wait_for_load_state("networkidle")  # nothing still loading when the server stops


@pytest.mark.browser
def test_an_old_plain_link_that_lands_on_the_404_page_still_finds_its_post(serve_output, tab, repo_public):
    site = serve_output(repo_public, "/repo/")
    tab.page.goto(site + "index.php?page_id=4")
    tab.page.wait_for_url(site + "contact.html")
    tab.page.wait_for_load_state("networkidle")
    assert tab.console_errors == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
    tab.console_errors.clear()
