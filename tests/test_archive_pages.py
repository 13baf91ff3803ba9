"""End to end on the contract site: the pages a WordPress visitor knew are all there, and they say
what the content says (lists, terms, comments, metadata, media)."""

from __future__ import annotations

import json

import html5lib
import pytest

from ssg.build import build
from ssg.errors import SsgError

from conftest import read, write_post

HARBOUR = "2020/01/15/harbour-days/"


def parse(text: str):
    return html5lib.parse(text, namespaceHTMLElements=False)


def titles(public, url_path: str) -> list[str]:
    """The post titles a list page shows, in order."""
    return ["".join(a.itertext()) for a in parse(read(public, url_path)).findall(".//article//h2/a")]


def test_every_page_is_valid_html5(contract_public):
    for page in sorted(contract_public.rglob("*.html")):
        html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page.read_bytes())


def test_posts_and_nested_pages_live_at_their_paths_and_drafts_do_not(contract_public):
    for path in (HARBOUR, "2019/12/31/new-years-eve/", "2021/03/new-topic/", "about/", "about/team/"):
        assert (contract_public / path / "index.html").is_file(), path
    assert (contract_public / "contact.html").is_file()
    assert not (contract_public / "2021/03/draft").exists()


def test_home_lists_sticky_posts_first_then_newest(contract_public):
    assert titles(contract_public, "") == ["Town hall meeting",
                                           "</script><script>alert('title')</script> \"quotes\" & <b>tags</b>"]
    assert titles(contract_public, "page/2/") == ["A new topic", "A gallery"]
    assert titles(contract_public, "page/3/") == ["My e-bike", "Harbour days"]
    assert titles(contract_public, "page/4/") == ["New Year's Eve"]
    assert not (contract_public / "page/5").exists()
    assert 'href="/page/2/"' in read(contract_public, "")


def test_categories_nest_like_wordpress_and_include_their_subcategories(contract_public):
    assert titles(contract_public, "category/news/local/town-hall/") == ["Town hall meeting"]
    assert titles(contract_public, "category/news/local/") == ["My e-bike", "Town hall meeting"]
    # News holds its own posts and those of Local and Town Hall, newest first, two per page.
    news = titles(contract_public, "category/news/") + titles(contract_public, "category/news/page/2/")
    assert news[1:] == ["My e-bike", "Town hall meeting", "New Year's Eve"]
    # The same name under the same parent, told apart by slug; a registry term without posts.
    assert titles(contract_public, "category/media/") == ["Harbour days"]
    assert titles(contract_public, "category/media-2/") == ["A gallery"]
    assert "Nothing here yet." in read(contract_public, "category/unused/")
    # New names from a hand-written post become new terms, nested too.
    assert titles(contract_public, "category/hobbies/knitting/") == ["A new topic"]


def test_tags_and_authors_have_their_lists(contract_public):
    assert titles(contract_public, "tag/e-bikes/") == ["My e-bike", "Harbour days"]
    assert titles(contract_public, "tag/yarn-wool/") == ["A new topic"]
    assert titles(contract_public, "author/bob/") == ["My e-bike", "Town hall meeting"]
    assert titles(contract_public, "author/carol-new/") == ["A new topic"]
    assert "Tag: Cats" in read(contract_public, "tag/cats/")


def test_date_archives_use_the_posts_own_local_date(contract_public):
    # 23:30 on 31 December in UTC-7 is already 2020 in UTC; WordPress files it under 2019.
    assert titles(contract_public, "2019/") == ["New Year's Eve"]
    assert titles(contract_public, "2019/12/31/") == ["New Year's Eve"]
    assert titles(contract_public, "2020/02/") == ["A gallery", "My e-bike"]
    assert titles(contract_public, "2020/02/page/2/") == ["Town hall meeting"]


def test_archive_overview_categories_and_tags_pages(contract_public):
    archives = parse(read(contract_public, "archives/"))
    years = ["".join(h.itertext()).strip() for h in archives.findall(".//main//h2")]
    assert years == ["2021 (2)", "2020 (4)", "2019 (1)"]
    months = ["".join(li.itertext()).strip() for li in archives.findall(".//main//ul/li")]
    assert months == ["March 2021 (2)", "February 2020 (3)", "January 2020 (1)", "December 2019 (1)"]
    tree = parse(read(contract_public, "categories/"))
    town_hall = tree.find(".//ul[@class='category-tree']/li/ul/li/ul/li/a")
    assert town_hall.text == "Town Hall" and town_hall.get("href") == "/category/news/local/town-hall/"
    assert "Unused" in read(contract_public, "categories/")
    tags = [a.text for a in parse(read(contract_public, "tags/")).findall(".//ul[@class='tag-list']/li/a")]
    assert tags == ["Cats", "E-Bikes", "Lonely", "Yarn & Wool"]


