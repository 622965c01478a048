"""Checking a Word template before rendering: every problem at once, with its place.

The text of each paragraph becomes one line of a Jinja source, so a Jinja
line number is a paragraph, and a paragraph is a place a Word user can find.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import typing
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from ..content.source import shown
from ..content.validation import did_you_mean
from ..documents.charts import Chart
from ..documents.context import FORMER_ATTRIBUTES
from ..documents.french import plural
from ..errors import Problem, TemplateError, display_path
from . import safe_xml
from .chart_markers import name_document_charts
from .fields import attributes, context_class, element_type, is_model, unwrap_optional
from .native_charts import (
    CATEGORY_CHARTS,
    CHART_CONTENT_TYPE,
    C,
    ChartDataError,
    chart_fields,
    chart_name,
    chart_space,
    drawings,
    linked_file,
    linked_reason,
)
from .quotes import joined_braces, straight_quotes
from .sandbox import MAX_LENGTH, Sandbox
from .template_file import damaged, read_template
from .toc import result_paragraphs, template_warnings

if TYPE_CHECKING:  # python-docx and lxml are imported when a template is read only
    from docx.document import Document
    from docx.opc.part import Part
    from lxml import etree

TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
# docxtpl's markers: {%p %} paragraph, {%tr %} row, {%tc %} cell, {%r %} run.
DOCXTPL_MARK = re.compile(r"^(\{\{|\{%)(p|tr|tc|r)\s")
OPENERS = {"for": "endfor", "if": "endif", "with": "endwith", "filter": "endfilter"}
MIDDLES = {"elif": ("if",), "else": ("if", "for")}
KNOWN_TAGS = ["for", "if", "elif", "else", "endfor", "endif", "set", "with", "endwith"]
# What the rendering sandbox offers: `{{ x|nom }}` and `{% if x is nom %}` are checked here.
FILTERS = frozenset(SandboxedEnvironment().filters)
TESTS = frozenset(SandboxedEnvironment().tests)
GLOBALS = frozenset(Sandbox().globals)
# The largest number a tag may write: a width, a count, a repetition ('-' * 20) is far
# smaller, and a bigger one makes results too big to compute ({{ 'x' * 10000000000 }}):
# the size the rendering sandbox holds every computed text or list to.
MAX_NUMBER = MAX_LENGTH
TOO_BIG = "son résultat peut être trop grand pour être calculé"


@dataclass(frozen=True)
class Paragraph:
    text: str
    place: str  # « paragraphe 12 », « tableau 1, ligne 2, colonne 1 », « en-tête »
    in_table: bool
    row_text: str = ""  # in a table, the text of the paragraph's whole row
    charts: tuple[str, ...] = ()  # the names of the native charts it holds
    element: Any = field(default=None, compare=False, repr=False)  # its w:p, in the body

    def where(self) -> str:
        excerpt = self.text.strip()
        if len(excerpt) > 60:
            excerpt = excerpt[:57] + "…"
        return f"{self.place} « {excerpt} »"


def damaged_message(error: Exception) -> str:
    """Why python-docx cannot open a package, in French and without the file's path."""
    from lxml import etree

    text = str(error)
    if isinstance(error, (zipfile.BadZipFile, zlib.error, EOFError)) or "CRC" in text:
        reason = "archive abîmée : ré-enregistrez-le depuis Word"
    elif isinstance(error, KeyError) and "[Content_Types].xml" in text:
        reason = "archive zip sans contenu Word"
    elif "is not a Word file" in text:
        # The most precise first: a .dotm's content type names a template too.
        kinds = {"spreadsheetml": "un classeur Excel",
                 "presentationml": "une présentation PowerPoint",
                 "macroEnabledTemplate": "un modèle Word avec macros (.dotm)",
                 "macroEnabled": "un document Word avec macros (.docm)",
                 "template": "un modèle Word (.dotx)"}
        kind = next((v for k, v in kinds.items() if k in text), "un autre type de document")
        reason = (f"c'est {kind} : enregistrez-le au format « Document Word (*.docx) »")
    elif isinstance(error, etree.XMLSyntaxError):
        reason = "contenu XML invalide : ré-enregistrez-le depuis Word"
    else:
        reason = text
    return damaged(reason)


def check_templates(templates: dict[Path, str],
                    sources: Mapping[Path, bytes] | None = None) -> None:
    """Raise one TemplateError listing the problems of every template (path → kind);
    `sources`: their bytes when already read."""
    problems: list[Problem] = []
    for path, kind in templates.items():
        problems += check_template(path, context_class(kind), (sources or {}).get(path))
    if problems:
        raise TemplateError(problems)


# What check_template found, by the template's bytes, its context and the name it is
# shown by: `apercu` and `saisie` check the same templates at every save, and so does
# every build of a process (a test session's). Bounded: a template edited all day.
_CHECKED: dict[tuple[str, type, str], tuple[Problem, ...]] = {}
MAX_CHECKED = 32


