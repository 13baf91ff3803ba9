"""Shared fixtures: the repository's example data and helpers to run the CLI in-process."""

from __future__ import annotations

import os
import threading
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ssg.cli import main
from ssg.serve import make_server, open_preview

REPOSITORY = Path(__file__).resolve().parent.parent
EXAMPLES = REPOSITORY / "examples" / "wordpress"
SEED = EXAMPLES / "wp-post-145831.json"
FIXTURES = REPOSITORY / "tests" / "fixtures"
LOOPBACK_DUMP = FIXTURES / "wp-loopback-dump"  # a whole real WordPress site's REST output
CONTRACT_SITE = FIXTURES / "contract-site"  # hand-written, in the shape import writes


@pytest.fixture
def run_ssg(capsys):
    """Run `ssg ARGS...` in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main([str(arg) for arg in args])
        except SystemExit as exit:  # argparse exits for --help and bad usage
            code = exit.code
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def new_site(tmp_path, run_ssg) -> Path:
    """An empty site made by `ssg init`."""
    site = tmp_path / "site"
    code, _, err = run_ssg("init", site)
    assert code == 0, err
    return site


@pytest.fixture(scope="session")
def imported_dump(tmp_path_factory) -> Path:
    """A site with the real-WordPress dump imported once (read-only for the tests that use it)."""
    from ssg.config import load_config
    from ssg.wordpress.write import import_sources

    site = tmp_path_factory.mktemp("loopback")
    (site / "ssg.toml").write_text("")
    import_sources(load_config(site), [LOOPBACK_DUMP])
    return site


def write_post(site: Path, relative: str, text: str) -> Path:
    """Write a Markdown file under the site's content/ folder."""
    path = site / "content" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def save_atomically(path: Path, text: str) -> None:
    """Save the way most editors do: write a temporary file beside it, then rename it over the file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


# --- browser tests: Debian's chromium driven by Playwright (scripts/test.sh installs both) ---

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling Google's hosts, which this
# closed network refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run ./scripts/test.sh, which installs Debian's chromium")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


class BrowserPage:
    """A fresh tab that records console errors and every request to a host other than 127.0.0.1."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []
        self.page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.context.route("**/*", self._only_loopback)

    def _only_loopback(self, route) -> None:
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.foreign_requests.append(route.request.url)
            route.fulfill(status=204)  # not abort(): an aborted load is a console error of its own


@pytest.fixture
def tab(browser):
    """A browser tab; the test fails if a page logged an error to the console."""
    opened = BrowserPage(browser)
    yield opened
    opened.context.close()
    assert opened.console_errors == []


@pytest.fixture
def serve_output():
    """Serve a built output folder on a free loopback port; returns the site's address."""
    servers = []

    def start(output_dir: Path, base_path: str = "/") -> str:
        server = make_server(output_dir, "127.0.0.1", 0, base_path)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        host, port = server.server_address[:2]
        return f"http://{host}:{port}{base_path}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


# --- built fixture sites, and a crawler that finds broken internal links in a build ---

@pytest.fixture
def contract_site(tmp_path) -> Path:
    """A copy of the hand-written contract site that a test may change."""
    import shutil

    site = tmp_path / "contract-site"
    shutil.copytree(CONTRACT_SITE, site)
    return site


@pytest.fixture(scope="session")
def contract_public(tmp_path_factory) -> Path:
    """The contract site built once at its domain root; tests only read it (its build cache goes beside the output)."""
    from ssg.build import build
    from ssg.cache import Cache

    out = tmp_path_factory.mktemp("contract") / "public"
    build(CONTRACT_SITE, out=out, cache=Cache(out.parent / "cache"))
    return out


def read(public: Path, url_path: str) -> str:
    """The text of a built page by its site path ('about/', 'feed/index.xml')."""
    path = public / url_path
    return (path / "index.html" if url_path.endswith("/") or path.is_dir() else path).read_text(encoding="utf-8")


_LINK_ATTRIBUTES = {"a": ("href",), "link": ("href",), "img": ("src", "srcset"), "script": ("src",),
                    "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",),
                    "iframe": ("src",), "track": ("src",)}


def broken_links(public: Path, base_url: str) -> list[str]:
    """Crawl every HTML file of a build as served at `base_url`: every link, image, stylesheet and
    script on the same host must lead to a file of the build, under the base path."""
    from html.parser import HTMLParser
    from urllib.parse import unquote, urljoin

    base = urlsplit(base_url)

    class Collector(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[str] = []

        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if value and name in _LINK_ATTRIBUTES.get(tag, ()):
                    if name == "srcset":
                        self.found += [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]
                    else:
                        self.found.append(value)

    def exists(path: str) -> bool:
        local = public / unquote(path)
        if path.endswith("/") or local.is_dir():
            return (local / "index.html").is_file() or (local / "index.xml").is_file()
        return local.is_file()

    broken = []
    for page in sorted(public.rglob("*.html")):
        relative = page.relative_to(public).as_posix()
        page_url = urljoin(base_url, relative[:-len("index.html")] if relative.endswith("index.html") else relative)
        collector = Collector()
        collector.feed(page.read_text(encoding="utf-8"))
        for link in collector.found:
            target = urlsplit(urljoin(page_url, link))
            if target.scheme not in ("http", "https") or target.netloc != base.netloc:
                continue
            if not target.path.startswith(base.path) or not exists(target.path[len(base.path):]):
                broken.append(f"{relative}: {link}")
    return broken


# --- live-import tests: a real WordPress (tests/wp-loopback/), started once per session ---

@pytest.fixture(scope="session")
def wordpress(tmp_path_factory):
    """WordPress 6.1 with the Theme Unit Test data on 127.0.0.1, for the whole run."""
    from wordpress_site import start_wordpress, stop_wordpress

    try:
        site, env = start_wordpress(tmp_path_factory.mktemp("wordpress"))
    except RuntimeError as error:
        pytest.fail(str(error))
    yield site
    stop_wordpress(env)


# --- the live preview (ssg serve), in-process ---

@pytest.fixture
def live_preview():
    """`ssg serve` in-process on a free loopback port: start(site) returns the running LivePreview,
    whose rebuild loop runs in a thread until the test ends."""
    with ExitStack() as stack:
        running = []

        def start(site: Path, drafts: bool = False):
            live = stack.enter_context(open_preview(site, "127.0.0.1", 0, drafts))
            thread = threading.Thread(target=live.run_rebuilds, args=(lambda rebuild: None,), daemon=True)
            thread.start()
            running.append((live, thread))
            return live

        yield start
        for live, thread in running:  # let a build in progress finish before its folder goes
            live.changes.close()
            thread.join(timeout=60)
