"""In a real browser: a reader opens the archive, follows a post, and finds nothing broken."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from ssg.build import build

from conftest import EXAMPLES

pytestmark = pytest.mark.browser


@pytest.fixture
def archive_url(new_site, run_ssg, serve_output):
    run_ssg("import", EXAMPLES, "--site", new_site)
    build(new_site, base_url="https://user.github.io/repo/")
    return serve_output(new_site / "public", "/repo/")


def test_a_reader_goes_from_the_home_page_to_a_post_and_back(tab, archive_url):
    page = tab.page
    page.goto(archive_url)
    page.get_by_role("link", name="Shinjuku Gyoen National Garden").click()
    page.wait_for_url("**/repo/shinjuku-gyoen-national-garden/")
    assert page.get_by_role("heading", level=1).inner_text() == "Shinjuku Gyoen National Garden"
    assert page.locator("link[rel=stylesheet]").evaluate("link => link.sheet.cssRules.length") > 0
    page.get_by_role("link", name="ssg example archive").or_(page.get_by_role("link", name="My archive")).click()
    page.wait_for_url(archive_url)
    # The theme asks no other host for anything; only the post's own images point at the old site.
    assert {urlsplit(url).hostname for url in tab.foreign_requests} <= {"demo.worona.org"}


def test_the_skip_link_is_the_first_stop_for_the_keyboard(tab, archive_url):
    page = tab.page
    page.goto(archive_url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert page.locator(".skip-link").bounding_box()["x"] >= 0  # it becomes visible when focused


def test_an_unknown_address_shows_the_archive_404_page(tab, archive_url):
    response = tab.page.goto(archive_url + "no/such/post/")
    assert response.status == 404
    assert tab.page.get_by_role("heading", level=1).inner_text() == "Page not found"
    tab.page.get_by_role("link", name="home page").click()
    tab.page.wait_for_url(archive_url)
    assert tab.console_errors == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
    tab.console_errors.clear()


NARROW_PAGES = ["2020/01/15/harbour-days/", "2020/02/20/gallery/", "category/news/", "archives/", "categories/",
                "about/team/"]


@pytest.mark.parametrize("path", NARROW_PAGES)
def test_pages_fit_a_320_pixel_screen(serve_output, tab, contract_public, path):
    tab.page.set_viewport_size({"width": 320, "height": 640})
    tab.page.goto(serve_output(contract_public) + path)
    tab.page.wait_for_load_state("networkidle")
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= 320
    # The theme asks no other host for anything (no fonts, no CDN); only a post's own embed does.
    expected = {"www.youtube.com"} if "gallery" in path else set()
    assert {urlsplit(url).hostname for url in tab.foreign_requests} == expected


def test_dark_mode_follows_the_reader_s_system(serve_output, tab, contract_public):
    site = serve_output(contract_public)
    background = "getComputedStyle(document.body).backgroundColor"
    tab.page.emulate_media(color_scheme="light")
    tab.page.goto(site)
    light = tab.page.evaluate(background)
    tab.page.emulate_media(color_scheme="dark")
    dark = tab.page.evaluate(background)
    assert (light, dark) == ("rgb(253, 253, 252)", "rgb(22, 22, 26)")


def test_keyboard_focus_is_visible_and_the_skip_link_moves_to_the_content(serve_output, tab, contract_public):
    page = tab.page
    page.goto(serve_output(contract_public) + "2020/01/15/harbour-days/")
    page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # the next stop is inside the content, not the header's navigation
    assert page.evaluate("document.activeElement.closest('main') !== null")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
