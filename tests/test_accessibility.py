"""Accessibility: axe-core (from npm, see package.json) finds no violation on the default theme's pages,
in light and dark mode."""

from __future__ import annotations

import pytest

from ssg.build import build

from conftest import CONTRACT_SITE, REPOSITORY

pytestmark = pytest.mark.browser

AXE = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"
PAGES = {
    "a post with comments": "2020/01/15/harbour-days/",
    "a category list": "category/news/",
    "the archive overview": "archives/",
    "the categories tree": "categories/",
    "the 404 page": "no/such/page/",
}


@pytest.fixture(scope="module")
def contract_output(tmp_path_factory):
    out = tmp_path_factory.mktemp("a11y") / "public"
    build(CONTRACT_SITE, out=out, base_url="https://user.github.io/repo/")
    return out


def axe_violations(page) -> list[str]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run ./scripts/test.sh, which installs axe-core with npm ci")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
            for v in results["violations"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations(serve_output, tab, contract_output, name, scheme):
    site = serve_output(contract_output, "/repo/")
    tab.page.emulate_media(color_scheme=scheme)
    tab.page.goto(site + PAGES[name])
    assert axe_violations(tab.page) == []
    if name == "the 404 page":  # the 404 status itself is logged by the browser
        assert tab.console_errors == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
        tab.console_errors.clear()
