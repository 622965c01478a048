"""What changed in the documents of an edition between two states of its content (the
last distribution's snapshot and the content now), told from the content model, not
from the documents: the same whatever the templates call their fields."""

from __future__ import annotations

import bisect
import datetime
import difflib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from ..content.loading import Content, Edition
from ..content.model import Item, Synthesis, TerritoryReport
from .plan import DocumentJob, Project, plan

ADDED, REMOVED, REWORDED, FIGURE = "ajouté", "retiré", "reformulé", "chiffre"
# Below this likeness, a text put where another was is a new text, not the same reworded.
REWORDED_LIKENESS = 0.5


@dataclass(frozen=True)
class Change:
    kind: str      # ADDED, REMOVED, REWORDED or FIGURE
    place: str     # « partie « Mobilité », objectifs »
    old: str | None
    new: str | None

    def lines(self) -> list[str]:
        if self.kind == FIGURE:
            return [f"  - {self.place} : {self.old or '(aucun)'} → {self.new or '(aucun)'}"]
        if self.kind == REWORDED:
            return [f"  - texte reformulé ({self.place}) :",
                    f"      avant : « {self.old} »",
                    f"      après : « {self.new} »"]
        text = self.new if self.kind == ADDED else self.old
        return [f"  - texte {self.kind} ({self.place}) : « {text} »"]


@dataclass(frozen=True)
class DocumentChanges:
    """One document's changes; `status`: « ajouté », « retiré » or None (in both)."""

    name: str   # its file name
    title: str
    status: str | None
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class EditionChanges:
    year: int
    since: str          # « la diffusion v1 du 2024-05-02 »
    documents: tuple[DocumentChanges, ...]  # only those that changed

    @property
    def names(self) -> set[str]:
        """The file names of the documents that changed."""
        return {document.name for document in self.documents}

    def text(self) -> str:
        lines = [f"Modifications de l'édition {self.year} depuis {self.since}", ""]
        if not self.documents:
            lines.append("Aucune modification : les documents disent la même chose.")
        for document in self.documents:
            if document.status is not None:
                lines.append(f"Document {document.status} : {document.name} ({document.title})")
            else:
                count = len(document.changes)
                noun = "modification" if count == 1 else "modifications"
                lines.append(f"{document.name} ({document.title}) : {count} {noun}")
                for change in document.changes:
                    lines += change.lines()
            lines.append("")
        return "\n".join(lines).rstrip("\n") + "\n"


def edition_changes(project: Project, old: Content, new: Content, year: int,
                    since: str) -> EditionChanges:
    """The documents of edition `year` that changed from `old` to `new`, each with
    what changed in it."""
    old_jobs = _jobs(project, old, year)
    new_jobs = _jobs(project, new, year)
    documents = []
    for name, job in new_jobs.items():
        if name not in old_jobs:
            documents.append(DocumentChanges(name, job.title, ADDED, ()))
            continue
        changes = _compare(_facts(old, old.editions[year], job),
                           _facts(new, new.editions[year], job))
        if changes:
            documents.append(DocumentChanges(name, job.title, None, tuple(changes)))
    documents += [DocumentChanges(name, job.title, REMOVED, ())
                  for name, job in old_jobs.items() if name not in new_jobs]
    return EditionChanges(year, since, tuple(documents))


def _jobs(project: Project, content: Content, year: int) -> dict[str, DocumentJob]:
    if year not in content.editions:
        return {}
    return {job.label: job for job in plan(project, content, content.editions[year])[0]}


# --- what a document says, as facts: single values and lists of texts ---------------

@dataclass
class _Facts:
    values: dict[str, tuple[str, bool]]  # place → (value, is a figure)
    lists: dict[str, list[str]]          # place → texts in order


def _facts(content: Content, edition: Edition, job: DocumentJob) -> _Facts:
    facts = _Facts({}, {})
    facts.values["titre de l'édition"] = (edition.info.title, False)
    facts.values["date de l'édition"] = (_date(edition.info.date), True)
    if job.territory_id is not None:
        _report_facts(content, edition.reports[job.territory_id], facts)
    elif edition.synthesis is not None:  # always, for the synthesis' job (see plan)
        _synthesis_facts(content, edition, edition.synthesis, facts)
    return facts


def _date(date: datetime.date | None) -> str:
    return date.isoformat() if date else ""


def _theme_labels(content: Content, ids: list[str] | None) -> list[str]:
    return [content.theme(theme_id).label for theme_id in ids or ()]


