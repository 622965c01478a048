"""Unit tests of the content model: French keys, plain-text items, rules, immutability."""

from __future__ import annotations

import datetime

import pytest
from pydantic import ValidationError

from rencontres.content.model import (
    CardSuggestion,
    Category,
    EditionInfo,
    Item,
    Participants,
    RuleError,
    Section,
    Synthesis,
    Territory,
    TerritoryReport,
)


def errors(model, data) -> list[dict]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return caught.value.errors()


def rule(model, data) -> RuleError:
    """The single RuleError the data breaks."""
    [error] = errors(model, data)
    assert error["type"] == "value_error"
    assert isinstance(error["ctx"]["error"], RuleError)
    return error["ctx"]["error"]


# --- Item ---------------------------------------------------------------------

def test_item_accepts_a_plain_string():
    item = Item.model_validate("Optimiser la ligne Lille-Courtrai")
    assert item == Item.model_validate({"texte": "Optimiser la ligne Lille-Courtrai"})
    assert item.text == "Optimiser la ligne Lille-Courtrai"
    assert item.subpoints == []


def test_item_accepts_a_number_as_text():
    assert Item.model_validate(2022).text == "2022"


def test_item_with_subpoints():
    item = Item.model_validate({"texte": "Eau", "sous_points": ["Pollution", "Sécheresse"]})
    assert item.subpoints == ["Pollution", "Sécheresse"]


@pytest.mark.parametrize("value", [True, None, ["a", "b"]])
def test_item_refuses_what_is_not_text_nor_keys(value):
    assert errors(Item, value)


def test_item_cut_by_an_unquoted_colon_asks_for_quotes():
    # « - Eau : prendre en compte la pollution » without quotes reads as a key.
    [error] = errors(Item, {"Eau": "prendre en compte la pollution"})
    assert error["msg"].endswith("ce texte contient « : », il doit être entre guillemets")
    [error] = errors(Item, {"Rappel": None})  # « - Rappel : »
    assert "entre guillemets" in error["msg"]


def test_item_with_a_misspelt_key_is_an_unknown_key_not_a_colon():
    kinds = {error["type"] for error in errors(Item, {"txte": "Eau"})}
    assert kinds == {"missing", "extra_forbidden"}


def test_item_text_cannot_be_empty():
    assert errors(Item, "")[0]["type"] == "string_too_short"


BLANKS = [" ", "   ", "\t", "\n", " \n ", "\u00a0", "\u2003", "\u200b", "\ufeff \u200b"]


@pytest.mark.parametrize("blank", BLANKS)
def test_texts_of_spaces_only_are_refused_like_empty_ones(blank):
    """A blank heading or an empty bullet would be printed: every text refuses it."""
    cases = [
        (Item, blank, ("texte",)),
        (Item, {"texte": "Eau", "sous_points": ["ok", blank]}, ("sous_points", 1)),
        (Section, {"titre": blank, "niveau": 2}, ("titre",)),
        (Section, {"titre": "T", "niveau": 1, "partenaires": [blank]}, ("partenaires", 0)),
        (EditionInfo, {"annee": 2021, "titre": blank}, ("titre",)),
        # Optional texts too: given, they must say something.
        (TerritoryReport, {"territoire": "a", "participants": {"total": 1}, "lieu": blank},
         ("lieu",)),
        (CardSuggestion, {"texte": "Étude", "libelle": blank}, ("libelle",)),
        (Synthesis, {"introduction": blank}, ("introduction",)),
        (Category, {"id": "elus", "libelle": "Élus", "description": blank}, ("description",)),
        (Territory, {"id": "a", "nom": "A", "pays": ["FR", blank]}, ("pays", 1)),
    ]
    for model, data, loc in cases:
        [error] = errors(model, data)
        index = (error["ctx"]["index"],) if "ctx" in error else ()  # an item of a list
        assert (error["type"], error["loc"] + index) == ("blank_text", loc), (model, data)


def test_texts_with_spaces_around_words_are_kept_as_typed():
    assert Item.model_validate(" Eau ").text == " Eau "
    assert Section.model_validate({"titre": "\u00a0Mobilité", "niveau": 2}).title == "\u00a0Mobilité"
    # Omitted optional texts stay omitted.
    assert TerritoryReport.model_validate({"territoire": "a", "participants": {"total": 1},
                                           "lieu": None}).place is None


# --- Section: the level-2 rule ------------------------------------------------

SECTION = {"titre": "Mobilité", "niveau": 2, "objectifs": ["Optimiser la ligne"]}


def test_level_2_section_without_project_is_valid():
    section = Section.model_validate({**SECTION, "suggestions": ["Étude"], "remarques": ["Rappel"]})
    assert section.level == 2
    assert section.project_ideas == [] and section.partners == []


