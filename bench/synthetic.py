"""Synthetic archives for every benchmark: deterministic posts with a 600-word median length,
written as an ssg site, and as the same posts for Hugo and Pelican.

Posts spread over ten years, with one of 30 categories (some nested), up to three of 300 tags
and one of 12 authors. Bodies mix paragraphs (with emphasis and a link), headings, lists and
images. Words are made of syllables, so every query word is a real, findable word of the archive.
"""

from __future__ import annotations

import json
import random
import textwrap
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "an", "el", "is", "or", "un", "ba", "de", "fi",
              "go", "hu", "je", "qu", "ra", "se", "to", "za", "ver", "lin", "mon", "tar", "pel", "dor"]
START = datetime(2014, 1, 1, tzinfo=timezone.utc)
PER_PAGE = 10


@dataclass(slots=True)
class SyntheticPost:
    slug: str
    title: str
    date: datetime
    author: str
    categories: list[str]  # name paths: "Section 01/Topic 07"
    tags: list[str]
    paragraphs: list[str]  # the text, for search queries
    body: str  # the Markdown: the paragraphs with emphasis and links, headings, lists, images

    @property
    def url(self) -> str:
        return f"/{self.date:%Y}/{self.date:%m}/{self.slug}/"


def words(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))) for _ in range(count)]


