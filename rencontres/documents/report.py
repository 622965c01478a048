"""What templates/compte-rendu.docx receives: the compte-rendu of one territory."""

from __future__ import annotations

import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from ..content.loading import Content, Edition, has_content
from ..content.model import (
    EditionInfo,
    Item,
    Participants,
    Section,
    Territory,
    TerritoryReport,
)
from . import style
from .charts import Chart, Series
from .context import TemplateContext
from .french import counted, headed, join_words, long_date

DRAFT = "Version provisoire (brouillon)"


class VoteRow(BaseModel):
    model_config = ConfigDict(frozen=True, validate_by_name=True, validate_by_alias=False)

    label: str = Field(alias="libelle", description="Le thème voté.")
    votes: int = Field(alias="votes", description="Son nombre de votes.")
    level1: bool = Field(alias="niveau_1",
                         description="Vrai si la MOT est particulièrement attendue sur ce thème.")


class SectionView(Section):
    """A part of the compte-rendu, with its headings agreed with what they head."""

    partners_line: str = Field(
        alias="partenaires_texte",
        description="Les partenaires pressentis en une ligne, séparés par des virgules "
                    "comme sur les diapositives, ex. « réseau MOT, 27e région », ou vide.")
    suggestions_heading: str = Field(
        alias="titre_suggestions",
        description="« Suggestion de la MOT » ou « Suggestions de la MOT ».")
    remarks_heading: str = Field(
        alias="titre_remarques",
        description="« Remarque de la MOT » ou « Remarques de la MOT ».")


def section_view(section: Section) -> SectionView:
    return SectionView.model_construct(
        **dict(section),
        partners_line=", ".join(section.partners),
        suggestions_heading=headed("Suggestion", len(section.suggestions)) + " de la MOT",
        remarks_heading=headed("Remarque", len(section.remarks)) + " de la MOT")


class ReportContext(TemplateContext):
    """Context of templates/compte-rendu.docx: the territory's file, in its own words,
    and what is computed from it."""

    edition: EditionInfo = Field(alias="edition", description="L'édition (année, titre, date).")
    territory: Territory = Field(alias="territoire", description="Le territoire (nom, pays).")
    status: str = Field(alias="statut",
                        description="« Version provisoire (brouillon) » pour un compte-rendu "
                                    "marqué « brouillon » dans son fichier ; vide sinon.")
    date: datetime.date | None = Field(alias="date",
                                       description="Date de la Rencontre, ou rien.")
    meeting_date: str = Field(alias="date_en_lettres",
                              description="Date de la Rencontre en toutes lettres, "
                                          "ex. « 12 octobre 2021 », ou vide.")
    place: str | None = Field(alias="lieu", description="Lieu de la Rencontre, ou rien.")
    participants: Participants = Field(alias="participants", description="Les participants.")
    participants_figure: str = Field(alias="participants_texte",
                                     description="Les participants en texte, ex. « 35 participants ».")
    borders: str = Field(alias="frontiere",
                         description="Les pays de la frontière, ex. « FR-BE-UK ».")
    votes: list[VoteRow] = Field(alias="themes_votes",
                                 description="Thèmes votés, du plus au moins voté.")
    votes_figure: str = Field(
        alias="themes_votes_texte",
        description="Les thèmes votés en texte, ex. « 9 thèmes prioritaires », « 1 thème prioritaire ».")
    vote_lines: list[str] = Field(
        alias="lignes_votes",
        description="Les votes en texte, un par partie, ex. « Gouvernance (8) ».")
    local_priorities: list[str] | None = Field(
        alias="priorites_locales",
        description="Thèmes de synthèse retenus comme priorités locales (identifiants du "
                    "référentiel), ou rien s'ils ne sont pas renseignés.")
    mot_expected: list[str] | None = Field(
        alias="mot_attendue",
        description="Thèmes de synthèse sur lesquels la MOT est particulièrement attendue "
                    "(identifiants du référentiel), ou rien s'ils ne sont pas renseignés.")
    sections: list[SectionView] = Field(alias="sections",
                                        description="Toutes les parties, dans l'ordre.")
    level1_sections: list[SectionView] = Field(alias="parties_niveau_1",
                                               description="Parties de niveau 1, dans l'ordre.")
    level2_sections: list[SectionView] = Field(
        alias="parties_niveau_2",
        description="Les autres parties, dans l'ordre : de niveau 2, ou sans niveau connu.")
    others_heading: str = Field(
        alias="titre_autres_parties",
        description="Titre des autres parties : « Les autres thèmes prioritaires » après des "
                    "parties de niveau 1, « Les thèmes abordés » sans elles.")
    others_intro: str = Field(
        alias="intro_autres_parties",
        description="La phrase qui les présente : « Thèmes de niveau 2 : les objectifs "
                    "territoriaux exprimés par les participants. » quand toutes sont de "
                    "niveau 2, sans mention de niveau sinon.")
    votes_caption: str = Field(
        alias="legende_votes",
        description="Légende du graphique des votes : « Nombre de votes par thème. », suivie "
                    "de « En orange, les thèmes sur lesquels la MOT est particulièrement "
                    "attendue. » quand une partie de niveau 1 en couvre.")
    cross_cutting_ideas: list[Item] = Field(alias="idees_transversales",
                                            description="Idées transversales à certains thèmes.")
    level1_titles: str = Field(alias="titres_niveau_1",
                               description="Titres des parties de niveau 1, ex. « A, B et C ».")
    level1_figure: str = Field(
        alias="niveau_1_texte",
        description="Les thèmes de niveau 1 en texte, ex. « 3 thèmes », « 1 thème ».")
    level1_line: str = Field(
        alias="niveau_1_phrase",
        description="La suite de la phrase : « sur lesquels la MOT est particulièrement "
                    "attendue : A, B et C » (« sur lequel » pour un seul thème).")
    votes_chart: Chart | None = Field(
        alias="graphique_votes",
        description="Graphique des votes par thème, ou rien (moins de deux thèmes votés).")

    # The English names of the first templates, for the checker's hint; "" for a group
    # whose fields are now at the top level.
    FORMER_NAMES: ClassVar[dict[str, str]] = {
        "territory": "territoire", "report": "", "meeting_date": "date_en_lettres",
        "participants_figure": "participants_texte", "borders": "frontiere",
        "votes": "themes_votes", "votes_figure": "themes_votes_texte",
        "vote_lines": "lignes_votes", "level1_sections": "parties_niveau_1",
        "level2_sections": "parties_niveau_2", "level1_titles": "titres_niveau_1",
        "level1_figure": "niveau_1_texte", "level1_line": "niveau_1_phrase",
        "votes_chart": "graphique_votes"}