def test_breadcrumbs_for_nested_pages_and_categories(contract_public):
    def crumbs(url_path):
        nav = parse(read(contract_public, url_path)).find(".//nav[@aria-label='Breadcrumb']")
        return [(a.text, a.get("href")) for a in nav.iter("a")]

    assert crumbs("about/team/") == [("Home", "/"), ("About", "/about/"), ("The team", "/about/team/")]
    assert crumbs("category/news/local/town-hall/") == [
        ("Home", "/"), ("News", "/category/news/"), ("Local", "/category/news/local/"),
        ("Town Hall", "/category/news/local/town-hall/")]
    assert crumbs("2020/02/10/") == [("Home", "/"), ("2020", "/2020/"), ("February 2020", "/2020/02/"),
                                     ("February 10, 2020", "/2020/02/10/")]


def test_a_post_page_carries_h_entry_and_its_terms(contract_public):
    article = parse(read(contract_public, HARBOUR)).find(".//article[@class='h-entry']")
    assert article.find(".//*[@class='p-name']").text == "Harbour days"
    assert article.find(".//time[@class='dt-published']").get("datetime") == "2020-01-15T09:30:00-07:00"
    assert article.find(".//time[@class='dt-updated']").get("datetime") == "2020-01-16T10:00:00-07:00"
    author = article.find(".//a[@class='p-author h-card']")
    assert (author.text, author.get("href")) == ("Ada Admin", "/author/admin/")
    assert [a.text for a in article.findall(".//a[@class='p-category']")] == ["Media", "Cats", "E-Bikes"]
    assert article.find(".//div[@class='e-content']") is not None
    featured = article.find(".//img[@class='u-featured']")
    assert (featured.get("src"), featured.get("alt")) == ("/wp-content/uploads/2020/01/harbour.png",
                                                          "The harbour at dawn")


def test_post_formats_and_stickiness_reach_the_markup(contract_public):
    assert 'class="h-entry format-aside"' in read(contract_public, "2020/02/10/e-bike/")
    assert 'class="h-entry sticky"' in read(contract_public, "2020/02/03/town-hall-meeting/")


def test_prev_next_follow_dates(contract_public):
    page = parse(read(contract_public, HARBOUR))
    assert page.find(".//a[@rel='prev']").get("href") == "/2019/12/31/new-years-eve/"
    assert page.find(".//a[@rel='next']").get("href") == "/2020/02/03/town-hall-meeting/"


def test_comments_are_threaded_and_read_only(contract_public):
    page = parse(read(contract_public, HARBOUR))
    section = page.find(".//section[@id='comments']")
    assert section.find("h2").text == "4 comments"
    top = section.findall("ol/li")
    assert [li.get("id") for li in top] == ["comment-501", "comment-503"]
    reply = top[0].find("ol/li")
    assert reply.get("id") == "comment-502"
    assert reply.find("ol/li").get("id") == "comment-504"  # a reply to the reply
    assert "pingback" in top[1].get("class")
    assert section.find(".//form") is None and section.find(".//textarea") is None
    # A comment's links are rewritten like a post's; its script and javascript: website are gone.
    assert reply.find(".//div[@class='e-content comment-content']//a").get("href") == "/2020/02/03/town-hall-meeting/"
    html = read(contract_public, HARBOUR)
    assert "alert('comment')" not in html and "javascript:" not in html
    assert "Nice try." in html


def test_open_graph_and_json_ld_cannot_be_closed_by_content(contract_public):
    html = read(contract_public, "2021/03/evil/")
    scripts = parse(html).findall(".//script")
    # The theme's JSON-LD and old-link script: the title's </script><script> did not open another.
    assert [(s.get("type"), s.get("src")) for s in scripts] == [("application/ld+json", None),
                                                                (None, "/_ssg/old-links.js")]
    data = json.loads(scripts[0].text)
    assert data["@type"] == "Article"
    assert data["headline"] == "</script><script>alert('title')</script> \"quotes\" & <b>tags</b>"
    assert data["url"] == "https://archive.example.net/2021/03/evil/"
    assert '<meta property="og:title" content="&lt;/script&gt;' in html
    harbour = read(contract_public, HARBOUR)
    assert '<link rel="canonical" href="https://archive.example.net/2020/01/15/harbour-days/">' in harbour
    assert '<meta property="og:image" content="https://archive.example.net/wp-content/uploads/2020/01/harbour.png">' in harbour


def test_template_syntax_in_content_is_text(contract_public):
    assert "{{ config.title }} and {% if true %}yes{% endif %}" in read(contract_public, "2020/02/03/town-hall-meeting/")


