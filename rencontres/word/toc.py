"""Tables of contents correct on opening: a template's TOC field, filled as Word fills it.

Word inserts a table of contents (Références > Table des matières) as a TOC field,
`TOC \\o "1-3" \\h \\z \\u`, whose displayed result lists the headings; it writes that
result itself only when asked (« Mettre à jour la table »). Here it is written as Word
would: a bookmark (_Toc…) on each heading listed, one paragraph per heading in the
« toc N » style, each a hyperlink to its bookmark ending with a PAGEREF field whose
displayed result is the page number. The numbers come from a layout made elsewhere
(publishing/toc.py); the fields are not marked to update, so Word asks nothing on opening.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import etree

from . import safe_xml
from .archive import PICTURES, deterministic_zip
from .elements import parent

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DOCUMENT = "word/document.xml"
STYLES = "word/styles.xml"
SETTINGS = "word/settings.xml"
BOOKMARK_PREFIX = "_Toc"
NO_ENTRY = "Aucune entrée de table des matières n'a été trouvée."
DEFAULT_TEXT_WIDTH = 9638  # twentieths of a point: an A4 page with 2 cm margins


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _in_paragraph(run: etree._Element | None) -> bool:
    parent = run.getparent() if run is not None else None
    return parent is not None and parent.tag == _w("p")


@dataclass
class _OpenField:
    """A field whose end is still to come, as the body is read."""

    begin: etree._Element | None
    code: str = ""
    separate: etree._Element | None = None


@dataclass(frozen=True)
class TocField:
    """A TOC field listing headings: its runs (begin, separate, end) and what it lists."""

    begin: etree._Element
    separate: etree._Element
    end: etree._Element
    levels: range  # heading levels listed, 1 to 9
    outline: bool  # \u: paragraphs' outline levels count, not only the heading styles


@dataclass(frozen=True)
class Heading:
    paragraph: etree._Element
    level: int
    text: str


def toc_fields(body: etree._Element) -> list[TocField]:
    """The TOC fields of a body that list headings (\\o or \\u; not a table of figures)."""
    found: list[TocField] = []
    stack: list[_OpenField] = []
    for node in body.iter(_w("fldChar"), _w("instrText")):
        if node.tag == _w("instrText"):
            if stack:
                stack[-1].code += node.text or ""
            continue
        kind = node.get(_w("fldCharType"))
        if kind == "begin":
            stack.append(_OpenField(node.getparent()))
        elif kind == "separate" and stack:
            stack[-1].separate = node.getparent()
        elif kind == "end" and stack:
            field = stack.pop()
            parsed = _switches(field.code)
            begin, separate, end = field.begin, field.separate, node.getparent()
            # As Word writes it: its runs right in paragraphs (not in a link, a change).
            if (not stack and parsed and begin is not None and separate is not None
                    and end is not None and all(map(_in_paragraph, (begin, separate, end)))):
                found.append(TocField(begin, separate, end, *parsed))
    return found


def _switches(code: str) -> tuple[range, bool] | None:
    words = code.split()
    if not words or words[0].upper() != "TOC":
        return None
    levels = re.search(r'\\o\s*(?:"\s*(\d)\s*-\s*(\d)\s*")?', code)
    outline = re.search(r"\\u\b", code) is not None
    if levels is None and not outline:
        return None
    low, high = (int(levels.group(1)), int(levels.group(2))) \
        if levels and levels.group(1) else (1, 9)
    return range(max(low, 1), min(high, 9) + 1), outline


def _result(field: TocField) -> list[etree._Element]:
    """What Word displays for the field: the nodes between its separate and end runs,
    when they are in one paragraph or in paragraphs side by side (as Word writes it)."""
    first, last = parent(field.separate), parent(field.end)
    if first is last:
        nodes: list[etree._Element] = []
        for node in field.separate.itersiblings():
            if node is field.end:
                return nodes
            nodes.append(node)
        return []
    if first.getparent() is not last.getparent():
        return []
    nodes = list(field.separate.itersiblings())
    for node in first.itersiblings():
        if node is last:
            break
        nodes.append(node)
    else:
        return []
    for node in last:
        if node is field.end:
            break
        if node.tag != _w("pPr"):
            nodes.append(node)
    return nodes


def clear_results(body: etree._Element) -> None:
    """Remove the entries a template's TOC displays: written by Word from the template's
    own headings, they hold its tags (« {{ titre }} »), which must not be rendered there."""
    for field in toc_fields(body):
        for node in _result(field):
            parent(node).remove(node)


def result_paragraphs(body: etree._Element) -> set[etree._Element]:
    """The paragraphs a template's TOC displays, which the checker does not read."""
    found: set[etree._Element] = set()
    for field in toc_fields(body):
        for node in _result(field):
            found.update(node.iter(_w("p")))
            if node.tag != _w("p"):
                found.add(parent(node))
    return found


