"""Import end to end: every input form, re-import, edited files, safe names, duplicates, the summary."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ssg import frontmatter
from ssg.config import load_config
from ssg.wordpress import write
from ssg.wordpress.write import import_sources

from conftest import EXAMPLES, LOOPBACK_DUMP as DUMP, SEED

LIST_FILE = EXAMPLES / "posts-from-category-7.json"


def markdown_files(site: Path) -> dict[str, dict]:
    found = {}
    for path in sorted((site / "content").rglob("*.md")):
        if "_sources" not in path.parts:
            found[path.relative_to(site / "content").as_posix()] = frontmatter.split(path.read_text(encoding="utf-8"), path)[0]
    return found


def record(**fields) -> dict:
    base = {"id": 1, "date": "2020-05-01T10:00:00", "date_gmt": "2020-05-01T08:00:00", "slug": "hello",
            "status": "publish", "type": "post", "link": "https://example.org/2020/05/hello/",
            "title": {"rendered": "Hello"}, "content": {"rendered": "<p>Hi.</p>"}, "excerpt": {"rendered": ""},
            "author": 0, "featured_media": 0, "categories": [], "tags": []}
    base.update(fields)
    return base


def test_a_single_record_is_written_by_year_and_month_and_kept_raw(new_site, run_ssg, monkeypatch):
    monkeypatch.chdir(new_site)
    code, out, err = run_ssg("import", SEED)
    assert code == 0, err
    post = new_site / "content/posts/2023/12/at-least-1700-organised-criminals-from-albania-are-walking-free-in-uk.md"
    assert post.is_file()
    assert (new_site / "content/_sources/wp-post-145831.json").read_bytes() == SEED.read_bytes()
    assert "1 post, 0 pages and 0 other written" in out and "1 salvaged" in out
    assert f"salvaged {post.relative_to(new_site)}: is truncated" in out


def test_a_list_of_embedded_records_resolves_authors_categories_and_images(new_site, run_ssg):
    code, out, err = run_ssg("import", LIST_FILE, "--site", new_site)
    assert code == 0, err
    posts = markdown_files(new_site)
    assert len(posts) == 5 and "0 salvaged" in out
    garden = next(meta for meta in posts.values() if meta["title"] == "Shinjuku Gyoen National Garden")
    assert isinstance(garden["author"], str) and garden["categories"] and isinstance(garden["categories"][0], str)
    assert garden["image"]["src"].startswith("https://") and "alt" in garden["image"]
    assert "/?p=" in garden["aliases"][0]


def test_a_folder_is_recognised_by_content_not_by_file_names(new_site, run_ssg, tmp_path):
    folder = tmp_path / "dump"
    folder.mkdir()
    for number, name in enumerate(["categories.p01.json", "posts.embed.p01.json", "users.p01.json", "index.json"]):
        shutil.copy(DUMP / name, folder / f"{number}.json")  # names that say nothing
    code, out, err = run_ssg("import", folder, "--site", new_site)
    assert code == 0, err
    assert "10 posts" in out and "74 category" in out and "3 user" in out
    terms = (new_site / "content/_data/terms.yml").read_text(encoding="utf-8")
    assert "slug: media-2" in terms
    site = (new_site / "content/_data/site.yml").read_text(encoding="utf-8")
    assert "name: Theme Unit Test Data" in site and "gmt_offset: -7" in site
    assert (new_site / "content/_sources/1.json").read_bytes() == (folder / "1.json").read_bytes()


def test_reimport_changes_no_byte(new_site, run_ssg):
    run_ssg("import", DUMP, EXAMPLES, "--site", new_site)
    before = {p: p.read_bytes() for p in (new_site / "content").rglob("*") if p.is_file()}
    code, out, _ = run_ssg("import", DUMP, EXAMPLES, "--site", new_site)
    assert code == 0 and "0 posts, 0 pages and 0 other written" in out
    assert {p: p.read_bytes() for p in (new_site / "content").rglob("*") if p.is_file()} == before


def test_parallel_import_gives_the_same_bytes_and_summary(new_site, tmp_path, monkeypatch):
    def files(site):
        return {p.relative_to(site): p.read_bytes() for p in (site / "content").rglob("*") if p.is_file()}

    def summary(report):
        return (report.files_read, report.skipped_files, report.registry, report.duplicates, report.written,
                report.unresolved)

    serial_report = import_sources(load_config(new_site), [DUMP], jobs=1)
    serial = files(new_site)
    other = tmp_path / "other"
    shutil.copytree(new_site, other)
    shutil.rmtree(other / "content")
    monkeypatch.setattr(write, "PARALLEL_FROM", 1)  # files are read, and posts converted, in workers
    monkeypatch.setattr(write, "PARALLEL_READ_FROM", 0)
    parallel_report = import_sources(load_config(other), [DUMP], jobs=2)
    assert files(other) == serial
    assert summary(parallel_report) == summary(serial_report)


def test_an_edited_post_is_kept_unless_forced(new_site, run_ssg):
    run_ssg("import", SEED, "--site", new_site)
    post = next((new_site / "content/posts").rglob("*.md"))
    post.write_text(post.read_text(encoding="utf-8") + "\nMy own note.\n", encoding="utf-8")
    code, out, _ = run_ssg("import", SEED, "--site", new_site)
    assert code == 0 and "1 kept because edited" in out and "(use --force to overwrite)" in out
    assert "My own note." in post.read_text(encoding="utf-8")
    code, out, _ = run_ssg("import", SEED, "--site", new_site, "--force")
    assert code == 0 and "1 post," in out
    assert "My own note." not in post.read_text(encoding="utf-8")


@pytest.mark.parametrize(("content", "why"), [
    (b"", "the file is empty"),
    (b"<html><body>502 Bad Gateway</body></html>", "it is an HTML page"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not JSON"),
    (b'{"code": "rest_post_invalid_id", "message": "Invalid post ID.", "data": {"status": 404}}',
     "a WordPress error response (rest_post_invalid_id)"),
    (b'[{"url": "http://x/", "status": 200}]', "it holds no posts, pages, terms, users, media or comments"),
])
def test_a_file_with_nothing_recoverable_is_skipped_by_name_and_the_rest_goes_on(new_site, run_ssg, tmp_path, content, why):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    code, out, err = run_ssg("import", bad, SEED, "--site", new_site)
    assert code == 0, err
    assert f"skipped {bad}: " in out and why in out
    assert "1 post," in out


def test_two_records_with_the_same_slug_both_survive(new_site, run_ssg, tmp_path):
    source = tmp_path / "dupes.json"
    source.write_text(json.dumps([record(id=1), record(id=2, title={"rendered": "Other"})]))
    code, out, _ = run_ssg("import", source, "--site", new_site)
    assert code == 0 and "2 posts" in out
    posts = markdown_files(new_site)
    assert set(posts) == {"posts/2020/05/hello.md", "posts/2020/05/hello-2.md"}
    assert posts["posts/2020/05/hello-2.md"]["url"] == "/2020/05/hello-2/"
    assert "renamed" in out and "also has the slug 'hello'" in out


def test_the_same_record_in_two_files_is_imported_once(new_site, run_ssg, tmp_path):
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text(json.dumps([record()]))
    code, out, _ = run_ssg("import", tmp_path / "a.json", tmp_path / "b.json", "--site", new_site)
    assert code == 0 and "1 post," in out and "1 record found in more than one file" in out


@pytest.mark.parametrize(("slug", "name"), [
    ("../../../etc/passwd", "etc-passwd.md"),
    ("con", "con-.md"),
    ("a\x00b\x1fc", "a-b-c.md"),
    ("%e6%96%b0%e5%ae%bf", "新宿.md"),
    ("x" * 400, "x" * 120 + ".md"),
])
def test_file_names_are_safe_and_stay_inside_content(new_site, tmp_path, slug, name):
    source = tmp_path / "odd.json"
    source.write_text(json.dumps([record(slug=slug, link="")]))
    import_sources(load_config(new_site), [source])
    written = [p for p in (new_site / "content/posts").rglob("*.md")]
    assert [p.name for p in written] == [name]
    assert written[0].resolve().is_relative_to((new_site / "content").resolve())


def test_nothing_is_written_through_a_link_that_leads_out_of_content(new_site, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    content = new_site / "content"
    (content / "posts").mkdir(parents=True, exist_ok=True)
    (content / "posts/2023").symlink_to(outside, target_is_directory=True)  # where the seed goes
    (content / "pages").mkdir(exist_ok=True)
    (content / "pages/about.md").symlink_to(outside / "about.md")
    folders: dict[Path, bool] = {}
    assert not write.inside_content(content / "posts/2023/12/hello.md", content, folders)
    assert not write.inside_content(content / "pages/about.md", content, folders)
    assert write.inside_content(content / "pages/team/contact.md", content, folders)
    assert (content / "pages/team").is_dir() and not any(outside.iterdir())
    with pytest.raises(AssertionError, match="refusing to write outside content"):
        import_sources(load_config(new_site), [SEED])
    assert not any(outside.rglob("*"))


def test_unresolved_ids_are_kept_as_numbers_and_reported(new_site, run_ssg, tmp_path):
    source = tmp_path / "post.json"
    source.write_text(json.dumps([record(categories=[12], tags=[5], author=3, featured_media=9)]))
    code, out, _ = run_ssg("import", source, "--site", new_site)
    meta = markdown_files(new_site)["posts/2020/05/hello.md"]
    assert meta["categories"] == [12] and meta["tags"] == [5] and meta["author"] == 3
    assert meta["wordpress"]["featured_media"] == 9
    assert "unresolved IDs, kept as numbers: author 3 (1 post), category 12 (1 post), featured image 9 (1 post), tag 5 (1 post)" in out


def test_custom_post_types_land_in_their_own_folder(new_site, tmp_path):
    source = tmp_path / "types.json"
    source.write_text(json.dumps([record(id=5, type="movie", slug="alien", link="https://example.org/movie/alien/"),
                                  record(id=6, type="media", slug="x", link="https://example.org/media/x/")]))
    import_sources(load_config(new_site), [source])
    posts = markdown_files(new_site)
    assert posts["movie/alien.md"]["kind"] == "movie" and posts["movie/alien.md"]["url"] == "/movie/alien/"
    assert "type-media/x.md" in posts  # content/media/ holds downloaded files


def test_wordpress_internal_types_are_not_imported(new_site, run_ssg, tmp_path):
    source = tmp_path / "mixed.json"
    source.write_text(json.dumps([record(), record(id=9, type="wp_navigation", slug="menu"), record(id=10, type="wp_block")]))
    code, out, _ = run_ssg("import", source, "--site", new_site)
    assert code == 0 and "1 post," in out and "2 internal" in out
    assert set(markdown_files(new_site)) == {"posts/2020/05/hello.md"}


def test_site_url_is_inferred_from_links_without_an_index(new_site, tmp_path):
    source = tmp_path / "post.json"
    source.write_text(json.dumps(record()))
    import_sources(load_config(new_site), [source])
    assert (new_site / "content/_data/site.yml").read_text(encoding="utf-8") == "url: https://example.org\n"


def test_progress_is_reported_with_totals(new_site):
    seen = []
    import_sources(load_config(new_site), [DUMP], progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert ("Reading", 26, 26) in seen and seen[-1] == ("Converting", 139, 139)


def test_a_crawl_saved_under_sources_imports_in_place(new_site, run_ssg):
    crawl = new_site / "content/_sources/crawl"
    shutil.copytree(DUMP, crawl)
    code, out, _ = run_ssg("import", crawl, "--site", new_site)
    assert code == 0 and "117 posts, 22 pages" in out
    assert sorted(p.name for p in (new_site / "content/_sources").iterdir()) == ["crawl", "imported.json"]


def test_a_changed_link_keeps_the_old_address_as_an_alias(new_site, run_ssg, tmp_path):
    source = tmp_path / "post.json"
    source.write_text(json.dumps(record()))
    run_ssg("import", source, "--site", new_site)
    source.write_text(json.dumps(record(slug="hello-again", link="https://example.org/2020/05/hello-again/")))
    code, out, _ = run_ssg("import", source, "--site", new_site)
    assert code == 0 and "moved from posts/2020/05/hello.md" in out
    assert set(markdown_files(new_site)) == {"posts/2020/05/hello-again.md"}
    meta = markdown_files(new_site)["posts/2020/05/hello-again.md"]
    assert meta["url"] == "/2020/05/hello-again/" and "/2020/05/hello/" in meta["aliases"]
    before = (new_site / "content/posts/2020/05/hello-again.md").read_bytes()
    run_ssg("import", source, "--site", new_site)  # the history is remembered: same bytes again
    assert (new_site / "content/posts/2020/05/hello-again.md").read_bytes() == before


def test_what_the_conversion_dropped_is_noted_in_the_summary(new_site, run_ssg, tmp_path):
    source = tmp_path / "post.json"
    source.write_text(json.dumps(record(content={"rendered": '<p>Write to us.</p>[contact-form-7 id="3"]'})))
    code, out, _ = run_ssg("import", source, "--site", new_site)
    assert code == 0 and "note content/posts/2020/05/hello.md: dropped the [contact-form-7] shortcode" in out.replace(str(new_site) + "/", "")


def test_without_an_excerpt_the_text_before_the_more_tag_is_the_summary(new_site, tmp_path):
    source = tmp_path / "post.json"
    source.write_text(json.dumps(record(excerpt={"rendered": ""}, content={
        "rendered": '<p>The teaser.</p>\n<p><span id="more-1"></span></p>\n<p>The rest.</p>'})))
    import_sources(load_config(new_site), [source])
    meta = markdown_files(new_site)["posts/2020/05/hello.md"]
    assert meta["summary"] == "The teaser."


def test_a_child_page_without_a_link_nests_under_its_parent(new_site, tmp_path):
    source = tmp_path / "pages.json"
    source.write_text(json.dumps([record(id=2, type="page", slug="about", link=""),
                                  record(id=3, type="page", slug="team", parent=2, link="")]))
    import_sources(load_config(new_site), [source])
    pages = markdown_files(new_site)
    assert pages["pages/about/team.md"]["url"] == "/about/team/" and pages["pages/about.md"]["url"] == "/about/"
