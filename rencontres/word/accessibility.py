"""What Word's accessibility checker would say of a template or a document.

The rules the MOT's documents must pass (RGAA, Word's checker), each named by the
category Word's checker shows it under: an image without alt text, a heading level
skipped, text whose colour has too little contrast with its background, a table
used for layout (no header row), empty paragraphs used for spacing. Each finding
has its place (« paragraphe 12 », « tableau 1, ligne 2, colonne 1 »), counted as
the template checker counts them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from ..documents.style import contrast_ratio
from . import safe_xml

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
DECORATIVE = "http://schemas.microsoft.com/office/drawing/2017/decorative"

# Word's checker categories, as its French interface names them.
ALT_TEXT = "Texte de remplacement manquant"
HEADINGS = "Niveau de titre ignoré"
CONTRAST = "Contraste de texte difficile à lire"
LAYOUT_TABLE = "En-tête de tableau manquant"
EMPTY = "Caractères vides répétés"

# WCAG 2.1, 1.4.3: normal text 4.5:1; large text (18 pt, or 14 pt bold) 3:1.
NORMAL_TEXT, LARGE_TEXT = 4.5, 3.0
WHITE = "FFFFFF"


def q(name: str) -> str:
    return f"{{{W}}}{name}"


@dataclass(frozen=True)
class Finding:
    place: str     # « paragraphe 3 « Titre » »
    category: str  # Word's checker category
    detail: str

    def __str__(self) -> str:
        return f"{self.place} : accessibilité, « {self.category} » : {self.detail}"


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two « RRGGBB » colours."""
    return contrast_ratio(foreground, background)


