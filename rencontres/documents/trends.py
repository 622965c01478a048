"""The trends of the synthesis: every edition entered up to this one, side by side.

Shown from three editions on. A territory without a file in an edition leaves a gap
(« n. d. », no bar), never a zero; every comparison names the years it compares, which
are not always consecutive (editions may be skipped).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TypedDict

from pydantic import BaseModel, ConfigDict, Field

from ..content.loading import Content, Edition
from ..content.model import MostCited, Territory, TerritoryReport
from . import style
from .charts import Chart, Series
from .context import TemplateContext
from .figures import ThemeCount, local_priorities, most_cited, mot_expected
from .french import join_words, percent_change, plural

MIN_EDITIONS = 3
MISSING = "n. d."
UPCOMING = "à venir"  # the last edition's Rencontres still to come, never counted


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class TrendRow(_View):
    territoire: str = Field(description="Nom du territoire, ou « Total ».")
    valeurs: list[str] = Field(
        description="Participants à chaque édition, dans l'ordre de « tendances_annees » ; "
                    "« n. d. » quand le territoire n'a pas de fichier cette année-là.")
    evolution: str = Field(
        description="Évolution entre la première et la dernière édition où le territoire "
                    "est présent, avec les années comparées, ex. « +250 % de 2020 à 2022 » ; "
                    "« – » s'il n'est présent qu'une fois.")


class ThemeTrendRow(_View):
    libelle: str = Field(description="Libellé du thème (référentiel), suivi de « (thème "
                                     "créé en 2023) » pour un thème plus récent que la "
                                     "première édition.")
    valeurs: list[str] = Field(
        description="Nombre de territoires l'ayant cité à chaque édition, ex. « 7 sur 9 » "
                    "(sur les territoires qui ont renseigné la liste) ; « n. d. » quand aucun "
                    "ne l'a renseignée, ou avant la création du thème.")


class TrendFields(TemplateContext):
    """The trends' fields of templates/synthese.docx (see SynthesisContext)."""

    tendances_annees: list[int] = Field(
        description="Les éditions enregistrées jusqu'à celle-ci, de la plus ancienne à la plus "
                    "récente ; vide avant la troisième édition (pas de partie tendances).")
    tendances_titre: str = Field(
        description="Titre de la partie, ex. « Les tendances depuis 2020 » ; vide avant la "
                    "troisième édition.")
    tendances_participants: list[TrendRow] = Field(
        description="Participants par territoire à chaque édition, dans l'ordre du référentiel.")
    tendances_total: TrendRow | None = Field(
        description="La ligne « Total » : les participants des territoires présents à chaque "
                    "édition ; son évolution compare les territoires présents aux deux "
                    "éditions comparées.")
    tendances_note: str = Field(
        description="Les éditions comparées quand des années manquent, ce que signifie « n. d. » "
                    "et qui l'est, ou vide.")
    graphique_tendances: Chart | None = Field(
        description="Graphique des participants par territoire, une barre par édition "
                    "(aucune barre quand le territoire est absent), ou rien.")
    tendances_priorites_locales: list[ThemeTrendRow] = Field(
        description="Les thèmes les plus cités comme priorités locales à cette édition, "
                    "et combien de territoires les ont cités à chaque édition.")
    tendances_mot_attendue: list[ThemeTrendRow] = Field(
        description="Les thèmes les plus cités là où la MOT est attendue à cette édition, "
                    "et combien de territoires les ont cités à chaque édition.")


def trend_editions(content: Content, edition: Edition) -> list[Edition]:
    """Every edition entered up to `edition`, oldest first."""
    return [e for year, e in sorted(content.editions.items()) if year <= edition.year]


def _total(report: TerritoryReport | None) -> int | None:
    return report.participants.total if report is not None else None


def _shown(count: int | None) -> str:
    return MISSING if count is None else str(count)


def compared(values: list[int | None], years: list[int]) -> str:
    """« +20 % de 2020 à 2022 » between the first and the last edition with a figure."""
    present = [(year, value) for year, value in zip(years, values, strict=True) if value is not None]
    if len(present) < 2:
        return "–"
    (first_year, first), (last_year, last) = present[0], present[-1]
    return f"{percent_change(first, last)} de {first_year} à {last_year}"


def territory_rows(content: Content, editions: list[Edition]
                   ) -> list[tuple[Territory, list[int | None]]]:
    """Each territory present in at least one edition, with its participants per edition."""
    rows = []
    for territory in content.referentiel.territories:
        values = [_total(e.reports.get(territory.id)) for e in editions]
        if any(value is not None for value in values):
            rows.append((territory, values))
    return rows


def total_row(rows: list[tuple[Territory, list[int | None]]], years: list[int]) -> TrendRow:
    """Each edition's total over its territories present; the evolution over those
    present in both the first and the last edition, said so when not all of them."""
    totals = [sum(values[i] or 0 for _, values in rows) for i in range(len(years))]
    both = [(first, last) for first, last in ((values[0], values[-1]) for _, values in rows)
            if first is not None and last is not None]
    if not both:
        evolution = "–"
    else:
        first, last = sum(start for start, _ in both), sum(end for _, end in both)
        evolution = f"{percent_change(first, last)} de {years[0]} à {years[-1]}"
        if len(both) < len(rows):
            # Not the totals beside it: its base, shown (« 53 en 2021, 70 en 2025 »).
            who = ("le seul territoire présent les deux années" if len(both) == 1
                   else f"les {len(both)} territoires présents les deux années")
            evolution += f" pour {who} ({first} en {years[0]}, {last} en {years[-1]})"
    return TrendRow(territoire="Total", valeurs=[str(t) for t in totals], evolution=evolution)


