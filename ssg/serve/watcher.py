"""serve: watch a site's sources with watchdog and hand settled batches of changed paths to the rebuild loop.

Watched: content/, templates/, themes/, static/ and ssg.toml of the site, and the built-in theme.
Ignored: editor swap, backup and lock files, version-control folders, the output and cache folders,
and events that only say a file was read (the build itself reads every source).
"""

from __future__ import annotations

import fnmatch
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from ssg.config import CONFIG_NAME, Config
from ssg.templates import builtin_theme_dir

log = logging.getLogger(__name__)

WATCHED_FOLDERS = ("content", "templates", "themes", "static")
CACHE_FOLDER = ".ssg-cache"

# Files editors write beside the one being saved: vim (.x.swp, x~, 4913), emacs (.#x, #x#),
# JetBrains (x___jb_tmp___), gedit (.goutputstream-*), kate, LibreOffice, Chrome, macOS, Windows.
EDITOR_LITTER = (
    "*.swp", "*.swo", "*.swn", "*.swx", "*~", "4913", ".#*", "#*#", "*___jb_tmp___", "*___jb_old___",
    ".goutputstream-*", "*.kate-swp", ".~lock.*#", "*.crswap", "*.tmp", ".DS_Store", "Thumbs.db",
)
IGNORED_FOLDERS = {".git", ".hg", ".svn", "__pycache__", "node_modules", CACHE_FOLDER}
# What reading a file looks like to inotify; the build reads every source, so these never mean a change.
READ_EVENTS = {"opened", "closed_no_write"}


class ChangeQueue:
    """Changed paths from the watcher, handed out once no new change came for `quiet` seconds.

    Saving a file is often several events (write a temporary file, rename it over the old one), and
    a checkout or an import touches thousands of files: each becomes one rebuild, not thousands.
    """

    def __init__(self, quiet: float = 0.05) -> None:
        self.quiet = quiet
        self._paths: set[Path] = set()
        self._last_change = 0.0
        self._closed = False
        self._condition = threading.Condition()

    def add(self, path: Path) -> None:
        with self._condition:
            self._paths.add(path)
            self._last_change = time.monotonic()
            self._condition.notify_all()

    def close(self) -> None:
        """Make `take` return None: no more rebuilds."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def take(self, timeout: float | None = None) -> frozenset[Path] | None:
        """The next batch once changes settled; None when closed (or when `timeout` passed first)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._condition:
            while not self._closed:
                now = time.monotonic()
                if deadline is not None and now >= deadline:
                    return None
                if self._paths and now >= self._last_change + self.quiet:
                    batch = frozenset(self._paths)
                    self._paths.clear()
                    return batch
                wait = self._last_change + self.quiet - now if self._paths else None
                if deadline is not None:
                    wait = deadline - now if wait is None else min(wait, deadline - now)
                self._condition.wait(wait)
            return None


def is_source_change(path: Path, config: Config) -> bool:
    """Whether a changed path can change the built site (not editor litter, output or cache)."""
    if any(fnmatch.fnmatch(path.name, pattern) for pattern in EDITOR_LITTER):
        return False
    root = config.root.resolve()
    if path.is_relative_to(config.output_dir.resolve()):
        return False
    inside = path.relative_to(root).parts if path.is_relative_to(root) else ()
    return not any(part in IGNORED_FOLDERS for part in inside)


def watched_folders(config: Config) -> list[Path]:
    """The source folders of the site that exist now, and the built-in theme unless the site holds it."""
    root = config.root.resolve()
    folders = [root / name for name in WATCHED_FOLDERS if (root / name).is_dir()]
    theme = builtin_theme_dir().resolve()
    if not any(theme.is_relative_to(folder) for folder in folders):
        folders.append(theme)
    return folders


class SiteWatch(FileSystemEventHandler):
    """Turns watchdog events into changed paths; follows source folders created or removed later.

    The site folder itself is watched without recursion (ssg.toml, a new templates/ folder), so
    the output folder, .git or a virtualenv beside the site never cost an inotify watch.
    """

    def __init__(self, config: Config, observer: BaseObserver, on_change: Callable[[Path], None]) -> None:
        self.config = config
        self.root = config.root.resolve()
        self.observer = observer
        self.on_change = on_change
        self.watches: dict[Path, ObservedWatch] = {}
        # inotify (Linux) also reports when a written file is closed; elsewhere a write is all there is.
        self.reports_closes = type(observer).__name__ == "InotifyObserver"

    def start(self) -> None:
        self.observer.schedule(self, str(self.root), recursive=False)
        for folder in watched_folders(self.config):
            self.watch_folder(folder)
        self.observer.start()

    def watch_folder(self, folder: Path) -> None:
        self.watches[folder] = self.observer.schedule(self, str(folder), recursive=True)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in READ_EVENTS:
            return
        if event.event_type == "modified" and not event.is_directory and self.reports_closes:
            return  # a write in progress: the 'closed' event after the last write is the change
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                self.note(Path(os.fsdecode(raw)), event)

    def note(self, path: Path, event: FileSystemEvent) -> None:
        if path.parent == self.root:
            if path.name == CONFIG_NAME:
                self.on_change(path)
            elif path.name in WATCHED_FOLDERS and event.event_type in ("created", "deleted", "moved"):
                self.follow_folder(path)
            return
        if event.is_directory and event.event_type in ("created", "modified", "attrib", "closed"):
            return  # a folder's own events: what matters are the files in it, which have events of their own
        if is_source_change(path, self.config):
            self.on_change(path)

    def follow_folder(self, folder: Path) -> None:
        """A source folder appeared (watch it), or went away (its old watch died with it)."""
        old = self.watches.pop(folder, None)
        if old is not None:
            try:
                self.observer.unschedule(old)
            except KeyError:
                pass
        if folder.is_dir():
            self.watch_folder(folder)
        self.on_change(folder)


def watch_site(config: Config, changes: ChangeQueue) -> BaseObserver:
    """Start watching the site; every change that matters is added to `changes`. Stop the returned observer."""
    observer = Observer()
    SiteWatch(config, observer, changes.add).start()
    return observer
