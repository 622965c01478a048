"""Rendering: typed context in, DOCX bytes out; content stays literal text, templates
cannot run code, and a missing field is an error, never a blank."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

import docx
import pytest

from docx_text import paragraphs
from rencontres.content import load_content
from rencontres.documents import report_context
from rencontres.errors import TemplateError
from rencontres.render import Properties, render
from templates import make_template

PROPERTIES = Properties(title="Titre", subject="Sujet", keywords="MOT",
                        date=datetime.date(2021, 12, 1))
HDF = "content/2021/territoires/hauts-de-france.yaml"


def hdf_context(project: Path):
    content = load_content(project / "content")
    return report_context(content, content.editions[2021], "hauts-de-france")


def rendered_lines(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "rendu.docx"
    path.write_bytes(data)
    return paragraphs(path)


def test_markup_in_content_stays_literal_text(project, tmp_path):
    path = project / HDF
    text = path.read_text("utf-8")
    typed = "Ports & gares <entre> « {{ 7*7 }} » {% if x %} l’été 🚆 صباح\u00a0!"
    path.write_text(text.replace("  - titre: Mobilité\n",
                                 f"  - titre: '{typed}'\n", 1), "utf-8")
    template = make_template(tmp_path / "modele.docx", [
        "{%p for section in level1_sections %}", "{{ section.title }}", "{%p endfor %}"])
    lines = rendered_lines(render(template, hdf_context(project), PROPERTIES), tmp_path)
    assert typed in lines
    assert "49" not in "".join(lines)


def test_undefined_field_names_the_template_and_the_field(project, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    template = make_template(Path("modele.docx"), ["{{ territory.nom }}"])
    with pytest.raises(TemplateError) as error:
        render(template, hdf_context(project), PROPERTIES)
    assert error.value.report().splitlines() == [
        "Modèle Word invalide : 1 problème",
        "  modele.docx: champ inconnu « nom » (voir la liste des champs)",
    ]


@pytest.mark.parametrize("expression", [
    "''.__class__.__mro__",
    "territory.__class__.__init__.__globals__",
    "report.model_validate.__func__",
])
def test_templates_cannot_reach_python_internals(project, tmp_path, monkeypatch, expression):
    monkeypatch.chdir(tmp_path)
    template = make_template(Path("modele.docx"), [f"{{{{ {expression} }}}}"])
    with pytest.raises(TemplateError) as error:
        render(template, hdf_context(project), PROPERTIES)
    message = error.value.problems[0].message
    assert message.startswith(("expression interdite dans le modèle", "champ inconnu"))


def test_chart_is_an_image_with_alt_text_stating_the_data(project, tmp_path):
    template = make_template(tmp_path / "modele.docx", ["{{ votes_chart }}"])
    data = render(template, hdf_context(project), PROPERTIES)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode("utf-8")
        images = [n for n in package.namelist() if n.startswith("word/media/")]
    assert len(images) == 1
    assert ('descr="Nombre de votes par thème. Citoyenneté / Culture : 9 votes '
            '(MOT particulièrement attendue) ; ') in xml
    assert "Emploi / insertion : 1 vote." in xml


def test_properties_and_zip_entries_are_fixed(project, tmp_path):
    template = make_template(tmp_path / "modele.docx", ["{{ territory.name }}"])
    data = render(template, hdf_context(project), PROPERTIES)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        infos = package.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    path = tmp_path / "rendu.docx"
    path.write_bytes(data)
    core = docx.Document(str(path)).core_properties
    assert (core.title, core.subject, core.author, core.language) == (
        "Titre", "Sujet", "MOT", "fr-FR")
    assert core.created == datetime.datetime(2021, 12, 1, 12, 0, tzinfo=datetime.timezone.utc)
    assert render(template, hdf_context(project), PROPERTIES) == data