def report_context(content: Content, edition: Edition, territory_id: str) -> ReportContext:
    report = edition.reports[territory_id]
    territory = content.territory(territory_id)
    level1 = [s for s in report.sections if s.level == 1]
    others = [s for s in report.sections if s.level != 1 and has_content(s)]
    level1_labels = {label for s in level1 for label in s.voted_themes}
    titles = join_words([s.title for s in level1])
    votes = sorted(
        (VoteRow(label=v.label, votes=v.votes, level1=v.label in level1_labels)
         for v in report.voted_themes),
        key=lambda row: (-row.votes, row.label))
    return ReportContext(
        edition=edition.info,
        territory=territory,
        status=DRAFT if report.draft else "",
        date=report.date,
        meeting_date=long_date(report.date),
        place=report.place,
        participants=report.participants,
        local_priorities=report.local_priorities,
        mot_expected=report.mot_expected,
        sections=[section_view(s) for s in report.sections],
        cross_cutting_ideas=report.cross_cutting_ideas,
        participants_figure=counted(report.participants.total, "participant"),
        borders="-".join(territory.countries),
        votes=votes,
        votes_figure=counted(len(votes), "thème prioritaire", "thèmes prioritaires"),
        vote_lines=_vote_lines(report),
        level1_sections=[section_view(s) for s in level1 if has_content(s)],
        level2_sections=[section_view(s) for s in others],
        others_heading=("Les autres thèmes prioritaires" if any(map(has_content, level1))
                        else "Les thèmes abordés"),
        others_intro=(f"{'Thèmes de niveau 2 : l' if all(s.level == 2 for s in others) else 'L'}"
                      "es objectifs territoriaux exprimés par les participants."),
        votes_caption="Nombre de votes par thème." + (
            " En orange, les thèmes sur lesquels la MOT est particulièrement attendue."
            if any(row.level1 for row in votes) else ""),
        level1_titles=titles,
        level1_figure=counted(len(level1), "thème"),
        level1_line=(f"{'sur lequel' if len(level1) < 2 else 'sur lesquels'} la MOT est "
                     f"particulièrement attendue : {titles}"),
        # One bar compares nothing: the list of votes below says it.
        votes_chart=votes_chart(votes) if len(votes) > 1 else None,
    )


def _vote_lines(report: TerritoryReport) -> list[str]:
    """Themes grouped in one section read as one line, as on the slides:
    « Citoyenneté / Culture (9) + Services publics (5) »; most voted first."""
    votes = {v.label: v.votes for v in report.voted_themes}
    groups: list[list[str]] = []
    grouped: set[str] = set()
    for label in votes:
        if label in grouped:
            continue
        section = next((s for s in report.sections if label in s.voted_themes), None)
        group = [other for other in votes if section and other in section.voted_themes] or [label]
        grouped.update(group)
        groups.append(group)
    groups.sort(key=lambda group: -max(votes[member] for member in group))
    return [" + ".join(f"{label} ({votes[label]})" for label in group) for group in groups]


def votes_chart(votes: list[VoteRow]) -> Chart:
    """The votes, in orange where the MOT is particularly expected (a legend then says
    so; without such a theme, no legend claims anything)."""
    stated = " ; ".join(
        f"{row.label} : {row.votes} vote{'s' if row.votes > 1 else ''}"
        + (" (MOT particulièrement attendue)" if row.level1 else "") for row in votes)
    return Chart(
        [row.label for row in votes],
        [Series("Votes", [row.votes for row in votes], style.NAVY)],
        f"Nombre de votes par thème. {stated}.",
        bar_colors=[style.ORANGE if row.level1 else style.NAVY for row in votes],
        legend=([("MOT particulièrement attendue", style.ORANGE), ("Autre thème", style.NAVY)]
                if any(row.level1 for row in votes) else ()),
    )
