"""Incremental builds: after any sequence of edits, creations, deletions and renames, a rebuild that
reuses the cache and the previous output gives exactly the files, byte for byte, of a clean build."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ssg import frontmatter
from ssg.build import build
from ssg.cache import Cache
from ssg.serve.preview import make_site_builder

from conftest import write_post

CATEGORIES = ["News", "News/Local", "Sport", "Travel/Coast/Cliffs"]
TAGS = ["alpha", "beta", "gamma", "delta"]
AUTHORS = ["Ada", "Bob", None]
TEMPLATES = {
    "none": None,
    "post": '{% extends "builtin/post.html" %}{% block meta %}<p class="custom">{{ post.title }}</p>{% endblock %}\n',
    "list": '{% extends "builtin/list.html" %}{% block breadcrumbs %}<p>{{ term.name }}</p>{% endblock %}\n',
    "category": '{% extends "list.html" %}{% block breadcrumbs %}<p>Category {{ term.name }}</p>{% endblock %}\n',
}


class Site:
    """A small site on disk and the model it was written from; every write moves the file's clock on."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir()
        self.touched: set[Path] = set()  # what a watcher would have reported since the last build
        self.posts: dict[str, dict] = {}  # file name -> front matter and body
        self.clock = 1_600_000_000  # file times well in the past, one second apart, so that no file looks just saved
        self.config = {"per_page": 2, "feed_size": 2, "title": "Property"}
        self.write_config()
        for number in range(5):
            self.create(number)
        self.save_page("about", {"title": "About", "kind": "page", "url": "/about/"}, "About [home](/).\n")
        self.save_page("team", {"title": "Team", "kind": "page", "url": "/about/team/"}, "The team.\n")

    def tick(self, path: Path) -> None:
        self.clock += 1
        os.utime(path, (self.clock, self.clock))
        self.touched.add(path)

    def remove(self, path: Path) -> None:
        path.unlink()
        self.touched.add(path)

    def write_config(self) -> None:
        path = self.root / "ssg.toml"
        path.write_text("".join(f"{key} = {value!r}\n".replace("'", '"') for key, value in self.config.items())
                        + 'base_url = "https://example.org/archive/"\nsearch = false\n', encoding="utf-8")
        self.tick(path)

    def save(self, name: str) -> None:
        meta = dict(self.posts[name])
        body = meta.pop("body")
        self.tick(write_post(self.root, f"posts/{name}.md", frontmatter.dump(meta, body)))

    def save_page(self, name: str, meta: dict, body: str) -> None:
        self.tick(write_post(self.root, f"pages/{name}.md", frontmatter.dump(meta, body)))

    def pick(self, index: int) -> str | None:
        names = sorted(self.posts)
        return names[index % len(names)] if names else None

    def create(self, number: int) -> None:
        name = f"post-{number}"
        while name in self.posts:
            name += "x"
        self.posts[name] = {"title": f"Post {number}", "date": f"2024-0{1 + number % 3}-1{number % 9}T10:00:00+00:00",
                            "author": AUTHORS[number % 3] or "Ada", "categories": [CATEGORIES[number % 4]],
                            "tags": TAGS[: number % 4], "body": f"Body of post {number}.\n"}
        self.save(name)


# Each operation: (name, a post index, a number that picks a value).
operations = st.tuples(
    st.sampled_from(["body", "link", "title", "date", "terms", "tag", "sticky", "summary", "create", "delete", "rename",
                     "alias", "draft", "template", "config", "media", "page", "comment"]),
    st.integers(0, 20), st.integers(0, 20))


