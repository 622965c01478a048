"""What became of the previous edition's suggestions: the part « Suivi des suggestions ».

A suggestion of the MOT (in a compte-rendu or in a common-idea card) that was given an
id is followed: the next edition's synthese.yaml says what became of it (`suivi`), and
every such suggestion is listed, those without a word as « sans suite renseignée ».
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from pydantic import BaseModel, ConfigDict, Field

from ..content.loading import Content, Edition
from .context import TemplateContext

NO_FOLLOW_UP = "sans suite renseignée"


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class FollowUpLine(_View):
    suggestion: str = Field(description="Le texte de la suggestion de l'édition précédente.")
    origine: str = Field(
        description="D'où elle vient, ex. « Hauts-de-France, partie Mobilité » ou "
                    "« Idées communes : Formation ».")
    etat: str = Field(description="« fait », « en cours », « abandonnée », « reformulée » ou "
                                  "« sans suite renseignée ».")
    commentaire: str = Field(description="La ligne de texte du suivi, ou vide.")
    texte: str = Field(
        description="La ligne à afficher : « Fait : le cahier est paru. » ou « Sans suite "
                    "renseignée. »")


class FollowUpFields(TemplateContext):
    """The follow-up fields of templates/synthese.docx (see SynthesisContext)."""

    suivi_suggestions_titre: str = Field(
        description="Titre de la partie, ex. « Suivi des suggestions de 2021 » ; vide quand "
                    "l'édition précédente n'a aucune suggestion avec identifiant.")
    suivi_suggestions: list[FollowUpLine] = Field(
        description="Chaque suggestion de l'édition précédente qui a un identifiant, dans "
                    "l'ordre des fichiers, avec ce qu'elle est devenue.")


@dataclass(frozen=True)
class EarlierSuggestion:
    id: str
    text: str
    origin: str


def identified_suggestions(content: Content, edition: Edition) -> list[EarlierSuggestion]:
    """The suggestions of `edition` that have an id: compte-rendus in the referentiel's
    order, then the synthesis' cards."""
    found = []
    for territory_id, report in edition.reports.items():
        name = content.territory(territory_id).name
        for section in report.sections:
            found += [EarlierSuggestion(item.id, item.text, f"{name}, partie {section.title}")
                      for item in section.suggestions if item.id is not None]
    if edition.synthesis is not None:
        for idea in edition.synthesis.common_ideas:
            title = idea.title or content.theme(idea.theme).label
            found += [EarlierSuggestion(s.id, s.text, f"Idées communes : {title}")
                      for s in idea.suggestions if s.id is not None]
    return found


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "…")) else text + "."


class FollowUpValues(TypedDict):
    """FollowUpFields' values, as SynthesisContext is given them."""

    suivi_suggestions_titre: str
    suivi_suggestions: list[FollowUpLine]


def follow_up_fields(content: Content, edition: Edition) -> FollowUpValues:
    """The values of FollowUpFields for the synthesis of `edition`."""
    previous = content.previous(edition)
    earlier = identified_suggestions(content, previous) if previous is not None else []
    if previous is None or not earlier:
        return FollowUpValues(suivi_suggestions_titre="", suivi_suggestions=[])
    said = {f.suggestion: f for f in (edition.synthesis.follow_ups if edition.synthesis else [])}
    lines = []
    for suggestion in earlier:
        follow_up = said.get(suggestion.id)
        status = follow_up.status if follow_up else NO_FOLLOW_UP
        comment = (follow_up.text or "") if follow_up else ""
        text = status[0].upper() + status[1:]
        lines.append(FollowUpLine(
            suggestion=suggestion.text, origine=suggestion.origin, etat=status,
            commentaire=comment,
            texte=_sentence(f"{text} : {comment}" if comment else text)))
    return FollowUpValues(suivi_suggestions_titre=f"Suivi des suggestions de {previous.year}",
                suivi_suggestions=lines)
