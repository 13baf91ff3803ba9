"""serve: make the search index in a background thread, so that no rebuild waits for Pagefind.

A rebuild in the preview leaves the search index as it was. The follower then indexes the site
that rebuild made, while the writer already sees the page, and asks for one more rebuild, which
only puts the finished index in place. An index made for a site that has since been rebuilt
again is dropped: the follower is already indexing the newer one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ssg.bodies import Bodies
from ssg.errors import SsgError
from ssg.output import Output
from ssg.search import build_search
from ssg.site import Site

log = logging.getLogger(__name__)


class SearchFollower:
    """Indexes the newest site it was given, one at a time, and calls `on_ready` when an index is made."""

    def __init__(self, on_ready: Callable[[], None]) -> None:
        self._on_ready = on_ready
        self._condition = threading.Condition()
        self._wanted: tuple[int, Site, Bodies] | None = None
        self._made: tuple[int, list[Output]] | None = None
        self._working = False

    def follow(self, version: int, site: Site, bodies: Bodies) -> None:
        """Index this build's site (numbered `version`) once any indexing in progress ends."""
        with self._condition:
            self._wanted = (version, site, bodies)
            if not self._working:
                self._working = True
                threading.Thread(target=self._run, name="ssg-search-index", daemon=True).start()

    def take(self, version: int) -> list[Output] | None:
        """The index made for build `version`, once; None when there is none (yet) for that build."""
        with self._condition:
            made, self._made = self._made, None
        return made[1] if made is not None and made[0] == version else None

    def _run(self) -> None:
        while True:
            with self._condition:
                if self._wanted is None:
                    self._working = False
                    return
                (version, site, bodies), self._wanted = self._wanted, None
            try:
                outputs = build_search(site, bodies)
            except SsgError as error:
                log.warning("the search index was not updated: %s", error.message)
                continue
            except Exception:  # the site changed under it (a rebuild followed): a newer one is wanted
                log.debug("indexing for search failed", exc_info=True)
                continue
            with self._condition:
                if self._wanted is not None:
                    continue  # made for a site already rebuilt: index the newer one instead
                self._made = (version, outputs)
            self._on_ready()
