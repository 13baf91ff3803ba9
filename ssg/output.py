"""Write stage: put the rendered files into a fresh folder and swap it in, so no half-built site is ever seen."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ssg.config import Config
from ssg.errors import SsgError

_MARKER = ".nojekyll"  # every ssg build has it; a folder without it was not built by ssg


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
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.building-{os.getpid()}"
    retired = out.parent / f".{out.name}.old-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for output in outputs:
            target = staging.joinpath(*output.path.parts)
            if not target.resolve().is_relative_to(staging.resolve()):
                raise SsgError(f"refusing to write outside the output folder: {output.path}", out)
            target.parent.mkdir(parents=True, exist_ok=True)
            if output.source is not None:
                shutil.copyfile(output.source, target)
            else:
                target.write_bytes(output.content)
        if out.exists():
            out.rename(retired)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not out.exists():
            retired.rename(out)
        raise
    shutil.rmtree(retired, ignore_errors=True)
