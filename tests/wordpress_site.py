"""A real WordPress for the live-import tests (tests/wp-loopback/), and a proxy that breaks its replies."""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

WP_LOOPBACK = Path(__file__).resolve().parent / "wp-loopback"
START_TIMEOUT = 1200  # a cold start installs PHP and MariaDB from Debian first


@dataclass(slots=True)
class WordPress:
    """A running WordPress on 127.0.0.1: its address and an application password of its admin."""

    url: str
    user: str
    app_password: str = field(repr=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_wordpress(state_dir: Path) -> tuple[WordPress, dict[str, str]]:
    """Start WordPress with the Theme Unit Test data; returns it and the environment that stops it."""
    env = {**os.environ, "WP_LOOPBACK_PORT": str(free_port()), "WP_LOOPBACK_STATE": str(state_dir)}
    result = subprocess.run([str(WP_LOOPBACK / "start.sh")], env=env, capture_output=True, text=True,
                            timeout=START_TIMEOUT, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"tests/wp-loopback/start.sh failed:\n{result.stderr[-4000:]}")
    values = {}
    for line in (state_dir / "env").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        values[key] = value.strip("'")
    return WordPress(values["WP_BASE_URL"], values["WP_ADMIN_USER"], values["WP_APP_PASSWORD"]), env


def stop_wordpress(env: dict[str, str]) -> None:
    subprocess.run([str(WP_LOOPBACK / "stop.sh"), "--purge"], env=env, capture_output=True, timeout=120, check=False)


def rest_records(wordpress, route: str, signed_in: bool = False, **params: str) -> list[dict]:
    """Every record of a collection, fetched straight from WordPress: the ground truth."""
    records, page = [], 1
    while True:
        query = urlencode({"per_page": 100, "page": page, **params})
        request = Request(f"{wordpress.url}/wp-json{route}?{query}")
        if signed_in:
            token = base64.b64encode(f"{wordpress.user}:{wordpress.app_password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        with urlopen(request, timeout=60) as response:
            records += json.loads(response.read())
            if page >= int(response.headers["X-WP-TotalPages"]):
                return records
        page += 1


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ssg", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600, check=False)


@dataclass(slots=True)
class Fault:
    """Break the next `times` replies whose path and query contain `match`."""

    kind: str  # "500", "429", "404", "200" (an HTML page), "reset", "stall", "truncate", "hold", "redirect"
    match: str
    times: int = 1


@dataclass(slots=True)
class Hit:
    """One request the proxy saw, and what it did with it."""

    path: str
    at: float
    fault: str | None


class FaultProxy:
    """An HTTP proxy on 127.0.0.1 in front of WordPress that breaks the replies it is told to.

    Faults: "500", "404", "429" (with Retry-After) and "200" (an HTML page, as a caching proxy
    may send) instead of the reply; "reset" closes the connection
    without a reply; "truncate" sends half the body, then closes; "stall" sends a little of the body,
    then nothing until released; "hold" answers only once released; "redirect" sends the client to
    the same server under the name localhost. `no_pretty_urls` makes /wp-json/
    a 404 and drops the API's Link header, like a site without pretty permalinks; `rewrite_bodies`
    puts the proxy's address in place of WordPress's in every reply, so uploads come through it too;
    `drop_headers` (lower case names) are left out of every reply, as some caches do.
    """

    def __init__(self, upstream: str, retry_after: int = 1) -> None:
        self.upstream = urlsplit(upstream)
        self.retry_after = retry_after
        self.faults: list[Fault] = []
        self.hits: list[Hit] = []
        self.no_pretty_urls = False
        self.rewrite_bodies = False
        self.drop_headers: set[str] = set()
        self.released = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()

    def add(self, kind: str, match: str, times: int = 1) -> None:
        self.faults.append(Fault(kind, match, times))

    def requests(self, containing: str = "") -> list[Hit]:
        with self._lock:
            return [hit for hit in self.hits if containing in hit.path]

    def wait_for(self, condition, timeout: float = 60.0) -> None:
        """Wait until condition() is true (checked as requests arrive)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("the proxy never saw what the test waited for")
            time.sleep(0.05)

    def _take(self, path: str) -> str | None:
        with self._lock:
            chosen = None
            for fault in self.faults:
                if fault.times > 0 and fault.match in path:
                    fault.times -= 1
                    chosen = fault.kind
                    break
            self.hits.append(Hit(path, time.monotonic(), chosen))
            return chosen


def _handler(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    upstream_netloc = proxy.upstream.netloc

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            fault = proxy._take(self.path)
            if fault == "redirect":  # to the same machine under another name: another host
                self.send_response(302)
                self.send_header("Location", f"http://localhost:{proxy.upstream.port}{self.path}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if fault == "reset":
                self.close_connection = True
                return
            if fault in ("500", "429", "404", "200"):
                body = b"<html><body>Too busy</body></html>"
                self.send_response(int(fault))
                if fault == "429":
                    self.send_header("Retry-After", str(proxy.retry_after))
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if proxy.no_pretty_urls and self.path.startswith("/wp-json"):
                self.send_error(404)
                return
            status, headers, body = self._forward()
            if proxy.rewrite_bodies:
                body = body.replace(upstream_netloc.encode(), self.headers["Host"].encode())
            if fault == "hold":
                proxy.released.wait(120)
            self.send_response(status)
            for name, value in headers:
                if name.lower() in ("transfer-encoding", "connection", "content-length", *proxy.drop_headers):
                    continue
                if name.lower() in ("link", "location"):
                    if proxy.no_pretty_urls and 'rel="https://api.w.org/"' in value:
                        continue
                    value = value.replace(upstream_netloc, self.headers["Host"])
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if fault == "truncate":
                self.wfile.write(body[: len(body) // 2])
            elif fault == "stall":
                self.wfile.write(body[:100])
                self.wfile.flush()
                proxy.released.wait(120)
            else:
                self.wfile.write(body)
            self.close_connection = True

        def _forward(self) -> tuple[int, list[tuple[str, str]], bytes]:
            connection = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=120)
            headers = {"Accept-Encoding": "identity", "Host": upstream_netloc}
            if self.headers.get("Authorization"):
                headers["Authorization"] = self.headers["Authorization"]
            connection.request("GET", self.path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            connection.close()
            return response.status, response.getheaders(), body

    return Handler
