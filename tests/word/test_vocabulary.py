"""Template fields speak the content files' French: no English name in the shipped
templates, every field used or documented, and Word's typographic quotes accepted."""

from __future__ import annotations

import datetime
import re
import zipfile
from pathlib import Path

import pytest
from support.docx_text import paragraphs
from support.templates import make_template

from rencontres.content.loading import load_content
from rencontres.documents.context import FORMER_ATTRIBUTES
from rencontres.documents.report import ReportContext, report_context
from rencontres.documents.synthesis import SynthesisContext
from rencontres.word.checker import check_templates
from rencontres.word.fields import attributes
from rencontres.word.render import Properties, render

REPO = Path(__file__).resolve().parents[2]
CONTEXTS = {"compte-rendu": ReportContext, "synthese": SynthesisContext}
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
DOTTED = re.compile(r"(?<![\w.'\"])([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)*)")
LOOP = re.compile(r"for (\w+) in ")


def template_text(kind: str) -> str:
    with zipfile.ZipFile(REPO / "templates" / f"{kind}.docx") as package:
        parts = [package.read(name).decode("utf-8") for name in package.namelist()
                 if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name)]
    return "\n".join(re.sub(r"<[^>]+>", "", part.replace("</w:p>", "\n")) for part in parts)


def names_in(kind: str) -> tuple[set[str], set[str]]:
    """(the first word of every dotted name, every word after a dot) in a template's tags,
    string literals left out."""
    heads, attrs = set(), set()
    for tag in TAG.findall(template_text(kind)):
        for match in DOTTED.finditer(re.sub(r"'[^']*'|\"[^\"]*\"", "''", tag[2:-2])):
            heads.add(match.group(1))
            attrs.update(a for a in match.group(2).split(".") if a)
    return heads, attrs


@pytest.mark.parametrize("kind", CONTEXTS)
def test_no_english_field_name_is_left_in_the_templates(kind):
    heads, attrs = names_in(kind)
    english_heads = heads & set(CONTEXTS[kind].FORMER_NAMES)
    english_attrs = attrs & set(FORMER_ATTRIBUTES)
    assert (english_heads, english_attrs) == (set(), set())
    loops = set(LOOP.findall(template_text(kind)))
    assert loops & {"section", "item", "sub", "row", "line", "card"} == set()


@pytest.mark.parametrize("kind", CONTEXTS)
def test_every_field_is_used_by_the_template_or_documented(kind):
    heads, _ = names_in(kind)
    fields = set(attributes(CONTEXTS[kind]))
    reference = (REPO / "docs" / "champs-modeles.md").read_text("utf-8")
    unused = fields - heads
    assert all(f"- `{name}` (" in reference for name in unused), unused
    assert heads & fields, "the template uses none of its fields"


def test_template_fields_are_the_content_files_words():
    """Where a field comes from a content file, it has that file's key."""
    report = attributes(ReportContext)
    for yaml_key in ("lieu", "participants", "themes_votes", "priorites_locales",
                     "mot_attendue", "sections", "idees_transversales", "date"):
        assert yaml_key in report
    from rencontres.content.model import Section, Territory
    assert set(attributes(Territory)) == {"id", "nom", "pays"}
    assert {"titre", "niveau", "objectifs", "idees_projet", "partenaires", "suggestions",
            "remarques"} <= set(attributes(Section))


def test_typographic_quotes_in_tags_are_read_as_straight_ones(project, tmp_path,
                                                               monkeypatch):
    """Word's AutoCorrect types ‘ ’, “ ” and, in French, « » with no-break spaces."""
    monkeypatch.chdir(tmp_path)
    template = make_template(Path("modele.docx"), [
        "{{ territoire.pays|join(‘-’) }}",
        "{{ territoire.pays|join(“ / ”) }}",
        "{{ territoire.pays|join(«\u00a0+\u00a0») }}",
        "« {{ territoire.nom }} »",
    ])
    check_templates({template: "compte-rendu"})
    content = load_content(project / "content")
    context = report_context(content, content.editions[2021], "hauts-de-france")
    properties = Properties(title="T", subject="S", keywords="K",
                            date=datetime.date(2021, 12, 1))
    (tmp_path / "rendu.docx").write_bytes(render(template, context, properties))
    assert paragraphs(tmp_path / "rendu.docx") == [
        "FR-BE-UK", "FR / BE / UK", "FR+BE+UK", "« Hauts-de-France »"]
