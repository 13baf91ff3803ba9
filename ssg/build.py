"""The build, as one recipe: load, resolve, render, write."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ssg.config import load_config, validate_config
from ssg.content import load_posts
from ssg.output import check_output_dir, write_site
from ssg.render import render_bodies, render_site
from ssg.search import build_search
from ssg.site import resolve_site

log = logging.getLogger(__name__)


@dataclass(slots=True)
class BuildReport:
    """What a build did, for the one-line summary."""

    output_dir: Path
    posts: int
    pages: int
    files: int


def build(root: Path, out: Path | None = None, base_url: str | None = None,
          drafts: bool = False) -> BuildReport:
    """Build the site at `root` into `out` (default: root/public)."""
    config = load_config(root)
    if base_url:
        config.base_url = base_url
        validate_config(config, root / "ssg.toml")
    out = out or config.output_dir
    check_output_dir(config, out)

    # First gather everything: read every file, then decide every URL and list.
    documents = load_posts(config, include_drafts=drafts)
    site = resolve_site(config, documents)

    # Then produce every file in memory, and only then touch the disk.
    bodies = render_bodies(site)
    outputs = render_site(site, bodies) + build_search(site, bodies)
    write_site(outputs, out)
    return BuildReport(output_dir=out, posts=len(site.posts), pages=len(site.pages), files=len(outputs))
