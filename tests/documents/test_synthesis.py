"""Aggregation of an edition (rencontres/documents/figures.py): participants, categories, themes
and common-idea cards, on tiny in-memory content and on the real 2021 content."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.content_builders import build_content, edition, referentiel, report

from rencontres.content.loading import Content, load_content
from rencontres.documents.figures import (
    category_split,
    idea_cards,
    local_priorities,
    most_cited,
    mot_expected,
    participants_summary,
    sort_key,
    synthesize,
)
from rencontres.documents.french import percent_change

REPO = Path(__file__).resolve().parents[2]
NBSP = "\u00a0"

@pytest.fixture(scope="module")
def real() -> Content:
    return load_content(REPO / "content")


def ids(items) -> list[str]:
    return [item.id for item in items]


# --- participants -----------------------------------------------------------------

def test_real_participants_per_territory_and_totals_94_to_195(real):
    summary = participants_summary(real, real.editions[2021])
    assert [(row.territory.id, row.previous, row.current, row.evolution)
            for row in summary.rows] == [
        ("hauts-de-france", 10, 35, f"+250{NBSP}%"),
        ("ardennes", 7, 18, f"+157{NBSP}%"),
        ("grande-region", 8, 22, f"+175{NBSP}%"),
        ("rhin-superieur", 11, 17, f"+55{NBSP}%"),
        ("arc-jurassien", 14, 14, f"0{NBSP}%"),
        ("genevois-alpes-du-nord", 10, 20, f"+100{NBSP}%"),
        ("sud-fr-it-monaco", 8, 30, f"+275{NBSP}%"),
        ("pyrenees-est-centre", 8, 26, f"+225{NBSP}%"),
        ("pyrenees-ouest", 18, 13, f"−28{NBSP}%"),
    ]
    assert (summary.year, summary.previous_year) == (2021, 2020)
    assert (summary.previous_total, summary.total, summary.evolution) == (94, 195, f"+107{NBSP}%")
    assert summary.missing == () and summary.previous_missing == ()
    assert len(summary.present) == 9


def test_real_2020_edition_has_no_previous_one(real):
    summary = participants_summary(real, real.editions[2020])
    assert (summary.total, summary.previous_year, summary.previous_total) == (94, None, None)
    assert summary.evolution is None
    assert {row.previous for row in summary.rows} == {None}
    assert {row.evolution for row in summary.rows} == {"–"}


def test_missing_territory_is_listed_and_never_counted_as_zero():
    content = build_content(
        edition(2020, report("nord", 10), report("est", 5)),
        edition(2021, report("nord", 12), report("sud", 6)))
    summary = participants_summary(content, content.editions[2021])
    assert [(row.territory.id, row.previous, row.current, row.evolution)
            for row in summary.rows] == [
        ("nord", 10, 12, f"+20{NBSP}%"),
        ("est", 5, None, "–"),
        ("sud", None, 6, "–"),
    ]
    assert ids(summary.missing) == ["est"]
    assert ids(summary.previous_missing) == ["sud"]
    assert [row.territory.id for row in summary.present] == ["nord", "sud"]
    # Totals over present territories only: 12 + 6 and 10 + 5.
    assert (summary.total, summary.previous_total, summary.evolution) == (18, 15, f"+20{NBSP}%")


def test_territory_missing_from_both_editions_has_no_row_but_is_missing():
    content = build_content(edition(2020, report("nord", 4)), edition(2021, report("nord", 3)))
    summary = participants_summary(content, content.editions[2021])
    assert [row.territory.id for row in summary.rows] == ["nord"]
    assert ids(summary.missing) == ["est", "sud"] == ids(summary.previous_missing)
    assert (summary.total, summary.previous_total, summary.evolution) == (3, 4, f"−25{NBSP}%")


def test_edition_without_previous_one():
    content = build_content(edition(2021, report("est", 7), report("nord", 3)))
    summary = participants_summary(content, content.editions[2021])
    assert summary.previous_year is None and summary.previous_total is None
    assert summary.evolution is None and summary.previous_missing == ()
    assert [(row.territory.id, row.previous, row.current, row.evolution)
            for row in summary.rows] == [("nord", None, 3, "–"), ("est", None, 7, "–")]
    assert summary.total == 10 and ids(summary.missing) == ["sud"]


def test_previous_edition_is_the_latest_older_one():
    content = build_content(edition(2019, report("nord", 1)), edition(2020, report("nord", 2)),
                            edition(2021, report("nord", 4)))
    summary = participants_summary(content, content.editions[2021])
    assert (summary.previous_year, summary.previous_total, summary.evolution) == (
        2020, 2, f"+100{NBSP}%")


@pytest.mark.parametrize(("before", "after", "expected"), [
    (8, 9, f"+13{NBSP}%"),      # 12.5 rounded half away from zero
    (8, 7, f"−13{NBSP}%"),
    (14, 14, f"0{NBSP}%"),
    (1000, 1001, f"0{NBSP}%"),
    (3, 0, f"−100{NBSP}%"),
    (0, 5, "–"),                 # undefined from zero
])
def test_percent_change(before, after, expected):
    assert percent_change(before, after) == expected


# --- categories -------------------------------------------------------------------

def test_category_split_sums_the_territories_that_gave_one():
    content = build_content(edition(
        2021,
        report("nord", 20, by_category={"techniciens": 12, "elus": 8}),
        report("est", 9),
        report("sud", 20, by_category={"techniciens": 10, "national": 5})))
    split = category_split(content, content.editions[2021])
    assert [(c.category.id, c.count) for c in split.counts] == [
        ("techniciens", 22), ("elus", 8), ("national", 5)]
    assert ids(split.territories) == ["nord", "sud"]
    assert (split.territories_present, split.participants, split.total) == (3, 40, 35)


def test_category_absent_from_every_split_counts_zero():
    content = build_content(edition(2021, report("sud", 6, by_category={"elus": 6})))
    split = category_split(content, content.editions[2021])
    assert [(c.category.id, c.count) for c in split.counts] == [
        ("techniciens", 0), ("elus", 6), ("national", 0)]


def test_no_split_anywhere_gives_no_counts(real):
    split = category_split(real, real.editions[2021])
    assert (split.counts, split.territories, split.total) == ((), (), 0)
    assert (split.territories_present, split.participants) == (9, 0)


# --- themes -----------------------------------------------------------------------

def test_theme_nobody_chose_counts_zero_and_is_not_most_cited():
    content = build_content(edition(
        2021,
        report("nord", 1, local=["sante", "mobilite"], expected=["mobilite"]),
        report("sud", 1, local=["mobilite"])))
    counts = local_priorities(content, content.editions[2021])
    assert [(c.theme.id, c.count, ids(c.territories)) for c in counts] == [
        ("mobilite", 2, ["nord", "sud"]), ("sante", 1, ["nord"]), ("emploi", 0, [])]
    assert [c.theme.id for c in most_cited(counts)] == ["mobilite", "sante"]
    expected = mot_expected(content, content.editions[2021])
    assert [(c.theme.id, c.count) for c in expected] == [
        ("mobilite", 1), ("emploi", 0), ("sante", 0)]
    assert [c.theme.id for c in most_cited(expected)] == ["mobilite"]


def test_themes_sort_by_count_then_label_in_french_order():
    themes = [("z", "zèbre"), ("oe", "Œuvres"), ("ob", "Observation"), ("em", "Emploi"),
              ("ed", "Éducation"), ("eau", "eau"), ("top", "Zone")]
    content = build_content(
        edition(2021, report("nord", 1, local=[tid for tid, _ in themes]),
                report("sud", 1, local=["top"])),
        ref=referentiel(themes=themes))
    counts = local_priorities(content, content.editions[2021])
    assert [c.theme.label for c in counts] == [
        "Zone", "eau", "Éducation", "Emploi", "Observation", "Œuvres", "zèbre"]


def test_sort_key_ignores_accents_and_case_then_breaks_ties():
    words = ["Zèbre", "étude", "Étude", "Etude", "école", "Emploi", "élu", "Elus"]
    assert sorted(words, key=sort_key) == [
        "école", "élu", "Elus", "Emploi", "Etude", "Étude", "étude", "Zèbre"]


def test_real_2021_local_priorities_and_mot_expected(real):
    edition_2021 = real.editions[2021]
    local = local_priorities(real, edition_2021)
    assert [(c.theme.id, c.count) for c in most_cited(local)] == [
        ("gouvernance", 9), ("mobilite", 9), ("formation", 7), ("culture", 6), ("sante", 6),
        ("observation", 4), ("interreg", 3), ("emploi", 1), ("ingenierie", 1),
        ("ressources", 1)]
    assert [c.theme.label for c in local[:5]] == [
        "Gouvernance / Obstacles / Stratégie", "Mobilité", "Formation",
        "Culture / Citoyenneté / Appartenance", "Santé"]
    assert ids(local[2].territories) == [
        "ardennes", "grande-region", "rhin-superieur", "arc-jurassien",
        "genevois-alpes-du-nord", "pyrenees-est-centre", "pyrenees-ouest"]
    expected = mot_expected(real, edition_2021)
    assert [(c.theme.id, c.count) for c in expected] == [
        ("gouvernance", 8), ("culture", 5), ("mobilite", 5), ("observation", 3),
        ("emploi", 0), ("formation", 0), ("ingenierie", 0), ("interreg", 0),
        ("ressources", 0), ("sante", 0)]
    assert [c.theme.label for c in most_cited(expected)] == [
        "Gouvernance / Obstacles / Stratégie", "Culture / Citoyenneté / Appartenance",
        "Mobilité", "Observation"]
    assert "rhin-superieur" not in ids(expected[0].territories)
    assert ids(expected[3].territories) == ["grande-region", "rhin-superieur", "arc-jurassien"]


# --- common-idea cards -------------------------------------------------------------

def test_real_2021_cards_in_the_seed_order(real):
    cards = idea_cards(real, real.editions[2021])
    assert [(card.theme.id, card.title) for card in cards] == [
        ("mobilite", "Mobilité"), ("formation", "Formation"), ("gouvernance", "Gouvernance"),
        ("culture", "Citoyenneté"), ("observation", "Observation"),
        ("interreg", "Interreg 21-27")]
    assert [ids(card.territories) for card in cards] == [
        ["arc-jurassien", "hauts-de-france", "ardennes", "sud-fr-it-monaco",
         "pyrenees-est-centre", "pyrenees-ouest", "genevois-alpes-du-nord"],
        ["pyrenees-est-centre", "ardennes", "rhin-superieur", "genevois-alpes-du-nord"],
        ["sud-fr-it-monaco", "grande-region", "hauts-de-france", "pyrenees-ouest",
         "pyrenees-est-centre"],
        ["arc-jurassien", "hauts-de-france", "ardennes", "pyrenees-ouest",
         "pyrenees-est-centre"],
        ["arc-jurassien", "hauts-de-france", "grande-region"],
        ["sud-fr-it-monaco", "pyrenees-est-centre", "grande-region"]]
    assert [[(s.label, s.kind) for s in card.suggestions] for card in cards] == [
        [("Suggestion 1", "suggestion"), ("Suggestion 2", "suggestion")],
        [("Rappel 2021", "rappel"), ("Suggestion 1", "suggestion"),
         ("Suggestion 2", "suggestion")],
        [("Suggestion 1", "suggestion")],
        [("Suggestion 1", "suggestion"), ("Suggestion 2", "suggestion")],
        [("Suggestion 1", "suggestion"), ("Suggestion 2", "suggestion")],
        [("Suggestion 1", "suggestion"), ("Suggestion 2", "suggestion"),
         ("Suggestion 3", "suggestion")]]
    assert cards[1].suggestions[0].text == ("Proposition d’un cahier MOT sur la mobilité des "
                                            "professionnels et la reconnaissance des diplômes")
    assert cards[1].problem == ("Enjeu de la reconnaissance des diplômes de part et d’autre de "
                                "la frontière, dans différents domaines (santé, tourisme, etc.)")
    assert {card.suggestions_year for card in cards} == {2022}


def test_card_suggestion_labels_number_suggestions_only():
    content = build_content(edition(2023, report("nord", 1), synthesis={"idees_communes": [{
        "theme": "sante", "problematique": "Un problème", "territoires": ["sud", "nord"],
        "suggestions": [
            {"texte": "a"},
            {"nature": "rappel", "texte": "b"},
            {"texte": "c"},
            {"nature": "rappel", "libelle": "Rappel 2019", "texte": "d"},
            {"libelle": "Piste", "texte": "e"},
        ]}]}))
    card, = idea_cards(content, content.editions[2023])
    assert (card.title, card.problem, ids(card.territories), card.suggestions_year) == (
        "Santé", "Un problème", ["sud", "nord"], 2024)
    assert [(s.label, s.text, s.kind) for s in card.suggestions] == [
        ("Suggestion 1", "a", "suggestion"), ("Rappel 2023", "b", "rappel"),
        ("Suggestion 2", "c", "suggestion"), ("Rappel 2019", "d", "rappel"),
        ("Piste", "e", "suggestion")]


def test_edition_without_synthesis_file_has_no_cards_nor_introduction():
    content = build_content(edition(2021, report("nord", 1)))
    data = synthesize(content, content.editions[2021])
    assert data.cards == () and data.introduction is None
    with_intro = build_content(edition(2021, report("nord", 1),
                                       synthesis={"introduction": "Bonjour « à tous »"}))
    data = synthesize(with_intro, with_intro.editions[2021])
    assert data.cards == () and data.introduction == "Bonjour « à tous »"


def test_reconstructed_figures_are_said_so_in_the_content_files():
    folder = REPO / "content/2021/territoires"
    others = sorted(p for p in folder.glob("*.yaml") if p.stem != "hauts-de-france")
    assert len(others) == 8
    for path in others:
        comments = " ".join(line.lstrip("# ").strip() for line in path.read_text("utf-8")
                            .splitlines() if line.startswith("#"))
        assert "la source ne publie que les totaux nationaux" in comments, path.name
        assert "La répartition par territoire ci-dessous est reconstituée" in comments, path.name
    derived = (REPO / "content/2020/territoires/pyrenees-ouest.yaml").read_text("utf-8")
    assert "# Effectif absent du texte extrait de la source : 18 est déduit du total" in derived
