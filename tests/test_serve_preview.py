"""What the preview serves across rebuilds, tested without a socket: the last good build stays
served through a failed one, a build in progress is never visible, and the folder served is never written."""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path

from ssg.errors import SsgError
from ssg.search import build_search
from ssg.serve import search_index
from ssg.serve.preview import SEARCH_INDEX_CHANGE, BuiltSite, Preview, make_site_builder, rebuild, run_rebuilds
from ssg.serve.server import resolve_path

from conftest import write_post

GOOD = "---\ntitle: Hello\ndate: 2024-01-02T03:04:05+00:00\nslug: hello\n---\n\n{text}\n"
BROKEN = "---\ntitle: Hello\ndate: 2024-01-02T03:04:05+00:00\ntags: [a, b\n---\n\nBody\n"


def served_text(preview: Preview, path: str = "/2024/01/hello/") -> str:
    snapshot = preview.snapshot
    found = resolve_path(snapshot.site.folder, snapshot.base_path, path)
    return found.read_text() if isinstance(found, Path) else ""


def test_a_failed_rebuild_keeps_the_last_good_build_and_says_where(new_site, tmp_path):
    post = write_post(new_site, "posts/hello.md", GOOD.format(text="First version."))
    builder = make_site_builder(new_site, tmp_path / "work")
    preview = Preview("/")
    assert rebuild(preview, builder, frozenset(), new_site).failure is None
    assert "First version." in served_text(preview)

    post.write_text(BROKEN)
    result = rebuild(preview, builder, frozenset({post}), new_site)
    assert result.failure is not None
    assert (result.failure.path, result.failure.line) == ("content/posts/hello.md", 5)
    assert "not valid YAML" in result.failure.message
    assert preview.snapshot.failure == result.failure
    assert "First version." in served_text(preview)

    post.write_text(GOOD.format(text="Fixed."))
    assert rebuild(preview, builder, frozenset({post}), new_site).failure is None
    assert preview.snapshot.failure is None and "Fixed." in served_text(preview)


def test_a_bug_in_the_builder_is_reported_like_a_failed_build(tmp_path):
    def broken_builder(changed):
        raise KeyError("oops")

    preview = Preview("/")
    result = rebuild(preview, broken_builder, frozenset(), tmp_path)
    assert result.failure.message.startswith("internal error (KeyError")
    assert preview.snapshot.site is None and preview.snapshot.version == 1


def test_a_request_during_a_rebuild_sees_the_last_complete_build(new_site, tmp_path):
    post = write_post(new_site, "posts/hello.md", GOOD.format(text="Old text."))
    real_builder = make_site_builder(new_site, tmp_path / "work")
    preview = Preview("/")
    rebuild(preview, real_builder, frozenset(), new_site)
    building, may_finish = threading.Event(), threading.Event()

    def slow_builder(changed):
        site = real_builder(changed)  # written completely, not yet published
        building.set()
        may_finish.wait(30)
        return site

    post.write_text(GOOD.format(text="New text."))
    thread = threading.Thread(target=rebuild, args=(preview, slow_builder, frozenset({post}), new_site))
    thread.start()
    assert building.wait(30)
    assert "Old text." in served_text(preview)
    may_finish.set()
    thread.join(30)
    assert "New text." in served_text(preview)


def test_builds_alternate_between_two_folders_and_never_write_the_one_being_served(new_site, tmp_path):
    post = write_post(new_site, "posts/hello.md", GOOD.format(text="First text."))
    work = tmp_path / "work"
    builder = make_site_builder(new_site, work)
    page = Path("2024/01/hello/index.html")
    first = builder(frozenset()).folder
    post.write_text(GOOD.format(text="Second text."))
    second = builder(frozenset({post})).folder
    assert second != first
    assert "First text." in (first / page).read_text() and "Second text." in (second / page).read_text()
    post.write_text(GOOD.format(text="Third text."))
    assert builder(frozenset({post})).folder == first
    assert "Third text." in (first / page).read_text() and "Second text." in (second / page).read_text()
    assert sorted(work.iterdir()) == sorted([first, second])
    assert not (new_site / "public").exists()  # the preview never writes what gets published


def index_files(preview: Preview) -> list[str]:
    return sorted(path.name for path in (preview.snapshot.site.folder / "_pagefind").rglob("*"))


