"""Cross-territory synthesis of an edition: pure aggregation of the validated content.

No I/O, no drawing: the functions here take a `Content` and an `Edition` and
return frozen values that `synthesis_document` turns into a template context.

A territory of the referentiel without a file in an edition is *missing*: it is
listed as such and never counted as zero, so totals are over present territories.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..content.loading import Content, Edition
from ..content.model import Category, CommonIdea, Territory, TerritoryReport, Theme
from .french import percent_change


def sort_key(text: str) -> str:
    """French alphabetical order without a locale: accents and case ignored first."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    # French sorts the ligatures as their two letters: « œuvre » between « oeil » and « of ».
    base = base.replace("œ", "oe").replace("æ", "ae")
    return base + "\0" + text


# --- participants -----------------------------------------------------------

@dataclass(frozen=True)
class TerritoryParticipants:
    """One territory's participants in the edition and the previous one (None: no file)."""

    territory: Territory
    current: int | None
    previous: int | None

    @property
    def evolution(self) -> str:
        """« +250 % »; « – » when either figure is missing or the previous is zero."""
        if self.current is None or self.previous is None:
            return "–"
        return percent_change(self.previous, self.current)


@dataclass(frozen=True)
class ParticipantsSummary:
    """Participants of an edition and of the previous one entered (not always the year
    before). Every comparison is like for like: over the territories with a file in
    both editions only, never a partial edition against a whole one."""

    year: int
    previous_year: int | None                 # None: no previous edition
    rows: tuple[TerritoryParticipants, ...]   # territories present in either edition, referentiel order
    total: int                                # over territories present in the edition
    previous_total: int | None                # over territories present in the previous edition
    missing: tuple[Territory, ...]            # no file in the edition
    previous_missing: tuple[Territory, ...]   # no file in the previous edition (empty if none)
    territories: int                          # territories of the referentiel

    @property
    def present(self) -> tuple[TerritoryParticipants, ...]:
        """Rows of the territories with a file in the edition."""
        return tuple(row for row in self.rows if row.current is not None)

    @property
    def compared(self) -> tuple[TerritoryParticipants, ...]:
        """Rows of the territories with a file in both editions: what is compared."""
        return tuple(row for row in self.rows
                     if row.current is not None and row.previous is not None)

    @property
    def like_for_like(self) -> bool:
        """Whether both editions have the same territories: the totals compare as they are."""
        return self.previous_year is not None and len(self.compared) == len(self.rows)

    @property
    def compared_total(self) -> int:
        return sum(row.current or 0 for row in self.compared)

    @property
    def compared_previous_total(self) -> int:
        return sum(row.previous or 0 for row in self.compared)

    @property
    def consecutive(self) -> bool:
        """Whether the previous edition entered is the year before."""
        return self.previous_year == self.year - 1

    @property
    def evolution(self) -> str | None:
        """« +107 % » over the territories of both editions; None without a previous
        edition or without a territory in both."""
        if self.previous_year is None or not self.compared:
            return None
        return percent_change(self.compared_previous_total, self.compared_total)


def participants_summary(content: Content, edition: Edition) -> ParticipantsSummary:
    previous = content.previous(edition)
    territories = content.referentiel.territories

    def total_of(territory: Territory, of: Edition | None) -> int | None:
        report = of.reports.get(territory.id) if of is not None else None
        return report.participants.total if report is not None else None

    rows = tuple(
        TerritoryParticipants(t, total_of(t, edition), total_of(t, previous))
        for t in territories
        if t.id in edition.reports or (previous is not None and t.id in previous.reports))
    return ParticipantsSummary(
        year=edition.year,
        previous_year=previous.year if previous is not None else None,
        rows=rows,
        total=sum(r.participants.total for r in edition.reports.values()),
        previous_total=(sum(r.participants.total for r in previous.reports.values())
                        if previous is not None else None),
        missing=tuple(t for t in territories if t.id not in edition.reports),
        previous_missing=(tuple(t for t in territories if t.id not in previous.reports)
                          if previous is not None else ()),
        territories=len(territories),
    )


# --- categories of participants ---------------------------------------------

@dataclass(frozen=True)
class CategoryCount:
    category: Category
    count: int


@dataclass(frozen=True)
class CategorySplit:
    """Participants by category, summed over the territories that gave a split."""

    counts: tuple[CategoryCount, ...]        # referentiel order; empty when no territory gave one
    territories: tuple[Territory, ...]       # the territories that gave a split
    territories_present: int                 # territories with a file in the edition
    participants: int                        # total participants of the territories with a split

    @property
    def total(self) -> int:
        """Participants whose category is known."""
        return sum(c.count for c in self.counts)


def category_split(content: Content, edition: Edition) -> CategorySplit:
    with_split = [(content.territory(tid), report) for tid, report in edition.reports.items()
                  if report.participants.by_category]
    counts: tuple[CategoryCount, ...] = ()
    if with_split:
        counts = tuple(
            CategoryCount(c, sum(r.participants.by_category.get(c.id, 0) for _, r in with_split))
            for c in content.referentiel.categories)
    return CategorySplit(
        counts=counts,
        territories=tuple(t for t, _ in with_split),
        territories_present=len(edition.reports),
        participants=sum(r.participants.total for _, r in with_split),
    )


