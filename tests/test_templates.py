"""Templates are looked up in the site's templates/, then its theme, then the built-in theme."""

from __future__ import annotations

import pytest

from ssg.build import build
from ssg.config import load_config
from ssg.errors import SsgError
from ssg.render import render_template
from ssg.templates import make_environment

from conftest import read

POST = "2020/02/10/e-bike/"


def test_a_site_template_overrides_the_theme_and_a_theme_can_extend_a_built_in_template(contract_site):
    theme = contract_site / "themes" / "plain"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "templates" / "post.html").write_text(
        '{% extends "builtin/post.html" %}{% block meta %}<p class="plain-meta">{{ post.date | date }}</p>{% endblock %}')
    (theme / "templates" / "404.html").write_text("theme 404")
    (theme / "static" / "style.css").write_text("body { color: black; }")
    (contract_site / "templates").mkdir()
    (contract_site / "templates" / "404.html").write_text('{% extends "base.html" %}{% block main %}site 404{% endblock %}')
    config = contract_site / "ssg.toml"
    config.write_text(config.read_text() + 'theme = "plain"\n')
    build(contract_site)
    public = contract_site / "public"
    post = read(public, POST)
    assert '<p class="plain-meta">February 10, 2020</p>' in post  # the theme's block ...
    assert 'class="h-entry format-aside"' in post and "<h1 class=\"p-name\">My e-bike</h1>" in post  # ... in the built-in page
    assert "site 404" in read(public, "404.html")  # the site's own template wins over the theme's
    assert "Category: News" in read(public, "category/news/")  # what the theme lacks comes from the built-in one
    assert read(public, "_ssg/style.css") == "body { color: black; }"
    assert (public / "_ssg/old-links.js").is_file()


def test_a_shared_fragment_is_made_once_for_each_key_and_cannot_hold_a_block(contract_site):
    (contract_site / "templates").mkdir()
    (contract_site / "templates" / "counted.html").write_text(
        "{% shared name %}{{ count() }}:{{ name }}{% endshared %}|")
    (contract_site / "templates" / "nested.html").write_text(
        "{% shared %}{% block inside %}{% endblock %}{% endshared %}")
    environment = make_environment(load_config(contract_site))
    made = []
    environment.globals["count"] = lambda: made.append(1) or len(made)
    pages = [render_template(environment, "counted.html", {"name": name}) for name in ("a", "b", "a", "a")]
    assert pages == [b"1:a|", b"2:b|", b"1:a|", b"1:a|"]  # the third and fourth page reuse the first one's
    with pytest.raises(SsgError, match="block"):
        render_template(environment, "nested.html", {})