def test_the_search_index_is_made_in_the_background_then_put_in_place_without_reloading_open_pages(new_site, tmp_path):
    post = write_post(new_site, "posts/hello.md", GOOD.format(text="Lighthouse."))
    asked: queue.Queue[Path] = queue.Queue()
    builder = make_site_builder(new_site, tmp_path / "work", request_rebuild=asked.put)
    preview = Preview("/")
    rebuild(preview, builder, frozenset(), new_site)
    assert asked.empty()  # the first build makes the whole site, index included
    index = index_files(preview)
    post.write_text(GOOD.format(text="Harbour."))
    rebuild(preview, builder, frozenset({post}), new_site)
    assert "Harbour." in served_text(preview) and index_files(preview) == index
    assert asked.get(timeout=120) == SEARCH_INDEX_CHANGE
    result = rebuild(preview, builder, frozenset({SEARCH_INDEX_CHANGE}), new_site)
    assert result.failure is None and result.snapshot.css_only  # open pages keep what they show
    updated = index_files(preview)
    assert updated != index
    post.write_text(GOOD.format(text="Harbour lights."))  # a quick rebuild, into the folder with the older index
    rebuild(preview, builder, frozenset({post}), new_site)
    assert "Harbour lights." in served_text(preview)
    assert index_files(preview) == updated  # it gets the newer one with the new page
    assert all(path.stat().st_size for path in (preview.snapshot.site.folder / "_pagefind").rglob("*.pf_*"))


class HeldIndex:
    """A preview whose search index, made in the background, waits until `release` is set; `indexed`
    is the post's text each time indexing began, `asked` the rebuilds the preview asked for."""

    def __init__(self, site: Path, work: Path, monkeypatch) -> None:
        self.indexing, self.release, self.indexed = threading.Event(), threading.Event(), []
        self.asked: queue.Queue[Path] = queue.Queue()
        monkeypatch.setattr(search_index, "build_search", self.build_search)
        self.builder = make_site_builder(site, work, request_rebuild=self.asked.put)
        self.preview = Preview("/")

    def build_search(self, site, bodies):
        self.indexed.append(bodies.by_url["/2024/01/hello/"].text)
        self.indexing.set()
        assert self.release.wait(60)
        return build_search(site, bodies)


def test_no_rebuild_waits_for_the_search_index_and_an_index_of_an_older_site_is_never_put_in_place(
        new_site, tmp_path, monkeypatch):
    post = write_post(new_site, "posts/hello.md", GOOD.format(text="Lighthouse."))
    held = HeldIndex(new_site, tmp_path / "work", monkeypatch)
    builder, preview, asked, release, indexed = held.builder, held.preview, held.asked, held.release, held.indexed
    rebuild(preview, builder, frozenset(), new_site)
    post.write_text(GOOD.format(text="Harbour."))
    rebuild(preview, builder, frozenset({post}), new_site)
    assert held.indexing.wait(60)
    post.write_text(GOOD.format(text="Harbour lights."))
    rebuild(preview, builder, frozenset({post}), new_site)  # returns while the first index is still being made
    assert "Harbour lights." in served_text(preview) and not release.is_set()
    release.set()
    assert asked.get(timeout=120) == SEARCH_INDEX_CHANGE
    assert asked.empty() and indexed == ["Harbour.", "Harbour lights."]  # the older site's index was dropped
    before = index_files(preview)
    assert rebuild(preview, builder, frozenset({SEARCH_INDEX_CHANGE}), new_site).failure is None
    assert index_files(preview) != before


def test_an_index_that_arrives_after_a_broken_save_does_not_hide_the_error(new_site, tmp_path, monkeypatch):
    post = write_post(new_site, "posts/hello.md", GOOD.format(text="Lighthouse."))
    held = HeldIndex(new_site, tmp_path / "work", monkeypatch)
    builder, preview, asked, release = held.builder, held.preview, held.asked, held.release
    rebuild(preview, builder, frozenset(), new_site)
    post.write_text(GOOD.format(text="Harbour."))
    rebuild(preview, builder, frozenset({post}), new_site)  # its index is being made
    post.write_text(BROKEN)
    assert rebuild(preview, builder, frozenset({post}), new_site).failure is not None
    release.set()
    assert asked.get(timeout=120) == SEARCH_INDEX_CHANGE
    result = rebuild(preview, builder, frozenset({SEARCH_INDEX_CHANGE}), new_site)
    assert result.failure is not None and preview.snapshot.failure == result.failure
    assert "not valid YAML" in result.failure.message
    post.write_text(GOOD.format(text="Fixed."))
    assert rebuild(preview, builder, frozenset({post}), new_site).failure is None
    assert "Fixed." in served_text(preview) and preview.snapshot.failure is None


