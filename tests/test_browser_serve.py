"""In a real browser: a writer keeps a post open in `ssg serve`, edits its Markdown, breaks it,
fixes it, restyles it, and the page follows by itself, under the production sub-path."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from conftest import write_post

pytestmark = pytest.mark.browser

POST = "---\ntitle: Hello\ndate: 2024-01-02T03:04:05+00:00\nslug: hello\n---\n\n{}\n"
BROKEN = "---\ntitle: Hello\ndate: 2024-01-02T03:04:05+00:00\nslug: hello\ntags: [a, b\n---\n\nBody\n"
WAIT = 60_000  # ms: a ceiling for a loaded machine, not an expectation


@pytest.fixture
def site(new_site):
    config = new_site / "ssg.toml"
    config.write_text(config.read_text().replace('"http://127.0.0.1:8000/"', '"https://user.github.io/repo/"'))
    write_post(new_site, "posts/hello.md", POST.format("First words."))
    return new_site


def open_post(live_preview, site, tab):
    live = live_preview(site)
    tab.page.goto(live.url + "2024/01/hello/")
    expect(tab.page.locator("main")).to_contain_text("First words.")
    return live, tab.page, site / "content" / "posts" / "hello.md"


def test_a_saved_edit_shows_up_without_a_manual_reload(live_preview, tab, site):
    live, page, post = open_post(live_preview, site, tab)
    post.write_text(POST.format("Second words, saved in an editor."))
    expect(page.locator("main")).to_contain_text("Second words, saved in an editor.", timeout=WAIT)
    assert urlsplit(page.url).path == "/repo/2024/01/hello/"


def test_broken_front_matter_shows_an_overlay_over_the_last_good_page_until_fixed(live_preview, tab, site):
    live, page, post = open_post(live_preview, site, tab)
    post.write_text(BROKEN)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("content/posts/hello.md, line 6", timeout=WAIT)
    expect(alert).to_contain_text("not valid YAML")
    expect(page.locator("main")).to_contain_text("First words.")  # the last good build, still served

    later = tab.context.new_page()  # a page opened while the site is broken shows the error too
    later.goto(live.url)
    expect(later.get_by_role("alert")).to_contain_text("content/posts/hello.md, line 6")
    later.close()

    post.write_text(POST.format("Fixed words."))
    expect(page.locator("main")).to_contain_text("Fixed words.", timeout=WAIT)
    expect(page.get_by_role("alert")).to_have_count(0)


def test_a_template_error_names_the_template_and_its_line(live_preview, tab, site):
    live, page, post = open_post(live_preview, site, tab)
    (site / "templates").mkdir()
    (site / "templates" / "post.html").write_text(
        "{% extends 'base.html' %}\n{% block main %}{{ post.title | no_such_filter }}{% endblock %}\n")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("templates/post.html, line 2", timeout=WAIT)
    expect(alert).to_contain_text("no_such_filter")
    (site / "templates" / "post.html").unlink()
    expect(page.get_by_role("alert")).to_have_count(0, timeout=WAIT)


def test_an_error_message_is_shown_as_text_never_run_as_html(live_preview, tab, site):
    live, page, post = open_post(live_preview, site, tab)
    post.write_text(POST.replace("2024-01-02T03:04:05+00:00", "'<img src=x onerror=window.ran=1>'")
                    .format("Words."))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("<img src=x onerror=window.ran=1>", timeout=WAIT)
    assert alert.locator("img").count() == 0 and page.evaluate("window.ran") is None


def test_the_preview_is_served_under_the_production_sub_path(live_preview, tab, site):
    live = live_preview(site)
    page = tab.page
    origin = live.url.removesuffix("/repo/")
    page.goto(origin + "/")
    page.wait_for_url(live.url)
    page.get_by_role("link", name="Hello").click()
    page.wait_for_url(live.url + "2024/01/hello/")
    assert page.locator("link[rel=stylesheet]").evaluate("link => link.sheet.cssRules.length") > 0
    response = page.goto(origin + "/2024/01/hello/")  # the domain root is not where the site lives
    assert response.status == 404
    tab.console_errors.remove("Failed to load resource: the server responded with a status of 404 (Not Found)")


def test_a_stylesheet_change_is_swapped_in_without_reloading_the_page(live_preview, tab, site):
    theme = site / "themes" / "default" / "static"
    theme.mkdir(parents=True)
    (theme / "style.css").write_text("body { color: rgb(1, 2, 3); }\n")
    live, page, post = open_post(live_preview, site, tab)
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(1, 2, 3)"
    page.evaluate("window.notReloaded = true")
    (theme / "style.css").write_text("body { color: rgb(4, 5, 6); }\n")
    page.wait_for_function("getComputedStyle(document.body).color === 'rgb(4, 5, 6)'", timeout=WAIT)
    assert page.evaluate("window.notReloaded") is True
    assert page.locator("link[rel=stylesheet]").count() == 1
