"""ssg.toml: defaults, validation, and errors that say what to write."""

from __future__ import annotations

import pytest

from ssg.config import load_config
from ssg.errors import SsgError


def write_config(tmp_path, text):
    (tmp_path / "ssg.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_defaults(tmp_path):
    config = load_config(write_config(tmp_path, ""))
    assert config.base_path == "/" and config.per_page == 10 and config.theme == "default"


def test_sub_path(tmp_path):
    config = load_config(write_config(tmp_path, 'base_url = "https://user.github.io/repo"'))
    assert config.base_path == "/repo/"


def test_unknown_key_suggests_the_right_one(tmp_path):
    with pytest.raises(SsgError, match="unknown key 'titel'; did you mean 'title'"):
        load_config(write_config(tmp_path, 'titel = "x"'))


@pytest.mark.parametrize("text, message", [
    ("per_page = 'ten'", "'per_page' must be a whole number"),
    ("per_page = 0", "per_page must be 1 or more"),
    ("base_url = 'example.org'", "base_url must be an http"),
    ("timezone = 'Mars/Olympus'", "unknown timezone"),
    ("title = ", "invalid TOML"),
    ("feed_size = 0", "feed_size must be 1 or more"),
    ("domain = 'https://example.org/'", "domain must be a host name"),
    ("original_urls = 'https://old.example.org/'", "'original_urls' must be a list of text"),
    ("original_urls = ['old.example.org']", "original_urls must hold http"),
    ("archives_url = 'archives'", "archives_url"),
    ("tags_url = '/a/../b/'", "tags_url"),
])
def test_bad_values_name_the_file(tmp_path, text, message):
    with pytest.raises(SsgError, match=message) as error:
        load_config(write_config(tmp_path, text))
    assert error.value.path == tmp_path / "ssg.toml"


def test_missing_config_says_how_to_make_a_site(tmp_path):
    with pytest.raises(SsgError, match="not an ssg site.*ssg init"):
        load_config(tmp_path)


def test_new_keys_have_defaults_and_can_be_set(tmp_path):
    config = load_config(write_config(tmp_path, ""))
    assert (config.feed_size, config.domain, config.original_urls) == (10, "", [])
    assert (config.archives_url, config.categories_url, config.tags_url) == ("/archives/", "/categories/", "/tags/")
    config = load_config(write_config(tmp_path, 'domain = "archive.example.org"\nfeed_size = 20\n'
                                                'original_urls = ["https://old.example.org"]\narchives_url = "/by-date/"'))
    assert (config.domain, config.feed_size, config.archives_url) == ("archive.example.org", 20, "/by-date/")
