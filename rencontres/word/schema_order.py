"""The order the OOXML schema (ECMA-376, wml.xsd) requires of the children of a
paragraph's, a run's, a table's and a section's properties.

Word « repairs » a part whose properties are out of order, and its repair may drop
the property (the rule under a heading, a box's shading): a template or a built
document must hold them in order. Each list is the schema's sequence, by local name.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_RUN = ["ins", "del", "moveFrom", "moveTo",
        "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike",
        "dstrike", "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid",
        "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
        "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
        "lang", "eastAsianLayout", "specVanish", "oMath", "rPrChange"]

ORDER: dict[str, list[str]] = {
    "pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
            "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
            "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
            "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
            "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
            "sectPr", "pPrChange"],
    "rPr": _RUN,
    "tblPr": ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
              "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
              "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription",
              "tblPrChange"],
    # Header and footer references come first, in any order among themselves.
    "sectPr": ["headerReference", "footerReference", "footnotePr", "endnotePr", "type",
               "pgSz", "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols",
               "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi",
               "rtlGutter", "docGrid", "printerSettings", "sectPrChange"],
}
_REFERENCES = {"headerReference", "footerReference"}


def rank(parent: str, child: str) -> int:
    """The place of `child` among the children of `parent` (an unknown one last)."""
    order = ORDER[parent]
    if parent == "sectPr" and child in _REFERENCES:
        return 0
    return order.index(child) if child in order else len(order)


@dataclass(frozen=True)
class Misplaced:
    part: str      # « word/styles.xml »
    parent: str    # « pPr »
    child: str     # « pBdr », the element that comes too late
    before: str    # « spacing », the element it should precede
    where: str     # « style « heading 1 » », « paragraphe 12 »

    def __str__(self) -> str:
        return (f"{self.part}, {self.where} : dans w:{self.parent}, w:{self.child} doit "
                f"précéder w:{self.before} (ordre du schéma OOXML ; Word « réparerait » le "
                "document en supprimant la mise en forme)")


def misplaced_in_part(part: str, xml: bytes) -> list[Misplaced]:
    """Every property element of the part that comes after one it should precede."""
    root = etree.fromstring(xml)
    found = []
    for parent in root.iter(*(f"{{{W}}}{name}" for name in ORDER)):
        name = etree.QName(parent).localname
        children = [etree.QName(child).localname for child in parent
                    if isinstance(child.tag, str) and etree.QName(child).namespace == W]
        highest = None
        for child in children:
            if highest is not None and rank(name, child) < rank(name, highest):
                found.append(Misplaced(part, name, child, highest, _where(parent)))
            elif highest is None or rank(name, child) > rank(name, highest):
                highest = child
    return found


def misplaced_in_package(data: bytes) -> list[Misplaced]:
    """The misplaced properties of every WordprocessingML part of a DOCX."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for part in package.namelist():
            if part.startswith("word/") and part.endswith(".xml"):
                found += misplaced_in_part(part, package.read(part))
    return found


def _where(element: etree._Element) -> str:
    """The style or the paragraph (counted in its part) that holds `element`."""
    for ancestor in element.iterancestors():
        tag = etree.QName(ancestor).localname
        if tag == "style" and etree.QName(ancestor).namespace == W:
            name = ancestor.find(f"{{{W}}}name")
            label = name.get(f"{{{W}}}val") if name is not None else ancestor.get(
                f"{{{W}}}styleId")
            return f"style « {label} »"
        if tag == "p" and etree.QName(ancestor).namespace == W:
            index = list(ancestor.getroottree().getroot().iter(f"{{{W}}}p")).index(ancestor)
            return f"paragraphe {index + 1}"
    if etree.QName(element).localname == "sectPr":
        return "section"
    return "propriétés par défaut"
