"""The pipeline: validated content → contexts and charts → rendered DOCX → files.

Everything is read and validated first; documents are rendered in memory (in
parallel); only then are files replaced, each atomically.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .content import (EDITION_FILE, REFERENTIEL_FILE, SYNTHESIS_FILE, TERRITORIES_DIR,
                      Content, Edition, edition_years, load_content)
from .errors import ContentError, Problem, RencontresError, TemplateError, display_path
from .output import remove_leftover_temporaries, write_atomic
from .state import BuildState, build_lock, fingerprint

REPORT = "compte-rendu"
SYNTHESIS = "synthese"
KINDS = (REPORT, SYNTHESIS)
CHARTS_CACHE = ".cache/graphiques"


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


def plan(project: Project, content: Content, edition: Edition,
         territories: Iterable[str] = ()) -> tuple[list[DocumentJob], list[tuple[str, str]]]:
    """The documents of an edition, and those skipped with the reason why."""
    wanted = set(territories)
    folder = project.output_dir / str(edition.year)
    common = (content.root / REFERENTIEL_FILE, edition.directory / EDITION_FILE)
    jobs: list[DocumentJob] = []
    skipped: list[tuple[str, str]] = []
    for territory in content.referentiel.territories:
        if wanted and territory.id not in wanted:
            continue
        report = edition.reports.get(territory.id)
        if report is None:
            skipped.append((territory.name, f"pas de fichier pour {edition.year}"))
        elif not report.has_report:
            skipped.append((territory.name, "chiffres seulement, pas de parties à publier"))
        else:
            jobs.append(DocumentJob(
                REPORT, edition.year, territory.id, project.template(REPORT),
                folder / f"compte-rendu-{edition.year}-{territory.id}.docx",
                f"Compte-rendu de la Rencontre territoriale {territory.name} {edition.year}",
                common + (edition.report_files[territory.id], project.template(REPORT)),
            ))
    if edition.synthesis is None:
        skipped.append(("Synthèse", f"pas de fichier {SYNTHESIS_FILE} pour {edition.year}"))
    elif wanted:
        skipped.append(("Synthèse", "construction limitée à certains territoires"))
    else:
        previous = content.previous(edition)
        sources = [*common, edition.directory / SYNTHESIS_FILE, project.template(SYNTHESIS),
                   *edition.report_files.values()]
        if previous is not None:
            sources += [previous.directory / EDITION_FILE, *previous.report_files.values()]
        jobs.append(DocumentJob(
            SYNTHESIS, edition.year, None, project.template(SYNTHESIS),
            folder / f"synthese-{edition.year}.docx",
            f"Synthèse des Rencontres territoriales {edition.year}", tuple(sources),
        ))
    return jobs, skipped


def _context(content: Content, job: DocumentJob):
    edition = content.editions[job.year]
    if job.kind == REPORT:
        from .documents import report_context

        return report_context(content, edition, job.territory_id)
    from .synthesis_document import synthesis_context

    return synthesis_context(content, edition)


def render_job(content: Content, job: DocumentJob) -> bytes:
    """Render one document to bytes (runs in a worker process)."""
    from .render import Properties, render

    edition = content.editions[job.year]
    keywords = ["MOT", "Rencontres territoriales", str(job.year)]
    if job.territory_id:
        keywords += [content.territory(job.territory_id).name, "compte-rendu"]
    else:
        keywords.append("synthèse")
    properties = Properties(
        title=job.title,
        subject=edition.info.title,
        keywords="; ".join(keywords),
        date=edition.info.date or datetime.date(job.year, 12, 31),
    )
    return render(job.template, _context(content, job), properties)


def _render_safely(content: Content, job: DocumentJob,
                   charts_cache: Path | None) -> bytes | RencontresError:
    from . import charts

    charts.use_cache(charts_cache)
    try:
        return render_job(content, job)
    except RencontresError as error:
        return error
    finally:
        charts.use_cache(None)


def render_all(content: Content, jobs: list[DocumentJob], workers: int,
               progress: Callable[[DocumentJob], None],
               charts_cache: Path | None = None) -> list[bytes | RencontresError]:
    """Render every job, on several processes when it pays."""
    if workers <= 1 or len(jobs) <= 1:
        results = []
        for job in jobs:
            results.append(_render_safely(content, job, charts_cache))
            progress(job)
        return results
    _share_imports(charts_cache)
    # The content goes to each worker once, with its start (inherited on fork,
    # pickled once per worker otherwise), not with every job: sending it with each
    # job made a build quadratic in the number of territories.
    pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)),
                               initializer=_start_worker, initargs=(content,))
    try:
        # The synthesis, the longest job (all territories, the most charts), starts
        # first: started last, it would leave the other workers idle at the end.
        first = sorted(jobs, key=lambda job: job.kind != SYNTHESIS)
        # Objects alive at the fork are frozen for the workers' collector: it does not
        # walk (and copy, page by page) the inherited content and modules again and again.
        gc.freeze()
        try:
            submitted = {id(job): pool.submit(_render_in_worker, job, charts_cache)
                         for job in first}
        finally:
            gc.unfreeze()
        futures = [submitted[id(job)] for job in jobs]
        results = []
        for job, future in zip(jobs, futures):
            results.append(future.result())
            progress(job)
        return results
    except BaseException:
        # An interrupt can come while the pool starts its workers, before it can
        # tell them to stop: they would wait for work forever, and the exit for them.
        # SIGKILL, because a SIGTERM arriving while a worker sets its signal handlers
        # can be lost; a chart it was caching leaves a temporary file, removed by build().
        workers_left = multiprocessing.active_children()
        for worker in workers_left:
            worker.kill()
        for worker in workers_left:
            worker.join()
        raise
    finally:
        pool.shutdown(cancel_futures=True)


def _share_imports(charts_cache: Path | None) -> None:
    """Import once, before the workers are forked, what each of them would import:
    the rendering modules, and matplotlib when no chart is cached yet (a first build,
    where every chart is drawn). Forked workers share these modules; each worker
    importing them itself doubled that work (matplotlib alone is about 0.4 s of CPU)."""
    if multiprocessing.get_start_method() != "fork":
        return  # spawned workers import everything again anyway
    from . import documents, render, synthesis_document  # noqa: F401

    try:
        cold = charts_cache is None or not any(charts_cache.iterdir())
    except OSError:
        cold = True
    if cold:
        from . import charts

        charts._pyplot()


_worker_content: Content | None = None


def _start_worker(content: Content) -> None:
    global _worker_content
    _worker_content = content
    _leave_signals_to_the_main_process()


def _render_in_worker(job: DocumentJob, charts_cache: Path | None) -> bytes | RencontresError:
    assert _worker_content is not None
    return _render_safely(_worker_content, job, charts_cache)


def _leave_signals_to_the_main_process() -> None:
    """Ctrl-C reaches every process of the terminal: workers ignore it, and the main
    process stops the build and reports it once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@dataclass(frozen=True)
