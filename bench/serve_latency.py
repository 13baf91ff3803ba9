"""Benchmark: how long from saving a post to the browser showing the change, in `ssg serve` and `hugo server`.

    .venv/bin/python bench/serve_latency.py                 # 1,000 and 10,000 posts, 7 saves each
    .venv/bin/python bench/serve_latency.py --posts 1000 --saves 15 --no-hugo

For each size it writes the same synthetic site (bench/synthetic.py) for ssg and for Hugo, starts each preview
server as a user would, opens the middle post in headless Chromium, then saves that post's Markdown
(write to a temporary file, rename over the post: how most editors save) and waits until the page
shows the new text. Latency is save -> the reloaded page's DOMContentLoaded, read from the page's own
Navigation Timing, on the same clock. ssg's own "Rebuilt in" lines give its build share (the search
index's own rebuild after each save, which the page does not wait for, is left out of it).
Pelican has no live reload in the browser (`--autoreload` only regenerates), so it has no row.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

REPOSITORY = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# A writer does not save twice a second; Hugo 0.111 drops some saves that follow a reload closely.
PAUSE_MS = 1500
MISSED_AFTER_MS = 120_000  # a save not shown by then counts as missed (the page is reloaded by hand)
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(REPOSITORY), str(BENCH)]

from synthetic import make_posts, post_path, write_hugo, write_site  # noqa: E402


def write_sites(folder: Path, count: int) -> tuple[Path, Path, str, Path, Path]:
    """The same synthetic posts as an ssg site and a Hugo site; the middle post's address and files."""
    posts = make_posts(count)
    ssg_site = write_site(posts, folder / "ssg-site")
    hugo_site = write_hugo(posts, folder / "hugo-site")
    middle = posts[count // 2]
    return ssg_site, hugo_site, middle.url, post_path(ssg_site, middle), hugo_site / "content" / "posts" / f"{middle.slug}.md"


def save(path: Path, text: str) -> float:
    """Save the post in place; the wall-clock time it was saved. (Hugo 0.111 misses some saves made
    by renaming a temporary file over the post, which ssg handles: in place is fair to both.)"""
    path.write_text(text)
    return time.time()


class Server:
    """A preview server process whose output is read line by line in the background."""

    def __init__(self, command: list[str], cwd: Path, ready: str) -> None:
        self.process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, start_new_session=True)
        self.lines: list[str] = []
        self.url = ""
        self.started = threading.Event()
        pattern = re.compile(ready)
        threading.Thread(target=self._read, args=(pattern,), daemon=True).start()
        if not self.started.wait(1800) or not self.url:
            self.stop()
            raise SystemExit(f"{command[0]} did not start:\n" + "".join(self.lines[-20:]))

    def _read(self, pattern: re.Pattern) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            match = pattern.search(line)
            if match and not self.url:
                self.url = match.group(1)
                self.started.set()
        self.started.set()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # SIGINT may be ignored when run in the background
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def count_live_connections(page, kind: str) -> list[str]:
    """A list that grows each time the page's live-reload connection is up: ssg's event stream
    answered, or the server's 'hello' on Hugo's LiveReload websocket."""
    connected: list[str] = []
    if kind == "ssg":
        page.on("response", lambda response: "/.ssg-live/events" in response.url and connected.append(response.url))
    else:
        page.on("websocket", lambda socket: socket.on(
            "framereceived", lambda frame: '"hello"' in str(frame) and connected.append(str(frame))))
    return connected


def wait_for_connection(page, connected: list[str], count: int) -> None:
    """Until the page's live-reload connection has been made `count` times."""
    while len(connected) < count:
        page.wait_for_timeout(10)


