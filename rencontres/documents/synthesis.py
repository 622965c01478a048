"""What templates/synthese.docx receives: the cross-territory synthesis of an edition.

Every sentence that states a figure is computed here from the content, never typed
in a template; the field descriptions are shown to template editors.
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from ..content.loading import Content, Edition
from ..content.model import EditionInfo, MostCited, Territory
from . import style
from .charts import Chart, Series
from .context import TemplateContext
from .figures import (
    CategorySplit,
    IdeaCard,
    ParticipantsSummary,
    ThemeCount,
    most_cited,
    sort_key,
    synthesize,
)
from .follow_up import FollowUpFields, follow_up_fields
from .french import counted, headed, join_words, long_date, plural
from .map import MapFields, map_fields
from .trends import TrendFields, trend_fields

MISSING = "n. d."  # « non disponible »: no file for the territory that year
UPCOMING = "à venir"  # no file yet: its Rencontre is still to come (never counted)


class _View(BaseModel):
    # Built in code by attribute name; templates see each field by its French alias.
    model_config = ConfigDict(frozen=True, validate_by_name=True, validate_by_alias=False)


class ParticipantRow(_View):
    territory: str = Field(alias="territoire",
        description="Nom du territoire (ou « Total » pour la ligne de total).")
    previous: str = Field(alias="precedent",
        description="Participants à l'édition précédente, « n. d. » si le territoire n'a pas "
                    "de fichier cette année-là, vide s'il n'y a pas d'édition précédente.")
    current: str = Field(alias="actuel", description="Participants à l'édition, ou « n. d. ».")
    evolution: str = Field(alias="evolution",
        description="Évolution, ex. « +250 % » ; « – » si un des deux chiffres manque, "
                    "vide s'il n'y a pas d'édition précédente.")


class RencontreRow(_View):
    territory: str = Field(alias="territoire", description="Nom du territoire.")
    date: str = Field(alias="date",
        description="Date de la Rencontre en toutes lettres, ou « n. d. ».")
    place: str = Field(alias="lieu", description="Lieu de la Rencontre, ou « n. d. ».")
    participants: str = Field(alias="participants", description="Nombre de participants.")


class CategoryRow(_View):
    label: str = Field(alias="libelle", description="Catégorie de participants (référentiel).")
    count: int = Field(alias="nombre",
        description="Nombre de participants de cette catégorie, tous territoires.")


class ThemeLine(_View):
    label: str = Field(alias="libelle", description="Libellé du thème (référentiel).")
    count: int = Field(alias="nombre", description="Nombre de territoires.")
    text: str = Field(alias="texte",
        description="La phrase à afficher, ex. « identifié comme priorité locale dans "
                    "9 territoires ».")
    territories: str = Field(alias="territoires",
        description="Les territoires concernés, ex. « Ardennes et Arc Jurassien ».")


class SuggestionLine(_View):
    label: str = Field(alias="libelle",
        description="« Suggestion 1 », « Suggestion 2 »… ou « Rappel 2021 ».")
    text: str = Field(alias="texte", description="Le texte de la suggestion.")
    reminder: bool = Field(alias="rappel",
        description="Vrai pour le rappel d'une proposition antérieure.")


class CardView(_View):
    title: str = Field(alias="titre",
        description="Titre de la fiche : le titre donné ou le libellé du thème.")
    subtitle: str = Field(alias="sous_titre",
        description="Le libellé du thème quand le titre de la fiche en diffère, sinon vide.")
    theme: str = Field(alias="theme", description="Libellé du thème du référentiel.")
    problem: str = Field(alias="problematique", description="La problématique commune.")
    territories: str = Field(alias="territoires",
        description="Les territoires concernés, ex. « Arc Jurassien, Ardennes et Pyrénées Ouest ».")
    territory_count: int = Field(alias="nombre_territoires",
        description="Nombre de territoires concernés.")
    suggestions_heading: str = Field(alias="titre_suggestions",
        description="Intitulé des suggestions, ex. « Suggestions pour 2022 » ; vide sans "
                    "suggestion.")
    suggestions: list[SuggestionLine] = Field(alias="suggestions",
        description="Les suggestions, dans l'ordre.")


class SynthesisContext(FollowUpFields, TrendFields, MapFields, TemplateContext):
    """Context of templates/synthese.docx (the map, the trends and the follow-up of
    suggestions: documents/map.py, trends.py, follow_up.py)."""

    edition: EditionInfo = Field(alias="edition", description="L'édition (année, titre, date).")
    title: str = Field(alias="titre",
        description="Titre du document, ex. « Synthèse des Rencontres territoriales 2021 ».")
    status: str = Field(alias="statut",
        description="Pour une édition provisoire (des Rencontres à venir), ex. « Synthèse "
                    "provisoire au 15 septembre 2021 : 3 Rencontres sur 9 » ; vide sinon.")
    introduction: str = Field(alias="introduction",
        description="Texte d'introduction de synthese.yaml, ou vide.")
    territories_count: int = Field(alias="nombre_territoires",
        description="Nombre de territoires ayant un fichier pour l'édition.")
    territories_figure: str = Field(alias="territoires_texte",
        description="Les territoires de l'édition en texte : « 9 territoires », ou "
                    "« 3 territoires sur 9 » quand certains n'ont pas de fichier, ou "
                    "« 4 Rencontres à venir » avant la première.")
    participants_total: int = Field(alias="participants_total",
        description="Total des participants de l'édition (territoires présents uniquement).")
    participants_figure: str = Field(alias="participants_texte",
        description="Le total en texte, ex. « 195 participants ».")
    participants_line: str = Field(alias="participants_phrase",
        description="La suite de la phrase du total : « dans 9 territoires, contre 94 en "
                    "2020, soit +107 % » ; la comparaison porte sur les mêmes territoires "
                    "aux deux éditions. Avant la première Rencontre : « pour l'instant : "
                    "les 4 Rencontres sont à venir ».")
    previous_year: int | None = Field(alias="annee_precedente",
        description="Année de l'édition précédente, ou rien s'il n'y en a pas.")
    previous_total: int | None = Field(alias="total_precedent",
        description="Total des participants de l'édition précédente, ou rien.")
    evolution: str = Field(alias="evolution",
        description="Évolution des participants, ex. « +107 % », sur les territoires présents "
                    "aux deux éditions, ou vide.")
    evolution_line: str = Field(alias="evolution_phrase",
        description="La comparaison avec l'édition précédente, ex. « 94 en 2020, soit "
                    "+107 % », sur les territoires présents aux deux éditions, ou vide.")
    rencontres: list[RencontreRow] = Field(alias="rencontres",
        description="Les Rencontres de l'édition, une ligne par territoire présent (date, lieu, "
                    "participants) ; vide quand aucun fichier ne donne ni date ni lieu.")
    participant_rows: list[ParticipantRow] = Field(alias="lignes_participants",
        description="Une ligne par territoire, dans l'ordre du référentiel.")
    participant_total_row: ParticipantRow = Field(alias="ligne_total_participants",
        description="La ligne « Total » du tableau.")
    missing_note: str = Field(alias="note_territoires_absents",
        description="Note sur les territoires sans fichier (non comptés dans les totaux), "
                    "ou vide.")
    participants_caption: str = Field(alias="legende_participants",
        description="Légende du graphique et du tableau des participants, ex. « Nombre de "
                    "participants par territoire en 2020 et en 2021. »")
    participants_chart: Chart | None = Field(alias="graphique_participants",
        description="Graphique des participants par territoire (les deux éditions côte à "
                    "côte s'il y a une édition précédente), ou rien.")
    categories: list[CategoryRow] = Field(alias="categories",
        description="Participants par catégorie, vide si aucun territoire n'a donné de répartition.")
    categories_note: str = Field(
        alias="note_categories",
        description="Sur quels territoires porte la répartition par catégorie ; sans "
                    "répartition, la phrase qui le dit.")
    categories_chart: Chart | None = Field(alias="graphique_categories",
        description="Graphique des participants par catégorie, ou rien.")
    local_priority_themes: list[ThemeLine] = Field(alias="priorites_locales",
        description="Thèmes retenus comme priorité locale par au moins un territoire, "
                    "du plus au moins cité.")
    local_priorities_caption: str = Field(alias="legende_priorites_locales",
        description="Légende des priorités locales : « Nombre de territoires (sur 9) ayant "
                    "retenu chaque thème comme priorité locale. », sur les territoires qui "
                    "ont renseigné la liste.")
    local_priorities_chart: Chart | None = Field(alias="graphique_priorites_locales",
        description="Graphique du nombre de territoires par thème (priorités locales), ou rien.")
    mot_expected_themes: list[ThemeLine] = Field(alias="mot_attendue",
        description="Thèmes sur lesquels la MOT est particulièrement attendue dans au moins "
                    "un territoire, du plus au moins cité.")
    mot_expected_caption: str = Field(alias="legende_mot_attendue",
        description="Légende des thèmes où la MOT est attendue, sur les territoires qui ont "
                    "renseigné la liste.")
    mot_expected_chart: Chart | None = Field(alias="graphique_mot_attendue",
        description="Graphique du nombre de territoires par thème où la MOT est attendue, "
                    "ou rien.")
    cards: list[CardView] = Field(alias="idees_communes",
        description="Les fiches « idées communes à plusieurs territoires », dans l'ordre de "
                    "synthese.yaml.")
    cards_year: int = Field(alias="annee_suggestions",
                            description="Année des suggestions d'action (édition + 1).")

    # The English names of the first templates, for the checker's hint.
    FORMER_NAMES: ClassVar[dict[str, str]] = {
        "title": "titre", "territories_count": "nombre_territoires",
        "territories_figure": "territoires_texte", "participants_figure": "participants_texte",
        "participants_line": "participants_phrase", "previous_year": "annee_precedente",
        "previous_total": "total_precedent", "evolution_line": "evolution_phrase",
        "participant_rows": "lignes_participants",
        "participant_total_row": "ligne_total_participants",
        "missing_note": "note_territoires_absents", "participants_chart": "graphique_participants",
        "categories_note": "note_categories", "categories_chart": "graphique_categories",
        "local_priority_themes": "priorites_locales",
        "local_priorities_caption": "legende_priorites_locales",
        "local_priorities_chart": "graphique_priorites_locales",
        "mot_expected_themes": "mot_attendue", "mot_expected_caption": "legende_mot_attendue",
        "mot_expected_chart": "graphique_mot_attendue", "cards": "idees_communes",
        "cards_year": "annee_suggestions"}


def synthesis_title(edition: Edition) -> str:
    return f"Synthèse des Rencontres territoriales {edition.year}"


def synthesis_context(content: Content, edition: Edition) -> SynthesisContext:
    data = synthesize(content, edition)
    participants = data.participants
    shown = edition.synthesis.most_cited if edition.synthesis else MostCited()
    local = most_cited(data.local_priorities, shown.local_priorities)
    expected = most_cited(data.mot_expected, shown.mot_expected)
    evolution = participants.evolution or ""
    present = len(participants.present)
    upcoming = len(edition.info.upcoming)
    local_caption = theme_caption(
        "ayant retenu chaque thème comme priorité locale.", data.local_recorded, participants)
    expected_caption = theme_caption(
        "où la MOT est particulièrement attendue, par thème.", data.expected_recorded,
        participants)
    return SynthesisContext(
        **map_fields(content, edition), **trend_fields(content, edition),
        **follow_up_fields(content, edition),
        edition=edition.info,
        title=synthesis_title(edition),
        status=provisional_status(edition),
        introduction=data.introduction or "",
        territories_count=present,
        territories_figure=territories_figure(participants, upcoming),
        participants_total=participants.total,
        # It starts the participants' paragraph: « Aucun », never a lowercase « aucun ».
        participants_figure=(counted(participants.total, "participant") if present
                             else "Aucun participant"),
        participants_line=participants_line(participants, upcoming),
        previous_year=participants.previous_year,
        previous_total=participants.previous_total,
        evolution=evolution,
        evolution_line=evolution_line(participants),
        rencontres=rencontre_rows(content, edition),
        participant_rows=_participant_rows(participants, edition),
        participant_total_row=_total_row(participants, upcoming),
        missing_note=missing_note(participants, content, edition),
        participants_caption=participants_caption(participants),
        # A chart of one bar compares nothing: the sentence and the table say it.
        participants_chart=(participants_chart(participants)
                            if len(participants.present) > 1 or participants.compared else None),
        categories=[CategoryRow(label=c.category.label, count=c.count)
                    for c in data.categories.counts],
        categories_note=categories_note(data.categories),
        categories_chart=(categories_chart(data.categories)
                          if len(data.categories.counts) > 1 else None),
        local_priority_themes=[_theme_line(c, "identifié comme priorité locale") for c in local],
        local_priorities_caption=local_caption,
        local_priorities_chart=(themes_chart(local, local_caption, style.NAVY)
                                if len(local) > 1 else None),
        mot_expected_themes=[_theme_line(c, "identifié comme thème prioritaire pour la MOT")
                             for c in expected],
        mot_expected_caption=expected_caption,
        mot_expected_chart=(themes_chart(expected, expected_caption, style.ORANGE)
                            if len(expected) > 1 else None),
        cards=[_card_view(card) for card in data.cards],
        cards_year=edition.year + 1,
    )


def provisional_status(edition: Edition) -> str:
    """« Synthèse provisoire au 15 septembre 2021 : 3 Rencontres sur 9 », dated by the
    edition's publication date, else by its last Rencontre held; empty when none is to
    come."""
    upcoming = edition.info.upcoming
    if not upcoming:
        return ""
    held = [report.date for report in edition.reports.values() if report.date is not None]
    day = edition.info.date or max(held, default=None)
    when = f" au {long_date(day)}" if day is not None else ""
    count = len(edition.reports)
    return (f"Synthèse provisoire{when} : {count} Rencontre{'s' if count > 1 else ''} "
            f"sur {count + len(upcoming)}")


def upcoming_line(content: Content, edition: Edition) -> str:
    """« À venir : Ardennes (14 octobre 2021) et Grande Région (date à fixer) : … »."""
    upcoming = edition.info.upcoming
    if not upcoming:
        return ""
    listed = join_words([f"{content.territory(p.territory).name} "
                         f"({long_date(p.date) or 'date à fixer'})" for p in upcoming])
    counted_yet = ("cette Rencontre n’est pas encore comptée" if len(upcoming) == 1
                   else "ces Rencontres ne sont pas encore comptées")
    return f"À venir : {listed} ; {counted_yet}."


def participants_caption(participants: ParticipantsSummary) -> str:
    """« Nombre de participants par territoire en 2020 et en 2021. »"""
    years = (f"en {participants.previous_year} et en {participants.year}"
             if participants.previous_year is not None else f"en {participants.year}")
    return f"Nombre de participants par territoire {years}."


def territories_figure(participants: ParticipantsSummary, upcoming: int = 0) -> str:
    """« 9 territoires »; « 3 territoires sur 9 » when some have no file; « 4 Rencontres à
    venir » when none is held yet and `upcoming` are to come."""
    present = len(participants.present)
    if not present and upcoming:
        return f"{plural(upcoming, 'Rencontre')} à venir"
    figure = counted(present, "territoire")
    if present == participants.territories:
        return figure
    return f"{figure} sur {participants.territories}"


def compared_edition(participants: ParticipantsSummary) -> str:
    """« 2020 »; « 2017 (édition précédente) » after skipped years: never « last year »."""
    if participants.consecutive:
        return str(participants.previous_year)
    return f"{participants.previous_year} (édition précédente)"


def _present(count: int, when: str) -> str:
    """« le seul territoire présent les deux années », « les 9 territoires présents… »."""
    return (f"le seul territoire présent {when}" if count == 1
            else f"les {count} territoires présents {when}")


def _both_years(count: int) -> str:
    return _present(count, "les deux années")


def _soit(participants: ParticipantsSummary) -> str:
    return f", soit {participants.evolution}" if participants.evolution not in (None, "–") else ""


def evolution_line(participants: ParticipantsSummary) -> str:
    """« 94 en 2020, soit +107 % »: over the territories of both editions, named when they
    are not all of them; empty without a territory in both."""
    if participants.previous_year is None or not participants.compared:
        return ""
    since = compared_edition(participants)
    if participants.like_for_like:
        return f"{participants.previous_total} en {since}{_soit(participants)}"
    return (f"{participants.compared_previous_total} en {since} pour "
            f"{_both_years(len(participants.compared))}{_soit(participants)}")


def participants_line(participants: ParticipantsSummary, upcoming: int = 0) -> str:
    """What follows « 195 participants »: « dans 9 territoires, contre 94 en 2020, soit
    +107 % ». A partial edition is compared over the territories present both times;
    before any Rencontre is held, nothing is compared: « pour l'instant : les 4
    Rencontres sont à venir »."""
    if not participants.present and upcoming:
        return ("pour l'instant : la Rencontre est à venir" if upcoming == 1
                else f"pour l'instant : les {upcoming} Rencontres sont à venir")
    where = f"dans {territories_figure(participants)}"
    if participants.previous_year is None or not participants.present:
        return where
    since = compared_edition(participants)
    if not participants.compared:
        return (f"{where} ; aucun n'avait de fichier en {since} : pas de comparaison "
                "possible")
    if participants.like_for_like:
        return f"{where}, contre {evolution_line(participants)}"
    return (f"{where} ; pour {_both_years(len(participants.compared))}, "
            f"{participants.compared_total} contre {participants.compared_previous_total} "
            f"en {since}{_soit(participants)}")


def _total_row(participants: ParticipantsSummary, upcoming: int = 0) -> ParticipantRow:
    """The table's last row: the totals when both editions have the same territories,
    else the totals of those present both times, said so; before any Rencontre is held,
    the previous total beside « à venir »."""
    if participants.previous_year is not None and not participants.present:
        return ParticipantRow(territory="Total", previous=str(participants.previous_total),
                              current=UPCOMING if upcoming else MISSING, evolution="–")
    if participants.previous_year is None or participants.like_for_like:
        has_previous = participants.previous_year is not None
        return ParticipantRow(
            territory="Total",
            previous=str(participants.previous_total) if has_previous else "",
            current=str(participants.total), evolution=participants.evolution or "")
    compared = len(participants.compared)
    label = ("Total du territoire présent les deux années" if compared == 1
             else f"Total des {compared} territoires présents les deux années")
    return ParticipantRow(territory=label, previous=str(participants.compared_previous_total),
                          current=str(participants.compared_total),
                          evolution=participants.evolution or "–")


def rencontre_rows(content: Content, edition: Edition) -> list[RencontreRow]:
    """Each Rencontre of the edition, from the territory files, then those to come
    (« à venir », never a figure); none when nothing says when or where (a table of
    « n. d. » would say nothing)."""
    reports = edition.reports
    upcoming = edition.info.upcoming
    if not any(report.date or report.place for report in reports.values()) \
            and not any(planned.date for planned in upcoming):
        return []
    # By date, as they were held; those without a date last, in referentiel order.
    held = sorted(reports.items(), key=lambda item: (item[1].date is None,
                                                     item[1].date or datetime.date.min))
    to_come = sorted(upcoming, key=lambda planned: (planned.date is None,
                                                    planned.date or datetime.date.min))
    return [*(RencontreRow(territory=content.territory(tid).name,
                           date=long_date(report.date) or MISSING,
                           place=report.place or MISSING,
                           participants=str(report.participants.total))
              for tid, report in held),
            *(RencontreRow(territory=content.territory(planned.territory).name,
                           date=long_date(planned.date) or "à fixer",
                           place=MISSING, participants=UPCOMING)
              for planned in to_come)]


def _count(value: int | None) -> str:
    return MISSING if value is None else str(value)


def _participant_rows(participants: ParticipantsSummary, edition: Edition
                      ) -> list[ParticipantRow]:
    has_previous = participants.previous_year is not None
    upcoming = {planned.territory for planned in edition.info.upcoming}
    return [ParticipantRow(
        territory=row.territory.name,
        previous=_count(row.previous) if has_previous else "",
        current=(UPCOMING if row.current is None and row.territory.id in upcoming
                 else _count(row.current)),
        evolution=row.evolution if has_previous else "")
        for row in participants.rows]


def missing_note(participants: ParticipantsSummary, content: Content, edition: Edition) -> str:
    """« Pas de données pour Ardennes en 2021 : ce territoire n'est pas compté dans le
    total. »; the Rencontres still to come are said so, apart."""
    upcoming = {planned.territory for planned in edition.info.upcoming}
    sentences = [upcoming_line(content, edition)] if upcoming else []
    for year, missing, total in (
            (participants.year, tuple(t for t in participants.missing if t.id not in upcoming),
             "le total"),
            (participants.previous_year, participants.previous_missing,
             f"le total {participants.previous_year}")):
        if year is None or not missing:
            continue
        names = join_words([t.name for t in missing])
        if len(missing) == 1:
            sentences.append(f"Pas de données pour {names} en {year} : "
                             f"ce territoire n'est pas compté dans {total}.")
        else:
            sentences.append(f"Pas de données pour {names} en {year} : "
                             f"ces territoires ne sont pas comptés dans {total}.")
    if participants.previous_year is not None and not participants.like_for_like:
        before = sum(row.previous is not None for row in participants.rows)
        sentences.append(f"Total {participants.previous_year} pour "
                         f"{_present(before, 'cette année-là')} : "
                         f"{plural(participants.previous_total or 0, 'participant')}.")
    return " ".join(sentences)


# Said of the figures, not of the territories: a Rencontre may have counted its
# participants by category without the figures being entered (2021).
NO_SPLIT = ("La répartition des participants par catégorie (techniciens, élus, représentants "
            "du niveau national…) n’est pas renseignée.")


def categories_note(split: CategorySplit) -> str:
    """« Répartition connue pour 3 territoires sur 9 (120 participants). »; when no
    territory gave it, that in one line."""
    if not split.counts:
        return NO_SPLIT
    known = len(split.territories)
    if known == split.territories_present:
        scope = ("pour le seul territoire" if known == 1 else f"pour les {known} territoires")
    else:
        scope = f"pour {plural(known, 'territoire')} sur {split.territories_present}"
    note = f"Répartition par catégorie connue {scope} ({plural(split.participants, 'participant')})"
    unknown = split.participants - split.total
    if unknown:
        note += f", dont {unknown} sans catégorie précisée"
    return note + "."


def theme_caption(what: str, recorded: tuple[Territory, ...], participants: ParticipantsSummary) -> str:
    """« Nombre de territoires (sur 9) ayant retenu… »: out of the territories that
    recorded the list, those that did not named."""
    caption = f"Nombre de territoires (sur {len(recorded)}) {what}"
    ids = {territory.id for territory in recorded}
    silent = [row.territory.name for row in participants.present if row.territory.id not in ids]
    if silent:
        caption += (f" Liste non renseignée pour {join_words(silent)}, "
                    f"{'non compté' if len(silent) == 1 else 'non comptés'}.")
    return caption


def _theme_line(count: ThemeCount, phrase: str) -> ThemeLine:
    return ThemeLine(label=count.theme.label, count=count.count,
                     text=f"{phrase} dans {plural(count.count, 'territoire')}",
                     territories=join_words([t.name for t in count.territories]))


def _card_view(card: IdeaCard) -> CardView:
    count = len(card.suggestions)
    heading = f"{headed('Suggestion', count)} pour {card.suggestions_year}" if count else ""
    return CardView(
        title=card.title,
        subtitle=card.theme.label if card.theme.label != card.title else "",
        theme=card.theme.label,
        problem=card.problem,
        territories=join_words([t.name for t in card.territories]),
        territory_count=len(card.territories),
        suggestions_heading=heading,
        suggestions=[SuggestionLine(label=s.label, text=s.text, reminder=s.kind == "rappel")
                     for s in card.suggestions],
    )


# --- charts -------------------------------------------------------------------

def _participants_word(count: int) -> str:
    return plural(count, "participant")


def participants_chart(participants: ParticipantsSummary) -> Chart:
    """Territories with a file in the edition, most participants first; with the previous
    edition side by side when there is one."""
    rows = sorted(participants.present,
                  key=lambda row: (-(row.current or 0), sort_key(row.territory.name)))
    year, previous_year = participants.year, participants.previous_year
    colors = style.edition_colors([year] if previous_year is None else [previous_year, year])
    current = Series(str(year), [row.current or 0 for row in rows], colors[year])
    if previous_year is None:
        labels = [row.territory.name for row in rows]
        stated = " ; ".join(f"{row.territory.name} : {_participants_word(row.current or 0)}"
                           for row in rows)
        alt = (f"Nombre de participants par territoire aux Rencontres territoriales {year}. "
               f"{stated}. Total : {_participants_word(participants.total)}.")
        return Chart(labels, [current], alt)
    # A territory without a file the previous year has no bar that year (« n. d. », never
    # a zero): its label says so too.
    labels = [row.territory.name if row.previous is not None
              else f"{row.territory.name} (pas de données {previous_year})" for row in rows]
    previous = Series(str(previous_year), [row.previous for row in rows], colors[previous_year])
    stated = " ; ".join(
        f"{row.territory.name} : "
        + (f"{row.previous} en {previous_year}" if row.previous is not None
           else f"pas de données en {previous_year}")
        + f", {row.current} en {year}" for row in rows)
    change = (f" ({participants.evolution})"
              if participants.evolution not in (None, "–") else "")
    if participants.like_for_like:
        totals = (f"Total : {participants.previous_total} en {previous_year}, "
                  f"{participants.total} en {year}{change}.")
    else:
        totals = (f"Total {year} : {participants.total}. "
                  + (f"Pour {_both_years(len(participants.compared))} : "
                     f"{participants.compared_previous_total} en {previous_year}, "
                     f"{participants.compared_total} en {year}{change}."
                     if participants.compared else
                     f"Aucun territoire présent en {previous_year} et en {year}."))
    alt = (f"Nombre de participants par territoire aux Rencontres territoriales {previous_year} "
           f"et {year}. {stated}. {totals}")
    return Chart(labels, [previous, current], alt)


def categories_chart(split: CategorySplit) -> Chart:
    labels = [c.category.label for c in split.counts]
    values = [c.count for c in split.counts]
    colors = [style.NAVY] * len(values)
    unknown = split.participants - split.total
    if unknown:
        labels.append("Catégorie non précisée")
        values.append(unknown)
        colors.append(style.SKY)
    stated = " ; ".join(f"{label} : {_participants_word(value)}"
                       for label, value in zip(labels, values, strict=True))
    return Chart(labels, [Series("Participants", values, style.NAVY)],
                 f"Participants par catégorie. {categories_note(split)} {stated}.",
                 bar_colors=colors)


def themes_chart(counts: tuple[ThemeCount, ...], title: str, color: str) -> Chart:
    """Number of territories per theme, most cited first, in one color; `title` opens
    the alt text."""
    stated = " ; ".join(f"{c.theme.label} : {plural(c.count, 'territoire')}" for c in counts)
    return Chart([c.theme.label for c in counts],
                 [Series("Territoires", [c.count for c in counts], color)],
                 f"{title} {stated}.")
