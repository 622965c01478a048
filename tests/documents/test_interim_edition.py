"""An edition entered while its Rencontres are still being held: the synthesis says it is
provisional, lists the Rencontres to come (never counted), a compte-rendu may be a draft,
and `diffuser` asks before sending it."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

import pytest
from support.docx_text import paragraphs

from rencontres.cli import main
from rencontres.content.loading import load_content
from rencontres.documents.map import MapEntry, absent_line, figures_line
from rencontres.documents.report import report_context
from rencontres.documents.synthesis import synthesis_context
from rencontres.documents.trends import trend_fields
from rencontres.errors import ContentError
from rencontres.publishing import pdf
from rencontres.word.render import Properties, render

REPO = Path(__file__).resolve().parents[2]
PROPERTIES = Properties(title="Titre", subject="Sujet", keywords="MOT",
                        date=datetime.date(2023, 12, 31))

REFERENTIEL = """\
territoires:
  - {id: nord, nom: Nord, pays: [FR, BE]}
  - {id: est, nom: Est, pays: [FR, DE]}
  - {id: sud, nom: Sud, pays: [FR, ES]}
  - {id: ouest, nom: Ouest, pays: [FR, UK]}
themes:
  - {id: mobilite, libelle: Mobilité}
"""
NORD_2023 = """\
territoire: nord
brouillon: true
date: 2023-09-15
lieu: Lille
participants:
  total: 20
themes_votes:
  - {libelle: Mobilité, votes: 5, theme: mobilite}
sections:
  - titre: Mobilité
    niveau: 1
    themes_votes: [Mobilité]
    objectifs: [Rouvrir la ligne]
"""
EDITION_2023 = """\
annee: 2023
titre: Rencontres territoriales 2023
a_venir:
  - territoire: sud
    date: 2023-10-12
  - territoire: ouest
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")


def interim_content(root: Path, edition_2023: str = EDITION_2023) -> Path:
    """2022: the four territories; 2023: Nord (a draft) and Est held, Sud and Ouest to come."""
    files = {"referentiel.yaml": REFERENTIEL,
             "2022/edition.yaml": "annee: 2022\ntitre: Rencontres territoriales 2022\n",
             "2022/synthese.yaml": "idees_communes: []\n",
             "2023/edition.yaml": edition_2023,
             "2023/synthese.yaml": "idees_communes: []\n",
             "2023/territoires/nord.yaml": NORD_2023,
             "2023/territoires/est.yaml":
                 "territoire: est\ndate: 2023-09-08\nlieu: Kehl\nparticipants: {total: 12}\n"}
    for tid, total in (("nord", 18), ("est", 10), ("sud", 9), ("ouest", 7)):
        files[f"2022/territoires/{tid}.yaml"] = f"territoire: {tid}\nparticipants: {{total: {total}}}\n"
    write(root, files)
    return root


def test_the_synthesis_says_it_is_provisional_and_lists_the_rencontres_to_come(tmp_path):
    content = load_content(interim_content(tmp_path / "content"))
    context = synthesis_context(content, content.editions[2023])
    lines = paragraphs_of(render(REPO / "templates" / "synthese.docx", context, PROPERTIES),
                          tmp_path)
    # French typography: a no-break space before « : ».
    status = "Synthèse provisoire au 15 septembre 2023\u00a0: 2 Rencontres sur 4"
    # The cover: the status, then the figures (over the Rencontres held only).
    cover = lines.index("Synthèse des Rencontres territoriales")
    assert lines[cover + 1:cover + 5] == ["2023", "Rencontres territoriales 2023", status,
                                          "2 territoires sur 4 · 32 participants"]
    assert f"Synthèse des Rencontres territoriales 2023 · {status}" in lines  # the header
    table = lines.index("Les Rencontres 2023")
    assert lines[table + 1:table + 21] == [
        "Territoire", "Date", "Lieu", "Participants",
        "Est", "8 septembre 2023", "Kehl", "12",
        "Nord", "15 septembre 2023", "Lille", "20",
        "Sud", "12 octobre 2023", "n. d.", "à venir",
        "Ouest", "à fixer", "n. d.", "à venir"]
    rows = lines.index("Participants par territoire")
    assert lines[rows + 1:rows + 21] == [
        "Territoire", "2022", "2023", "Évolution",
        "Nord", "18", "20", "+11\u00a0%",
        "Est", "10", "12", "+20\u00a0%",
        "Sud", "9", "à venir", "–",
        "Ouest", "7", "à venir", "–"]
    assert ("À venir\u00a0: Sud (12 octobre 2023) et Ouest (date à fixer)\u202f; ces "
            "Rencontres ne sont pas encore comptées. Total 2022 pour les 4 territoires "
            "présents cette année-là\u00a0: 44 participants.") in lines
    assert ("32 participants dans 2 territoires sur 4\u202f; pour les 2 territoires présents "
            "les deux années, 32 contre 28 en 2022, soit +14\u00a0%") in lines


