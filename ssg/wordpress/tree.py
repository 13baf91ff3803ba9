"""Import: small helpers for walking and editing an lxml tree of post HTML, shared by the clean-up passes."""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
from lxml import etree


def walk(root: lxml.html.HtmlElement, visit: Callable[[lxml.html.HtmlElement], bool],
         only: tuple[frozenset[str], frozenset[str]] | None = None) -> None:
    """Visit every element below root in document order, without recursion (posts can nest deeply).

    `visit` returns False when it removed or replaced the element: its children are then skipped,
    as are elements that a visit took out of the tree, and elements a visit added are not visited.
    With `only` (tags, attribute names), only elements with one of those tags or attributes are
    visited: the few a visit can change, rather than a call into Python for every element.
    """
    skipped = set()
    if only is None:
        for element in list(root.iterdescendants(etree.Element)):  # one pass in C, then Python for each
            parent = element.getparent()
            if parent is None or parent in skipped or not visit(element):
                skipped.add(element)
        return
    tags, attributes = only
    chosen = [element for element in root.iterdescendants(etree.Element)
              if element.tag in tags or not attributes.isdisjoint(element.keys())]
    for element in chosen:
        if _still_below(element, root, skipped) and not visit(element):
            skipped.add(element)


def _still_below(element: etree._Element, root: etree._Element, skipped: set[etree._Element]) -> bool:
    for ancestor in element.iterancestors():
        if ancestor is root:
            return True
        if ancestor in skipped:
            return False
    return False  # taken out of the tree by an earlier visit


def remove_keeping_tail(node: etree._Element) -> None:
    """Take a node out of the tree; the text after it stays where it was."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail or ""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)


def has_class(element: lxml.html.HtmlElement, names: set[str]) -> bool:
    """True when the element has one of these classes."""
    return bool(names.intersection((element.get("class") or "").split()))
