"""Split and dump YAML front matter: the one format shared by import (writes) and build (reads)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import ScalarNode

from ssg.errors import SsgError

# Known keys are written in this order, so the same post always gives the same bytes.
KEY_ORDER = (
    "title", "date", "updated", "slug", "url", "kind", "draft", "author", "categories", "tags",
    "summary", "image", "aliases", "sticky", "format", "comment_status", "template", "salvaged",
    "salvage_notes", "wordpress", "comments",
)

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _without_timestamps(resolvers: dict) -> dict:
    # Dates stay strings in YAML; content.py parses them with their offset. PyYAML's own timestamp
    # type drops offsets on some versions and turns bare dates into `date` objects.
    return {
        first: [(tag, regexp) for tag, regexp in entries if tag != "tag:yaml.org,2002:timestamp"]
        for first, entries in resolvers.items()
    }


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    yaml_implicit_resolvers = _without_timestamps(_BaseLoader.yaml_implicit_resolvers)


_STR_TAG = "tag:yaml.org,2002:str"


class _Dumper(_BaseDumper):  # type: ignore[misc,valid-type]
    yaml_implicit_resolvers = _without_timestamps(_BaseDumper.yaml_implicit_resolvers)

    # Front matter is mostly strings. PyYAML's generic dispatch for each value, and its implicit
    # type patterns tried for each scalar, cost more than libyaml's writing: these shortcuts give
    # the same nodes and tags (so the same bytes) for strings, and defer to PyYAML otherwise.
    def represent_data(self, data: Any) -> Any:
        if type(data) is str:
            return ScalarNode(_STR_TAG, data, style=self.default_style)
        return super().represent_data(data)

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        # Implicit types are found by a value's first character: with none to try, it is a string.
        resolvers = self.yaml_implicit_resolvers
        if kind is ScalarNode and not self.yaml_path_resolvers and None not in resolvers \
                and (not implicit[0] or (value and value[0] not in resolvers)):
            return self.DEFAULT_SCALAR_TAG
        return super().resolve(kind, value, implicit)


_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")


def split(text: str, path: Path | str) -> tuple[dict[str, Any], str]:
    """Return (front matter, body) of a Markdown file; errors name the file and line."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise SsgError(
            "no front matter: start the file with a '---' line, then YAML (title: ..., date: ...), "
            "then another '---' line", path, 1)
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]):
            break
    else:
        raise SsgError("front matter opened on line 1 is never closed: add a '---' line after it",
                       path, 1)
    meta = load_yaml("\n".join(lines[1:index]), path, "front matter", first_line=2)
    if not isinstance(meta, dict):
        raise SsgError("front matter must be YAML keys and values (title: ...), not a "
                       f"{type(meta).__name__}", path, 2)
    body = "\n".join(lines[index + 1:])
    return meta, body


def load_yaml(text: str, path: Path | str, what: str = "file", first_line: int = 1) -> Any:
    """Parse YAML (dates stay strings); an error names the file and the line (counted from first_line)."""
    try:
        return yaml.load(text, Loader=_Loader) if text.strip() else {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark is not None else first_line
        problem = error.problem or error.context or "invalid YAML"
        raise SsgError(f"{what} is not valid YAML: {problem}", path, line) from None
    except yaml.YAMLError as error:
        raise SsgError(f"{what} is not valid YAML: {error}", path, first_line) from None


def key_line(text: str, key: str) -> int | None:
    """The line number of a top-level front-matter key, for error messages."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith(f"{key}:"):
            return number
        if number > 1 and _FENCE.match(line):
            return None
    return None


def dump(meta: dict[str, Any], body: str) -> str:
    """Front matter (known keys first, in a fixed order) and body as one Markdown file."""
    ordered = {key: meta[key] for key in KEY_ORDER if key in meta}
    ordered.update((key, value) for key, value in meta.items() if key not in ordered)
    yaml_text = yaml.dump(ordered, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                          default_flow_style=False, width=4096)
    body = body.replace("\r\n", "\n")
    if body and not body.endswith("\n"):
        body += "\n"
    return f"---\n{yaml_text}---\n{body}"
