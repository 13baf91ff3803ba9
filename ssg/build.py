"""The build, as one recipe: load, resolve, render, write."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from ssg.config import Config, load_config, validate_config
from ssg.content import load_posts
from ssg.data import load_site_data
from ssg.errors import SsgError
from ssg.links import LinkProblem
from ssg.output import check_output_dir, write_site
from ssg.render import Rendered, render_site
from ssg.site import Site, resolve_site

log = logging.getLogger(__name__)

SHOWN_LINK_WARNINGS = 20  # past this, the build says how many more and `ssg check` lists them


@dataclass(slots=True)
class BuildReport:
    """What a build did, for the one-line summary."""

    output_dir: Path
    posts: int
    pages: int
    files: int
    warnings: int = 0
    problems: list[LinkProblem] = field(default_factory=list)


def build(root: Path, out: Path | None = None, base_url: str | None = None,
          drafts: bool = False, strict: bool = False) -> BuildReport:
    """Build the site at `root` into `out` (default: root/public)."""
    config = site_config(root, base_url)
    out = out or config.output_dir
    check_output_dir(config, out)
    with _WarningCounter() as warnings:
        site, rendered = make_site(config, drafts)
        warn_about_links(rendered.problems)
    if strict and warnings.count:
        raise SsgError(f"{warnings.count} warnings and --strict: nothing was written", root)
    write_site(rendered.outputs, out)
    return BuildReport(output_dir=out, posts=len(site.posts), pages=len(site.pages),
                       files=len(rendered.outputs), warnings=warnings.count, problems=rendered.problems)


def check(root: Path, drafts: bool = False) -> list[LinkProblem]:
    """Build in memory only, and return every internal link that does not resolve."""
    _, rendered = make_site(site_config(root, None), drafts)
    return rendered.problems


def make_site(config: Config, drafts: bool) -> tuple[Site, Rendered]:
    """Load, resolve and render: every output file, in memory, before the disk is touched."""
    # First gather everything: read every file, then decide every URL and list.
    documents = load_posts(config, include_drafts=drafts)
    site = resolve_site(config, documents, load_site_data(config.content_dir))
    # Then produce every file in memory.
    return site, render_site(site)


def site_config(root: Path, base_url: str | None) -> Config:
    config = load_config(root)
    if base_url:
        config.base_url = base_url
        validate_config(config, root / "ssg.toml")
    return config


def warn_about_links(problems: list[LinkProblem]) -> None:
    """One warning per broken internal link: the first 20, then a count (all of them with -v)."""
    shown = len(problems) if log.isEnabledFor(logging.DEBUG) else SHOWN_LINK_WARNINGS
    for problem in problems[:shown]:
        log.warning("%s: link to %s does not lead to anything in the archive", problem.source, unquote(problem.url))
    if len(problems) > shown:
        more = len(problems) - shown
        log.warning("... and %d more internal links that do not resolve: `ssg check` lists them all",
                    more, extra={"represents": more})


class _WarningCounter(logging.Handler):
    """Counts the warnings logged during a build, for --strict and the summary."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += getattr(record, "represents", 1)

    def __enter__(self) -> _WarningCounter:
        logging.getLogger("ssg").addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("ssg").removeHandler(self)