def test_drafts_are_previewed_only_when_asked_for(new_site, tmp_path):
    write_post(new_site, "posts/hello.md", GOOD.format(text="Text.").replace("slug: hello", "slug: hello\ndraft: true"))
    preview = Preview("/")
    rebuild(preview, make_site_builder(new_site, tmp_path / "plain"), frozenset(), new_site)
    assert served_text(preview) == ""
    rebuild(preview, make_site_builder(new_site, tmp_path / "drafts", drafts=True), frozenset(), new_site)
    assert "Text." in served_text(preview)


def test_build_warnings_are_collected_for_the_terminal_not_printed_on_every_rebuild(new_site, tmp_path):
    write_post(new_site, "posts/hello.md", GOOD.format(text="[Gone](/no/such/page/)."))
    printed = []
    printer = logging.Handler()
    printer.emit = printed.append
    logging.getLogger("ssg").addHandler(printer)
    try:
        site = make_site_builder(new_site, tmp_path / "work")(frozenset())
    finally:
        logging.getLogger("ssg").removeHandler(printer)
    assert len(site.warnings) == 1 and "/no/such/page/" in site.warnings[0]
    assert printed == []
    assert printer.filters == []  # muted only while building


def test_a_quick_rebuild_warns_about_the_broken_links_of_the_edited_post_and_forgets_the_fixed_ones(new_site, tmp_path):
    post = write_post(new_site, "posts/hello.md", GOOD.format(text="[Gone](/no/such/page/)."))
    write_post(new_site, "posts/other.md", GOOD.format(text="[Lost](/lost/).").replace("slug: hello", "slug: other"))
    builder = make_site_builder(new_site, tmp_path / "work", request_rebuild=lambda path: None)
    assert len(builder(frozenset()).warnings) == 2
    post.write_text(GOOD.format(text="[Gone](/no/such/page/) and [away](/away/)."))
    assert [warning.split(": ", 1)[1] for warning in builder(frozenset({post})).warnings] == [
        "link to /away/ does not lead to anything in the archive",
        "link to /no/such/page/ does not lead to anything in the archive",
        "link to /lost/ does not lead to anything in the archive"]
    post.write_text(GOOD.format(text="Fixed."))
    warnings = builder(frozenset({post})).warnings
    assert len(warnings) == 1 and "/lost/" in warnings[0]


def test_the_builder_follows_a_new_base_url(new_site, tmp_path):
    write_post(new_site, "posts/hello.md", GOOD.format(text="Text."))
    builder = make_site_builder(new_site, tmp_path / "work")
    assert builder(frozenset()).base_path == "/"
    config = new_site / "ssg.toml"
    config.write_text(config.read_text().replace('"http://127.0.0.1:8000/"', '"https://u.github.io/repo/"'))
    assert builder(frozenset()).base_path == "/repo/"


def test_css_only_is_said_only_after_a_good_build_changed_nothing_but_stylesheets(tmp_path):
    style = tmp_path / "style.css"
    style.write_text("body {}")
    page = tmp_path / "post.md"
    site = BuiltSite(tmp_path, "/")
    preview = Preview("/", site)

    def builder(changed):
        if page in changed:
            raise SsgError("broken", page, 1)
        return site

    assert rebuild(preview, builder, frozenset({style}), tmp_path).snapshot.css_only
    assert not rebuild(preview, builder, frozenset({style, tmp_path / "x.html"}), tmp_path).snapshot.css_only
    assert rebuild(preview, builder, frozenset({page}), tmp_path).failure
    assert not rebuild(preview, builder, frozenset({style}), tmp_path).snapshot.css_only  # after a failure
    style.unlink()
    assert not rebuild(preview, builder, frozenset({style}), tmp_path).snapshot.css_only  # a deleted stylesheet


def test_the_loop_rebuilds_once_per_batch_and_stops_when_told(tmp_path):
    batches = [frozenset({tmp_path / "a.md"}), frozenset({tmp_path / "b.md", tmp_path / "c.md"}), None]
    seen = []
    preview = Preview("/")
    run_rebuilds(preview, lambda changed: BuiltSite(tmp_path, "/"), lambda: batches.pop(0), tmp_path,
                 lambda result: seen.append(result.changed))
    assert seen == [{tmp_path / "a.md"}, {tmp_path / "b.md", tmp_path / "c.md"}]
    assert preview.snapshot.version == 2


def test_waiting_for_a_newer_build_ends_when_the_preview_stops():
    preview = Preview("/")
    threading.Thread(target=preview.stop).start()
    assert preview.wait_for_newer(0, timeout=30) is None
