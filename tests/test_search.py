"""Search: records from posts, shards, the cache, `search = false`, and the index a build writes."""

from __future__ import annotations

import filecmp
import gzip
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import html5lib
import pytest

from ssg import search
from ssg.bodies import plain_text
from ssg.build import build
from ssg.config import Config
from ssg.content import Image, Post
from ssg.errors import SsgError
from ssg.pagefind_files import unpack
from ssg.taxonomy import PostTerms, Term
from ssg.urls import slugify

from conftest import write_post
from searchsite import write_search_site


def post(**fields) -> Post:
    return Post(source=Path("content/x.md"), title=fields.pop("title", "A post"), body="", **fields)


@pytest.fixture
def site(new_site) -> Path:
    return write_search_site(new_site)


def cached_shards(site: Path) -> set[str]:
    return {path.name for path in (site / ".ssg-cache/search").iterdir() if not path.name.startswith("scripts-")}


def terms(categories=(), tags=(), author=None) -> PostTerms:
    """Resolved terms as the resolve stage makes them: categories are chains of parents."""
    made = []
    for chain in categories:
        parent = None
        for name in chain.split("/"):
            parent = Term(kind="category", name=name, url="", slug=slugify(name), parent=parent)
        made.append(parent)
    return PostTerms(categories=made, tags=[Term(kind="tag", name=t, url="", slug=slugify(t)) for t in tags],
                     author=Term(kind="author", name=author, url="", slug=slugify(author)) if author else None)


def test_a_record_is_the_body_as_text_with_its_metadata():
    record = search.make_record(
        post(url="/2021/05/café/", date=datetime(2021, 5, 4, 10, tzinfo=timezone(timedelta(hours=1))),
             image=Image(src="/wp-content/uploads/a b.jpg", alt="Cliffs")),
        plain_text("<h2>Fog &amp; light</h2>\n<p>The <em>beam</em> turns.</p>\n"),
        terms(["Travel/Coast/Cliffs", "Travel"], ["Walks", "Walks"], "Ada Lovelace"))
    assert record.text == "Fog & light The beam turns."
    assert record.url == "/2021/05/caf%C3%A9/"
    assert (record.date, record.sort_date, record.year) == ("May 4, 2021", "2021-05-04T09:00:00Z", "2021")
    assert record.categories == ["travel", "travel/coast", "travel/coast/cliffs"]
    assert record.tags == ["walks"]
    assert (record.author, record.author_slug) == ("Ada Lovelace", "ada-lovelace")
    assert (record.image, record.image_alt) == ("/wp-content/uploads/a%20b.jpg", "Cliffs")


@pytest.mark.parametrize("image", [Image(src="https://old.example.org/a.jpg"), Image(src="//old.example.org/a.jpg"),
                                   None])
def test_only_images_the_archive_serves_are_shown_in_results(image):
    assert search.local_image(image) == ("", "")


def test_pagefind_gets_filters_for_category_tag_author_and_year_and_a_date_to_sort_by():
    record = search.make_record(post(url="/p/", date=datetime(2023, 3, 20, tzinfo=timezone.utc)), "Text",
                                terms(["News"], ["x"], "Ada"))
    arguments = search.pagefind_record(record, "en")
    assert arguments["filters"] == {"category": ["news"], "tag": ["x"], "author": ["ada"], "year": ["2023"]}
    assert arguments["sort"] == {"date": "2023-03-20T00:00:00Z"}
    assert arguments["meta"] == {"title": "A post", "date": "March 20, 2023", "author": "Ada"}
    assert arguments["content"] == "Text"


def test_shards_are_date_ranges_cut_from_the_oldest(monkeypatch):
    monkeypatch.setattr(search, "shard_size", lambda records: 2)
    records = [search.SearchRecord(url=f"/{n}/", title="", text="", sort_date=f"20{n:02d}") for n in range(5)]
    shards = search.plan_shards(list(reversed(records)))
    assert [[r.url for r in shard] for shard in shards] == [["/4/"], ["/2/", "/3/"], ["/0/", "/1/"]]


