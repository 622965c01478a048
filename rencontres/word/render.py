"""Render a Word template with a typed context, in the sandbox (sandbox.py)."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from ..documents.charts import Chart
from ..documents.context import TemplateContext
from ..errors import Problem, TemplateError, display_path
from .archive import PICTURES, deterministic_zip
from .chart_markers import name_document_charts
from .checker import damaged_message
from .comments import remove_comments
from .native_charts import fill_charts
from .pagination import keep_lists_together, let_short_parts_follow
from .quotes import joined_braces, straight_quotes
from .sandbox import Sandbox, TooBig, TooLong, literal, shared_sandbox, xml_text
from .strict_values import schema_values
from .template_file import read_template
from .toc import clear_results
from .values import template_values


@dataclass(frozen=True)
class Properties:
    """Core properties written into every document."""

    title: str
    subject: str
    keywords: str
    date: datetime.date
    author: str = "MOT"
    language: str = "fr-FR"


class DescribedImage(InlineImage):
    """An inline image whose alt text (docPr descr) states the chart's data."""

    def __init__(self, template: DocxTemplate, chart: Chart):
        super().__init__(template, io.BytesIO(chart.png), width=Mm(chart.width_mm))
        self.alt_text = chart.alt_text

    def _insert_image(self) -> str:
        xml = super()._insert_image()
        escaped = str(literal(self.alt_text)).replace('"', "&quot;")
        name = str(literal(picture_name(self.alt_text))).replace('"', "&quot;")
        # Functions, not replacement strings: a « \\ » of the alt text stays a character.
        xml = re.sub(r'(<wp:docPr [^>]*?)(/?>)',
                     lambda match: f'{match.group(1)} descr="{escaped}"{match.group(2)}',
                     xml, count=1)
        # Named by what it shows in Word's selection pane, not « Picture 1 ».
        return re.sub(r'(<(?:wp:docPr|pic:cNvPr) [^>]*?name=")[^"]*(")',
                      lambda match: f"{match.group(1)}{name}{match.group(2)}", xml)


def picture_name(alt_text: str) -> str:
    """« Graphique : nombre de votes par thème », « Carte : participants aux… », from
    the alt text's first sentence."""
    first = alt_text.split(". ", 1)[0].rstrip(".")
    if first.startswith("Carte des "):
        return f"Carte : {first[len('Carte des '):]}"
    return f"Graphique : {first[:1].lower()}{first[1:]}"


def render(template_path: Path, context: TemplateContext, properties: Properties,
           data: bytes | None = None) -> bytes:
    """Render to DOCX bytes; raise TemplateError naming the template and the field.
    `data`: the template's bytes, when the caller has read them already."""
    name = display_path(template_path)
    template = _open(template_path, read_template(template_path) if data is None else data)
    clear_results(template.docx.element.body)  # filled after rendering (publishing/toc.py)
    # Plain data only: never the InlineImage itself, whose `tpl` is the DocxTemplate. The
    # image is drawn when the template prints it, not before: a chart the template has as
    # a native Word chart is never drawn.
    values = template_values(
        context, lambda chart: lambda: DescribedImage(template, chart).__html__())
    # docxtpl renders these properties as templates too, where the checker does not
    # look and Word hides them (File > Info): a macro hidden in « Comments » ran for
    # ever. The build sets its own (_set_properties); the template's are dropped.
    core = template.docx.core_properties
    for rendered in _RENDERED_PROPERTIES:
        setattr(core, rendered, "")
    environment = shared_sandbox()
    environment.start()
    try:
        template.render(values, jinja_env=environment, autoescape=True)
    except TooBig as error:
        raise TemplateError([Problem(name, None, None, _too_big_message(error))]) from None
    except RecursionError:  # {% for x in l recursive %}{{ loop(l) }}{% endfor %}
        raise TemplateError([Problem(name, None, None, _too_big_message(
            TooBig("une boucle « recursive » qui ne s'arrête pas")))]) from None
    except MemoryError:
        raise TemplateError([Problem(name, None, None, _too_big_message(
            TooBig("plus que la mémoire disponible")))]) from None
    except jinja2.UndefinedError as error:
        raise TemplateError([Problem(name, None, None, _undefined_message(error))]) from None
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError([Problem(name, None, None,
                                     f"syntaxe de balise invalide : {error.message}")]) from None
    except jinja2.exceptions.SecurityError as error:
        raise TemplateError([Problem(name, None, None,
                                     f"expression interdite dans le modèle : {error}")]) from None
    except jinja2.TemplateError as error:
        raise TemplateError([Problem(name, None, None, f"erreur du modèle : {error}")]) from None
    except (ArithmeticError, LookupError, TypeError, ValueError) as error:
        # A tag that computes something impossible ({{ 1/0 }}, {{ territory.name() }}):
        # the template's mistake, not a crash.
        raise TemplateError([Problem(name, None, None,
                                     f"une balise du modèle ne peut pas être calculée "
                                     f"({type(error).__name__} : {error})")]) from None
    fill_charts(template.docx, context, properties.date, name)
    remove_comments(template.docx)
    schema_values(template.docx)
    keep_lists_together(template.docx.element.body)
    let_short_parts_follow(template.docx.element.body)
    _set_properties(template, properties)
    return _package(template)


