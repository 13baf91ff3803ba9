"""Shared fixtures: the repository's example data and helpers to run the CLI in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssg.cli import main

REPOSITORY = Path(__file__).resolve().parent.parent
EXAMPLES = REPOSITORY / "examples" / "wordpress"
SEED = EXAMPLES / "wp-post-145831.json"


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


def write_post(site: Path, relative: str, text: str) -> Path:
    """Write a Markdown file under the site's content/ folder."""
    path = site / "content" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
