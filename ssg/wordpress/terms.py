"""Import: category and tag labels for front matter, and the term registry content/_data/terms.yml.

A category is written as its name path ("Parent/Child"); where that path would be ambiguous (two
categories with the same name under the same parent) or holds a "/", the slug path is written
instead, which the builder resolves first. An ID that cannot be resolved stays an integer.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ssg.wordpress.read import Registry, Term

_MAX_DEPTH = 50  # a parent loop in damaged data must not hang the import


def ancestry(terms: dict[int, Term], term: Term) -> list[Term]:
    """The term and its parents, root first; stops at a loop or a parent that is not known."""
    chain = [term]
    seen = {term.id}
    while chain[0].parent and chain[0].parent in terms and chain[0].parent not in seen and len(chain) < _MAX_DEPTH:
        chain.insert(0, terms[chain[0].parent])
        seen.add(chain[0].id)
    return chain


def slug_path(terms: dict[int, Term], term: Term) -> str:
    return "/".join(part.slug for part in ancestry(terms, term))


def term_labels(terms: dict[int, Term]) -> dict[int, str]:
    """Front-matter label of each term: its name path, or its slug path where that is ambiguous."""
    names = {term_id: [part.name for part in ancestry(terms, term)] for term_id, term in terms.items()}
    slugs = {term_id: slug_path(terms, term) for term_id, term in terms.items()}
    name_counts = Counter("/".join(parts).casefold() for parts in names.values())
    slug_paths = {path.casefold() for path in slugs.values()}
    labels = {}
    for term_id, parts in names.items():
        path = "/".join(parts)
        ambiguous = (name_counts[path.casefold()] > 1
                     or any("/" in part or not part.strip() or part != part.strip() for part in parts)
                     or (path.casefold() in slug_paths and path.casefold() != slugs[term_id].casefold()))
        labels[term_id] = slugs[term_id] if ambiguous else path
    return labels


def terms_registry(registry: Registry) -> dict[str, Any]:
    """The content of content/_data/terms.yml: every category, tag and author, sorted by slug."""

    def entry(term: Term, terms: dict[int, Term] | None) -> dict[str, Any]:
        item: dict[str, Any] = {"id": term.id, "slug": term.slug, "name": term.name}
        if terms is not None:
            parent = terms.get(term.parent)
            item["parent"] = parent.slug if parent else None
        item["description"] = term.description
        item["link"] = term.link
        return item

    def ordered(terms: dict[int, Term]) -> list[Term]:
        return sorted(terms.values(), key=lambda term: (term.slug, term.id))

    return {
        "categories": [entry(term, registry.categories) for term in ordered(registry.categories)],
        "tags": [entry(term, None) for term in ordered(registry.tags)],
        "authors": [entry(term, None) for term in ordered(registry.authors)],
    }
