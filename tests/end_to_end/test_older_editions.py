"""What the README says a build does about other editions, checked: an error in an older
edition stops the build of a later one (its synthesis compares with it and draws its
trends from it); a later edition being filled in does not stop building an older one."""

from __future__ import annotations

from pathlib import Path

from rencontres.cli import main
from rencontres.publishing import pdf

REPO = Path(__file__).resolve().parents[2]
STATEMENTS = [
    "La construction lit et vérifie l'édition qu'elle construit et **toutes les "
    "précédentes** :",
    "Une erreur dans le fichier d'une édition passée arrête donc la construction de la "
    "nouvelle, avec son fichier et sa ligne",
    "Les éditions plus récentes que celle construite ne sont pas lues : une édition en "
    "cours de saisie n'empêche pas de construire les précédentes (`--edition 2021`).",
]


def test_the_readme_and_the_content_guide_say_the_same():
    readme = " ".join((REPO / "README.md").read_text("utf-8").split())
    assert all(statement in readme for statement in STATEMENTS)
    guide = " ".join((REPO / "docs" / "format-contenu.md").read_text("utf-8").split())
    assert ("une erreur dans `2020/` bloque aussi la construction de 2021, alors qu'une "
            "édition 2022 en cours de saisie n'empêche pas de construire 2021.") in guide


def test_an_error_in_an_older_edition_stops_the_build_of_a_later_one(in_project, capsys,
                                                                    monkeypatch):
    older = Path("content/2020/territoires/ardennes.yaml")
    older.write_text(older.read_text("utf-8").replace("total: 7", "total: sept"), "utf-8")
    assert main(["--jobs", "1"]) == 1
    out, err = capsys.readouterr()
    assert (out, err.splitlines()) == ("", [
        "Contenu invalide : 1 problème",
        "  content/2020/territoires/ardennes.yaml:4:10: « total » doit être un nombre entier",
        "Aucun document n'a été écrit ; les documents déjà présents sont intacts."])
    assert not Path("output/2021").exists()

    # An older edition still builds while a later one is being filled in.
    older.write_text(older.read_text("utf-8").replace("total: sept", "total: 7"), "utf-8")
    assert main(["nouvelle-edition", "2022"]) == 0
    monkeypatch.setattr(pdf, "find_libreoffice", lambda: None)  # fast: no page numbers
    assert main(["--edition", "2020", "--jobs", "1", "--quiet"]) == 0
    assert main(["--jobs", "1"]) == 1  # 2022 itself, not filled in
    assert "content/2022/territoires/ardennes.yaml:8:3: « total » n'a pas de valeur" in \
        capsys.readouterr().err
