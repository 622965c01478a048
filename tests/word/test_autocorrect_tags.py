"""Tags whose braces AutoCorrect spaced out, as LibreOffice's and Word's French
AutoCorrect type them (« { % if lieu%} », a no-break space after the brace): read as the
tags they are by the check and the rendering, never published as typed (issue 29)."""

from __future__ import annotations

import datetime
from pathlib import Path

import docx
from support.content_builders import hdf_context
from support.docx_text import paragraphs

from rencontres.word.checker import check_template
from rencontres.word.fields import context_class
from rencontres.word.render import Properties, render

PROPERTIES = Properties(title="Titre", subject="Sujet", keywords="MOT",
                        date=datetime.date(2021, 12, 1))
NBSP = "\u00a0"


def template_of_runs(path: Path, paragraphs_runs: list[list[str]]) -> Path:
    """A DOCX whose paragraphs are made of these runs (Word splits a paragraph into runs
    where AutoCorrect or the formatting changed)."""
    document = docx.Document()
    for runs in paragraphs_runs:
        paragraph = document.add_paragraph()
        for text in runs:
            paragraph.add_run(text)
    document.save(str(path))
    return path


def rendered(template: Path, project: Path, tmp_path: Path) -> list[str]:
    output = tmp_path / "rendu.docx"
    output.write_bytes(render(template, hdf_context(project), PROPERTIES))
    return [line for line in paragraphs(output) if line]


def test_tags_spaced_by_autocorrect_are_read_as_tags(project, tmp_path):
    # Hauts-de-France's file has no « lieu ».
    template = template_of_runs(tmp_path / "modele.docx", [
        ["Rencontre{ %" + NBSP + "if lieu%} à {{ lieu }}{ % endif%}."],
        ["{", NBSP + "{ territoire.nom } }"],
        ["{ %", "p if not lieu % }"], ["Lieu à préciser"], ["{ %p endif %" + NBSP + "}"],
    ])
    assert check_template(template, context_class("compte-rendu")) == []
    assert rendered(template, project, tmp_path) == [
        "Rencontre.", "Hauts-de-France", "Lieu à préciser"]


def test_a_spaced_tag_with_an_unknown_field_is_reported_with_its_place(project, tmp_path):
    template = template_of_runs(tmp_path / "modele.docx", [
        ["Titre"], ["{ %" + NBSP + "if lieux%}, {{ lieu }}{ % endif%}"]])
    assert [problem.message for problem in
            check_template(template, context_class("compte-rendu"))] == [
        "paragraphe 2 « {% if lieux%}, {{ lieu }}{% endif%} » : champ inconnu « lieux » "
        "(vouliez-vous dire « lieu » ?)"]
