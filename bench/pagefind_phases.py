"""Where Pagefind's indexing time goes: CPU per post of each step of its Python service, beside its CLI.

The same synthetic posts (synthetic.py) are given to Pagefind's service as custom records, as ssg
does, and to its CLI as minimal HTML pages. Each line is the CPU time of Pagefind's process alone:
adding the records only; adding them and writing the index (what ssg does); the same with one
more BuildIndex request before writing, which shows what one build of the index costs (the
service's write_files builds it twice: once in its request handler and once more inside
PagefindIndex::write_files); and the CLI, which builds it once.

    .venv/bin/python bench/pagefind_phases.py            # 600 posts, a shard's size
"""

from __future__ import annotations

import argparse
import asyncio
import html
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from synthetic import make_posts  # noqa: E402

from ssg import search  # noqa: E402


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def run_service(records: list[dict], out: Path | None, extra_builds: int = 0) -> None:
    service = await search._PagefindService().launch()
    try:
        index = await service.create_index({"force_language": "en"})
        await asyncio.gather(*(index.add_custom_record(**record) for record in records))
        for _ in range(extra_builds):
            await service.send({"type": "BuildIndex", "index_id": index._index_id})
        if out is not None:
            await index.write_files(str(out))
            await search.read_when_written(out)
    finally:
        await service.close()


def run_cli(records: list[dict], work: Path) -> None:
    site = work / "site"
    for record in records:
        page = site / record["url"].strip("/") / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<!doctype html><html lang="en"><body><h1 data-pagefind-meta="title">'
                        f'{html.escape(record["meta"]["title"])}</h1><p>{html.escape(record["content"])}</p>'
                        f'</body></html>', encoding="utf-8")
    subprocess.run([str(search.find_pagefind()), "--site", str(site), "--output-path", str(work / "cli"),
                    "--force-language", "en", "--silent"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=600)
    count = parser.parse_args().posts
    records = [{"url": f"/p/{post.slug}/", "content": " ".join(post.paragraphs), "language": "en",
                "meta": {"title": post.title}} for post in make_posts(count)]
    with tempfile.TemporaryDirectory(prefix="ssg-bench-phases-") as folder:
        work = Path(folder)
        steps = [("service: add_custom_record only", lambda: asyncio.run(run_service(records, None))),
                 ("service: add + write_files (ssg)", lambda: asyncio.run(run_service(records, work / "a"))),
                 ("service: add + BuildIndex + write_files", lambda: asyncio.run(run_service(records, work / "b", 1))),
                 ("CLI on the same posts as HTML", lambda: run_cli(records, work))]
        for name, step in steps:
            before = children_cpu()
            step()
            print(f"{name:42} {(children_cpu() - before) / count * 1000:5.2f} ms of CPU a post")


if __name__ == "__main__":
    main()