def test_level_1_section_may_have_project_ideas_and_partners():
    section = Section.model_validate(
        {**SECTION, "niveau": 1, "idees_projet": ["Étude"], "partenaires": ["SNCF"]})
    assert section.project_ideas[0].text == "Étude"
    assert section.partners == ["SNCF"]


@pytest.mark.parametrize("key, value, shown_at", [
    ("idees_projet", ["Étude sur le report modal"], ("idees_projet",)),
    ("partenaires", ["SNCF"], ("partenaires",)),
])
def test_level_2_section_refuses_project_ideas_and_partners(key, value, shown_at):
    error = rule(Section, {**SECTION, key: value})
    assert str(error) == ("les idées de projet et les partenaires sont réservés aux parties "
                          "de niveau 1")
    assert error.key == shown_at


def test_section_level_is_1_or_2():
    [error] = errors(Section, {**SECTION, "niveau": 3})
    assert error["type"] == "literal_error"


# --- Participants -------------------------------------------------------------

def test_participants_total_alone_is_enough():
    participants = Participants.model_validate({"total": 7})
    assert participants.by_category == {}


def test_participants_split_may_equal_the_total():
    participants = Participants.model_validate(
        {"total": 30, "par_categorie": {"techniciens": 20, "elus": 10}})
    assert participants.by_category == {"techniciens": 20, "elus": 10}


def test_participants_split_cannot_exceed_the_total():
    error = rule(Participants, {"total": 29, "par_categorie": {"techniciens": 20, "elus": 10}})
    assert str(error) == "la répartition par catégorie (30) dépasse le total (29)"
    assert error.key == ("par_categorie",)


def test_participants_counts_cannot_be_negative():
    error = rule(Participants, {"total": 5, "par_categorie": {"techniciens": 3, "elus": -1}})
    assert str(error) == "l'effectif de « elus » ne peut pas être négatif"
    assert error.key == ("par_categorie", "elus")


def test_participants_total_cannot_be_negative():
    [error] = errors(Participants, {"total": -1})
    assert error["type"] == "greater_than_equal"


# --- the model as a whole -----------------------------------------------------

REPORT = {"territoire": "ardennes", "participants": {"total": 18}}


def test_models_are_frozen():
    report = TerritoryReport.model_validate(REPORT)
    with pytest.raises(ValidationError):
        report.territory = "hauts-de-france"
    with pytest.raises(ValidationError):
        report.participants.total = 3
    item = Item.model_validate("Texte")
    with pytest.raises(ValidationError):
        item.text = "Autre"


def test_keys_are_the_french_aliases_only():
    assert TerritoryReport.model_validate(REPORT).participants.total == 18
    kinds = {e["type"] for e in errors(
        TerritoryReport, {"territory": "ardennes", "participants": {"total": 18}})}
    assert kinds == {"missing", "extra_forbidden"}


def test_unknown_keys_are_refused():
    [error] = errors(TerritoryReport, {**REPORT, "objectifs": []})
    assert error["type"] == "extra_forbidden"
    assert error["loc"] == ("objectifs",)


def test_figures_only_report_has_no_compte_rendu():
    report = TerritoryReport.model_validate(REPORT)
    assert not report.has_report
    assert report.voted_themes == [] and report.sections == []
    with_section = TerritoryReport.model_validate(
        {**REPORT, "sections": [{"titre": "Mobilité", "niveau": 1}]})
    assert with_section.has_report


def test_numbers_are_accepted_as_text():
    info = EditionInfo.model_validate({"annee": 2021, "titre": 2021})
    assert info.title == "2021"
    assert info.date is None


def test_dates_and_years():
    info = EditionInfo.model_validate({"annee": 2021, "titre": "RT", "date": "2022-01-15"})
    assert info.date == datetime.date(2022, 1, 15)
    assert errors(EditionInfo, {"annee": 1999, "titre": "RT"})[0]["type"] == "greater_than_equal"
    assert errors(EditionInfo, {"annee": 2021, "titre": "RT", "date": "2022-13-01"})


def test_card_suggestion_kind():
    assert CardSuggestion.model_validate({"texte": "Étude"}).kind == "suggestion"
    assert CardSuggestion.model_validate({"nature": "rappel", "texte": "Étude"}).kind == "rappel"
    assert errors(CardSuggestion, {"nature": "rapel", "texte": "Étude"})[0]["type"] == "literal_error"


@pytest.mark.parametrize("value", [True, "35", 35.0])
def test_participants_total_is_a_whole_number_not_a_boolean_or_text(value):
    [error] = errors(Participants, {"total": value})
    assert error["type"] == "int_type"
