"""serve: what the preview shows (the last good build, the last failure) and the loop that rebuilds it.

The rebuild is one callable, `Builder`: it gets the set of changed paths and returns a finished
folder. Requests read the current `Snapshot`, which is replaced whole only after a build finished,
so a request never sees a half-built site, and a failed build leaves the last good one in place.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ssg.build import build
from ssg.cache import Cache
from ssg.config import load_config
from ssg.errors import SsgError
from ssg.output import copy_tree
from ssg.quick import Session, publish_search
from ssg.render import copy_job
from ssg.serve.search_index import SearchFollower

log = logging.getLogger(__name__)


@dataclass(slots=True, frozen=True)
class BuiltSite:
    """A finished build, ready to serve: its folder, the sub-path it is published under, and the
    warnings the build gave (broken internal links...), for the terminal to show once."""

    folder: Path
    base_path: str
    warnings: tuple[str, ...] = ()


# Gets the absolute paths that changed since its last call (empty on the first call: build
# everything) and returns a finished site in a folder nobody writes to again while it is served.
# A path may no longer exist: a deleted or renamed source, or an editor's temporary file.
Builder = Callable[[frozenset[Path]], BuiltSite]


@dataclass(slots=True, frozen=True)
class BuildFailure:
    """Why the last rebuild failed, as the overlay and the terminal show it."""

    message: str
    path: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.path and self.line else self.path
        return f"{where}: {self.message}" if where else self.message


@dataclass(slots=True, frozen=True)
class Snapshot:
    """What the preview serves now. `site` is the last good build (None until one succeeded);
    `failure` says why the latest attempt failed; `css_only` says the latest good build changed
    nothing but stylesheets since a good one, so open pages may swap their CSS instead of reloading."""

    version: int
    base_path: str
    site: BuiltSite | None = None
    failure: BuildFailure | None = None
    css_only: bool = False


class Preview:
    """The current snapshot, replaced whole after each rebuild; event streams wait here for the next one."""

    def __init__(self, base_path: str, site: BuiltSite | None = None) -> None:
        self.run_id = secrets.token_hex(6)  # tells a page that the server restarted since it was loaded
        self.snapshot = Snapshot(version=0, base_path=base_path, site=site)
        self._changed = threading.Condition()
        self._stopped = False

    def publish(self, site: BuiltSite | None, failure: BuildFailure | None, css_only: bool = False) -> Snapshot:
        """Show a new good build (`site`), or keep the last one and show `failure`."""
        with self._changed:
            last = self.snapshot
            self.snapshot = Snapshot(
                version=last.version + 1,
                base_path=site.base_path if site else last.base_path,
                site=site or last.site,
                failure=failure,
                css_only=css_only and site is not None and last.failure is None and last.site is not None,
            )
            self._changed.notify_all()
            return self.snapshot

    def wait_for_newer(self, version: int, timeout: float) -> Snapshot | None:
        """The snapshot once it is newer than `version`, or the current one after `timeout`; None once stopped."""
        with self._changed:
            self._changed.wait_for(lambda: self._stopped or self.snapshot.version > version, timeout)
            return None if self._stopped else self.snapshot

    def stop(self) -> None:
        """Release every waiting event stream: the server is going away."""
        with self._changed:
            self._stopped = True
            self._changed.notify_all()


@dataclass(slots=True, frozen=True)
class Rebuild:
    """One rebuild, for the terminal line: what changed, how long it took, and how it ended."""

    changed: frozenset[Path]
    seconds: float
    failure: BuildFailure | None
    snapshot: Snapshot


def rebuild(preview: Preview, builder: Builder, changed: frozenset[Path], root: Path) -> Rebuild:
    """Run the builder once and publish its result; a failure is reported, never raised."""
    started = time.perf_counter()
    site = failure = None
    try:
        site = builder(changed)
    except SsgError as error:
        failure = BuildFailure(error.message, shown_path(error.path, root) if error.path else None, error.line)
    except Exception as error:  # a bug, not the user's edit: keep serving and say what happened
        log.debug("the rebuild raised", exc_info=True)
        failure = BuildFailure(f"internal error ({type(error).__name__}: {error}); run with -v for details")
    snapshot = preview.publish(site, failure, css_only=is_css_only(changed))
    return Rebuild(changed, time.perf_counter() - started, failure, snapshot)


def run_rebuilds(preview: Preview, builder: Builder, take_changes: Callable[[], frozenset[Path] | None],
                 root: Path, on_rebuild: Callable[[Rebuild], None]) -> None:
    """Rebuild after each settled batch of changes, until `take_changes` says there will be no more."""
    while (changed := take_changes()) is not None:
        on_rebuild(rebuild(preview, builder, changed, root))


def is_css_only(changed: frozenset[Path]) -> bool:
    """Whether every changed path is a stylesheet that still exists (a deleted one needs a reload), or
    the search index, which open pages need not reload for."""
    return bool(changed) and all(path == SEARCH_INDEX_CHANGE or path.suffix.lower() == ".css" and path.is_file()
                                 for path in changed)


def shown_path(path: Path, root: Path) -> str:
    """A path as the writer knows it: relative to the site folder when it is inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


