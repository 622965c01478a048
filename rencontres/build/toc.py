"""Page numbers for the tables of contents: a LibreOffice layout of the rendered documents.

Each document whose template asks for a table of contents gets its entries written
first with wide placeholder numbers, so that its lines are already those of the final
document (a number narrower than the placeholder can only shorten a line); LibreOffice
lays that version out, and the page of each heading's bookmark is read from its PDF.
The entries then get those numbers. LibreOffice only reads: the document it would save
is never kept. Without LibreOffice, the entries have no numbers and a warning says so.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import OutputError, RencontresError
from ..word import toc
from . import pdf
from .plan import DocumentJob
from .workers import Rendered

PLACEHOLDER = "00"
WITHOUT_NUMBERS = "sommaire sans numéros de page"
HOW_TO_NUMBER = ("installez LibreOffice (apt-get install libreoffice-writer-nogui) et "
                 "reconstruisez, ou, dans Word, clic droit sur le sommaire > Mettre à jour "
                 "les champs")


def number_pages(jobs: list[DocumentJob], results: list[Rendered | RencontresError],
                 output_dir: Path) -> list[Rendered | RencontresError]:
    """The results with their tables of contents filled; those of the documents without
    one unchanged."""
    laid_out = {job: data for job, result in zip(jobs, results) if isinstance(result, Rendered)
                and (data := toc.fill(result.data, lambda bookmark: PLACEHOLDER)) is not None}
    if not laid_out:
        return results
    pages: dict[str, dict[str, int]] = {}
    reason = "LibreOffice est introuvable"
    if pdf.find_libreoffice() is not None:
        reason = "LibreOffice n'a pas pu mettre le document en pages"
        try:
            pages = pdf.bookmark_pages({job.label: data for job, data in laid_out.items()},
                                       output_dir)
        except OutputError as error:
            reason = "; ".join(problem.message for problem in error.problems)
    numbered = []
    for job, result in zip(jobs, results):
        if job not in laid_out:
            numbered.append(result)
            continue
        found = pages.get(job.label, {})
        if all(bookmark in found for bookmark in toc.bookmark_names(laid_out[job])):
            data = toc.fill(result.data, lambda bookmark: str(found[bookmark]))
            numbered.append(Rendered(data, result.notes))
        else:
            numbered.append(Rendered(toc.fill(result.data, None), (
                *result.notes, f"{job.label} : {WITHOUT_NUMBERS} ({reason}) : {HOW_TO_NUMBER}"),
                complete=False))
    return numbered