def headings(body: etree._Element, styles: etree._Element, field: TocField) -> list[Heading]:
    """The headings a TOC field lists, in the order of the document (not those of text
    boxes, which Word leaves out), with their text as displayed."""
    levels = _style_levels(styles, field.outline)
    default = next((s.get(_w("styleId")) for s in styles.iterchildren(_w("style"))
                    if s.get(_w("type")) == "paragraph" and s.get(_w("default")) in ("1", "true")),
                   None)
    found = []
    for paragraph in body.iter(_w("p")):
        if next(paragraph.iterancestors(_w("txbxContent")), None) is not None:
            continue
        level = _paragraph_level(paragraph, levels, default, field.outline)
        text = _text(paragraph)
        if level is not None and level in field.levels and text:
            found.append(Heading(paragraph, level, text))
    return found


def _paragraph_level(paragraph: etree._Element, levels: dict[str, int], default: str | None,
                     outline: bool) -> int | None:
    properties = paragraph.find(_w("pPr"))
    style = default
    if properties is not None:
        direct = properties.find(_w("outlineLvl"))
        if outline and direct is not None:
            return _outline_level(direct)
        named = properties.find(_w("pStyle"))
        if named is not None:
            style = named.get(_w("val"))
    return levels.get(style) if style is not None else None


def _outline_level(element: etree._Element) -> int | None:
    value = element.get(_w("val"), "")
    return int(value) + 1 if value.isdigit() and int(value) < 9 else None


def _style_levels(styles: etree._Element, outline: bool) -> dict[str, int]:
    """Paragraph style → heading level: the built-in « heading N » styles (whatever their
    identifier: « Titre1 » in a French Word), and with \\u the styles whose outline level,
    their own or inherited, makes them headings."""
    by_id = {style_id: s for s in styles.iterchildren(_w("style"))
             if s.get(_w("type")) == "paragraph" and (style_id := s.get(_w("styleId"))) is not None}
    levels: dict[str, int] = {}
    for style_id, style in by_id.items():
        name = re.fullmatch(r"heading ([1-9])", _name(style))
        if name:
            levels[style_id] = int(name.group(1))
        elif outline:
            level = _inherited_outline_level(style, by_id)
            if level is not None:
                levels[style_id] = level
    return levels


def _inherited_outline_level(style: etree._Element | None,
                             by_id: dict[str, etree._Element]) -> int | None:
    seen = set()
    while style is not None and id(style) not in seen:
        seen.add(id(style))
        found = style.find(f"{_w('pPr')}/{_w('outlineLvl')}")
        if found is not None:
            return _outline_level(found)
        based = style.find(_w("basedOn"))
        style = by_id.get(based.get(_w("val"), "")) if based is not None else None
    return None


def _name(style: etree._Element) -> str:
    name = style.find(_w("name"))
    return (name.get(_w("val")) or "").lower() if name is not None else ""


def _text(paragraph: etree._Element) -> str:
    parts = []
    for node in paragraph.iter(_w("t"), _w("tab"), _w("br")):
        if next(node.iterancestors(_w("del"), _w("moveFrom")), None) is not None:
            continue
        parts.append(node.text or "" if node.tag == _w("t") else " ")
    # Runs of ordinary white space become one space; the no-break spaces of French
    # typography (« thème : ») stay what they are.
    return re.sub(r"[ \t\n\r]+", " ", "".join(parts)).strip(" ")


