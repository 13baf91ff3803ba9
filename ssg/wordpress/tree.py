"""Import: small helpers for walking and editing an lxml tree of post HTML, shared by the clean-up passes."""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
from lxml import etree


def walk(root: lxml.html.HtmlElement, visit: Callable[[lxml.html.HtmlElement], bool],
         tags: frozenset[str], attributes: frozenset[str]) -> None:
    """Visit, in document order, the elements below root with one of these tags or attributes.

    Only the few elements a visit can change are visited, not every element (one call into
    Python each), and without recursion (posts can nest deeply). `visit` returns False when it
    removed or replaced the element: its children are then skipped, as are elements that a visit
    took out of the tree, and elements a visit added are not visited.
    """
    skipped = set()
    chosen = [element for element in root.iterdescendants(etree.Element)
              if element.tag in tags or not attributes.isdisjoint(element.keys())]
    for element in chosen:
        if _still_below(element, root, skipped) and not visit(element):
            skipped.add(element)


def _still_below(element: etree._Element, root: etree._Element, skipped: set[etree._Element]) -> bool:
    ancestor = element.getparent()  # a loop of getparent() costs half what iterancestors() does here
    while ancestor is not None:
        if ancestor is root:
            return True
        if ancestor in skipped:
            return False
        ancestor = ancestor.getparent()
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
