"""Render stage: share work between forked worker processes, one per core.

Workers are forked after the site is resolved, so they inherit it (copy-on-write) instead of
receiving it; each gets a range of the items and sends back only its small results. Output does
not depend on which process rendered what.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger(__name__)

MIN_PER_WORKER = 200  # below this many items a worker costs more than it saves
CHUNKS_PER_WORKER = 8  # smaller shares even out uneven items, and the wait for the last one
CHUNK_LIMIT = 2000  # and bound what one share's results hold

_work: tuple[Callable[[Sequence[Any]], list[Any]], Sequence[Any]] | None = None


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS
        return max(1, os.cpu_count() or 1)


def map_chunks(function: Callable[[Sequence[Any]], list[Any]], items: Sequence[Any], jobs: int | None = None) -> list[Any]:
    """function(items), computed a range at a time in forked workers; the results in the items' order."""
    results: list[Any] = []
    for_each_chunk(function, items, results.extend, jobs)
    return results


def for_each_chunk(function: Callable[[Sequence[Any]], list[Any]], items: Sequence[Any],
                   consume: Callable[[list[Any]], None], jobs: int | None = None,
                   min_per_worker: int | None = None) -> None:
    """consume(function(part)) for consecutive parts of `items`, in order, as the workers finish them:
    the results of the whole list are never held at once."""
    jobs = min(jobs or default_jobs(), len(items) // (min_per_worker or MIN_PER_WORKER))
    size = max(1, min(CHUNK_LIMIT, -(-len(items) // (max(jobs, 1) * CHUNKS_PER_WORKER))))
    ranges = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for start, end in ranges:
            consume(function(items[start:end]))
        return
    global _work
    _work = (function, items)
    frozen_by_caller = gc.get_freeze_count() > 0  # a build that froze what it loaded thaws it itself
    gc.freeze()  # objects the workers inherit stay shared: the collector does not touch their pages
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=quiet_worker) as pool:
            for results in pool.imap(_run, ranges, chunksize=1):
                consume(results)
    finally:
        _work = None
        if not frozen_by_caller:
            gc.unfreeze()


def quiet_worker() -> None:
    """In a worker: leave Ctrl-C to the parent, which stops the pool, and end quietly when it does.

    A worker forked from `ssg serve` would otherwise inherit its SIGTERM handler and print a
    KeyboardInterrupt traceback each time a pool is closed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run(bounds: tuple[int, int]) -> list[Any]:
    assert _work is not None
    function, items = _work
    return function(items[bounds[0]:bounds[1]])