def check_template(path: Path, context: type, data: bytes | None = None) -> list[Problem]:
    try:
        data = read_template(path) if data is None else data
    except TemplateError as error:
        return error.problems
    key = (hashlib.sha256(data).hexdigest(), context, display_path(path))
    if key not in _CHECKED:
        if len(_CHECKED) >= MAX_CHECKED:
            _CHECKED.clear()
        _CHECKED[key] = tuple(_check_template(path, context, data))
    return list(_CHECKED[key])


def _check_template(path: Path, context: type, data: bytes) -> list[Problem]:
    try:
        document = _document(path, data)
    except TemplateError as error:
        return error.problems
    name_document_charts(document)
    name = display_path(path)
    charts = _named_charts(document)
    problems = [Problem(name, None, None, message)
                for message in _doctypes(data, charts) + _unrendered(document)
                + _external(document) + _fetching_fields(document)
                + _linked_charts(document) + _chart_parts(charts)]
    for paragraphs in _stories(document):
        problems += [Problem(name, None, None, message) for message in
                     _check_story(paragraphs, context)]
    return problems


def toc_warnings(path: Path) -> list[Problem]:
    """`verifier`'s warnings on a template's tables of contents (what they would list
    badly), each with the paragraph in question; none for a template it cannot open."""
    try:
        document = _document(path, read_template(path))
    except TemplateError:
        return []  # reported by check_template
    body = document.element.body
    paragraphs = {paragraph.element: paragraph for paragraph in _body_paragraphs(body)}
    return [Problem(display_path(path), None, None,
                    f"{_place(paragraphs.get(element))} : {message}")
            for element, message in template_warnings(body, document.styles.element)]


def _trees(document: Document) -> Iterator[tuple[list[Paragraph], nodes.Template]]:
    """Each story's paragraphs and Jinja tree (one line per paragraph); none for a
    story that does not parse (check_template reports it)."""
    for paragraphs in _stories(document):
        source = "\n".join(_jinja_line(p.text) for p in paragraphs)
        try:
            yield paragraphs, jinja2.Environment().parse(source)
        except jinja2.TemplateSyntaxError:
            continue


def _valid_document(path: Path) -> Document | None:
    """The template as the checker reads it (its charts named by their markers), or
    None when it cannot be opened (check_template reports why)."""
    try:
        document = _document(path, read_template(path))
    except TemplateError:
        return None
    name_document_charts(document)
    return document


def empty_field_uses(path: Path, context: type) -> list[tuple[str, str]]:
    """(the paragraph, the field) of each use of a field that can be empty outside an
    « if » that tests it (empty_fields.py), in a template with no problem."""
    from .empty_fields import unguarded_uses

    fields = {name for name, (_, annotation) in attributes(context).items()
              if unwrap_optional(annotation) is not annotation
              and unwrap_optional(annotation) is not Chart}
    document = _valid_document(path)
    if document is None:
        return []
    return [(paragraphs[line - 1].where(), name)
            for paragraphs, tree in _trees(document)
            for line, name in unguarded_uses(tree, fields)]


def missing_charts(path: Path, context: type) -> list[Problem]:
    """`verifier`'s warnings on the charts a template no longer shows: neither a native
    chart of its name nor a tag printing its field (a chart cut and pasted as a
    picture, or deleted)."""
    document = _valid_document(path)
    if document is None:
        return []
    native = {name for paragraphs in _stories(document) for p in paragraphs
              for name in p.charts}
    printed = {name.name for _, tree in _trees(document)
               for output in tree.find_all(nodes.Output)
               for name in output.find_all(nodes.Name)}
    return [Problem(display_path(path), None, None,
                    f"graphique « {chart_name(field)} » absent du modèle (ni graphique Word "
                    f"de ce nom, ni balise « {{{{ {field} }}}} ») : les documents seront "
                    "publiés sans lui ; collez à sa place le graphique du modèle livré "
                    f"suivi de « {{# {chart_name(field)} #}} » (Word et LibreOffice), ou "
                    f"écrivez « {{{{ {field} }}}} » seul dans un paragraphe pour le recevoir "
                    "en image")
            for field in chart_fields(context)
            if chart_name(field) not in native and field not in printed]


def chart_series(path: Path) -> dict[str, int]:
    """The series of each native chart of a template with categories: its name → how
    many (the data of a document needs one per column)."""
    document = _valid_document(path)
    if document is None:
        return {}
    counts = {}
    for part, name in _named_charts(document).values():
        try:
            space = chart_space(part.blob)
        except ChartDataError:
            continue  # reported by check_template
        counts[name] = sum(len(chart.findall(f"{{{C}}}ser")) for chart in space.iterfind(
            f"{{{C}}}chart/{{{C}}}plotArea/*") if chart.tag in CATEGORY_CHARTS)
    return counts


