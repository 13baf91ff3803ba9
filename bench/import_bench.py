"""Import benchmark: synthetic WordPress REST dumps through `ssg import`, with speed, CPU and peak memory.

    python bench/import_bench.py                          # 2,000 and 10,000 records
    python bench/import_bench.py --sizes 150000           # the big-site check (takes a while)
    python bench/import_bench.py --baseline ../main       # before/after: another checkout, same dumps, same run

Records are ~600 words of realistic post HTML (paragraphs with links and emphasis, headings, a
list, a captioned image, a quote, sometimes code or a table), 100 to a file as `?per_page=100`
pages are, beside categories, tags and users dumps. Each import runs `ssg import` in a fresh
site and reports records a second (wall), CPU milliseconds a record (the import and its worker
processes, user + system: the figure least moved by other work on the machine) and peak memory
(PSS of the whole process tree). With `--baseline`, the same dumps also go through the ssg in
that folder, the two alternating round by round, so both see the same load. For scale, the
bodies also go through plain html2text in one process, the library ssg converts with (no
WordPress importer of Hugo or Pelican reads REST JSON, so there is no like-for-like peer to time).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("archive site post people city river morning government report museum winter music garden "
         "policy school history market station island summer street library council festival bridge "
         "research harbour village election mountain coast theatre").split()
HERE = Path(__file__).resolve().parent.parent


def paragraph(rng: random.Random, words: int) -> str:
    out = []
    for index in range(words):
        word = rng.choice(WORDS)
        if index % 23 == 7:
            word = f'<a href="https://example.org/{rng.choice(WORDS)}/{index}/">{word}</a>'
        elif index % 31 == 11:
            word = f"<strong>{word}</strong>"
        elif index % 37 == 5:
            word = f"<em>{word}</em>"
        out.append(word)
    return "<p>" + " ".join(out).capitalize() + ".</p>"


def post_html(rng: random.Random, number: int) -> str:
    parts = []
    for section in range(3):
        parts.append(f"<!-- wp:heading -->\n<h2 class=\"wp-block-heading\">Part {section + 1}</h2>\n<!-- /wp:heading -->")
        parts += [f"<!-- wp:paragraph -->\n{paragraph(rng, 55)}\n<!-- /wp:paragraph -->" for _ in range(3)]
    parts.insert(4, "<ul class=\"wp-block-list\">" + "".join(f"<li>{rng.choice(WORDS)} and {rng.choice(WORDS)}</li>" for _ in range(4)) + "</ul>")
    parts.insert(2, f'<figure class="wp-block-image size-large"><img decoding="async" src="https://example.org/wp-content/uploads/2020/01/{number}.jpg" alt="A {rng.choice(WORDS)}" class="wp-image-{number}" srcset="https://example.org/wp-content/uploads/2020/01/{number}-300x200.jpg 300w" sizes="(max-width: 1024px) 100vw, 1024px" /><figcaption class="wp-element-caption">The {rng.choice(WORDS)} in {rng.choice(WORDS)}</figcaption></figure>')
    parts.append(f"<blockquote class=\"wp-block-quote\"><p>{rng.choice(WORDS)} {rng.choice(WORDS)}&nbsp;&#8211; {rng.choice(WORDS)}</p><cite>A {rng.choice(WORDS)}</cite></blockquote>")
    if number % 5 == 0:
        parts.append('<pre class="wp-block-code"><code>for x in range(3):\n    print(x &lt; 2)</code></pre>')
    if number % 7 == 0:
        parts.append("<figure class=\"wp-block-table\"><table><thead><tr><th>Year</th><th>Count</th></tr></thead><tbody>"
                     + "".join(f"<tr><td>{2000 + i}</td><td>{rng.randint(1, 999)}</td></tr>" for i in range(5)) + "</tbody></table></figure>")
    return "\n\n".join(parts)


def make_dump(folder: Path, records: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    categories = [{"id": i, "name": f"Topic {i}", "slug": f"topic-{i}", "taxonomy": "category", "parent": 0 if i < 10 else i % 10,
                   "description": "", "link": f"https://example.org/category/topic-{i}/"} for i in range(1, 31)]
    tags = [{"id": 100 + i, "name": f"tag {i}", "slug": f"tag-{i}", "taxonomy": "post_tag", "description": "",
             "link": f"https://example.org/tag/tag-{i}/"} for i in range(300)]
    users = [{"id": i, "name": f"Writer {i}", "slug": f"writer-{i}", "description": "", "link": "",
              "avatar_urls": {}} for i in range(1, 11)]
    for name, data in (("categories.json", categories), ("tags.json", tags), ("users.json", users)):
        (folder / name).write_text(json.dumps(data))
    for page in range(0, records, 100):
        batch = []
        for number in range(page + 1, min(records, page + 100) + 1):
            year, month, day = 2005 + number % 18, 1 + number % 12, 1 + number % 28
            slug = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{number}"
            date = f"{year}-{month:02d}-{day:02d}T10:{number % 60:02d}:00"
            batch.append({
                "id": number, "date": date, "date_gmt": date, "modified": date, "modified_gmt": date,
                "guid": {"rendered": f"https://example.org/?p={number}"}, "slug": slug, "status": "publish",
                "type": "post", "link": f"https://example.org/{year}/{month:02d}/{slug}/",
                "title": {"rendered": f"The {rng.choice(WORDS)} of {rng.choice(WORDS)} &#8211; {number}"},
                "content": {"rendered": post_html(rng, number), "protected": False},
                "excerpt": {"rendered": f"<p>{rng.choice(WORDS)} {rng.choice(WORDS)} [&hellip;]</p>\n"},
                "author": 1 + number % 10, "featured_media": 0, "comment_status": "open", "sticky": False,
                "format": "standard", "categories": [1 + number % 30], "tags": [100 + number % 300, 100 + (number * 7) % 300],
            })
        (folder / f"posts.p{page // 100 + 1:04d}.json").write_text(json.dumps(batch))


def tree_pss_mb(pid: int) -> float:
    """Memory of a process and its descendants, shared pages counted once (Linux's PSS)."""
    total_kb, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total_kb / 1024


def run_import(code: Path, dump: Path, site: Path) -> dict[str, float]:
    """`ssg import` (the ssg in `code`) in a child process: seconds, records, CPU seconds and peak memory."""
    site.mkdir()
    (site / "ssg.toml").write_text("")
    environment = dict(os.environ, PYTHONPATH=str(code))
    command = [sys.executable, "-m", "ssg", "import", str(dump), "--site", str(site)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env=environment, cwd=site)
    peak = 0.0
    while True:  # wait4 also gives the CPU time of the import and of the workers it waited for
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, tree_pss_mb(process.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    summary = process.stdout.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"ssg import failed: {summary}")
    written = sum(int(number) for number in re.findall(r"(\d+) (?:posts?|pages?)\b", summary.split(";")[0]))
    return {"seconds": seconds, "records": written, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": peak}


def plain_html2text(dump: Path, limit: int) -> float:
    """Records a second through plain html2text (bodywidth=0) in this one process."""
    import html2text

    bodies = []
    for path in sorted(dump.glob("posts.*.json")):
        bodies += [record["content"]["rendered"] for record in json.loads(path.read_text())]
        if len(bodies) >= limit:
            break
    started = time.perf_counter()
    for body in bodies[:limit]:
        html2text.HTML2Text(bodywidth=0).handle(body)
    return limit / (time.perf_counter() - started)


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--rounds", type=int, default=1, help="imports of each dump by each ssg (best and median kept)")
    parser.add_argument("--baseline", type=Path, help="another ssg checkout to compare with, e.g. a worktree of main")
    args = parser.parse_args()
    codes = {"ssg": HERE} | ({f"baseline ({args.baseline})": args.baseline.resolve()} if args.baseline else {})
    print(f"cores: {os.cpu_count()}, load average at the start: {load()}")
    print(f"{'records':>8}  {'ssg':<24} {'records/s':>10} {'(median)':>9} {'CPU ms/record':>14} {'peak MB (PSS)':>14}")
    with tempfile.TemporaryDirectory() as scratch:
        for size in args.sizes:
            dump = Path(scratch, f"dump-{size}")
            make_dump(dump, size)
            results: dict[str, list[dict[str, float]]] = {name: [] for name in codes}
            for _ in range(args.rounds):
                for name, code in codes.items():
                    site = Path(scratch, "site")
                    results[name].append(run_import(code, dump, site))
                    shutil.rmtree(site)
            best = {}
            for name, runs in results.items():
                rates = [run["records"] / run["seconds"] for run in runs]
                best[name] = max(runs, key=lambda run: run["records"] / run["seconds"])
                print(f"{best[name]['records']:>8}  {name:<24} {max(rates):>10.0f} {statistics.median(rates):>9.0f} "
                      f"{min(run['cpu'] for run in runs) / best[name]['records'] * 1000:>14.2f} "
                      f"{max(run['peak_mb'] for run in runs):>14.0f}", flush=True)
            if args.baseline:
                ours, theirs = best["ssg"], best[next(name for name in codes if name != "ssg")]
                print(f"{'':>8}  ssg / baseline: {theirs['seconds'] / ours['seconds']:.2f}x the records a second, "
                      f"{ours['cpu'] / theirs['cpu']:.2f}x the CPU, {ours['peak_mb'] / theirs['peak_mb']:.2f}x the memory")
            rate = plain_html2text(dump, min(size, 1000))
            ours = best["ssg"]
            print(f"{'':>8}  plain html2text, one process: {rate:.0f} records/s; ssg import is "
                  f"{ours['records'] / ours['seconds'] / rate:.2f}x that (load average now {load()})", flush=True)
            shutil.rmtree(dump)


if __name__ == "__main__":
    main()