def make_posts(count: int, seed: int = 7) -> list[SyntheticPost]:
    """`count` posts, the same ones every time."""
    rng = random.Random(seed)
    vocabulary = words(rng, 20000)
    categories = [f"Section {i // 6:02d}/Topic {i:02d}" if i % 3 else f"Section {i // 6:02d}" for i in range(30)]
    tags = [f"{word}-{i}" for i, word in enumerate(words(rng, 300))]
    authors = [f"Author {name.capitalize()}" for name in words(rng, 12)]
    span = 10 * 365 * 24 * 60
    posts = []
    for index in range(count):
        length = max(120, int(rng.lognormvariate(6.4, 0.35)))  # median ~600 words
        title = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(3, 9))).capitalize()
        paragraphs, parts, written = [], [], 0
        while written < length:
            kind = rng.random()
            if kind < 0.08:
                parts.append("## " + " ".join(rng.choice(vocabulary) for _ in range(4)).capitalize())
            elif kind < 0.14:
                parts.append("\n".join("- " + " ".join(rng.choice(vocabulary) for _ in range(rng.randint(3, 8)))
                                       for _ in range(4)))
            elif kind < 0.17:
                parts.append(f"![Photo {index}](/wp-content/uploads/2020/01/photo-{index % 500}.jpg)")
            else:
                sentence = [rng.choice(vocabulary) for _ in range(rng.randint(40, 90))]
                written += len(sentence)
                paragraphs.append(" ".join(sentence).capitalize() + ".")
                marked = list(sentence)
                marked[3] = f"**{marked[3]}**"
                marked[10] = f"[{marked[10]}](https://example.org/{marked[11]}/)"
                parts.append(" ".join(marked).capitalize() + ".")
        posts.append(SyntheticPost(
            slug=f"post-{index:06d}", title=title,
            date=START + timedelta(minutes=index * span // max(count, 1) + rng.randint(0, 59)),
            author=rng.choice(authors), categories=[rng.choice(categories)],
            tags=rng.sample(tags, rng.randint(0, 3)), paragraphs=paragraphs, body="\n\n".join(parts) + "\n"))
    return posts


def post_path(root: Path, post: SyntheticPost) -> Path:
    """Where write_site puts a post's Markdown file."""
    return root / "content" / "posts" / f"{post.date:%Y}" / f"{post.date:%m}" / f"{post.slug}.md"


def write_site(posts: list[SyntheticPost], root: Path, search: bool = True) -> Path:
    """An ssg site folder holding `posts`."""
    from ssg import frontmatter

    root.mkdir(parents=True)
    (root / "ssg.toml").write_text(f'title = "Bench"\nbase_url = "http://127.0.0.1:8000/"\nper_page = {PER_PAGE}\n'
                                   f'search = {str(search).lower()}\n', encoding="utf-8")
    for post in posts:
        meta = {"title": post.title, "date": post.date.isoformat(), "slug": post.slug, "url": post.url,
                "author": post.author, "categories": post.categories, "tags": post.tags}
        path = post_path(root, post)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(frontmatter.dump(meta, post.body), encoding="utf-8")
    (root / ".gitignore").write_text("/public/\n/.ssg-cache/\n", encoding="utf-8")
    return root


# Hugo: the pages ssg writes. Posts, the paginated home, category, tag and author lists with their
# RSS feeds (the newest ten posts, as ssg's; Hugo's default feed holds every post of its list),
# year, month and day archives (as taxonomies, without feeds, as ssg's), and the sitemap; the
# same permalinks. Hugo's categories are flat, so a post names its category and the category's
# parents, whose lists hold their subcategories' posts in ssg too. No list of the "posts"
# section, which ssg has no equivalent of (its home lists every post).
_HUGO_LAYOUTS = {
    "_default/baseof.html": """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ block "title" . }}{{ .Site.Title }}{{ end }}</title></head>
<body><header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>""",
    "_default/single.html": """{{ define "title" }}{{ .Title }}{{ end }}{{ define "main" }}<article class="h-entry">
<h1 class="p-name">{{ .Title }}</h1><time class="dt-published" datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "January 2, 2006" }}</time>
<div class="e-content">{{ .Content }}</div>
{{ range .Params.categories }}<a href="{{ "categories/" | relURL }}{{ . | urlize }}/">{{ . }}</a>{{ end }}
{{ range .Params.tags }}<a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a>{{ end }}
{{ with .PrevInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</article>{{ end }}""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ $pager := .Paginate .Pages }}
{{ range $pager.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Summary }}</p></article>{{ end }}
{{ with $pager.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }}{{ with $pager.Next }}<a href="{{ .URL }}">Older</a>{{ end }}{{ end }}""",
    # Every regular page is a post: `where` here would filter 10,000 pages again on each home page.
    "index.html": """{{ define "main" }}{{ $pager := .Paginate .Site.RegularPages }}
{{ range $pager.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Summary }}</p></article>{{ end }}
{{ with $pager.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }}{{ with $pager.Next }}<a href="{{ .URL }}">Older</a>{{ end }}{{ end }}""",
}


def leaf(category: str) -> str:
    return category.rsplit("/", 1)[-1]


def write_hugo(posts: list[SyntheticPost], root: Path) -> Path:
    (root / "content" / "posts").mkdir(parents=True)
    (root / "config.toml").write_text(textwrap.dedent(f"""\
        baseURL = "http://127.0.0.1:8000/"
        title = "Bench"
        paginate = {PER_PAGE}
        rssLimit = {PER_PAGE}
        disableKinds = ["robotsTXT", "section"]
        [taxonomies]
          category = "categories"
          tag = "tags"
          author = "authors"
          year = "years"
          month = "months"
          day = "days"
        [permalinks]
          posts = "/:year/:month/:slug/"
        [markup.goldmark.renderer]
          unsafe = true
        [[cascade]]
          outputs = ["HTML"]
          [cascade._target]
            path = "/{{days,months,years}}/**"
        """))
    for name, text in _HUGO_LAYOUTS.items():
        path = root / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for post in posts:
        meta = {"title": post.title, "date": post.date.isoformat(), "slug": post.slug,
                "categories": [name for category in post.categories for name in category.split("/")],
                "tags": post.tags, "authors": [post.author], "years": [f"{post.date:%Y}"],
                "months": [f"{post.date:%Y-%m}"], "days": [f"{post.date:%Y-%m-%d}"]}
        (root / "content" / "posts" / f"{post.slug}.md").write_text(json.dumps(meta) + "\n\n" + post.body,
                                                                     encoding="utf-8")
    return root


def write_pelican(posts: list[SyntheticPost], root: Path) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "pelicanconf.py").write_text(textwrap.dedent(f"""\
        SITENAME = "Bench"
        SITEURL = ""
        PATH = "content"
        TIMEZONE = "UTC"
        DEFAULT_LANG = "en"
        DEFAULT_PAGINATION = {PER_PAGE}
        PAGINATED_TEMPLATES = {{"index": None, "tag": None, "category": None, "author": None, "period_archives": None}}
        ARTICLE_URL = "{{date:%Y}}/{{date:%m}}/{{slug}}/"
        ARTICLE_SAVE_AS = "{{date:%Y}}/{{date:%m}}/{{slug}}/index.html"
        YEAR_ARCHIVE_SAVE_AS = "{{date:%Y}}/index.html"
        MONTH_ARCHIVE_SAVE_AS = "{{date:%Y}}/{{date:%m}}/index.html"
        DAY_ARCHIVE_SAVE_AS = "{{date:%Y}}/{{date:%m}}/{{date:%d}}/index.html"
        FEED_ALL_ATOM = "feeds/all.atom.xml"
        CATEGORY_FEED_ATOM = "feeds/{{slug}}.atom.xml"
        TRANSLATION_FEED_ATOM = None
        AUTHOR_FEED_ATOM = None
        AUTHOR_FEED_RSS = None
        RELATIVE_URLS = True
        """))
    for post in posts:
        header = (f"Title: {post.title}\nDate: {post.date:%Y-%m-%d %H:%M}\nCategory: {leaf(post.categories[0])}\n"
                  f"Tags: {', '.join(post.tags)}\nAuthor: {post.author}\nSlug: {post.slug}\n\n")
        (root / "content" / f"{post.slug}.md").write_text(header + post.body, encoding="utf-8")
    return root
