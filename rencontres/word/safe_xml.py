"""The XML parts of a template, written by a stranger, parsed without what XML lets a
document ask of its reader: no DTD loaded, no entity expanded (« billion laughs »), no
file or address fetched (XXE). Word never writes a DOCTYPE: a part holding one is
refused."""

from __future__ import annotations

import re

from lxml import etree

# A DOCTYPE is looked for before parsing too: libxml2 still weighs the entities of one it
# does not expand, and stops on a « billion laughs » with a mere syntax error.
_PROLOGUE_DOCTYPE = re.compile(rb"(\xef\xbb\xbf)?\s*(<\?xml[^>]*\?>)?\s*(<!--.*?-->\s*)*<!DOCTYPE",
                               re.S)


class UnsafeXml(ValueError):
    """A part with a DOCTYPE declaration (a French reason)."""


DOCTYPE_REASON = ("déclaration DOCTYPE (entités XML), que Word n'écrit jamais et qui "
                  "ferait lire des fichiers de cet ordinateur")


def parser() -> etree.XMLParser:
    """A parser that reads a DOCTYPE without acting on it (for parts already checked)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False)


def parse(data: bytes) -> etree._Element:
    """The root of an XML part; UnsafeXml for a part with a DOCTYPE, etree.XMLSyntaxError
    for one that is not XML."""
    if _PROLOGUE_DOCTYPE.match(data):
        raise UnsafeXml(DOCTYPE_REASON)
    root = etree.fromstring(data, parser())
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise UnsafeXml(DOCTYPE_REASON)
    return root