def comment_warnings(path: Path) -> list[Problem]:
    """`verifier`'s warning on a template's comments, which the build removes
    (comments.py)."""
    document = _valid_document(path)
    if document is None:
        return []
    texts = [_text(comment).strip() for element in _parts(document, COMMENTS)
             for comment in element.iterchildren(_qn("w:comment"))]
    if not texts:
        return []
    excerpts = " ; ".join(f"« {text[:40]}{'…' if len(text) > 40 else ''} »" for text in texts[:3])
    more = " ; …" if len(texts) > 3 else ""
    return [Problem(display_path(path), None, None,
                    f"{plural(len(texts), 'commentaire')} ({excerpts}{more}) : retirés des "
                    "documents publiés ; supprimez-les du modèle quand ils n'ont plus "
                    "d'usage (Word : Révision › Supprimer › Supprimer tous les commentaires "
                    "du document ; LibreOffice : clic droit sur un commentaire › Supprimer "
                    "tous les commentaires)")]


def _place(paragraph: Paragraph | None) -> str:
    if paragraph is None:
        return "corps du document"
    return paragraph.where() if paragraph.text.strip() else f"{paragraph.place} (sommaire)"


def accessibility_problems(path: Path, data: bytes | None = None) -> list[Problem]:
    """What Word's accessibility checker and the OOXML schema would say of a valid
    template, each with its place: warnings, or errors under « verifier --strict »."""
    from .accessibility import findings
    from .schema_order import misplaced_in_package

    data = read_template(path) if data is None else data
    name = display_path(path)
    return [Problem(name, None, None, str(found))
            for found in [*findings(data), *misplaced_in_package(data)]]


def _document(path: Path, data: bytes) -> Document:
    import docx

    try:
        return docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds on a damaged package
        raise TemplateError([Problem(display_path(path), None, None,
                                     damaged_message(error))]) from None


# The kinds of header and footer a section refers to, as Word names them.
_HEADER_KINDS = {"default": "", "first": " de première page", "even": " de page paire"}
_WORD_ML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
FOOTNOTES = _WORD_ML + "footnotes+xml"
# Parts docxtpl leaves as they are: a tag there would be published as typed.
COMMENTS = _WORD_ML + "comments+xml"
UNRENDERED = {_WORD_ML + "endnotes+xml": ("note de fin", "w:endnote"),
              COMMENTS: ("commentaire", "w:comment")}
TRACKED = ("w:ins", "w:del", "w:moveFrom", "w:moveTo")


def _stories(document: Document) -> Iterator[list[Paragraph]]:
    """What docxtpl renders, each as it renders it (one Jinja source): the body, every
    header and footer of the document (even-page ones too), the footnotes."""
    yield list(_body_paragraphs(document.element.body))
    for label, element in _headers_and_footers(document):
        yield [Paragraph(_text(p), f"{label}, paragraphe {i}", False, charts=_chart_names(p))
               for i, p in enumerate(element.iter(_qn("w:p")), 1)]
    for element in _parts(document, FOOTNOTES):
        yield [Paragraph(_text(p), f"note de bas de page {note}, paragraphe {i}", False)
               for note, p, i in _notes(element, "w:footnote")]


def _headers_and_footers(document: Document) -> Iterator[tuple[str, etree._Element]]:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    kinds: dict[str, str] = {}
    for reference in document.element.body.iter(_qn("w:headerReference"),
                                                _qn("w:footerReference")):
        kinds.setdefault(reference.get(_qn("r:id")), reference.get(_qn("w:type")) or "default")
    for rel_id, rel in document.part.rels.items():  # as docxtpl goes through them
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            noun = "en-tête" if rel.reltype == RT.HEADER else "pied de page"
            yield noun + _HEADER_KINDS.get(kinds.get(rel_id, "default"), ""), \
                rel.target_part.element


def _parts(document: Document, content_type: str) -> Iterator[etree._Element]:
    from docx.oxml import parse_xml

    for part in document.part.package.iter_parts():
        if part.content_type == content_type:
            yield parse_xml(part.blob)


def _notes(element: etree._Element, tag: str) -> Iterator[tuple[int, etree._Element, int]]:
    """(number, paragraph, its number in the note) of the real notes (not the separators
    Word keeps with them)."""
    number = 0
    for note in element.iterchildren(_qn(tag)):
        if note.get(_qn("w:type")) in ("separator", "continuationSeparator",
                                       "continuationNotice"):
            continue
        number += 1
        for index, paragraph in enumerate(note.iter(_qn("w:p")), 1):
            yield number, paragraph, index


def _unrendered(document: Document) -> list[str]:
    """What the checker refuses before reading the tags: tags where docxtpl would leave
    them as typed (endnotes, comments, field codes), and tracked changes, whose deleted
    text docxtpl would render too."""
    messages = []
    for content_type, (noun, tag) in UNRENDERED.items():
        for element in _parts(document, content_type):
            for number, paragraph, _ in _notes(element, tag):
                for found in TAG.findall(_text(paragraph)):
                    messages.append(f"{noun} {number} : balise « {found} » : elle ne serait "
                                    "pas remplacée mais publiée telle quelle ; mettez-la "
                                    "dans le texte ou dans une note de bas de page")
    for label, element in _story_elements(document):
        codes = "".join(node.text or "" for node in element.iter(_qn("w:instrText")))
        for found in TAG.findall(codes):
            messages.append(f"{label} : balise « {found} » dans un code de champ Word "
                            "(Alt+F9 les montre) : écrivez-la dans le texte")
        if next(element.iter(*map(_qn, TRACKED)), None) is not None:
            messages.append(f"{label} : le modèle contient des modifications suivies : "
                            "acceptez-les ou refusez-les (onglet Révision) avant de l'utiliser")
    return messages


