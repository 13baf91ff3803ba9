"""Input forms beyond the loopback dump: WordPress core's generated fixture and a 2016 demo site."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ssg import frontmatter
from ssg.config import load_config
from ssg.wordpress.write import import_sources

from conftest import REPOSITORY

FIXTURES = REPOSITORY / "tests" / "fixtures"


def imported(site: Path, *folders: str) -> dict[str, dict]:
    import_sources(load_config(site), [FIXTURES / folder for folder in folders])
    return {path.relative_to(site / "content").as_posix(): frontmatter.split(path.read_text(encoding="utf-8"), path)[0]
            for path in (site / "content").rglob("*.md")}


@pytest.fixture
def site(tmp_path):
    (tmp_path / "ssg.toml").write_text("")
    return tmp_path


def test_revisions_and_autosaves_are_not_posts(site):
    posts = imported(site, "wp-api-fixture")
    assert set(posts) == {"posts/2017/02/restapi-client-fixture-post.md", "pages/restapi-client-fixture-page.md"}


def test_plain_permalinks_give_a_dated_url_and_the_query_as_an_alias(site):
    post = imported(site, "wp-api-fixture")["posts/2017/02/restapi-client-fixture-post.md"]
    assert post["url"] == "/2017/02/restapi-client-fixture-post/" and post["aliases"] == ["/?p=4"]
    assert post["categories"] == ["Uncategorized"]
    assert post["comments"] == [{"id": 2, "parent": 0, "author": "Internet of something or other",
                                 "author_url": "http://lights.example.org/", "date": "2017-02-14T00:00:00+00:00",
                                 "body": "This is a comment"}]


def test_settings_give_the_site_info(site):
    imported(site, "wp-api-fixture")
    info = yaml.safe_load((site / "content/_data/site.yml").read_text(encoding="utf-8"))
    assert info == {"name": "Test Blog", "description": "Just another WordPress site", "url": "http://example.org"}


def test_empty_titles_and_nested_categories_of_a_real_site(site):
    posts = imported(site, "rest-python-wp")
    untitled = posts["posts/2016/07/457.md"]
    assert untitled["title"] == "" and untitled["slug"] == "457" and untitled["format"] == "status"
    assert untitled["categories"] == ["Liveblogs/Apple Event"]
    assert untitled["author"] == 1  # no users dump: the ID is kept
