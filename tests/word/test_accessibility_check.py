"""`verifier` tells a template editor what Word's accessibility checker would say:
warnings with their place, errors under --strict. Each folder of
scenarios/accessibilite/ holds a `modele.docx` (put in place of the compte-rendu's
template), `attendu.txt` (what `verifier` writes on its error stream) and
`attendu-strict.txt` (the same under --strict)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rencontres.cli import main

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios" / "accessibilite"
NAMES = sorted(path.name for path in SCENARIOS.iterdir() if path.is_dir())
VALID = "Contenu et modèles valides : 2 éditions, 18 fichiers de territoire, 2 modèles.\n"


@pytest.fixture
def with_template(tmp_path, monkeypatch):
    def put(name: str) -> Path:
        root = tmp_path / "projet"
        for folder in ("content", "templates"):
            shutil.copytree(REPO / folder, root / folder)
        shutil.copy(SCENARIOS / name / "modele.docx", root / "templates" / "compte-rendu.docx")
        monkeypatch.chdir(root)
        return root
    return put


def expected(name: str, file: str) -> str:
    return (SCENARIOS / name / file).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_accessibility_problems_are_warnings_with_their_place(name, with_template, capsys):
    with_template(name)
    assert main(["verifier"]) == 0
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (VALID, expected(name, "attendu.txt"))


@pytest.mark.parametrize("name", NAMES)
def test_strict_makes_them_errors(name, with_template, capsys):
    with_template(name)
    assert main(["verifier", "--strict"]) == 1
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", expected(name, "attendu-strict.txt"))


def test_the_image_the_skipped_heading_and_the_light_grey_are_the_three_reported():
    report = expected("image-titre-couleur", "attendu.txt")
    assert report.count(" : accessibilité, ") == 3
    assert "« Texte de remplacement manquant »" in report
    assert "« Niveau de titre ignoré » : titre de niveau 3 après un titre de niveau 1" in report
    assert "texte #BFBFBF sur fond #FFFFFF : contraste de 1,84:1" in report


def test_the_repository_templates_have_no_accessibility_warning(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    assert main(["verifier", "--strict"]) == 0
    assert capsys.readouterr().err == ""
