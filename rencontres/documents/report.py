"""What templates/compte-rendu.docx receives: the compte-rendu of one territory."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ..content.loading import Content, Edition, has_content
from ..content.model import EditionInfo, Section, Territory, TerritoryReport
from . import style
from .charts import Chart, Series
from .context import TemplateContext
from .french import join_words, long_date


class VoteRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str = Field(description="Le thème voté.")
    votes: int = Field(description="Son nombre de votes.")
    level1: bool = Field(description="Vrai si la MOT est particulièrement attendue sur ce thème.")


class ReportContext(TemplateContext):
    """Context of templates/compte-rendu.docx."""

    edition: EditionInfo = Field(description="L'édition (année, titre, date).")
    territory: Territory = Field(description="Le territoire (nom, pays).")
    report: TerritoryReport = Field(description="Le contenu du fichier du territoire.")
    meeting_date: str = Field(description="Date de la Rencontre en toutes lettres, ou vide.")
    borders: str = Field(description="Les pays de la frontière, ex. « FR-BE-UK ».")
    votes: list[VoteRow] = Field(description="Thèmes votés, du plus au moins voté.")
    vote_lines: list[str] = Field(
        description="Les votes en texte, un par partie, ex. « Gouvernance (8) ».")
    level1_sections: list[Section] = Field(description="Parties de niveau 1, dans l'ordre.")
    level2_sections: list[Section] = Field(description="Parties de niveau 2, dans l'ordre.")
    level1_titles: str = Field(description="Titres des parties de niveau 1, ex. « A, B et C ».")
    votes_chart: Chart | None = Field(description="Graphique des votes par thème, ou rien.")


def report_context(content: Content, edition: Edition, territory_id: str) -> ReportContext:
    report = edition.reports[territory_id]
    territory = content.territory(territory_id)
    level1 = [s for s in report.sections if s.level == 1]
    level1_labels = {label for s in level1 for label in s.voted_themes}
    votes = sorted(
        (VoteRow(label=v.label, votes=v.votes, level1=v.label in level1_labels)
         for v in report.voted_themes),
        key=lambda row: (-row.votes, row.label))
    return ReportContext(
        edition=edition.info,
        territory=territory,
        report=report,
        meeting_date=long_date(report.date),
        borders="-".join(territory.countries),
        votes=votes,
        vote_lines=_vote_lines(report),
        level1_sections=[s for s in level1 if has_content(s)],
        level2_sections=[s for s in report.sections if s.level == 2 and has_content(s)],
        level1_titles=join_words([s.title for s in level1]),
        votes_chart=votes_chart(votes) if votes else None,
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
        group = [l for l in votes if section and l in section.voted_themes] or [label]
        grouped.update(group)
        groups.append(group)
    groups.sort(key=lambda group: -max(votes[l] for l in group))
    return [" + ".join(f"{label} ({votes[label]})" for label in group) for group in groups]


def votes_chart(votes: list[VoteRow]) -> Chart:
    from .charts import horizontal_bars

    png = horizontal_bars(
        [row.label for row in votes],
        [Series("Votes", [row.votes for row in votes], style.NAVY)],
        bar_colors=[style.ORANGE if row.level1 else style.SKY for row in votes],
        legend=[("MOT particulièrement attendue", style.ORANGE), ("Autre thème", style.SKY)],
    )
    stated = " ; ".join(
        f"{row.label} : {row.votes} vote{'s' if row.votes > 1 else ''}"
        + (" (MOT particulièrement attendue)" if row.level1 else "") for row in votes)
    return Chart(png, f"Nombre de votes par thème. {stated}.")