def _distinct(place: str, taken: Counter[str]) -> str:
    """`place`, told apart from the places of the same name before it: the second part
    titled « Mobilité » is « partie « Mobilité » (2e de ce nom) »."""
    taken[place] += 1
    return place if taken[place] == 1 else f"{place} ({taken[place]}e de ce nom)"


def _items(facts: _Facts, place: str, items: list[Item]) -> None:
    facts.lists[place] = [item.text for item in items]
    seen: Counter[str] = Counter()
    for item in items:
        if item.subpoints:
            facts.lists[_distinct(f"{place}, sous-points de « {item.text} »", seen)] = \
                list(item.subpoints)


def _report_facts(content: Content, report: TerritoryReport, facts: _Facts) -> None:
    values, lists = facts.values, facts.lists
    values["territoire"] = (content.territory(report.territory).name, False)
    values["date de la Rencontre"] = (_date(report.date), True)
    values["lieu"] = (report.place or "", False)
    values["participants"] = (str(report.participants.total), True)
    for category, count in report.participants.by_category.items():
        values[f"participants, catégorie « {category} »"] = (str(count), True)
    lists["thèmes votés"] = [voted.label for voted in report.voted_themes]
    for voted in report.voted_themes:
        values[f"votes « {voted.label} »"] = (str(voted.votes), True)
    lists["priorités locales"] = _theme_labels(content, report.local_priorities)
    lists["thèmes où la MOT est attendue"] = _theme_labels(content, report.mot_expected)
    lists["parties"] = [section.title for section in report.sections]
    parts: Counter[str] = Counter()
    for section in report.sections:
        part = _distinct(f"partie « {section.title} »", parts)
        values[f"{part}, niveau"] = (str(section.level), True)
        lists[f"{part}, thèmes votés"] = list(section.voted_themes)
        _items(facts, f"{part}, objectifs", section.objectives)
        _items(facts, f"{part}, idées de projet", section.project_ideas)
        lists[f"{part}, partenaires"] = list(section.partners)
        _items(facts, f"{part}, suggestions", section.suggestions)
        _items(facts, f"{part}, remarques", section.remarks)
    _items(facts, "idées transversales", report.cross_cutting_ideas)


def _synthesis_facts(content: Content, edition: Edition, synthesis: Synthesis,
                     facts: _Facts) -> None:
    values, lists = facts.values, facts.lists
    values["introduction"] = (synthesis.introduction or "", False)
    for idea in synthesis.common_ideas:
        card = f"idée commune « {content.theme(idea.theme).label} »"
        values[f"{card}, titre"] = (idea.title or "", False)
        values[f"{card}, problématique"] = (idea.problem, False)
        lists[f"{card}, territoires"] = [content.territory(t).name for t in idea.territories]
        lists[f"{card}, suggestions"] = [suggestion.text for suggestion in idea.suggestions]
    previous = content.previous(edition)
    for shown in (edition, previous):
        if shown is None:
            continue
        suffix = "" if shown is edition else f" en {shown.year}"
        lists[f"territoires présents{suffix}"] = [
            content.territory(tid).name for tid in shown.reports]
        values[f"participants, total{suffix}"] = (
            str(sum(r.participants.total for r in shown.reports.values())), True)
        for tid, report in shown.reports.items():
            name = content.territory(tid).name
            values[f"participants de {name}{suffix}"] = (str(report.participants.total), True)
    for tid, report in edition.reports.items():
        name = content.territory(tid).name
        for category, count in report.participants.by_category.items():
            values[f"participants de {name}, catégorie « {category} »"] = (str(count), True)
        lists[f"priorités locales de {name}"] = _theme_labels(content, report.local_priorities)
        lists[f"thèmes où la MOT est attendue par {name}"] = _theme_labels(
            content, report.mot_expected)


# --- comparing ------------------------------------------------------------------------

def _compare(old: _Facts, new: _Facts) -> list[Change]:
    changes: list[Change] = []
    for place in _union(old.values, new.values):
        before, after = old.values.get(place), new.values.get(place)
        old_value = before[0] if before else ""
        new_value = after[0] if after else ""
        if old_value == new_value:
            continue
        if (after or before or ("", False))[1]:  # (one of them is there: the place is)
            changes.append(Change(FIGURE, place, old_value, new_value))
        elif not old_value:
            changes.append(Change(ADDED, place, None, new_value))
        elif not new_value:
            changes.append(Change(REMOVED, place, old_value, None))
        else:
            changes.append(Change(REWORDED, place, old_value, new_value))
    for place in _union(old.lists, new.lists):
        changes += _list_changes(place, old.lists.get(place, []), new.lists.get(place, []))
    return changes


