"""Proof-reading of a built document, as a reader would do it: from its PDF (the pages
LibreOffice laid out, read with pdfplumber: words, their positions and the tag of the
tagged PDF's structure each belongs to) and from its DOCX (the data of its charts).

Each finding names the document, the page and the defect, in French. Raw template
tags and « None » are blocking (a distribution is refused); the others are layout and
wording findings, which a distribution reports as warnings.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

# What a reader should never see: the template language, and Python's « None ».
RAW_TAGS = ("{{", "}}", "{%", "%}", "{#", "#}")
HEADING = re.compile(r"H[1-6]$")
# A page other than a part's last must be at least this full.
MIN_FILL = 1 / 3
# A part this short on a page of its own should have followed the previous part.
STRANDED = 1 / 4
# Lines closer than this (points) are one line; LibreOffice writes each word apart.
SAME_LINE = 2.0
# Header and footer: the page's artifacts (LibreOffice tags them so) in its top and
# bottom bands, as a fraction of the height.
BAND = 0.12
TOC_ENTRY = re.compile(r"^(?P<title>.*?)\s*(?P<page>\d+)$")
TOC_HEADING = "Contents Heading"  # the tag of the table of contents' heading

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass(frozen=True)
class Finding:
    document: str
    page: int | None
    kind: str      # a short name of the check, to count findings by kind
    message: str   # in French, for the user
    blocking: bool = False

    def __str__(self) -> str:
        where = f", page {self.page}" if self.page is not None else ""
        return f"{self.document}{where} : {self.message}"


@dataclass
class Line:
    text: str
    top: float
    bottom: float
    tags: set[str]
    figure: bool = False  # a line of a chart's text


@dataclass
class Page:
    number: int
    height: float
    lines: list[Line]          # content, top to bottom (header and footer left out)
    artifacts: list[Line]      # header and footer
    drawn_bottom: float        # the lowest picture or drawing of the content, 0 if none
    picture_tops: list[float]  # the top of each picture (the map)
    figures: list[tuple[str, list[str]]] = field(default_factory=list)  # alt text, words

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.artifacts + self.lines)


@dataclass(frozen=True)
class ChartData:
    description: str            # the drawing's alt text, which the PDF's figure carries
    labels: tuple[str, ...]
    values: tuple[str, ...]


def proofread(name: str, docx: bytes, pdf: bytes,
              hidden_words: Sequence[str] = ()) -> list[Finding]:
    """Every finding of one document: `name` its file name, `hidden_words` the words
    its readers should not see (the tool's own vocabulary)."""
    pages = read_pages(pdf)
    return [*text_findings(name, pages, hidden_words), *chart_findings(name, pages, charts(docx)),
            *layout_findings(name, pages), *toc_findings(name, pages)]


# --- reading ------------------------------------------------------------------

def read_pages(pdf: bytes) -> list[Page]:
    import pdfplumber

    pages = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, 1):
            words = page.extract_words(extra_attrs=["tag", "mcid"], keep_blank_chars=False,
                                       use_text_flow=True)
            figure_of = _figure_mcids(page)
            content = [w for w in words if w.get("tag") != "Artifact"]
            artifacts = [w for w in words if w.get("tag") == "Artifact"]
            drawn = [shape["bottom"] for shape in (*page.images, *page.rects, *page.curves)
                     if BAND * page.height < shape["bottom"] < (1 - BAND) * page.height]
            figures: dict[str, list[str]] = {}
            for word in content:
                alt = figure_of.get(word.get("mcid", -1))
                word["figure"] = alt is not None
                if alt is not None:
                    figures.setdefault(alt, []).append(word["text"])
            pictures = [image["top"] for image in page.images]
            pages.append(Page(number, float(page.height), _lines(content), _lines(artifacts),
                              max(drawn, default=0.0), pictures, list(figures.items())))
    return pages


def _figure_mcids(page: Any) -> dict[int, str]:
    """Each marked content of the page inside a figure of the structure tree, with the
    figure's alt text (a chart's text is marked content of its figure)."""
    found: dict[int, str] = {}

    def walk(node: dict[str, Any], alt: str | None) -> None:
        if node.get("type") == "Figure":
            alt = node.get("alt_text") or ""
        if alt is not None:
            for mcid in node.get("mcids") or ():
                found[mcid] = alt
        for child in node.get("children", ()):
            walk(child, alt)

    try:
        tree = page.structure_tree
    except Exception:  # an untagged or damaged structure: no figure text then
        return found
    for node in tree:
        walk(node, None)
    return found


def _lines(words: list[dict[str, Any]]) -> list[Line]:
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1].top - word["top"]) <= SAME_LINE:
            line = lines[-1]
            line.text += " " + word["text"]
            line.bottom = max(line.bottom, word["bottom"])
            line.tags.add(str(word.get("tag")))
            line.figure = line.figure or bool(word.get("figure"))
        else:
            lines.append(Line(word["text"], word["top"], word["bottom"], {str(word.get("tag"))},
                              bool(word.get("figure"))))
    return lines