class BuildOptions:
    year: int | None = None
    territories: tuple[str, ...] = ()
    force: bool = False
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    pdf: bool = False
    strict: bool = False


def years_to_load(content_dir: Path, year: int | None) -> set[int] | None:
    """The edition to build and the previous one, which its synthesis compares with;
    None (every edition) when `year` has no folder, so the error lists those there are."""
    available = edition_years(content_dir)
    target = year if year is not None else max(available, default=None)
    if target not in available:
        return None
    previous = [y for y in available if y < target]
    return {target, *previous[-1:]}


def select_edition(content: Content, year: int | None) -> Edition:
    if year is None:
        return content.latest
    if year not in content.editions:
        known = ", ".join(str(y) for y in content.editions)
        raise ContentError([Problem(display_path(content.root), None, None,
                                    f"aucune édition {year} (éditions disponibles : {known})")])
    return content.editions[year]


def check_territories(content: Content, territories: Iterable[str]) -> None:
    from .validation import did_you_mean

    known = [t.id for t in content.referentiel.territories]
    problems = [Problem("--territoire", None, None,
                        f"territoire « {tid} » inconnu{did_you_mean(tid, known)}")
                for tid in territories if tid not in known]
    if problems:
        raise ContentError(problems)


def build(project: Project, options: BuildOptions = BuildOptions(),
          progress: Callable[[DocumentJob], None] = lambda job: None,
          on_start: Callable[[int], None] = lambda count: None) -> BuildReport:
    """Build the documents of one edition; raise before writing anything when
    the content or a template is invalid."""
    _quick_exit()
    if options.pdf:
        from .pdf import require_libreoffice

        require_libreoffice()
    content = load_content(project.content_dir,
                           years_to_load(project.content_dir, options.year))
    edition = select_edition(content, options.year)
    check_territories(content, options.territories)
    jobs, skipped = plan(project, content, edition, options.territories)
    report = BuildReport(skipped=skipped, warnings=[
        *map(str, content.warnings), *edition_warnings(content, edition)])
    with build_lock(project.output_dir), _cleaning_temporaries(project.output_dir):
        state = BuildState(project.output_dir)
        inputs = {job: fingerprint(job.inputs) for job in jobs}
        todo = [job for job in jobs
                if options.force or not state.is_current(job.output, inputs[job])]
        report.up_to_date = [job for job in jobs if job not in todo]
        if todo:
            from .template_check import check_templates

            check_templates({job.template: job.kind for job in todo})
            on_start(len(todo))
            results = render_all(content, todo, options.workers, progress,
                                 project.output_dir / CHARTS_CACHE)
            failures = [(job, r) for job, r in zip(todo, results) if isinstance(r, RencontresError)]
            if failures and options.strict:
                raise TemplateError([p for _, error in failures for p in error.problems])
            report.failed = failures
            for job, result in zip(todo, results):
                if isinstance(result, bytes):
                    write_atomic(job.output, result)
                    state.record(job.output, inputs[job], result)
                    report.built.append(job)
            state.save()
        from .distribution import finish_edition

        ready = _ready_to_send(project, content, edition, report, state)
        report.extras = finish_edition(project, content, edition, ready, state, options.pdf,
                                       changed=bool(report.built), warn=report.warnings.append)
    return report