def template_warnings(body: etree._Element,
                      styles: etree._Element) -> list[tuple[etree._Element, str]]:
    """What a template's tables of contents would list badly, each with its paragraph:
    a TOC with no heading to list, a heading one level too deep for the one before it
    (the TOC then skips a level)."""
    warnings = []
    for field in toc_fields(body):
        listed = headings(body, styles, field)
        if not listed:
            warnings.append((parent(field.begin), _no_heading(field.levels)))
        previous = None
        for heading in listed:
            expected = field.levels.start if previous is None else previous + 1
            if heading.level > expected:
                after = ("en premier titre du sommaire" if previous is None
                         else f"juste après un titre de niveau {previous}")
                warnings.append((heading.paragraph, (
                    f"titre de niveau {heading.level} {after} : le sommaire sautera un "
                    f"niveau ; donnez-lui le style « Titre {expected} », ou limitez les "
                    "niveaux du sommaire (Références > Table des matières > Table des "
                    "matières personnalisée)")))
            previous = heading.level
    return warnings


def _no_heading(levels: range) -> str:
    styles = (f"le style « Titre {levels.start} »" if len(levels) == 1 else
              f"les styles « Titre {levels.start} » à « Titre {levels.stop - 1} »")
    return f"le sommaire n'a aucun titre à lister : appliquez {styles} aux titres du modèle"


# --- filling a rendered document ------------------------------------------------------

def fill(docx: bytes, page: Callable[[str], str] | None) -> bytes | None:
    """The document with each TOC field's entries written, `page(bookmark)` giving the
    number shown for a heading (entries without numbers when `page` is None); None when
    the document has no TOC. The same document gives the same bookmarks whatever `page`."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    document = etree.fromstring(parts[DOCUMENT], safe_xml.parser())
    body = document.find(_w("body"))
    if body is None:
        return None
    fields = toc_fields(body)
    if not fields or STYLES not in parts:  # python-docx always writes the styles
        return None
    styles = etree.fromstring(parts[STYLES], safe_xml.parser())
    clear_results(body)
    listed = [headings(body, styles, field) for field in fields]
    bookmarks = _bookmark(body, [h.paragraph for entries in listed for h in entries])
    used = sorted({h.level for entries in listed for h in entries})
    style_ids = _toc_styles(styles, used)
    for field, entries in zip(fields, listed, strict=True):
        _write_entries(field, [(h, bookmarks[h.paragraph]) for h in entries], style_ids,
                       _text_width(body, parent(field.begin)), page)
    parts[DOCUMENT] = _serialize(document)
    parts[STYLES] = _serialize(styles)
    if SETTINGS in parts:
        settings = etree.fromstring(parts[SETTINGS], safe_xml.parser())
        for update in settings.findall(_w("updateFields")):
            settings.remove(update)  # Word's « mettre à jour les champs ? » prompt
        parts[SETTINGS] = _serialize(settings)
    return deterministic_zip(list(parts.items()), stored=PICTURES)


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _bookmark(body: etree._Element,
              paragraphs: list[etree._Element]) -> dict[etree._Element, str]:
    """A bookmark around each heading listed, named in the order of the document; the
    _Toc bookmarks already there (copied by a loop, or left by Word) are removed."""
    old = {start.get(_w("id")) for start in body.iter(_w("bookmarkStart"))
           if (start.get(_w("name")) or "").startswith(BOOKMARK_PREFIX)}
    for mark in list(body.iter(_w("bookmarkStart"), _w("bookmarkEnd"))):
        if mark.get(_w("id")) in old:
            parent(mark).remove(mark)
    ids = [int(value) for node in body.iter() if (value := node.get(_w("id"), "")).isdigit()]
    next_id = max(ids, default=0) + 1
    names: dict[etree._Element, str] = {}
    order = {paragraph: index for index, paragraph in enumerate(body.iter(_w("p")))}
    for number, paragraph in enumerate(sorted(set(paragraphs), key=order.__getitem__), 1):
        name = f"{BOOKMARK_PREFIX}{number:09d}"
        start = etree.Element(_w("bookmarkStart"), {_w("id"): str(next_id), _w("name"): name})
        properties = paragraph.find(_w("pPr"))
        paragraph.insert(0 if properties is None else paragraph.index(properties) + 1, start)
        paragraph.append(etree.Element(_w("bookmarkEnd"), {_w("id"): str(next_id)}))
        names[paragraph] = name
        next_id += 1
    return names


# Word's own « toc N » styles, for a template that has none (a TOC inserted while the
# template had no heading yet): the text, indented by level, spaced like Word's.
def _toc_styles(styles: etree._Element, levels: list[int]) -> dict[int, str]:
    """The identifier of the « toc N » style of each level, defined when missing."""
    ids = {}
    taken = {s.get(_w("styleId")) for s in styles.iterchildren(_w("style"))}
    for level in levels:
        found = next((s.get(_w("styleId")) for s in styles.iterchildren(_w("style"))
                      if s.get(_w("type")) == "paragraph" and _name(s) == f"toc {level}"), None)
        if found is None:
            found = f"TOC{level}"
            while found in taken:
                found += "-"
            taken.add(found)
            styles.append(_toc_style(found, level))
        ids[level] = found
    return ids


def _toc_style(style_id: str, level: int) -> etree._Element:
    style = etree.Element(_w("style"), {_w("type"): "paragraph", _w("styleId"): style_id})
    for tag, value in (("name", f"toc {level}"), ("basedOn", "Normal"), ("next", "Normal"),
                       ("uiPriority", "39")):
        etree.SubElement(style, _w(tag), {_w("val"): value})
    etree.SubElement(style, _w("unhideWhenUsed"))
    properties = etree.SubElement(style, _w("pPr"))
    etree.SubElement(properties, _w("spacing"), {_w("after"): "100"})
    etree.SubElement(properties, _w("ind"), {_w("left"): str(220 * (level - 1))})
    return style


def _text_width(body: etree._Element, paragraph: etree._Element) -> int:
    """The width of the text in the section holding `paragraph`, for the page numbers'
    tab stop: the page's less its margins."""
    seen = False
    for node in body.iter(_w("p"), _w("sectPr")):
        seen = seen or node is paragraph
        if seen and node.tag == _w("sectPr"):
            size, margins = node.find(_w("pgSz")), node.find(_w("pgMar"))
            if size is None or margins is None:
                break
            try:
                return (int(size.get(_w("w"), "")) - int(margins.get(_w("left"), ""))
                        - int(margins.get(_w("right"), "")) - int(margins.get(_w("gutter"), "0")))
            except ValueError:  # a size missing or not a number
                break
    return DEFAULT_TEXT_WIDTH


