"""Terms: front-matter names meet the registry the importer wrote, and every list is ordered like WordPress."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ssg.content import Post
from ssg.data import SiteData, TermRecord
from ssg.errors import SsgError
from ssg.taxonomy import date_archives, home_term, resolve_taxonomies

UTC_MINUS_7 = timezone(timedelta(hours=-7))

REGISTRY = SiteData(categories=[
    TermRecord(slug="media", name="Media", id=200),
    TermRecord(slug="media-2", name="Media", id=33),
    TermRecord(slug="parent-category", name="Parent Category", id=39),
    TermRecord(slug="child-category-03", name="Child Category 03", parent="parent-category", id=64),
    TermRecord(slug="grandchild-category", name="Grandchild Category", parent="child-category-03", id=68),
    TermRecord(slug="foo-parent", name="Foo Parent", id=27),
    TermRecord(slug="foo-a-foo-parent", name="Foo A", parent="foo-parent", id=67),
    TermRecord(slug="foo-a", name="Foo A", id=26),
], tags=[TermRecord(slug="8bit", name="8BIT", id=69)], authors=[TermRecord(slug="themedemos", name="Theme Buster", id=2)])


def post(name: str, day: int = 1, categories=(), tags=(), author=None, sticky=False, hour=12, zone=timezone.utc) -> Post:
    return Post(source=Path(f"{name}.md"), title=name, body="", url=f"/{name}/", sticky=sticky,
                date=datetime(2024, 1, day, hour, tzinfo=zone), categories=list(categories), tags=list(tags),
                author=author)


def urls_of(terms) -> list[str]:
    return [term.url for term in terms]


@pytest.mark.parametrize("entry, url", [
    ("media-2", "/category/media-2/"),  # (1) the exact slug path of a registry term
    ("foo-parent/foo-a-foo-parent", "/category/foo-parent/foo-a-foo-parent/"),
    ("Parent Category/Child Category 03/Grandchild Category",  # (2) a unique name path
     "/category/parent-category/child-category-03/grandchild-category/"),
    ("Foo Parent/Foo A", "/category/foo-parent/foo-a-foo-parent/"),
    ("68", "/category/parent-category/child-category-03/grandchild-category/"),  # (3) an unresolved ID
    ("Parent Category/New Child", "/category/parent-category/new-child/"),  # (4) new, under a known parent
    ("Brand New", "/category/brand-new/"),
])
def test_a_category_entry_is_resolved_like_the_contract_says(entry, url):
    taxonomies = resolve_taxonomies([post("p", categories=[entry])], REGISTRY, "terms.yml")
    assert urls_of(taxonomies.of_post["/p/"].categories) == [url]


def test_an_ambiguous_name_is_not_guessed():
    taxonomies = resolve_taxonomies([post("p", categories=["Media"])], REGISTRY, "terms.yml")
    [term] = taxonomies.of_post["/p/"].categories
    assert term.url == "/category/media-3/"  # a new term; both registry Media keep their own pages
    assert {"/category/media/", "/category/media-2/"} <= set(urls_of(taxonomies.categories))


def test_tags_and_authors_by_slug_or_name_and_new_ones_slugified():
    taxonomies = resolve_taxonomies([post("p", tags=["8BIT", "Yarn & Wool"], author="Theme Buster"),
                                     post("q", day=2, tags=["8bit"], author="Someone Else")], REGISTRY, "terms.yml")
    assert urls_of(taxonomies.of_post["/p/"].tags) == ["/tag/8bit/", "/tag/yarn-wool/"]
    assert taxonomies.of_post["/p/"].author.url == "/author/themedemos/"
    assert taxonomies.of_post["/q/"].author.url == "/author/someone-else/"
    assert [p.title for p in taxonomies.tags[0].posts] == ["q", "p"]


def test_names_that_slugify_alike_get_wordpress_suffixes():
    taxonomies = resolve_taxonomies([post("p", tags=["C++", "C"])], SiteData(), "terms.yml")
    assert urls_of(taxonomies.of_post["/p/"].tags) == ["/tag/c/", "/tag/c-2/"]


def test_a_category_lists_its_descendants_posts_and_the_tree_is_depth_first():
    taxonomies = resolve_taxonomies([
        post("a", day=1, categories=["Parent Category"]),
        post("b", day=2, categories=["Parent Category/Child Category 03/Grandchild Category"]),
    ], REGISTRY, "terms.yml")
    parent = next(t for t in taxonomies.categories if t.slug == "parent-category")
    assert [p.title for p in parent.posts] == ["b", "a"]
    names = [t.name for t in taxonomies.categories]
    assert names.index("Parent Category") + 1 == names.index("Child Category 03")
    assert names.index("Child Category 03") + 1 == names.index("Grandchild Category")


def test_a_registry_cycle_is_an_error_naming_the_file():
    cyclic = SiteData(categories=[TermRecord(slug="a", name="A", parent="b"), TermRecord(slug="b", name="B", parent="a")])
    with pytest.raises(SsgError, match="its own ancestor") as error:
        resolve_taxonomies([], cyclic, "content/_data/terms.yml")
    assert str(error.value.path) == "content/_data/terms.yml"


def test_date_archives_file_posts_by_their_own_local_date():
    late = post("late", day=31, hour=23, zone=UTC_MINUS_7)  # 2024-02-01 in UTC
    archives = date_archives([late, post("early", day=2)])
    assert urls_of(archives) == ["/2024/", "/2024/01/", "/2024/01/31/", "/2024/01/02/"]
    assert [t.name for t in archives] == ["2024", "January 2024", "January 31, 2024", "January 2, 2024"]


def test_home_puts_sticky_posts_first():
    posts = [post("new", day=3), post("sticky", day=1, sticky=True), post("old", day=2)]
    assert [p.title for p in home_term(posts, "Site").posts] == ["sticky", "new", "old"]


def test_date_archives_are_newest_first_even_when_offsets_disagree():
    # 23:30 on 31 December in UTC-7 is later in time than 01:00 on 1 January in UTC+1,
    # yet it belongs to the earlier year.
    archives = date_archives([
        Post(source=Path("a.md"), title="a", body="", url="/a/", date=datetime(2019, 12, 31, 23, 30, tzinfo=UTC_MINUS_7)),
        Post(source=Path("b.md"), title="b", body="", url="/b/", date=datetime(2020, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))),
    ])
    assert urls_of(archives) == ["/2020/", "/2020/01/", "/2020/01/01/", "/2019/", "/2019/12/", "/2019/12/31/"]
