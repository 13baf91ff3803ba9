"""serve: the HTTP side of the preview: files of the last good build under the site's sub-path, with
the live-reload script added to HTML responses and the event stream that tells open pages to reload.

GitHub Pages is the model: directory indexes, the site's 404.html, a redirect for a folder asked
for without its '/', and nothing outside the build folder, whatever the path says.
"""

from __future__ import annotations

import errno
import http.server
import json
import logging
import mimetypes
import shutil
import socket
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from urllib.parse import SplitResult, parse_qs, quote, unquote, urlsplit

from ssg.errors import SsgError
from ssg.serve.preview import BuiltSite, Preview, Snapshot

log = logging.getLogger(__name__)

DEFAULT_PORT = 8000
PORTS_TO_TRY = 100  # without --port: 8000, or the next free one up to 8099
# The preview's own addresses sit outside the site's paths: no WordPress slug starts with a dot.
LIVE_PATH = "/.ssg-live/"
LIVE_SCRIPT = LIVE_PATH + "live.js"
LIVE_EVENTS = LIVE_PATH + "events"
KEEPALIVE_SECONDS = 15.0

CONTENT_TYPES = {  # fixed here, not read from the system's /etc/mime.types, so every machine agrees
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8", ".json": "application/json", ".map": "application/json",
    ".xml": "application/xml", ".atom": "application/atom+xml", ".rss": "application/rss+xml",
    ".xsl": "application/xml", ".txt": "text/plain; charset=utf-8", ".md": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/vnd.microsoft.icon",
    ".bmp": "image/bmp", ".tif": "image/tiff", ".tiff": "image/tiff",
    ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
    ".pdf": "application/pdf", ".zip": "application/zip", ".gz": "application/gzip",
    ".wasm": "application/wasm", ".mp4": "video/mp4", ".webm": "video/webm", ".ogv": "video/ogg",
    ".mov": "video/quicktime", ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg",
    ".wav": "audio/wav",
}


def content_type(path: Path) -> str:
    """The Content-Type a static host would send for this file."""
    known = CONTENT_TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed, _ = mimetypes.guess_type(path.name, strict=False)
    return guessed or "application/octet-stream"


@dataclass(slots=True, frozen=True)
class Redirect:
    """The request named a folder without its trailing '/'."""

    location: str


def resolve_path(folder: Path, base_path: str, raw_path: str) -> Path | Redirect | None:
    """The file that a request path (still percent-encoded) names inside `folder`, or None for a 404.

    Each segment is decoded on its own, so an encoded '/' or '..' cannot climb out, and the file
    found must still be inside `folder` once symbolic links are followed.
    """
    if not raw_path.startswith("/"):
        return None
    try:
        segments = [unquote(segment, errors="strict") for segment in raw_path[1:].split("/")]
    except UnicodeDecodeError:
        return None
    if any(segment in (".", "..") or any(c in segment for c in "/\\\0") for segment in segments):
        return None
    if "" in segments[:-1]:
        return None  # '//' inside a path
    base = [segment for segment in unquote(base_path).split("/") if segment]
    if segments[:len(base)] != base:
        asked = [segment for segment in segments if segment]
        if len(asked) < len(base) and asked == base[:len(asked)]:
            return Redirect(quote(unquote(base_path)))  # '/' -> '/repo/'
        return None
    target = folder.joinpath(*segments[len(base):])
    if target.is_dir():
        if not raw_path.endswith("/"):
            return Redirect(raw_path + "/")  # '/repo' -> '/repo/', like GitHub Pages
        # A folder's index, as GitHub Pages serves it: index.html, or index.xml for a feed folder.
        target = target / ("index.html" if (target / "index.html").is_file() else "index.xml")
    try:
        real = target.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real.is_file() and real.is_relative_to(folder.resolve()) else None


def add_live_script(page: bytes, preview: Preview, snapshot: Snapshot) -> bytes:
    """The page with the live-reload script before its closing </body> (or at its end)."""
    tag = (f'<script src="{LIVE_SCRIPT}" data-events="{LIVE_EVENTS}" data-version="{snapshot.version}" '
           f'data-run="{preview.run_id}"></script>').encode()
    end = page.lower().rfind(b"</body>")
    return page + tag if end < 0 else page[:end] + tag + page[end:]


def live_message(snapshot: Snapshot, known_version: int, known_run: str, run_id: str) -> dict:
    """What a page that shows `known_version` must do now: nothing, reload, swap its CSS, or show an error."""
    if snapshot.failure is not None:
        action = "error"
    elif known_run != run_id:
        action = "reload"  # the server restarted since the page was loaded
    elif snapshot.version <= known_version:
        action = "none"
    elif snapshot.css_only and snapshot.version == known_version + 1:
        action = "css"  # only when no other rebuild happened in between
    else:
        action = "reload"
    message: dict = {"action": action, "version": snapshot.version}
    if snapshot.failure is not None:
        failure = snapshot.failure
        message["error"] = {"file": failure.path, "line": failure.line, "message": failure.message}
    return message


