"""`ssg serve`: serve the built archive on loopback, under the same sub-path as production."""

from __future__ import annotations

import functools
import http.server
import logging
from pathlib import Path
from urllib.parse import urlsplit

from ssg.errors import SsgError

log = logging.getLogger(__name__)


class ArchiveRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Static files from the output folder; the archive's own 404 page for anything else."""

    base_path = "/"

    def send_head(self):  # type: ignore[override]
        request_path = urlsplit(self.path).path
        if not request_path.startswith(self.base_path):
            if self.base_path.startswith(request_path.rstrip("/") + "/"):
                return self._redirect(self.base_path)  # '/' or '/repo' -> '/repo/'
            return self._not_found()
        inner = "/" + request_path[len(self.base_path):]
        local = Path(self.translate_path(inner))
        if local.is_dir():
            if not inner.endswith("/"):
                return self._redirect(request_path + "/")
            # A folder's index, as GitHub Pages serves it: index.html, or index.xml for a feed folder.
            index = "index.html" if (local / "index.html").is_file() else "index.xml"
            local, inner = local / index, inner + index
        if not local.is_file():
            return self._not_found()
        self.path = inner
        return super().send_head()

    def _redirect(self, location: str):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return None

    def _not_found(self):
        page = Path(self.directory) / "404.html"
        body = page.read_bytes() if page.is_file() else b"Not found"
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None

    def list_directory(self, path):  # type: ignore[override]
        return self._not_found()  # a published site has no directory listings; neither does the preview

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


def make_server(output_dir: Path, host: str, port: int, base_path: str) -> http.server.ThreadingHTTPServer:
    """A server for `output_dir` at http://host:port{base_path}; raises SsgError if the port is taken."""
    handler = type("Handler", (ArchiveRequestHandler,), {"base_path": base_path})
    try:
        return http.server.ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(output_dir)))
    except OSError as error:
        raise SsgError(f"cannot listen on {host}:{port}: {error.strerror}; try --port with another number") from None
