"""What the XML of a document's parts always has, said once for the type checker."""

from __future__ import annotations

from lxml import etree


def parent(node: etree._Element) -> etree._Element:
    """The parent of a node inside a part's root, which always has one."""
    found = node.getparent()
    assert found is not None, f"{node.tag!r} is the root"
    return found