def test_before_any_rencontre_the_synthesis_says_they_are_all_to_come(tmp_path):
    """An edition entered before its first Rencontre: nothing held, nothing compared (it
    read « aucun n'avait de fichier en 2022 » and « Total des 0 territoires… »)."""
    root = interim_content(tmp_path / "content", EDITION_2023.replace(
        "a_venir:\n", "a_venir:\n  - territoire: nord\n  - territoire: est\n"))
    for tid in ("nord", "est"):
        (root / "2023" / "territoires" / f"{tid}.yaml").unlink()
    content = load_content(root)
    context = synthesis_context(content, content.editions[2023])
    lines = paragraphs_of(render(REPO / "templates" / "synthese.docx", context, PROPERTIES),
                          tmp_path)
    cover = lines.index("Synthèse des Rencontres territoriales")
    assert lines[cover + 3:cover + 5] == ["Synthèse provisoire\u00a0: 0 Rencontre sur 4",
                                          "4 Rencontres à venir · Aucun participant"]
    assert "Aucun participant pour l’instant\u00a0: les 4 Rencontres sont à venir" in lines
    rows = lines.index("Participants par territoire")
    assert lines[rows + 17:rows + 25] == ["Ouest", "7", "à venir", "–",
                                          "Total", "44", "à venir", "–"]


def test_the_trends_say_a_rencontre_to_come_is_to_come(tmp_path):
    root = interim_content(tmp_path / "content")
    (root / "2021/territoires").mkdir(parents=True)
    (root / "2021/edition.yaml").write_text("annee: 2021\ntitre: Rencontres 2021\n", "utf-8")
    (root / "2021/territoires/sud.yaml").write_text("territoire: sud\nparticipants: {total: 8}\n",
                                                  "utf-8")
    content = load_content(root)
    trends = trend_fields(content, content.editions[2023])
    assert [(row.territoire, row.valeurs) for row in trends["tendances_participants"]] == [
        ("Nord", ["n. d.", "18", "20"]), ("Est", ["n. d.", "10", "12"]),
        ("Sud", ["8", "9", "à venir"]), ("Ouest", ["n. d.", "7", "à venir"])]
    assert trends["tendances_note"] == (
        "« n. d. » : pas de fichier pour le territoire cette année-là, non compté dans le "
        "total (2021 : Nord, Est et Ouest).")


def test_a_publication_date_dates_the_status_and_a_complete_edition_has_none(tmp_path):
    root = interim_content(tmp_path / "content",
                           EDITION_2023 + "date: 2023-09-20\n")
    content = load_content(root)
    assert synthesis_context(content, content.editions[2023]).status == \
        "Synthèse provisoire au 20 septembre 2023 : 2 Rencontres sur 4"
    assert synthesis_context(content, content.editions[2022]).status == ""


def test_a_draft_compte_rendu_says_so_on_its_cover_and_in_its_header(tmp_path):
    content = load_content(interim_content(tmp_path / "content"))
    context = report_context(content, content.editions[2023], "nord")
    lines = paragraphs_of(render(REPO / "templates" / "compte-rendu.docx", context,
                                 PROPERTIES), tmp_path)
    assert lines[lines.index("Rencontre du 15 septembre 2023, Lille") + 1:][:2] == [
        "Version provisoire (brouillon)", "Frontière FR-BE · 20 participants"]
    assert ("Compte-rendu de la Rencontre territoriale Nord 2023 · Version provisoire "
            "(brouillon)") in lines
    content_2022 = report_context(content, content.editions[2023], "nord").model_copy(
        update={"status": ""})
    plain = paragraphs_of(render(REPO / "templates" / "compte-rendu.docx", content_2022,
                                 PROPERTIES), tmp_path)
    assert "Compte-rendu de la Rencontre territoriale Nord 2023" in plain
    assert "Version provisoire (brouillon)" not in plain


