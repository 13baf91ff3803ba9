"""Times one-post edits rebuilt in-process, as `ssg serve` rebuilds them: prints one time per edit, in seconds.

    .venv/bin/python bench/inprocess_edit.py SITE POST [--edits 7]
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ssg.serve.preview import make_site_builder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("post", type=Path)
    parser.add_argument("--edits", type=int, default=7)
    args = parser.parse_args()
    logging.getLogger("ssg").setLevel(logging.ERROR)
    work = Path(tempfile.mkdtemp(prefix="inprocess-"))
    original = args.post.read_text(encoding="utf-8")
    later = []
    builder = make_site_builder(args.site, work, request_rebuild=later.append)
    builder(frozenset())
    try:
        for number in range(args.edits + 1):  # the first edit warms up (and seeds the second folder)
            args.post.write_text(original + f"\nEdited in-process {number}.\n", encoding="utf-8")
            started = time.perf_counter()
            builder(frozenset({args.post}))
            if number:
                print(f"{time.perf_counter() - started:.4f}", flush=True)
            if later:
                builder(frozenset(later))
                later.clear()
    finally:
        args.post.write_text(original, encoding="utf-8")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