def charts(docx: bytes) -> list[ChartData]:
    """The categories and values of each native chart of the DOCX, in body order."""
    found = []
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        names = set(package.namelist())
        body = etree.fromstring(package.read("word/document.xml"))
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        for inline in body.iter(f"{{{WP}}}inline", f"{{{WP}}}anchor"):
            chart = inline.find(f".//{{{C}}}chart")
            doc_pr = inline.find(f"{{{WP}}}docPr")
            if chart is None or doc_pr is None:
                continue
            part = "word/" + str(targets.get(chart.get(f"{{{R}}}id"), ""))
            if part not in names:
                continue
            space = etree.fromstring(package.read(part))
            labels: list[str] = []
            values: list[str] = []
            for ser in space.iter(f"{{{C}}}ser"):
                if not labels:
                    labels = [v.text or "" for v in ser.findall(f"{{{C}}}cat//{{{C}}}pt/{{{C}}}v")]
                values += [_number(v.text or "")
                           for v in ser.findall(f"{{{C}}}val//{{{C}}}pt/{{{C}}}v")]
            found.append(ChartData(doc_pr.get("descr", ""), tuple(labels), tuple(values)))
    return found


def _number(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() else text


# --- checks -------------------------------------------------------------------

def text_findings(name: str, pages: Sequence[Page],
                  hidden_words: Sequence[str] = ()) -> list[Finding]:
    """Raw tags and « None » (blocking); straight apostrophes and quotes, and words of
    the tool that readers should not see."""
    findings = []
    for page in pages:
        text = page.text
        for tag in RAW_TAGS:
            if tag in text:
                findings.append(Finding(name, page.number, "balise",
                                        f"balise de modèle « {tag} » dans le texte : "
                                        f"« {_around(text, tag)} »", blocking=True))
        if re.search(r"\bNone\b", text):
            findings.append(Finding(name, page.number, "None",
                                    f"« None » dans le texte : « {_around(text, 'None')} »",
                                    blocking=True))
        for mark, what in (("'", "apostrophe droite"), ('"', "guillemet droit")):
            if mark in text:
                findings.append(Finding(name, page.number, "typographie",
                                        f"{what} au lieu de la typographie française : "
                                        f"« {_around(text, mark)} »"))
        for word in hidden_words:
            found = re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE)
            if found:
                findings.append(Finding(name, page.number, "vocabulaire",
                                        f"mot de l'outil « {word} » : "
                                        f"« {_around(text, found.group(0))} »"))
    return findings


def _around(text: str, found: str) -> str:
    """The line where `found` is, for the reader to find it."""
    index = text.index(found)
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return _short(text[start:end if end >= 0 else len(text)], 90)


def _short(text: str, limit: int = 60) -> str:
    """`text`, cut at a word before `limit` characters when longer."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


def chart_findings(name: str, pages: Sequence[Page], data: Iterable[ChartData]) -> list[Finding]:
    """Each category label and each value of each chart, in its figure's text on its page
    (LibreOffice drops labels it thinks collide)."""
    findings = []
    shown = {alt: (page.number, words) for page in pages for alt, words in page.figures}
    for chart in data:
        if chart.description not in shown:
            findings.append(Finding(name, None, "graphique",
                                    f"graphique « {_short(chart.description)} » absent du PDF"))
            continue
        number, words = shown[chart.description]
        left = Counter(words)
        missing = []
        for label in chart.labels:
            parts = Counter(label.split())
            if parts - left:
                missing.append(f"l'étiquette « {label} »")
            else:
                left -= parts
        missing += [f"la valeur {value}" for value in chart.values if value and
                    not _take(left, value)]
        if missing:
            findings.append(Finding(name, number, "graphique",
                                    f"le graphique « {_short(chart.description)} » ne montre pas "
                                    + ", ".join(missing)))
    return findings


def _take(left: Counter[str], word: str) -> bool:
    if left[word] > 0:
        left[word] -= 1
        return True
    return False


def layout_findings(name: str, pages: Sequence[Page]) -> list[Finding]:
    """Headings ending a page or away from their figure, captions away from their
    figure, the body on the cover, pages without footer, pages under a third full other
    than a part's last."""
    findings = []
    for index, page in enumerate(pages):
        following = pages[index + 1] if index + 1 < len(pages) else None
        findings += _heading_findings(name, page, following)
        caption = _separated_caption(page)
        if caption is not None and index:
            findings.append(Finding(name, page.number, "légende",
                                    f"la légende « {_short(caption.text)} » est séparée de sa "
                                    "figure, restée page précédente"))
        if index == 0:
            if any(_is_heading(line) for line in page.lines):
                findings.append(Finding(name, page.number, "couverture",
                                        "le texte commence sur la couverture"))
            continue
        if not any(line.bottom > (1 - BAND) * page.height for line in page.artifacts):
            findings.append(Finding(name, page.number, "pied de page", "page sans pied de page"))
        if following is None or (following.lines and _is_part_start(following.lines[0])):
            findings += _stranded_part(name, page, pages[index - 1])
            continue
        fill = _fill(page)
        if fill < MIN_FILL:
            findings.append(Finding(name, page.number, "page vide",
                                    f"page remplie à {round(fill * 100)} % seulement, "
                                    "alors que la partie continue page suivante"))
    return findings


