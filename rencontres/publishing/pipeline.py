"""The pipeline: validated content → contexts and charts → rendered DOCX → files.

Everything is read and validated first; documents are rendered in memory (in
parallel); only then are files replaced, each atomically.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..content.loading import Content, Edition, edition_years, load_content
from ..errors import (
    ContentError,
    Problem,
    RencontresError,
    TemplateError,
    UsageError,
    display_path,
)
from ..word.template_file import read_template
from . import quick
from .lock import build_lock
from .output import remove_leftover_temporaries, write_atomic
from .plan import BuildReport, DocumentJob, Project, edition_warnings, plan, stray_templates
from .state import BuildState, fingerprint
from .workers import Rendered, render_all

CHARTS_CACHE = ".cache/graphiques"


@dataclass(frozen=True)
class BuildOptions:
    year: int | None = None
    territories: tuple[str, ...] = ()
    force: bool = False
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    pdf: bool = False
    strict: bool = False


def years_to_load(content_dir: Path, year: int | None) -> set[int] | None:
    """The edition to build and every earlier one, which its synthesis compares with (the
    previous one, and all of them for the trends); None (every edition) when `year` has
    no folder, so the error lists those there are. A later edition being filled in does
    not stop the build."""
    available = edition_years(content_dir)
    target = year if year is not None else max(available, default=None)
    if target not in available:
        return None
    return {y for y in available if y <= target}


def select_edition(content: Content, year: int | None) -> Edition:
    if year is None:
        return content.latest
    if year not in content.editions:
        known = ", ".join(str(y) for y in content.editions)
        raise ContentError([Problem(display_path(content.root), None, None,
                                    f"aucune édition {year} (éditions disponibles : {known})")])
    return content.editions[year]


def check_territories(content: Content, territories: Iterable[str]) -> None:
    from ..content.validation import did_you_mean

    known = [t.id for t in content.referentiel.territories]
    problems = [Problem("--territoire", None, None,
                        f"territoire « {tid} » inconnu{did_you_mean(tid, known)} ; "
                        f"territoires : {', '.join(known)}")
                for tid in territories if tid not in known]
    if problems:
        raise UsageError(problems)


def build(project: Project, options: BuildOptions = BuildOptions(),
          progress: Callable[[DocumentJob], None] = lambda job: None,
          on_start: Callable[[int], None] = lambda count: None,
          then: Callable[[Content, Edition, BuildReport], None] | None = None) -> BuildReport:
    """Build the documents of one edition; raise before writing anything when
    the content or a template is invalid. `then`, given the content as the build read
    it, runs at the end still under the build's lock (a distribution's record)."""
    _quick_exit()
    if options.pdf:
        from .pdf import require_libreoffice

        require_libreoffice()
    started = quick.input_digests(project)  # before the content is read (quick.remember)
    content = load_content(project.content_dir,
                           years_to_load(project.content_dir, options.year))
    edition = select_edition(content, options.year)
    check_territories(content, options.territories)
    jobs, skipped = plan(project, content, edition, options.territories)
    report = BuildReport(skipped=skipped, warnings=[
        *map(str, content.warnings), *edition_warnings(content, edition),
        *quick.special_files(project, started), *stray_templates(project)])
    with build_lock(project.output_dir), _cleaning_temporaries(project.output_dir):
        state = BuildState(project.output_dir)
        every_job = plan(project, content, edition)[0]  # the whole edition's, for the bundle
        sources, digests = _read_inputs(content, every_job)
        inputs = {job: fingerprint(job.inputs, digests, project.root) for job in jobs}
        todo = [job for job in jobs
                if options.force or not state.is_current(job.output, inputs[job])]
        report.up_to_date = [job for job in jobs if job not in todo]
        try:
            before_rendering = len(report.warnings)
            if todo:
                _render_and_write(content, sources, todo, inputs, options, progress, on_start,
                                  project, state, report)
            after_rendering = len(report.warnings)
            from .distribution import finish_edition

            ready = _ready_to_send(project, every_job, report, state, digests)
            finish_edition(project, content, edition, ready, state, options.pdf,
                           changed=bool(report.built), warn=report.warnings.append,
                           written=report.extras)
            if then is not None:
                then(content, edition, report)
            quick.remember(project, quick.options_key(options.year, options.territories,
                                                      options.pdf, options.strict),
                           edition.year, started, digests, jobs, report,
                           report.warnings[:before_rendering]
                           + report.warnings[after_rendering:])
        except RencontresError as error:
            error.written = tuple([job.output for job in report.built] + report.extras)
            raise
    return report


def _render_and_write(content: Content, sources: dict[Path, bytes], todo: list[DocumentJob],
                      inputs: dict[DocumentJob, str], options: BuildOptions,
                      progress: Callable[[DocumentJob], None],
                      on_start: Callable[[int], None], project: Project,
                      state: BuildState, report: BuildReport) -> None:
    from ..word.checker import check_templates
    from .toc import number_pages

    check_templates({job.template: job.kind for job in todo}, sources)
    on_start(len(todo))
    results = render_all(content, sources, todo, options.workers, progress,
                         project.output_dir / CHARTS_CACHE)
    failures = [(job, r) for job, r in zip(todo, results, strict=True) if isinstance(r, RencontresError)]
    if failures and options.strict:
        raise TemplateError([p for _, error in failures for p in error.problems])
    report.failed = failures
    results = number_pages(todo, results, project.output_dir)
    try:
        for job, result in zip(todo, results, strict=True):
            if isinstance(result, Rendered):
                write_atomic(job.output, result.data)
                if result.complete:
                    state.record(job.output, inputs[job], result.data)
                else:
                    report.unfinished.append(job)
                report.built.append(job)
                report.warnings += result.notes
    finally:
        state.save()


def _read_inputs(content: Content,
                 jobs: list[DocumentJob]) -> tuple[dict[Path, bytes], dict[Path, str]]:
    """The templates of the edition's documents, read once (what is checked and rendered
    is what is fingerprinted), and the digest of every input read."""
    sources: dict[Path, bytes] = {}
    digests = dict(content.digests)
    for template in sorted({job.template for job in jobs}):
        try:
            sources[template] = read_template(template)
        except TemplateError:
            continue  # reported with the other templates' problems, if it is to be used
        digests[template] = hashlib.sha256(sources[template]).hexdigest()
    return sources, digests


def _ready_to_send(project: Project, every_job: list[DocumentJob], report: BuildReport,
                   state: BuildState, digests: dict[Path, str]) -> list[DocumentJob]:
    """The edition's documents that are up to date, for the manifest and the bundle:
    all of them even when the build was limited to some territories, never one whose
    content changed since it was built: the previous version of a failed document
    (reported with the failure), one outside the territories built (a warning)."""
    done = set(report.built + report.up_to_date)
    failed = {job for job, _ in report.failed}
    ready = []
    for job in every_job:
        if job in done or (job not in failed and job.output.is_file()
                           and state.is_current(job.output,
                                                fingerprint(job.inputs, digests, project.root))):
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
    matplotlib's): 64 ms of a whole first build of the 2021 edition.
    Frozen objects are skipped; nothing is left to clean up then (files are written
    and closed, the lock released), and the memory goes back to the system anyway."""
    global _exit_prepared
    if not _exit_prepared:
        import atexit

        atexit.register(gc.freeze)
        _exit_prepared = True
