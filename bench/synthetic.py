"""Synthetic archives for the benchmarks: deterministic posts with a 600-word median length.

Posts spread over ten years, with one of 30 categories (some nested), up to three of 300 tags
and one of 12 authors, written as ssg Markdown with front matter. Words are made of syllables,
so every query word is a real, findable word of the archive.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "an", "el", "is", "or", "un", "ba", "de", "fi",
              "go", "hu", "je", "qu", "ra", "se", "to", "za", "ver", "lin", "mon", "tar", "pel", "dor"]
START = datetime(2014, 1, 1, tzinfo=timezone.utc)


@dataclass(slots=True)
class SyntheticPost:
    slug: str
    title: str
    date: datetime
    author: str
    categories: list[str]
    tags: list[str]
    paragraphs: list[str]


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
        paragraphs, written = [], 0
        while written < length:
            sentence = [rng.choice(vocabulary) for _ in range(rng.randint(40, 90))]
            written += len(sentence)
            paragraphs.append(" ".join(sentence).capitalize() + ".")
        posts.append(SyntheticPost(
            slug=f"post-{index:06d}", title=title,
            date=START + timedelta(minutes=index * span // max(count, 1) + rng.randint(0, 59)),
            author=rng.choice(authors), categories=[rng.choice(categories)],
            tags=rng.sample(tags, rng.randint(0, 3)), paragraphs=paragraphs))
    return posts


def write_site(posts: list[SyntheticPost], root: Path, search: bool = True) -> Path:
    """An ssg site folder holding `posts`."""
    from ssg import frontmatter

    root.mkdir(parents=True)
    (root / "ssg.toml").write_text(f'title = "Bench"\nbase_url = "http://127.0.0.1:8000/"\n'
                                   f'search = {str(search).lower()}\n', encoding="utf-8")
    for post in posts:
        meta = {"title": post.title, "date": post.date.isoformat(), "slug": post.slug,
                "url": f"/{post.date:%Y}/{post.date:%m}/{post.slug}/", "author": post.author,
                "categories": post.categories, "tags": post.tags}
        path = root / "content" / "posts" / f"{post.date:%Y}" / f"{post.date:%m}" / f"{post.slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(frontmatter.dump(meta, "\n\n".join(post.paragraphs)), encoding="utf-8")
    return root
