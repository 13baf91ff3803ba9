"""Extra output: make Pagefind's index files the same bytes for the same input.

Pagefind 1.5 writes each filter's values, and the meta file's list of filters, in hash-map order,
which changes from run to run (later Pagefind sorts them). This puts both in name order, renames
the filter files after their new content and points the meta file and pagefind-entry.json at
them. The files are gzip'd CBOR behind a "pagefind_dcd" signature; only what the rewrite needs
of CBOR is here: Pagefind writes definite-length items and plain integers.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import PurePosixPath

SIGNATURE = b"pagefind_dcd"
_META_FILTERS = 3  # MetaIndex: version, pages, index_chunks, filters, sorts, meta_fields


@dataclass(frozen=True, slots=True)
class Raw:
    """A CBOR item this module passes through untouched (floats, simple values, tags)."""

    encoded: bytes


def canonical_index(files: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind's files with filters and their list in name order; other files are unchanged."""
    files = dict(files)
    renamed = {}
    for name in sorted(name for name in files if name.startswith("filter/")):
        filter_name, values = unpack(files.pop(name))
        content = pack([filter_name, sorted(values, key=lambda value: value[0])])
        new_name = hashed_name(PurePosixPath(name).stem, content)
        files[f"filter/{new_name}.pf_filter"] = content
        renamed[PurePosixPath(name).stem] = new_name
    entry = json.loads(files["pagefind-entry.json"])
    for language in entry["languages"].values():
        meta_name = f"pagefind.{language['hash']}.pf_meta"
        meta = unpack(files.pop(meta_name))
        meta[_META_FILTERS] = sorted(([name, renamed.get(hash_, hash_)] for name, hash_ in meta[_META_FILTERS]),
                                     key=lambda item: item[0])
        content = pack(meta)
        language["hash"] = hashed_name(language["hash"], content, length=10)
        files[f"pagefind.{language['hash']}.pf_meta"] = content
    files["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    return files


def hashed_name(old_name: str, content: bytes, length: int = 7) -> str:
    """'en_1b8ea91' -> the same language prefix, and a hash of the new content."""
    language = old_name.rsplit("_", 1)[0]
    return f"{language}_{hashlib.sha256(content).hexdigest()[:length]}"


def unpack(content: bytes):
    """A Pagefind index file as Python lists, strings and integers."""
    data = gzip.decompress(content)
    if not data.startswith(SIGNATURE):
        raise ValueError("not a Pagefind index file")
    item, end = decode(data, len(SIGNATURE))
    if end != len(data):
        raise ValueError("trailing bytes after the CBOR item")
    return item


def pack(item) -> bytes:
    """The inverse of unpack, gzip'd without a timestamp so that the bytes depend only on the item."""
    return gzip.compress(SIGNATURE + encode(item), compresslevel=9, mtime=0)


def decode(data: bytes, at: int):
    """One CBOR item starting at `at`: (item, where the next one starts)."""
    start = at
    major, info = data[at] >> 5, data[at] & 0x1F
    at += 1
    if info < 24:
        argument = info
    elif info <= 27:
        size = 1 << (info - 24)
        argument = int.from_bytes(data[at:at + size], "big")
        at += size
    else:
        raise ValueError(f"unsupported CBOR item at byte {start}")
    if major == 0:
        return argument, at
    if major == 1:
        return -1 - argument, at
    if major in (2, 3):
        chunk = data[at:at + argument]
        return (bytes(chunk) if major == 2 else chunk.decode("utf-8")), at + argument
    if major in (4, 5):
        items = []
        for _ in range(argument * (2 if major == 5 else 1)):
            item, at = decode(data, at)
            items.append(item)
        return (items if major == 4 else dict(zip(items[::2], items[1::2]))), at
    if major == 6:
        _, at = decode(data, at)
    return Raw(bytes(data[start:at])), at


def encode(item) -> bytes:
    """CBOR with the shortest heads, as Pagefind (minicbor) writes it."""
    if isinstance(item, Raw):
        return item.encoded
    if isinstance(item, bool) or item is None:
        raise TypeError(f"cannot encode {item!r}")
    if isinstance(item, int):
        return _head(0, item) if item >= 0 else _head(1, -1 - item)
    if isinstance(item, bytes):
        return _head(2, len(item)) + item
    if isinstance(item, str):
        text = item.encode("utf-8")
        return _head(3, len(text)) + text
    if isinstance(item, list):
        return _head(4, len(item)) + b"".join(encode(element) for element in item)
    if isinstance(item, dict):
        return _head(5, len(item)) + b"".join(encode(key) + encode(value) for key, value in item.items())
    raise TypeError(f"cannot encode {type(item).__name__}")


def _head(major: int, argument: int) -> bytes:
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | info]) + argument.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")