def test_the_map_says_a_rencontre_to_come_is_to_come():
    held = MapEntry("Nord", 3.0, 50.6, "gauche", 20, 18)
    to_come = MapEntry("Sud", -1.3, 43.2, "gauche", None, 9, upcoming=True)
    without_file = MapEntry("Est", 7.6, 48.3, "droite", None, 10)
    assert figures_line(None, 2023, upcoming=True) == "à venir en 2023"
    assert absent_line([held], 2023) == ""
    assert absent_line([held, to_come], 2023) == "à venir en 2023"
    assert absent_line([held, without_file], 2023) == "pas de données en 2023"
    assert absent_line([to_come, without_file], 2023) == "pas de données ou à venir en 2023"


@pytest.mark.parametrize(("upcoming", "message"), [
    ("  - territoire: nord\n",
     "content/2023/edition.yaml:4:17: le territoire « nord » a déjà son fichier : sa "
     "Rencontre a eu lieu, retirez-le de « a_venir »"),
    ("  - territoire: sudd\n",
     "content/2023/edition.yaml:4:17: territoire « sudd » inconnu du référentiel "
     "(vouliez-vous dire « sud » ?)"),
    ("  - territoire: sud\n    date: 2031-10-12\n",
     "content/2023/edition.yaml:5:11: date prévue 2031-10-12 trop éloignée de l'édition "
     "2023 (attendue entre 2022 et 2024) : vérifiez l'année"),
])
def test_a_rencontre_to_come_is_checked(tmp_path, monkeypatch, upcoming, message):
    monkeypatch.chdir(tmp_path)
    interim_content(Path("content"),
                    "annee: 2023\ntitre: Rencontres territoriales 2023\na_venir:\n" + upcoming)
    with pytest.raises(ContentError) as error:
        load_content(Path("content"))
    assert [str(problem) for problem in error.value.problems] == [message]


def test_diffuser_asks_for_an_option_and_the_package_says_provisional(tmp_path, monkeypatch,
                                                                       capsys):
    project = tmp_path / "projet"
    interim_content(project / "content")
    (project / "templates").symlink_to(REPO / "templates")
    monkeypatch.chdir(project)
    assert main(["diffuser"]) == 1
    out, err = capsys.readouterr()
    assert (out, err.splitlines()) == ("", [
        "Diffusion impossible : 1 problème",
        "  content/2023: l'édition 2023 est provisoire (2 Rencontres à venir et 1 "
        "compte-rendu en brouillon) : pour la diffuser quand même, ajoutez l'option "
        "--provisoire ; son paquet le dira"])
    # The package of every build says what is provisional (and so does a distribution's,
    # made of it).
    # Fast: the table of contents left without its page numbers (no LibreOffice run).
    monkeypatch.setattr(pdf, "find_libreoffice", lambda: None)
    assert main(["construire", "--quiet"]) == 0, capsys.readouterr().err
    with zipfile.ZipFile(project / "output/2023/rencontres-territoriales-2023.zip") as bundle:
        assert bundle.read("PROVISOIRE.txt").decode("utf-8").splitlines() == [
            "Édition 2023 provisoire. Synthèse provisoire au 15 septembre 2023 : 2 "
            "Rencontres sur 4.",
            "À venir : Sud (12 octobre 2023) et Ouest (date à fixer) ; ces Rencontres ne "
            "sont pas encore comptées.",
            "Compte-rendu en brouillon : Nord."]


def paragraphs_of(data: bytes, folder: Path) -> list[str]:
    path = folder / "document.docx"
    path.write_bytes(data)
    return paragraphs(path)


def test_a_territory_to_come_is_not_warned_of_as_missing(tmp_path):
    """« pas de fichier » warns of a territory whose Rencontre did not take place; one
    whose Rencontre is still to come is not missing (the synthesis lists it « à venir »)."""
    from rencontres.publishing.plan import Project, edition_warnings, plan

    content = load_content(interim_content(tmp_path / "content"))
    assert edition_warnings(content, content.editions[2023]) == []
    _, skipped = plan(Project(tmp_path), content, content.editions[2023])
    assert skipped == [("Est", "chiffres seulement, pas de parties à publier"),
                       ("Sud", "Rencontre à venir"), ("Ouest", "Rencontre à venir")]
    edition = EDITION_2023.replace("  - territoire: ouest\n", "")
    content = load_content(interim_content(tmp_path / "autre", edition))
    assert edition_warnings(content, content.editions[2023]) == [
        "édition 2023 : pas de fichier pour Ouest (territoires signalés comme absents, "
        "non comptés)"]