def _story_elements(document: Any) -> list[tuple[str, Any]]:
    """(label, element) of what docxtpl renders: the body, the headers and footers, the
    footnotes."""
    return [("corps du document", document.element.body), *_headers_and_footers(document),
            *(("notes de bas de page", element) for element in _parts(document, FOOTNOTES))]


# Field codes that make Word read a file or ask another program each time the document
# is opened or its fields updated: the same as a linked relationship (_external).
FETCHING_FIELDS = ("INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE", "LINK", "DDE", "DDEAUTO",
                   "IMPORT")


def _field_instructions(element: Any) -> Iterator[str]:
    """The instruction of every field under `element`: simple fields (w:fldSimple) and
    complex ones (w:instrText between w:fldChar begin and separate), nested ones too."""
    open_fields: list[list[str]] = []
    for node in element.iter(_qn("w:fldSimple"), _qn("w:fldChar"), _qn("w:instrText")):
        if node.tag == _qn("w:fldSimple"):
            yield node.get(_qn("w:instr")) or ""
        elif node.tag == _qn("w:instrText"):
            if open_fields:
                open_fields[-1].append(node.text or "")
            continue
        kind = node.get(_qn("w:fldCharType"))
        if kind == "begin":
            open_fields.append([])
        elif kind in ("separate", "end") and open_fields:
            yield "".join(open_fields.pop())
    yield from ("".join(parts) for parts in open_fields)  # a field never closed


def _fetching_fields(document: Any) -> list[str]:
    """Fields that fetch a file or a program's data (INCLUDETEXT, INCLUDEPICTURE, LINK,
    DDE…): refused as a linked relationship is."""
    messages = []
    for label, element in _story_elements(document):
        for instruction in _field_instructions(element):
            words = instruction.split(None, 1)
            keyword = words[0].upper() if words else ""
            if keyword not in FETCHING_FIELDS:
                continue
            # The file is the first quoted argument (LINK and DDE name a program first).
            rest = words[1] if len(words) > 1 else ""
            quoted = re.search(r'"([^"]*)"', rest)
            target = quoted.group(1) if quoted else (rest.split() or [""])[0]
            messages.append(f"{label} : champ Word « {keyword} » vers « {shown(target)} » : "
                            "Word irait chercher ce fichier à chaque ouverture des documents "
                            "publiés ; intégrez son contenu au modèle ou retirez ce champ "
                            "(Alt+F9 montre les codes de champ)")
    return messages


# What Word would fetch from elsewhere each time the published document is opened;
# a link to click (a hyperlink) is fine.
_FETCHED = {"attachedTemplate": "modèle attaché", "image": "image liée",
            "oleObject": "objet lié", "subDocument": "sous-document",
            "frame": "cadre lié", "package": "objet lié"}


def _external(document: Document) -> list[str]:
    """Relationships to files or addresses outside the template, which every document
    built from it would carry to its readers (a remote attachedTemplate, a linked image)."""
    messages = []
    for part in document.part.package.iter_parts():
        if part.content_type == CHART_CONTENT_TYPE:
            continue  # said with the chart's name (_linked_charts)
        for rel in part.rels.values():
            kind = rel.reltype.rpartition("/")[2]
            if rel.is_external and kind != "hyperlink":
                what = _FETCHED.get(kind, "fichier lié")
                messages.append(f"{what} hors du modèle, « {shown(rel.target_ref)} » : Word "
                                "irait chercher ce fichier à chaque ouverture des documents "
                                "publiés ; intégrez-le au modèle (sans « Lier au fichier ») "
                                "ou retirez ce lien")
    return messages


def _linked_charts(document: Document) -> list[str]:
    """Native charts whose data is linked to an outside workbook (pasted from Excel
    « avec liaison »): Word would update them from that file, over the build's data."""
    names: dict[Part, str] = {}
    for doc_pr, rel_id in drawings(document.element.body):
        part = document.part.related_parts.get(rel_id)
        if part is not None:
            names.setdefault(part, doc_pr.get("name", ""))
    messages = []
    for part, name in names.items():
        target = linked_file(part)
        if target is not None:
            messages.append(f"graphique « {name} » : {linked_reason(shown(target))}")
    return messages


def _named_charts(document: Any) -> dict[str, tuple[Any, str]]:
    """Each chart part a drawing shows (in the body, a header or a footer): its part
    name → (the part, the drawing's name)."""
    found: dict[str, tuple[Any, str]] = {}
    for part in document.part.package.iter_parts():
        element = getattr(part, "element", None)
        if element is None:
            continue
        for doc_pr, rel_id in drawings(element):
            chart = part.related_parts.get(rel_id)
            if chart is not None:
                found.setdefault(str(chart.partname).lstrip("/"), (chart, doc_pr.get("name", "")))
    return found


