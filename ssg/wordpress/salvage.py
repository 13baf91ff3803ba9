"""Read JSON the way real WordPress dumps arrive: truncated, with raw newlines, BOMs, cp1252 and junk."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import json_repair

_LITERAL_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|/)")


@dataclass(slots=True)
class Salvaged:
    """Parsed JSON and what had to be repaired to get it (empty when the file was clean)."""

    data: Any
    problems: list[str] = field(default_factory=list)


class NotJson(ValueError):
    """Nothing recoverable: the text is not JSON at all (empty, an HTML page, binary)."""


def decode_text(raw: bytes, problems: list[str]) -> str:
    """Bytes -> text: UTF-8 (BOM dropped), or cp1252 when the bytes are not UTF-8."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        problems.append("starts with a byte-order mark")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        problems.append("is not UTF-8; read as Windows-1252")
        return raw.decode("cp1252", errors="replace")


def parse_json(raw: bytes) -> Salvaged:
    """Parse JSON strictly if possible, else repair it and say what was wrong."""
    problems: list[str] = []
    text = decode_text(raw, problems).strip()
    if not text:
        raise NotJson("the file is empty")
    if text[0] not in "{[":
        kind = "an HTML page" if text[:1] == "<" else "not JSON"
        raise NotJson(f"it is {kind}, not a WordPress REST response")
    if "\x00" in text:
        raise NotJson("it holds binary data, not JSON")
    constants: list[str] = []

    def constant(name: str) -> None:
        constants.append(name)  # NaN, Infinity: not JSON; read as missing values
        return None

    def note_constants(salvaged: Salvaged) -> Salvaged:
        if constants:
            salvaged.problems.append(f"has {', '.join(sorted(set(constants)))} values, read as missing")
        return salvaged

    try:
        return note_constants(Salvaged(json.loads(text, parse_constant=constant), problems))
    except json.JSONDecodeError:
        constants.clear()
    except RecursionError:
        raise NotJson("it is nested too deeply to be a WordPress REST response") from None
    decoder = json.JSONDecoder(strict=False, parse_constant=constant)
    try:
        data, end = decoder.raw_decode(text)
    except json.JSONDecodeError:
        pass
    except RecursionError:
        raise NotJson("it is nested too deeply to be a WordPress REST response") from None
    else:
        if _has_raw_control_characters(text[:end]):
            problems.append("has raw control characters inside strings")
        if text[end:].strip():
            problems.append(f"has {len(text) - end} characters of trailing garbage after the JSON")
        return note_constants(Salvaged(data, problems))
    closed = close_truncated(text)
    if closed is not None:
        problems.append("is truncated: the end of the file is missing")
        if _has_raw_control_characters(text):
            problems.append("has raw control characters inside strings")
        return Salvaged(closed, problems)
    try:
        repaired = json_repair.loads(text)
    except RecursionError:
        raise NotJson("it is nested too deeply to be a WordPress REST response") from None
    if not isinstance(repaired, (dict, list)) or not repaired:
        raise NotJson("it is not valid JSON and nothing could be recovered")
    problems.append("is not valid JSON; repaired")
    return Salvaged(_decode_leftover_escapes(repaired), problems)


def _has_raw_control_characters(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return "control character" in error.msg.lower()
    except RecursionError:
        return False
    return False


def close_truncated(text: str) -> Any | None:
    """Parse JSON whose end was cut off by closing what is still open; None if that cannot work.

    Candidates are tried from the longest: the text with its open string and brackets closed,
    then the text cut back to each earlier comma, which drops a half-written member.
    """
    stack: list[str] = []
    cuts: list[tuple[int, str]] = []  # (position of a structural comma, closers needed there)
    in_string = escaped = False
    for position, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]":
            if not stack:
                return None
            stack.pop()
        elif char == ",":
            cuts.append((position, "".join(reversed(stack))))
    if not stack and not in_string:
        return None  # nothing is open: the damage is something else
    candidates = []
    if in_string:
        tail = text[:-1] if escaped else text
        tail = re.sub(r"\\u[0-9a-fA-F]{0,3}$", "", tail)  # a cut-off \uXXXX escape
        candidates.append(tail + '"' + "".join(reversed(stack)))
    else:
        candidates.append(text.rstrip().rstrip(",") + "".join(reversed(stack)))
    candidates += [text[:position] + closers for position, closers in reversed(cuts)]
    decoder = json.JSONDecoder(strict=False)
    for candidate in candidates[:50]:
        try:
            return decoder.decode(candidate)
        except json.JSONDecodeError:
            continue
        except RecursionError:
            return None
    return None


def _decode_leftover_escapes(value: Any) -> Any:
    # json_repair keeps `\/` and `\uXXXX` literally inside strings it had to repair.
    if isinstance(value, str):
        return _LITERAL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else "/", value)
    if isinstance(value, list):
        return [_decode_leftover_escapes(item) for item in value]
    if isinstance(value, dict):
        return {key: _decode_leftover_escapes(item) for key, item in value.items()}
    return value
