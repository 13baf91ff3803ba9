"""`ssg serve` end to end over HTTP: saves show up, a storm of saves leaves no stale page, the
sub-path follows ssg.toml, and Ctrl-C stops everything cleanly with one terminal line per rebuild."""

from __future__ import annotations

import http.client
import re
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest

from conftest import save_atomically, write_post

POST = "---\ntitle: Hello\ndate: 2024-01-02T03:04:05+00:00\nslug: hello\n---\n\n{}\n"


def fetch(url: str) -> tuple[int, str]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", parts.path)
    response = connection.getresponse()
    return response.status, response.read().decode()


def wait_for_page(live, path: str, text: str, timeout: float = 120) -> str:
    """The page once it shows `text`; it can only change when a rebuild is published, so wait for those."""
    deadline = time.monotonic() + timeout
    while True:
        version = live.preview.snapshot.version
        status, page = fetch(live.url + path)
        if status == 200 and text in page:
            return page
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"{path} never showed {text!r}; last build: {live.preview.snapshot}"
        live.preview.wait_for_newer(version, remaining)


def test_a_saved_post_is_served_after_the_rebuild(new_site, live_preview):
    post = write_post(new_site, "posts/hello.md", POST.format("First words."))
    live = live_preview(new_site)
    assert live.first.failure is None
    wait_for_page(live, "2024/01/hello/", "First words.")
    post.write_text(POST.format("Second words."))
    wait_for_page(live, "2024/01/hello/", "Second words.")


def test_a_site_broken_at_start_is_served_once_fixed(new_site, live_preview):
    post = write_post(new_site, "posts/hello.md", "---\ntitle: [\n---\n")
    live = live_preview(new_site)
    assert live.first.failure.path == "content/posts/hello.md"
    status, page = fetch(live.url + "2024/01/hello/")
    assert status == 503 and "/.ssg-live/live.js" in page  # the page that shows the error and waits
    save_atomically(post, POST.format("Now it builds."))
    wait_for_page(live, "2024/01/hello/", "Now it builds.")


def test_two_hundred_rapid_saves_leave_the_last_one_served(new_site, live_preview):
    post = write_post(new_site, "posts/hello.md", POST.format("Save number start."))
    live = live_preview(new_site)
    for number in range(200):
        text = POST.format(f"Save number {number}.")
        post.write_text(text) if number % 2 else save_atomically(post, text)
    page = wait_for_page(live, "2024/01/hello/", "Save number 199.")
    assert "Save number 198." not in page
    assert live.preview.snapshot.failure is None
    post.write_text(POST.format("Still alive."))  # the loop survived the storm
    wait_for_page(live, "2024/01/hello/", "Still alive.")


def test_the_sub_path_follows_base_url_in_ssg_toml(new_site, live_preview):
    write_post(new_site, "posts/hello.md", POST.format("Words."))
    live = live_preview(new_site)
    origin = live.url.rstrip("/")
    wait_for_page(live, "2024/01/hello/", "Words.")
    config = new_site / "ssg.toml"
    config.write_text(config.read_text().replace('"http://127.0.0.1:8000/"', '"https://u.github.io/repo/"'))
    deadline = time.monotonic() + 120
    while live.preview.snapshot.base_path != "/repo/":
        assert live.preview.wait_for_newer(live.preview.snapshot.version, deadline - time.monotonic())
    status, page = fetch(origin + "/repo/2024/01/hello/")
    assert status == 200 and "Words." in page and 'href="/repo/_ssg/style.css"' in page
    assert fetch(origin + "/2024/01/hello/")[0] == 404


def read_line(process: subprocess.Popen) -> str:
    line = process.stdout.readline()
    assert line, f"ssg serve ended early: {process.stderr.read()}"
    return line.rstrip("\n")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_ctrl_c_stops_the_server_cleanly_with_one_line_per_rebuild(new_site, stop):
    post = write_post(new_site, "posts/hello.md", POST.format("Before. [Gone](/no/such/page/)."))
    abandoned = new_site / ".ssg-cache" / "serve-999999999-x"  # left by a preview that was killed -9
    (abandoned / "build-1").mkdir(parents=True)
    # A shell without job control starts background commands with Ctrl-C ignored; a terminal does not.
    process = subprocess.Popen([sys.executable, "-m", "ssg", "serve", "--site", str(new_site)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    killer = threading.Timer(120, process.kill)  # never hang the suite, whatever happens
    killer.start()
    try:
        assert re.fullmatch(r"Built the site in \d+\.\d\ds\.", read_line(process))
        assert re.fullmatch(r"  warning: .*hello\.md: link to /no/such/page/ does not lead to anything.*",
                            read_line(process))  # shown once; later rebuilds only count it
        serving = read_line(process)
        url = re.fullmatch(r"Serving (http://127\.0\.0\.1:80\d\d/) \(Ctrl-C to stop\)\. Watching for changes\.",
                           serving).group(1)
        assert "Before." in fetch(url + "2024/01/hello/")[1]

        parts = urlsplit(url)
        stream = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        stream.request("GET", "/.ssg-live/events?since=0&run=x")  # an open page holds one of these
        events = stream.getresponse()
        assert events.readline().startswith(b"data: ")

        save_atomically(post, POST.format("After. [Gone](/no/such/page/)."))
        assert re.fullmatch(r"\d\d:\d\d:\d\d Rebuilt in \d+\.\d\ds: content/posts/hello\.md changed; "
                            r"1 warning \(0 new\)", read_line(process))
        assert "After." in fetch(url + "2024/01/hello/")[1]

        assert not abandoned.exists()
        process.send_signal(stop)
        assert process.wait(timeout=60) == 0
        assert process.stdout.read() == "Stopped.\n"
        assert process.stderr.read() == ""
        events.read()  # returns (rather than timing out) only because the server ended the stream
        assert not list((new_site / ".ssg-cache").glob("serve-*"))  # the preview's builds are gone (search's cache stays)
        assert not (new_site / "public").exists()  # and it never wrote the site to publish
    finally:
        killer.cancel()
        process.kill()
        process.wait()


def test_serving_a_folder_that_is_not_a_site_is_a_one_line_error(run_ssg, tmp_path):
    code, _, err = run_ssg("serve", "--site", tmp_path / "nowhere")
    assert code == 1 and err.startswith("ssg: error: ") and "not an ssg site" in err
    assert len(err.strip().splitlines()) == 1
