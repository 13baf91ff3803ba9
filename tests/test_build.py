"""End to end: init, import and build real sites in temporary folders, then read the HTML."""

from __future__ import annotations

from pathlib import PurePosixPath

import html5lib
import pytest

from ssg import frontmatter
from ssg.build import build
from ssg.errors import SsgError
from ssg.output import Output, write_site

from conftest import EXAMPLES, SEED, write_post

SEED_PAGE = "world-news/at-least-1700-organised-criminals-from-albania-are-walking-free-in-uk/index.html"


def assert_valid_html5(path):
    """html5lib in strict mode raises on any parse error of the HTML5 parsing algorithm."""
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(path.read_bytes())


@pytest.fixture
def imported_site(new_site, run_ssg):
    code, _, err = run_ssg("import", EXAMPLES, "--site", new_site)
    assert code == 0, err
    return new_site


def test_the_seed_is_built_at_its_wordpress_path(imported_site, run_ssg):
    code, out, err = run_ssg("build", "--site", imported_site)
    assert code == 0, err
    assert "Built 6 posts and 0 pages" in out
    page = imported_site / "public" / SEED_PAGE
    html = page.read_text(encoding="utf-8")
    document = html5lib.parse(html, namespaceHTMLElements=False)
    article = document.find(".//article[@class='h-entry']")
    assert article is not None
    assert article.find(".//*[@class='p-name']").text == (
        "At least 1,700 organised criminals from Albania are walking free in UK")
    assert article.find(".//time[@class='dt-published']").get("datetime") == "2023-12-03T02:14:58+00:00"
    content = article.find(".//div[@class='e-content']")
    paragraphs = [p for p in content.iter("p")]
    assert len(paragraphs) == 10
    assert paragraphs[0].text.startswith("Police fear at least 1,700")
    assert paragraphs[-1].text.endswith("organised immigration crime’.")


def test_every_page_is_valid_html5(imported_site):
    build(imported_site)
    public = imported_site / "public"
    pages = sorted(public.rglob("*.html"))
    kinds = {"posts": 6, "home": 1, "404": 1, "search": 1, "overviews": 3, "years": 2, "months": 4, "days": 4,
             "categories": 5, "tags": 16, "authors": 3, "redirects from the old /wp-cat/ category base": 5}
    assert len(pages) == sum(kinds.values())
    assert (public / "archives/index.html").is_file() and (public / "2016/10/index.html").is_file()
    assert 'url=/category/travel/"' in (public / "wp-cat/travel/index.html").read_text(encoding="utf-8")
    for page in pages:
        assert_valid_html5(page)


def test_home_404_and_nojekyll(imported_site):
    build(imported_site)
    public = imported_site / "public"
    assert (public / ".nojekyll").exists()
    assert "Page not found" in (public / "404.html").read_text(encoding="utf-8")
    home = (public / "index.html").read_text(encoding="utf-8")
    assert home.index("At least 1,700") < home.index("Shinjuku Gyoen")  # newest first


def test_home_is_paginated_wordpress_style(imported_site):
    config = imported_site / "ssg.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("per_page = 10", "per_page = 4"))
    build(imported_site)
    public = imported_site / "public"
    second = (public / "page/2/index.html").read_text(encoding="utf-8")
    assert "page 2 of 2" in second
    assert 'href="/"' in second and 'rel="prev"' in second
    assert 'href="/page/2/"' in (public / "index.html").read_text(encoding="utf-8")
    assert not (public / "page/3").exists()


def test_titles_and_bodies_cannot_run_script(new_site):
    write_post(new_site, "posts/evil.md", frontmatter.dump({
        "title": '<script>alert("title")</script> & "quotes"',
        "date": "2024-01-01T00:00:00+00:00",
    }, '\n<script>alert("body")</script>\n\n<img src="x.png" onerror="alert(1)">\n\n'
       '[click](javascript:alert(1)) {{ config.title }}\n'))
    build(new_site)
    html = (new_site / "public/2024/01/evil/index.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "onerror" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; &amp; &#34;quotes&#34;" in html
    assert "{{ config.title }}" in html


def test_a_sub_path_base_url_prefixes_every_link(imported_site, run_ssg):
    code, _, err = run_ssg("build", "--site", imported_site, "--base-url", "https://user.github.io/repo/")
    assert code == 0, err
    html = (imported_site / "public" / SEED_PAGE).read_text(encoding="utf-8")
    assert 'href="/repo/_ssg/style.css"' in html
    assert 'href="/repo/"' in html
    assert f'href="https://user.github.io/repo/{SEED_PAGE[:-len("index.html")]}"' in html
    assert 'href="/_ssg' not in html


def test_drafts_only_with_the_flag(new_site, run_ssg):
    write_post(new_site, "posts/d.md", "---\ntitle: Draft\ndate: 2024-01-01\ndraft: true\n---\nText\n")
    run_ssg("build", "--site", new_site)
    assert not (new_site / "public/2024/01/d").exists()
    run_ssg("build", "--site", new_site, "--drafts")
    assert (new_site / "public/2024/01/d/index.html").exists()


def test_two_builds_are_byte_identical(imported_site, tmp_path):
    build(imported_site, out=tmp_path / "one")
    build(imported_site, out=tmp_path / "two")
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file()}
    assert one == two


