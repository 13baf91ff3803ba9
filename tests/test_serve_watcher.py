"""Which file changes start a rebuild: saves (atomic ones too) of sources do; editor litter, the
output and cache folders and the build's own reading do not; changes settle into one batch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from watchdog.events import (DirCreatedEvent, DirModifiedEvent, FileClosedEvent, FileClosedNoWriteEvent,
                             FileCreatedEvent, FileModifiedEvent, FileMovedEvent, FileOpenedEvent)
from watchdog.observers import Observer

from ssg.build import build
from ssg.config import load_config
from ssg.serve.watcher import ChangeQueue, SiteWatch, is_source_change, watch_site, watched_folders
from ssg.templates import builtin_theme_dir

from conftest import save_atomically, write_post

POST = "---\ntitle: Hello\ndate: 2024-01-02T03:04:05+00:00\n---\n\n{}\n"


def test_changes_that_come_together_are_one_batch(tmp_path):
    changes = ChangeQueue(quiet=0.01)
    changes.add(tmp_path / "a.md")
    changes.add(tmp_path / "b.md")
    changes.add(tmp_path / "a.md")
    assert changes.take() == {tmp_path / "a.md", tmp_path / "b.md"}
    assert changes.take(timeout=0.01) is None  # nothing new
    changes.close()
    assert changes.take() is None


@pytest.mark.parametrize("name", [
    ".hello.md.swp", ".hello.md.swx", "hello.md~", "4913", ".#hello.md", "#hello.md#", "hello.md___jb_tmp___",
    ".goutputstream-ABC123", "hello.md.tmp", ".DS_Store", "style.css.crswap", ".~lock.hello.md#",
])
def test_editor_litter_is_not_a_change(new_site, name):
    config = load_config(new_site)
    assert not is_source_change(new_site.resolve() / "content" / "posts" / name, config)
    assert is_source_change(new_site.resolve() / "content" / "posts" / "hello.md", config)


@pytest.mark.parametrize("relative", ["public/index.html", ".ssg-cache/x/y.html", "themes/mine/.git/HEAD",
                                      "static/node_modules/a/b.js"])
def test_output_cache_and_version_control_are_not_changes(new_site, relative):
    assert not is_source_change(new_site.resolve() / relative, load_config(new_site))


def test_the_site_folders_and_the_built_in_theme_are_watched(new_site):
    (new_site / "templates").mkdir()
    folders = watched_folders(load_config(new_site))
    assert folders == [new_site.resolve() / "content", new_site.resolve() / "templates", builtin_theme_dir()]


@pytest.fixture
def events(new_site):
    """A SiteWatch fed by hand: what it reports as changed."""
    changed = []
    return new_site.resolve(), SiteWatch(load_config(new_site), Observer(), changed.append), changed


def test_reading_a_file_is_not_a_change(events):
    root, watch, changed = events
    post = str(root / "content" / "a.md")
    for event in (FileOpenedEvent(post), FileClosedNoWriteEvent(post), DirModifiedEvent(str(root / "content"))):
        watch.dispatch(event)
    assert changed == []
    watch.dispatch(FileClosedEvent(post))
    assert changed == [Path(post)]


def test_a_file_being_written_is_a_change_once_it_is_closed(events):
    root, watch, changed = events
    assert watch.reports_closes  # Linux: inotify
    post = str(root / "content" / "a.md")
    watch.dispatch(FileCreatedEvent(post))
    watch.dispatch(FileModifiedEvent(post))  # half written: not yet
    assert changed == [Path(post)]
    watch.dispatch(FileClosedEvent(post))
    assert changed == [Path(post), Path(post)]


def test_an_atomic_save_reports_the_file_it_replaced(events):
    root, watch, changed = events
    watch.dispatch(FileMovedEvent(str(root / "content" / ".a.md.tmp"), str(root / "content" / "a.md")))
    assert changed == [root / "content" / "a.md"]


def test_in_the_site_folder_only_ssg_toml_and_source_folders_count(events):
    root, watch, changed = events
    watch.dispatch(FileModifiedEvent(str(root / "README.md")))
    watch.dispatch(DirCreatedEvent(str(root / "public")))
    watch.dispatch(FileClosedEvent(str(root / "ssg.toml")))
    (root / "templates").mkdir()
    watch.dispatch(DirCreatedEvent(str(root / "templates")))
    assert changed == [root / "ssg.toml", root / "templates"]
    assert root / "templates" in watch.watches


def save_like_vim(path: Path, text: str) -> None:
    """vim's default: probe with '4913', move the old file to 'name~', write anew, delete the backup."""
    probe = path.with_name("4913")
    probe.write_text("")
    probe.unlink()
    backup = path.with_name(path.name + "~")
    os.replace(path, backup)
    path.write_text(text)
    backup.unlink()


@pytest.fixture
def watching(new_site):
    """The real watcher on a site with one post; yields (site, post, queue of changes)."""
    post = write_post(new_site, "posts/hello.md", POST.format("Hello."))
    changes = ChangeQueue(quiet=0.02)
    observer = watch_site(load_config(new_site), changes)
    yield new_site.resolve(), post.resolve(), changes
    observer.stop()
    observer.join()


@pytest.mark.parametrize("save", [Path.write_text, save_atomically, save_like_vim])
def test_every_way_of_saving_is_a_change_of_that_file(watching, save):
    site, post, changes = watching
    save(post, POST.format("Changed."))
    changed = changes.take(timeout=30)
    assert post in changed
    assert all(not path.exists() for path in changed - {post})  # at most a temporary file, gone since


def test_litter_output_cache_and_the_build_itself_do_not_start_a_rebuild(watching):
    site, post, changes = watching
    folder = post.parent
    for name in (".hello.md.swp", "#hello.md#", "hello.md~"):
        (folder / name).write_text("litter")
    os.symlink("writer@host.1234:1700000000", folder / ".#hello.md")  # emacs' lock: a dangling link
    build(site)  # reads every source, writes public/
    (site / ".ssg-cache").mkdir(exist_ok=True)  # the build made it, for its search index
    (site / ".ssg-cache" / "x").write_text("cache")
    sentinel = folder / "sentinel.md"  # events of one folder arrive in order: all of the above came first
    sentinel.write_text(POST.format("Sentinel."))
    assert changes.take(timeout=30) == {sentinel}


def test_a_source_folder_created_while_serving_is_watched(watching):
    site, post, changes = watching
    (site / "templates").mkdir()
    assert changes.take(timeout=30) == {site / "templates"}
    (site / "templates" / "post.html").write_text("{% extends 'base.html' %}")
    assert changes.take(timeout=30) == {site / "templates" / "post.html"}


def test_a_changed_config_is_a_change(watching):
    site, post, changes = watching
    config = site / "ssg.toml"
    config.write_text(config.read_text().replace("per_page = 10", "per_page = 5"))
    assert changes.take(timeout=30) == {config}


def test_a_new_post_is_a_change(watching):
    site, post, changes = watching
    new = post.parent / "new.md"
    new.write_text(POST.format("New."))
    assert changes.take(timeout=30) == {new}
