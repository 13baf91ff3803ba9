"""The preview server: loopback only, sub-paths, the archive's 404 page, no way out of public/."""

from __future__ import annotations

import http.client
import threading

import pytest

from ssg.build import build
from ssg.serve import make_server

from conftest import EXAMPLES


@pytest.fixture
def server(new_site, run_ssg):
    run_ssg("import", EXAMPLES, "--site", new_site)
    (new_site / "secret.txt").write_text("do not serve")
    build(new_site, base_url="http://127.0.0.1:8000/repo/")
    httpd = make_server(new_site / "public", "127.0.0.1", 0, "/repo/")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def get(httpd, path):
    connection = http.client.HTTPConnection(*httpd.server_address[:2], timeout=5)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.getheader("Location"), response.read()


def test_listens_on_loopback_only(server):
    assert server.server_address[0] == "127.0.0.1"


def test_serves_posts_under_the_sub_path(server):
    post = "/repo/world-news/at-least-1700-organised-criminals-from-albania-are-walking-free-in-uk/"
    status, _, body = get(server, post)
    assert status == 200 and b'class="h-entry"' in body


def test_root_redirects_to_the_sub_path(server):
    assert get(server, "/")[:2] == (302, "/repo/")
    assert get(server, "/repo")[:2] == (302, "/repo/")


def test_unknown_paths_get_the_archive_404_page(server):
    status, _, body = get(server, "/repo/no/such/post/")
    assert status == 404 and b"Page not found" in body


@pytest.mark.parametrize("path", ["/repo/../secret.txt", "/repo/%2e%2e/secret.txt", "/repo/..%2fsecret.txt",
                                  "/secret.txt", "/repo/%2e%2e%2f%2e%2e%2fetc/passwd"])
def test_no_file_outside_the_output_folder(server, path):
    status, _, body = get(server, path)
    assert status == 404 and b"do not serve" not in body
