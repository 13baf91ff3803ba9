"""Import: a post's approved comments as front matter, in thread order (each reply after its parent)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ssg.wordpress.dates import parse_rest_date, with_offset
from ssg.wordpress.html import html_to_markdown
from ssg.wordpress.read import as_int, text_of


def thread_comments(comments: dict[int, dict[str, Any]], site_offset: timedelta | None) -> list[dict[str, Any]]:
    """Comments depth first: top-level ones by date, each followed by its replies, also by date."""
    if not comments:
        return []
    children: dict[int, list[dict[str, Any]]] = {}
    for comment in comments.values():
        parent = as_int(comment.get("parent")) or 0
        if parent not in comments:
            parent = 0  # a reply whose parent is missing is kept, at the top level
        children.setdefault(parent, []).append(comment)
    for replies in children.values():
        replies.sort(key=lambda comment: (str(comment.get("date_gmt") or comment.get("date") or ""), comment["id"]))
    ordered: list[dict[str, Any]] = []
    stack = list(reversed(children.get(0, [])))
    seen: set[int] = set()
    while stack:  # not recursive: a thread can be deep
        comment = stack.pop()
        if comment["id"] in seen:
            continue
        seen.add(comment["id"])
        ordered.append(_entry(comment, comments, site_offset))
        stack.extend(reversed(children.get(comment["id"], [])))
    return ordered


def _entry(comment: dict[str, Any], comments: dict[int, Any], site_offset: timedelta | None) -> dict[str, Any]:
    parent = as_int(comment.get("parent")) or 0
    entry: dict[str, Any] = {"id": comment["id"], "parent": parent if parent in comments else 0,
                             "author": text_of(comment.get("author_name")) or "Anonymous"}
    author_url = text_of(comment.get("author_url"))
    if author_url:
        entry["author_url"] = author_url
    date = with_offset(parse_rest_date(comment.get("date")), comment.get("date_gmt"), site_offset)
    if date is not None:
        entry["date"] = date.isoformat()
    if comment.get("type") in ("pingback", "trackback"):
        entry["type"] = comment["type"]
    entry["body"] = html_to_markdown(text_of(comment.get("content"))).markdown.strip()
    return entry
