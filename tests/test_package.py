"""The wheel is what users install: it must carry the default theme and the init scaffold."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import REPOSITORY


def test_the_wheel_ships_the_default_theme_and_scaffold(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp_path), str(REPOSITORY)], check=True, capture_output=True)
    [wheel] = tmp_path.glob("ssg_archive-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    theme = REPOSITORY / "themes" / "default"
    for path in theme.rglob("*"):
        if path.is_file():
            assert f"ssg/themes/default/{path.relative_to(theme).as_posix()}" in names
    assert {"ssg/scaffold/ssg.toml", "ssg/scaffold/pages.yml", "ssg/scaffold/gitignore"} <= names
    assert "ssg/serve/live.js" in names  # the preview's live-reload script
    assert not any(name.startswith(("content/", "tests/", "examples/")) for name in names)
