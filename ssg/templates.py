"""Render stage: the Jinja2 environment: site templates/, then the chosen theme, then the built-in theme.

Any template can also reach the built-in theme's version as "builtin/<name>", so a theme's
post.html can `{% extends "builtin/post.html" %}` and replace a block."""

from __future__ import annotations

import functools
from collections import OrderedDict
from datetime import datetime
from pathlib import Path

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension

from ssg import urls
from ssg.config import Config
from ssg.errors import SsgError

_PACKAGE_DIR = Path(__file__).resolve().parent
BUILTIN_PREFIX = "builtin"


def builtin_theme_dir() -> Path:
    """The default theme: inside the wheel when installed, at the repository top level in a checkout."""
    for candidate in (_PACKAGE_DIR / "themes" / "default", _PACKAGE_DIR.parent / "themes" / "default"):
        if (candidate / "templates").is_dir():
            return candidate
    raise SsgError("the default theme is missing from this installation; reinstall ssg", _PACKAGE_DIR)


def theme_dirs(config: Config) -> list[Path]:
    """Theme folders to search, most specific first: the site's chosen theme, then the built-in one."""
    builtin = builtin_theme_dir()
    chosen = config.root / "themes" / config.theme
    if (chosen / "templates").is_dir() or (chosen / "static").is_dir():
        return [chosen, builtin] if chosen.resolve() != builtin.resolve() else [builtin]
    if config.theme == "default":
        return [builtin]
    raise SsgError(f"theme '{config.theme}' not found: create {chosen}/templates/ or set "
                   "theme = \"default\"", config.root / "ssg.toml")


def make_environment(config: Config) -> jinja2.Environment:
    """Templates with autoescaping on, strict about undefined names, and the archive's URL helpers."""
    search_path = [config.root / "templates"] + [theme / "templates" for theme in theme_dirs(config)]
    loader = jinja2.ChoiceLoader([
        jinja2.PrefixLoader({BUILTIN_PREFIX: jinja2.FileSystemLoader(str(builtin_theme_dir() / "templates"))}),
        jinja2.FileSystemLoader([str(path) for path in search_path if path.is_dir()]),
    ])
    environment = jinja2.Environment(
        loader=loader,
        extensions=[SharedFragments],
        auto_reload=False,  # an environment lives for one build: a changed template makes a new build
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.extend(chosen_templates={})  # by select_template
    # Every page links to the same few dozen addresses: each is worked out once per build.
    environment.filters["href"] = functools.lru_cache(maxsize=65536)(lambda url: urls.href(config.base_path, url))
    environment.filters["absolute"] = functools.lru_cache(maxsize=1024)(  # a page asks for its own twice
        lambda url: urls.absolute_url(config.base_url, url))
    environment.filters["date"] = format_date
    environment.filters["iso"] = lambda value: value.isoformat() if value else ""
    environment.filters["absolute_href"] = lambda value: urls.absolute_href(config.base_url, value)
    environment.filters["web_address"] = web_address
    environment.globals["config"] = config
    environment.globals["search_url"] = urls.SEARCH_PAGE
    environment.globals["feed_url"] = urls.feed_url
    environment.globals["old_links"] = {"map": urls.href(config.base_path, urls.OLD_LINKS),
                                        "parameters": " ".join(urls.OLD_LINK_PARAMETERS),
                                        "ids": " ".join(urls.OLD_LINK_ID_PARAMETERS),
                                        "bucket": urls.OLD_LINK_BUCKET}
    return environment


def select_template(environment: jinja2.Environment, names: str | list[str]) -> jinja2.Template:
    """The first of `names` that exists, looked for once per build: every list page asks for its
    kind's template (category.html) before list.html, and a missing one is not remembered by Jinja."""
    key = names if isinstance(names, str) else tuple(names)
    chosen = environment.chosen_templates
    if key not in chosen:
        chosen[key] = environment.select_template([names] if isinstance(names, str) else names)
    return chosen[key]


class SharedFragments(Extension):
    """`{% shared key, ... %}...{% endshared %}`: a part of a page rendered once per build for each key,
    then reused by every page with the same key (the header, a post's summary in every list).

    The key names whatever the part shows that differs between pages or between a preview's
    rebuilds; what is the same all build long (config) need not be in it. The template and line
    are part of every key. A block cannot be inside: a template extending this one may replace it."""

    tags = {"shared"}
    # Fragments kept, in each process: a 10,000-post site's summaries. At 150,000 posts, keeping
    # 100,000 made the build's peak 3.9 GB against 3.6 GB with this many, for 10% less time.
    KEPT = 20_000

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        environment.extend(shared_fragments=OrderedDict())

    def parse(self, parser: jinja2.parser.Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key: list[nodes.Expr] = [nodes.Const(parser.name), nodes.Const(lineno)]
        while parser.stream.current.type != "block_end":
            if len(key) > 2:
                parser.stream.expect("comma")
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endshared",), drop_needle=True)
        if any(node.find(nodes.Block) or isinstance(node, nodes.Block) for node in body):
            parser.fail("a {% block %} cannot be inside {% shared %}: a template extending this one may change it",
                        lineno)
        return nodes.CallBlock(self.call_method("_render_once", [nodes.Tuple(key, "load")]), [], [], body
                               ).set_lineno(lineno)

    def _render_once(self, key: tuple, caller: jinja2.runtime.Macro) -> str:
        fragments = self.environment.shared_fragments
        made = fragments.get(key)
        if made is None:
            made = fragments[key] = caller()
            if len(fragments) > self.KEPT:
                fragments.popitem(last=False)
        return made


def web_address(value: object) -> str:
    """An http(s) address from untrusted metadata (a commenter's website), or '' for anything else."""
    text = str(value or "").strip()
    return text if urls.is_web_address(text) and urls.host_of(text) else ""


def format_date(value: datetime | None) -> str:
    """'December 3, 2023': the way WordPress shows dates by default."""
    if value is None:
        return ""
    return f"{value:%B} {value.day}, {value.year}"