def _union(old: Mapping[str, object], new: Mapping[str, object]) -> list[str]:
    """The places of both, in the new order, then those gone."""
    return [*new, *(place for place in old if place not in new)]


def _list_changes(place: str, old: list[str], new: list[str]) -> list[Change]:
    changes = []
    for i1, i2, j1, j2 in _differences(old, new, 0, len(old), 0, len(new)):
        removed, added = old[i1:i2], new[j1:j2]
        paired = 0
        while paired < min(len(removed), len(added)) and _alike(removed[paired],
                                                                 added[paired]):
            changes.append(Change(REWORDED, place, removed[paired], added[paired]))
            paired += 1
        changes += [Change(REMOVED, place, text, None) for text in removed[paired:]]
        changes += [Change(ADDED, place, None, text) for text in added[paired:]]
    return changes


# Above this many pairs (old items × new items), a stretch with no item found once on
# each side is not compared item by item (difflib's SequenceMatcher is quadratic on
# repeated items): it is said replaced as a whole.
PAIRWISE_LIMIT = 250_000


def _differences(old: list[str], new: list[str], i1: int, i2: int, j1: int,
                 j2: int) -> list[tuple[int, int, int, int]]:
    """The stretches old[i1:i2] replaced by new[j1:j2] (one of them may be empty), in
    order: the patience diff. The common start and end are set aside, then the items
    found once in each list, in the same order, anchor the comparison of what lies
    between them; near-linear, whatever repeats."""
    while i1 < i2 and j1 < j2 and old[i1] == new[j1]:
        i1, j1 = i1 + 1, j1 + 1
    while i1 < i2 and j1 < j2 and old[i2 - 1] == new[j2 - 1]:
        i2, j2 = i2 - 1, j2 - 1
    if i1 == i2 and j1 == j2:
        return []
    if i1 == i2 or j1 == j2:
        return [(i1, i2, j1, j2)]
    anchors = _unique_in_order(old, new, i1, i2, j1, j2)
    if not anchors:
        if (i2 - i1) * (j2 - j1) > PAIRWISE_LIMIT:
            return [(i1, i2, j1, j2)]
        matcher = difflib.SequenceMatcher(a=old[i1:i2], b=new[j1:j2], autojunk=False)
        return [(i1 + a1, i1 + a2, j1 + b1, j1 + b2)
                for operation, a1, a2, b1, b2 in matcher.get_opcodes() if operation != "equal"]
    found = []
    for i, j in [*anchors, (i2, j2)]:
        found += _differences(old, new, i1, i, j1, j)
        i1, j1 = i + 1, j + 1
    return found


def _unique_in_order(old: list[str], new: list[str], i1: int, i2: int, j1: int,
                     j2: int) -> list[tuple[int, int]]:
    """(i, j) of the items found once in old[i1:i2] and once in new[j1:j2], the longest
    run of them in the same order in both (patience sorting)."""
    counts: dict[str, list[int]] = {}
    for i in range(i1, i2):
        counts.setdefault(old[i], [0, i, 0, 0])[0] += 1
    for j in range(j1, j2):
        if (entry := counts.get(new[j])) is not None:
            entry[2] += 1
            entry[3] = j
    pairs = sorted((i, j) for once, i, in_new, j in counts.values() if once == in_new == 1)
    # The longest increasing run of j: piles of patience sorting, each card remembering
    # the top of the pile before its own.
    tops: list[int] = []          # the last j of each pile
    top_pairs: list[int] = []     # index in `pairs` of each pile's top
    before: list[int] = []        # for each pair, the pile top before it (-1: none)
    for index, (_, j) in enumerate(pairs):
        pile = bisect.bisect_left(tops, j)
        before.append(top_pairs[pile - 1] if pile else -1)
        if pile == len(tops):
            tops.append(j)
            top_pairs.append(index)
        else:
            tops[pile], top_pairs[pile] = j, index
    run = []
    index = top_pairs[-1] if top_pairs else -1
    while index >= 0:
        run.append(pairs[index])
        index = before[index]
    return run[::-1]


def _alike(old: str, new: str) -> bool:
    return difflib.SequenceMatcher(a=old, b=new).ratio() >= REWORDED_LIKENESS
