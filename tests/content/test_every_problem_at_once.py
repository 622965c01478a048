"""Every problem of a file is reported at once: one the model refuses (a date written
the French way) does not hide those found across files (themes unknown to the
referentiel, a label missing from « themes_votes ») until the next run."""

from __future__ import annotations

from pathlib import Path

import pytest

from rencontres.content.loading import load_content
from rencontres.errors import ContentError

REFERENTIEL = """\
territoires:
  - {id: nord, nom: Nord, pays: [FR, BE]}
themes:
  - {id: mobilite, libelle: Mobilité}
  - {id: sante, libelle: Santé}
"""
NORD = """\
territoire: nord
date: 09/09/2021
participants:
  total: 12
themes_votes:
  - {libelle: Mobilité, votes: 5, theme: mobilté}
priorites_locales: [mobilite, santé]
sections:
  - titre: Mobilité
    niveau: 3
    themes_votes: [Mobilite]
    objectifs: [Rouvrir la ligne]
"""


def test_a_bad_date_does_not_hide_the_other_problems_of_its_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, text in {"content/referentiel.yaml": REFERENTIEL,
                       "content/2021/edition.yaml": "annee: 2021\ntitre: Rencontres 2021\n",
                       "content/2021/territoires/nord.yaml": NORD}.items():
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text(text, "utf-8")
    with pytest.raises(ContentError) as error:
        load_content(Path("content"))
    assert [str(problem) for problem in error.value.problems] == [
        "content/2021/territoires/nord.yaml:2:7: « date » doit être une date au format "
        "AAAA-MM-JJ",
        "content/2021/territoires/nord.yaml:6:42: thème « mobilté » inconnu du référentiel "
        "(vouliez-vous dire « mobilite » ?)",
        "content/2021/territoires/nord.yaml:7:31: thème « santé » inconnu du référentiel "
        "(vouliez-vous dire « sante » ?)",
        "content/2021/territoires/nord.yaml:10:13: « niveau » doit valoir 1 ou 2",
        "content/2021/territoires/nord.yaml:11:20: thème voté « Mobilite » absent de "
        "« themes_votes » (vouliez-vous dire « Mobilité » ?)"]
