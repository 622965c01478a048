"""The documents of an edition: one job per document, with every input it depends on,
and the report of what a build did with them.

Light to import (the content model only for its types, and when planning): a build
with nothing to do names its documents without reading the content (publishing/quick.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import RencontresError, display_path

if TYPE_CHECKING:
    from ..content.loading import Content, Edition

REPORT = "compte-rendu"
SYNTHESIS = "synthese"
KINDS = (REPORT, SYNTHESIS)


@dataclass(frozen=True)
class Project:
    """Where a project keeps its content, templates and outputs."""

    root: Path

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def output_dir(self) -> Path:
        return self.root / "output"

    def template(self, kind: str) -> Path:
        return self.templates_dir / f"{kind}.docx"


@dataclass(frozen=True)
class DocumentJob:
    """One document to build, with everything its output depends on."""

    kind: str
    year: int
    territory_id: str | None
    template: Path
    output: Path
    title: str
    inputs: tuple[Path, ...]

    @property
    def label(self) -> str:
        return self.output.name


@dataclass
class BuildReport:
    """What a build did, for the CLI's summary."""

    built: list[DocumentJob] = field(default_factory=list)
    up_to_date: list[DocumentJob] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[DocumentJob, RencontresError]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    extras: list[Path] = field(default_factory=list)  # PDFs, manifest, bundle
    # Written but to build again (a table of contents without its page numbers).
    unfinished: list[DocumentJob] = field(default_factory=list)


def stray_templates(project: Project) -> list[str]:
    """Warnings for a template saved beside itself in another format (an .odt, a
    .doc): the build reads the .docx only."""
    from ..word.template_file import WORD_FORMAT, other_formats

    return [f"{display_path(other)} : modèle au format {kind}, que la construction ne lit "
            f"pas (elle lit {display_path(project.template(kind_name))}) : pour que vos "
            f"modifications comptent, enregistrez-le sous le nom « "
            f"{project.template(kind_name).name} » {WORD_FORMAT}, puis supprimez « "
            f"{other.name} »"
            for kind_name in KINDS
            for other, kind in other_formats(project.template(kind_name))
            if project.template(kind_name).exists()]


def plan(project: Project, content: Content, edition: Edition,
         territories: Iterable[str] = ()) -> tuple[list[DocumentJob], list[tuple[str, str]]]:
    """The documents of an edition, and those skipped with the reason why."""
    from ..content.loading import EDITION_FILE, REFERENTIEL_FILE, SYNTHESIS_FILE

    wanted = set(territories)
    folder = project.output_dir / str(edition.year)
    common = (content.root / REFERENTIEL_FILE, edition.directory / EDITION_FILE)
    jobs: list[DocumentJob] = []
    skipped: list[tuple[str, str]] = []
    upcoming = {planned.territory for planned in edition.info.upcoming}
    for territory in content.referentiel.territories:
        if wanted and territory.id not in wanted:
            continue
        report = edition.reports.get(territory.id)
        if report is None and territory.id in upcoming:
            skipped.append((territory.name, "Rencontre à venir"))
        elif report is None:
            skipped.append((territory.name, f"pas de fichier pour {edition.year}"))
        elif not report.has_report:
            skipped.append((territory.name, "chiffres seulement, pas de parties à publier"))
        else:
            jobs.append(DocumentJob(
                REPORT, edition.year, territory.id, project.template(REPORT),
                folder / f"compte-rendu-{edition.year}-{territory.id}.docx",
                f"Compte-rendu de la Rencontre territoriale {territory.name} {edition.year}",
                (*common, edition.report_files[territory.id], project.template(REPORT)),
            ))
    if edition.synthesis is None:
        skipped.append(("Synthèse", f"pas de fichier {SYNTHESIS_FILE} pour {edition.year}"))
    elif wanted:
        skipped.append(("Synthèse", "construction limitée à certains territoires"))
    else:
        sources = [*common, edition.directory / SYNTHESIS_FILE, project.template(SYNTHESIS),
                   *edition.report_files.values()]
        # Every earlier edition: the comparison, the trends, the suggestions followed up.
        for earlier in content.editions.values():
            if earlier.year < edition.year:
                sources += [earlier.directory / EDITION_FILE, *earlier.report_files.values()]
                if earlier.synthesis is not None:
                    sources.append(earlier.directory / SYNTHESIS_FILE)
        jobs.append(DocumentJob(
            SYNTHESIS, edition.year, None, project.template(SYNTHESIS),
            folder / f"synthese-{edition.year}.docx",
            f"Synthèse des Rencontres territoriales {edition.year}", tuple(sources),
        ))
    return jobs, skipped



def edition_warnings(content: Content, edition: Edition) -> list[str]:
    """The territories without a file for the edition; those whose Rencontre is still to
    come are not missing (the synthesis lists them « à venir »)."""
    coming = {planned.territory for planned in edition.info.upcoming}
    missing = [t.name for t in content.referentiel.territories
               if t.id not in edition.reports and t.id not in coming]
    if not missing:
        return []
    return [f"édition {edition.year} : pas de fichier pour {', '.join(missing)} "
            "(territoires signalés comme absents, non comptés)"]


def publication_date(edition: Edition) -> datetime.date:
    """The date the documents of an edition carry (their properties, their PDFs)."""
    return edition.info.date or datetime.date(edition.year, 12, 31)
