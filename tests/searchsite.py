"""A small site for the search tests: known words, nested categories, tags, authors, three years."""

from __future__ import annotations

from pathlib import Path

from ssg import frontmatter

from conftest import write_post

# (file, front matter, body); "lighthouse" is in three posts, every other marked word in one.
POSTS = [
    ("posts/2021/05/keepers.md", {
        "title": "The lighthouse keepers of Fastnet", "date": "2021-05-04T10:00:00+01:00",
        "author": "Ada Keeper", "categories": ["Travel/Coast"], "tags": ["islands", "history"],
    }, "Keepers of the Fastnet **lighthouse** rowed out every fortnight.\n\nTheir logbooks mention "
       "albatross sightings & storms.\n"),
    ("posts/2022/07/optics.md", {
        "title": "Fresnel lenses explained", "date": "2022-07-09T08:30:00+00:00",
        "author": "Grace Optician", "categories": ["Science"], "tags": ["optics"],
        "image": {"src": "/_ssg/favicon.svg", "alt": "A Fresnel lens"},  # a file the archive serves
    }, "A Fresnel lens lets a lighthouse throw its beam thirty kilometres.\n"),
    ("posts/2023/03/night.md", {
        "title": "A night walk to the lighthouse", "date": "2023-03-20T21:00:00+00:00",
        "author": "Ada Keeper", "categories": ["Travel/Coast/Cliffs"], "tags": ["walks"],
    }, "We walked along the cliffs under a sky full of stars until the lighthouse came into view.\n"),
    ("posts/2023/04/evil.md", {
        "title": '<img src=x onerror="document.title=1">Mischief & <b>markup</b>',
        "date": "2023-04-01T12:00:00+00:00", "author": "Mallory",
    }, "Content about gremlins &lt;script&gt;document.title=2&lt;/script&gt; and "
       "`<img src=y onerror=alert(3)>` in code.\n"),
    ("pages/about.md", {"title": "About this archive", "kind": "page"},
     "This archive keeps the posts of a coastal walking club.\n"),
]


def write_search_site(site: Path) -> Path:
    """Fill an `ssg init` site with POSTS."""
    for relative, meta, body in POSTS:
        write_post(site, relative, frontmatter.dump(meta, body))
    return site
