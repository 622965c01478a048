"""The pipeline: validated content → contexts and charts → rendered DOCX → files."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from .content import Content, Edition, load_content
from .documents import report_context
from .output import write_atomic
from .render import Properties, render


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


@dataclass(frozen=True)
class DocumentJob:
    """One document to build."""

    kind: str  # "compte-rendu" or "synthese"
    edition: Edition
    territory_id: str | None
    template: Path
    output: Path
    title: str


def plan(project: Project, content: Content, edition: Edition) -> list[DocumentJob]:
    """Every document of an edition: one compte-rendu per territory with sections."""
    folder = project.output_dir / str(edition.year)
    jobs = []
    for territory_id, report in edition.reports.items():
        if not report.has_report:
            continue
        name = content.territory(territory_id).name
        jobs.append(DocumentJob(
            "compte-rendu", edition, territory_id,
            project.templates_dir / "compte-rendu.docx",
            folder / f"compte-rendu-{edition.year}-{territory_id}.docx",
            f"Compte-rendu de la Rencontre territoriale {name} {edition.year}",
        ))
    return jobs


def render_job(content: Content, job: DocumentJob) -> bytes:
    context = report_context(content, job.edition, job.territory_id)
    properties = Properties(
        title=job.title,
        subject=job.edition.info.title,
        keywords=f"MOT; Rencontres territoriales; {job.edition.year}; "
                 f"{context.territory.name}; compte-rendu",
        date=job.edition.info.date or datetime.date(job.edition.year, 12, 31),
    )
    return render(job.template, context, properties)


def build(project: Project, year: int | None = None) -> list[DocumentJob]:
    """Validate everything, render everything in memory, then write; return what was built."""
    content = load_content(project.content_dir)
    edition = content.editions[year] if year else content.latest
    jobs = plan(project, content, edition)
    rendered = [(job, render_job(content, job)) for job in jobs]
    for job, data in rendered:
        write_atomic(job.output, data)
    return jobs
