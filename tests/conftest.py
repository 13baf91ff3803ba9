"""Shared fixtures: the repository's example data and helpers to run the CLI in-process."""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ssg.cli import main
from ssg.serve import make_server

REPOSITORY = Path(__file__).resolve().parent.parent
EXAMPLES = REPOSITORY / "examples" / "wordpress"
SEED = EXAMPLES / "wp-post-145831.json"
LOOPBACK_DUMP = REPOSITORY / "tests" / "fixtures" / "wp-loopback-dump"


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