def measure(browser, url: str, post: Path, saves: int, kind: str) -> tuple[list[float], int]:
    """Seconds from each save to the reloaded page's DOMContentLoaded, and how many saves never showed."""
    original = post.read_text(encoding="utf-8")
    page = browser.new_page()
    connected = count_live_connections(page, kind)
    page.goto(url, wait_until="domcontentloaded")
    wait_for_connection(page, connected, 1)
    latencies, missed = [], 0
    for attempt in range(-1, saves):  # the first save warms up and is not counted
        page.wait_for_timeout(PAUSE_MS)
        before = len(connected)
        marker = f"Edit {attempt} {time.time_ns()}"
        saved = save(post, f"{original}\n{marker}\n")
        try:
            page.wait_for_function(f"document.body && document.body.textContent.includes({marker!r})",
                                   timeout=MISSED_AFTER_MS, polling=10)
            shown_ms = page.evaluate("performance.timeOrigin + performance.getEntriesByType('navigation')[0]"
                                     ".domContentLoadedEventEnd")
            if attempt >= 0:
                latencies.append(shown_ms / 1000 - saved)
        except PlaywrightTimeout:
            missed += attempt >= 0
            page.reload(wait_until="domcontentloaded")
        wait_for_connection(page, connected, before + 1)  # the reloaded page listens again
    page.close()
    post.write_text(original, encoding="utf-8")
    return latencies, missed


def summary(name: str, posts: int, latencies: list[float], missed: int, extra: str = "") -> str:
    if not latencies:
        return f"{name:<6} {posts:>6} posts  every save missed"
    ordered = sorted(latencies)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    misses = f"   {missed} of {missed + len(ordered)} saves never shown" if missed else ""
    return (f"{name:<6} {posts:>6} posts  median {statistics.median(ordered) * 1000:8.0f} ms   "
            f"p90 {p90 * 1000:8.0f} ms   min {ordered[0] * 1000:7.0f} ms{extra}{misses}")


def run_preview(browser, kind: str, command: list[str], cwd: Path, ready: str, page_path: str, post: Path,
                saves: int) -> tuple[list[float], int, list[str]]:
    """Start a preview server, measure it, stop it: (latencies, saves missed, its output lines)."""
    server = Server(command, cwd, ready)
    try:
        latencies, missed = measure(browser, server.url.rstrip("/") + page_path, post, saves, kind)
    finally:
        server.stop()
    return latencies, missed, server.lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--saves", type=int, default=7)
    parser.add_argument("--no-hugo", action="store_true", help="measure ssg only")
    args = parser.parse_args()
    hugo = None if args.no_hugo else shutil.which("hugo")

    from playwright.sync_api import sync_playwright

    print(f"serve latency, save -> page shown; {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at start (other work on the machine skews every figure)")
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="ssg-bench-") as scratch:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        for posts in args.posts:
            ssg_site, hugo_site, page_path, ssg_post, hugo_post = write_sites(Path(scratch) / str(posts), posts)

            started = time.perf_counter()
            ssg, missed, lines = run_preview(
                browser, "ssg", [sys.executable, "-m", "ssg", "serve", "--site", str(ssg_site),
                                 "--port", str(free_port())],
                REPOSITORY, r"Serving (http://\S+)", page_path, ssg_post, args.saves)
            first = next(float(found) for line in lines for found in re.findall(r"Built the site in (\S+)s", line))
            # The search index follows each save in a rebuild of its own, which open pages do not wait for.
            builds = [float(found) for line in lines if "(search index)" not in line
                      for found in re.findall(r"Rebuilt in (\S+)s", line)]
            # What is not the builder (debounce, events, reload, page load), save by save; the first is the warm-up.
            rest = [shown - built for shown, built in zip(ssg, builds[1:])] if not missed else []
            print(summary("ssg", posts, ssg, missed, f"   ({len(builds)} rebuilds for {args.saves + 1} saves, median "
                          f"{statistics.median(builds) * 1000:.0f} ms; outside the rebuild: median "
                          f"{statistics.median(rest or [float('nan')]) * 1000:.0f} ms; first build {first:.1f} s; "
                          f"all measured {time.perf_counter() - started:.0f} s)"), flush=True)
            if hugo:
                port = free_port()
                peer, missed, _ = run_preview(
                    browser, "hugo", [hugo, "server", "--bind", "127.0.0.1", "--port", str(port),
                                      "--baseURL", f"http://127.0.0.1:{port}/"],
                    hugo_site, r"Web Server is available at (http://\S+)", page_path, hugo_post, args.saves)
                print(summary("hugo", posts, peer, missed), flush=True)
                if ssg and peer:
                    print(f"       ssg / hugo median ratio at {posts} posts: "
                          f"{statistics.median(ssg) / statistics.median(peer):.1f}x", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
