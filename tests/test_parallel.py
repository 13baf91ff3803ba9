"""Reading and rendering in worker processes writes exactly the bytes one process writes, and fails alike."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from ssg import parallel
from ssg.build import build
from ssg.cache import Cache
from conftest import write_post

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


def double(items):
    return [item * 2 for item in items]


def test_workers_end_quietly_under_a_process_that_turns_sigterm_into_ctrl_c(capfd):
    # `ssg serve` does that; closing a pool sends its workers SIGTERM, which once printed a
    # KeyboardInterrupt traceback per worker into the preview's terminal.
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        assert parallel.map_chunks(double, list(range(2000)), jobs=2) == [item * 2 for item in range(2000)]
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert "Traceback" not in capfd.readouterr().err


def test_a_bad_post_read_in_a_worker_is_reported_by_name(new_site, run_ssg, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 1)
    for number in range(40):
        write_post(new_site, f"posts/post-{number:02d}.md",
                   f"---\ntitle: Post {number}\ndate: 2020-01-{number % 28 + 1:02d}\n---\nText.\n")
    write_post(new_site, "posts/post-17.md", "---\ntitle: [unclosed\n---\nText.\n")
    write_post(new_site, "posts/post-33.md", "---\ndate: not a date\n---\nText.\n")
    code, _, err = run_ssg("build", "--jobs", "2", "--site", new_site)
    assert code == 1
    assert "post-17.md" in err and "post-33.md" not in err  # the first bad file, as one process reports it
    assert "Traceback" not in err
    assert not (new_site / "public").exists()
