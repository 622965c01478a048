"""LibreOffice headless: PDFs (the batch shared between two processes), and where its
pages fall."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import os
import re
import shutil
import signal
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError, Problem, display_path

CANDIDATES = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 600


def find_libreoffice() -> str | None:
    found = next((found for name in CANDIDATES if (found := shutil.which(name))), None)
    if found is None and os.name == "nt":
        # Its Windows installer does not put it on the PATH.
        folders = {os.environ.get(name) for name in ("ProgramFiles", "ProgramFiles(x86)")}
        found = next((str(program) for folder in sorted(filter(None, folders))
                      if (program := Path(folder, "LibreOffice", "program", "soffice.exe"))
                      .is_file()), None)
    return found


def require_libreoffice() -> str:
    """The LibreOffice program; checked before a build so that it fails before writing."""
    program = find_libreoffice()
    if program is None:
        how = ("winget install TheDocumentFoundation.LibreOffice, ou depuis "
               "fr.libreoffice.org" if os.name == "nt"
               else "apt-get install libreoffice-writer-nogui")
        raise OutputError([Problem("--pdf", None, None,
                                   f"LibreOffice est introuvable : installez-le ({how}) "
                                   "ou relancez sans --pdf")])
    return program


# A tagged PDF (its structure tree read aloud in order, headings, lists, tables, the
# alt text of each figure), declared PDF/UA: the document's title is shown, its
# language (fr-FR, from the styles) read. LibreOffice's JSON filter options.
EXPORT_FILTER = ('pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
                 '"PDFUACompliance":{"type":"boolean","value":"true"}}')

WORK_PREFIX = ".pdf-"  # the conversion's folder in output/, removed by the next build if left
PROFILES = ".cache/libreoffice"  # in output/: LibreOffice's profiles, kept between builds
PROCESSES = 2  # one LibreOffice converts on one core: the batch is shared between two


def convert(documents: list[Path], output_dir: Path,
            published: datetime.date) -> dict[Path, bytes]:
    """PDF bytes for each DOCX, the same bytes for the same document (dated `published`);
    raise OutputError when LibreOffice is missing or fails."""
    if not documents:
        return {}
    program = require_libreoffice()
    profiles = output_dir / PROFILES
    with _work_folder(output_dir) as work:
        _run(program, work, documents, EXPORT_FILTER, profiles)
        missing = [document for document in documents if not _converted(document, work)]
        if missing:
            # A profile left damaged by a LibreOffice killed outright fails every
            # conversion: once more with new profiles.
            shutil.rmtree(profiles, ignore_errors=True)
            _run(program, work, missing, EXPORT_FILTER, profiles)
        results: dict[Path, bytes] = {}
        problems = []
        for document in documents:
            if _converted(document, work):
                data = document.read_bytes()
                results[document] = describe_charts(
                    reproducible(_pdf(document, work).read_bytes(), data, published), data)
            else:
                problems.append(Problem(display_path(document), None, None,
                                        "LibreOffice n'a pas pu le convertir en PDF"))
        if problems:
            raise OutputError(problems)
        return results


def describe_charts(pdf: bytes, document: bytes) -> bytes:
    """LibreOffice tags a native Word chart as a figure but leaves out its alternative
    text (it exports that of pictures only): each chart's text in the DOCX goes to the
    figures left without one, in order. Written by qpdf (pikepdf) with an identifier
    computed from the content: the same PDF gives the same bytes. (pypdf's incremental
    update, used before, parsed the whole document in Python: 50 ms a document, a
    quarter of `--pdf` at 100 territories; qpdf takes 10.)"""
    texts = _chart_descriptions(document)
    if not texts:
        return pdf
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as opened:
        if "/StructTreeRoot" not in opened.Root:
            return pdf

        def describe(node: pikepdf.Object) -> None:
            if isinstance(node, pikepdf.Array):
                for kid in node:
                    describe(kid)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                if node.S == "/Figure" and not str(node.get("/Alt", "")).strip() and texts:
                    node.Alt = pikepdf.String(texts.pop(0))
                if "/K" in node:
                    describe(node.K)

        describe(opened.Root.StructTreeRoot.get("/K"))
        updated = io.BytesIO()
        opened.save(updated, deterministic_id=True)
    return updated.getvalue()


def _chart_descriptions(document: bytes) -> list[str]:
    """The alternative text of each native chart of a DOCX, in the order of the body."""
    from lxml import etree

    from ..word.native_charts import drawings

    with zipfile.ZipFile(io.BytesIO(document)) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    return [doc_pr.get("descr", "") for doc_pr, _ in drawings(body) if doc_pr.get("descr")]


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
    with _work_folder(output_dir) as work:
        sources = work / "documents"
        sources.mkdir()
        for name, data in documents.items():
            (sources / name).write_bytes(data)
        _run(program, work, [sources / name for name in documents], _WITH_DESTINATIONS,
             output_dir / PROFILES)
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
        work.mkdir(parents=True, exist_ok=True)
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(program: str, work: Path, documents: list[Path], target: str,
         profiles: Path) -> None:
    """Convert `documents` into `work` (`target`: LibreOffice's filter and its options),
    with up to PROCESSES LibreOffice at once (never more than the processors), each on
    its share of the batch and with its own profile: kept in `profiles`, a LibreOffice
    started again does not create it again (about a second), and a private one means
    that a LibreOffice already open on the desktop does not swallow the conversion, and
    that two builds do not share a profile lock."""
    count = max(1, min(PROCESSES, os.cpu_count() or 1, len(documents)))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for number in range(count):
            profile = (profiles / f"profil-{number + 1}").resolve().as_uri()
            command = [program, f"-env:UserInstallation={profile}", "--headless",
                       "--convert-to", target, "--outdir", str(work),
                       *map(str, documents[number::count])]
            # In UTC, the creation date has one length whatever the machine's zone. In
            # a session of its own, so that it ends with all it started (below).
            processes.append(subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, env={**os.environ, "TZ": "UTC"},
                start_new_session=True))
        deadline = time.monotonic() + TIMEOUT_SECONDS
        for process in processes:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        raise OutputError([Problem("--pdf", None, None,
                                   "LibreOffice ne répond plus (conversion interrompue)")]) from None
    finally:
        for process in processes:
            if process.poll() is None:  # stopped by a timeout or an interrupt
                _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """A LibreOffice and what it started (soffice starts soffice.bin): on Windows, its
    process tree; elsewhere, its session's process group. (getattr: killpg and SIGKILL
    exist only where that branch runs.)"""
    if os.name == "nt":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)],
                       capture_output=True, check=False)
    else:
        with contextlib.suppress(OSError):
            # Read by name: Windows' os and signal have neither (test_windows reads for them).
            getattr(os, "killpg")(process.pid, getattr(signal, "SIGKILL"))  # noqa: B009
    process.wait()


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