def _stranded_part(name: str, page: Page, previous: Page) -> list[Finding]:
    """A part of a few lines alone on its page, put there by a forced page break although
    the page before had room for it."""
    if not page.lines or not _is_part_start(page.lines[0]) or previous.number == 1 \
            or any(TOC_HEADING in line.tags for line in previous.lines):
        return []
    fill = _fill(page)
    if fill >= STRANDED or 1 - _fill(previous) < fill + 0.05:
        return []
    return [Finding(name, page.number, "page vide",
                    f"la partie « {page.lines[0].text} » tient en quelques lignes sur une "
                    f"page à elle ({round(fill * 100)} %), alors que la page {previous.number} "
                    "avait la place")]


def _heading_findings(name: str, page: Page, following: Page | None) -> list[Finding]:
    if not page.lines or following is None:
        return []
    if _is_heading(page.lines[-1]):
        return [Finding(name, page.number, "titre",
                        f"le titre « {page.lines[-1].text} » finit la page, séparé de ce "
                        "qu'il annonce")]
    # A heading and its lead sentence at the foot of the page, their figure over the page.
    last = [line for line in page.lines[-3:] if _is_heading(line)]
    if last and _starts_with_figure(following):
        return [Finding(name, page.number, "titre",
                        f"le titre « {last[-1].text} » est séparé de sa figure, page "
                        f"{following.number}")]
    return []


def _starts_with_figure(page: Page) -> bool:
    if not page.lines:
        return bool(page.picture_tops)
    return page.lines[0].figure or any(top < page.lines[0].top for top in page.picture_tops)


def _separated_caption(page: Page) -> Line | None:
    """A caption opening the page, with no figure above it on the page."""
    text = [line for line in page.lines if not line.figure]
    if not text or "caption" not in {tag.lower() for tag in text[0].tags}:
        return None
    above = (any(line.figure for line in page.lines[:page.lines.index(text[0])])
             or any(top < text[0].top for top in page.picture_tops))
    return None if above else text[0]


def _is_heading(line: Line) -> bool:
    return any(HEADING.match(tag) for tag in line.tags)


def _is_part_start(line: Line) -> bool:
    return "H1" in line.tags


def _fill(page: Page) -> float:
    """How much of the body's height the content takes, from the top of the body."""
    top = page.height * BAND
    bottom = page.height * (1 - BAND)
    lowest = max([line.bottom for line in page.lines] + [page.drawn_bottom])
    return max(0.0, min(1.0, (lowest - top) / (bottom - top)))


def toc_findings(name: str, pages: Sequence[Page]) -> list[Finding]:
    """Each table-of-contents entry's page number, against the page its heading is on;
    a number alone on its line. The entries are the links of the pages that hold the
    table of contents (LibreOffice draws the dot leaders, which are not text)."""
    findings = []
    headings: dict[str, int] = {}
    for page in pages:
        for text in _heading_texts(page):
            headings.setdefault(_normal(text), page.number)
    for page in pages:
        if not any(TOC_HEADING in line.tags for line in page.lines):
            continue
        pending = ""
        for line in page.lines:
            if "Link" not in line.tags:
                continue
            entry = TOC_ENTRY.match(line.text.strip())
            if entry is None:
                pending = f"{pending} {line.text}".strip()
                continue
            title = f"{pending} {entry.group('title')}".strip()
            pending = ""
            if not entry.group("title"):
                findings.append(Finding(name, page.number, "sommaire",
                                        f"le numéro de page de « {title} » est seul sur sa "
                                        "ligne"))
            target = headings.get(_normal(title))
            if target is None:
                findings.append(Finding(name, page.number, "sommaire",
                                        f"le sommaire renvoie à « {title} », titre introuvable"))
            elif target != int(entry.group("page")):
                findings.append(Finding(name, page.number, "sommaire",
                                        f"le sommaire renvoie « {title} » à la page "
                                        f"{entry.group('page')}, il est page {target}"))
    return findings


def _heading_texts(page: Page) -> list[str]:
    """The page's headings, a heading on two lines (same tag, close together) joined."""
    texts: list[str] = []
    previous: Line | None = None
    for line in page.lines:
        if not _is_heading(line):
            previous = None
            continue
        if (previous is not None and previous.tags == line.tags
                and line.top - previous.bottom < 0.6 * (previous.bottom - previous.top)):
            texts[-1] += " " + line.text
        else:
            texts.append(line.text)
        previous = line
    return texts


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()