WAITING_PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Not built yet</title></head>
<body><h1>The site has not built yet</h1>
<p>The error is shown on this page. Save a fix and this page reloads by itself.</p></body></html>
"""


class PreviewRequestHandler(http.server.BaseHTTPRequestHandler):
    """GET and HEAD for the preview; everything else is refused by the base class (501)."""

    server: PreviewServer
    server_version = "ssg-preview"

    def do_GET(self) -> None:
        self.respond(send_body=True)

    def do_HEAD(self) -> None:
        self.respond(send_body=False)

    def respond(self, send_body: bool) -> None:
        try:
            self.route(urlsplit(self.path), send_body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away (a reload, a closed tab)

    def route(self, request: SplitResult, send_body: bool) -> None:
        live = self.server.live
        if live and request.path == LIVE_SCRIPT:
            return self.send(200, files("ssg.serve").joinpath("live.js").read_bytes(), "text/javascript; charset=utf-8",
                             send_body)
        if live and request.path == LIVE_EVENTS:
            return self.send_events(parse_qs(request.query), send_body)
        snapshot = self.server.preview.snapshot
        if snapshot.site is None:
            return self.send_html(503, WAITING_PAGE, snapshot, send_body)
        found = resolve_path(snapshot.site.folder, snapshot.base_path, request.path)
        if isinstance(found, Redirect):
            location = found.location + (f"?{request.query}" if request.query else "")
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif found is None:
            page = snapshot.site.folder / "404.html"
            body = page.read_bytes() if page.is_file() else b"<!doctype html><title>Not found</title><h1>Not found</h1>"
            self.send_html(404, body, snapshot, send_body)
        elif content_type(found).startswith("text/html"):
            self.send_html(200, found.read_bytes(), snapshot, send_body)
        else:
            self.send_file(found, send_body)

    def send_html(self, status: int, page: bytes, snapshot: Snapshot, send_body: bool) -> None:
        if self.server.live:
            page = add_live_script(page, self.server.preview, snapshot)
        self.send(status, page, "text/html; charset=utf-8", send_body)

    def send(self, status: int, body: bytes, kind: str, send_body: bool) -> None:
        self.send_response(status)
        self.send_common_headers(kind, len(body))
        if send_body:
            self.wfile.write(body)

    def send_file(self, path: Path, send_body: bool) -> None:
        with path.open("rb") as file:  # opened first: the file stays readable even if its build is pruned
            self.send_response(200)
            self.send_common_headers(content_type(path), path.stat().st_size)
            if send_body:
                shutil.copyfileobj(file, self.wfile)

    def send_common_headers(self, kind: str, length: int) -> None:
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")  # a preview is always fresh
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()

    def send_events(self, query: dict[str, list[str]], send_body: bool) -> None:
        """Server-sent events: the current state at once, then one message per rebuild, until the page goes."""
        preview = self.server.preview
        try:
            known = int(query.get("since", ["-1"])[0])
        except ValueError:
            known = -1
        run = query.get("run", [""])[0]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not send_body:
            return
        snapshot = preview.snapshot
        while snapshot is not None:
            message = live_message(snapshot, known, run, preview.run_id)
            self.wfile.write(f"data: {json.dumps(message)}\n\n".encode())
            self.wfile.flush()
            known, run = snapshot.version, preview.run_id
            while (snapshot := preview.wait_for_newer(known, KEEPALIVE_SECONDS)) is not None:
                if snapshot.version > known:
                    break
                self.wfile.write(b": still here\n\n")  # finds out when the page has gone
                self.wfile.flush()

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s %s", self.address_string(), format % args)


class PreviewServer(http.server.ThreadingHTTPServer):
    """One thread per request; `preview` says what to serve, `live` whether to add live reload."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], preview: Preview, live: bool) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.preview = preview
        self.live = live
        super().__init__(address, PreviewRequestHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}{quote(unquote(self.preview.snapshot.base_path))}"


def listen(preview: Preview, host: str, port: int | None, live: bool = True,
           first_port: int = DEFAULT_PORT) -> PreviewServer:
    """A server on `host`:`port`, or, when no port is given, on 8000 (`first_port`) or the next free port."""
    candidates = [port] if port is not None else range(first_port, first_port + PORTS_TO_TRY)
    for candidate in candidates:
        try:
            return PreviewServer((host, candidate), preview, live)
        except OSError as error:
            if port is None and error.errno == errno.EADDRINUSE:
                continue
            hint = "try another --port" if error.errno == errno.EADDRINUSE else "check --host"
            raise SsgError(f"cannot listen on {host}:{candidate}: {error.strerror or error}; {hint}") from None
    raise SsgError(f"ports {first_port}-{first_port + PORTS_TO_TRY - 1} are all taken; choose one with --port")


def make_server(output_dir: Path, host: str, port: int, base_path: str) -> PreviewServer:
    """A plain server for a built folder at http://host:port{base_path}, without live reload."""
    return listen(Preview(base_path, BuiltSite(output_dir, base_path)), host, port, live=False)
