"""The build cache in .ssg-cache/build.sqlite: parsed posts, rendered bodies and the fingerprints of
every output file, so that a rebuild parses, renders and writes only what changed.

One SQLite file (stdlib, one writer: the main process; render workers open their own connection
to read bodies). Anything that cannot be trusted (another ssg version, a damaged file) is dropped,
never used: the cache only ever makes a build faster, never different.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from ssg import __version__

log = logging.getLogger(__name__)

CACHE_NAME = "build.sqlite"
FORMAT = "2"  # bump when what is stored, or how a body is made, changes
RACY = "racy"  # the stamp of a file saved too recently for its size and time to tell a later change

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS posts (path TEXT PRIMARY KEY, stamp TEXT NOT NULL, post BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, digest TEXT NOT NULL, links BLOB NOT NULL,
                                   excerpt TEXT NOT NULL, text TEXT NOT NULL, html BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS outputs (folder TEXT NOT NULL, path TEXT NOT NULL, fingerprint TEXT NOT NULL,
                                    PRIMARY KEY (folder, path));
CREATE TABLE IF NOT EXISTS inputs (folder TEXT PRIMARY KEY, digest TEXT NOT NULL, report BLOB);
"""


class Cache:
    """The build cache of one site; `Cache(None)` caches nothing (ssg check, tests of a stage).

    What a build looks up is read from the file once and then kept in memory, so that a preview,
    which keeps its Cache from one rebuild to the next, does not read it again; bodies' HTML is
    the exception: it is read when a page needs it, so memory does not grow with the site's HTML.
    """

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / CACHE_NAME if folder else None
        self._connection: sqlite3.Connection | None = None
        self._pid = os.getpid()
        self._posts: dict[str, tuple[str, object]] | None = None
        self._bodies: dict[str, tuple[str, dict, str]] | None = None
        self._outputs: dict[str, dict[str, str]] = {}
        self._settings: dict[str, str] = {}
        self._generation: int | None = None  # of the file, when this object's memory of it was last right
        self._inputs: dict[str, tuple[str, tuple | None]] = {}

    @property
    def db(self) -> sqlite3.Connection:
        """This process's connection: a forked render worker opens its own."""
        if self._connection is None or self._pid != os.getpid():
            self._pid = os.getpid()
            self._connection = _open(self.path)
        return self._connection

    def refresh(self) -> None:
        """Forget what is in memory if another process (a build beside a preview) wrote the file since."""
        if self.path and self._generation != self._read_generation():
            self._posts = self._bodies = None
            self._outputs, self._settings, self._inputs = {}, {}, {}
            self._generation = self._read_generation()

    def _read_generation(self) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """A transaction that counts as one more generation of the file."""
        with self.db:
            before = self._read_generation()
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(before + 1),))
            yield self.db
        # Memory stays right only if nobody else wrote since it was
        self._generation = before + 1 if before == self._generation else None

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None

    # --- parsed posts, by file: valid while the file's size and mtime (and the parse settings) stay the same
    def posts(self) -> dict[str, tuple[str, object]]:
        """path -> (stamp, post) of every file parsed before."""
        if self._posts is None:
            self._posts = {} if not self.path else {
                path: (stamp, pickle.loads(post)) for path, stamp, post in self.db.execute("SELECT * FROM posts")}
        return self._posts

    def store_posts(self, parsed: dict[str, tuple[str, object, bytes]], removed: Iterable[str]) -> None:
        """Posts just parsed, as (stamp, post, the post pickled); one whose stamp is RACY is kept in
        memory only, and parsed again by the next walk."""
        posts = self.posts()
        removed = [path for path in removed if posts.pop(path, None)]
        posts.update((path, (stamp, post)) for path, (stamp, post, _) in parsed.items())
        if self.path and (parsed or removed):
            with self._writing():
                self.db.executemany("DELETE FROM posts WHERE path = ?", [(path,) for path in removed + [
                    path for path, (stamp, _, _) in parsed.items() if stamp == RACY]])
                self.db.executemany("INSERT OR REPLACE INTO posts VALUES (?, ?, ?)", (
                    (path, stamp, pickled) for path, (stamp, _, pickled) in parsed.items() if stamp != RACY))

    # --- rendered bodies, by a hash of their Markdown, page and engine; valid while their links resolve alike
    def bodies(self) -> dict[str, tuple[str, dict, str]]:
        """key -> (digest, links resolved, excerpt) of every body rendered before."""
        if self._bodies is None:
            self._bodies = {} if not self.path else {
                key: (digest, pickle.loads(links), excerpt)
                for key, digest, links, excerpt in self.db.execute("SELECT key, digest, links, excerpt FROM bodies")}
        return self._bodies

    def body_texts(self, keys: list[str]) -> dict[str, str]:
        """The whole text of these bodies (for the search index), read only when it is on."""
        found = {}
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            found.update(self.db.execute(f"SELECT key, text FROM bodies WHERE key IN ({','.join('?' * len(part))})",
                                         part))
        return found

    def store_bodies(self, rows: list[tuple[str, str, dict, str, str, bytes]]) -> None:
        """Bodies just rendered: (key, digest, links, excerpt, text, html)."""
        bodies = self.bodies()
        for key, digest, links, excerpt, _, _ in rows:
            bodies[key] = (digest, links, excerpt)
        if self.path and rows:
            with self._writing():
                self.db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?, ?, ?, ?)", (
                    (key, digest, pickle.dumps(links), excerpt, text, html)
                    for key, digest, links, excerpt, text, html in rows))

    def keep_bodies(self, used: set[str]) -> None:
        """Forget the bodies no document uses any more (an edited post's old body)."""
        bodies = self.bodies()
        stale = [key for key in bodies if key not in used]
        for key in stale:
            del bodies[key]
        if self.path and stale:
            with self._writing():
                self.db.executemany("DELETE FROM bodies WHERE key = ?", [(key,) for key in stale])

    def setting(self, name: str) -> str:
        """A value the last build left (the digest of its link table...), or ""."""
        if name not in self._settings:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (name,)).fetchone() if self.path else None
            self._settings[name] = row[0] if row else ""
        return self._settings[name]

    def store_setting(self, name: str, value: str) -> None:
        self._settings[name] = value
        if self.path:
            with self._writing():
                self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))

    def body_html(self, key: str) -> bytes:
        row = self.db.execute("SELECT html FROM bodies WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return row[0]

    # --- what is in an output folder: each file's fingerprint, and a digest of every input it was built from
    def outputs(self, folder: Path) -> dict[str, str]:
        """path -> fingerprint of what `folder` holds, as the last build there left it."""
        key = str(folder)
        if key not in self._outputs:
            self._outputs[key] = {} if not self.path else dict(
                self.db.execute("SELECT path, fingerprint FROM outputs WHERE folder = ?", (key,)))
        return self._outputs[key]

    def store_outputs(self, folder: Path, changed: dict[str, str], removed: Iterable[str]) -> None:
        """Record what a build changed in `folder`; until store_report, the folder counts as out of date."""
        outputs = self.outputs(folder)
        removed = list(removed)
        for path in removed:
            outputs.pop(path, None)
        outputs.update(changed)
        self._inputs[str(folder)] = ("", None)
        if self.path:
            with self._writing():
                self.db.executemany("DELETE FROM outputs WHERE folder = ? AND path = ?",
                                    [(str(folder), path) for path in removed])
                self.db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?)",
                                    [(str(folder), path, fingerprint) for path, fingerprint in changed.items()])
                self.db.execute("DELETE FROM inputs WHERE folder = ?", (str(folder),))

    def store_report(self, folder: Path, inputs: str, report: object, warnings: list[str]) -> None:
        """A build into `folder` finished: the digest of what it read, its report and its warnings."""
        self._inputs[str(folder)] = (inputs, (report, warnings))
        if self.path:
            with self._writing():
                self.db.execute("INSERT OR REPLACE INTO inputs VALUES (?, ?, ?)",
                                (str(folder), inputs, pickle.dumps((report, warnings))))

    def forget_folder(self, folder: Path) -> None:
        """`folder` is gone, or holds something this cache does not know."""
        self._outputs[str(folder)] = {}
        self._inputs.pop(str(folder), None)
        if self.path:
            with self._writing():
                self.db.execute("DELETE FROM outputs WHERE folder = ?", (str(folder),))
                self.db.execute("DELETE FROM inputs WHERE folder = ?", (str(folder),))

    def forget_folders_under(self, parent: Path) -> None:
        """Every output folder under `parent` is gone (a preview's, when it stops)."""
        if self.path:
            pattern = f"{parent}{os.sep}%"
            with self._writing():
                self.db.execute("DELETE FROM outputs WHERE folder LIKE ?", (pattern,))
                self.db.execute("DELETE FROM inputs WHERE folder LIKE ?", (pattern,))
        for key in [key for key in self._outputs if key.startswith(f"{parent}{os.sep}")]:
            del self._outputs[key]
            self._inputs.pop(key, None)

    def copy_folder(self, source: Path, target: Path) -> None:
        """`target` now holds a copy of what `source` holds."""
        self.forget_folder(target)
        self.store_outputs(target, dict(self.outputs(source)), [])
        self.store_report(target, self.inputs(source), *self.report(source))

    def inputs(self, folder: Path) -> str:
        """The digest of every input the last finished build into `folder` read ("" when unknown)."""
        return self._load_inputs(folder)[0]

    def report(self, folder: Path) -> tuple:
        """The last finished build's report and warnings."""
        found = self._load_inputs(folder)[1]
        return found if found is not None else (None, [])

    def _load_inputs(self, folder: Path) -> tuple[str, tuple | None]:
        key = str(folder)
        if key not in self._inputs:
            row = self.db.execute("SELECT digest, report FROM inputs WHERE folder = ?", (key,)).fetchone() \
                if self.path else None
            self._inputs[key] = (row[0], pickle.loads(row[1])) if row else ("", None)
        return self._inputs[key]