def _ready_to_send(project: Project, content: Content, edition: Edition,
                   report: BuildReport, state: BuildState) -> list[DocumentJob]:
    """The edition's documents that are up to date, for the manifest and the bundle:
    all of them even when the build was limited to some territories, never one whose
    content changed since it was built: the previous version of a failed document
    (reported with the failure), one outside the territories built (a warning)."""
    done = set(report.built + report.up_to_date)
    failed = {job for job, _ in report.failed}
    ready = []
    for job in plan(project, content, edition)[0]:
        if job in done or (job not in failed and job.output.is_file()
                           and state.is_current(job.output, fingerprint(job.inputs))):
            ready.append(job)
        elif job not in failed and job.output.is_file():
            report.warnings.append(f"{job.label} n'est pas à jour : il n'est pas dans le "
                                   "paquet tant qu'il n'est pas reconstruit")
    return ready


@contextlib.contextmanager
def _cleaning_temporaries(output_dir: Path) -> Iterator[None]:
    """Temporary files left by a killed build are removed before building, and those a
    worker stopped by an interrupt could leave (a chart being cached) after."""
    remove_leftover_temporaries(output_dir)
    try:
        yield
    finally:
        remove_leftover_temporaries(output_dir)


_exit_prepared = False


def _quick_exit() -> None:
    """At exit, Python's last garbage collection walks every object left (the content,
    matplotlib's): 0.15 s, an eighth of a whole first build of the 2021 edition.
    Frozen objects are skipped; nothing is left to clean up then (files are written
    and closed, the lock released), and the memory goes back to the system anyway."""
    global _exit_prepared
    if not _exit_prepared:
        import atexit

        atexit.register(gc.freeze)
        _exit_prepared = True


def edition_warnings(content: Content, edition: Edition) -> list[str]:
    missing = [t.name for t in content.referentiel.territories if t.id not in edition.reports]
    if not missing:
        return []
    return [f"édition {edition.year} : pas de fichier pour {', '.join(missing)} "
            "(territoires signalés comme absents, non comptés)"]
