"""An empty field prints nothing, never « None »; `verifier` warns where a field that
can be empty is used outside an « if » testing it, with the documents where it is empty
(issue 29)."""

from __future__ import annotations

import datetime
from pathlib import Path

from support.content_builders import HDF, hdf_context
from support.docx_text import paragraphs
from support.templates import make_template

from rencontres.cli import main
from rencontres.word.render import Properties, render

PROPERTIES = Properties(title="Titre", subject="Sujet", keywords="MOT",
                        date=datetime.date(2021, 12, 1))


def test_an_empty_field_prints_nothing(project, tmp_path):
    # Hauts-de-France's file has no « lieu ».
    template = make_template(tmp_path / "modele.docx", ["Lieu : {{ lieu }}.",
                                                        "{{ lieu|default('à préciser') }}"])
    output = tmp_path / "rendu.docx"
    output.write_bytes(render(template, hdf_context(project), PROPERTIES))
    assert paragraphs(output)[:2] == ["Lieu : .", "à préciser"]


def test_verifier_warns_of_an_empty_field_used_outside_an_if(in_project, capsys):
    hdf = Path(HDF)
    hdf.write_text(hdf.read_text("utf-8").replace(
        "territoire: hauts-de-france\n", "territoire: hauts-de-france\nlieu: Lille\n"), "utf-8")
    make_template(Path("templates/compte-rendu.docx"), [
        "{{ territoire.nom }}",
        "Rencontre tenue à {{ lieu }}",
        "{% if lieu %}, {{ lieu }}{% endif %}",
        "{{ date.year if date else '' }}",
        "{%p if date %}", "{{ date.year }}", "{%p endif %}",
        "Le {{ date.day }}",
        "{{ graphique_votes }}",
    ])
    assert main(["verifier"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "Avertissement : templates/compte-rendu.docx: paragraphe 2 « Rencontre tenue à "
        "{{ lieu }} » : le champ « lieu » peut être vide (il ne l'est aujourd'hui dans aucun document)"
        " : entourez ce passage de « {% if lieu %} » … « {% endif %} » "
        "(ou « {%p if lieu %} » … « {%p endif %} » autour de paragraphes)",
        "Avertissement : templates/compte-rendu.docx: paragraphe 8 « Le {{ date.day }} » : "
        "le champ « date » peut être vide (il l'est pour Hauts-de-France 2021) : "
        "entourez ce passage de « {% if date %} » … « {% endif %} » (ou « {%p if date %} » "
        "… « {%p endif %} » autour de paragraphes)",
    ]
