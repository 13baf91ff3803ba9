"""Extra output: the search page and its Pagefind index, fed from the bodies the build already rendered.

Each post and page becomes a Pagefind custom record (its body as text, with title, date, author,
categories, tags and image), so no page is parsed again. Large archives are split into
date-ordered shards, indexed two at a time and merged in the browser; a shard whose records did
not change is taken from .ssg-cache/search/ instead of being indexed again.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import json
import logging
import os
import shutil
import zlib
from collections import Counter
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import timezone
from importlib import metadata
from pathlib import Path, PurePosixPath


from ssg import urls
from ssg.bodies import Bodies
from ssg.config import Config
from ssg.content import Image, Post
from ssg.errors import SsgError
from ssg.output import Output
from ssg.pagefind_files import canonical_index
from ssg.render import render_page
from ssg.site import Site
from ssg.taxonomy import PostTerms, Taxonomies, Term
from ssg.templates import format_date, make_environment

try:
    from pagefind.service import PagefindService, get_executable
except ImportError:  # reported by find_pagefind() as one line, and only when search is on
    PagefindService, get_executable = object, None

log = logging.getLogger(__name__)

# Pagefind holds a whole index in memory while it builds it: about 0.7 kB per word indexed.
# Shards of WORDS_PER_SHARD words, two at a time, keep indexing under 1 GB and use both cores;
# past MAX_SHARDS shards grow instead, since each costs a visitor a request or two per query.
WORDS_PER_SHARD = 450_000
MAX_SHARDS = 32
PARALLEL = 2
INSTALL_HINT = "pip install 'pagefind[bin]'"
TAG_CHOICES = 500  # the search page lists this many of the most used tags; any tag works in a URL
CACHE_FORMAT = "1"
ANSWER_LIMIT = 2**24  # the largest answer read from Pagefind: get_files' scripts and wasm
WRITE_CHECKS = 500  # times 20 ms: how long to wait for Pagefind's last writes to land

# What the browser needs from Pagefind's output; the UI bundles and playground are left out.
_INDEX_PARTS = ("index", "fragment", "filter")
_SCRIPTS = ("pagefind.js", "pagefind-worker.js")


@dataclass(slots=True)
class SearchRecord:
    """What the index holds about one post or page; every field is plain text, escaped when shown."""

    url: str  # the site path, percent-encoded, without the base path
    title: str
    text: str
    date: str = ""  # as the theme shows it: "December 3, 2023"
    sort_date: str = ""  # UTC, ISO 8601, so that string order is time order
    year: str = ""
    author: str = ""  # the name shown; filters use the slugs below
    author_slug: str = ""
    categories: list[str] = field(default_factory=list)  # slug paths, each with its ancestors
    tags: list[str] = field(default_factory=list)  # slugs
    image: str = ""  # the site path of a local image: the search page asks no other host
    image_alt: str = ""


_RECORD_FIELDS = [item.name for item in fields(SearchRecord)]  # for shard keys: a third cheaper than asdict


@dataclass(slots=True)
class FilterChoice:
    """One option of a filter on the search page."""

    value: str
    label: str
    count: int


def build_search(site: Site, bodies: Bodies) -> list[Output]:
    """The search page and its index, or nothing when ssg.toml says `search = false`.

    Records are made from the text the body stage keeps (cached with each body), not from pages."""
    if not site.config.search:
        return []
    check_search_urls(site.posts + site.pages)
    records = [make_record(document, bodies.by_url[document.url].text,
                           site.taxonomies.of_post.get(document.url, PostTerms()))
               for document in site.posts + site.pages]
    return search_outputs(site.config, records, filter_labels(site.taxonomies))


def search_outputs(config: Config, records: list[SearchRecord], labels: dict[str, dict[str, str]]) -> list[Output]:
    """The search page and index files for these records; shards whose records are cached are not indexed again."""
    scripts, folders = index_shards(config, plan_shards(records))
    outputs = [render_search_page(config, records, labels, [folder.name for folder in folders])]
    if scripts:  # in the newest shard's folder; the older shards are merged into it in the browser
        outputs += folder_outputs(scripts, urls.search_shard_url(0))
    for number, folder in enumerate(folders):
        outputs += folder_outputs(folder, urls.search_shard_url(number))
    return outputs


def check_search_urls(documents: list[Post]) -> None:
    """The index's folder is the search's own (the search page is claimed with every other route)."""
    for document in documents:
        if document.url.startswith(urls.SEARCH_INDEX):
            raise SsgError(f"this file's url {document.url} is inside the search index's folder "
                           f"{urls.SEARCH_INDEX}; change its 'url', or set search = false in ssg.toml",
                           document.source)


def make_record(post: Post, text: str, terms: PostTerms) -> SearchRecord:
    """A post as plain text (its body's words, from ssg.bodies) and metadata; nothing in it is trusted as markup."""
    image, image_alt = local_image(post.image)
    return SearchRecord(
        url=urls.href("/", post.url),
        title=post.title,
        text=text,
        date=format_date(post.date),
        sort_date=post.date.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if post.date else "",
        year=f"{post.date:%Y}" if post.date else "",
        author=terms.author.name if terms.author else post.author or "",
        author_slug=terms.author.slug if terms.author else "",
        categories=list(dict.fromkeys(slug_path(term) for category in terms.categories
                                      for term in [*category.ancestors, category])),
        tags=list(dict.fromkeys(tag.slug for tag in terms.tags)),
        image=image,
        image_alt=image_alt,
    )


def slug_path(term: Term) -> str:
    """A category's filter value, unique where names are not: 'travel/coast'."""
    return "/".join(t.slug for t in [*term.ancestors, term])


def filter_labels(taxonomies: Taxonomies) -> dict[str, dict[str, str]]:
    """What the search page shows for each filter value: names, and a category's whole path."""
    return {
        "category": {slug_path(t): " › ".join(a.name for a in [*t.ancestors, t]) for t in taxonomies.categories},
        "tag": {tag.slug: tag.name for tag in taxonomies.tags},
        "author": {author.slug: author.name for author in taxonomies.authors},
    }


def local_image(image: Image | None) -> tuple[str, str]:
    """The featured image as (site path, alt text) when the archive itself serves it."""
    if image is None or not image.src.startswith("/") or image.src.startswith("//"):
        return "", ""
    return urls.href("/", image.src), image.alt


def plan_shards(records: list[SearchRecord]) -> list[list[SearchRecord]]:
    """Date-ordered shards, newest first; cut from the oldest so that new posts change only the newest."""
    ordered = sorted(records, key=lambda record: (record.sort_date, record.url))
    size = max(shard_size(ordered), -(-len(ordered) // MAX_SHARDS))
    return [ordered[start:start + size] for start in range(0, len(ordered), size)][::-1]


def shard_size(records: list[SearchRecord]) -> int:
    """Posts per shard for this archive's average post length, in hundreds so that edits rarely move it."""
    words = sum(record.text.count(" ") + 1 for record in records) or 1
    return max(100, int(WORDS_PER_SHARD * max(len(records), 1) / words) // 100 * 100)


def shard_key(records: list[SearchRecord], language: str) -> str:
    """A name for a shard's index that changes whenever anything Pagefind would be given changes."""
    digest = hashlib.sha256(json.dumps([CACHE_FORMAT, pagefind_version(), language]).encode())
    for record in records:
        digest.update(json.dumps([getattr(record, name) for name in _RECORD_FIELDS], ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:20]


def pagefind_version() -> str:
    for distribution in ("pagefind_bin", "pagefind_bin_extended", "pagefind"):
        try:
            return f"{distribution} {metadata.version(distribution)}"
        except metadata.PackageNotFoundError:
            continue
    return "unknown"


def index_language(config: Config) -> str:
    """Pagefind's language code (ISO 639-1) for the site's `language`: its stemmer and its wasm."""
    return config.language.split("-")[0].lower() or "en"


def index_shards(config: Config, shards: list[list[SearchRecord]]) -> tuple[Path | None, list[Path]]:
    """Pagefind's scripts and the index folder of every shard, indexing only the shards not cached yet."""
    cache = config.cache_dir / "search"
    language = index_language(config)
    folders = [cache / shard_key(shard, language) for shard in shards]
    scripts = cache / f"scripts-{shard_key([], language)}" if shards else None
    missing = [(shard, folder) for shard, folder in zip(shards, folders) if not folder.is_dir()]
    if missing or scripts and not scripts.is_dir():
        find_pagefind()
        cache.mkdir(parents=True, exist_ok=True)
        log.info("indexing %d posts for search in %d shard(s)", sum(len(shard) for shard, _ in missing),
                 len(missing))
        run_coroutine(_index_all(missing, language, scripts))
    else:
        log.info("search index unchanged: nothing to index")
    for stale in sorted(cache.iterdir()) if cache.is_dir() else []:
        if stale not in folders and stale != scripts:
            shutil.rmtree(stale, ignore_errors=True)
    return scripts, folders


def run_coroutine(coroutine: Coroutine) -> None:
    """asyncio.run, also from a thread whose event loop is already running (a preview server, a test browser)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)  # the usual case: Ctrl-C cancels the indexing cleanly
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def find_pagefind() -> Path:
    """The Pagefind binary, or a one-line error that says how to install it."""
    try:
        binary = get_executable() if get_executable else None
    except (OSError, ImportError):
        binary = None
    if binary is None or not Path(binary).is_file():
        raise SsgError(f"search needs the Pagefind binary, which is missing: install it with "
                       f"`{INSTALL_HINT}`, or set search = false in ssg.toml")
    return Path(binary)


async def _index_all(jobs: list[tuple[list[SearchRecord], Path]], language: str, scripts: Path | None) -> None:
    slots = asyncio.Semaphore(PARALLEL)

    async def index_one(records: list[SearchRecord], folder: Path) -> None:
        async with slots:
            await _index_shard(records, language, folder)

    if scripts and not scripts.is_dir():
        await _fetch_scripts(language, scripts)
    await asyncio.gather(*(index_one(records, folder) for records, folder in jobs))


async def _index_shard(records: list[SearchRecord], language: str, folder: Path) -> None:
    """Index one shard with its own Pagefind process; the folder it wrote becomes `folder` once whole."""
    staging = folder.with_name(f"{folder.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        service = await _PagefindService().launch()
        try:
            index = await service.create_index({"force_language": language})
            # All records at once: a round trip per record costs more than indexing it. Pagefind's
            # service handles requests in the order they arrive, so page order (and the output) holds.
            await asyncio.gather(*(add_record(index, record, language) for record in records))
            await index.write_files(str(staging))  # measured a third faster than get_files
            files = await read_when_written(staging)
        finally:
            await service.close()  # which also ends any write of Pagefind's UI files still under way
        # Kept where Pagefind wrote them: copying every fragment into another folder cost 0.15 ms a post.
        rewrite_in_place(staging, files, canonical_index(files))
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


async def _fetch_scripts(language: str, folder: Path) -> None:
    """The search script, its worker and the wasm for `language`: the same for every index of a Pagefind version."""
    service = await _PagefindService().launch()
    try:
        index = await service.create_index({"force_language": language})
        await index.add_custom_record(url="/", content="search", language=language)
        files = {file["path"]: file["content"] for file in await index.get_files()}
    finally:
        await service.close()
    wasm = {f"wasm.{entry['wasm'] or 'unknown'}.pagefind"
            for entry in json.loads(files["pagefind-entry.json"])["languages"].values()}
    store_files({name: content for name, content in files.items() if name in _SCRIPTS or name in wasm}, folder)


async def read_when_written(folder: Path) -> dict[str, bytes]:
    """The index files Pagefind wrote, once all have landed: its service answers before its writes finish."""
    for _ in range(WRITE_CHECKS):
        files = read_index_files(folder)
        if files is not None:
            return files
        await asyncio.sleep(0.02)
    raise SsgError("Pagefind's index files did not all arrive; build again, and report it if it persists", folder)


def read_index_files(folder: Path) -> dict[str, bytes] | None:
    """Every index file (all gzip'd, but the entry's JSON) if each is whole, else None."""
    files = {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
             if path.is_file() and is_index_file(path.relative_to(folder).as_posix())}
    try:
        json.loads(files["pagefind-entry.json"])
        for name, content in files.items():
            if name != "pagefind-entry.json":
                gzip.decompress(content)
    except (KeyError, ValueError, EOFError, gzip.BadGzipFile, zlib.error):  # empty, or cut short
        return None
    return files


def is_index_file(name: str) -> bool:
    """What a shard needs in the browser; Pagefind's own UI and its scripts are left out."""
    path = PurePosixPath(name)
    return name == "pagefind-entry.json" or path.suffix == ".pf_meta" or path.parts[0] in _INDEX_PARTS


async def add_record(index, record: SearchRecord, language: str) -> None:
    try:
        await index.add_custom_record(**pagefind_record(record, language))
    except RuntimeError as error:
        raise SsgError(f"Pagefind could not index the post at {record.url}: {error}") from None


def pagefind_record(record: SearchRecord, language: str) -> dict:
    """The arguments of Pagefind's add_custom_record for one record."""
    meta = {"title": record.title or "(untitled)", "date": record.date, "author": record.author,
            "image": record.image, "image_alt": record.image_alt}
    filters = {"category": record.categories, "tag": record.tags,
               "author": [record.author_slug] if record.author_slug else [], "year": [record.year] if record.year else []}
    return {
        "url": record.url,
        "content": record.text,
        "language": language,
        "meta": {key: value for key, value in meta.items() if value},
        "filters": {key: values for key, values in filters.items() if values},
        "sort": {"date": record.sort_date},
    }


def rewrite_in_place(folder: Path, written: dict[str, bytes], wanted: dict[str, bytes]) -> None:
    """Make `folder`, which holds the `written` files (and others), hold exactly the `wanted` ones,
    writing only the files that differ."""
    for path in sorted(folder.rglob("*"), reverse=True):  # a folder's files before the folder
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif path.relative_to(folder).as_posix() not in wanted:
            path.unlink()
    for name, content in wanted.items():
        if written.get(name) != content:
            target = folder.joinpath(*PurePosixPath(name).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)


def store_files(files: dict[str, bytes], folder: Path) -> None:
    """Write files into a folder of the cache that appears only once it is whole."""
    staging = folder.with_name(f"{folder.name}.storing-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    for name, content in sorted(files.items()):
        target = staging.joinpath(*PurePosixPath(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    staging.rename(folder)


class _PagefindService(PagefindService):  # type: ignore[misc, valid-type]
    """Pagefind's Python service, reading each answer as soon as it arrives.

    The package's reader sleeps 0.1 s before every answer (Pagefind issue #976), which would make
    10,000 posts take 17 minutes, and its 2 MiB line limit is too small for get_files' scripts
    and wasm; this one also fails every waiting call, instead of hanging, if Pagefind stops.
    """

    async def launch(self) -> _PagefindService:
        # As the package's launch, with room for get_files' answer, and Pagefind's stderr kept off the pipe.
        self._backend = await asyncio.create_subprocess_exec(
            self._bin, "--service", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL, limit=ANSWER_LIMIT)
        self._poll_task = self._loop.create_task(self._wait_for_responses())
        return self

    async def _wait_for_responses(self) -> None:
        assert self._backend.stdout is not None
        try:
            while True:
                answer = json.loads(base64.b64decode((await self._backend.stdout.readuntil(b","))[:-1]))
                waiting = self._responses.pop(answer.get("message_id"), None)
                if waiting is None or waiting.done():
                    continue
                payload = answer["payload"]
                if payload["type"] == "Error":
                    waiting.set_exception(RuntimeError(payload["message"]))
                else:
                    waiting.set_result(payload)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, KeyError) as error:
            for waiting in self._responses.values():
                if not waiting.done():
                    waiting.set_exception(RuntimeError(f"Pagefind stopped answering ({error})"))
            self._responses.clear()


def folder_outputs(folder: Path, url: str) -> list[Output]:
    """The files of a cached folder, placed at a site folder's URL (copied when they change)."""
    target = urls.output_path(url).parent
    return [Output(target / PurePosixPath(path.relative_to(folder).as_posix()), source=path)
            for path in sorted(folder.rglob("*")) if path.is_file()]


def render_search_page(config: Config, records: list[SearchRecord], labels: dict[str, dict[str, str]],
                       shard_keys: list[str]) -> Output:
    """The search page: the form, the filters with every choice the index has, and where the shards are."""
    return render_page(make_environment(config), urls.SEARCH_PAGE, "search.html", {
        "index_url": urls.SEARCH_INDEX,
        "shard_keys": shard_keys,
        "filters": [
            ("category", "Category", choices((c for r in records for c in r.categories), labels["category"])),
            ("tag", "Tag", choices((t for r in records for t in r.tags), labels["tag"], limit=TAG_CHOICES)),
            ("author", "Author", choices((r.author_slug for r in records if r.author_slug), labels["author"])),
            ("year", "Year", choices((r.year for r in records if r.year), {}, newest_first=True)),
        ],
    })


def choices(values, labels: dict[str, str], limit: int | None = None, newest_first: bool = False) -> list[FilterChoice]:
    """The options of one filter, with how many posts each has, in the order of their labels."""
    counts = Counter(values)
    kept = [value for value, _ in counts.most_common(limit)] if limit else list(counts)
    shown = {value: labels.get(value, value) for value in kept}
    kept.sort(key=lambda value: (shown[value].casefold(), value), reverse=newest_first)
    return [FilterChoice(value, shown[value], counts[value]) for value in kept]
