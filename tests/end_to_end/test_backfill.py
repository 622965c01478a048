"""A year held but never entered, filled in after a later edition exists: scaffolded
from the nearest earlier edition, then compared with, followed up and counted in the
trends by the later editions, whose documents are rebuilt."""

from __future__ import annotations

from pathlib import Path

from rencontres.cli import main
from rencontres.content.loading import load_content
from rencontres.documents.synthesis import synthesis_context
from rencontres.publishing import pdf

REPO = Path(__file__).resolve().parents[2]
REFERENTIEL = """\
territoires:
  - {id: nord, nom: Nord, pays: [FR, BE]}
  - {id: est, nom: Est, pays: [FR, DE]}
themes:
  - {id: mobilite, libelle: Mobilité}
"""
SYNTHESIS_2020 = """\
idees_communes:
  - theme: mobilite
    problematique: Des trains rares
    territoires: [nord, est]
    suggestions:
      - {id: guide, texte: Un guide du covoiturage}
"""
FOLLOW_UP = "suivi:\n  - {suggestion: guide, etat: fait, texte: guide paru}\n"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")


def figures(year: int, nord: int, est: int) -> dict[str, str]:
    return {f"content/{year}/edition.yaml": f"annee: {year}\ntitre: Rencontres {year}\n",
            f"content/{year}/territoires/nord.yaml":
                f"territoire: nord\nparticipants: {{total: {nord}}}\n",
            f"content/{year}/territoires/est.yaml":
                f"territoire: est\nparticipants: {{total: {est}}}\n"}


def test_a_skipped_year_is_filled_in_after_a_later_edition(tmp_path, capsys, monkeypatch):
    project = tmp_path / "projet"
    write(project, {"content/referentiel.yaml": REFERENTIEL, **figures(2020, 10, 20),
                    "content/2020/synthese.yaml": SYNTHESIS_2020, **figures(2022, 16, 30),
                    "content/2022/synthese.yaml": FOLLOW_UP})
    (project / "templates").symlink_to(REPO / "templates")
    monkeypatch.chdir(project)
    # Fast: the table of contents left without its page numbers (no LibreOffice run).
    monkeypatch.setattr(pdf, "find_libreoffice", lambda: None)
    assert main(["--quiet"]) == 0, capsys.readouterr().err
    capsys.readouterr()

    assert main(["nouvelle-edition", "2021"]) == 0
    out, err = capsys.readouterr()
    assert (out.splitlines(), err) == ([
        "Créé : content/2021/edition.yaml",
        "Créé : content/2021/synthese.yaml",
        "Créé : content/2021/territoires/nord.yaml",
        "Créé : content/2021/territoires/est.yaml",
        "Édition 2021 prête à remplir (préparée à partir de 2020) : complétez les fichiers "
        "puis lancez « python build.py verifier ».",
        "Les éditions suivantes (2022) se comparent désormais à 2021 et en suivent les "
        "suggestions : elles ne se construisent qu'une fois ses fichiers remplis, et leurs "
        "documents sont alors reconstruits."], "")
    assert "# Rencontre territoriale Nord 2021 : préparé à partir de 2020." in \
        Path("content/2021/territoires/nord.yaml").read_text("utf-8")

    # Filled in: the follow-up of 2020's suggestion now belongs to 2021, and says so.
    for tid, total in (("nord", 12), ("est", 25)):
        path = Path(f"content/2021/territoires/{tid}.yaml")
        path.write_text(path.read_text("utf-8").replace("total: null  # à remplir",
                                                        f"total: {total}"), "utf-8")
    assert main(["verifier"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "Vérification échouée : 1 problème",
        "  content/2022/synthese.yaml:2:18: suggestion « guide » de l'édition 2020, pas de "
        "la précédente (2021) : son suivi se donne dans content/2021/synthese.yaml"]
    Path("content/2022/synthese.yaml").write_text("idees_communes: []\n", "utf-8")
    Path("content/2021/synthese.yaml").write_text(FOLLOW_UP, "utf-8")

    content = load_content(Path("content"))
    later = synthesis_context(content, content.editions[2022])
    assert later.participants_line == "dans 2 territoires, contre 37 en 2021, soit +24\u00a0%"
    assert later.tendances_annees == [2020, 2021, 2022]
    assert [(row.territoire, row.valeurs) for row in later.tendances_participants] == [
        ("Nord", ["10", "12", "16"]), ("Est", ["20", "25", "30"])]
    assert later.suivi_suggestions_titre == ""  # 2021 gave no suggestion an id
    backfilled = synthesis_context(content, content.editions[2021])
    assert backfilled.suivi_suggestions_titre == "Suivi des suggestions de 2020"
    assert [line.texte for line in backfilled.suivi_suggestions] == ["Fait : guide paru."]

    # The later edition's synthesis is rebuilt.
    assert main(["--edition", "2022"]) == 0
    assert "Construit : output/2022/synthese-2022.docx" in capsys.readouterr().out.splitlines()


def test_a_gap_left_before_a_new_edition_is_said(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"content/referentiel.yaml": REFERENTIEL, **figures(2022, 16, 30)})
    assert main(["nouvelle-edition", "2025"]) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "Édition 2025 prête à remplir (préparée à partir de 2022) : complétez les fichiers "
        "puis lancez « python build.py verifier ».",
        "Pas d'édition saisie pour 2023 et 2024 : une édition qui a eu lieu se prépare de "
        "même (« python build.py nouvelle-edition 2023 »)."]
