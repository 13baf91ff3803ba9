"""Rendering in worker processes writes exactly the bytes one process writes."""

from __future__ import annotations

import os
from pathlib import Path

from ssg import parallel
from ssg.build import build
from ssg.cache import Cache

RUN = parallel._run
PIDS: list[Path] = []  # where each worker says who it is


def run_and_say_where(bounds):
    with PIDS[0].open("a") as file:
        file.write(f"{os.getpid()}\n")
    return RUN(bounds)


def files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_worker_processes_write_the_same_bytes_as_one_process(imported_dump, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "_run", run_and_say_where)
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 1)  # workers even for this small site
    PIDS[:] = [tmp_path / "pids"]
    one = build(imported_dump, out=tmp_path / "one", jobs=1, cache=Cache(tmp_path / "cache-one"))
    assert not PIDS[0].exists()
    two = build(imported_dump, out=tmp_path / "two", jobs=2, cache=Cache(tmp_path / "cache-two"))
    assert len(set(PIDS[0].read_text().split()) - {str(os.getpid())}) >= 2  # bodies and pages, in workers
    assert one.files == two.files > 500
    assert files(tmp_path / "one") == files(tmp_path / "two")