def _write_entries(field: TocField, entries: list[tuple[Heading, str]],
                   style_ids: dict[int, str], width: int,
                   page: Callable[[str], str] | None) -> None:
    """One paragraph per entry: the first in the paragraph where the field begins, right
    after its separate run; the field ends in the last (or in its own paragraph, kept)."""
    first = parent(field.begin)
    if not entries:
        field.separate.addnext(_run(NO_ENTRY, bold=True))
        return
    paragraph = first
    anchor: etree._Element | None = field.separate
    for index, (heading, bookmark) in enumerate(entries):
        if index:
            new = etree.Element(_w("p"))
            paragraph.addnext(new)
            paragraph, anchor = new, None
        _entry_properties(paragraph, style_ids[heading.level], width)
        link = _link(_number_kept_on_last_line(heading.text, heading.level, width), bookmark,
                     page)
        if anchor is None:
            paragraph.append(link)
        else:
            anchor.addnext(link)
    if field.end.getparent() is first and paragraph is not first:
        trailing = [field.end, *field.end.itersiblings()]
        paragraph.extend(trailing)


# Helvetica's widths (Arial's and Liberation Sans' are the same), in thousandths of an
# em: enough to tell where a title wraps, give or take a letter.
_WIDTHS = {**dict.fromkeys("ijlíìîï'|", 222), **dict.fromkeys("ftI.,:;!/ ", 278),
           **dict.fromkeys("r-()", 333), **dict.fromkeys("cksvxyzJç", 500),
           **dict.fromkeys("mM", 833), **dict.fromkeys("wCDHNRUÉ", 722),
           **dict.fromkeys("ABEKPSVXY&", 667), **dict.fromkeys("GOQ", 778), "W": 944}
