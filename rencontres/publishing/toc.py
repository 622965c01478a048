"""Page numbers for the tables of contents: a LibreOffice layout of the rendered documents.

Each document whose template asks for a table of contents gets its entries written
first with wide placeholder numbers, so that its lines are already those of the final
document (a number narrower than the placeholder can only shorten a line); LibreOffice
lays that version out, and the page of each heading's bookmark is read from its PDF.
The entries then get those numbers. LibreOffice only reads: the document it would save
is never kept. Without LibreOffice, the entries have no numbers and a warning says so.

The same bytes laid out by the same LibreOffice fall on the same pages: the pages found
are kept in the user's cache, shared by every project, and a document rebuilt the same
(`--force`, another copy of the project) is not laid out again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

from ..errors import OutputError, RencontresError
from ..word import toc
from . import pdf
from .output import user_cache, write_atomic
from .plan import DocumentJob
from .workers import Rendered

PLACEHOLDER = "00"
LAYOUTS = "mises-en-page"  # the folder of the user's cache
WITHOUT_NUMBERS = "sommaire sans numéros de page"
HOW_TO_NUMBER = ("installez LibreOffice (apt-get install libreoffice-writer-nogui) et "
                 "reconstruisez, ou, dans Word, clic droit sur le sommaire > Mettre à jour "
                 "les champs")


def number_pages(jobs: list[DocumentJob], results: list[Rendered | RencontresError],
                 output_dir: Path) -> list[Rendered | RencontresError]:
    """The results with their tables of contents filled; those of the documents without
    one unchanged."""
    laid_out = {job: data for job, result in zip(jobs, results, strict=True) if isinstance(result, Rendered)
                and (data := toc.fill(result.data, lambda bookmark: PLACEHOLDER)) is not None}
    if not laid_out:
        return results
    pages: dict[str, dict[str, int]] = {}
    reason = "LibreOffice est introuvable"
    program = pdf.find_libreoffice()
    if program is not None:
        reason = "LibreOffice n'a pas pu mettre le document en pages"
        keys = {job.label: _layout_key(data, program) for job, data in laid_out.items()}
        pages = {label: found for label, key in keys.items()
                 if (found := _remembered(key)) is not None}
        todo = {job.label: data for job, data in laid_out.items() if job.label not in pages}
        try:
            fresh = pdf.bookmark_pages(todo, output_dir) if todo else {}
        except OutputError as error:
            fresh = {}
            reason = "; ".join(problem.message for problem in error.problems)
        for label, found in fresh.items():
            _remember(keys[label], found)
        pages.update(fresh)
    numbered: list[Rendered | RencontresError] = []
    for job, result in zip(jobs, results, strict=True):
        if job not in laid_out or not isinstance(result, Rendered):
            numbered.append(result)
            continue
        numbers = {bookmark: str(page) for bookmark, page in pages.get(job.label, {}).items()}
        complete = all(bookmark in numbers for bookmark in toc.bookmark_names(laid_out[job]))
        data = toc.fill(result.data, numbers.__getitem__ if complete else None)
        if data is None:  # (laid out: it has a table of contents, filled again the same way)
            numbered.append(result)
        elif complete:
            numbered.append(Rendered(data, result.notes))
        else:
            numbered.append(Rendered(data, (
                *result.notes, f"{job.label} : {WITHOUT_NUMBERS} ({reason}) : {HOW_TO_NUMBER}"),
                complete=False))
    return numbered


def _layout_key(data: bytes, program: str) -> str:
    """The document's bytes and the LibreOffice that lays them out (an update of
    LibreOffice lays them out again)."""
    binary = Path(program).resolve()
    try:
        stat = binary.stat()
        identity = f"{binary}:{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        identity = str(binary)
    return hashlib.sha256(data + b"\0" + identity.encode()).hexdigest()


def _remembered(key: str) -> dict[str, int] | None:
    try:
        found = json.loads((user_cache(LAYOUTS) / f"{key}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    valid = isinstance(found, dict) and all(
        isinstance(name, str) and type(page) is int and page > 0 for name, page in found.items())
    return found if valid else None


def _remember(key: str, pages: dict[str, int]) -> None:
    """Kept if the cache can be written; a cache that cannot is no reason to fail."""
    with contextlib.suppress(OSError, RencontresError):
        write_atomic(user_cache(LAYOUTS) / f"{key}.json",
                     json.dumps(pages, sort_keys=True).encode("utf-8"))