def test_hostile_content_does_not_reach_the_page(contract_public):
    main = parse(read(contract_public, "2021/03/evil/")).find(".//main")
    elements = list(main.iter())
    assert [e.tag for e in elements if e.tag in ("script", "form", "input", "object", "embed", "base", "meta")] == []
    assert [(e.tag, name) for e in elements for name in e.attrib if name.startswith("on")] == []
    addresses = [value for e in elements for name, value in e.attrib.items() if name in ("href", "src")]
    assert not [a for a in addresses if a.strip().lower().startswith(("javascript:", "data:"))]
    # What was hostile is shown as text, escaped.
    assert "<img src=x onerror=alert(1)>" in "".join(main.find(".//a[@class='p-author h-card']").itertext())


def test_iframes_only_from_embed_hosts_and_sandboxed(contract_public):
    frames = parse(read(contract_public, "2020/02/20/gallery/")).findall(".//iframe")
    assert frames[0].get("src") == "https://www.youtube.com/embed/abc123"
    assert frames[0].get("sandbox") == "allow-scripts allow-same-origin allow-popups allow-presentation"
    assert frames[1].get("src") is None


def test_media_static_cname_robots_and_nojekyll(contract_public):
    assert (contract_public / "wp-content/uploads/2020/01/harbour.png").read_bytes().startswith(b"\x89PNG")
    assert (contract_public / "humans.txt").read_text() == "Archived with ssg.\n"
    assert (contract_public / "CNAME").read_text() == "archive.example.net\n"
    assert (contract_public / ".nojekyll").exists()
    assert read(contract_public, "robots.txt") == (
        "User-agent: *\nAllow: /\n\nSitemap: https://archive.example.net/sitemap.xml\n")


def test_a_post_can_choose_its_template(contract_site):
    (contract_site / "templates").mkdir()
    (contract_site / "templates" / "wide.html").write_text(
        '{% extends "post.html" %}{% block title %}WIDE {{ post.title }}{% endblock %}')
    write_post(contract_site, "pages/wide.md", "---\ntitle: Wide one\nkind: page\ntemplate: wide.html\n---\nx\n")
    build(contract_site)
    assert "<title>WIDE Wide one</title>" in read(contract_site / "public", "wide/")
    write_post(contract_site, "pages/wide.md", "---\ntitle: Wide one\nkind: page\ntemplate: nope.html\n---\nx\n")
    with pytest.raises(SsgError, match="template 'nope.html'") as error:
        build(contract_site)
    assert error.value.path.name == "wide.md"


@pytest.mark.parametrize("relative, text, owners", [
    ("posts/clash.md", "---\ntitle: Clash\ndate: 2024-01-01\nurl: /about/\n---\n", ("about.md", "clash.md")),
    ("posts/clash.md", "---\ntitle: Clash\ndate: 2024-01-01\nurl: /category/news/\n---\n", ("News", "clash.md")),
    ("posts/clash.md", "---\ntitle: Clash\ndate: 2024-01-01\nurl: /humans.txt/\n---\n", ("clash.md",)),
])
def test_url_collisions_are_found_before_writing_and_name_both(contract_site, relative, text, owners):
    build(contract_site)
    before = sorted(p.relative_to(contract_site / "public") for p in (contract_site / "public").rglob("*"))
    write_post(contract_site, relative, text)
    with pytest.raises(SsgError, match="want to be /") as error:
        build(contract_site)
    for owner in owners:
        assert owner in str(error.value)
    after = sorted(p.relative_to(contract_site / "public") for p in (contract_site / "public").rglob("*"))
    assert after == before


def test_an_alias_gives_way_to_the_page_that_lives_there_now(contract_site, caplog):
    write_post(contract_site, "posts/clash.md", "---\ntitle: Clash\ndate: 2024-01-01\naliases: [/about/]\n---\n")
    build(contract_site)
    assert "<h1 class=\"p-name\">About</h1>" in read(contract_site / "public", "about/")
    [warning] = [r.getMessage() for r in caplog.records if "is not redirected" in r.getMessage()]
    assert "alias /about/ in" in warning and "clash.md" in warning and "about.md" in warning


def test_a_media_file_and_a_static_file_at_one_path_are_a_collision(contract_site):
    (contract_site / "static" / "wp-content" / "uploads" / "2020" / "01").mkdir(parents=True)
    (contract_site / "static" / "wp-content" / "uploads" / "2020" / "01" / "harbour.png").write_bytes(b"x")
    with pytest.raises(SsgError, match="both this file and .*harbour.png want to be /wp-content/uploads/2020/01/harbour.png"):
        build(contract_site)


def test_two_builds_of_the_same_content_are_byte_identical(contract_site, tmp_path):
    build(contract_site, out=tmp_path / "one")
    build(contract_site, out=tmp_path / "two")
    files = lambda root: {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}  # noqa: E731
    one = files(tmp_path / "one")
    assert len(one) > 100 and one == files(tmp_path / "two")