def _chart_parts(charts: dict[str, tuple[Any, str]]) -> list[str]:
    """Chart parts the build could not read: a DOCTYPE (entities that would expand, or
    read a file), an index that is not a number."""
    messages = []
    for part, name in charts.values():
        try:
            chart_space(part.blob)
        except ChartDataError as error:
            messages.append(f"graphique « {shown(name)} » : {error}")
    return messages


def _doctypes(data: bytes, charts: dict[str, tuple[Any, str]]) -> list[str]:
    """The template's other XML parts with a DOCTYPE (Word never writes one)."""
    from lxml import etree

    messages = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for part in package.namelist():
            if part in charts or not part.endswith((".xml", ".rels")):
                continue
            try:
                safe_xml.parse(package.read(part))
            except safe_xml.UnsafeXml as error:
                messages.append(f"partie « {shown(part)} » du modèle refusée ({error}) : "
                                "ré-enregistrez le modèle depuis Word")
            except etree.XMLSyntaxError:
                continue  # what python-docx reads is checked by it; the rest is not used
    return messages


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _text(element: etree._Element) -> str:
    """A paragraph's text as docxtpl renders it: Word's typographic quotes in a tag
    read as straight ones."""
    parts = []
    for node in element.iter(_qn("w:t"), _qn("w:tab"), _qn("w:br")):
        parts.append(node.text or "" if node.tag == _qn("w:t") else " ")
    return straight_quotes(joined_braces("".join(parts)))


def _body_paragraphs(body: etree._Element) -> Iterator[Paragraph]:
    counts = {"paragraphs": 0, "tables": 0}
    yield from _blocks(body, counts, result_paragraphs(body))


def _blocks(container: etree._Element, counts: dict[str, int],
            toc_entries: set[etree._Element]) -> Iterator[Paragraph]:
    """The paragraphs and tables of the body in order, those inside block content
    controls (w:sdt) and other wrappers too: docxtpl renders them all. The entries a
    table of contents displays are counted but not read: the build replaces them."""
    for child in container.iterchildren():
        if child.tag == _qn("w:p"):
            counts["paragraphs"] += 1
            yield Paragraph("" if child in toc_entries else _text(child),
                            f"paragraphe {counts['paragraphs']}", False,
                            charts=_chart_names(child), element=child)
        elif child.tag == _qn("w:tbl"):
            counts["tables"] += 1
            tables = counts["tables"]
            for r, row in enumerate(child.iterchildren(_qn("w:tr")), 1):
                row_text = _text(row)
                for c, cell in enumerate(row.iterchildren(_qn("w:tc")), 1):
                    for p in cell.iter(_qn("w:p")):
                        yield Paragraph(_text(p), f"tableau {tables}, ligne {r}, colonne {c}",
                                        True, row_text, _chart_names(p), element=p)
        elif child.tag != _qn("w:sectPr"):
            yield from _blocks(child, counts, toc_entries)


def _chart_names(paragraph: etree._Element) -> tuple[str, ...]:
    return tuple(doc_pr.get("name", "") for doc_pr, _ in drawings(paragraph))


def _check_story(paragraphs: list[Paragraph], context: type) -> list[str]:
    charts: list[str] = []
    tags = _check_story_tags(paragraphs, context, charts)
    return charts + tags


def _check_charts(paragraph: Paragraph, stack: list[tuple[str, Paragraph]],
                  context: type) -> list[str]:
    """A native chart must have a name the build knows, and be shown once: a chart in
    a loop would show the same data at each turn."""
    if not paragraph.charts:
        return []  # most paragraphs: the context's fields are not read for them
    known = [chart_name(field) for field in chart_fields(context)]
    loops = [opened for keyword, opened in stack if keyword == "for"]
    messages = []
    for name in paragraph.charts:
        if name not in known:
            messages.append(
                f"{paragraph.place} : graphique « {shown(name)} » inconnu"
                f"{did_you_mean(name, known)} : écrivez son nom juste après lui, dans son "
                "paragraphe ou sa légende, « {# graphique-… #} » (Word et LibreOffice), ou "
                "donnez-le-lui dans Word (Accueil > Sélectionner > Volet Sélection) ; "
                "graphiques connus : "
                + ", ".join(f"« {known_name} »" for known_name in known))
        if loops:
            messages.append(
                f"{paragraph.place} : le graphique « {shown(name)} » est dans une boucle "
                f"« for » (ouverte en {loops[-1].place}) : un graphique Word n'a qu'un jeu de "
                "données, chaque tour de boucle montrerait les mêmes ; placez-le hors de la "
                "boucle")
    return messages