def findings(data: bytes) -> list[Finding]:
    """Every accessibility finding of a DOCX: the images of its headers and footers
    without alt text, then the body's findings in the order of the body."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = etree.fromstring(package.read("word/document.xml"),
                                safe_xml.parser()).find(q("body"))
        if body is None:  # a document with nothing in it
            return []
        names = package.namelist()
        styles = Styles(etree.fromstring(package.read("word/styles.xml"), safe_xml.parser())
                        if "word/styles.xml" in names else None)
        # Headers and footers: their images need an alt text too (a logo).
        margins = [("en-tête" if "header" in name else "pied de page",
                    etree.fromstring(package.read(name), safe_xml.parser()))
                   for name in sorted(names)
                   if re.fullmatch(r"word/(header|footer)\d*\.xml", name)]
    found: list[Finding] = []
    for label, margin in margins:
        outer = [p for p in margin.iter(q("p")) if next(p.iterancestors(q("p")), None) is None]
        for number, paragraph in enumerate(outer, 1):
            found += _alt_texts(Block(paragraph, f"{label}, paragraphe {number}",
                                      _text(paragraph)))
    previous_level = 0
    empty_run: list[Block] = []
    for block in blocks(body):
        if not block.table and _is_empty(block.element):
            empty_run.append(block)
            continue
        found += _empty(empty_run)
        empty_run = []
        if block.table:
            found += _layout_table(block)
            continue
        paragraph = block.element
        found += _alt_texts(block)
        level = styles.heading_level(paragraph)
        if level is not None:
            if level > previous_level + 1:
                found.append(Finding(block.where(), HEADINGS,
                                     f"titre de niveau {level} après un titre de niveau "
                                     f"{previous_level} : utilisez le style « Titre "
                                     f"{previous_level + 1} »" if previous_level else
                                     f"titre de niveau {level} sans titre de niveau 1 avant "
                                     "lui : utilisez le style « Titre 1 »"))
            previous_level = level
        found += _contrasts(block, styles)
    return found + _empty(empty_run)


@dataclass(frozen=True)
class Block:
    element: etree._Element
    place: str
    text: str
    background: str | None = None   # the shading of the cell the paragraph is in
    table: bool = False  # a table, met before its paragraphs

    def where(self) -> str:
        excerpt = self.text.strip()
        if len(excerpt) > 60:
            excerpt = excerpt[:57] + "…"
        return f"{self.place} « {excerpt} »" if excerpt else self.place


def _text(element: etree._Element) -> str:
    return "".join(node.text or "" if node.tag == q("t") else " "
                   for node in element.iter(q("t"), q("tab"), q("br")))


def blocks(body: etree._Element) -> Iterator[Block]:
    """The body's paragraphs (and, before its paragraphs, each table), numbered as the
    template checker numbers them."""
    counts = {"paragraphs": 0, "tables": 0}
    yield from _blocks(body, counts)


def _blocks(container: etree._Element, counts: dict[str, int]) -> Iterator[Block]:
    for child in container.iterchildren():
        if child.tag == q("p"):
            counts["paragraphs"] += 1
            yield Block(child, f"paragraphe {counts['paragraphs']}", _text(child))
        elif child.tag == q("tbl"):
            counts["tables"] += 1
            number = counts["tables"]
            yield Block(child, f"tableau {number}", _text(child), table=True)
            for r, row in enumerate(child.iterchildren(q("tr")), 1):
                for c, cell in enumerate(row.iterchildren(q("tc")), 1):
                    shading = cell.find(f"{q('tcPr')}/{q('shd')}")
                    fill = _fill(shading)
                    for paragraph in cell.iter(q("p")):
                        yield Block(paragraph, f"tableau {number}, ligne {r}, colonne {c}",
                                    _text(paragraph), fill)
        elif child.tag != q("sectPr"):
            yield from _blocks(child, counts)


def _fill(shading: etree._Element | None) -> str | None:
    if shading is None:
        return None
    fill = (shading.get(q("fill")) or "auto").upper()
    return None if fill == "AUTO" else fill


def _layout_table(block: Block) -> list[Finding]:
    table = block.element
    first = table.find(q("tr"))
    columns = len(table.findall(f"{q('tblGrid')}/{q('gridCol')}"))
    header = first is not None and first.find(f"{q('trPr')}/{q('tblHeader')}") is not None
    if header and columns > 1:
        return []
    reason = ("une seule colonne" if columns <= 1 else "pas de ligne d'en-tête")
    return [Finding(block.where(), LAYOUT_TABLE,
                    f"tableau de mise en page ({reason}) : mettez le texte en paragraphes "
                    "(bordures et trame de paragraphe), ou, pour un vrai tableau, "
                    "cochez « Répéter comme ligne d'en-tête » sur sa première ligne")]


def _alt_texts(block: Block) -> list[Finding]:
    found = []
    for properties in block.element.iter(f"{{{WP}}}docPr"):
        if _native_chart(properties):
            continue  # the build writes its alt text, stating its data
        described = (properties.get("descr") or "").strip()
        decorative = any(etree.QName(e).namespace == DECORATIVE for e in properties.iter())
        if not described and not decorative:
            name = properties.get("name") or "image"
            found.append(Finding(block.where(), ALT_TEXT,
                                 f"l'image « {name} » n'a pas de texte de remplacement : "
                                 "clic droit sur l'image, « Modifier le texte de "
                                 "remplacement » (Word), ou Propriétés… › Options › "
                                 "« Texte alternatif » (LibreOffice)"))
    return found


def _native_chart(doc_pr: etree._Element) -> bool:
    frame = doc_pr.getparent()
    return frame is not None and any(data.get("uri") == CHART for data in frame.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/main}graphicData"))


def _is_empty(paragraph: etree._Element) -> bool:
    if _text(paragraph).strip():
        return False
    if paragraph.find(f".//{q('drawing')}") is not None \
            or paragraph.find(f".//{q('pict')}") is not None \
            or paragraph.find(f".//{q('object')}") is not None \
            or paragraph.find(f".//{q('fldChar')}") is not None \
            or paragraph.find(f"{q('pPr')}/{q('sectPr')}") is not None:
        return False
    cell = paragraph.getparent()
    return not (cell is not None and cell.tag == q("tc") and len(cell.findall(q("p"))) == 1)


def _empty(run: list[Block]) -> list[Finding]:
    if not run:
        return []
    places = run[0].place if len(run) == 1 else f"{run[0].place} à {run[-1].place.split()[-1]}"
    count = "un paragraphe vide" if len(run) == 1 else f"{len(run)} paragraphes vides"
    return [Finding(places, EMPTY,
                    f"{count} pour faire de l'espace : supprimez-les et réglez "
                    "l'espacement avant ou après dans le style du paragraphe")]


def _contrasts(block: Block, styles: Styles) -> list[Finding]:
    paragraph = block.element
    style = styles.paragraph_style(paragraph)
    paragraph_fill = _fill(paragraph.find(f"{q('pPr')}/{q('shd')}")) \
        or styles.value(style, "pPr", "shd", "fill")
    background = paragraph_fill or block.background or WHITE
    seen: set[tuple[str, str]] = set()
    found: list[Finding] = []
    for run in paragraph.iter(q("r")):
        if not "".join(t.text or "" for t in run.iter(q("t"))).strip():
            continue
        r_pr = run.find(q("rPr"))
        colour = _direct(r_pr, "color") or styles.value(style, "rPr", "color") or "000000"
        if colour.upper() == "AUTO":
            continue
        run_fill = _fill(r_pr.find(q("shd"))) if r_pr is not None else None
        size = int(_direct(r_pr, "sz") or styles.value(style, "rPr", "sz") or 22) / 2
        bold = _on(r_pr, "b") if r_pr is not None and r_pr.find(q("b")) is not None \
            else styles.flag(style, "b")
        needed = LARGE_TEXT if size >= 18 or (bold and size >= 14) else NORMAL_TEXT
        back = run_fill or background
        ratio = contrast(colour, back)
        if ratio < needed and (colour.upper(), back) not in seen:
            seen.add((colour.upper(), back))
            found.append(Finding(block.where(), CONTRAST,
                                 f"texte #{colour.upper()} sur fond #{back} : contraste de "
                                 f"{ratio:.2f}:1 (il faut au moins {needed:g}:1)".replace(
                                     ".", ",")))
    return found


def _direct(properties: etree._Element | None, name: str) -> str | None:
    """The value a run's own properties give `name`."""
    found = properties.find(q(name)) if properties is not None else None
    return found.get(q("val")) if found is not None else None


