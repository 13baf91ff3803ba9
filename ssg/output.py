"""Write stage: put the rendered files into a fresh folder and swap it in, so no half-built site is ever seen."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from ssg.config import Config
from ssg.errors import SsgError

_MARKER = ".nojekyll"  # every ssg build has it; a folder without it was not built by ssg


class Made(Protocol):
    """An output file to write (ssg.render.Job): its path, and its bytes or the file it copies."""

    path: str
    source: Path | None

    def bytes(self) -> bytes: ...


# Runs a function over a list, in parts, possibly in other processes (ssg.parallel.map_chunks).
Mapper = Callable[[Callable[[Sequence], list], Sequence], list]


@dataclass(slots=True)
class Output:
    """One file of the built site: where it goes (relative to the output folder), and its bytes or
    the file it is a copy of (media and static files are copied, not read into memory)."""

    path: PurePosixPath
    content: bytes = b""
    source: Path | None = None


def check_output_dir(config: Config, out: Path) -> None:
    """Refuse output folders whose replacement would destroy the user's own files."""
    out = out.resolve()
    root = config.root.resolve()
    content = config.content_dir.resolve()
    for protected, name in ((root, "the site folder"), (content, "the content folder")):
        if out == protected or protected.is_relative_to(out):
            raise SsgError(f"the output folder cannot be {name} or contain it; choose another --out", out)
    if out.is_relative_to(content):
        raise SsgError("the output folder cannot be inside content/; choose another --out", out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / _MARKER).exists())):
        raise SsgError(f"refusing to replace this folder: it is not empty and was not built by ssg "
                       f"(no {_MARKER}); choose another --out or empty it", out)


def write_site(outputs: list[Output], out: Path) -> None:
    """Write every output into a temporary sibling of `out`, then swap it into place."""
    write_all([_Known(str(output.path), output) for output in outputs], out, lambda function, items: function(items))


def write_all(files: Sequence[Made], out: Path, mapper: Mapper) -> None:
    """A whole new output folder: every file made into a temporary sibling of `out`, which then replaces it."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.building-{os.getpid()}"
    retired = out.parent / f".{out.name}.old-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        mapper(_writer(staging), files)
        if out.exists():
            out.rename(retired)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not out.exists():
            retired.rename(out)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def update_folder(files: Sequence[Made], stale: Sequence[str], out: Path, mapper: Mapper) -> None:
    """Bring an existing output folder up to date: every changed file is made first (into a
    temporary sibling, so a failure leaves `out` as it was), then each replaces its old version
    atomically, and files no longer produced are removed."""
    out = out.resolve()
    staging = out.parent / f".{out.name}.changes-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        mapper(_writer(staging), files)
        remove_files(out, stale)
        folders = set()
        for made in files:
            target = out / made.path
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            if target.is_dir():  # a folder of old pages gave way to a file of the same name
                shutil.rmtree(target)
            os.replace(staging / made.path, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def remove_files(out: Path, stale: Sequence[str]) -> None:
    """Remove files from the output folder, and the folders they leave empty."""
    emptied = set()
    for path in stale:
        target = out / path
        target.unlink(missing_ok=True)
        emptied.add(target.parent)
    for folder in sorted(emptied, key=lambda folder: len(folder.parts), reverse=True):
        while folder != out and folder.is_relative_to(out):
            try:
                folder.rmdir()  # only when empty
            except OSError:
                break
            folder = folder.parent


def copy_tree(source: Path, target: Path) -> None:
    """A copy of a whole output folder, made of hard links where the file system allows: every later
    write replaces a file (a new one, never the shared one), so the two folders stay independent."""
    staging = target.parent / f".{target.name}.copying-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        shutil.copytree(source, staging, copy_function=_link_or_copy)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


class _Known:
    """An Output, as write_all takes it."""

    def __init__(self, path: str, output: Output) -> None:
        self.path, self.source, self._content = path, output.source, output.content

    def bytes(self) -> bytes:
        return self._content


def _writer(folder: Path) -> Callable[[Sequence[Made]], list]:
    """Writes files into `folder` (in whichever process runs it); returns nothing worth sending back."""
    def write(files: Sequence[Made]) -> list:
        made_folders: set[str] = set()
        for made in files:  # tens of thousands: plain strings, not paths
            parts = [part for part in made.path.split("/") if part not in ("", ".")]
            if made.path.startswith("/") or ".." in parts or not parts:
                raise SsgError(f"refusing to write outside the output folder: {made.path}", folder)
            parent = "/".join([str(folder), *parts[:-1]])
            if parent not in made_folders:
                _make_folder(parent)
                made_folders.add(parent)
            target = f"{parent}/{parts[-1]}"
            if made.source is not None:
                shutil.copyfile(made.source, target)
            else:
                write_file(target, made.bytes())
        return [None] * len(files)
    return write


# A first build (or import) makes tens of thousands of files and folders: these make each with
# the fewest system calls (os.makedirs and open() look at the disk twice more per file).
def _make_folder(path: str) -> None:
    try:
        os.mkdir(path)
    except FileNotFoundError:
        os.makedirs(path, exist_ok=True)
    except FileExistsError:
        if not os.path.isdir(path):
            raise


def write_file(path: str, content: bytes, exclusive: bool = False) -> None:
    """Write a whole file; `exclusive`: only a new one (FileExistsError if anything, a link too, is there)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags, 0o666)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(descriptor, view):]
    finally:
        os.close(descriptor)
