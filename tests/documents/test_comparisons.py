"""Year-on-year figures compare like with like: the same territories in both editions,
named when they are not all of them, against the edition actually entered before.

A partial edition (3 territories of 9) after three years never entered once printed
« −55 % » when every territory that reported had grown or held steady."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.content_builders import build_content, edition, report
from support.docx_text import paragraphs

from rencontres.cli import main
from rencontres.documents.figures import participants_summary
from rencontres.documents.synthesis import (
    evolution_line,
    participants_chart,
    participants_line,
    synthesis_context,
    territories_figure,
)

REPO = Path(__file__).resolve().parents[2]
SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "editions" / "partielle-apres-annees-sautees"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def partial_synthesis(tmp_path_factory) -> list[str]:
    root = tmp_path_factory.mktemp("partielle")
    shutil.copytree(SCENARIO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    assert main(["--projet", str(root), "--jobs", "1", "-q"]) == 0
    return paragraphs(root / "output" / "2025" / "synthese-2025.docx")


def test_a_partial_edition_after_skipped_years_is_compared_like_for_like(partial_synthesis):
    text = partial_synthesis
    assert "3 territoires sur 9 · 88 participants" in text
    assert ("88 participants dans 3 territoires sur 9\u202f; pour les 3 territoires présents les "
            f"deux années, 88 contre 75 en 2021 (édition précédente), soit +17{NBSP}%"
            in text)
    # The table: each territory, and the total of those present both times.
    total = text.index("Total des 3 territoires présents les deux années")
    assert text[total:total + 4] == ["Total des 3 territoires présents les deux années",
                                     "75", "88", f"+17{NBSP}%"]
    # The absent territories are named, never counted; the previous edition's whole total
    # is still given, labelled as such.
    assert ("Pas de données pour Rhin Supérieur, Arc Jurassien, Genevois / Alpes du Nord, "
            "Sud FR-IT-Monaco, Pyrénées Est & Centre et Pyrénées Ouest en 2025\u00a0: ces "
            "territoires ne sont pas comptés dans le total. Total 2021 pour les 9 territoires "
            "présents cette année-là\u00a0: 195 participants.") in text
    # The Rencontres of the edition, from the territory files, by date (issue 24: they
    # were in referentiel order); the one without a date last.
    table = text.index("Les Rencontres 2025")
    assert text[table + 1:table + 17] == [
        "Territoire", "Date", "Lieu", "Participants",
        "Ardennes", "7 octobre 2025", "Charleville-Mézières", "18",
        "Hauts-de-France", "18 novembre 2025", "Lille", "40",
        "Grande Région", "n. d.", "Luxembourg", "30"]
    joined = "\n".join(text)
    assert "−55" not in joined and "l'an dernier" not in joined and "2024" not in joined


NORD, EST, SUD = "nord", "est", "sud"


@pytest.mark.parametrize("before, now, line, evolution", [
    # Same territories, consecutive years: the totals as they are.
    ({NORD: 10, EST: 20, SUD: 30}, {NORD: 20, EST: 20, SUD: 40}, 2022,
     f"dans 3 territoires, contre 60 en 2021, soit +33{NBSP}%"),
    # The same after skipped years: the edition compared with is named.
    ({NORD: 10, EST: 20, SUD: 30}, {NORD: 20, EST: 20, SUD: 40}, 2025,
     f"dans 3 territoires, contre 60 en 2021 (édition précédente), soit +33{NBSP}%"),
    # One territory fewer this year: compared over the two present both times.
    ({NORD: 10, EST: 20, SUD: 30}, {NORD: 12, EST: 18}, 2022,
     f"dans 2 territoires sur 3 ; pour les 2 territoires présents les deux années, 30 contre "
     f"30 en 2021, soit 0{NBSP}%"),
    # A territory new this year: left out of the comparison, counted in the total.
    ({NORD: 10}, {NORD: 15, SUD: 100}, 2022,
     f"dans 2 territoires sur 3 ; pour le seul territoire présent les deux années, 15 contre "
     f"10 en 2021, soit +50{NBSP}%"),
    # No territory in both editions: no comparison at all.
    ({NORD: 10}, {SUD: 100}, 2022,
     "dans 1 territoire sur 3 ; aucun n'avait de fichier en 2021 : pas de comparaison possible"),
    # Zero participants before: no percentage.
    ({NORD: 0}, {NORD: 5}, 2022, "dans 1 territoire sur 3, contre 0 en 2021"),
])
def test_the_participants_sentence(before, now, line, evolution):
    earlier = edition(2021, *(report(t, n) for t, n in before.items()))
    current = edition(line, *(report(t, n) for t, n in now.items()))
    summary = participants_summary(build_content(earlier, current), current)
    assert participants_line(summary) == evolution


def test_without_a_previous_edition_nothing_is_compared():
    current = edition(2021, report(NORD, 4), report(EST, 5))
    content = build_content(current)
    summary = participants_summary(content, current)
    assert (participants_line(summary), evolution_line(summary)) == ("dans 2 territoires sur 3", "")
    assert territories_figure(summary) == "2 territoires sur 3"
    context = synthesis_context(content, current)
    assert (context.evolution, context.participant_total_row.evolution) == ("", "")


def test_the_chart_alt_text_compares_the_same_territories():
    earlier = edition(2021, report(NORD, 10), report(EST, 20), report(SUD, 30))
    current = edition(2022, report(NORD, 12), report(EST, 18))
    alt = participants_chart(participants_summary(build_content(earlier, current),
                                                 current)).alt_text
    assert alt.endswith(f"Total 2022 : 30. Pour les 2 territoires présents les deux années : "
                        f"30 en 2021, 30 en 2022 (0{NBSP}%).")
    assert "60" not in alt.rpartition("Total")[2]


def test_the_2021_synthesis_keeps_its_sentence():
    from rencontres.content.loading import load_content

    content = load_content(REPO / "content")
    context = synthesis_context(content, content.editions[2021])
    assert context.participants_line == f"dans 9 territoires, contre 94 en 2020, soit +107{NBSP}%"
    assert context.territories_figure == "9 territoires"
    assert (context.participant_total_row.territory, context.participant_total_row.previous,
            context.participant_total_row.current) == ("Total", "94", "195")


def test_a_list_not_recorded_is_not_a_list_of_none():
    """`priorites_locales` absent (or null): not recorded, left out of « sur N » and named;
    `[]`: recorded, none, counted."""
    nord = report(NORD, 5, local=["mobilite"])
    est = report(EST, 5, local=[])
    sud = report(SUD, 5).model_copy(update={"local_priorities": None})
    content = build_content(edition(2021, nord, est, sud))
    context = synthesis_context(content, content.editions[2021])
    assert context.local_priorities_caption == (
        "Nombre de territoires (sur 2) ayant retenu chaque thème comme priorité locale. "
        "Liste non renseignée pour Sud, non compté.")
    assert [line.text for line in context.local_priority_themes] == [
        "identifié comme priorité locale dans 1 territoire"]


@pytest.mark.parametrize("setting, shown", [
    (None, ["mobilite", "emploi", "sante"]),          # default 5: all three
    ({"priorites_locales": 1}, ["mobilite"]),
    ({"priorites_locales": 2}, ["mobilite", "emploi", "sante"]),  # tied with the 2nd: kept
])
def test_the_themes_most_cited_with_ties_kept_together(setting, shown):
    reports = [report(NORD, 1, local=["mobilite", "sante", "emploi"]),
               report(EST, 1, local=["mobilite", "sante", "emploi"]),
               report(SUD, 1, local=["mobilite"])]
    synthesis = {"idees_communes": []}
    if setting is not None:
        synthesis["themes_les_plus_cites"] = setting
    content = build_content(edition(2021, *reports, synthesis=synthesis))
    context = synthesis_context(content, content.editions[2021])
    labels = {"mobilite": "Mobilité", "sante": "Santé", "emploi": "Emploi"}
    assert [line.label for line in context.local_priority_themes] == [labels[i] for i in shown]


def test_the_2021_synthesis_publishes_no_local_priority_figure_the_source_does_not():
    from rencontres.content.loading import load_content

    content = load_content(REPO / "content")
    context = synthesis_context(content, content.editions[2021])
    assert [(t.label, t.count) for t in context.local_priority_themes] == [
        ("Gouvernance / Obstacles / Stratégie", 9), ("Mobilité", 9), ("Formation", 7),
        ("Culture / Citoyenneté / Appartenance", 6), ("Santé", 6)]
    assert [t.count for t in context.mot_expected_themes] == [8, 5, 5, 3]
    assert " 4 territoires" not in context.local_priorities_chart.alt_text


def test_no_table_of_rencontres_when_no_file_says_when_or_where():
    from rencontres.content.loading import load_content

    content = load_content(REPO / "content")
    assert synthesis_context(content, content.editions[2021]).rencontres == []
