"""The build, as one recipe: load, resolve, render, write; each step reuses what the cache says is unchanged."""

from __future__ import annotations

import gc
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from ssg import parallel
from ssg.bodies import Bodies, render_bodies
from ssg.cache import Cache
from ssg.config import Config, load_config, validate_config
from ssg.content import load_posts
from ssg.data import load_site_data
from ssg.errors import SsgError
from ssg.fingerprints import Digests, input_digest, site_digest
from ssg.links import LinkProblem, LinkTable
from ssg.output import check_output_dir, update_folder, write_all
from ssg.quick import LastBuild, Session, quick_rebuild
from ssg.render import Job, copy_job, is_search_output, link_problems, make_link_table, plan_site
from ssg.search import build_search
from ssg.site import Site, resolve_site
from ssg.templates import make_environment

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
    written: int = 0  # files made or replaced (all of them in a first build)
    removed: int = 0  # files no longer produced
    search_pending: bool = False  # the search index was left as it was (defer_search)


def build(root: Path, out: Path | None = None, base_url: str | None = None, drafts: bool = False,
          strict: bool = False, jobs: int | None = None, cache: Cache | None = None,
          changed: frozenset[Path] | None = None, defer_search: bool = False,
          session: Session | None = None) -> BuildReport:
    """Build the site at `root` into `out` (default: root/public), redoing only what changed since
    the last build into `out`.

    A preview keeps its `cache` from one build to the next and passes the files its watcher saw
    change (`changed`), and may leave the search index as it is for a build that follows soon
    (`defer_search`): the page a writer is looking at is ready a few seconds sooner. With a
    `session`, an edit that only changes what posts say is rebuilt from the last build's plan."""
    config = site_config(root, base_url)
    out = (out or config.output_dir).resolve()
    check_output_dir(config, out)
    cache = cache or Cache(config.cache_dir)
    cache.refresh()
    known = cache.outputs(out) if out.is_dir() else {}
    inputs = input_digest(config, drafts, base_url) if changed is None else ""
    if inputs and known and cache.inputs(out) == inputs and all(os.path.exists(f"{out}/{path}") for path in known):
        return replay(cache, out, strict)  # nothing the build reads changed, nothing was removed
    if session is not None and changed and defer_search:
        with _WarningCounter() as warnings:
            quick = quick_rebuild(session, config, changed, out, cache)
            if quick is not None:
                written, last = quick
                warn_about_links(last.problems)
                return BuildReport(output_dir=out, posts=len(last.site.posts), pages=len(last.site.pages),
                                   files=len(last.jobs), warnings=warnings.count, problems=last.problems,
                                   written=written, search_pending=config.search)
    with _collector_spared(), _WarningCounter() as warnings:
        site, table, bodies, planned = make_site(config, drafts, cache, jobs, changed)
        problems = link_problems(bodies, table, site.posts + site.pages)
        warn_about_links(problems)
        if strict and warnings.count:
            raise SsgError(f"{warnings.count} warnings and --strict: nothing was written", root)
        search_pending = defer_search and config.search and bool(known)
        with timed("search"):
            planned += kept_search(known) if search_pending else [copy_job(output) for output in build_search(site, bodies)]
        with timed("write"):
            written, removed = write_jobs(planned, out, cache, jobs)
    if session is not None:
        session.last = LastBuild(config, site, bodies, {job.path: job for job in planned}, table, problems)
        session.current = {job.path: job.fingerprint for job in planned}
        session.search_made = not search_pending
    report = BuildReport(output_dir=out, posts=len(site.posts), pages=len(site.pages), files=len(planned),
                         warnings=warnings.count, problems=problems, written=len(written), removed=len(removed),
                         search_pending=search_pending)
    cache.store_report(out, inputs, report, warnings.messages)
    return report


def check(root: Path, drafts: bool = False) -> list[LinkProblem]:
    """Build in memory only, and return every internal link that does not resolve."""
    config = site_config(root, None)
    with _collector_spared():
        site, table, bodies, _ = make_site(config, drafts, Cache(None), jobs=None)
    return link_problems(bodies, table, site.posts + site.pages)


def make_site(config: Config, drafts: bool, cache: Cache, jobs: int | None,
              changed: frozenset[Path] | None = None) -> tuple[Site, LinkTable, Bodies, list[Job]]:
    """Load, resolve (and what links may lead to), render the bodies, plan every output with its fingerprint."""
    # First gather everything: read every file (unchanged ones from the cache), decide every URL and list.
    with timed("load"):
        documents = load_posts(config, include_drafts=drafts, cache=cache, changed=changed, jobs=jobs)
    gc.freeze()  # see _collector_spared
    with timed("resolve"):
        site = resolve_site(config, documents, load_site_data(config.content_dir))
        table = make_link_table(site)
    gc.freeze()
    # Then render what pages are made of (unchanged bodies come from the cache) and plan the pages.
    with timed("bodies"):
        bodies = render_bodies(site.posts + site.pages, table, cache, keep_text=config.search, jobs=jobs)
    with timed("plan"):
        environment = make_environment(config)
        planned = plan_site(site, table, bodies, environment, Digests(site_digest(config, drafts), environment, bodies))
    return site, table, bodies, planned


@contextmanager
def _collector_spared() -> Iterator[None]:
    """The posts and site a build loads live until it ends: frozen after each stage, the garbage
    collector stops scanning them again (at 10k posts it spent 0.5 s doing so), and they are
    handed back to it when the build ends."""
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """How long a stage took, for `ssg -v build`."""
    started = time.perf_counter()
    yield
    log.info("%s: %.3f s", stage, time.perf_counter() - started)


def write_jobs(planned: list[Job], out: Path, cache: Cache, jobs: int | None) -> tuple[list[str], list[str]]:
    """Make the files whose fingerprint changed (all of them into a new folder the first time),
    remove those no longer produced; (files written, files removed)."""
    known = cache.outputs(out) if out.is_dir() else {}
    mapper = lambda function, items: parallel.map_chunks(function, items, jobs)  # noqa: E731
    fingerprints = {job.path: job.fingerprint for job in planned}
    if not known:
        write_all(planned, out, mapper)
        cache.forget_folder(out)
        cache.store_outputs(out, fingerprints, [])
        return list(fingerprints), []
    changed = [job for job in planned if known.get(job.path) != job.fingerprint or not os.path.exists(f"{out}/{job.path}")]
    stale = [path for path in known if path not in fingerprints]
    update_folder(changed, stale, out, mapper)
    cache.store_outputs(out, {job.path: job.fingerprint for job in changed}, stale)
    return [job.path for job in changed], stale


def kept_search(known: dict[str, str]) -> list[Job]:
    """The search page and index files as the output folder has them: left alone."""
    return [Job(path, fingerprint) for path, fingerprint in known.items() if is_search_output(path)]



def replay(cache: Cache, out: Path, strict: bool) -> BuildReport:
    """The last build's report, and its warnings again, when nothing changed since."""
    report, messages = cache.report(out)
    for message in messages:
        log.warning("%s", message)
    if strict and report.warnings:
        raise SsgError(f"{report.warnings} warnings and --strict: nothing was written", out)
    report.written = report.removed = 0
    return report


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
    """Counts the warnings logged during a build, for --strict and the summary, and keeps them to say again."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += getattr(record, "represents", 1)
        self.messages.append(record.getMessage())

    def __enter__(self) -> _WarningCounter:
        logging.getLogger("ssg").addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("ssg").removeHandler(self)
