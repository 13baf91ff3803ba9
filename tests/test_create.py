"""`ssg init` and `ssg new`."""

from __future__ import annotations

import tomllib

import yaml

from ssg import frontmatter


def test_init_creates_a_site(new_site):
    config = (new_site / "ssg.toml").read_text(encoding="utf-8")
    assert {"title", "base_url", "language", "timezone", "theme"} <= set(tomllib.loads(config))
    assert config.count("\n# ") >= 5  # every setting is explained
    assert (new_site / "content").is_dir()
    assert "/public/" in (new_site / ".gitignore").read_text(encoding="utf-8").splitlines()
    workflow = yaml.safe_load((new_site / ".github/workflows/pages.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "") for step in steps + workflow["jobs"]["deploy"]["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert any("ssg build" in step.get("run", "") for step in steps)
    assert any("pip install" in step.get("run", "") for step in steps)
    assert workflow["env"]["SSG_PACKAGE"].startswith("ssg-archive")


def test_init_refuses_an_existing_site(new_site, run_ssg):
    before = (new_site / "ssg.toml").read_bytes()
    code, _, err = run_ssg("init", new_site)
    assert code == 1 and "already exists" in err
    assert (new_site / "ssg.toml").read_bytes() == before


def test_new_creates_a_draft_for_today(new_site, run_ssg, monkeypatch):
    monkeypatch.chdir(new_site)
    code, out, err = run_ssg("new", "A title: with a colon")
    assert code == 0, err
    [path] = (new_site / "content/posts").rglob("*.md")
    assert path.name == "a-title-with-a-colon.md"
    meta, _ = frontmatter.split(path.read_text(encoding="utf-8"), path)
    assert meta["title"] == "A title: with a colon" and meta["draft"] is True
    assert meta["date"][:7].replace("-", "/") in path.as_posix()
    code, _, err = run_ssg("new", "A title: with a colon")
    assert code == 1 and "already exists" in err


def test_a_new_draft_builds_with_drafts(new_site, run_ssg, monkeypatch):
    monkeypatch.chdir(new_site)
    run_ssg("new", "Hello")
    code, out, _ = run_ssg("build", "--drafts")
    assert code == 0 and "Built 1 post" in out