def _check_story_tags(paragraphs: list[Paragraph], context: type,
                      charts: list[str]) -> list[str]:
    """The tags' problems; the charts' go to `charts`, found on the way (a chart's
    problems need the blocks open where it is)."""
    messages: list[str] = []
    stack: list[tuple[str, Paragraph]] = []
    for paragraph in paragraphs:
        charts += _check_charts(paragraph, stack, context)
        messages += _check_markers(paragraph)
        for tag in TAG.findall(paragraph.text):
            messages += _check_tag_syntax(tag, paragraph)
            messages += _balance(tag, paragraph, stack)
    for keyword, paragraph in stack:
        marker = _marker(paragraph, keyword)
        messages.append(f"{paragraph.where()} : bloc « {keyword} » jamais fermé "
                        f"(il manque « {{%{marker} {OPENERS[keyword]} %}} »)")
    if messages:
        return messages + _check_fields_tag_by_tag(paragraphs, context)
    source = "\n".join(_jinja_line(p.text) for p in paragraphs)
    try:
        tree = jinja2.Environment().parse(source)
    except jinja2.TemplateSyntaxError as error:
        paragraph = paragraphs[min(error.lineno, len(paragraphs)) - 1]
        return [f"{paragraph.where()} : syntaxe invalide ({_french(error.message)})"]
    checker = _FieldChecker(context, paragraphs)
    checker.visit_all(tree.body, _top_scope(context))
    return checker.messages


def _top_scope(context: type) -> dict[str, Any]:
    """The names a template starts with: its fields, and what the sandbox offers
    (range, namespace, dict…)."""
    return {**{name: Any for name in GLOBALS},
            **{name: annotation for name, (_, annotation) in attributes(context).items()}}


# Jinja's words (English), in French.
_TOKENS = {"end of print statement": "}}", "end of statement block": "%}",
           "end of template": "la fin de la balise", "name": "un nom"}


def _french(message: str | None) -> str:
    """Jinja's syntax error, in French."""
    message = message or ""
    if found := re.match(r"unexpected char '(.)'", message):
        return f"caractère « {found.group(1)} » inattendu"
    if found := re.match(r"expected token '(.+?)', got '(.+?)'", message):
        expected = _TOKENS.get(found.group(1), found.group(1))
        return f"« {found.group(2)} » inattendu, « {expected} » attendu"
    if re.match(r"unexpected end of template", message):
        return "balise incomplète (une parenthèse, un crochet ou un guillemet n'est pas fermé)"
    if found := re.match(r"unexpected '(.+?)'", message):
        return f"« {found.group(1)} » inattendu"
    return "balise mal écrite"


def _marker(paragraph: Paragraph, keyword: str) -> str:
    """The docxtpl marker (p, tr, tc, r) of the tag opening `keyword` in the paragraph."""
    for tag in TAG.findall(paragraph.text):
        statement = _statement(tag)
        marker = DOCXTPL_MARK.match(tag)
        if statement and statement[0] == keyword:
            return marker.group(2) if marker else ""
    return "p"


def _check_fields_tag_by_tag(paragraphs: list[Paragraph], context: type) -> list[str]:
    """When the blocks do not fit together, the fields are still checked, tag by tag:
    so one `check` lists every mistake. Loop variables are then known by name only."""
    scope = _top_scope(context)
    messages: list[str] = []
    for paragraph in paragraphs:
        for tag in TAG.findall(paragraph.text):
            statement = _statement(tag)
            if statement is None:
                snippet = _jinja_line(tag)
            elif statement[0] == "for":
                snippet = f"{{% for {statement[1]} %}}{{% endfor %}}"
            elif statement[0] in ("if", "elif"):
                snippet = f"{{{{ {statement[1]} }}}}"
            else:
                continue
            try:
                tree = jinja2.Environment().parse(snippet)
            except jinja2.TemplateSyntaxError:
                continue  # already reported by the tag's own check
            checker = _FieldChecker(context, [paragraph])
            checker.visit_all(tree.body, scope)
            messages += checker.messages
            for loop in tree.find_all(nodes.For):
                if isinstance(loop.target, nodes.Name):
                    scope[loop.target.name] = element_type(checker.visit(loop.iter, scope))
                else:
                    scope.update({n.name: Any for n in loop.target.find_all(nodes.Name)})
    return messages


def _jinja_line(text: str) -> str:
    return TAG.sub(lambda m: DOCXTPL_MARK.sub(r"\1 ", m.group(0)), text.replace("\n", " "))


def _check_markers(paragraph: Paragraph) -> list[str]:
    text = paragraph.text
    messages = []
    stray = TAG.sub("", text)
    for opening in ("{{", "{%"):
        if opening in stray:
            messages.append(f"{paragraph.where()} : balise « {opening} » non fermée "
                            f"(il manque « {'}}' if opening == '{{' else '%}'} »)")
    for tag in TAG.findall(text):
        marker = DOCXTPL_MARK.match(tag)
        if not marker:
            continue
        kind = marker.group(2)
        if kind == "p" and text.strip() != tag.strip():
            messages.append(f"{paragraph.where()} : une balise « {{%p … %}} » doit être seule "
                            "dans son paragraphe (le reste du paragraphe serait supprimé)")
        if kind in ("tr", "tc") and not paragraph.in_table:
            messages.append(f"{paragraph.where()} : une balise « {{%{kind} … %}} » doit être "
                            "dans une cellule de tableau")
        elif kind == "tr" and paragraph.row_text.strip() != tag.strip():
            messages.append(f"{paragraph.where()} : une balise « {{%tr … %}} » doit être seule "
                            "dans sa ligne de tableau (le reste de la ligne serait supprimé)")
    return messages


