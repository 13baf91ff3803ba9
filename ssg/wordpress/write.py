"""Import: read REST files, convert their records and write Markdown and raw sources into content/."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from ssg import frontmatter
from ssg.config import Config
from ssg.errors import SsgError
from ssg.wordpress.map import Document, is_post_record, map_record
from ssg.wordpress.media import load_media_map, localize_record
from ssg.wordpress.salvage import NotJson, parse_json

log = logging.getLogger(__name__)

SOURCES_DIR = "_sources"
MANIFEST_NAME = "imported.json"
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
MAX_NAME_LENGTH = 120


@dataclass(slots=True)
class ImportReport:
    """What an import did, for its summary."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    kept_edited: list[Path] = field(default_factory=list)
    salvaged: list[tuple[Path, list[str]]] = field(default_factory=list)
    skipped_files: list[tuple[Path, str]] = field(default_factory=list)
    renamed: list[tuple[Path, str]] = field(default_factory=list)
    other_records: int = 0
    files_read: int = 0


def find_source_files(sources: list[Path]) -> list[Path]:
    """The JSON files named on the command line, with folders searched recursively."""
    files = []
    for source in sources:
        if source.is_dir():
            files += sorted(p for p in source.rglob("*.json") if p.is_file())
        elif source.is_file():
            files.append(source)
        else:
            raise SsgError("no such file or folder", source)
    return files


def import_sources(config: Config, sources: list[Path], force: bool = False) -> ImportReport:
    """Import every record of every source file into the site's content/ folder."""
    report = ImportReport()
    content = config.content_dir
    sources_dir = content / SOURCES_DIR
    manifest_path = sources_dir / MANIFEST_NAME
    manifest = _read_manifest(manifest_path)
    planned: dict[Path, Document] = {}
    media_map = load_media_map(content)  # files kept by `--media download` replace their old URLs
    for path in find_source_files(sources):
        report.files_read += 1
        try:
            raw = path.read_bytes()
            salvaged = parse_json(raw)
        except NotJson as error:
            report.skipped_files.append((path, str(error)))
            continue
        except OSError as error:
            report.skipped_files.append((path, f"cannot be read: {error.strerror}"))
            continue
        records = salvaged.data if isinstance(salvaged.data, list) else [salvaged.data]
        records = [localize_record(record, media_map) for record in records]
        documents = [map_record(record, salvaged.problems) for record in records if is_post_record(record)]
        report.other_records += len(records) - len(documents)
        keep_source(raw, path, sources_dir)
        for document in documents:
            target = content / document_path(document)
            if target in planned:
                renamed = target.with_name(f"{target.stem}-{document.meta['wordpress'].get('id', len(planned))}.md")
                report.renamed.append((renamed, f"its slug is also used by {planned[target].meta['title']!r}"))
                target = renamed
            planned[target] = document
            if document.problems:
                report.salvaged.append((target, document.problems))

    for target, document in planned.items():
        text = frontmatter.dump(document.meta, document.body)
        key = target.relative_to(content).as_posix()
        if target.exists():
            current = target.read_bytes()
            if current == text.encode("utf-8"):
                report.unchanged.append(target)
                manifest[key] = _digest(current)
                continue
            if not force and manifest.get(key) != _digest(current):
                report.kept_edited.append(target)
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
        manifest[key] = _digest(text.encode("utf-8"))
        report.written.append(target)
    if planned:
        sources_dir.mkdir(parents=True, exist_ok=True)
        manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
    return report


def document_path(document: Document) -> Path:
    """Where a converted record lives under content/: posts by year and month, pages by slug."""
    name = safe_file_name(document.slug) + ".md"
    if document.kind == "post":
        if document.date is None:
            return Path("posts", "undated", name)
        return Path("posts", f"{document.date:%Y}", f"{document.date:%m}", name)
    if document.kind == "page":
        return Path("pages", name)
    return Path(safe_file_name(document.kind), name)


def safe_file_name(slug: str) -> str:
    """A file name from a slug: unicode kept; separators, control characters and '..' removed."""
    name = _UNSAFE_NAME.sub("-", slug).strip(" .-")
    name = name.encode("utf-8")[:MAX_NAME_LENGTH].decode("utf-8", errors="ignore").rstrip(" .-")
    if not name:
        return "untitled"
    return f"{name}-" if name.lower() in _RESERVED else name


def keep_source(raw: bytes, path: Path, sources_dir: Path) -> Path:
    """Keep the raw file under content/_sources/ byte for byte, so a better converter can run again."""
    resolved = path.resolve()
    if resolved.is_relative_to(sources_dir.resolve()):
        return resolved
    sources_dir.mkdir(parents=True, exist_ok=True)
    target = sources_dir / safe_file_name(path.name)
    if target.exists() and target.read_bytes() != raw:
        target = target.with_name(f"{target.stem}-{_digest(raw)[:8]}{target.suffix}")
    if not target.exists():
        target.write_bytes(raw)
    return target


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise SsgError("the import manifest is damaged; delete it and import again with --force",
                       path) from None
    return data if isinstance(data, dict) else {}