# Not a file: the change a preview asks for itself, to bring the search index up to date after a
# rebuild that left it as it was (the page the writer looks at does not wait for the index).
SEARCH_INDEX_CHANGE = Path("(search index)")


def make_site_builder(root: Path, workdir: Path, drafts: bool = False,
                      request_rebuild: Callable[[Path], None] | None = None) -> Builder:
    """The preview's rebuild: only what the changed files touch, alternately into two folders under
    `workdir`, so that the folder being served is never written to.

    Each folder is brought up to date from the build cache's record of what it holds; the second
    starts as a copy (hard links) of the first. With `request_rebuild`, a rebuild leaves the search
    index as it was and a background thread makes the new one; when it is made, it asks with
    SEARCH_INDEX_CHANGE for a rebuild that puts it in place.
    """
    cache = Cache(load_config(root).cache_dir)
    session = Session()
    folders = (workdir / "build-a", workdir / "build-b")
    numbers = itertools.count()
    follower = SearchFollower(lambda: request_rebuild(SEARCH_INDEX_CHANGE)) if request_rebuild else None
    last: BuiltSite | None = None
    failed: SsgError | None = None  # the last build of the sources, when it failed
    version = 0  # of the site: one more at each build of the sources

    def next_folder() -> Path:
        out = folders[next(numbers) % 2]
        if not out.exists() and folders[0].exists():
            copy_tree(folders[0], out)
            cache.copy_folder(folders[0], out)
        return out

    def build_site(changed: frozenset[Path]) -> BuiltSite:
        nonlocal last, failed, version
        base_path = load_config(root).base_path
        content_changes = frozenset(path for path in changed if path != SEARCH_INDEX_CHANGE)
        if not content_changes and changed and follower is not None and last is not None:
            if failed is not None:
                raise failed  # the sources are still broken: the page keeps saying so
            index = follower.take(version)
            if index is None or session.last is None:
                return last  # made for a site rebuilt since: the index of the newest is on its way
            out = next_folder()
            publish_search(session, [copy_job(output) for output in index], out, cache)
            last = BuiltSite(out, base_path, last.warnings)
            return last
        out = next_folder()
        with caught_warnings() as warnings:
            try:
                report = build(root, out=out, drafts=drafts, cache=cache, changed=content_changes or None,
                               defer_search=follower is not None and bool(content_changes), session=session)
            except SsgError as error:
                failed = error
                raise
        failed = None
        version += 1
        last = BuiltSite(out, base_path, tuple(warnings))
        if report.search_pending and follower is not None and session.last is not None:
            follower.follow(version, session.last.site, session.last.bodies)
        return last

    return build_site


@contextmanager
def caught_warnings() -> Iterator[list[str]]:
    """The warnings logged while building, collected rather than printed: a preview rebuilds on every
    save, and the same twenty broken links each time would bury the one line per rebuild."""
    logger = logging.getLogger("ssg")
    caught: list[str] = []
    catcher = logging.Handler(logging.WARNING)
    catcher.emit = lambda record: caught.append(record.getMessage())  # type: ignore[method-assign]
    printers = list(logger.handlers)
    for printer in printers:
        printer.addFilter(_below_warning)
    logger.addHandler(catcher)
    try:
        yield caught
    finally:
        logger.removeHandler(catcher)
        for printer in printers:
            printer.removeFilter(_below_warning)


def _below_warning(record: logging.LogRecord) -> bool:
    return record.levelno < logging.WARNING