# The core properties docxtpl's render_properties renders.
_RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


def _package(template: DocxTemplate) -> bytes:
    """The DOCX bytes, compressed once: the parts python-docx would save, in its
    order, straight into the deterministic zip (saving with python-docx, then
    rewriting its zip with normalize_zip, compressed everything twice). Same bytes."""
    try:
        from docx.opc.packuri import PackURI
        from docx.opc.pkgwriter import PackageWriter

        write_types = PackageWriter._write_content_types_stream
        write_rels = PackageWriter._write_pkg_rels
        write_parts = PackageWriter._write_parts
    except (ImportError, AttributeError):  # another python-docx: its own way
        write_types = None
    template.pre_processing()
    if write_types is None or template.crc_to_new_media or template.crc_to_new_embedded \
            or template.zipname_to_replace:
        buffer = io.BytesIO()
        template.save(buffer)
        return normalize_zip(buffer.getvalue())

    class Entries(list[tuple[str, bytes]]):
        """The zip's entries, written to as python-docx's PhysPkgWriter is: write() only."""

        def write(self, pack_uri: PackURI, blob: bytes) -> None:
            self.append((pack_uri.membername, blob))

    package = template.docx.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    entries = Entries()
    # python-docx types only the last of these private functions, and by its own writer.
    write_types(entries, parts)  # type: ignore[no-untyped-call]  # untyped in python-docx
    write_rels(entries, package.rels)  # type: ignore[no-untyped-call]  # untyped in python-docx
    write_parts(entries, parts)  # type: ignore[arg-type]  # Entries has the write() it calls
    entries.sort(key=lambda entry: entry[0] != "[Content_Types].xml")
    return deterministic_zip(entries, stored=PICTURES)


_patched: dict[str, str] = {}


class _Template(DocxTemplate):
    """docxtpl's template, whose XML clean-up (a dozen regular expressions over each
    part, before compiling) is done once per process for the same source, and which
    reads French quotes in a tag as straight ones and spaced braces as joined ones."""

    def patch_xml(self, src_xml: str) -> str:
        patched = _patched.get(src_xml)
        if patched is None:
            if len(_patched) >= Sandbox.MAX_SOURCES:
                _patched.clear()
            patched = _patched[src_xml] = straight_quotes(
                super().patch_xml(joined_braces(src_xml)))
        return patched


def _open(path: Path, data: bytes) -> DocxTemplate:
    name = display_path(path)
    try:
        template = _Template(io.BytesIO(data))
        template.init_docx()
    except Exception as error:  # python-docx raises many kinds on a damaged package
        raise TemplateError([Problem(name, None, None, damaged_message(error))]) from None
    name_document_charts(template.docx)  # before rendering, which drops the markers
    _drop_misspelt_core_properties(template)
    return template


_CORE_PROPERTIES = "/metadata/core-properties"


