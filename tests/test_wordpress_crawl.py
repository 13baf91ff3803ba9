"""`ssg import URL` against a real WordPress: everything arrives, drafts with a password, resume, faults."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from ssg import frontmatter
from ssg.errors import SsgError
from ssg.wordpress.crawl import CrawlOptions, crawl_folder_name, crawl_site, route_url
from ssg.wordpress.fetch import FetchSettings
from wordpress_site import FaultProxy, free_port, rest_records, run_cli

# What the Theme Unit Test data holds (tests/wp-loopback/README.md), as WordPress itself reports it.
PUBLIC_POSTS, PUBLIC_PAGES = 117, 22


def ids(records) -> set[int]:
    return {record["id"] for record in records}


def imported(site: Path) -> dict[tuple[str, int], tuple[Path, dict]]:
    """(kind, WordPress id) -> (file, front matter) for every Markdown file import wrote."""
    found = {}
    for path in (site / "content").rglob("*.md"):
        if any(part.startswith("_") for part in path.relative_to(site / "content").parts):
            continue
        meta, _ = frontmatter.split(path.read_text(encoding="utf-8"), path)
        found[(meta["kind"], meta["wordpress"]["id"])] = (path, meta)
    return found


def saved_records(folder: Path, name: str) -> list[dict]:
    records = []
    for path in sorted(folder.glob(f"{name}.p*.json")):
        records += json.loads(path.read_bytes())
    return records


# WordPress renders dynamic blocks (comment forms, query-loop pagination) against the URL of the
# REST request, so their links show how the API was asked: /wp-json/wp/v2/posts?... or ?rest_route=...
_REQUEST_ECHO = re.compile(r"<[^<>]*per_page(?:=|%3D)100(?:&|%26)orderby[^<>]*>")


def markdown_files(site: Path) -> dict[str, str]:
    return {path.relative_to(site).as_posix(): _REQUEST_ECHO.sub("<the REST request>", path.read_text(encoding="utf-8"))
            for path in (site / "content").rglob("*.md") if "_sources" not in path.parts}


def assert_same_archive(site: Path, reference: Path) -> None:
    """The same Markdown files with the same words.

    WordPress itself orders a few things differently from one request to the next: the images of
    the [gallery orderby="rand"] post, and terms with the same name (two "Media" categories) in the
    categories block and in a post's category list. Any other difference fails.
    """
    ours, theirs = markdown_files(site), markdown_files(reference)
    assert sorted(ours) == sorted(theirs)
    for name, text in ours.items():
        assert text == theirs[name] or sorted(text.split()) == sorted(theirs[name].split()), name


@pytest.fixture(scope="session")
def crawled(wordpress, tmp_path_factory):
    """A site made by `ssg init` + `ssg import <WordPress address>`, shared by the tests that only read it."""
    site = tmp_path_factory.mktemp("crawled") / "site"
    assert run_cli("init", site).returncode == 0
    result = run_cli("import", wordpress.url, "--site", site)
    assert result.returncode == 0, result.stderr
    return site, result.stdout


def test_every_public_post_page_and_custom_type_record_arrives_as_markdown(wordpress, crawled):
    site, out = crawled
    documents = imported(site)
    for kind, route, expected in [("post", "/wp/v2/posts", PUBLIC_POSTS), ("page", "/wp/v2/pages", PUBLIC_PAGES),
                                  ("book", "/wp/v2/books", 1)]:
        truth = ids(rest_records(wordpress, route))
        assert len(truth) == expected
        assert {number for (found_kind, number) in documents if found_kind == kind} == truth, kind
    assert f"posts {PUBLIC_POSTS}, " in out and f"pages {PUBLIC_PAGES}, " in out and "books 1," in out
    sticky = rest_records(wordpress, "/wp/v2/posts", sticky="true")[0]
    post = documents[("post", sticky["id"])][1]  # at its WordPress path
    assert post["url"] == urlsplit(sticky["link"]).path and post["wordpress"]["link"] == sticky["link"]


def test_every_term_user_media_item_and_comment_arrives(wordpress, crawled):
    site, out = crawled
    folder = site / "content/_sources" / crawl_folder_name(wordpress.url, None)
    truth = {name: rest_records(wordpress, f"/wp/v2/{name}")
             for name in ("categories", "tags", "users", "media", "comments")}
    for name, records in truth.items():  # every raw record is kept ...
        assert records and ids(saved_records(folder, name)) == ids(records), name
        assert f"{name} {len(records)}" in out
    # ... and imported: terms and authors into the registry, comments under their posts.
    registry = yaml.safe_load((site / "content/_data/terms.yml").read_text(encoding="utf-8"))
    for key, name in (("categories", "categories"), ("tags", "tags"), ("authors", "users")):
        assert {term["id"] for term in registry[key]} == ids(truth[name]), key
    archived = {comment["id"] for _, meta in imported(site).values() for comment in meta.get("comments") or []}
    assert archived == ids(truth["comments"])


def test_the_saved_folder_imports_to_the_same_markdown(wordpress, crawled, tmp_path):
    site, _ = crawled
    offline = tmp_path / "offline"
    assert run_cli("init", offline).returncode == 0
    folder = site / "content/_sources" / crawl_folder_name(wordpress.url, None)
    result = run_cli("import", folder, "--site", offline)
    assert result.returncode == 0, result.stderr
    assert markdown_files(offline) == markdown_files(site)


def test_a_second_crawl_changes_no_markdown(wordpress, crawled, tmp_path):
    site, _ = crawled
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-a", str(site), str(copy)], check=True)
    result = run_cli("import", wordpress.url, "--site", copy)
    assert result.returncode == 0, result.stderr
    assert "0 kept because edited" in result.stdout
    assert_same_archive(copy, site)


def test_drafts_private_posts_and_pingbacks_arrive_with_an_application_password(wordpress, tmp_path):
    site = tmp_path / "site"
    assert run_cli("init", site).returncode == 0
    result = run_cli("-v", "import", wordpress.url, "--site", site, "--user", wordpress.user,
                     env={"SSG_APP_PASSWORD": wordpress.app_password})
    assert result.returncode == 0, result.stderr
    documents = imported(site)
    every_post = rest_records(wordpress, "/wp/v2/posts", signed_in=True, status="any")
    assert len(every_post) == PUBLIC_POSTS + 2  # a draft and a scheduled post
    assert {number for kind, number in documents if kind == "post"} == ids(every_post)
    hidden = [record for record in every_post if record["status"] != "publish"]
    for record in hidden:
        assert documents[("post", record["id"])][1]["draft"] is True
    assert documents[("book", 9002)][1]["draft"] is True  # a custom type's draft too
    folder = site / "content/_sources" / crawl_folder_name(wordpress.url, None)
    assert len(saved_records(folder, "comments-pingback")) == 2
    assert len(saved_records(folder, "comments-trackback")) == 2
    # The password is used, never kept: not in any file, not in the output or the log.
    secret = wordpress.app_password.encode()
    assert not [path for path in site.rglob("*") if path.is_file() and secret in path.read_bytes()]
    assert wordpress.app_password not in result.stdout + result.stderr


def test_a_refused_password_is_a_one_line_error(wordpress, tmp_path):
    site = tmp_path / "site"
    assert run_cli("init", site).returncode == 0
    result = run_cli("import", wordpress.url, "--site", site, "--user", wordpress.user,
                     env={"SSG_APP_PASSWORD": "wrong wrong wrong wrong"})
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "did not accept the application password" in result.stderr
    no_password = run_cli("import", wordpress.url, "--site", site, "--user", wordpress.user,
                          env={"SSG_APP_PASSWORD": ""})
    assert no_password.returncode == 1 and "SSG_APP_PASSWORD" in no_password.stderr


def test_since_fetches_what_changed_with_every_comment_of_those_posts(wordpress, tmp_path):
    site = tmp_path / "site"
    assert run_cli("init", site).returncode == 0
    since = "2012-12-31T00:00:00"
    result = run_cli("import", wordpress.url, "--site", site, "--since", since)
    assert result.returncode == 0, result.stderr
    changed = ids(rest_records(wordpress, "/wp/v2/posts", modified_after=since))
    commented = {comment["post"] for comment in rest_records(wordpress, "/wp/v2/comments", after=since)}
    assert 0 < len(changed) < PUBLIC_POSTS and commented - changed  # the test data has both cases
    documents = imported(site)
    assert {number for kind, number in documents if kind == "post"} == changed | (commented & ids(
        rest_records(wordpress, "/wp/v2/posts")))
    folder = site / "content/_sources" / crawl_folder_name(wordpress.url, datetime.fromisoformat(since))
    every_comment = rest_records(wordpress, "/wp/v2/comments")
    wanted = {comment["id"] for comment in every_comment if comment["post"] in changed | commented}
    saved = {record["id"] for path in folder.glob("comments-*.json") for record in json.loads(path.read_bytes())}
    assert saved == wanted


def test_progress_totals_come_from_x_wp_total(wordpress, tmp_path):
    calls = []
    crawl_site(CrawlOptions(wordpress.url), tmp_path, lambda *call: calls.append(call))
    last = {label: (done, total) for label, done, total in calls}
    assert last["Fetching posts"] == (PUBLIC_POSTS, PUBLIC_POSTS)
    assert last["Fetching pages"] == (PUBLIC_PAGES, PUBLIC_PAGES)
    assert last["Fetching comments"] == (27, 28)  # X-WP-Total counts the comment on the protected post
    assert all(done <= total for _, done, total in calls)


def test_an_interrupted_crawl_resumes_without_fetching_saved_pages_again(wordpress, crawled, tmp_path):
    reference, _ = crawled
    site = tmp_path / "site"
    assert run_cli("init", site).returncode == 0
    with FaultProxy(wordpress.url) as proxy:
        proxy.add("hold", "/wp/v2/posts?per_page=100&orderby=id&order=asc&_embed=1&page=2")
        # Ctrl-C raises KeyboardInterrupt even when the suite runs in the background (where the
        # shell makes its children ignore SIGINT, and Python then installs no handler).
        command = [sys.executable, "-c", "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                   "from ssg.cli import main; sys.exit(main(sys.argv[1:]))", "import", proxy.url, "--site", str(site)]
        first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        folder = site / "content/_sources" / crawl_folder_name(proxy.url, None)
        # Ctrl-C once the second page of posts is held back and every other page is saved: posts and
        # tags have 2 pages, pages, books, categories, users, media and comments 1 each.
        proxy.wait_for(lambda: any(hit.fault == "hold" for hit in proxy.requests())
                       and len(list(folder.glob("*.p*.json"))) == 9)
        first.send_signal(signal.SIGINT)
        _, err = first.communicate(timeout=60)
        assert first.returncode == 130, err
        assert not list((site / "content").rglob("*.md"))  # nothing imported from a partial crawl
        kept = {path.name: path.read_bytes() for path in folder.glob("*.p*.json")}
        assert "posts.p00002.json" not in kept and "posts.p00001.json" in kept
        asked_before = len(proxy.requests())
        proxy.faults.clear()
        second = run_cli("import", proxy.url, "--site", site)
        assert second.returncode == 0, second.stderr
        asked_again = [hit.path for hit in proxy.requests()[asked_before:] if "page=" in hit.path]
    assert f"{len(kept)} pages kept from the interrupted crawl" in second.stdout
    assert asked_again == ["/wp-json/wp/v2/posts?per_page=100&orderby=id&order=asc&_embed=1&page=2"]
    assert {path.name: path.read_bytes() for path in folder.glob("*.p*.json") if path.name in kept} == kept
    assert_same_archive(site, reference)


def test_500s_429s_resets_stalls_truncated_and_html_replies_are_survived_with_nothing_lost(wordpress, crawled, tmp_path):
    reference, _ = crawled
    site = tmp_path / "site"
    assert run_cli("init", site).returncode == 0
    # The stalled reply costs one --timeout; it must still be longer than WordPress takes to render
    # 100 posts on a busy machine (the proxy passes a reply on once it has all of it).
    with FaultProxy(wordpress.url, retry_after=2) as proxy:
        proxy.add("500", "/wp/v2/posts?", times=2)
        proxy.add("429", "/wp/v2/pages?")
        proxy.add("reset", "/wp/v2/categories?")
        proxy.add("truncate", "/wp/v2/tags?")
        proxy.add("truncate", "/wp/v2/media?")
        proxy.add("stall", "/wp/v2/comments?")
        proxy.add("500", "/wp/v2/types")
        proxy.add("200", "/wp/v2/users?")
        result = run_cli("import", proxy.url, "--site", site, "--timeout", "20")
        assert result.returncode == 0, result.stderr
        for route in ("posts?", "pages?", "categories?", "tags?", "media?", "comments?", "types", "users?"):
            hits = proxy.requests(f"/wp/v2/{route}")
            assert hits[0].fault is not None and hits[-1].fault is None, route
        pages = proxy.requests("/wp/v2/pages?")
        assert pages[1].at - pages[0].at >= 2  # Retry-After was honoured
    assert_same_archive(site, reference)


def test_a_site_without_pretty_permalinks_is_crawled_through_rest_route(wordpress, crawled, tmp_path):
    reference, _ = crawled
    site = tmp_path / "site"
    assert run_cli("init", site).returncode == 0
    with FaultProxy(wordpress.url) as proxy:
        proxy.no_pretty_urls = True
        result = run_cli("import", proxy.url, "--site", site)
        assert result.returncode == 0, result.stderr
        assert "?rest_route=/" in result.stdout
        assert proxy.requests("/?rest_route=/wp/v2/posts&")
    assert_same_archive(site, reference)


def test_without_x_wp_totalpages_pages_are_asked_for_until_wordpress_says_there_are_no_more(wordpress, tmp_path):
    with FaultProxy(wordpress.url) as proxy:
        proxy.drop_headers = {"x-wp-total", "x-wp-totalpages"}
        report = crawl_site(CrawlOptions(proxy.url, per_page=37), tmp_path)  # the 37 media items fill one page
        assert [hit.path.rsplit("page=", 1)[1] for hit in proxy.requests("/wp/v2/media?")] == ["1", "2"]
    assert report.items["media"] == 37 and report.items["posts"] == PUBLIC_POSTS and report.items["tags"] == 118
    assert not list(report.folder.glob("media.p00002.json"))  # rest_post_invalid_page_number ends the collection


def test_a_redirect_to_another_host_is_not_followed(wordpress, tmp_path):
    site = tmp_path / "site"
    assert run_cli("init", site).returncode == 0
    with FaultProxy(wordpress.url) as proxy:
        proxy.add("redirect", "/")
        result = run_cli("import", proxy.url, "--site", site)
        assert len(proxy.requests()) == 1
    assert result.returncode == 1 and "another host" in result.stderr and result.stderr.count("\n") == 1
    assert not (site / "content/_sources").exists()


def test_replies_over_the_size_limit_are_refused(wordpress, tmp_path):
    settings = FetchSettings(max_api_bytes=1_000_000)  # a page of 100 posts with _embed is ~2.6 MB
    with pytest.raises(SsgError, match=r"wp/v2/posts\?.*(more|larger) than the limit of 1,000,000 bytes"):
        crawl_site(CrawlOptions(wordpress.url, fetch=settings), tmp_path)


def test_a_site_that_cannot_be_reached_is_a_one_line_error(run_ssg, new_site):
    code, _, err = run_ssg("import", f"http://127.0.0.1:{free_port()}/", "--site", new_site)
    assert code == 1 and err.startswith("ssg: error: cannot reach the site: ") and err.count("\n") == 1
    assert not (new_site / "content/_sources").exists()


def test_an_address_that_is_not_wordpress_says_so(run_ssg, new_site, serve_output, tmp_path):
    (tmp_path / "index.html").write_text("<p>Just a page</p>", encoding="utf-8")
    code, _, err = run_ssg("import", serve_output(tmp_path), "--site", new_site)
    assert code == 1 and "found no WordPress REST API at" in err and err.count("\n") == 1


@pytest.mark.parametrize("address", ["ftp://127.0.0.1/", "file:///etc/passwd", "javascript://x"])
def test_only_http_and_https_addresses_are_crawled(run_ssg, new_site, address):
    code, _, err = run_ssg("import", address, "--site", new_site)
    assert code == 1 and "only http:// and https://" in err


def test_an_application_password_is_never_sent_over_plain_http_to_another_machine(run_ssg, new_site, monkeypatch):
    monkeypatch.setenv("SSG_APP_PASSWORD", "abcd efgh")
    code, _, err = run_ssg("import", "http://example.invalid/", "--site", new_site, "--user", "me")
    assert code == 1 and "refusing to send an application password over plain http" in err


@pytest.mark.parametrize("args", [["--since", "yesterday"], ["--concurrency", "0"], ["--media", "all"]])
def test_bad_live_import_options_are_usage_errors(run_ssg, new_site, args):
    code, _, err = run_ssg("import", "https://example.invalid/", "--site", new_site, *args)
    assert code == 2 and "usage:" in err


def test_live_options_with_files_are_usage_errors(run_ssg, new_site, tmp_path):
    code, _, err = run_ssg("import", tmp_path, "--site", new_site, "--media", "download")
    assert code == 2 and "--media works with a site address" in err


def test_route_urls_keep_the_form_of_the_api_root():
    assert route_url("https://example.com/wp-json/", "/wp/v2/posts", {"page": "2"}) == \
        "https://example.com/wp-json/wp/v2/posts?page=2"
    assert route_url("https://example.com/blog/index.php?rest_route=/", "/wp/v2/posts", {"page": "2"}) == \
        "https://example.com/blog/index.php?rest_route=/wp/v2/posts&page=2"


def test_crawl_folders_are_named_after_the_site():
    assert crawl_folder_name("https://example.com/", None) == "example.com"
    assert crawl_folder_name("http://127.0.0.1:8089/blog/", None) == "127.0.0.1-8089-blog"
    assert crawl_folder_name("https://x.org/../..", datetime(2024, 5, 1)) == "x.org-since-20240501T000000"
