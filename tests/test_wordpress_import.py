"""Import from files: single records, lists, folders, damaged files, re-import and edited files."""

from __future__ import annotations

import json

from ssg import frontmatter

from conftest import EXAMPLES, SEED

LIST_FILE = EXAMPLES / "posts-from-category-7.json"


def test_import_writes_markdown_by_year_and_month_and_keeps_the_raw_record(new_site, run_ssg, monkeypatch):
    monkeypatch.chdir(new_site)
    code, out, err = run_ssg("import", SEED)
    assert code == 0, err
    post = new_site / "content/posts/2023/12/at-least-1700-organised-criminals-from-albania-are-walking-free-in-uk.md"
    assert post.is_file()
    assert (new_site / "content/_sources/wp-post-145831.json").read_bytes() == SEED.read_bytes()
    assert "1 written" in out and "1 salvaged" in out
    assert f"salvaged {post.relative_to(new_site)}: is truncated" in out


def test_a_list_of_records_imports_every_post(new_site, run_ssg):
    code, out, err = run_ssg("import", LIST_FILE, "--site", new_site)
    assert code == 0, err
    records = json.loads(LIST_FILE.read_text(encoding="utf-8"))
    written = sorted((new_site / "content/posts").rglob("*.md"))
    assert len(written) == len(records) == 5
    titles = {frontmatter.split(p.read_text(encoding="utf-8"), p)[0]["title"] for p in written}
    assert "Shinjuku Gyoen National Garden" in titles
    assert "0 salvaged" in out


def test_a_folder_is_searched_for_json_files(new_site, run_ssg):
    code, out, _ = run_ssg("import", EXAMPLES, "--site", new_site)
    assert code == 0
    assert "Imported 2 files" in out and "6 written" in out


def test_reimport_changes_nothing(new_site, run_ssg):
    run_ssg("import", EXAMPLES, "--site", new_site)
    before = {p: p.read_bytes() for p in (new_site / "content").rglob("*") if p.is_file()}
    code, out, _ = run_ssg("import", EXAMPLES, "--site", new_site)
    assert code == 0 and "0 written, 6 unchanged" in out
    after = {p: p.read_bytes() for p in (new_site / "content").rglob("*") if p.is_file()}
    assert after == before


def test_an_edited_post_is_kept_unless_forced(new_site, run_ssg):
    run_ssg("import", SEED, "--site", new_site)
    post = next((new_site / "content/posts").rglob("*.md"))
    post.write_text(post.read_text(encoding="utf-8") + "\nMy own note.\n", encoding="utf-8")
    code, out, _ = run_ssg("import", SEED, "--site", new_site)
    assert code == 0 and "1 kept because edited" in out
    assert "My own note." in post.read_text(encoding="utf-8")
    code, out, _ = run_ssg("import", SEED, "--site", new_site, "--force")
    assert code == 0 and "1 written" in out
    assert "My own note." not in post.read_text(encoding="utf-8")


def test_a_file_with_nothing_recoverable_is_skipped_by_name(new_site, run_ssg, tmp_path):
    page = tmp_path / "error.json"
    page.write_text("<html><body>502 Bad Gateway</body></html>", encoding="utf-8")
    code, out, err = run_ssg("import", page, SEED, "--site", new_site)
    assert code == 0, err
    assert f"skipped {page}: it is an HTML page" in out
    assert "1 written" in out


def test_records_that_are_not_posts_are_counted_not_converted(new_site, run_ssg, tmp_path):
    terms = tmp_path / "categories.json"
    terms.write_text(json.dumps([{"id": 7, "name": "Travel", "slug": "travel", "taxonomy": "category"}]))
    code, out, _ = run_ssg("import", terms, "--site", new_site)
    assert code == 0 and "1 record that are not posts or pages" in out