def _drop_misspelt_core_properties(template: DocxTemplate) -> None:
    """LibreOffice relates the core properties with the type of a draft of the
    standard (…/officedocument/2006/relationships/metadata/core-properties), which
    python-docx does not know: it made a second /docProps/core.xml, and the
    document's zip held two entries of that name (Word then calls it damaged). The
    build writes its own core properties; the template's are dropped."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    rels = template.docx.part.package.rels
    for rel_id, rel in list(rels.items()):
        if rel.reltype != RT.CORE_PROPERTIES and rel.reltype.endswith(_CORE_PROPERTIES):
            del rels[rel_id]


def _too_big_message(error: TooBig) -> str:
    if isinstance(error, TooLong):
        return (f"{error} : vérifiez la longueur des textes du contenu et les boucles du "
                "modèle")
    return (f"une balise du modèle calcule un résultat trop grand ({error}) : "
            "vérifiez les calculs (« * », « ** », « + », « % ») et les boucles du modèle")


def _undefined_message(error: jinja2.UndefinedError) -> str:
    text = str(error.message)
    empty = re.match(r"'?None'? has no attribute '([^']+)'", text)
    if empty:
        return (f"« {empty.group(1)} » appliqué à un champ vide pour ce document : "
                "entourez ce passage de « {% if … %} »")
    element = re.search(r"has no element (-?\d+)", text)
    if element:
        return (f"la liste n'a pas d'élément numéro {element.group(1)} "
                "(le premier est le numéro 0)")
    attribute = re.search(r"has no attribute '([^']+)'", text)
    if attribute:
        return f"champ inconnu « {attribute.group(1)} » (voir la liste des champs)"
    variable = re.search(r"'([^']+)' is undefined", text)
    if variable:
        return f"champ inconnu « {variable.group(1)} » (voir la liste des champs)"
    return f"champ inconnu ({text})"


def _set_properties(template: DocxTemplate, properties: Properties) -> None:
    core = template.docx.core_properties
    moment = datetime.datetime.combine(properties.date, datetime.time(12, 0))
    core.title = xml_text(properties.title)
    core.subject = xml_text(properties.subject)
    core.author = xml_text(properties.author)
    core.last_modified_by = xml_text(properties.author)
    core.keywords = xml_text(properties.keywords)
    core.language = properties.language
    core.created = moment
    core.modified = moment
    core.revision = 1
    _clean_package(template)


# What the build writes for every document, whatever the template held: French
# numbers and lists, spelling to be checked by Word, no counts that were the
# template's (Word recounts), no producer but the build.
_SETTINGS = {"decimalSymbol": ",", "listSeparator": ";"}  # in the schema's order
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_APP = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties"><Template>Normal.dotm</Template><Application>'
        b'MOT - Rencontres territoriales</Application><DocSecurity>0</DocSecurity>'
        b'<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>'
        b'<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>'
        b'</Properties>')


def _clean_package(template: DocxTemplate) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    core = template.docx.core_properties._element
    for element in list(core):  # the template's empty description, identifier…
        if not (element.text or "").strip() and not len(element):
            core.remove(element)
    settings = template.docx.settings.element
    for proof in settings.findall(qn("w:proofState")):
        settings.remove(proof)
    for language in settings.findall(qn("w:themeFontLang")):
        language.set(qn("w:val"), "fr-FR")
    for name, value in _SETTINGS.items():
        found = settings.find(qn(f"w:{name}"))
        if found is None:  # the last of the schema's settings, before Word 2010's own
            found = OxmlElement(f"w:{name}")
            extension = next((e for e in settings if not e.tag.startswith(_W)), None)
            if extension is None:
                settings.append(found)
            else:
                extension.addprevious(found)
        found.set(qn("w:val"), value)
    for part in template.docx.part.package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = _APP


def normalize_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed entry times; [Content_Types].xml first, as Word does."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(source.namelist(), key=lambda name: name != "[Content_Types].xml")
    return deterministic_zip([(name, source.read(name)) for name in names], stored=PICTURES)