def _statement(tag: str) -> tuple[str, str] | None:
    """(keyword, rest) of a {% %} tag, docxtpl marker removed."""
    if not tag.startswith("{%"):
        return None
    inner = DOCXTPL_MARK.sub(r"\1 ", tag)[2:-2].strip("-+ \t")
    keyword, _, rest = inner.partition(" ")
    return keyword, rest


def _check_tag_syntax(tag: str, paragraph: Paragraph) -> list[str]:
    statement = _statement(tag)
    if statement is None:
        snippet = _jinja_line(tag)
    else:
        keyword, rest = statement
        if keyword in OPENERS:
            snippet = f"{{% {keyword} {rest} %}}{{% {OPENERS[keyword]} %}}"
        elif keyword == "elif":
            snippet = f"{{% if 1 %}}{{% elif {rest} %}}{{% endif %}}"
        elif keyword in ("else",) or keyword.startswith("end"):
            return [] if keyword in ("else", *OPENERS.values()) else [
                f"{paragraph.where()} : balise inconnue « {keyword} »"
                + did_you_mean(keyword, KNOWN_TAGS)]
        elif keyword != "set":
            # include, extends, import, macro…: Jinja knows them, a Word template cannot
            # use them (no other template to load): refused here, not at rendering.
            return [f"{paragraph.where()} : balise inconnue « {keyword} »"
                    + did_you_mean(keyword, KNOWN_TAGS)]
        else:
            snippet = _jinja_line(tag)
    try:
        jinja2.Environment().parse(snippet)
    except jinja2.TemplateSyntaxError as error:
        unknown = re.match(r"Encountered unknown tag '([^']+)'", error.message or "")
        if unknown:
            return [f"{paragraph.where()} : balise inconnue « {unknown.group(1)} »"
                    + did_you_mean(unknown.group(1), KNOWN_TAGS)]
        return [f"{paragraph.where()} : syntaxe invalide dans « {tag} » "
                f"({_french(error.message)})"]
    return []


def _balance(tag: str, paragraph: Paragraph, stack: list[tuple[str, Paragraph]]) -> list[str]:
    statement = _statement(tag)
    if statement is None:
        return []
    keyword = statement[0]
    if keyword in OPENERS:
        stack.append((keyword, paragraph))
    elif keyword in MIDDLES:
        if not stack or stack[-1][0] not in MIDDLES[keyword]:
            return [f"{paragraph.where()} : « {keyword} » hors d'un bloc "
                    f"« {' ou '.join(MIDDLES[keyword])} »"]
    elif keyword in OPENERS.values():
        opener = next(k for k, v in OPENERS.items() if v == keyword)
        if not stack:
            return [f"{paragraph.where()} : « {keyword} » sans « {opener} » correspondant"]
        open_keyword, open_paragraph = stack.pop()
        if open_keyword != opener:
            stack.append((open_keyword, open_paragraph))
            return [f"{paragraph.where()} : « {keyword} » ferme un bloc « {open_keyword} » "
                    f"ouvert en {open_paragraph.place}"]
    return []


# What a field of a plain type is, said when a template reads an attribute it does not
# have (« lieu.tpl »): its methods (« lieu.upper() ») and a date's parts are allowed.
_SCALAR_KINDS: dict[Any, str] = {
    str: "c'est un texte, qui n'a pas de champs",
    int: "c'est un nombre, qui n'a pas de champs",
    float: "c'est un nombre, qui n'a pas de champs",
    bool: "c'est un oui ou non, qui n'a pas de champs",
    datetime.date: "c'est une date, dont les champs sont « year », « month » et « day »",
}


