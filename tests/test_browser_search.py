"""In a real browser: a visitor searches the archive from any page, filters, sorts and shares a search."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from ssg import search
from ssg.build import build

from searchsite import write_search_site

pytestmark = pytest.mark.browser

RESULT_LINKS = ".search-result h2 a"


def serve_site(site, serve_output, base_url):
    write_search_site(site)
    build(site, base_url=base_url)
    return serve_output(site / "public", urlsplit(base_url).path)


@pytest.fixture(params=["https://example.org/", "https://user.github.io/repo/"], ids=["root", "sub-path"])
def archive_url(request, new_site, serve_output):
    return serve_site(new_site, serve_output, request.param)


@pytest.fixture
def sharded_url(new_site, serve_output, monkeypatch):
    """The same site with its index cut into three shards (one per year) merged in the browser."""
    monkeypatch.setattr(search, "shard_size", lambda records: 2)
    return serve_site(new_site, serve_output, "https://user.github.io/repo/")


def result_titles(page) -> list[str]:
    return page.locator(RESULT_LINKS).all_inner_texts()


def test_a_word_typed_in_the_header_finds_the_post_and_its_link_works(archive_url, tab):
    page = tab.page
    page.goto(archive_url + "2022/07/optics/")
    page.get_by_role("searchbox", name="Search the archive").fill("albatross")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=albatross$"))
    expect(page.locator(".search-status")).to_have_text("1 result for “albatross”.")
    link = page.get_by_role("link", name="The lighthouse keepers of Fastnet")
    expect(page.locator(".search-excerpt mark")).to_have_text("albatross")
    link.click()
    page.wait_for_url(archive_url + "2021/05/keepers/")
    assert page.get_by_role("heading", level=1).inner_text() == "The lighthouse keepers of Fastnet"
    assert tab.foreign_requests == []


def test_results_appear_while_typing_and_the_address_follows(archive_url, tab):
    page = tab.page
    page.goto(archive_url + "search/")
    page.get_by_role("searchbox", name="Search the archive").press_sequentially("fresnel")
    expect(page.locator(RESULT_LINKS)).to_have_text(["Fresnel lenses explained"])
    assert parse_qs(urlsplit(page.url).query) == {"q": ["fresnel"]}
    result = page.locator(".search-result")
    expect(result.locator(".entry-meta")).to_have_text("July 9, 2022 · Grace Optician")
    expect(result.get_by_role("img", name="A Fresnel lens")).to_be_visible()


def test_a_filter_narrows_the_results_and_is_kept_in_the_address(archive_url, tab):
    page = tab.page
    page.goto(archive_url + "search/?q=lighthouse")
    expect(page.locator(RESULT_LINKS)).to_have_count(3)
    page.get_by_label("Category").select_option(label="Travel › Coast (2)")  # a parent: its child's posts too
    expect(page.locator(RESULT_LINKS)).to_have_count(2)
    assert set(result_titles(page)) == {"The lighthouse keepers of Fastnet", "A night walk to the lighthouse"}
    page.get_by_label("Year").select_option("2023")
    expect(page.locator(RESULT_LINKS)).to_have_text(["A night walk to the lighthouse"])
    assert parse_qs(urlsplit(page.url).query) == {"q": ["lighthouse"], "category": ["travel/coast"],
                                                  "year": ["2023"]}


def test_a_shared_search_address_opens_with_its_words_filters_order_and_results(archive_url, tab):
    page = tab.page
    page.goto(archive_url + "search/?q=lighthouse&author=ada-keeper&sort=oldest")
    expect(page.locator(RESULT_LINKS)).to_have_text(["The lighthouse keepers of Fastnet",
                                                     "A night walk to the lighthouse"])
    expect(page.get_by_role("searchbox", name="Search the archive")).to_have_value("lighthouse")
    expect(page.get_by_label("Author")).to_have_value("ada-keeper")
    expect(page.get_by_label("Order")).to_have_value("oldest")


def test_an_old_wordpress_search_link_still_works(archive_url, tab):
    tab.page.goto(archive_url + "?s=albatross")
    expect(tab.page.locator(RESULT_LINKS)).to_have_text(["The lighthouse keepers of Fastnet"])
    expect(tab.page).to_have_url(archive_url + "search/?q=albatross")


def test_an_old_pretty_wordpress_search_address_still_works(archive_url, tab):
    tab.page.goto(archive_url + "search/fresnel+lenses/")  # the static host's 404 page forwards it
    expect(tab.page.locator(RESULT_LINKS)).to_have_text(["Fresnel lenses explained"])
    expect(tab.page).to_have_url(archive_url + "search/?q=fresnel+lenses")
    assert tab.console_errors == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
    tab.console_errors.clear()


def test_titles_and_excerpts_from_content_stay_text(archive_url, tab):
    page = tab.page
    page.goto(archive_url + "search/?q=gremlins")
    link = page.locator(RESULT_LINKS)
    expect(link).to_have_text('<img src=x onerror="document.title=1">Mischief & <b>markup</b>')
    excerpt = page.locator(".search-excerpt")
    expect(excerpt).to_contain_text("<script>document.title=2</script>")
    assert page.locator(".search-results img, .search-results script, .search-results b").count() == 0
    assert excerpt.locator("*").evaluate_all("nodes => nodes.map(n => n.tagName)") == ["MARK"]
    assert page.title() == "Search – My archive"


def test_the_keyboard_alone_searches_and_opens_a_result(archive_url, tab):
    page = tab.page
    page.goto(archive_url)
    for _ in range(10):  # skip link, site title, the site's menu, then the search box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "search":
            break
    page.keyboard.type("fresnel")
    page.keyboard.press("Enter")
    expect(page.locator(RESULT_LINKS)).to_have_count(1)
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == "Fresnel lenses explained"
    page.keyboard.press("Enter")
    page.wait_for_url(archive_url + "2022/07/optics/")


def test_shards_are_merged_in_the_browser_by_relevance_and_by_date(sharded_url, tab):
    page = tab.page
    page.goto(sharded_url + "search/?q=lighthouse&sort=newest")
    expect(page.locator(RESULT_LINKS)).to_have_text(["A night walk to the lighthouse", "Fresnel lenses explained",
                                                     "The lighthouse keepers of Fastnet"])
    page.get_by_label("Order").select_option("oldest")
    expect(page.locator(RESULT_LINKS)).to_have_text(["The lighthouse keepers of Fastnet", "Fresnel lenses explained",
                                                     "A night walk to the lighthouse"])
    page.get_by_label("Order").select_option("")
    expect(page.locator(RESULT_LINKS)).to_have_count(3)
    page.get_by_label("Year").select_option("2021")
    expect(page.locator(RESULT_LINKS)).to_have_text(["The lighthouse keepers of Fastnet"])
    page.get_by_role("searchbox", name="Search the archive").fill("gremlins")
    page.get_by_label("Year").select_option("")
    expect(page.locator(".search-status")).to_have_text("1 result for “gremlins”.")