@functools.cache
def code_version() -> str:
    """What ssg's output is made by: its version, its own source files (a checkout changes without a
    new version number) and the libraries that render and sanitize. Cached work from other code is not used."""
    package = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=12)
    for source in sorted(package.rglob("*.py")):
        status = source.stat()
        digest.update(f"{source.relative_to(package)} {status.st_size} {status.st_mtime_ns}\n".encode())
    versions = []
    for library in ("markdown-it-pyrs", "markdown-it-py", "mdit-py-plugins", "nh3", "Jinja2", "PyYAML"):
        try:
            versions.append(f"{library} {metadata.version(library)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{library} -")
    return f"{__version__} {FORMAT} {digest.hexdigest()} {', '.join(versions)}"


def _open(path: Path | None) -> sqlite3.Connection:
    """The cache database, made anew when it is missing, damaged or from another ssg version."""
    if path is None:
        raise RuntimeError("this build has no cache")
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = code_version()
    for _ in range(2):
        try:
            connection = sqlite3.connect(path, timeout=30, check_same_thread=False)  # one build at a time
            # Rows hold whole posts and pages of HTML: larger pages read and write them in fewer calls.
            connection.execute("PRAGMA page_size = 16384")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.executescript(_SCHEMA)
            row = connection.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if row is None or row[0] != stamp:
                if row is not None:
                    log.info("the build cache is from another ssg version: starting it anew")
                    connection.close()
                    _remove(path)
                    continue
                with connection:
                    connection.execute("INSERT INTO meta VALUES ('version', ?)", (stamp,))
            return connection
        except sqlite3.DatabaseError as error:
            log.warning("%s: the build cache is damaged (%s): starting it anew", path, error)
            _remove(path)
    raise RuntimeError(f"cannot open the build cache {path}")


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
