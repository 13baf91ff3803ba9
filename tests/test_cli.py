"""The command line: help for every command, one-line errors with exit 1, bad usage exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_post

COMMANDS = ["init", "import", "build", "serve", "new", "check"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(run_ssg, command):
    code, out, _ = run_ssg(command, "--help")
    assert code == 0 and out.startswith("usage: ssg " + command)


def test_python_dash_m_and_the_console_script_work():
    console_script = Path(sys.executable).parent / "ssg"
    for command in ([sys.executable, "-m", "ssg", "--version"], [str(console_script), "--version"]):
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        assert result.returncode == 0 and result.stdout.startswith("ssg "), result.stderr


@pytest.mark.parametrize("args", [[], ["frobnicate"], ["build", "--nope"], ["serve", "--port", "http"]])
def test_bad_usage_exits_2(run_ssg, args):
    code, _, err = run_ssg(*args)
    assert code == 2 and "usage:" in err


def assert_one_line_error(code, err, *fragments):
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("ssg: error: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]


def test_missing_site(run_ssg, tmp_path):
    code, _, err = run_ssg("build", "--site", tmp_path / "nowhere")
    assert_one_line_error(code, err, "nowhere", "not an ssg site", "ssg init")


def test_unreadable_json_with_nothing_salvageable_is_reported_by_name(run_ssg, new_site, tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    code, out, err = run_ssg("import", empty, "--site", new_site)
    assert code == 0 and f"skipped {empty}: the file is empty" in out


def test_missing_source_file(run_ssg, new_site, tmp_path):
    code, _, err = run_ssg("import", tmp_path / "missing.json", "--site", new_site)
    assert_one_line_error(code, err, "missing.json", "no such file")


def test_front_matter_error_names_file_and_line(run_ssg, new_site):
    write_post(new_site, "posts/bad.md", "---\ntitle: Fine\ndate: 2024-01-01\ntags: [a, b\n---\nBody\n")
    code, _, err = run_ssg("build", "--site", new_site)
    assert_one_line_error(code, err, "bad.md:5:", "not valid YAML")


def test_bad_date_names_its_line(run_ssg, new_site):
    write_post(new_site, "posts/bad.md", "---\ntitle: Fine\ndate: yesterday\n---\nBody\n")
    code, _, err = run_ssg("build", "--site", new_site)
    assert_one_line_error(code, err, "bad.md:3:", "'date' is not a date")


def test_template_error_names_the_template(run_ssg, new_site):
    templates = new_site / "templates"
    templates.mkdir()
    (templates / "404.html").write_text("{% extends 'base.html' %}\n{% block main %}{{ nope.x }}{% endblock %}\n")
    code, _, err = run_ssg("build", "--site", new_site)
    assert_one_line_error(code, err, "404.html:2:", "template error")