@pytest.mark.parametrize("words, posts", [(600, 700), (640, 700), (1500, 300), (20, 22500), (100_000, 100)])
def test_shards_hold_about_the_same_number_of_words(words, posts):
    records = [search.SearchRecord(url="/", title="", text=" ".join(["word"] * words))]
    assert search.shard_size(records) == posts


def test_very_large_archives_get_bigger_shards_rather_than_more(monkeypatch):
    monkeypatch.setattr(search, "shard_size", lambda records: 2)
    monkeypatch.setattr(search, "MAX_SHARDS", 3)
    records = [search.SearchRecord(url=f"/{n}/", title="", text="", sort_date=f"{n:04d}") for n in range(10)]
    assert [len(shard) for shard in search.plan_shards(records)] == [2, 4, 4]


def test_a_build_writes_the_index_and_a_search_page_linked_from_every_page(site):
    build(site, base_url="https://user.github.io/repo/")
    public = site / "public"
    entry = json.loads((public / "_pagefind/pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 5
    assert (public / "_pagefind/pagefind.js").is_file() and (public / "_pagefind/wasm.en.pagefind").is_file()
    assert not list(public.glob("_pagefind/pagefind-ui*")), "Pagefind's own UI is not shipped"
    page = (public / "search/index.html").read_text(encoding="utf-8")
    assert 'data-index="/repo/_pagefind/"' in page and 'data-base="/repo/"' in page
    assert '<option value="travel/coast/cliffs">Travel › Coast › Cliffs (1)</option>' in page
    assert '<option value="ada-keeper">Ada Keeper (2)</option>' in page
    assert '<option value="&lt;' not in page and "<img src=x" not in page
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
    for html in public.rglob("*.html"):
        if html.parent.name != "search":  # the search page has its own form instead
            assert 'role="search" action="/repo/search/"' in html.read_text(encoding="utf-8"), html


def test_search_false_turns_it_all_off(site):
    (site / "ssg.toml").write_text((site / "ssg.toml").read_text().replace("search = true", "search = false"))
    build(site)
    public = site / "public"
    assert not (public / "_pagefind").exists() and not (public / "search").exists()
    assert "search-box" not in (public / "index.html").read_text(encoding="utf-8")


def test_search_must_be_true_or_false(site, run_ssg):
    (site / "ssg.toml").write_text((site / "ssg.toml").read_text().replace("search = true", 'search = "no"'))
    code, _, err = run_ssg("build", "--site", site)
    assert code == 1 and "'search' must be true or false" in err


def test_a_missing_pagefind_binary_is_one_line_that_says_how_to_install_it(site, run_ssg, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site / "no-such-pagefind"))
    code, out, err = run_ssg("build", "--site", site)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "pip install 'pagefind[bin]'" in err and "search = false" in err
    assert not (site / "public").exists()


def test_when_nothing_changed_the_index_is_not_rebuilt(site, monkeypatch):
    build(site)
    first = cached_shards(site)
    # Without a Pagefind binary, the second build can only succeed from the cache.
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site / "no-such-pagefind"))
    build(site)
    assert (site / "public/_pagefind/pagefind-entry.json").is_file()
    # A changed post means indexing again, and the old shard leaves the cache.
    write_post(site, "posts/2023/03/night.md", "---\ntitle: Changed\ndate: 2023-03-20\n---\nNew words.\n")
    with pytest.raises(SsgError, match="Pagefind binary"):
        build(site)
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    build(site)
    assert len(cached_shards(site)) == 1 and cached_shards(site) != first


def test_only_the_changed_shard_is_indexed_again(site, monkeypatch):
    monkeypatch.setattr(search, "shard_size", lambda records: 2)
    build(site)
    before = cached_shards(site)
    write_post(site, "posts/2023/04/evil.md", "---\ntitle: Tamed\ndate: 2023-04-01\n---\nCalm.\n")
    build(site)
    after = cached_shards(site)
    assert len(before) == len(after) == 3 and len(before & after) == 2