# --- themes -----------------------------------------------------------------

@dataclass(frozen=True)
class ThemeCount:
    """A theme of the referentiel and the territories that chose it."""

    theme: Theme
    territories: tuple[Territory, ...]  # referentiel order

    @property
    def count(self) -> int:
        return len(self.territories)


def _theme_counts(content: Content, edition: Edition,
                  chosen: Callable[[TerritoryReport], list[str] | None]) -> tuple[ThemeCount, ...]:
    counts = [
        ThemeCount(theme, tuple(content.territory(tid) for tid, report in edition.reports.items()
                                if theme.id in (chosen(report) or ())))
        for theme in content.referentiel.themes]
    return tuple(sorted(counts, key=lambda c: (-c.count, sort_key(c.theme.label))))


def recorded(content: Content, edition: Edition,
             chosen: Callable[[TerritoryReport], list[str] | None]) -> tuple[Territory, ...]:
    """The territories that recorded a list (`[]` included): what « sur N » counts."""
    return tuple(content.territory(tid) for tid, report in edition.reports.items()
                 if chosen(report) is not None)


def local_priorities(content: Content, edition: Edition) -> tuple[ThemeCount, ...]:
    """Every theme with the territories holding it as a local priority, most cited first."""
    return _theme_counts(content, edition, lambda report: report.local_priorities)


def mot_expected(content: Content, edition: Edition) -> tuple[ThemeCount, ...]:
    """Every theme with the territories where the MOT is expected on it, most cited first."""
    return _theme_counts(content, edition, lambda report: report.mot_expected)


def most_cited(counts: Iterable[ThemeCount], how_many: int | None = None) -> tuple[ThemeCount, ...]:
    """The themes chosen by at least one territory, most cited first: the first
    `how_many` and those tied with the last of them (all of them when None)."""
    cited = [c for c in counts if c.count > 0]
    if how_many is None or len(cited) <= how_many:
        return tuple(cited)
    last = cited[how_many - 1].count
    return tuple(c for index, c in enumerate(cited) if index < how_many or c.count == last)


# --- common-idea cards --------------------------------------------------------

@dataclass(frozen=True)
class CardSuggestionLine:
    label: str   # « Suggestion 1 », « Rappel 2021 »
    text: str
    kind: str    # "suggestion" or "rappel"


@dataclass(frozen=True)
class IdeaCard:
    theme: Theme
    title: str                                   # the card's title or the theme's label
    problem: str
    territories: tuple[Territory, ...]           # in the card's order
    suggestions: tuple[CardSuggestionLine, ...]
    suggestions_year: int                        # edition year + 1


def _suggestion_lines(idea: CommonIdea, year: int) -> tuple[CardSuggestionLine, ...]:
    lines = []
    number = 0
    for suggestion in idea.suggestions:
        if suggestion.kind == "suggestion":
            number += 1
            label = suggestion.label or f"Suggestion {number}"
        else:
            label = suggestion.label or f"Rappel {year}"
        lines.append(CardSuggestionLine(label, suggestion.text, suggestion.kind))
    return tuple(lines)


def idea_cards(content: Content, edition: Edition) -> tuple[IdeaCard, ...]:
    """The common-idea cards of the edition's synthese.yaml, resolved; empty without one."""
    if edition.synthesis is None:
        return ()
    return tuple(
        IdeaCard(
            theme=content.theme(idea.theme),
            title=idea.title or content.theme(idea.theme).label,
            problem=idea.problem,
            territories=tuple(content.territory(tid) for tid in idea.territories),
            suggestions=_suggestion_lines(idea, edition.year),
            suggestions_year=edition.year + 1,
        )
        for idea in edition.synthesis.common_ideas)


# --- everything -------------------------------------------------------------

@dataclass(frozen=True)
class EditionSynthesis:
    participants: ParticipantsSummary
    categories: CategorySplit
    local_priorities: tuple[ThemeCount, ...]   # every theme, zeros included
    mot_expected: tuple[ThemeCount, ...]       # every theme, zeros included
    local_recorded: tuple[Territory, ...]      # territories that recorded their priorities
    expected_recorded: tuple[Territory, ...]   # and where the MOT is expected
    cards: tuple[IdeaCard, ...]
    introduction: str | None


def synthesize(content: Content, edition: Edition) -> EditionSynthesis:
    return EditionSynthesis(
        participants=participants_summary(content, edition),
        categories=category_split(content, edition),
        local_priorities=local_priorities(content, edition),
        mot_expected=mot_expected(content, edition),
        local_recorded=recorded(content, edition, lambda report: report.local_priorities),
        expected_recorded=recorded(content, edition, lambda report: report.mot_expected),
        cards=idea_cards(content, edition),
        introduction=edition.synthesis.introduction if edition.synthesis else None,
    )
