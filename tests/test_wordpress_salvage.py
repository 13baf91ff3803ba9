"""Damaged input: each kind of damage is salvaged, marked `salvaged: true` with notes, and reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssg import frontmatter
from ssg.config import load_config
from ssg.wordpress.salvage import NotJson, parse_json
from ssg.wordpress.write import import_sources

GOOD = {"id": 7, "date": "2021-03-04T05:06:07", "date_gmt": "2021-03-04T05:06:07", "slug": "kept",
        "status": "publish", "type": "post", "link": "https://example.org/2021/03/kept/",
        "title": {"rendered": "Kept title"}, "content": {"rendered": "<p>First paragraph.</p><p>Second one.</p>"},
        "excerpt": {"rendered": ""}, "author": 0, "featured_media": 0, "categories": [], "tags": []}


def import_bytes(site: Path, raw: bytes, tmp_path: Path):
    source = tmp_path / "damaged.json"
    source.write_bytes(raw)
    report = import_sources(load_config(site), [source])
    posts = [p for p in (site / "content").rglob("*.md") if "_sources" not in p.parts]
    return report, [(frontmatter.split(p.read_text(encoding="utf-8"), p), p) for p in posts]


def damaged(**changes) -> dict:
    data = dict(GOOD)
    for key, value in changes.items():
        if value is ...:
            data.pop(key)
        else:
            data[key] = value
    return data


CASES = [
    ("truncated", json.dumps(GOOD).encode()[:-60], "is truncated"),
    ("raw control characters", json.dumps(GOOD).replace("First paragraph.", "First\nparagraph.\t").encode(),
     "raw control characters"),
    ("byte-order mark", b"\xef\xbb\xbf" + json.dumps(GOOD).encode(), "byte-order mark"),
    ("cp1252 bytes", json.dumps(GOOD, ensure_ascii=False).replace("Kept title", "Kept \u2019title\u2019").encode("cp1252"),
     "Windows-1252"),
    ("trailing garbage", json.dumps(GOOD).encode() + b"\n<html>502 Bad Gateway</html>", "trailing garbage"),
    ("NaN", json.dumps(damaged(featured_media=float("nan"))).encode(), "NaN"),
    ("title as a string", json.dumps(damaged(title="Kept title")).encode(), "title is plain text"),
    ("categories as a string", json.dumps(damaged(categories="3,4")).encode(), "categories is str"),
    ("date that is not a date", json.dumps(damaged(date="yesterday")).encode(), "date is not a date"),
    ("missing slug", json.dumps(damaged(slug=...)).encode(), "no slug"),
    ("missing date", json.dumps(damaged(date=..., date_gmt=...)).encode(), "used the date in its link"),
]


@pytest.mark.parametrize(("raw", "note"), [pytest.param(raw, note, id=name) for name, raw, note in CASES])
def test_damage_is_salvaged_marked_and_reported(new_site, tmp_path, raw, note):
    report, posts = import_bytes(new_site, raw, tmp_path)
    assert len(posts) == 1
    (meta, body), path = posts[0]
    assert meta["salvaged"] is True and any(note in line for line in meta["salvage_notes"]), meta["salvage_notes"]
    assert report.salvaged == [(path, meta["salvage_notes"])]
    assert "Kept" in meta["title"] and meta["slug"] == "kept" and meta["url"] == "/2021/03/kept/"
    assert meta["date"].startswith("2021-03") and meta["wordpress"]["id"] == 7
    assert "First" in body


def test_cp1252_text_is_decoded(new_site, tmp_path):
    raw = json.dumps(GOOD, ensure_ascii=False).replace("Kept title", "Kept \u2019title\u2019").encode("cp1252")
    _, posts = import_bytes(new_site, raw, tmp_path)
    assert posts[0][0][0]["title"] == "Kept \u2019title\u2019"


def test_categories_given_as_a_string_are_still_read(new_site, tmp_path):
    _, posts = import_bytes(new_site, json.dumps(damaged(categories="3,4")).encode(), tmp_path)
    assert posts[0][0][0]["categories"] == [3, 4]


def test_a_record_without_any_date_stays_a_draft(new_site, tmp_path):
    raw = json.dumps(damaged(date=..., date_gmt=..., link="https://example.org/kept/")).encode()
    _, posts = import_bytes(new_site, raw, tmp_path)
    (meta, _), path = posts[0]
    assert meta["draft"] is True and "date" not in meta and path.parent.name == "undated"


def test_deeply_nested_json_is_skipped_not_crashed(new_site, tmp_path):
    report, posts = import_bytes(new_site, b"[" * 100_000 + b"]" * 100_000, tmp_path)
    assert posts == [] and "nested too deeply" in report.skipped_files[0][1]


def test_a_truncated_ten_megabyte_post_is_salvaged(new_site, tmp_path):
    big = damaged(content={"rendered": "<p>" + "word " * 2_000_000 + "</p>"})
    report, posts = import_bytes(new_site, json.dumps(big).encode()[:9_000_000], tmp_path)
    (meta, body), _ = posts[0]
    assert meta["salvaged"] is True and body.count("word") > 1_000_000


def test_not_json_at_all_raises_not_json():
    for raw in (b"", b"   ", b"<!DOCTYPE html><html></html>", b"\x00\x01binary"):
        with pytest.raises(NotJson):
            parse_json(raw)
