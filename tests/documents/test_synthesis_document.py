"""What the synthesis template receives (rencontres/documents/synthesis.py): every sentence
and figure computed from the content, charts with alt text stating their data."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from support.content_builders import build_content, edition, report

from rencontres.content.loading import load_content
from rencontres.documents.figures import category_split
from rencontres.documents.synthesis import (
    ParticipantRow,
    SuggestionLine,
    ThemeLine,
    categories_note,
    synthesis_context,
)

REPO = Path(__file__).resolve().parents[2]
NBSP = "\u00a0"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ALL_9 = ("Hauts-de-France, Ardennes, Grande Région, Rhin Supérieur, Arc Jurassien, "
         "Genevois / Alpes du Nord, Sud FR-IT-Monaco, Pyrénées Est & Centre et Pyrénées Ouest")


@pytest.fixture(scope="module")
def context_2021():
    content = load_content(REPO / "content")
    return synthesis_context(content, content.editions[2021])


def row(territory: str, previous: str, current: str, evolution: str) -> ParticipantRow:
    return ParticipantRow(territory=territory, previous=previous, current=current,
                          evolution=evolution)


# --- the real 2021 edition ---------------------------------------------------------

def test_real_2021_figures_and_evolution_line(context_2021):
    c = context_2021
    assert c.title == "Synthèse des Rencontres territoriales 2021"
    assert (c.territories_count, c.participants_total, c.participants_figure) == (
        9, 195, "195 participants")
    assert (c.previous_year, c.previous_total, c.evolution) == (2020, 94, f"+107{NBSP}%")
    assert c.evolution_line == f"94 en 2020, soit +107{NBSP}%"
    assert c.participant_total_row == row("Total", "94", "195", f"+107{NBSP}%")
    assert c.participant_rows == [
        row("Hauts-de-France", "10", "35", f"+250{NBSP}%"),
        row("Ardennes", "7", "18", f"+157{NBSP}%"),
        row("Grande Région", "8", "22", f"+175{NBSP}%"),
        row("Rhin Supérieur", "11", "17", f"+55{NBSP}%"),
        row("Arc Jurassien", "14", "14", f"0{NBSP}%"),
        row("Genevois / Alpes du Nord", "10", "20", f"+100{NBSP}%"),
        row("Sud FR-IT-Monaco", "8", "30", f"+275{NBSP}%"),
        row("Pyrénées Est & Centre", "8", "26", f"+225{NBSP}%"),
        row("Pyrénées Ouest", "18", "13", f"−28{NBSP}%"),
    ]
    assert (c.missing_note, c.introduction, c.cards_year) == ("", "", 2022)
    # The source's pie chart of categories did not survive: no split, no chart, a line.
    assert (c.categories, c.categories_note, c.categories_chart) == (
        [], "La répartition des participants par catégorie (techniciens, élus, "
            "représentants du niveau national…) n’est pas renseignée.", None)


def test_real_2021_theme_sentences(context_2021):
    assert context_2021.local_priority_themes[0] == ThemeLine(
        label="Gouvernance / Obstacles / Stratégie", count=9,
        text="identifié comme priorité locale dans 9 territoires", territories=ALL_9)
    assert [(t.label, t.text) for t in context_2021.local_priority_themes] == [
        ("Gouvernance / Obstacles / Stratégie", "identifié comme priorité locale dans 9 territoires"),
        ("Mobilité", "identifié comme priorité locale dans 9 territoires"),
        ("Formation", "identifié comme priorité locale dans 7 territoires"),
        ("Culture / Citoyenneté / Appartenance", "identifié comme priorité locale dans 6 territoires"),
        ("Santé", "identifié comme priorité locale dans 6 territoires"),
    ]  # the five the source publishes (9/9/7/6/6), not the reconstructed rest
    assert [(t.label, t.count, t.text) for t in context_2021.mot_expected_themes] == [
        ("Gouvernance / Obstacles / Stratégie", 8,
         "identifié comme thème prioritaire pour la MOT dans 8 territoires"),
        ("Culture / Citoyenneté / Appartenance", 5,
         "identifié comme thème prioritaire pour la MOT dans 5 territoires"),
        ("Mobilité", 5, "identifié comme thème prioritaire pour la MOT dans 5 territoires"),
        ("Observation", 3, "identifié comme thème prioritaire pour la MOT dans 3 territoires"),
    ]
    assert context_2021.mot_expected_themes[3].territories == (
        "Grande Région, Rhin Supérieur et Arc Jurassien")


def test_real_2021_cards(context_2021):
    cards = context_2021.cards
    assert [(card.title, card.theme, card.territory_count, card.suggestions_heading)
            for card in cards] == [
        ("Mobilité", "Mobilité", 7, "Suggestions pour 2022"),
        ("Formation", "Formation", 4, "Suggestions pour 2022"),
        ("Gouvernance", "Gouvernance / Obstacles / Stratégie", 5, "Suggestion pour 2022"),
        ("Citoyenneté", "Culture / Citoyenneté / Appartenance", 5, "Suggestions pour 2022"),
        ("Observation", "Observation", 3, "Suggestions pour 2022"),
        ("Interreg 21-27", "Interreg 2021-2027", 3, "Suggestions pour 2022"),
    ]
    formation = cards[1]
    assert formation.territories == ("Pyrénées Est & Centre, Ardennes, Rhin Supérieur et "
                                     "Genevois / Alpes du Nord")
    assert formation.suggestions == [
        SuggestionLine(label="Rappel 2021", reminder=True,
                       text="Proposition d’un cahier MOT sur la mobilité des professionnels "
                            "et la reconnaissance des diplômes"),
        SuggestionLine(label="Suggestion 1", reminder=False,
                       text="Reformuler la proposition du cahier MOT en 2022 ?"),
        SuggestionLine(label="Suggestion 2", reminder=False,
                       text="En amont, faire le lien avec les réseaux académiques "
                            "transfrontaliers et donner suite au manifeste MOT/CPU 2021 ?"),
    ]
    assert [s.label for s in cards[5].suggestions] == [
        "Suggestion 1", "Suggestion 2", "Suggestion 3"]
    assert cards[0].problem == ("Besoin d’une stratégie globale de mobilité, d’une vision "
                                "systémique, voire d’une évaluation / prospective des besoins")


def test_real_2021_charts_state_their_data(context_2021):
    participants = context_2021.participants_chart
    assert participants.alt_text == (
        "Nombre de participants par territoire aux Rencontres territoriales 2020 et 2021. "
        "Hauts-de-France : 10 en 2020, 35 en 2021 ; Sud FR-IT-Monaco : 8 en 2020, 30 en 2021 ; "
        "Pyrénées Est & Centre : 8 en 2020, 26 en 2021 ; Grande Région : 8 en 2020, 22 en 2021 ; "
        "Genevois / Alpes du Nord : 10 en 2020, 20 en 2021 ; Ardennes : 7 en 2020, 18 en 2021 ; "
        "Rhin Supérieur : 11 en 2020, 17 en 2021 ; Arc Jurassien : 14 en 2020, 14 en 2021 ; "
        "Pyrénées Ouest : 18 en 2020, 13 en 2021. "
        f"Total : 94 en 2020, 195 en 2021 (+107{NBSP}%).")
    assert context_2021.local_priorities_chart.alt_text == (
        "Nombre de territoires (sur 9) ayant retenu chaque thème comme priorité locale. "
        "Gouvernance / Obstacles / Stratégie : 9 territoires ; Mobilité : 9 territoires ; "
        "Formation : 7 territoires ; Culture / Citoyenneté / Appartenance : 6 territoires ; "
        "Santé : 6 territoires.")
    assert context_2021.mot_expected_chart.alt_text == (
        "Nombre de territoires (sur 9) où la MOT est particulièrement attendue, par thème. "
        "Gouvernance / Obstacles / Stratégie : 8 territoires ; "
        "Culture / Citoyenneté / Appartenance : 5 territoires ; Mobilité : 5 territoires ; "
        "Observation : 3 territoires.")
    charts = [participants, context_2021.local_priorities_chart, context_2021.mot_expected_chart]
    assert [chart.png[:8] for chart in charts] == [PNG_SIGNATURE] * 3
    heights = [Image.open(io.BytesIO(chart.png)).size[1] for chart in charts]
    # 9 territories with two bars each, 10 themes, 4 themes: the taller the more bars.
    assert heights[0] > heights[1] > heights[2]


# --- tiny editions -------------------------------------------------------------------

def test_missing_territories_show_n_d_and_a_note():
    content = build_content(
        edition(2020, report("nord", 10), report("est", 5)),
        edition(2021, report("nord", 12), report("sud", 6)))
    c = synthesis_context(content, content.editions[2021])
    assert c.participant_rows == [
        row("Nord", "10", "12", f"+20{NBSP}%"),
        row("Est", "5", "n. d.", "–"),
        row("Sud", "n. d.", "6", "–"),
    ]
    # The totals are not compared ({Nord, Est} against {Nord, Sud}): Nord alone is.
    assert c.participant_total_row == row("Total du territoire présent les deux années",
                                          "10", "12", f"+20{NBSP}%")
    assert c.territories_count == 2
    assert c.missing_note == (
        "Pas de données pour Est en 2021 : ce territoire n'est pas compté dans le total. "
        "Pas de données pour Sud en 2020 : ce territoire n'est pas compté dans le total 2020. "
        "Total 2020 pour les 2 territoires présents cette année-là : 15 participants.")
    # Only territories with a file in 2021 are drawn ; Sud's missing 2020 bar is said.
    assert c.participants_chart.alt_text == (
        "Nombre de participants par territoire aux Rencontres territoriales 2020 et 2021. "
        "Nord : 10 en 2020, 12 en 2021 ; Sud : pas de données en 2020, 6 en 2021. "
        "Total 2021 : 18. Pour le seul territoire présent les deux années : 10 en 2020, "
        f"12 en 2021 (+20{NBSP}%).")


def test_several_missing_territories_are_named_together():
    content = build_content(edition(2021, report("est", 4)))
    c = synthesis_context(content, content.editions[2021])
    assert c.missing_note == ("Pas de données pour Nord et Sud en 2021 : ces territoires ne "
                              "sont pas comptés dans le total.")
    assert c.participant_rows == [row("Est", "", "4", "")]


def test_edition_without_previous_one_leaves_previous_columns_empty():
    content = build_content(edition(2021, report("est", 7), report("nord", 3), report("sud", 1)))
    c = synthesis_context(content, content.editions[2021])
    assert (c.previous_year, c.previous_total, c.evolution, c.evolution_line) == (
        None, None, "", "")
    assert c.participant_rows == [row("Nord", "", "3", ""), row("Est", "", "7", ""),
                                  row("Sud", "", "1", "")]
    assert c.participant_total_row == row("Total", "", "11", "")
    assert (c.missing_note, c.participants_figure) == ("", "11 participants")
    assert c.participants_chart.alt_text == (
        "Nombre de participants par territoire aux Rencontres territoriales 2021. "
        "Est : 7 participants ; Nord : 3 participants ; Sud : 1 participant. "
        "Total : 11 participants.")
    # No theme chosen anywhere: no theme line, no theme chart.
    assert (c.local_priority_themes, c.local_priorities_chart) == ([], None)
    assert (c.mot_expected_themes, c.mot_expected_chart) == ([], None)


def test_previous_total_of_zero_gives_no_percentage():
    content = build_content(edition(2020, report("nord", 0)), edition(2021, report("nord", 5)))
    c = synthesis_context(content, content.editions[2021])
    assert (c.evolution, c.evolution_line) == ("–", "0 en 2020")
    assert c.participant_total_row == row("Total", "0", "5", "–")
    assert c.participants_chart.alt_text.endswith(". Total : 0 en 2020, 5 en 2021.")


def test_categories_rows_note_and_chart():
    content = build_content(edition(
        2021,
        report("nord", 20, by_category={"techniciens": 12, "elus": 8}),
        report("est", 9),
        report("sud", 20, by_category={"techniciens": 10, "national": 5})))
    c = synthesis_context(content, content.editions[2021])
    assert [(r.label, r.count) for r in c.categories] == [
        ("Techniciens", 22), ("Élus", 8), ("National", 5)]
    note = ("Répartition par catégorie connue pour 2 territoires sur 3 (40 participants), "
            "dont 5 sans catégorie précisée.")
    assert c.categories_note == note
    assert c.categories_chart.alt_text == (
        f"Participants par catégorie. {note} Techniciens : 22 participants ; "
        "Élus : 8 participants ; National : 5 participants ; "
        "Catégorie non précisée : 5 participants.")
    assert c.categories_chart.png[:8] == PNG_SIGNATURE


@pytest.mark.parametrize(("reports", "note"), [
    ([report("nord", 3, by_category={"elus": 3})],
     "Répartition par catégorie connue pour le seul territoire (3 participants)."),
    ([report("nord", 3, by_category={"elus": 3}), report("sud", 1, by_category={"elus": 1})],
     "Répartition par catégorie connue pour les 2 territoires (4 participants)."),
    ([report("nord", 3, by_category={"elus": 3}), report("sud", 1)],
     "Répartition par catégorie connue pour 1 territoire sur 2 (3 participants)."),
])
def test_categories_note_scope(reports, note):
    content = build_content(edition(2021, *reports))
    assert categories_note(category_split(content, content.editions[2021])) == note


def test_card_with_one_reminder_only():
    content = build_content(edition(2021, report("nord", 1), synthesis={"idees_communes": [{
        "theme": "emploi", "titre": "Insertion", "problematique": "P",
        "territoires": ["nord", "est", "sud"],
        "suggestions": [{"nature": "rappel", "texte": "Déjà proposé"}]}]}))
    card, = synthesis_context(content, content.editions[2021]).cards
    assert (card.title, card.theme, card.territories, card.territory_count) == (
        "Insertion", "Emploi", "Nord, Est et Sud", 3)
    assert card.suggestions_heading == "Suggestion pour 2022"
    assert card.suggestions == [SuggestionLine(label="Rappel 2021", text="Déjà proposé",
                                               reminder=True)]


# --- an edit of the content reaches the synthesis ------------------------------------

def test_changing_one_territory_changes_totals_rows_and_chart(project):
    before = synthesis_context(*_content_2021(project))
    path = project / "content/2021/territoires/ardennes.yaml"
    text = path.read_text("utf-8")
    assert "  total: 18\n" in text
    path.write_text(text.replace("  total: 18\n", "  total: 28\n"), "utf-8")
    after = synthesis_context(*_content_2021(project))

    assert (before.participants_total, after.participants_total) == (195, 205)
    assert after.evolution_line == f"94 en 2020, soit +118{NBSP}%"
    assert after.participant_total_row == row("Total", "94", "205", f"+118{NBSP}%")
    assert before.participant_rows[1] == row("Ardennes", "7", "18", f"+157{NBSP}%")
    assert after.participant_rows[1] == row("Ardennes", "7", "28", f"+300{NBSP}%")
    assert after.participant_rows[2:] == before.participant_rows[2:]
    assert after.participants_chart.png != before.participants_chart.png
    # Ardennes moves up the chart, between Sud FR-IT-Monaco (30) and Pyrénées Est & Centre (26).
    assert ("Sud FR-IT-Monaco : 8 en 2020, 30 en 2021 ; Ardennes : 7 en 2020, 28 en 2021 ; "
            "Pyrénées Est & Centre : 8 en 2020, 26 en 2021 ;") in after.participants_chart.alt_text
    assert after.participants_chart.alt_text.endswith(
        f"Total : 94 en 2020, 205 en 2021 (+118{NBSP}%).")
    assert "Ardennes : 7 en 2020, 18 en 2021" in before.participants_chart.alt_text
    # Themes did not change, nor did their chart.
    assert after.local_priorities_chart.png == before.local_priorities_chart.png


def _content_2021(project: Path):
    content = load_content(project / "content")
    return content, content.editions[2021]


def test_categories_shown_as_chart_and_table_when_territories_give_the_split(tmp_path):
    import datetime

    import docx

    from rencontres.word.render import Properties, render

    content = build_content(edition(
        2021,
        report("nord", 20, by_category={"techniciens": 12, "elus": 8}),
        report("sud", 20, by_category={"techniciens": 10, "national": 5})))
    context = synthesis_context(content, content.editions[2021])
    data = render(REPO / "templates" / "synthese.docx", context,
                  Properties("Synthèse", "", "", datetime.date(2021, 12, 31)))
    document = docx.Document(io.BytesIO(data))
    tables = [[[cell.text for cell in row.cells] for row in table.rows]
              for table in document.tables]
    assert [["Catégorie", "Participants"], ["Techniciens", "22"], ["Élus", "8"],
            ["National", "5"]] in tables
    texts = [p.text for p in document.paragraphs]
    assert "Les participants par catégorie" in texts
    assert "Nombre de participants par catégorie, tous territoires confondus." in texts
    import zipfile

    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert 'name="graphique-categories"' in body  # the template's native chart, filled


def test_without_a_split_the_synthesis_says_so_in_one_line(context_2021):
    import datetime

    import docx

    from rencontres.word.render import Properties, render

    data = render(REPO / "templates" / "synthese.docx", context_2021,
                  Properties("Synthèse", "", "", datetime.date(2021, 12, 31)))
    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert "Les participants par catégorie" not in texts
    assert texts.count("La répartition des participants par catégorie (techniciens, élus, "
                       "représentants du niveau national…) n’est pas renseignée.") == 1