class _FieldChecker:
    """Walks the Jinja tree, typing names from the context, to find unknown fields."""

    def __init__(self, context: type, paragraphs: list[Paragraph]):
        self.context = context
        self.paragraphs = paragraphs
        self.messages: list[str] = []

    def visit_all(self, body: list[nodes.Node], scope: dict[str, Any]) -> None:
        for node in body:
            self.visit(node, scope)

    def visit(self, node: nodes.Node, scope: dict[str, Any]) -> Any:
        if isinstance(node, nodes.For):
            item = element_type(self.visit(node.iter, scope))
            inner = dict(scope, loop=Any)
            for target in ([node.target] if isinstance(node.target, nodes.Name)
                           else node.target.find_all(nodes.Name)):
                inner[target.name] = item if isinstance(node.target, nodes.Name) else Any
            if node.test is not None:
                self.visit(node.test, inner)
            self.visit_all(node.body, inner)
            self.visit_all(node.else_, scope)
            return None
        if isinstance(node, (nodes.Assign, nodes.AssignBlock)):
            for target in _names(node.target):
                scope[target.name] = Any
            for child in node.iter_child_nodes(exclude=("target",)):
                self.visit(child, scope)
            return None
        if isinstance(node, nodes.With):
            for value in node.values:
                self.visit(value, scope)
            inner = dict(scope)
            for assigned in node.targets:
                inner.update({name.name: Any for name in _names(assigned)})
            self.visit_all(node.body, inner)
            return None
        if isinstance(node, (nodes.Filter, nodes.Test)) and node.name is not None:
            known = FILTERS if isinstance(node, nodes.Filter) else TESTS
            if node.name not in known:
                noun = "filtre" if isinstance(node, nodes.Filter) else "test"
                self._report(node, f"{noun} inconnu « {node.name} »"
                             + did_you_mean(node.name, sorted(known)))
        if isinstance(node, nodes.Pow):
            # 9**(9**9) has 370 million digits: no template needs a power.
            self._report(node, f"expression interdite (puissance « ** ») : {TOO_BIG}")
            for operand in _operands(node):
                self.visit(operand, scope)
            return Any
        if isinstance(node, nodes.Const) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool) and abs(node.value) > MAX_NUMBER:
            self._report(node, f"expression interdite (nombre {node.value} supérieur à "
                               f"{MAX_NUMBER}) : {TOO_BIG}")
            return Any
        if isinstance(node, nodes.Name):
            if node.ctx == "load" and node.name not in scope:
                hint = self._renamed(node.name) or did_you_mean(
                    node.name, [n for n in scope if n != "loop" and n not in GLOBALS])
                self._report(node, f"champ inconnu « {node.name} »{hint}")
            return scope.get(node.name, Any)
        if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) \
                and node.node.name not in scope \
                and self._former_names().get(node.node.name) == "":
            # `report.place` of the first templates: the group is gone, its fields are
            # at the top level under their French names.
            new = FORMER_ATTRIBUTES.get(node.attr, node.attr)
            self._report(node, f"champ inconnu « {node.node.name}.{node.attr} » : il "
                               f"s'appelle désormais « {new} »")
            return scope.get(new, Any)
        if isinstance(node, nodes.Filter) and node.name == "attr" and any(
                isinstance(arg, nodes.Const) and str(arg.value).startswith("_")
                for arg in node.args):
            self._report(node, "expression interdite (accès à un attribut interne « _ ») : "
                               "un modèle ne peut lire que les champs listés par « champs »")
            return Any
        if isinstance(node, (nodes.Getattr, nodes.Getitem)) and _private(node):
            self._report(node, "expression interdite (accès à un attribut interne « _ ») : "
                               "un modèle ne peut lire que les champs listés par « champs »")
            return Any
        if isinstance(node, nodes.Getattr):
            owner = unwrap_optional(self.visit(node.node, scope))
            if is_model(owner):
                fields = attributes(owner)
                if node.attr not in fields:
                    former = FORMER_ATTRIBUTES.get(node.attr)
                    hint = (f" : il s'appelle désormais « {former} »" if former in fields
                            else did_you_mean(node.attr, fields))
                    self._report(node, f"champ inconnu « {node.attr} » dans "
                                 f"« {_dotted(node.node)} »" + hint)
                    return Any
                return fields[node.attr][1]
            if owner is Chart:
                self._report(node, f"« {_dotted(node.node)} » est un graphique : il "
                             f"s'insère tel quel, « {{{{ {_dotted(node.node)} }}}} », "
                             f"sans « .{node.attr} »")
                return Any
            if typing.get_origin(owner) is list:
                self._report(node, f"« {_dotted(node.node)} » est une liste : parcourez-la "
                             f"avec « {{%p for … in {_dotted(node.node)} %}} »")
            elif owner in _SCALAR_KINDS and not hasattr(owner, node.attr):
                self._report(node, f"champ inconnu « {node.attr} » dans "
                             f"« {_dotted(node.node)} » : {_SCALAR_KINDS[owner]}")
                return Any
            return Any
        for child in node.iter_child_nodes():
            self.visit(child, scope)
        return Any

    def _former_names(self) -> dict[str, str]:
        return getattr(self.context, "FORMER_NAMES", {})

    def _renamed(self, name: str) -> str:
        """« : il s'appelle désormais « territoire » » for a name of the first, English
        templates; else nothing."""
        new = self._former_names().get(name)
        if new is None:
            return ""
        if new == "":
            return " : ses champs sont désormais au premier niveau (voir « champs »)"
        return f" : il s'appelle désormais « {new} »"

    def _report(self, node: nodes.Node, message: str) -> None:
        paragraph = self.paragraphs[min(node.lineno, len(self.paragraphs)) - 1]
        self.messages.append(f"{paragraph.where()} : {message}")


def _names(target: nodes.Node) -> list[nodes.Name]:
    """The names a `set`, `with` or `for` assigns: the target itself, or those of a tuple."""
    return [target] if isinstance(target, nodes.Name) else list(target.find_all(nodes.Name))


def _operands(power: nodes.Pow) -> Iterator[nodes.Node]:
    """The operands of a power, those of the powers inside it too: one message for
    « 9**(9**9) »."""
    for operand in (power.left, power.right):
        if isinstance(operand, nodes.Pow):
            yield from _operands(operand)
        else:
            yield operand


def _private(node: nodes.Getattr | nodes.Getitem) -> bool:
    name = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", "")
    return isinstance(name, str) and name.startswith("_")


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    return "…"
