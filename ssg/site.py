"""Resolve stage: order posts, paginate the home page, link neighbours and find URL collisions."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ssg import urls
from ssg.config import Config
from ssg.content import Post
from ssg.errors import SsgError
from ssg.paginate import Pager, paginate

log = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(slots=True)
class Neighbours:
    """The posts before and after one post, in date order."""

    older: Post | None = None
    newer: Post | None = None


@dataclass(slots=True)
class Site:
    """Everything the render stage needs, decided before anything is rendered."""

    config: Config
    posts: list[Post]
    pages: list[Post]
    home: list[Pager[Post]]
    neighbours: dict[str, Neighbours] = field(default_factory=dict)


def resolve_site(config: Config, documents: list[Post]) -> Site:
    """Turn loaded documents into the site's structure; URL collisions are an error naming both files."""
    posts = sorted((d for d in documents if d.kind == "post"), key=_newest_first)
    pages = sorted((d for d in documents if d.kind != "post"), key=lambda d: d.url)
    home = paginate(posts, config.per_page, "/")
    neighbours = {}
    for index, post in enumerate(posts):
        neighbours[post.url] = Neighbours(
            older=posts[index + 1] if index + 1 < len(posts) else None,
            newer=posts[index - 1] if index > 0 else None,
        )
    check_collisions(posts + pages, home)
    return Site(config=config, posts=posts, pages=pages, home=home, neighbours=neighbours)


def _newest_first(post: Post) -> tuple[float, str]:
    return (-(post.date or _EPOCH).timestamp(), post.url)


def check_collisions(documents: list[Post], home: list[Pager[Post]]) -> None:
    """Two sources may not write the same output file."""
    owners: dict[str, str] = {}
    claims = [(str(urls.output_path(pager.url)), f"home page {pager.number}") for pager in home]
    claims.append(("404.html", "the 404 page"))
    claims += [(str(urls.output_path(d.url)), str(d.source)) for d in documents]
    for output, owner in claims:
        if output in owners:
            raise SsgError(f"both this file and {owners[output]} want to be /{output}; "
                           "change the 'url' or 'slug' of one of them", owner)
        owners[output] = owner
