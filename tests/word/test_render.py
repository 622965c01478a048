"""Rendering: typed context in, DOCX bytes out; content stays literal text, templates
cannot run code, and a missing field is an error, never a blank."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

import docx
import pytest
from support.content_builders import HDF, hdf_context
from support.docx_text import paragraphs
from support.templates import make_template

from rencontres.errors import TemplateError
from rencontres.word.render import Properties, render

PROPERTIES = Properties(title="Titre", subject="Sujet", keywords="MOT",
                        date=datetime.date(2021, 12, 1))
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
        "{%p for partie in parties_niveau_1 %}", "{{ partie.titre }}", "{%p endfor %}"])
    lines = rendered_lines(render(template, hdf_context(project), PROPERTIES), tmp_path)
    # As typed, French spacing aside (« » and « ! » get their no-break spaces).
    assert "Ports & gares <entre> «\u00a0{{ 7*7 }}\u00a0» {% if x %} l’été 🚆 صباح\u202f!" \
        in lines
    assert "49" not in "".join(lines)


def test_undefined_field_names_the_template_and_the_field(project, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    template = make_template(Path("modele.docx"), ["{{ territoire.non }}"])
    with pytest.raises(TemplateError) as error:
        render(template, hdf_context(project), PROPERTIES)
    assert error.value.report().splitlines() == [
        "Modèle Word invalide : 1 problème",
        "  modele.docx: champ inconnu « non » (voir la liste des champs)",
    ]


@pytest.mark.parametrize("expression", [
    "''.__class__.__mro__",
    "territory.__class__.__init__.__globals__",
    "participants.model_validate.__func__",
])
def test_templates_cannot_reach_python_internals(project, tmp_path, monkeypatch, expression):
    monkeypatch.chdir(tmp_path)
    template = make_template(Path("modele.docx"), [f"{{{{ {expression} }}}}"])
    with pytest.raises(TemplateError) as error:
        render(template, hdf_context(project), PROPERTIES)
    message = error.value.problems[0].message
    assert message.startswith(("expression interdite dans le modèle", "champ inconnu"))


TOO_BIG = ("une balise du modèle calcule un résultat trop grand ({}) : vérifiez les calculs "
           "(« * », « ** », « + », « % ») et les boucles du modèle")


GROWN = "{% set l = [] %}{% for i in range(20) %}{{ l.append('x' * 100000) }}{% endfor %}"


# What the checker lets through (it refuses « ** », big numbers and unknown names such
# as range) but would hang the build or exhaust its memory: refused fast, while rendering.
@pytest.mark.parametrize("line, what", [
    ("{{ 9**(9**9) }}", "un nombre de plus de 1000 chiffres"),
    ("{{ 10.0 ** 400 }}", "un nombre de plus de 1000 chiffres"),
    ("{{ 'x' * 10**10 }}",
     "un texte ou une liste de plus de 1000000 éléments"),
    ("{{ territoire.nom * 100000 * 100000 }}",
     "un texte ou une liste de plus de 1000000 éléments"),
    ("{{ [0] * 1000 + [1] * 1000000 }}",
     "un texte ou une liste de plus de 1000000 éléments"),
    ("{% set ns = namespace(s='xy') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
     "{% endfor %}",
     "un texte ou une liste de plus de 1000000 éléments"),
    ("{% for i in range(10**9) %}{% endfor %}",
     "une boucle « range » de plus de 100000 tours"),
    ("{% for i in 'x' * 100000 %}{% for j in 'x' * 100000 %}{% endfor %}{% endfor %}",
     "des boucles de plus de 100000 tours en tout"),
    ("{% for x in range(50) recursive %}{% if loop.depth < 10 %}{{ loop(range(50)) }}"
     "{% endif %}{% endfor %}", "des boucles de plus de 100000 tours en tout"),
    ("{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}",
     "une boucle « recursive » qui ne s'arrête pas"),
    ("{{ territoire.nom|center(1000000000) }}",
     "le nombre 1000000000 donné à un filtre ou une fonction, au plus 1000000"),
    ("{{ territoire.nom.ljust(1000000000) }}",
     "le nombre 1000000000 donné à un filtre ou une fonction, au plus 1000000"),
    ("{{ '%1000000000d' % 1 }}", "une largeur de 1000000000 dans un format, au plus 1000000"),
    ("{{ '%*d' % (1000000000, 1) }}", "une largeur de « * » dans un format, au plus 1000000"),
    ("{{ '{:>1000000000}'.format(1) }}",
     "une largeur de 1000000000 dans un format, au plus 1000000"),
    ("{{ '%1000000000d'|format(1) }}",
     "une largeur de 1000000000 dans un format, au plus 1000000"),
    ("{{ ('x' * 1000000)|replace('', 'yy') }}",
     "un texte ou une liste de plus de 1000000 éléments"),
    ("{{ ('x' * 1000000).replace('x', 'yy') }}",
     "un texte ou une liste de plus de 1000000 éléments"),
    ("{{ ('x\\n' * 500000)|indent(10) }}",
     "un texte ou une liste de plus de 1000000 éléments"),
    # A list grown by append, checked wherever it is used: printed, joined, concatenated.
    (GROWN + "{{ l }}", "un texte ou une liste de plus de 1000000 éléments"),
    (GROWN + "{{ l|join }}", "un texte ou une liste de plus de 1000000 éléments"),
    (GROWN + "{{ l|tojson }}", "un texte ou une liste de plus de 1000000 éléments"),
    (GROWN + "{{ 'a' ~ l }}", "un texte ou une liste de plus de 1000000 éléments"),

    # Past what the checker refuses (a macro) or sees (computations in a loop): each
    # call of a macro is counted, every computed text counts once computed.
    ("{% macro m(n) %}{% if n %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}"
     "{{ m(40) }}", "plus de 10000 appels de macro"),
    ("{% for i in range(1000) %}{{ ('xxxxx ' * 20000)|wordwrap(5)|length }}{% endfor %}",
     "des calculs de plus de 5000000 caractères en tout"),
    ("{% for i in range(1000) %}{{ ('x y ' * 25000).split()|length }}{% endfor %}",
     "des calculs de plus de 5000000 caractères en tout"),
    ("{% set l = [] %}{% for i in range(100000) %}{% set _ = l.append('x' * 1000) %}"
     "{% endfor %}", "des calculs de plus de 5000000 caractères en tout"),
])
def test_a_result_too_big_to_compute_is_refused(project, tmp_path, monkeypatch,
                                                     line, what):
    monkeypatch.chdir(tmp_path)
    context = hdf_context(project)
    template = make_template(Path("modele.docx"), ["{{ territoire.nom }}", line])
    # The sandbox's counters stop it (the message names the limit reached), not a clock:
    # a timed assertion fails on a loaded machine.
    with pytest.raises(TemplateError) as error:
        render(template, context, PROPERTIES)
    assert error.value.report().splitlines() == [
        "Modèle Word invalide : 1 problème", f"  modele.docx: {TOO_BIG.format(what)}"]


def test_small_computations_still_render(project, tmp_path):
    template = make_template(tmp_path / "modele.docx", [
        "{{ 2**10 }} {{ 3 * 4 }} {{ '-' * 5 }} {{ '%5.1f' % 3.14159 }} {{ '%d'|format(2000000) }}",
        "{{ territoire.nom|center(19) }}|{{ 'a' ~ 'b' }} {{ [1, 2] + [3] }}",
        "{% for s in parties_niveau_1 %}{{ loop.index }}/{{ loop.length }}"
        "{% if loop.last %}.{% endif %}{% endfor %}",
    ])
    lines = rendered_lines(render(template, hdf_context(project), PROPERTIES), tmp_path)
    assert lines == ["1024 12 -----   3.1 2000000", "  Hauts-de-France  |ab [1, 2, 3]",
                     "1/32/33/3."]


def test_chart_is_an_image_with_alt_text_stating_the_data(project, tmp_path):
    template = make_template(tmp_path / "modele.docx", ["{{ graphique_votes }}"])
    data = render(template, hdf_context(project), PROPERTIES)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode("utf-8")
        images = [n for n in package.namelist() if n.startswith("word/media/")]
        methods = {info.filename: info.compress_type for info in package.infolist()}
    assert len(images) == 1
    # A PNG is deflated inside: kept as it is, not deflated again; the XML is.
    assert methods[images[0]] == zipfile.ZIP_STORED
    assert methods["word/document.xml"] == zipfile.ZIP_DEFLATED
    assert ('descr="Nombre de votes par thème. Citoyenneté / Culture : 9 votes '
            '(MOT particulièrement attendue) ; ') in xml
    assert "Emploi / insertion : 1 vote." in xml


def test_properties_and_zip_entries_are_fixed(project, tmp_path):
    template = make_template(tmp_path / "modele.docx", ["{{ territoire.nom }}"])
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


def test_a_document_too_long_names_the_content_as_much_as_the_template(
        project, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    template = make_template(Path("modele.docx"), [
        "{% set s = 'x' * 1000 %}{% for i in range(100000) %}{{ s }}{% endfor %}"])
    with pytest.raises(TemplateError) as error:
        render(template, hdf_context(project), PROPERTIES)
    assert error.value.report().splitlines() == [
        "Modèle Word invalide : 1 problème",
        "  modele.docx: le document ferait plus de 20000000 caractères : vérifiez la "
        "longueur des textes du contenu et les boucles du modèle"]


def test_core_properties_are_not_rendered(project, tmp_path, monkeypatch):
    """docxtpl renders a template's title, subject, comments… as Jinja too, where no
    one looks: a macro hidden in « Comments » ran for ever. They are dropped, and the
    document carries the build's own."""
    monkeypatch.chdir(tmp_path)
    template = make_template(Path("modele.docx"), ["{{ territoire.nom }}"])
    document = docx.Document(str(template))
    document.core_properties.comments = (
        "{% macro m(n) %}{% if n %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}"
        "{{ m(60) }}")
    document.core_properties.identifier = "{{ territoire.nom }}"
    document.save(str(template))
    # Rendered, the macro would stop the build at the sandbox's macro-call limit.
    data = render(template, hdf_context(project), PROPERTIES)
    properties = docx.Document(io.BytesIO(data)).core_properties
    assert (properties.comments, properties.identifier, properties.title) == ("", "", "Titre")
