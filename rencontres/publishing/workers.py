"""Rendering the jobs in memory, on several processes when it pays."""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..content.loading import Content
from ..errors import BuildError, Problem, RencontresError, display_path
from .chart_cache import LASTING, LASTING_ENTRIES, ChartCache
from .lock import close_inherited_lock
from .output import user_cache
from .plan import SYNTHESIS, DocumentJob, publication_date

if TYPE_CHECKING:  # imported by the workers only, when they render
    from ..documents.context import TemplateContext

WORKER_LOST = ("un processus de construction s'est arrêté brutalement (mémoire épuisée, "
               "ou arrêté par le système) ; relancez, au besoin avec --jobs 1")


def _context(content: Content, job: DocumentJob) -> TemplateContext:
    edition = content.editions[job.year]
    if job.territory_id is not None:  # a report's job: the only kind for one territory
        from ..documents.report import report_context

        return report_context(content, edition, job.territory_id)
    from ..documents.synthesis import synthesis_context

    return synthesis_context(content, edition)


def render_job(content: Content, job: DocumentJob,
               sources: Mapping[Path, bytes] | None = None) -> bytes:
    """Render one document to bytes (runs in a worker process); `sources`: the
    templates' bytes as the build read them (read from disk otherwise)."""
    from ..word.render import Properties, render

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
        date=publication_date(edition),
    )
    return render(job.template, _context(content, job), properties,
                  (sources or {}).get(job.template))


@dataclass(frozen=True)
class Rendered:
    """A document rendered, and what its rendering had to say (warnings, in French)."""

    data: bytes
    notes: tuple[str, ...] = ()
    complete: bool = True  # False: to build again (a table of contents without numbers)


def _render_safely(content: Content, sources: Mapping[Path, bytes], job: DocumentJob,
                   charts_cache: Path | None) -> Rendered | RencontresError:
    from ..documents import charts

    charts.use_cache(None if charts_cache is None else ChartCache(charts_cache),
                     ChartCache(user_cache(LASTING), optional=True, private=True,
                                keep=LASTING_ENTRIES))
    try:
        data = render_job(content, job, sources)
        return Rendered(data, tuple(f"{job.label} : {note}" for note in charts.take_notes()))
    except RencontresError as error:
        return error
    finally:
        charts.take_notes()  # none left for the next document
        charts.use_cache(None)
        _collect_now_and_then()


COLLECT_EVERY = 8  # documents
_rendered = 0


def _collect_now_and_then() -> None:
    """A document leaves its figures and its Word package in reference cycles, holding
    memory outside Python's own (the pixels, the XML trees: a megabyte or more each)
    that only a full collection frees, and those come rarely: a process that rendered
    40 documents held 60 Mo more (179 Mo at 300 territories). One full collection
    every few documents; cheap, since what was there before rendering is frozen
    (render_all), not walked again."""
    global _rendered
    _rendered += 1
    if _rendered % COLLECT_EVERY == 0:
        gc.collect()


def render_all(content: Content, sources: Mapping[Path, bytes], jobs: list[DocumentJob],
               workers: int, progress: Callable[[DocumentJob], None],
               charts_cache: Path | None = None) -> list[Rendered | RencontresError]:
    """Render every job, on several processes when it pays; `sources`: the templates'
    bytes, as read by the build."""
    if workers <= 1 or len(jobs) <= 1:
        results = []
        gc.freeze()  # the content and the modules: not walked by each collection
        try:
            for job in jobs:
                results.append(_render_safely(content, sources, job, charts_cache))
                progress(job)
        finally:
            gc.unfreeze()
        return results
    _share_imports(charts_cache, jobs, sources)
    # The content goes to each worker once, with its start (inherited on fork,
    # pickled once per worker otherwise), not with every job: sending it with each
    # job made a build quadratic in the number of territories.
    pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)),
                               initializer=_start_worker, initargs=(content, sources))
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
        for job, future in zip(jobs, futures, strict=True):
            try:
                results.append(future.result())
            except BrokenProcessPool:
                # Which job's worker died cannot be told: every waiting job breaks.
                raise BuildError([Problem(display_path(job.output.parent), None, None,
                                          WORKER_LOST)]) from None
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


def _draws_pictures(jobs: list[DocumentJob], sources: Mapping[Path, bytes]) -> bool:
    """Whether some bar chart of these documents may be drawn as a picture (by
    matplotlib; the map is drawn by Pillow): one whose template has no native chart of
    its name."""
    from ..documents.map import MapFields
    from ..word.chart_markers import native_chart_names
    from ..word.fields import context_class
    from ..word.native_charts import chart_fields, chart_name

    for template, kind in {(job.template, job.kind) for job in jobs}:
        native = native_chart_names(sources.get(template, b""))
        if any(chart_name(field) not in native
               for field, attribute in chart_fields(context_class(kind)).items()
               if attribute not in MapFields.model_fields):
            return True
    return False


def _share_imports(charts_cache: Path | None, jobs: list[DocumentJob],
                   sources: Mapping[Path, bytes]) -> None:
    """Import once, before the workers are forked, what each of them would import:
    the rendering modules, and matplotlib when bar charts are drawn as pictures and none
    is cached yet (a first build, where every chart is drawn). Forked workers share
    these modules; each worker importing them itself doubled that work (matplotlib
    alone is about 0.4 s of CPU)."""
    if multiprocessing.get_start_method() != "fork":
        return  # spawned workers import everything again anyway
    from ..documents import (
        report,  # noqa: F401 - imported for the workers forked next
        synthesis,  # noqa: F401 - imported for the workers forked next
    )
    from ..word import render  # noqa: F401 - imported for the workers forked next

    try:
        cold = charts_cache is None or not any(charts_cache.iterdir())
    except OSError:
        cold = True
    if cold and _draws_pictures(jobs, sources):
        from ..documents import charts

        charts._pyplot()


_worker_inputs: tuple[Content, Mapping[Path, bytes]] | None = None


def _start_worker(content: Content, sources: Mapping[Path, bytes]) -> None:
    global _worker_inputs
    # First of all: a worker forked while the main process holds the build lock
    # shares it, and must not keep it should the main process be killed outright.
    close_inherited_lock()
    _exit_with_the_main_process()
    _worker_inputs = (content, sources)
    _leave_signals_to_the_main_process()


def _render_in_worker(job: DocumentJob,
                      charts_cache: Path | None) -> Rendered | RencontresError:
    assert _worker_inputs is not None
    return _render_safely(*_worker_inputs, job, charts_cache)


ORPHAN_CHECK_SECONDS = 0.2


def _exit_with_the_main_process() -> None:
    """A worker whose main process was killed outright (kill -9, the out-of-memory
    killer) would wait for work for ever: it exits as soon as it is left alone. A
    new parent (POSIX), or the main process's end seen by multiprocessing (Windows,
    where the parent's id does not change), tells it."""
    parent_id = os.getppid()
    main = multiprocessing.parent_process()

    def watch() -> None:
        while os.getppid() == parent_id and (main is None or main.is_alive()):
            time.sleep(ORPHAN_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


def _leave_signals_to_the_main_process() -> None:
    """Ctrl-C reaches every process of the terminal: workers ignore it, and the main
    process stops the build and reports it once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
