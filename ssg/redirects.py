"""Resolve stage: old addresses that must keep working: alias redirect pages and the ?p=ID link map.

A static host cannot redirect by query string, so plain WordPress links (/?p=123, /?cat=4,
/index.php?page_id=5) are answered by a small script on every page of the theme (a static host
shows the home or 404 page for them) that looks the parameter up in JSON shards of this map.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from urllib.parse import parse_qsl

from ssg import urls
from ssg.content import Post
from ssg.output import Output
from ssg.taxonomy import Taxonomies

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Redirect:
    """A redirect page at an old address, leading to where the post or list lives now."""

    url: str
    target: str
    owner: str  # who asked for it, for messages
    explicit: bool = True  # written in front matter, so a user wants to hear when it cannot be made


OldLinks = dict[str, dict[str, str]]  # parameter -> value -> site path


def resolve_redirects(documents: list[Post], taxonomies: Taxonomies) -> tuple[list[Redirect], OldLinks]:
    """Every alias and old link of every post, page and term."""
    redirects: list[Redirect] = []
    old_links: OldLinks = {}

    def add_old_link(parameter: str, value: str, target: str, owner: str) -> None:
        taken = old_links.setdefault(parameter, {}).setdefault(value, target)
        if taken != target:
            log.warning("%s: old link ?%s=%s already leads to %s; keeping that", owner, parameter, value, taken)

    for post in documents:  # WordPress's own IDs first: they win over an alias that claims one
        post_id = post.wordpress.get("id")
        if isinstance(post_id, int) and not isinstance(post_id, bool):
            add_old_link("p", str(post_id), post.url, str(post.source))
            if post.kind == "page":
                add_old_link("page_id", str(post_id), post.url, str(post.source))
    for post in documents:
        owner = str(post.source)
        for alias in post.aliases:
            path, _, query = alias.partition("?")
            if query:
                # Whatever the path (/, /index.php, /blog/), a static host shows the home, 404 or
                # another archive page for it, and every page of the theme consults the map.
                parameters = [(k, v) for k, v in parse_qsl(query) if k in urls.OLD_LINK_PARAMETERS and v]
                if parameters:
                    add_old_link(*parameters[0], post.url, owner)
                else:
                    log.warning("%s: alias %r cannot be redirected by a static host (of queries, only "
                                "?p=, ?page_id=, ?cat=, ?tag=, ?author= and ?m= can)", owner, alias)
            elif path != post.url:
                redirects.append(Redirect(url=path, target=post.url, owner=f"alias {alias} in {owner}"))
        link = str(post.wordpress.get("link") or "")
        old_link = urls.path_from_link(link) if link else None  # a hand-written post has no old link
        if old_link and old_link != post.url and old_link not in post.aliases:
            redirects.append(Redirect(url=old_link, target=post.url, explicit=False,
                                      owner=f"the WordPress link of {owner}"))

    for parameter, terms in (("cat", taxonomies.categories), ("author", taxonomies.authors)):
        for term in terms:
            if term.id is not None:
                add_old_link(parameter, str(term.id), term.url, f"{term.kind} {term.name!r}")
    for term in taxonomies.tags:
        add_old_link("tag", term.slug, term.url, f"tag {term.name!r}")
    for term in taxonomies.dates:
        add_old_link("m", term.url.replace("/", ""), term.url, f"{term.kind} archive")
    for term in taxonomies.categories + taxonomies.tags + taxonomies.authors:
        old_link = urls.path_from_link(term.link) if term.link else None
        if old_link and old_link != term.url:
            redirects.append(Redirect(url=old_link, target=term.url, explicit=False,
                                      owner=f"the WordPress link of {term.kind} {term.name!r}"))
    return redirects, old_links


def old_link_shards(old_links: OldLinks) -> dict[str, dict[str, str]]:
    """The map split into the JSON files the script fetches: one per parameter and thousand IDs."""
    shards: dict[str, dict[str, str]] = {}
    for parameter, values in sorted(old_links.items()):
        for value, target in sorted(values.items()):
            shards.setdefault(urls.old_links_url(parameter, value), {})[value] = target
    return shards


def old_link_outputs(old_links: OldLinks, base_path: str) -> list[Output]:
    """The JSON shards, holding archive addresses under the site's base path."""
    return [Output(urls.output_path(url), json.dumps(
                {value: urls.href(base_path, target) for value, target in shard.items()},
                sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            for url, shard in old_link_shards(old_links).items()]
