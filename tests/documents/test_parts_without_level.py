"""A part may leave its level unknown: the compte-rendu then claims nothing about the
MOT's expectation, and no heading speaks of « other » themes when there is no first one."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from support.content_builders import build_content, edition
from support.docx_text import paragraphs

from rencontres.content.model import TerritoryReport
from rencontres.documents.report import report_context
from rencontres.word.render import Properties, render

REPO = Path(__file__).resolve().parents[2]
PROPERTIES = Properties(title="Titre", subject="Sujet", keywords="MOT",
                        date=datetime.date(2021, 12, 31))
NBSP = "\u00a0"


def compte_rendu_lines(tmp_path: Path, *levels: int | None) -> list[str]:
    """Nord's compte-rendu with one part per level given (None: no « niveau »)."""
    sections = []
    for number, level in enumerate(levels, start=1):
        section = {"titre": f"Partie {number}", "themes_votes": [f"Thème {number}"],
                   "objectifs": [f"Objectif {number}"]}
        if level is not None:
            section["niveau"] = level
        sections.append(section)
    report = TerritoryReport.model_validate({
        "territoire": "nord", "participants": {"total": 12},
        "themes_votes": [{"libelle": f"Thème {n}", "votes": 10 - n}
                         for n in range(1, len(levels) + 1)],
        "sections": sections})
    content = build_content(edition(2021, report))
    data = render(REPO / "templates" / "compte-rendu.docx",
                  report_context(content, content.editions[2021], "nord"), PROPERTIES)
    (tmp_path / "compte-rendu.docx").write_bytes(data)
    return paragraphs(tmp_path / "compte-rendu.docx")


def body(lines: list[str]) -> list[str]:
    """From the list of votes on (the header follows the body)."""
    return lines[lines.index(f"Nombre de votes par thème{NBSP}:"):]


@pytest.mark.parametrize(("levels", "intro"), [
    ((None, None), "Les objectifs territoriaux exprimés par les participants."),
    ((2, None), "Les objectifs territoriaux exprimés par les participants."),
    ((2, 2), f"Thèmes de niveau 2{NBSP}: les objectifs territoriaux exprimés par les "
             "participants."),
])
def test_without_a_first_theme_nothing_is_claimed_nor_called_other(tmp_path, levels, intro):
    lines = compte_rendu_lines(tmp_path, *levels)
    assert body(lines)[:12] == [
        f"Nombre de votes par thème{NBSP}:", "Thème 1 (9)", "Thème 2 (8)",
        "Les thèmes abordés", intro,
        "Partie 1", "Objectifs territoriaux", "Objectif 1",
        "Partie 2", "Objectifs territoriaux", "Objectif 2",
        "Compte-rendu de la Rencontre territoriale Nord 2021"]
    assert "Nombre de votes par thème." in lines  # the chart's caption, without « orange »
    assert not [line for line in lines if "attendue" in line or "autres" in line]


def test_a_part_of_level_1_keeps_its_claim_and_the_others_are_other(tmp_path):
    lines = compte_rendu_lines(tmp_path, 1, None)
    assert body(lines)[:12] == [
        f"Nombre de votes par thème{NBSP}:", "Thème 1 (9)", "Thème 2 (8)",
        "Partie 1", f"Thème de niveau 1{NBSP}: la MOT est particulièrement attendue",
        "Objectifs territoriaux", "Objectif 1",
        "Les autres thèmes prioritaires",
        "Les objectifs territoriaux exprimés par les participants.",
        "Partie 2", "Objectifs territoriaux", "Objectif 2"]
    assert ("Nombre de votes par thème. En orange, les thèmes sur lesquels la MOT est "
            "particulièrement attendue.") in lines