# A page number and a few dots: under this room left on its last line, the number would
# go to a line of its own.
NUMBER_ROOM = 700  # twentieths of a point
ENTRY_SIZE = 10.5  # points: the size of the templates' TOC entries
LEVEL_INDENT = 340  # twentieths of a point: the templates' indent of each TOC level


def _width(text: str, bold: bool) -> float:
    """The width of `text` at ENTRY_SIZE, in twentieths of a point."""
    thousandths = sum(_WIDTHS.get(c, 556) for c in text)
    return thousandths * ENTRY_SIZE * 20 / 1000 * (1.08 if bold else 1.0)


def _number_kept_on_last_line(title: str, level: int, width: int) -> list[str]:
    """The title's lines: one, or two when its last line as the entry wraps would leave
    no room for its page number, which would then stand alone on a line of dots (issue
    24); the break is then put before the last word, which takes the number along."""
    room = width - LEVEL_INDENT * (level - 1)
    bold = level == 1
    words = title.split(" ")
    line: list[str] = []
    starts = [0]
    for index, word in enumerate(words):
        if line and _width(" ".join([*line, word]), bold) > room:
            starts.append(index)
            line = []
        line.append(word)
    last = words[starts[-1]:]
    if len(last) < 2 or _width(" ".join(last), bold) + NUMBER_ROOM <= room:
        return [title]
    return [" ".join(words[:-1]), words[-1]]


def _entry_properties(paragraph: etree._Element, style_id: str, width: int) -> None:
    properties = paragraph.find(_w("pPr"))
    if properties is None:
        properties = etree.Element(_w("pPr"))
        paragraph.insert(0, properties)
    kept = [child for child in properties if child.tag in (_w("rPr"), _w("sectPr"))]
    for child in list(properties):
        properties.remove(child)
    etree.SubElement(properties, _w("pStyle"), {_w("val"): style_id})
    tabs = etree.SubElement(properties, _w("tabs"))
    etree.SubElement(tabs, _w("tab"), {_w("val"): "right", _w("leader"): "dot",
                                       _w("pos"): str(width)})
    properties.extend(kept)


def _link(lines: list[str], bookmark: str,
          page: Callable[[str], str] | None) -> etree._Element:
    link = etree.Element(_w("hyperlink"), {_w("anchor"): bookmark, _w("history"): "1"})
    for index, text in enumerate(lines):
        run = _run(text)
        if index:
            run.insert(1, etree.Element(_w("br")))
        link.append(run)
    if page is None:
        return link
    tab = _run(None, hidden=True)
    etree.SubElement(tab, _w("tab"))
    link.append(tab)
    for kind, value in (("begin", None), ("code", f" PAGEREF {bookmark} \\h "),
                        ("separate", None), ("text", page(bookmark)), ("end", None)):
        run = _run(value if kind == "text" else None, hidden=True)
        if kind == "code":
            code = etree.SubElement(run, _w("instrText"), {XML_SPACE: "preserve"})
            code.text = value
        elif kind != "text":
            etree.SubElement(run, _w("fldChar"), {_w("fldCharType"): kind})
        link.append(run)
    return link


def _run(text: str | None, bold: bool = False, hidden: bool = False) -> etree._Element:
    """A run as Word writes a TOC's: no spelling marks; a page number hidden on the web."""
    run = etree.Element(_w("r"))
    properties = etree.SubElement(run, _w("rPr"))
    if bold:
        etree.SubElement(properties, _w("b"))
    etree.SubElement(properties, _w("noProof"))
    if hidden:
        etree.SubElement(properties, _w("webHidden"))
    if text is not None:
        node = etree.SubElement(run, _w("t"), {XML_SPACE: "preserve"})
        node.text = text
    return run


def bookmark_names(docx: bytes) -> Iterator[str]:
    """The TOC bookmarks of a filled document, in the order of the document."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        document = etree.fromstring(archive.read(DOCUMENT), safe_xml.parser())
    for start in document.iter(_w("bookmarkStart")):
        name = start.get(_w("name"))
        if name is not None and name.startswith(BOOKMARK_PREFIX):
            yield name
