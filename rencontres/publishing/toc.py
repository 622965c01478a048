"""Page numbers for the tables of contents: a LibreOffice layout of the rendered documents.

Each document whose template asks for a table of contents gets its entries written
first with wide placeholder numbers, so that its lines are already those of the final
document (a number narrower than the placeholder can only shorten a line); LibreOffice
lays that version out, and the page of each heading's bookmark is read from its PDF.
The entries then get those numbers. LibreOffice only reads: the document it would save
is never kept. Without LibreOffice, the entries have no numbers and a warning says so.

The same bytes laid out by the same LibreOffice fall on the same pages: the pages found
are kept in the user's cache, shared by every project, and a document rebuilt the same
(`--force`, another copy of the project) is not laid out again. An entry is used only
when it holds what its digest says and a page for every heading of the document;
otherwise the document is laid out again and the entry written again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

from ..errors import OutputError, RencontresError
from ..word import toc
from . import pdf
from .cache_entries import read_entry, seal
from .output import private_folder, user_cache, write_atomic
from .plan import DocumentJob
from .workers import Rendered

PLACEHOLDER = "00"
LAYOUTS = "mises-en-page"  # the folder of the user's cache
WITHOUT_NUMBERS = "sommaire sans numéros de page"
IN_WORD = "dans Word, clic droit sur le sommaire > Mettre à jour les champs"
HOW_TO_NUMBER = ("installez LibreOffice (apt-get install libreoffice-writer-nogui) et "
                 f"reconstruisez, ou, {IN_WORD}")


def number_pages(jobs: list[DocumentJob], results: list[Rendered | RencontresError],
                 output_dir: Path) -> list[Rendered | RencontresError]:
    """The results with their tables of contents filled; those of the documents without
    one unchanged."""
    laid_out = {job: data for job, result in zip(jobs, results, strict=True) if isinstance(result, Rendered)
                and (data := toc.fill(result.data, lambda bookmark: PLACEHOLDER)) is not None}
    if not laid_out:
        return results
    bookmarks = {job: set(toc.bookmark_names(data)) for job, data in laid_out.items()}
    pages: dict[str, dict[str, int]] = {}
    reason = "LibreOffice est introuvable"
    how = HOW_TO_NUMBER
    program = pdf.find_libreoffice()
    if program is not None:
        reason = "LibreOffice n'a pas pu mettre le document en pages"
        how = f"reconstruisez, ou, {IN_WORD}"
        keys = {job.label: _layout_key(data, program) for job, data in laid_out.items()}
        cache = user_cache(LAYOUTS)
        usable = private_folder(cache)
        pages = {job.label: found for job in laid_out if usable
                 and (found := _remembered(cache, keys[job.label], bookmarks[job]))}
        todo = {job.label: data for job, data in laid_out.items() if job.label not in pages}
        try:
            fresh = pdf.bookmark_pages(todo, output_dir) if todo else {}
        except OutputError as error:
            fresh = {}
            reason = "; ".join(problem.message for problem in error.problems)
        for job in laid_out:
            found = fresh.get(job.label, {})
            if usable and found and bookmarks[job] <= found.keys():
                _remember(cache, keys[job.label], found)
        pages.update(fresh)
    numbered: list[Rendered | RencontresError] = []
    for job, result in zip(jobs, results, strict=True):
        if job not in laid_out or not isinstance(result, Rendered):
            numbered.append(result)
            continue
        numbers = {bookmark: str(page) for bookmark, page in pages.get(job.label, {}).items()}
        complete = bookmarks[job] <= numbers.keys()
        data = toc.fill(result.data, numbers.__getitem__ if complete else None)
        if data is None:  # (laid out: it has a table of contents, filled again the same way)
            numbered.append(result)
        elif complete:
            numbered.append(Rendered(data, result.notes))
        else:
            numbered.append(Rendered(data, (
                *result.notes, f"{job.label} : {WITHOUT_NUMBERS} ({reason}) : {how}"),
                complete=False))
    return numbered


def _layout_key(data: bytes, program: str) -> str:
    """The document's bytes and the LibreOffice that lays them out (an update of
    LibreOffice lays them out again)."""
    identity = pdf.libreoffice_identity(program)
    return hashlib.sha256(data + b"\0" + identity.encode()).hexdigest()


def _remembered(cache: Path, key: str, bookmarks: set[str]) -> dict[str, int] | None:
    """The pages kept for a layout, when its entry is whole and has one for each of the
    document's `bookmarks`; None (laid out again) otherwise."""
    data = read_entry(cache / f"{key}.json")
    try:
        found = json.loads(data) if data is not None else None
    except ValueError:
        return None
    if not isinstance(found, dict) or not bookmarks <= found.keys():
        return None
    valid = all(isinstance(name, str) and type(page) is int and page > 0
                for name, page in found.items())
    return found if valid else None


def _remember(cache: Path, key: str, pages: dict[str, int]) -> None:
    """Kept if the cache can be written; a cache that cannot is no reason to fail."""
    with contextlib.suppress(OSError, RencontresError):
        write_atomic(cache / f"{key}.json", seal(json.dumps(pages, sort_keys=True).encode()))
