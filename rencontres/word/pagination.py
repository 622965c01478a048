"""Page breaks a reader would not accept, prevented in the rendered document: the
paragraphs of a short list are kept on one page (each kept with the next, the last
one free), and an item with sub-points is never parted from its first one. Headings
already keep with what follows (their styles), so a short list moves with its heading.
A part of a few lines (a level-1 heading and what follows it) does not start a page
of its own: it follows the previous part.

The Ingénierie list of the 2021 compte-rendu (two items, one sub-point) left its last
item alone at the top of a page; « Suivi des suggestions », one line, had a page of
its own after a page half empty; so had the one objective of a partial edition's
compte-rendu (issue 24).
"""

from __future__ import annotations

import itertools

from lxml import etree

from .schema_order import rank

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SHORT_LIST = 6  # paragraphs: a list up to this long is kept whole
SHORT_PART = 4  # paragraphs after its heading: a part this short follows the previous one
PART_HEADING = "Heading1"
PART_SPACE = "480"  # twentieths of a point (24 pt): above a part that follows another


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _style(paragraph: etree._Element) -> str:
    style = paragraph.find(f"{_w('pPr')}/{_w('pStyle')}")
    return (style.get(_w("val")) or "") if style is not None else ""


def _is_item(paragraph: etree._Element) -> bool:
    return _style(paragraph).startswith("List")


def _set(paragraph: etree._Element, name: str, **attributes: str) -> None:
    """The paragraph property `name` (replaced if there), in the schema's order."""
    properties = paragraph.find(_w("pPr"))
    if properties is None:
        properties = etree.Element(_w("pPr"))
        paragraph.insert(0, properties)
    for old in properties.findall(_w(name)):
        properties.remove(old)
    new = etree.Element(_w(name), {_w(key): value for key, value in attributes.items()})
    after = [child for child in properties
             if rank("pPr", etree.QName(child).localname) < rank("pPr", name)]
    properties.insert(properties.index(after[-1]) + 1 if after else 0, new)


def _keep_with_next(paragraph: etree._Element) -> None:
    if paragraph.find(f"{_w('pPr')}/{_w('keepNext')}") is None:
        _set(paragraph, "keepNext")


def keep_lists_together(body: etree._Element) -> None:
    lists: list[list[etree._Element]] = [[]]
    for child in body:
        if child.tag == _w("p") and _is_item(child):
            lists[-1].append(child)
        elif lists[-1]:
            lists.append([])
    for items in lists:
        if 2 <= len(items) <= SHORT_LIST:
            for item in items[:-1]:
                _keep_with_next(item)
        for item, following in itertools.pairwise(items):
            if _style(following) == _style(item) + "2":  # « ListBullet2 » after « ListBullet »
                _keep_with_next(item)


def _text(paragraph: etree._Element) -> str:
    return "".join(t.text or "" for t in paragraph.iter(_w("t")))


def let_short_parts_follow(body: etree._Element) -> None:
    """No page break before the heading of a part of at most SHORT_PART paragraphs of
    text (a table counts as long), the first part excepted: it follows the cover."""
    headings: list[tuple[etree._Element, int]] = []
    for child in body:
        if child.tag == _w("p") and _style(child) == PART_HEADING:
            headings.append((child, 0))
        elif headings and (child.tag == _w("tbl") or (child.tag == _w("p") and _text(child))):
            heading, count = headings[-1]
            headings[-1] = (heading, count + (SHORT_PART + 1 if child.tag == _w("tbl") else 1))
    for heading, count in headings[1:]:
        if count <= SHORT_PART:
            _no_page_break_before(heading)


def _no_page_break_before(heading: etree._Element) -> None:
    """The heading follows the previous part, a blank line above it: the space a page
    break gave it."""
    _set(heading, "pageBreakBefore", val="0")
    spacing = heading.find(f"{_w('pPr')}/{_w('spacing')}")
    if spacing is None:
        _set(heading, "spacing", before=PART_SPACE)
    else:
        spacing.set(_w("before"), PART_SPACE)