def _on(properties: etree._Element, name: str) -> bool:
    found = properties.find(q(name))
    return found is not None and found.get(q("val"), "true") not in ("0", "false", "off")


class Styles:
    """A document's paragraph styles, read through their « basedOn » chain."""

    def __init__(self, root: etree._Element | None):
        self.styles: dict[str, etree._Element] = {}
        self.default: str | None = None
        if root is None:
            return
        for style in root.iter(q("style")):
            style_id = style.get(q("styleId"))
            if style.get(q("type")) == "paragraph" and style_id is not None:
                self.styles[style_id] = style
                if style.get(q("default")) in ("1", "true"):
                    self.default = style_id

    def paragraph_style(self, paragraph: etree._Element) -> str | None:
        found = paragraph.find(f"{q('pPr')}/{q('pStyle')}")
        return found.get(q("val")) if found is not None else self.default

    def _chain(self, style_id: str | None) -> Iterator[etree._Element]:
        seen: set[str] = set()
        while style_id is not None and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            based = style.find(q("basedOn"))
            style_id = based.get(q("val")) if based is not None else None

    def value(self, style_id: str | None, group: str, name: str, attribute: str = "val") -> str | None:
        for style in self._chain(style_id):
            found = style.find(f"{q(group)}/{q(name)}")
            if found is not None:
                value = found.get(q(attribute))
                return None if attribute == "fill" and (value or "").upper() == "AUTO" \
                    else value
        return None

    def flag(self, style_id: str | None, name: str) -> bool:
        for style in self._chain(style_id):
            r_pr = style.find(q("rPr"))
            if r_pr is not None and r_pr.find(q(name)) is not None:
                return _on(r_pr, name)
        return False

    def heading_level(self, paragraph: etree._Element) -> int | None:
        """1 for « Titre 1 »…, from the outline level the paragraph or its style sets."""
        direct = paragraph.find(f"{q('pPr')}/{q('outlineLvl')}")
        level = direct.get(q("val")) if direct is not None else \
            self.value(self.paragraph_style(paragraph), "pPr", "outlineLvl")
        if level is None or not level.isdigit() or int(level) >= 9:
            return None
        return int(level) + 1
