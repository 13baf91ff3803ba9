"""Search benchmark: ssg's indexing beside the Pagefind CLI on the same built pages, in one run.

For each archive size: index time, peak memory, index size, and the bytes a visitor downloads for
a first query (Pagefind's script, worker, wasm and index files, and ten results). Memory is the
peak of the whole process tree (ssg and its Pagefind processes, sampled every 50 ms) above what the
build held before indexing. `--index-only N` indexes N synthetic records without building pages,
to show how far the sharded index goes.

    .venv/bin/python bench/search.py                      # 1,000 and 10,000 posts
    .venv/bin/python bench/search.py --posts 1000 --index-only 150000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from synthetic import make_posts, write_site  # noqa: E402

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
PAGEFIND_UI = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight", "playground",
               "wasm.unknown")
CLI_HARNESS = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CLI</title></head><body>
<script type="module">
const pagefind = await import("/pagefind/pagefind.js");
const found = await pagefind.search(new URLSearchParams(location.search).get("q"));
await Promise.all(found.results.slice(0, 10).map((result) => result.data()));
document.title = `done ${found.results.length}`;
</script></body></html>"""


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * PAGE_SIZE
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack += [int(child) for child in children.read().split()]
        except (OSError, ValueError):
            continue
    return total


class PeakMemory:
    """Samples a process tree's resident memory in a thread until stopped; keeps the peak."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.cpu, self._running = pid, 0, 0.0, True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while self._running:
            self.peak = max(self.peak, tree_rss(self.pid))
            time.sleep(0.05)
        self.cpu = time.thread_time()  # this thread's own CPU, which is not the work measured

    def stop(self) -> int:
        self._running = False
        self._thread.join()
        return self.peak


def cpu_seconds() -> float:
    """User and system time of this process and of the children it has waited for."""
    return sum(usage.ru_utime + usage.ru_stime for usage in (
        resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


def measure_ssg_build(site: Path) -> dict:
    """In a fresh process: a full `ssg build` with an empty cache, timing its search indexing."""
    output = subprocess.run([sys.executable, __file__, "--child-build", str(site)], check=True,
                            capture_output=True, text=True)
    return json.loads(output.stdout.splitlines()[-1])


def child_build(site: Path) -> None:
    from ssg import search
    from ssg.build import build

    original, stats = search.index_shards, {}

    def measured(config, shards):
        baseline, cpu = tree_rss(os.getpid()), cpu_seconds()
        sampler, started = PeakMemory(os.getpid()), time.perf_counter()
        scripts, folders = original(config, shards)
        stats.update(seconds=time.perf_counter() - started, peak=sampler.stop() - baseline, shards=len(folders),
                     cpu=cpu_seconds() - cpu - sampler.cpu)
        return scripts, folders

    search.index_shards = measured
    started = time.perf_counter()
    build(site)
    stats["build_seconds"] = time.perf_counter() - started
    print(json.dumps(stats))


def measure_cli(public: Path, out: Path) -> dict:
    """The Pagefind CLI on the same post pages ssg built."""
    from ssg.search import find_pagefind

    started = time.perf_counter()
    process = subprocess.Popen([str(find_pagefind()), "--site", str(public), "--glob", "20*/*/post-*/index.html",
                                "--output-path", str(out)], stdout=subprocess.DEVNULL)
    sampler = PeakMemory(process.pid)
    _, status, usage = os.wait4(process.pid, 0)
    seconds, sampled = time.perf_counter() - started, sampler.stop()
    if status:
        raise SystemExit(f"the Pagefind CLI failed with status {status}")
    return {"seconds": seconds, "peak": max(sampled, usage.ru_maxrss * 1024), "cpu": usage.ru_utime + usage.ru_stime}


def index_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*")
               if path.is_file() and not path.relative_to(folder).parts[0].startswith(PAGEFIND_UI))


def first_query_bytes(ssg_public: Path, cli_site: Path, word: str) -> tuple[int, int, int]:
    """Bytes fetched from each index folder for one query and its first ten results, and ssg's whole page."""
    from playwright.sync_api import sync_playwright

    from ssg.serve import make_server

    servers = [make_server(folder, "127.0.0.1", 0, "/") for folder in (ssg_public, cli_site)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ours, cli = (f"http://127.0.0.1:{server.server_address[1]}/" for server in servers)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            ours_index, ours_total = _bytes(browser, f"{ours}search/?q={word}", "/_pagefind/",
                                            lambda page: page.locator(".search-result").nth(9).wait_for())
            cli_index, _ = _bytes(browser, f"{cli}?q={word}", "/pagefind/",
                                  lambda page: page.wait_for_function("document.title.startsWith('done')"))
            browser.close()
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    return ours_index, cli_index, ours_total


def _bytes(browser, url: str, index_path: str, wait) -> tuple[int, int]:
    context = browser.new_context()
    sizes: dict[str, int] = {}
    context.on("requestfinished", lambda request: sizes.__setitem__(
        request.url, request.sizes()["responseBodySize"]))
    page = context.new_page()
    page.goto(url)
    wait(page)
    context.close()
    return sum(size for url, size in sizes.items() if index_path in url), sum(sizes.values())


def bench_size(count: int, work: Path) -> dict:
    print(f"{count} posts: writing the site...", file=sys.stderr, flush=True)
    posts = make_posts(count)
    site = write_site(posts, work / f"site-{count}")
    print(f"{count} posts: ssg build (search indexed from an empty cache)...", file=sys.stderr, flush=True)
    ours = measure_ssg_build(site)
    print(f"{count} posts: the Pagefind CLI on the same pages...", file=sys.stderr, flush=True)
    cli_site = work / f"cli-{count}"
    cli_site.mkdir()
    (cli_site / "index.html").write_text(CLI_HARNESS, encoding="utf-8")
    cli = measure_cli(site / "public", cli_site / "pagefind")
    word = posts[count // 2].paragraphs[0].split()[4].strip(".").lower()
    ours_query, cli_query, ours_page = first_query_bytes(site / "public", cli_site, word)
    return {
        "posts": count, "word": word, "shards": ours["shards"],
        "ssg_seconds": ours["seconds"], "cli_seconds": cli["seconds"], "build_seconds": ours["build_seconds"],
        "ssg_cpu": ours["cpu"], "cli_cpu": cli["cpu"],
        "ssg_peak": ours["peak"], "cli_peak": cli["peak"],
        "ssg_size": index_bytes(site / "public/_pagefind"), "cli_size": index_bytes(cli_site / "pagefind"),
        "ssg_query": ours_query, "cli_query": cli_query, "ssg_page": ours_page,
    }


def bench_index_only(count: int, work: Path) -> dict:
    """Index `count` synthetic records straight away: the scale test, without building pages."""
    from ssg import search
    from ssg.config import Config
    from ssg.templates import format_date

    print(f"{count} records: indexing only...", file=sys.stderr, flush=True)
    records = [search.SearchRecord(
        url=f"/{post.date:%Y}/{post.date:%m}/{post.slug}/", title=post.title, text=" ".join(post.paragraphs),
        date=format_date(post.date), sort_date=post.date.strftime("%Y-%m-%dT%H:%M:%SZ"), year=f"{post.date:%Y}",
        author=post.author, categories=post.categories, tags=post.tags) for post in make_posts(count)]
    baseline, cpu = tree_rss(os.getpid()), cpu_seconds()
    sampler, started = PeakMemory(os.getpid()), time.perf_counter()
    _, folders = search.index_shards(Config(root=work / f"records-{count}"), search.plan_shards(records))
    seconds, peak = time.perf_counter() - started, sampler.stop() - baseline
    size = sum(index_bytes(folder) for folder in folders)
    return {"posts": count, "shards": len(folders), "ssg_seconds": seconds, "ssg_peak": peak, "ssg_size": size,
            "ssg_cpu": cpu_seconds() - cpu - sampler.cpu}


def report(results: list[dict], scale: list[dict]) -> str:
    mb = lambda value: f"{value / 1e6:,.1f} MB"  # noqa: E731
    kb = lambda value: f"{value / 1e3:,.0f} kB"  # noqa: E731
    lines = [f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores, load average "
             f"{os.getloadavg()[0]:.1f} at the end (other work was running on this machine).", "",
             "| posts | | index time | CPU time | peak memory | index size | first query downloads |",
             "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        lines.append(f"| {r['posts']:,} | ssg ({r['shards']} shard{'s' * (r['shards'] > 1)}) | {r['ssg_seconds']:.1f} s "
                     f"| {r['ssg_cpu']:.1f} s | {mb(r['ssg_peak'])} | {mb(r['ssg_size'])} | {kb(r['ssg_query'])} |")
        lines.append(f"| | Pagefind CLI | {r['cli_seconds']:.1f} s | {r['cli_cpu']:.1f} s | {mb(r['cli_peak'])} "
                     f"| {mb(r['cli_size'])} | {kb(r['cli_query'])} |")
        lines.append(f"| | ssg / CLI | {r['ssg_seconds'] / r['cli_seconds']:.2f}× | {r['ssg_cpu'] / r['cli_cpu']:.2f}× "
                     f"| {r['ssg_peak'] / r['cli_peak']:.2f}× | {r['ssg_size'] / r['cli_size']:.2f}× | "
                     f"{r['ssg_query'] / r['cli_query']:.2f}× |")
    for r in scale:
        lines.append(f"| {r['posts']:,} | ssg, index only ({r['shards']} shards) | {r['ssg_seconds']:.1f} s | "
                     f"{r['ssg_cpu']:.1f} s | {mb(r['ssg_peak'])} | {mb(r['ssg_size'])} | |")
    if results:
        lines += ["", "First query: the Pagefind files fetched for one word (" +
                  ", ".join(f"'{r['word']}' at {r['posts']:,}" for r in results) + ") and its first ten results; "
                  "the whole search page with them: " + ", ".join(kb(r["ssg_page"]) for r in results) + ". "
                  "Full ssg builds with search took " + ", ".join(f"{r['build_seconds']:.0f} s" for r in results) + "."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--index-only", type=int, nargs="*", default=[])
    parser.add_argument("--child-build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:
        return child_build(args.child_build)
    work = Path(tempfile.mkdtemp(prefix="ssg-bench-search-"))
    try:
        results = [bench_size(count, work) for count in args.posts]
        scale = [bench_index_only(count, work) for count in args.index_only]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(report(results, scale))


if __name__ == "__main__":
    main()