def test_a_failed_build_leaves_the_previous_output(imported_site):
    build(imported_site)
    before = (imported_site / "public" / SEED_PAGE).read_bytes()
    write_post(imported_site, "posts/broken.md", "---\ntitle: [unclosed\n---\n")
    with pytest.raises(SsgError):
        build(imported_site)
    assert (imported_site / "public" / SEED_PAGE).read_bytes() == before
    assert [p.name for p in imported_site.iterdir() if p.name.startswith(".public")] == []


def test_url_collisions_name_both_files(new_site):
    for name in ("a", "b"):
        write_post(new_site, f"posts/{name}.md", f"---\ntitle: {name}\ndate: 2024-01-01\nurl: /same/\n---\n")
    with pytest.raises(SsgError, match="both this file and .*a.md want to be /same/index.html") as error:
        build(new_site)
    assert error.value.path.name == "b.md"


@pytest.mark.parametrize("out", [".", "content"])
def test_the_output_folder_cannot_be_the_site_or_its_content(imported_site, out):
    with pytest.raises(SsgError, match="output folder cannot be"):
        build(imported_site, out=imported_site / out)


def test_a_folder_not_built_by_ssg_is_not_replaced(imported_site, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.txt").write_text("precious")
    with pytest.raises(SsgError, match="not built by ssg"):
        build(imported_site, out=mine)
    assert (mine / "thesis.txt").read_text() == "precious"


def test_the_repository_example_site_builds(tmp_path):
    from conftest import REPOSITORY
    report = build(REPOSITORY, out=tmp_path / "public")
    assert report.posts == 6
    assert (tmp_path / "public" / SEED_PAGE).is_file()
    assert SEED.name in {p.name for p in (REPOSITORY / "content/_sources").iterdir()}


def test_an_undated_draft_does_not_stop_the_build(new_site, run_ssg):
    """Import writes a record with no recoverable date as an undated draft under posts/undated/."""
    write_post(new_site, "posts/undated/lost.md", "---\ntitle: Lost date\nslug: lost\ndraft: true\n---\nText\n")
    write_post(new_site, "posts/dated.md", "---\ntitle: Dated\ndate: 2024-01-01\n---\nText\n")
    code, out, err = run_ssg("build", "--site", new_site)
    assert code == 0, err
    code, out, err = run_ssg("build", "--site", new_site, "--drafts")
    assert code == 0, err
    assert "Lost date" in (new_site / "public/lost/index.html").read_text(encoding="utf-8")


def test_an_undated_post_that_is_not_a_draft_is_an_error(new_site, run_ssg):
    write_post(new_site, "posts/nodate.md", "---\ntitle: No date\n---\nText\n")
    code, _, err = run_ssg("build", "--site", new_site)
    assert code == 1 and "nodate.md" in err and "needs a 'date'" in err


def test_editor_lock_and_backup_files_are_not_posts(new_site, run_ssg):
    write_post(new_site, "posts/real.md", "---\ntitle: Real\ndate: 2024-01-01\n---\nText\n")
    write_post(new_site, "posts/.#real.md", "not front matter at all")
    write_post(new_site, "posts/#real.md#", "not front matter at all")
    code, out, err = run_ssg("build", "--site", new_site)
    assert code == 0, err
    assert "Built 1 post" in out


def test_media_that_could_run_script_is_not_published_as_is(new_site, run_ssg):
    media = new_site / "content/media/wp-content/uploads/2020/01"
    media.mkdir(parents=True)
    (media / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (media / "page.html").write_text("<script>alert(1)</script>")
    (media / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>')
    code, out, err = run_ssg("build", "--site", new_site)
    assert code == 0, err
    public = new_site / "public/wp-content/uploads/2020/01"
    assert (public / "photo.jpg").read_bytes() == b"\xff\xd8\xff"
    assert not (public / "page.html").exists() and "page.html: not published" in err
    assert "onload" not in (public / "logo.svg").read_text() and "<rect/>" in (public / "logo.svg").read_text()


@pytest.mark.parametrize("path", ["../escaped.html", "/etc/escaped.html", "a/../../escaped.html", ""])
def test_no_file_is_written_outside_the_output_folder(tmp_path, path):
    out = tmp_path / "public"
    with pytest.raises(SsgError, match="outside the output folder"):
        write_site([Output(PurePosixPath("index.html"), b"ok"), Output(PurePosixPath(path), b"no")], out)
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == []
