"""Import: read every source, plan one file per record, convert (in parallel for big dumps) and write.

Two passes keep memory flat: the first reads each file for what posts refer to (terms, users,
media, comments) and a bodiless summary of each post; the second reads each file again and
converts its posts, a file at a time, writing as results arrive.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import logging
import multiprocessing
import re
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import yaml

from ssg import frontmatter, urls
from ssg.config import Config
from ssg.data import DATA_DIR, SITE_NAME, TERMS_NAME
from ssg.errors import SsgError
from ssg.output import write_file
from ssg.parallel import default_jobs, for_each_chunk, quiet_worker
from ssg.wordpress.map import Summary, map_record, summarize
from ssg.wordpress.read import (
    POST_LIKE, Registry, add_embedded, add_to_registry, find_source_files, kind_of, records_of,
)
from ssg.wordpress.media import load_media_map, localize_record
from ssg.wordpress.salvage import NotJson, parse_json
from ssg.wordpress.terms import term_labels, terms_registry

log = logging.getLogger(__name__)

SOURCES_DIR = "_sources"
MANIFEST_NAME = "imported.json"
MAX_NAME_LENGTH = 120  # bytes; leaves room for a suffix and ".md" under every file system's 255
PARALLEL_FROM = 400  # records; below this, starting worker processes costs more than it saves
PARALLEL_READ_FROM = 4_000_000  # bytes of JSON (some 600 posts); below this, one process reads them sooner
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_TOP_FOLDERS = {"posts", "pages", "media", "static"}  # a custom post type must not land in these

_NOT_IMPORTED = ("other", "error", "revision", "internal")

Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class ImportReport:
    """What an import did, for its summary."""

    files_read: int = 0
    written: Counter[str] = field(default_factory=Counter)  # files written, by kind: post, page, other
    unchanged: list[Path] = field(default_factory=list)
    kept_edited: list[Path] = field(default_factory=list)
    salvaged: list[tuple[Path, list[str]]] = field(default_factory=list)
    notes: list[tuple[Path, list[str]]] = field(default_factory=list)  # e.g. a plugin's shortcode dropped
    skipped_files: list[tuple[Path, str]] = field(default_factory=list)
    renamed: list[tuple[Path, str]] = field(default_factory=list)
    unresolved: Counter[str] = field(default_factory=Counter)  # "category 12" -> posts referring to it
    registry: Counter[str] = field(default_factory=Counter)  # categories, tags, users, media, comments read
    duplicates: int = 0  # the same record found in more than one file (kept once)


@dataclass(slots=True)
class Planned:
    """A post record found in the first pass, and the file it will become."""

    summary: Summary
    file_index: int
    position: int
    target: PurePosixPath = PurePosixPath()


def import_sources(config: Config, sources: list[Path], force: bool = False,
                   progress: Progress | None = None, jobs: int | None = None) -> ImportReport:
    """Import every record of every source file (or folder) into the site's content/ folder."""
    report = ImportReport()
    content = config.content_dir
    files = find_source_files(sources)
    registry, planned = gather(files, content / SOURCES_DIR, report, progress, jobs)
    plan_files(planned, report)
    manifest_path = content / SOURCES_DIR / MANIFEST_NAME
    manifest = read_manifest(manifest_path)
    remember_moves(planned, manifest, content, force, report)

    folders: dict[Path, bool] = {}

    def write(relative: PurePosixPath, text: str) -> tuple[Path, bool]:
        return write_generated(content, relative, text, manifest.files, force, report, folders)

    done = 0
    for items, results in convert_all(files, planned, registry, jobs):
        for item, (text, problems, unresolved, notes) in zip(items, results):
            target, written = write(item.target, text)
            if written:
                report.written[item.summary.kind if item.summary.kind in ("post", "page") else "other"] += 1
            if problems:
                report.salvaged.append((target, problems))
            if notes:
                report.notes.append((target, notes))
            report.unresolved.update(unresolved)
            done += 1
        if progress:
            progress("Converting", done, len(planned))
    if registry.categories or registry.tags or registry.authors:
        write(PurePosixPath(DATA_DIR, TERMS_NAME), _yaml(terms_registry(registry)))
    site = site_info(registry, planned)
    if site:
        write(PurePosixPath(DATA_DIR, SITE_NAME), _yaml(site))
    if planned or manifest.files:
        manifest_path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"files": dict(sorted(manifest.files.items())),
                           "records": dict(sorted(manifest.records.items()))}, indent=1, ensure_ascii=False) + "\n"
        if not manifest_path.exists() or manifest_path.read_text(encoding="utf-8") != text:
            manifest_path.write_text(text, encoding="utf-8")
    report.salvaged.sort(key=lambda item: str(item[0]))
    report.notes.sort(key=lambda item: str(item[0]))
    return report


# --- first pass ---

def gather(files: list[Path], sources_dir: Path, report: ImportReport, progress: Progress | None,
           jobs: int | None = None) -> tuple[Registry, list[Planned]]:
    """Read every file once: fill the registry, summarise each post record, keep the raw file.

    Big dumps are parsed and summarised in worker processes; what they find is filed here in the
    files' order, so the registry and the plan do not depend on who read what.
    """
    # Files kept by `--media download` replace their old URLs in every record, before anything reads them.
    registry = Registry(local_files=load_media_map(sources_dir.parent))
    found: dict[tuple[Any, ...], Planned] = {}

    def take(reads: list[SourceRead]) -> None:
        for read in reads:
            index, source = report.files_read, files[report.files_read]
            report.files_read += 1
            if progress:
                progress("Reading", index + 1, len(files))
            why = read.skipped
            if not why:
                try:
                    keep_source(read.raw if read.raw is not None else source.read_bytes(), source, sources_dir)
                except OSError as error:  # gone since a worker read it
                    why = f"cannot be read: {error.strerror}"
            if why:
                report.skipped_files.append((source, why))
                continue
            for position, kind, value in read.entries:
                if kind == POST_LIKE:
                    summary, embedded = value
                    if embedded is not None:
                        add_embedded(registry, embedded)
                    planned = Planned(summary, index, position)
                    key = (summary.kind, summary.id) if summary.id is not None else (summary.kind, summary.url, index, position)
                    if key in found:
                        report.duplicates += 1
                        planned = max(found[key], planned, key=_completeness)
                    found[key] = planned
                else:
                    add_to_registry(registry, kind, value)
                    report.registry[kind] += 1

    read_jobs = min(jobs or default_jobs(), len(files)) if _total_size(files) >= PARALLEL_READ_FROM else 1
    read = functools.partial(_read_sources, local_files=registry.local_files, keep_raw=read_jobs <= 1)
    for_each_chunk(read, files, take, read_jobs, min_per_worker=1)
    registry.labels = {"categories": term_labels(registry.categories), "tags": term_labels(registry.tags)}
    return registry, list(found.values())


@dataclass(slots=True)
class SourceRead:
    """What the first pass finds in one file: why it is skipped, or its records in the file's order."""

    skipped: str = ""
    raw: bytes | None = None  # the file's bytes, when read in this process (a worker sends no copy back)
    # (position, kind, value): for a post, its Summary and what add_embedded reads; else the record itself
    entries: list[tuple[int, str, Any]] = field(default_factory=list)


def _read_sources(files: list[Path], local_files: dict[tuple[str, str], str], keep_raw: bool) -> list[SourceRead]:
    return [read_source(source, local_files, keep_raw) for source in files]


def read_source(source: Path, local_files: dict[tuple[str, str], str], keep_raw: bool = True) -> SourceRead:
    """Parse one file and summarise its records; needs nothing from other files, so it runs anywhere."""
    try:
        raw = source.read_bytes()
        salvaged = parse_json(raw)
    except NotJson as error:
        return SourceRead(skipped=str(error))
    except OSError as error:
        return SourceRead(skipped=f"cannot be read: {error.strerror}")
    records = [localize_record(record, local_files) for record in records_of(salvaged.data)]
    kinds = [kind_of(record) for record in records]
    if not any(kind not in _NOT_IMPORTED for kind in kinds):
        errors = [record.get("code") for record, kind in zip(records, kinds) if kind == "error"]
        return SourceRead(skipped=f"a WordPress error response ({errors[0]})" if errors else
                          "it holds no posts, pages, terms, users, media or comments")
    entries: list[tuple[int, str, Any]] = []
    for position, (record, kind) in enumerate(zip(records, kinds)):
        if kind == POST_LIKE:
            embedded = record.get("_embedded")
            stub = {"id": record.get("id"), "_embedded": embedded} if isinstance(embedded, dict) else None
            entries.append((position, kind, (summarize(record), stub)))
        elif kind != "other":
            entries.append((position, kind, record))
    return SourceRead(raw=raw if keep_raw else None, entries=entries)


def _total_size(files: list[Path]) -> int:
    total = 0
    for source in files:
        try:
            total += source.stat().st_size
        except OSError:
            pass
    return total


def _completeness(planned: Planned) -> tuple[Any, ...]:
    # Of two copies of a record, keep the undamaged one, then the one with _embedded, then the newer.
    summary = planned.summary
    return (not summary.problems, summary.has_embedded, summary.modified, -planned.file_index, -planned.position)


def keep_source(raw: bytes, source: Path, sources_dir: Path) -> Path:
    """Keep the raw file under content/_sources/ byte for byte, so a better converter can run again."""
    resolved = source.resolve()
    if resolved.is_relative_to(sources_dir.resolve()):
        return resolved  # a crawl saved it here already
    target = sources_dir / safe_file_name(source.name, keep_suffix=True)
    if target.exists() and target.read_bytes() != raw:  # another file of the same name
        target = target.with_name(f"{target.stem}-{_digest(raw)[:8]}{target.suffix}")
    if not target.exists():
        sources_dir.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)
    return target


# --- where each record goes ---

def plan_files(planned: list[Planned], report: ImportReport) -> None:
    """Give every record its own file under content/ and its own URL; clashes get the record's ID."""
    planned.sort(key=lambda item: (item.summary.kind, item.summary.id is None, item.summary.id or 0,
                                   item.summary.slug, item.file_index, item.position))
    by_id = {(item.summary.kind, item.summary.id): item for item in planned if item.summary.id is not None}
    taken_files: set[str] = set()
    taken_urls: set[str] = set()
    for item in planned:
        summary = item.summary
        target = document_path(summary, by_id)
        suffix = summary.id if summary.id is not None else item.position
        if target.as_posix().casefold() in taken_files:
            clash = target
            target = target.with_name(f"{target.stem}-{suffix}.md")
            report.renamed.append((Path(target), f"another record also has the slug {summary.slug!r} ({clash})"))
        if summary.url in taken_urls:
            old = summary.url
            summary.url = old.rstrip("/") + f"-{suffix}/"
            report.renamed.append((Path(target), f"another record also has the address {old}; this one is at {summary.url}"))
        taken_files.add(target.as_posix().casefold())
        taken_urls.add(summary.url)
        item.target = target


def document_path(summary: Summary, by_id: dict[tuple[str, int], Planned]) -> PurePosixPath:
    """Posts by year and month; pages and hierarchical types nested under their parents."""
    name = safe_file_name(summary.slug) + ".md"
    if summary.kind == "post":
        if summary.date is None:
            return PurePosixPath("posts", "undated", name)
        return PurePosixPath("posts", f"{summary.date:%Y}", f"{summary.date:%m}", name)
    folder = "pages" if summary.kind == "page" else type_folder(summary.kind)
    parents = [ancestor.slug for ancestor in ancestors(summary, by_id)]
    if summary.parent and not parents:  # the parent is not in the dump: its URL still says where it was
        parents = summary.url.strip("/").split("/")[:-1]
    elif parents and not summary.link:  # no link to take the address from: it nests like the file
        summary.url = urls.check_url("/" + "/".join(urls.slugify(part) for part in [*parents, summary.slug]) + "/")
    return PurePosixPath(folder, *(safe_file_name(part) for part in parents), name)


def ancestors(summary: Summary, by_id: dict[tuple[str, int], Planned]) -> list[Summary]:
    """The parent chain of a page, root first; stops at a loop or a parent not in the dump."""
    chain: list[Summary] = []
    parent, seen = summary.parent, {summary.id}
    while parent and (summary.kind, parent) in by_id and parent not in seen and len(chain) < 20:
        seen.add(parent)
        chain.insert(0, by_id[(summary.kind, parent)].summary)
        parent = chain[0].parent
    return chain


def type_folder(kind: str) -> str:
    """The folder of a custom post type: its name, kept clear of ssg's own folders."""
    folder = safe_file_name(kind)
    return f"type-{folder}" if folder.lower() in _TOP_FOLDERS or folder.startswith(("_", ".")) else folder


def safe_file_name(slug: str, keep_suffix: bool = False) -> str:
    """A file name from a slug: unicode kept; separators, control characters and '..' removed."""
    name = _UNSAFE_NAME.sub("-", slug).strip(" .-")
    limit = MAX_NAME_LENGTH if not keep_suffix else 200
    name = name.encode("utf-8")[:limit].decode("utf-8", errors="ignore").rstrip(" .-")
    if not name:
        return "untitled"
    return f"{name}-" if name.split(".")[0].lower() in _RESERVED else name


# --- second pass ---

_REGISTRY: Registry | None = None  # a worker process's copy


def _start_worker(registry: Registry) -> None:
    global _REGISTRY
    quiet_worker()
    _REGISTRY = registry


def convert_file(path: Path, items: list[tuple[int, Summary]],
                 registry: Registry | None = None) -> list[tuple[str, list[str], list[str], list[str]]]:
    """Convert the chosen records of one file: (Markdown, problems, unresolved IDs, notes) for each."""
    registry = registry or _REGISTRY
    assert registry is not None
    salvaged = parse_json(path.read_bytes())
    records = [localize_record(record, registry.local_files) for record in records_of(salvaged.data)]
    results = []
    for position, summary in items:
        document = map_record(records[position], summary, salvaged.problems, registry)
        results.append((frontmatter.dump(document.meta, document.body), document.problems, document.unresolved,
                        document.notes))
    return results


def convert_all(files: list[Path], planned: list[Planned], registry: Registry, jobs: int | None):
    """Yield each file's planned records with their conversions; with many records, in worker processes.

    Workers get only what map_record needs (position and summary) and send back only what they
    made: where each record goes is known here already.
    """
    work: dict[int, list[Planned]] = {}
    for item in sorted(planned, key=lambda item: (item.file_index, item.position)):
        work.setdefault(item.file_index, []).append(item)
    jobs = jobs if jobs is not None else default_jobs()
    if jobs <= 1 or len(planned) < PARALLEL_FROM:
        for index, items in work.items():
            yield items, convert_file(files[index], [(item.position, item.summary) for item in items], registry)
        return
    # Forked workers share the first pass's memory copy-on-write; frozen, the garbage collector in
    # a worker does not walk (and so copy) it. Where fork is missing, workers are spawned.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker,
                                 initargs=(registry,)) as pool:
            pending = []
            for index, items in work.items():  # a bounded window of files in flight keeps memory flat
                chosen = [(item.position, item.summary) for item in items]
                pending.append((items, pool.submit(convert_file, files[index], chosen)))
                if len(pending) >= jobs * 4:
                    items, future = pending.pop(0)
                    yield items, future.result()
            for items, future in pending:
                yield items, future.result()
    finally:
        gc.unfreeze()


# --- writing ---

def write_generated(content: Path, relative: PurePosixPath, text: str, manifest: dict[str, str],
                    force: bool, report: ImportReport, folders: dict[Path, bool]) -> tuple[Path, bool]:
    """Write one generated file unless it is unchanged, or a person edited it since (and not --force)."""
    target = content.joinpath(*relative.parts)
    key = relative.as_posix()
    data = text.encode("utf-8")
    if folder_inside_content(target.parent, content, folders):
        try:  # the usual case, a new file, in one system call: an exclusive create refuses a link too
            write_file(str(target), data, exclusive=True)
            manifest[key] = _digest(data)
            return target, True
        except FileExistsError:
            pass
    if not inside_content(target, content, folders):
        raise AssertionError(f"refusing to write outside content/: {target}")  # safe_file_name prevents it
    if target.exists():
        current = target.read_bytes()
        if current == data:
            report.unchanged.append(target)
            manifest[key] = _digest(current)
            return target, False
        if not force and manifest.get(key) != _digest(current):
            report.kept_edited.append(target)
            return target, False
    target.write_bytes(data)
    manifest[key] = _digest(data)
    return target, True


def inside_content(target: Path, content: Path, folders: dict[Path, bool]) -> bool:
    """True when target, symbolic links followed, lies in content/; its folder is made if missing.

    Each folder is resolved (and made) once per import, not once per file: a file that is not a
    link lies where its folder does.
    """
    if target.is_symlink():
        return target.resolve().is_relative_to(content.resolve())
    return folder_inside_content(target.parent, content, folders)


def folder_inside_content(folder: Path, content: Path, folders: dict[Path, bool]) -> bool:
    """True when the folder, symbolic links followed, lies in content/; made if missing."""
    if folder not in folders:
        folders[folder] = folder.resolve().is_relative_to(content.resolve())
        if folders[folder]:
            folder.mkdir(parents=True, exist_ok=True)
    return folders[folder]


def site_info(registry: Registry, planned: list[Planned]) -> dict[str, Any]:
    """content/_data/site.yml: from the /wp-json/ index when it was imported, else the records' host."""
    site = {key: value for key, value in registry.site.items() if value not in (None, "")}
    if "url" not in site:
        origins = Counter(f"{parts.scheme}://{parts.netloc}" for parts in
                          (urlsplit(item.summary.link) for item in planned) if parts.scheme and parts.netloc)
        if origins:
            site["url"] = min(origins, key=lambda origin: (-origins[origin], origin))
    order = ("name", "description", "url", "gmt_offset", "timezone_string")
    return {key: site[key] for key in order if key in site}


def _yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True,
                     sort_keys=False, default_flow_style=False, width=4096)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(slots=True)
class Manifest:
    """content/_sources/imported.json: what import wrote (to spot edits) and where each record lives."""

    files: dict[str, str] = field(default_factory=dict)  # content-relative path -> sha256 of what was written
    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # "post:123" -> {path, urls}


def read_manifest(path: Path) -> Manifest:
    """The manifest of earlier imports (the first format was a bare {path: digest} map)."""
    if not path.exists():
        return Manifest()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise SsgError("the import manifest is damaged; delete it and import again with --force",
                       path) from None
    if not isinstance(data, dict):
        return Manifest()
    if isinstance(data.get("files"), dict):
        records = data.get("records") if isinstance(data.get("records"), dict) else {}
        return Manifest(files=data["files"], records=records)
    return Manifest(files={key: value for key, value in data.items() if isinstance(value, str)})


def remember_moves(planned: list[Planned], manifest: Manifest, content: Path, force: bool,
                   report: ImportReport) -> None:
    """A record whose link changed since the last import keeps its old URLs as aliases; its old file goes."""
    for item in planned:
        summary = item.summary
        if summary.id is None:
            continue
        key = f"{summary.kind}:{summary.id}"
        before = manifest.records.get(key) or {}
        summary.old_urls = [url for url in before.get("urls", []) if isinstance(url, str) and url != summary.url]
        manifest.records[key] = {"path": item.target.as_posix(), "urls": [summary.url, *summary.old_urls]}
        old_path = before.get("path")
        if isinstance(old_path, str) and old_path != item.target.as_posix():
            old_file = content.joinpath(*PurePosixPath(old_path).parts)
            if not old_file.resolve().is_relative_to(content.resolve()) or not old_file.is_file():
                continue
            if force or manifest.files.get(old_path) == _digest(old_file.read_bytes()):
                old_file.unlink()
                manifest.files.pop(old_path, None)
                report.renamed.append((content / item.target, f"moved from {old_path}: its link changed"))
            else:
                report.kept_edited.append(old_file)
