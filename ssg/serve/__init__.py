"""`ssg serve`: build, serve on loopback under the production sub-path, watch the sources, rebuild, reload.

The pieces: `preview` (what is served, the rebuild loop), `server` (HTTP and the live-reload stream),
`watcher` (watchdog, debounced). `open_preview` puts them together; `serve_site` is the command.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ssg.cache import Cache
from ssg.config import load_config
from ssg.serve.preview import Builder, Preview, Rebuild, make_site_builder, rebuild, run_rebuilds
from ssg.serve.server import PreviewServer, listen, make_server
from ssg.serve.watcher import CACHE_FOLDER, ChangeQueue, watch_site

__all__ = ["LivePreview", "make_server", "open_preview", "serve_site"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class LivePreview:
    """A running preview: its address, the first build, and what the rebuild loop needs."""

    url: str
    first: Rebuild
    root: Path
    preview: Preview
    builder: Builder
    changes: ChangeQueue
    server: PreviewServer

    def run_rebuilds(self, on_rebuild: Callable[[Rebuild], None]) -> None:
        """Rebuild after each settled batch of changes until `changes` is closed (or Ctrl-C)."""
        run_rebuilds(self.preview, self.builder, self.changes.take, self.root, on_rebuild)


@contextmanager
def open_preview(root: Path, host: str = "127.0.0.1", port: int | None = None,
                 drafts: bool = False) -> Iterator[LivePreview]:
    """Listen, build once, serve and watch; everything stops and is removed when the block ends.

    Builds go into a private folder under .ssg-cache/, never into public/: a preview with drafts
    must not end up in what gets published.
    """
    root = root.resolve()
    config = load_config(root)  # not a site: fail now, before listening
    preview = Preview(config.base_path)
    server = listen(preview, host, port)  # a taken port fails before a long first build
    changes = ChangeQueue()
    workdir = observer = serving = None
    try:
        workdir = make_workdir(root / CACHE_FOLDER)
        # Watch before the first build, so an edit saved during it is not missed.
        observer = watch_site(config, changes)
        builder = make_site_builder(root, workdir, drafts, request_rebuild=changes.add)
        first = rebuild(preview, builder, frozenset(), root)
        serving = threading.Thread(target=server.serve_forever, name="ssg-serve", daemon=True)
        serving.start()
        yield LivePreview(server.url, first, root, preview, builder, changes, server)
    finally:
        changes.close()
        preview.stop()  # lets every open event stream end
        if observer is not None:
            observer.stop()
            observer.join()
        if serving is not None:
            server.shutdown()  # waits for serve_forever, so only once it runs
        server.server_close()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
            Cache(config.cache_dir).forget_folders_under(workdir)


def make_workdir(cache: Path) -> Path:
    """A folder of this preview's own, after removing those that previews killed without cleanup left."""
    cache.mkdir(exist_ok=True)
    for folder in cache.glob("serve-*"):
        owner = folder.name.split("-")[1]
        if owner.isdigit() and not _is_running(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"serve-{os.getpid()}-", dir=cache))


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def serve_site(root: Path, host: str, port: int | None, drafts: bool,
               on_ready: Callable[[LivePreview], None], on_rebuild: Callable[[Rebuild], None]) -> None:
    """The `ssg serve` command: runs until Ctrl-C, which interrupts even a build in progress."""
    with open_preview(root, host, port, drafts) as live:
        on_ready(live)
        live.run_rebuilds(on_rebuild)
