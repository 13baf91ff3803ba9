"""Resolve stage: the one paginator every list of the archive (home, terms, dates) goes through."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Sequence, TypeVar

from ssg import urls

Item = TypeVar("Item")


@dataclass(slots=True)
class Pager(Generic[Item]):
    """One page of a list: its items, its URL and its neighbours' URLs."""

    number: int
    total: int
    url: str
    items: Sequence[Item]
    previous_url: str | None
    next_url: str | None


def paginate(items: Sequence[Item], per_page: int, first_url: str) -> list[Pager[Item]]:
    """Split items into pages at WordPress-style URLs; an empty list still has its first page."""
    total = max(1, -(-len(items) // per_page))
    pagers = []
    for number in range(1, total + 1):
        pagers.append(Pager(
            number=number,
            total=total,
            url=urls.page_url(first_url, number),
            items=items[(number - 1) * per_page: number * per_page],
            previous_url=urls.page_url(first_url, number - 1) if number > 1 else None,
            next_url=urls.page_url(first_url, number + 1) if number < total else None,
        ))
    return pagers
