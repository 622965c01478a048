"""Native charts named by a marker « {# graphique-… #} » in their paragraph or the next
one (word/chart_markers.py): LibreOffice renames every chart it saves (issue 29)."""

from __future__ import annotations

import datetime
from pathlib import Path

from support.content_builders import hdf_context
from support.native_charts import native_chart
from support.templates import make_chart_template

from rencontres.word.checker import accessibility_problems, check_template
from rencontres.word.fields import context_class
from rencontres.word.render import Properties, render

PROPERTIES = Properties(title="Titre", subject="Sujet", keywords="MOT",
                        date=datetime.date(2021, 12, 1))

REPORT = context_class("compte-rendu")
SYNTHESIS = context_class("synthese")


def messages(template: Path, context: type = REPORT) -> list[str]:
    return [problem.message for problem in check_template(template, context)]


def test_verifier_accepts_the_templates_libreoffice_saved(libreoffice_templates):
    assert messages(libreoffice_templates / "compte-rendu.docx") == []
    assert messages(libreoffice_templates / "synthese.docx", SYNTHESIS) == []
    # Their charts lost their alt text: the build writes it, nothing to warn about.
    assert [problem.message for name in ("compte-rendu.docx", "synthese.docx")
            for problem in accessibility_problems(libreoffice_templates / name)] == []


def test_a_marker_in_the_caption_names_the_chart_and_the_build_writes_the_name(
        project, tmp_path):
    template = make_chart_template(tmp_path / "modele.docx", [
        "Votes", "[graphique Object1]", "Nombre de votes par thème. {# graphique-votes #}"])
    assert messages(template) == []
    doc_pr, _, _ = native_chart(render(template, hdf_context(project), PROPERTIES))
    assert doc_pr.get("descr").startswith("Nombre de votes par thème")


def test_a_marker_with_a_typo_is_said_with_the_nearest_name(tmp_path):
    template = make_chart_template(tmp_path / "modele.docx", [
        "Votes", "[graphique graphique-votes]", "{# graphique-vote #}"])
    assert messages(template) == [
        "paragraphe 2 : graphique « graphique-vote » inconnu (vouliez-vous dire "
        "« graphique-votes » ?) : écrivez son nom juste après lui, dans son paragraphe ou "
        "sa légende, « {# graphique-… #} » (Word et LibreOffice), ou donnez-le-lui dans "
        "Word (Accueil > Sélectionner > Volet Sélection) ; graphiques connus : "
        "« graphique-votes »"]