def apply(site: Site, operation: tuple[str, int, int]) -> None:
    kind, index, value = operation
    name = site.pick(index)
    if kind == "create" or name is None:
        site.create(value + 10)
        return
    post = site.posts[name]
    if kind == "body":
        post["body"] = f"New text {value}, *emphasis*.\n\n| a | b |\n| - | - |\n| {value} | x |\n"
    elif kind == "link":  # to another post, or to one that does not exist (yet)
        target = site.pick(value)
        post["body"] += f"\nSee [that](/2024/0{1 + value % 3}/{target if value % 2 else 'post-' + str(value)}/).\n"
    elif kind == "title":
        post["title"] = f"Title {value}"
    elif kind == "date":
        post["date"] = f"202{3 + value % 2}-0{1 + value % 9}-1{value % 10}T0{value % 10}:00:00+00:00"
    elif kind == "terms":
        post["categories"] = [CATEGORIES[value % 4]] + ([CATEGORIES[(value + 1) % 4]] if value % 3 == 0 else [])
        post["tags"] = TAGS[value % 4: value % 4 + value % 3]
        post["author"] = AUTHORS[value % 3] or "Cy"
    elif kind == "tag":  # one tag more or less: only counts change
        tag = TAGS[value % 4]
        post["tags"] = [t for t in post["tags"] if t != tag] if tag in post["tags"] else post["tags"] + [tag]
    elif kind == "sticky":
        post["sticky"] = bool(value % 2)
    elif kind == "summary":
        post["summary"] = f"Summary {value}" if value % 2 else ""
    elif kind == "delete":
        site.remove(site.root / "content" / "posts" / f"{name}.md")
        del site.posts[name]
        return
    elif kind == "rename":  # a new file name, and with it a new slug and address
        site.remove(site.root / "content" / "posts" / f"{name}.md")
        site.posts[f"{name}-r{value}"] = site.posts.pop(name)
        name = f"{name}-r{value}"
    elif kind == "alias":
        post["aliases"] = [f"/old/{value}/", f"/?p={value}"]
    elif kind == "draft":
        post["draft"] = bool(value % 2)
    elif kind == "template":
        template = list(TEMPLATES.items())[value % len(TEMPLATES)]
        for other in TEMPLATES:
            if (site.root / "templates" / f"{other}.html").exists():
                site.remove(site.root / "templates" / f"{other}.html")
        if template[1]:
            path = site.root / "templates" / f"{template[0]}.html"
            path.parent.mkdir(exist_ok=True)
            path.write_text(template[1], encoding="utf-8")
            site.tick(path)
        return
    elif kind == "config":
        site.config["per_page"] = 1 + value % 3
        site.config["title"] = f"Property {value % 2}"
        site.write_config()
        return
    elif kind == "media":
        path = site.root / "content" / "media" / "wp-content" / "uploads" / f"{value % 3}.jpg"
        if path.exists() and value % 2:
            site.remove(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(bytes([value]) * (value + 1))
            site.tick(path)
        post["body"] += f"\n![x](/wp-content/uploads/{value % 3}.jpg)\n"
    elif kind == "page":
        site.save_page("team", {"title": f"Team {value}", "kind": "page", "url": "/about/team/"},
                       f"The team, [about](/about/), version {value}.\n")
        return
    elif kind == "comment":
        post["comments"] = [{"id": 1, "parent": 0, "author": "Eve", "date": "2024-03-01T10:00:00+00:00",
                             "body": f"A comment {value} on [post](/about/)."}]
    site.save(name)


def files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, min_size=1, max_size=6))
def test_each_incremental_build_equals_a_clean_build(steps):
    with tempfile.TemporaryDirectory() as scratch:
        site = Site(Path(scratch) / "site")
        incremental, clean = Path(scratch) / "incremental", Path(scratch) / "clean"
        cache = Cache(Path(scratch) / "cache")
        build(site.root, out=incremental, cache=cache)
        for step in steps:
            apply(site, step)
            build(site.root, out=incremental, cache=Cache(Path(scratch) / "cache") if step[2] % 2 else cache)
            build(site.root, out=clean, cache=Cache(None))
            assert files(incremental) == files(clean), step


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, min_size=1, max_size=8))
def test_each_preview_rebuild_equals_a_clean_build(steps):
    """The preview's rebuilds: told what changed, alternating between two folders, quick when they can be."""
    with tempfile.TemporaryDirectory() as scratch:
        site = Site(Path(scratch) / "site")
        clean = Path(scratch) / "clean"
        builder = make_site_builder(site.root, Path(scratch) / "work", request_rebuild=lambda change: None)
        builder(frozenset())
        for step in steps:
            apply(site, step)
            changed, site.touched = frozenset(site.touched), set()
            folder = builder(changed).folder
            build(site.root, out=clean, cache=Cache(None))
            assert files(folder) == files(clean), step


def test_an_edit_rewrites_only_what_shows_the_post(contract_site):
    first = build(contract_site)
    assert first.written == first.files
    again = build(contract_site)
    assert (again.written, again.removed) == (0, 0)
    post = contract_site / "content" / "posts" / "2020" / "01" / "harbour-days.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    edited = build(contract_site)
    assert 0 < edited.written < first.files / 3
    post.unlink()
    removed = build(contract_site)
    assert removed.removed >= 1
    assert not (contract_site / "public" / "2020" / "01" / "15" / "harbour-days" / "index.html").exists()


def test_a_failed_rebuild_leaves_the_output_as_it_was(contract_site):
    build(contract_site)
    before = files(contract_site / "public")
    post = contract_site / "content" / "posts" / "2020" / "01" / "harbour-days.md"
    post.write_text(post.read_text(encoding="utf-8").replace("title:", "title: [unclosed"), encoding="utf-8")
    with pytest.raises(Exception):
        build(contract_site)
    assert files(contract_site / "public") == before