def trends_note(rows: list[tuple[Territory, list[int | None]]], years: list[int],
                upcoming: Collection[str] = ()) -> str:
    """The editions entered when years were skipped; who is « n. d. », edition by edition
    (not the territories of `upcoming`, whose Rencontre of the last edition is to come)."""
    sentences = []
    if years[-1] - years[0] + 1 != len(years):
        sentences.append(f"Éditions comparées : {join_words([str(y) for y in years])}.")
    absent = [(year, [t.name for t, values in rows if values[index] is None
                      and not (year == years[-1] and t.id in upcoming)])
              for index, year in enumerate(years)]
    said = " ; ".join(f"{year} : {join_words(names)}" for year, names in absent if names)
    if said:
        sentences.append("« n. d. » : pas de fichier pour le territoire cette année-là, non "
                         f"compté dans le total ({said}).")
    return " ".join(sentences)


def _theme_rows(content: Content, editions: list[Edition], counts: tuple[ThemeCount, ...],
                of_edition: Callable[[Content, Edition], tuple[ThemeCount, ...]],
                recorded: Callable[[TerritoryReport], list[str] | None]) -> list[ThemeTrendRow]:
    rows = []
    for shown in counts:
        # A theme added for a later edition did not exist before: « n. d. », never 0.
        start = content.theme_start(shown.theme.id)
        values = []
        for edition in editions:
            out_of = sum(recorded(report) is not None for report in edition.reports.values())
            if not out_of or (start is not None and edition.year < start):
                values.append(MISSING)
                continue
            count = next(c.count for c in of_edition(content, edition)
                         if c.theme.id == shown.theme.id)
            values.append(f"{count} sur {out_of}")
        label = shown.theme.label
        if start is not None and start > editions[0].year:
            label += f" (thème créé en {start})"
        rows.append(ThemeTrendRow(libelle=label, valeurs=values))
    return rows


def trends_chart(rows: list[tuple[Territory, list[int | None]]], years: list[int]) -> Chart:
    colors = style.edition_colors(years)
    series = [Series(str(year), [values[i] for _, values in rows], colors[year])
              for i, year in enumerate(years)]
    stated = " ; ".join(
        f"{t.name} : " + ", ".join(
            (f"{plural(v, 'participant')} en {y}" if v is not None else f"pas de données en {y}")
            for y, v in zip(years, values, strict=True))
        for t, values in rows)
    # A territory without a file some edition has no bar that year (« n. d. »): its
    # label says so too.
    labels = []
    for territory, values in rows:
        absent = [str(year) for year, value in zip(years, values, strict=True) if value is None]
        labels.append(f"{territory.name} (pas de données {join_words(absent)})" if absent
                      else territory.name)
    return Chart(labels, series,
                 f"Participants par territoire aux éditions {join_words([str(y) for y in years])}"
                 f" des Rencontres territoriales. {stated}.")


class TrendValues(TypedDict):
    """TrendFields' values, as SynthesisContext is given them."""

    tendances_annees: list[int]
    tendances_titre: str
    tendances_participants: list[TrendRow]
    tendances_total: TrendRow | None
    tendances_note: str
    graphique_tendances: Chart | None
    tendances_priorites_locales: list[ThemeTrendRow]
    tendances_mot_attendue: list[ThemeTrendRow]


def trend_fields(content: Content, edition: Edition) -> TrendValues:
    """The values of TrendFields for the synthesis of `edition`."""
    editions = trend_editions(content, edition)
    if len(editions) < MIN_EDITIONS:
        return TrendValues(tendances_annees=[], tendances_titre="", tendances_participants=[],
                    tendances_total=None, tendances_note="", graphique_tendances=None,
                    tendances_priorites_locales=[], tendances_mot_attendue=[])
    years = [e.year for e in editions]
    rows = territory_rows(content, editions)
    upcoming = {planned.territory for planned in edition.info.upcoming}

    def shown_values(territory: Territory, values: list[int | None]) -> list[str]:
        return [*map(_shown, values[:-1]),
                UPCOMING if values[-1] is None and territory.id in upcoming
                else _shown(values[-1])]

    shown = edition.synthesis.most_cited if edition.synthesis else MostCited()
    local = most_cited(local_priorities(content, edition), shown.local_priorities)
    expected = most_cited(mot_expected(content, edition), shown.mot_expected)
    return TrendValues(
        tendances_annees=years,
        tendances_titre=f"Les tendances depuis {years[0]}",
        tendances_participants=[
            TrendRow(territoire=t.name, valeurs=shown_values(t, values),
                     evolution=compared(values, years)) for t, values in rows],
        tendances_total=total_row(rows, years),
        tendances_note=trends_note(rows, years, upcoming),
        graphique_tendances=trends_chart(rows, years) if rows else None,
        tendances_priorites_locales=_theme_rows(content, editions, local, local_priorities,
                                                lambda r: r.local_priorities),
        tendances_mot_attendue=_theme_rows(content, editions, expected, mot_expected,
                                           lambda r: r.mot_expected),
    )
