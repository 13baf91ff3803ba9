"""The preview's quick rebuild: after an edit that changes what posts say but not where they are or
which lists they are in (their text, title, summary, comments), only the files that show those posts
are rendered again, from the last build's plan kept in memory. Anything else takes a full build.

The preview writes alternately into two folders. A quick rebuild gives the files it renders a new
name for their content instead of a fingerprint (`Session.current`); a folder whose record of a file
(in the build cache) differs from the current one gets the file again, whichever build made it.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import os
import pickle
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ssg.bodies import Bodies, render_bodies
from ssg.cache import Cache
from ssg.config import Config
from ssg.content import Post, is_content_file, load_post, stored_stamp
from ssg.output import update_folder
from ssg.links import LinkProblem, LinkTable
from ssg.render import Job, is_search_output, link_problems, problem_order
from ssg.site import Site

log = logging.getLogger(__name__)

# What an edit may change for a quick rebuild: what pages show of a post, not where it is or what lists it.
SHOWN_ONLY = {"title", "body", "summary", "comments", "format", "comment_status", "salvaged", "salvage_notes",
              "extra", "digest"}


@dataclass(slots=True)
class LastBuild:
    """What a preview keeps of its last full build."""

    config: Config
    site: Site
    bodies: Bodies
    jobs: dict[str, Job]
    table: LinkTable  # what links lead to: no quick rebuild changes it
    problems: list[LinkProblem]  # links that lead nowhere, sorted
    shown_in: dict[int, list[str]] = field(default_factory=dict)  # id(post) -> paths of the files that show it


@dataclass(slots=True)
class Session:
    """A preview's memory between builds (ssg.build.build keeps it up to date)."""

    last: LastBuild | None = None
    current: dict[str, str] = field(default_factory=dict)  # every output file -> what its content is now
    # Whether `last.jobs` can make the search index's files; not after a build that left the index
    # as its folder had it, until `publish_search` brings a new one.
    search_made: bool = False
    _names: itertools.count = field(default_factory=itertools.count)
    _run: str = field(default_factory=lambda: secrets.token_hex(4))

    def new_content(self) -> str:
        """A name for content a quick rebuild made, never equal to a fingerprint or to another name."""
        return f"quick {self._run} {next(self._names)}"


def quick_rebuild(session: Session, config: Config, changed: frozenset[Path], out: Path,
                  cache: Cache) -> tuple[int, LastBuild] | None:
    """Render only what the changed posts are shown in, or None when the change needs a full build."""
    last = session.last
    if last is None or config != last.config:
        return None
    documents = {str(document.source): document for document in last.site.posts + last.site.pages}
    edits: list[tuple[Post, Post, str]] = []
    for path in changed:
        if not (path.suffix == ".md" and path.is_relative_to(config.content_dir)
                and is_content_file(config.content_dir, path) and str(path) in documents and path.is_file()):
            return None  # a new, removed or renamed post, a template, data, media, settings
        status = path.stat()
        new = load_post(path, config.tzinfo)
        old = documents[str(path)]
        if any(getattr(old, name.name) != getattr(new, name.name)
               for name in dataclasses.fields(Post) if name.name not in SHOWN_ONLY):
            return None
        edits.append((old, new, stored_stamp(status, config.timezone)))
    for old, new, stamp in edits:  # the site's lists hold the old objects: they get the new values
        for name in SHOWN_ONLY:
            setattr(old, name, getattr(new, name))
        cache.store_posts({str(old.source): (stamp, old, pickle.dumps(old, pickle.HIGHEST_PROTOCOL))}, removed=[])
    edited = [old for old, _, _ in edits]
    fresh = render_bodies(edited, last.table, cache, keep_text=config.search, forget_others=False)
    for document in edited:
        last.bodies.replace(document.url, fresh.by_url[document.url])
    sources = {document.source for document in edited}
    last.problems = sorted([problem for problem in last.problems if problem.source not in sources]
                           + link_problems(last.bodies, last.table, edited), key=problem_order)
    if not last.shown_in:
        for job in last.jobs.values():
            for post in job.shows:
                last.shown_in.setdefault(id(post), []).append(job.path)
    for path in {path for document in edited for path in last.shown_in.get(id(document), [])}:
        session.current[path] = session.new_content()
    made = bring_up_to_date(session, out, cache)
    log.info("quick rebuild: %d files", made)
    return made, last


def publish_search(session: Session, search_jobs: list[Job], out: Path, cache: Cache) -> int:
    """Put a search index made since the last build into `out`, with the rest of the last build; files written."""
    assert session.last is not None
    jobs = session.last.jobs
    for path in [path for path in jobs if is_search_output(path)]:
        del jobs[path]
        session.current.pop(path, None)
    for job in search_jobs:
        jobs[job.path] = job
        session.current[job.path] = job.fingerprint
    session.search_made = True
    return bring_up_to_date(session, out, cache)


def bring_up_to_date(session: Session, out: Path, cache: Cache) -> int:
    """Make `out` hold what the session says every file holds now; files written. The search index is
    left as the folder has it when the session cannot make it (a newer one follows)."""
    assert session.last is not None
    jobs = session.last.jobs
    syncs = (lambda path: True) if session.search_made else (lambda path: not is_search_output(path))
    held = cache.outputs(out)
    made = [jobs[path] for path, content in session.current.items() if held.get(path) != content and syncs(path)]
    gone = [path for path in held if path not in session.current and syncs(path)]
    update_folder(made, [path for path in gone if os.path.lexists(out / path)], out,
                  lambda function, items: function(items))
    cache.store_outputs(out, {job.path: session.current[job.path] for job in made}, gone)
    return len(made)