def test_the_index_is_the_same_bytes_when_built_again_from_scratch(site, tmp_path, monkeypatch):
    monkeypatch.setattr(search, "shard_size", lambda records: 2)
    build(site, out=tmp_path / "one")
    for cached in (site / ".ssg-cache/search").iterdir():
        for path in sorted(cached.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        cached.rmdir()
    build(site, out=tmp_path / "two")
    comparison = filecmp.dircmp(tmp_path / "one", tmp_path / "two")
    assert not comparison.diff_files and not comparison.left_only and not comparison.right_only
    assert all(filecmp.cmp(a, tmp_path / "two" / a.relative_to(tmp_path / "one"), shallow=False)
               for a in (tmp_path / "one").rglob("*") if a.is_file())


def test_older_shards_share_the_newest_shards_scripts(site, monkeypatch):
    monkeypatch.setattr(search, "shard_size", lambda records: 2)
    build(site)
    index = site / "public/_pagefind"
    assert sorted(p.name for p in index.iterdir() if p.is_dir()) == ["1", "2", "filter", "fragment", "index"]
    assert not list(index.glob("[12]/*.js")) and not list(index.glob("[12]/wasm.*"))
    assert (index / "1/pagefind-entry.json").is_file()
    page = (site / "public/search/index.html").read_text(encoding="utf-8")
    assert len(page.split('data-shards="')[1].split('"')[0].split()) == 3


@pytest.mark.parametrize("url, message", [("/search/", "the search page"), ("/_pagefind/x/", "search index")])
def test_a_post_where_search_lives_is_an_error_naming_it(site, url, message):
    path = write_post(site, "posts/search.md", f"---\ntitle: Search\ndate: 2020-01-01\nurl: {url}\n---\n")
    with pytest.raises(SsgError, match=message) as error:
        build(site)
    assert error.value.path == path


def test_an_empty_site_gets_a_search_page_and_no_index(new_site):
    build(new_site)
    page = (new_site / "public/search/index.html").read_text(encoding="utf-8")
    assert 'data-shards=""' in page and not (new_site / "public/_pagefind").exists()


def test_pagefind_keeps_records_in_the_order_they_were_sent(tmp_path):
    """Records are sent all at once; the index (and so its bytes) must not depend on timing."""
    records = [search.SearchRecord(url=f"/{n}/", title=f"Post {n}", text=f"common word{n} " * 40,
                                   sort_date=f"{n:04d}") for n in range(300)]
    _, [folder] = search.index_shards(Config(root=tmp_path), [records])
    entry = json.loads((folder / "pagefind-entry.json").read_text())
    meta = unpack((folder / f"pagefind.{entry['languages']['en']['hash']}.pf_meta").read_bytes())
    fragments = [json.loads(gzip.decompress((folder / f"fragment/{page[0]}.pf_fragment").read_bytes())[12:])
                 for page in meta[1]]
    assert [fragment["url"] for fragment in fragments] == [record.url for record in records]


def test_a_shard_keeps_only_its_index_files_where_pagefind_wrote_them(tmp_path):
    records = [search.SearchRecord(url=f"/{n}/", title=f"Post {n}", text=f"shared word{n}", year=f"{2000 + n % 3}",
                                   tags=[f"tag-{n % 4}"], sort_date=f"{n:04d}") for n in range(12)]
    scripts, [folder] = search.index_shards(Config(root=tmp_path), [records])
    assert set(folder.parent.iterdir()) == {scripts, folder}, "no staging folder is left behind"
    names = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
    assert names and all(search.is_index_file(name) for name in names), "no UI, script or wasm of Pagefind's"
    entry = json.loads((folder / "pagefind-entry.json").read_text())
    meta = unpack((folder / f"pagefind.{entry['languages']['en']['hash']}.pf_meta").read_bytes())
    filters = [f"filter/{hash_}.pf_filter" for _, hash_ in meta[3]]
    assert [name for name, _ in meta[3]] == ["tag", "year"] and set(filters) == {n for n in names if n.startswith("filter/")}
    assert {f"fragment/{page[0]}.pf_fragment" for page in meta[1]} == {n for n in names if n.startswith("fragment/")}
