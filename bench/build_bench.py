"""Build benchmark: `ssg build` against Hugo and Pelican on the same synthetic posts, in one interleaved run.

    .venv/bin/python bench/build_bench.py                       # 1,000 and 10,000 posts, 3 rounds
    .venv/bin/python bench/build_bench.py --sizes 150000 --rounds 1 --tools ssg,hugo

Every tool builds the same posts (bench/synthetic.py) into the same set of pages: each post, the
paginated home, category, tag and author lists with feeds, year, month and day archives, and a
sitemap (the page counts are in the table: Hugo's includes the small `page/1/` redirect it writes
for every list; Pelican's theme does not paginate date archives). Runs are interleaved and rotate order, so a change in machine load hits every
tool alike. ssg builds with `search = false` for these rows; search is timed on top, separately.
At the largest size it also times ssg's rebuilds: with nothing changed, after one post is edited
(from the command line, and in-process as `ssg serve` rebuilds). Needs `hugo` (Debian) and, for
Pelican, `pip install -r bench/requirements.txt`. Prints a Markdown table with ratios to Hugo and
the peak memory of each process tree (PSS: memory that forked workers share is counted once; the
RSS sum, which counts it in every process, is printed as each run ends).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from measure import Run, measure  # noqa: E402
from synthetic import make_posts, post_path, write_hugo, write_pelican, write_site  # noqa: E402

BIN = Path(sys.executable).parent


def make_sites(count: int, root: Path, tools: list[str]) -> dict[str, Path]:
    """One site per tool (and ssg with search on) under root, reused when already written."""
    posts = None
    sites = {}
    writers = {"ssg": lambda p, r: write_site(p, r, search=False), "ssg+search": lambda p, r: write_site(p, r),
               "hugo": write_hugo, "pelican": write_pelican}
    for tool in tools:
        site = root / f"{tool}-{count}"
        if not (site / ".complete").exists():
            shutil.rmtree(site, ignore_errors=True)
            posts = posts or make_posts(count)
            writers[tool](posts, site)
            (site / ".complete").write_text("")
        sites[tool] = site
    return sites


def command(tool: str, site: Path, out: Path) -> tuple[list[str], Path | None]:
    if tool.startswith("ssg"):
        return [str(BIN / "ssg"), "build", "--site", str(site), "--out", str(out)], None
    if tool == "hugo":
        return ["hugo", "--quiet", "--source", str(site), "--destination", str(out)], None
    if tool == "pelican":
        return [str(BIN / "pelican"), "content", "-s", "pelicanconf.py", "-o", str(out), "-q"], site
    raise ValueError(tool)


def cold_build(tool: str, site: Path, out: Path) -> Run:
    """A first build: no output folder, and for ssg no cache either."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(site / ".ssg-cache", ignore_errors=True)
    shutil.rmtree(site / "resources", ignore_errors=True)  # Hugo's cache
    shutil.rmtree(site / "__pycache__", ignore_errors=True)
    # The disk's work for those deletions (and for the last tool's files) is done before the clock starts.
    os.sync()
    return rebuild(tool, site, out)


def rebuild(tool: str, site: Path, out: Path) -> Run:
    run = measure(*command(tool, site, out))
    if run.returncode != 0:
        raise SystemExit(f"{tool} failed on {site}:\n{run.output[-3000:]}")
    return run


def count_pages(out: Path) -> int:
    return sum(1 for _ in out.rglob("*.html"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tools", default="ssg,hugo,pelican")
    parser.add_argument("--work", type=Path, default=Path("/tmp/ssg-build-bench"))
    parser.add_argument("--no-rebuilds", action="store_true", help="only cold builds")
    parser.add_argument("--no-search", action="store_true", help="do not time ssg with search on")
    args = parser.parse_args()
    tools = args.tools.split(",")
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    rows = []
    sizes = [int(size) for size in args.sizes.split(",")]
    for size in sizes:
        sites = make_sites(size, args.work / "sites", tools + ([] if args.no_search or "ssg" not in tools else ["ssg+search"]))
        results: dict[str, list[Run]] = {tool: [] for tool in tools}
        for round_number in range(args.rounds):
            order = tools[round_number % len(tools):] + tools[:round_number % len(tools)]
            for tool in order:  # interleaved and rotating
                results[tool].append(cold_build(tool, sites[tool], args.work / "out" / f"{tool}-{size}"))
                last = results[tool][-1]
                print(f"  {size} {tool}: {last.seconds:.2f} s, {last.peak_mb:.0f} MB PSS, {last.peak_rss_mb:.0f} MB RSS",
                      flush=True)
        hugo = statistics.median(run.seconds for run in results["hugo"]) if "hugo" in results else None
        for tool in tools:
            rows.append(row(f"cold build, {size:,} posts", tool, results[tool], hugo,
                            count_pages(args.work / "out" / f"{tool}-{size}")))
        if "ssg+search" in sites:
            runs = [cold_build("ssg", sites["ssg+search"], args.work / "out" / f"ssg+search-{size}")
                    for _ in range(max(1, args.rounds // 2))]
            rows.append(row(f"cold build, {size:,} posts", "ssg, search on", runs, hugo,
                            count_pages(args.work / "out" / f"ssg+search-{size}")))
        if size == max(sizes) and "ssg" in tools and not args.no_rebuilds:
            rows += rebuild_rows(sites["ssg"], args.work / "out" / f"ssg-{size}", size, hugo, args.rounds)
    print("\n| build | tool | median time | vs Hugo | peak memory (PSS) | HTML pages |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for line in rows:
        print("| " + " | ".join(line) + " |")


def row(name: str, tool: str, runs: list[Run], hugo: float | None, pages: int | str = "") -> tuple:
    seconds = statistics.median(run.seconds for run in runs)
    ratio = f"{seconds / hugo:.3f}x" if hugo else "-"
    return (name, tool, f"{seconds:.2f} s", ratio, f"{max(run.peak_mb for run in runs):,.0f} MB",
            f"{pages:,}" if pages != "" else "")


def rebuild_rows(site: Path, out: Path, size: int, hugo: float | None, rounds: int) -> list[tuple]:
    """A no-change rebuild and a one-post edit from the command line, after a full build; and the
    one-post edit as `ssg serve` makes it, in-process (bench/inprocess_edit.py, its own process)."""
    cold_build("ssg", site, out)
    unchanged = [rebuild("ssg", site, out) for _ in range(rounds)]
    post = post_path(site, make_posts(size)[size // 2])
    original = post.read_text(encoding="utf-8")
    edits = []
    try:
        for number in range(rounds):
            post.write_text(original + f"\nEdited {number}.\n", encoding="utf-8")
            time.sleep(2.1)  # older than the file system's clock tick: the build may trust its time stamp
            edits.append(rebuild("ssg", site, out))
    finally:
        post.write_text(original, encoding="utf-8")
    inprocess = subprocess.run([sys.executable, str(BENCH / "inprocess_edit.py"), str(site), str(post),
                                "--edits", str(max(5, rounds * 2))], capture_output=True, text=True, check=True)
    seconds = [float(value) for value in inprocess.stdout.split()]
    in_run = [Run(seconds=value, peak_mb=0, returncode=0, output="") for value in seconds]
    return [row(f"no-change rebuild, {size:,} posts", "ssg", unchanged, hugo),
            row(f"one-post edit, {size:,} posts", "ssg (command line)", edits, hugo),
            row(f"one-post edit, {size:,} posts", "ssg (in-process, as ssg serve)", in_run, hugo)[:4] + ("", "")]


if __name__ == "__main__":
    main()
