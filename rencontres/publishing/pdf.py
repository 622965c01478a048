"""LibreOffice headless: PDFs (the batch shared between two processes), and where its
pages fall."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError, Problem, RencontresError, display_path
from .cache_entries import read_entry, seal
from .libreoffice import (
    find_libreoffice,
    keeping,
    libreoffice_identity,
    processes_for,
    profiles,
    require_libreoffice,
    run,
)
from .output import new_folder, private_folder, user_cache, write_atomic
from .pdf_tags import finish_tags

__all__ = [
    "bookmark_pages",
    "convert",
    "find_libreoffice",
    "libreoffice_identity",
    "require_libreoffice",
]

# How long LibreOffice may take: to convert, when PDFs were asked for; to lay out the
# tables of contents, which a build without --pdf does not wait for long (the
# documents are then written without page numbers, and say so).
CONVERSION_SECONDS = 600
LAYOUT_SECONDS = 60
LAYOUT_SECONDS_PER_DOCUMENT = 5  # of each LibreOffice's share


# A tagged PDF (its structure tree read aloud in order, headings, lists, tables, the
# alt text of each figure), declared PDF/UA: the document's title is shown, its
# language (fr-FR, from the styles) read. LibreOffice's JSON filter options.
EXPORT_FILTER = ('pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
                 '"PDFUACompliance":{"type":"boolean","value":"true"}}')

EXPORTS = "exports-pdf"  # the folder of the user's cache
WORK_PREFIX = ".pdf-"  # the conversion's folder in output/, removed by the next build if left


def convert(documents: list[Path], output_dir: Path,
            published: datetime.date) -> dict[Path, bytes]:
    """PDF bytes for each DOCX, the same bytes for the same document (dated `published`);
    raise OutputError when LibreOffice is missing or fails.

    What LibreOffice exported is kept in the user's cache under the digest of the DOCX,
    of the export's options and of the LibreOffice and fonts that made it: a document
    rebuilt the same (`--force`, a change undone, another copy of the project, a
    distribution) is not converted again. An entry is used only when it holds what its
    digest says; otherwise the document is converted again."""
    if not documents:
        return {}
    program = require_libreoffice()
    sources = {document: document.read_bytes() for document in documents}
    keys = {document: _export_key(data, program) for document, data in sources.items()}
    cache = user_cache(EXPORTS)
    usable = private_folder(cache)
    exported = {document: found for document in documents if usable
                and (found := read_entry(cache / f"{keys[document]}.pdf")) is not None
                and found.startswith(b"%PDF-")}
    todo = [document for document in documents if document not in exported]
    if todo:
        fresh = _export(program, todo, output_dir)
        for document, data in fresh.items():
            # What a LibreOffice kept running exports (the preview's) draws the same pages
            # but orders its objects its own way: only a build's own conversions are kept,
            # so that the same document always gives the same bytes.
            if usable and not keeping():
                with contextlib.suppress(OSError, RencontresError):
                    write_atomic(cache / f"{keys[document]}.pdf", seal(data))
        exported.update(fresh)
    problems = [Problem(display_path(document), None, None,
                        "LibreOffice n'a pas pu le convertir en PDF")
                for document in documents if document not in exported]
    if problems:
        raise OutputError(problems)
    return {document: finish_tags(reproducible(exported[document], data, published), data)
            for document, data in sources.items()}


def _export_key(document: bytes, program: str) -> str:
    return hashlib.sha256(b"\0".join((document, EXPORT_FILTER.encode(),
                                      libreoffice_identity(program).encode()))).hexdigest()


def _export(program: str, documents: list[Path], output_dir: Path) -> dict[Path, bytes]:
    """What LibreOffice exports of each document, as it wrote it; a document it could not
    convert is left out."""
    count = processes_for(len(documents))
    with _work_folder(output_dir) as work, profiles(count, work, output_dir) as folders:
        run(program, work, documents, EXPORT_FILTER, folders, CONVERSION_SECONDS,
            "conversion")
        missing = [document for document in documents if not _converted(document, work)]
        if missing:
            # A profile left damaged by a LibreOffice killed outright fails every
            # conversion: once more with new profiles.
            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)
            run(program, work, missing, EXPORT_FILTER, folders[:len(missing)],
                CONVERSION_SECONDS, "conversion")
        return {document: _pdf(document, work).read_bytes() for document in documents
                if _converted(document, work)}


# Word's bookmarks become the PDF's named destinations, each with its page.
_WITH_DESTINATIONS = ('pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":'
                      '{"type":"boolean","value":"true"}}')


def bookmark_pages(documents: dict[str, bytes], output_dir: Path) -> dict[str, dict[str, int]]:
    """For each DOCX (file name → bytes), the page where LibreOffice lays out each of its
    bookmarks, counted from 1; a document it could not lay out is left out. Only read
    from the PDF: the document is never saved by LibreOffice (it would rename the
    styles whose names have accents, and unlink the charts' data). Raise OutputError
    when LibreOffice is missing or stops answering."""
    from pypdf import PdfReader

    program = require_libreoffice()
    count = processes_for(len(documents))
    timeout = LAYOUT_SECONDS + LAYOUT_SECONDS_PER_DOCUMENT * -(-len(documents) // count)
    with _work_folder(output_dir) as work, profiles(count, work, output_dir) as folders:
        sources = work / "documents"
        sources.mkdir()
        for name, data in documents.items():
            write_atomic(sources / name, data)
        run(program, work, [sources / name for name in documents], _WITH_DESTINATIONS,
            folders, timeout, "mise en page")
        pages = {}
        for name in documents:
            pdf = work / Path(name).with_suffix(".pdf").name
            try:
                reader = PdfReader(pdf)
                pages[name] = {_bookmark(key): number + 1
                               for key, target in reader.named_destinations.items()
                               # None: a destination on no page, nothing to link to
                               if (number := reader.get_destination_page_number(target))
                               is not None}
            except Exception:  # no PDF, or a damaged one (pypdf raises many kinds)
                continue
        return pages


def _bookmark(destination: str) -> str:
    """The bookmark a destination is named after: LibreOffice writes every character
    other than a letter, a digit or « - » as its code (« _Toc1 » as « 5FToc1 », or
    « #5FToc1 », which pypdf reads « _Toc1 »)."""
    return re.sub(r"#?5F", "_", destination.lstrip("/"))


@contextlib.contextmanager
def _work_folder(output_dir: Path) -> Iterator[Path]:
    # In output/, not in the system's temporary folder: a build killed outright leaves
    # it where the next build, under the lock, removes it.
    work = output_dir / f"{WORK_PREFIX}{os.getpid()}"
    try:
        new_folder(work)
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _pdf(document: Path, work: Path) -> Path:
    return work / document.with_suffix(".pdf").name


def _converted(document: Path, work: Path) -> bool:
    pdf = _pdf(document, work)
    return pdf.is_file() and pdf.stat().st_size > 0


_CREATED = re.compile(rb"/CreationDate\(D:\d{14}Z'\)")
_XMP_CREATED = re.compile(rb"<xmp:CreateDate>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ</xmp:CreateDate>")
_IDENTIFIERS = re.compile(rb"/ID \[ <[0-9A-F]{32}>\s*<[0-9A-F]{32}> \]|/DocChecksum /[0-9A-F]{32}")


def reproducible(pdf: bytes, document: bytes, published: datetime.date) -> bytes:
    """The PDF with what LibreOffice makes up at each run — the time of the conversion,
    a random identifier, a checksum of both — replaced by the publication date and a
    digest of the document: the same DOCX gives the same PDF, and the bundle that holds
    it is the same too. Each replacement has the length of what it replaces, so the
    offsets of the PDF's cross-reference table stay right."""
    digest = hashlib.md5(document).hexdigest().upper().encode()
    stamp = f"/CreationDate(D:{published:%Y%m%d}120000Z')".encode()
    pdf = _CREATED.sub(lambda found: stamp, pdf)
    # The XMP metadata stream of a PDF/UA says it too, uncompressed.
    xmp = f"<xmp:CreateDate>{published:%Y-%m-%d}T12:00:00Z</xmp:CreateDate>".encode()
    pdf = _XMP_CREATED.sub(lambda found: xmp, pdf)

    def identifier(found: re.Match[bytes]) -> bytes:
        text = found.group(0)
        return re.sub(rb"[0-9A-F]{32}", digest, text)

    return _IDENTIFIERS.sub(identifier, pdf)
