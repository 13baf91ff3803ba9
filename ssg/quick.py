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
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ssg.bodies import Bodies, render_bodies
from ssg.cache import RACY, Cache
from ssg.config import Config
from ssg.content import Post, is_content_file, is_racy, load_post
from ssg.output import update_folder
from ssg.render import Job, is_search_output, make_link_table
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
    shown_in: dict[int, list[str]] = field(default_factory=dict)  # id(post) -> paths of the files that show it


@dataclass(slots=True)
class Session:
    """A preview's memory between builds (ssg.build.build keeps it up to date)."""

    last: LastBuild | None = None
    current: dict[str, str] = field(default_factory=dict)  # every output file -> what its content is now
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
        stamp = RACY if is_racy(status.st_mtime) else f"{status.st_mtime_ns} {status.st_size} {config.timezone}"
        edits.append((old, new, stamp))
    for old, new, stamp in edits:  # the site's lists hold the old objects: they get the new values
        for name in SHOWN_ONLY:
            setattr(old, name, getattr(new, name))
        cache.store_posts({str(old.source): (stamp, old)}, removed=[])
    edited = [old for old, _, _ in edits]
    fresh = render_bodies(edited, make_link_table(last.site), cache, keep_text=False, forget_others=False)
    for document in edited:
        last.bodies.replace(document.url, fresh.by_url[document.url])
    if not last.shown_in:
        for job in last.jobs.values():
            for post in job.shows:
                last.shown_in.setdefault(id(post), []).append(job.path)
    for path in {path for document in edited for path in last.shown_in.get(id(document), [])}:
        session.current[path] = session.new_content()
    held = cache.outputs(out)  # the search index is left as it is: a full build follows for it
    made = [last.jobs[path] for path, content in session.current.items()
            if held.get(path) != content and not is_search_output(path)]
    gone = [path for path in held if path not in session.current and not is_search_output(path)]
    update_folder(made, [path for path in gone if os.path.lexists(out / path)], out,
                  lambda function, items: function(items))
    cache.store_outputs(out, {job.path: session.current[job.path] for job in made}, gone)
    log.info("quick rebuild: %d files", len(made))
    return len(made), last
