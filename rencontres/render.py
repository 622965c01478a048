"""Stage 4: render a Word template with a typed context, in a Jinja sandbox."""

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
from jinja2.sandbox import SandboxedEnvironment

from .charts import Chart
from .documents import TemplateContext
from .errors import Problem, TemplateError, display_path
from .output import deterministic_zip
from .template_check import ensure_docx


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
        escaped = jinja2.utils.markupsafe.escape(self.alt_text).replace('"', "&quot;")
        return re.sub(r'(<wp:docPr [^>]*?)(/?>)', rf'\1 descr="{escaped}"\2', xml, count=1)


def sandbox() -> SandboxedEnvironment:
    """Templates may come from outside: no attribute escapes, no silent blanks."""
    return SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)


def render(template_path: Path, context: TemplateContext, properties: Properties) -> bytes:
    """Render to DOCX bytes; raise TemplateError naming the template and the field."""
    name = display_path(template_path)
    template = _open(template_path)
    values = {
        key: DescribedImage(template, value) if isinstance(value, Chart) else value
        for key, value in context.fields().items()
    }
    try:
        template.render(values, jinja_env=sandbox(), autoescape=True)
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
    _set_properties(template, properties)
    buffer = io.BytesIO()
    template.save(buffer)
    return normalize_zip(buffer.getvalue())


def _open(path: Path) -> DocxTemplate:
    ensure_docx(path)
    name = display_path(path)
    try:
        template = DocxTemplate(path)
        template.init_docx()
    except Exception as error:  # python-docx raises many kinds on a damaged package
        raise TemplateError([Problem(name, None, None,
                                     f"document Word illisible ou endommagé ({error})")]) from None
    return template


def _undefined_message(error: jinja2.UndefinedError) -> str:
    text = str(error.message)
    empty = re.match(r"'?None'? has no attribute '([^']+)'", text)
    if empty:
        return (f"« {empty.group(1)} » appliqué à un champ vide pour ce document : "
                "entourez ce passage de « {% if … %} »")
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
    core.title = properties.title
    core.subject = properties.subject
    core.author = properties.author
    core.last_modified_by = properties.author
    core.keywords = properties.keywords
    core.language = properties.language
    core.created = moment
    core.modified = moment
    core.last_printed = moment
    core.revision = 1


def normalize_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed entry times; [Content_Types].xml first, as Word does."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(source.namelist(), key=lambda name: name != "[Content_Types].xml")
    return deterministic_zip([(name, source.read(name)) for name in names])
