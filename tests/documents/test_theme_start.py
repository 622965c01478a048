"""A theme added to the referentiel for a recent edition did not exist before it: the
trends say « n. d. » for the earlier editions, never 0, and name the edition it started in."""

from __future__ import annotations

from pathlib import Path

import pytest

from rencontres.content.loading import load_content
from rencontres.documents.trends import trend_fields
from rencontres.errors import ContentError

REFERENTIEL = """\
territoires:
  - {id: nord, nom: Nord, pays: [FR, BE]}
  - {id: est, nom: Est, pays: [FR, DE]}
themes:
  - {id: mobilite, libelle: Mobilité}
  - {id: environnement, libelle: Environnement%s}
"""


def three_editions(root: Path, since: str = "") -> Path:
    """Mobilité named every year; Environnement only in 2023."""
    files = {"referentiel.yaml": REFERENTIEL % since}
    for year in (2021, 2022, 2023):
        files[f"{year}/edition.yaml"] = f"annee: {year}\ntitre: Rencontres {year}\n"
        local = "[mobilite, environnement]" if year == 2023 else "[mobilite]"
        for tid in ("nord", "est"):
            files[f"{year}/territoires/{tid}.yaml"] = (
                f"territoire: {tid}\nparticipants: {{total: 10}}\npriorites_locales: {local}\n")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    return root


def local_trends(root: Path) -> list[tuple[str, list[str]]]:
    content = load_content(root)
    rows = trend_fields(content, content.editions[2023])["tendances_priorites_locales"]
    return [(row.libelle, row.valeurs) for row in rows]


def test_a_theme_first_named_in_a_recent_edition_is_not_a_zero_before(tmp_path):
    assert local_trends(three_editions(tmp_path)) == [
        # Tied: in alphabetical order.
        ("Environnement (thème créé en 2023)", ["n. d.", "n. d.", "2 sur 2"]),
        ("Mobilité", ["2 sur 2", "2 sur 2", "2 sur 2"])]


def test_the_referentiel_may_say_when_a_theme_started(tmp_path):
    assert local_trends(three_editions(tmp_path, ", depuis: 2022")) == [
        # Tied: in alphabetical order.
        ("Environnement (thème créé en 2022)", ["n. d.", "0 sur 2", "2 sur 2"]),
        ("Mobilité", ["2 sur 2", "2 sur 2", "2 sur 2"])]


def test_a_theme_named_before_the_edition_the_referentiel_gives_it_is_refused(tmp_path,
                                                                             monkeypatch):
    monkeypatch.chdir(tmp_path)
    three_editions(Path("content"), ", depuis: 2024")
    with pytest.raises(ContentError) as error:
        load_content(Path("content"))
    assert [str(problem) for problem in error.value.problems] == [
        f"content/2023/territoires/{tid}.yaml:3:31: thème « environnement » créé en 2024 "
        "(« depuis » du référentiel) : il n'existait pas en 2023 ; corrigez l'un ou l'autre"
        for tid in ("est", "nord")]
