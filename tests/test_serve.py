"""The preview's HTTP side: loopback only, sub-paths, directory indexes, the archive's 404 page,
content types, no way out of the build folder, and the live-reload script only in served HTML."""

from __future__ import annotations

import http.client
import inspect
import os
import socket
import threading

import pytest

from ssg.build import build
from ssg.cli import main
from ssg.errors import SsgError
from ssg.serve import make_server
from ssg.serve.preview import BuildFailure, BuiltSite, Preview, Snapshot
from ssg.serve.server import LIVE_SCRIPT, Redirect, content_type, listen, live_message, resolve_path

from conftest import EXAMPLES

POST = "/repo/world-news/at-least-1700-organised-criminals-from-albania-are-walking-free-in-uk/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The example site built under /repo/, shared by this module's tests, which only read it."""
    site = tmp_path_factory.mktemp("serve") / "site"
    assert main(["init", str(site)]) == 0 and main(["import", str(EXAMPLES), "--site", str(site)]) == 0
    (site / "secret.txt").write_text("do not serve")
    build(site, base_url="http://127.0.0.1:8000/repo/")
    return site


def start(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def server(site):
    httpd = start(make_server(site / "public", "127.0.0.1", 0, "/repo/"))
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def live_server(site):
    """The same folder, served the way `ssg serve` does: with live reload."""
    preview = Preview("/repo/", BuiltSite(site / "public", "/repo/"))
    httpd = start(listen(preview, "127.0.0.1", 0))
    yield httpd
    preview.stop()
    httpd.shutdown()
    httpd.server_close()


def get(httpd, path, method="GET"):
    connection = http.client.HTTPConnection(*httpd.server_address[:2], timeout=10)
    connection.request(method, path)
    response = connection.getresponse()
    return response.status, response.getheader("Location"), response.read(), response


def test_listens_on_loopback_only(server):
    assert server.server_address[0] == "127.0.0.1"


def test_serves_posts_under_the_sub_path(server):
    status, _, body, response = get(server, POST)
    assert status == 200 and b'class="h-entry"' in body
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"


def test_root_and_folders_without_a_slash_redirect(server):
    assert get(server, "/")[:2] == (302, "/repo/")
    assert get(server, "/repo")[:2] == (302, "/repo/")
    assert get(server, POST.rstrip("/"))[:2] == (302, POST)


def test_unknown_paths_get_the_archive_404_page(server):
    for path in ("/repo/no/such/post/", "/elsewhere/", "/repo/_ssg/nope.css"):
        status, _, body, _ = get(server, path)
        assert status == 404 and b"Page not found" in body


def test_head_sends_headers_only(server):
    status, _, body, response = get(server, "/repo/_ssg/style.css", "HEAD")
    assert status == 200 and body == b"" and int(response.getheader("Content-Length")) > 0


def test_static_files_get_their_content_type(server):
    assert get(server, "/repo/_ssg/style.css")[3].getheader("Content-Type") == "text/css; charset=utf-8"
    assert get(server, "/repo/_ssg/favicon.svg")[3].getheader("Content-Type") == "image/svg+xml"


@pytest.mark.parametrize("name, expected", [
    ("feed.xml", "application/xml"), ("app.js", "text/javascript; charset=utf-8"),
    ("index.json", "application/json"), ("pagefind.wasm", "application/wasm"), ("a.webp", "image/webp"),
    ("photo.JPG", "image/jpeg"), ("font.woff2", "font/woff2"), ("robots.txt", "text/plain; charset=utf-8"),
    ("CNAME", "application/octet-stream"),
])
def test_content_types_do_not_depend_on_the_machine(tmp_path, name, expected):
    assert content_type(tmp_path / name) == expected


@pytest.mark.parametrize("path", [
    "/repo/../secret.txt", "/repo/%2e%2e/secret.txt", "/repo/%2E%2E/secret.txt", "/repo/..%2fsecret.txt",
    "/repo/..%2Fsecret.txt", "/repo/%2e%2e%2fsecret.txt", "/repo/..%5csecret.txt", "/repo/%2e%2e%5csecret.txt",
    "/secret.txt", "/repo/%2e%2e%2f%2e%2e%2fetc/passwd", "/repo/%252e%252e/secret.txt",
    "/repo/%c0%ae%c0%ae/secret.txt", "/repo//etc/passwd", "/repo/secret.txt%00.html", "/repo/./../secret.txt",
    "/..", "/repo/.%2e/secret.txt",
])
def test_no_file_outside_the_output_folder(server, path):
    status, _, body, _ = get(server, path)
    assert status == 404 and b"do not serve" not in body


def test_a_symbolic_link_out_of_the_output_folder_is_not_followed(tmp_path):
    (tmp_path / "secret.txt").write_text("do not serve")
    (tmp_path / "out").mkdir()
    os.symlink(tmp_path / "secret.txt", tmp_path / "out" / "linked.txt")
    assert resolve_path(tmp_path / "out", "/", "/linked.txt") is None


def test_paths_are_percent_decoded_once(tmp_path):
    folder = tmp_path / "out"
    (folder / "café").mkdir(parents=True)
    (folder / "café" / "index.html").write_text("x")
    (folder / "%41").mkdir()
    (folder / "%41" / "index.html").write_text("y")
    assert resolve_path(folder, "/", "/caf%C3%A9/") == folder.resolve() / "café" / "index.html"
    assert resolve_path(folder, "/", "/%2541/") == folder.resolve() / "%41" / "index.html"
    assert resolve_path(folder, "/", "/caf%C3%A9?x") is None
    assert resolve_path(folder, "/", "/caf%C3%A9") == Redirect("/caf%C3%A9/")


def test_a_feed_folder_serves_its_index_xml(tmp_path):
    (tmp_path / "feed").mkdir()
    (tmp_path / "feed" / "index.xml").write_text("<feed/>")
    assert resolve_path(tmp_path, "/", "/feed/") == tmp_path.resolve() / "feed" / "index.xml"


def test_the_preview_listens_on_8000_or_the_next_free_port():
    assert inspect.signature(listen).parameters["first_port"].default == 8000
    holder = socket.socket()  # a port of our own stands for 8000, which other programs may hold or free
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    taken = holder.getsockname()[1]
    try:
        httpd = listen(Preview("/"), "127.0.0.1", None, first_port=taken)
        assert taken < httpd.server_address[1] < taken + 100
        httpd.server_close()
        with pytest.raises(SsgError, match="try another --port"):
            listen(Preview("/"), "127.0.0.1", taken)
    finally:
        holder.close()


def test_build_output_never_contains_the_live_script(server, live_server, site):
    for path in (site / "public").rglob("*"):
        assert not path.is_file() or b".ssg-live" not in path.read_bytes()
    assert b".ssg-live" not in get(server, POST)[2]
    assert LIVE_SCRIPT.encode() in get(live_server, POST)[2]


def test_the_live_script_goes_into_every_html_response_and_only_there(live_server):
    body = get(live_server, POST)[2]
    assert body.count(b"<script src=\"/.ssg-live/live.js\"") == 1
    assert body.index(b"/.ssg-live/live.js") < body.rindex(b"</body>")
    status, _, page, _ = get(live_server, "/repo/no/such/post/")
    assert status == 404 and b"/.ssg-live/live.js" in page
    assert b".ssg-live" not in get(live_server, "/repo/_ssg/style.css")[2]
    status, _, script, response = get(live_server, LIVE_SCRIPT)
    assert status == 200 and b"EventSource" in script
    assert response.getheader("Content-Type") == "text/javascript; charset=utf-8"


def test_the_event_stream_says_at_once_whether_an_open_page_is_stale(live_server):
    version = live_server.preview.snapshot.version
    run = live_server.preview.run_id
    connection = http.client.HTTPConnection(*live_server.server_address[:2], timeout=10)
    connection.request("GET", f"/.ssg-live/events?since={version}&run={run}")
    response = connection.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    assert response.readline() == f'data: {{"action": "none", "version": {version}}}\n'.encode()
    live_server.preview.publish(live_server.preview.snapshot.site, None)
    assert response.readline() == b"\n"
    assert response.readline() == f'data: {{"action": "reload", "version": {version + 1}}}\n'.encode()
    connection.close()


def test_a_page_from_a_site_that_never_built_waits_for_the_fix(tmp_path):
    preview = Preview("/")
    httpd = start(listen(preview, "127.0.0.1", 0))
    try:
        status, _, body, _ = get(httpd, "/any/page/")
        assert status == 503 and b"/.ssg-live/live.js" in body
    finally:
        preview.stop()
        httpd.shutdown()
        httpd.server_close()


SITE = BuiltSite(folder=None, base_path="/")  # type: ignore[arg-type]


@pytest.mark.parametrize("snapshot, known, run, action", [
    (Snapshot(3, "/", SITE), 3, "run", "none"),
    (Snapshot(4, "/", SITE), 3, "run", "reload"),
    (Snapshot(4, "/", SITE, css_only=True), 3, "run", "css"),
    (Snapshot(5, "/", SITE, css_only=True), 3, "run", "reload"),  # missed a rebuild that was not CSS
    (Snapshot(3, "/", SITE), 3, "old-run", "reload"),  # the server restarted
    (Snapshot(4, "/", SITE, BuildFailure("bad", "content/a.md", 3)), 3, "run", "error"),
    (Snapshot(4, "/", SITE, BuildFailure("bad")), 4, "run", "error"),  # a page opened while broken
])
def test_what_an_open_page_is_told(snapshot, known, run, action):
    message = live_message(snapshot, known, run, "run")
    assert message["action"] == action and message["version"] == snapshot.version
    if action == "error":
        assert message["error"]["message"] == "bad"
