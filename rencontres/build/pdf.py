"""PDF conversion with LibreOffice headless: the batch shared between two processes."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

from ..errors import OutputError, Problem, display_path

CANDIDATES = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 600


def find_libreoffice() -> str | None:
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def require_libreoffice() -> str:
    """The LibreOffice program; checked before a build so that it fails before writing."""
    program = find_libreoffice()
    if program is None:
        raise OutputError([Problem("--pdf", None, None,
                                   "LibreOffice est introuvable : installez-le "
                                   "(apt-get install libreoffice-writer-nogui) "
                                   "ou relancez sans --pdf")])
    return program


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
    # In output/, not in the system's temporary folder: a build killed outright leaves
    # it where the next build, under the lock, removes it.
    work = output_dir / f"{WORK_PREFIX}{os.getpid()}"
    try:
        work.mkdir(parents=True, exist_ok=True)
        profiles = output_dir / PROFILES
        _run_libreoffice(program, documents, profiles, work)
        missing = [document for document in documents if not _converted(document, work)]
        if missing:
            # A profile left damaged by a LibreOffice killed outright fails every
            # conversion: once more with new profiles.
            shutil.rmtree(profiles, ignore_errors=True)
            _run_libreoffice(program, missing, profiles, work)
        results: dict[Path, bytes] = {}
        problems = []
        for document in documents:
            if _converted(document, work):
                results[document] = reproducible(_pdf(document, work).read_bytes(),
                                                 document.read_bytes(), published)
            else:
                problems.append(Problem(display_path(document), None, None,
                                        "LibreOffice n'a pas pu le convertir en PDF"))
        if problems:
            raise OutputError(problems)
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run_libreoffice(program: str, documents: list[Path], profiles: Path, work: Path) -> None:
    """Convert `documents` into `work`, with up to PROCESSES LibreOffice at once (never
    more than the processors), each on its share of the batch and with its own profile:
    kept in `profiles`, a LibreOffice started again does not create it again (about a
    second), and a private one means that a LibreOffice already open on the desktop
    does not swallow the conversion, and that two builds do not share a profile lock."""
    count = max(1, min(PROCESSES, os.cpu_count() or 1, len(documents)))
    processes: list[subprocess.Popen] = []
    try:
        for number in range(count):
            profile = (profiles / f"profil-{number + 1}").resolve().as_uri()
            command = [program, f"-env:UserInstallation={profile}", "--headless",
                       "--convert-to", "pdf", "--outdir", str(work),
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
                                   "LibreOffice ne répond plus (conversion interrompue)")])
    finally:
        for process in processes:
            if process.poll() is None:  # stopped by a timeout or an interrupt
                with contextlib.suppress(OSError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _pdf(document: Path, work: Path) -> Path:
    return work / document.with_suffix(".pdf").name


def _converted(document: Path, work: Path) -> bool:
    pdf = _pdf(document, work)
    return pdf.is_file() and pdf.stat().st_size > 0


_CREATED = re.compile(rb"/CreationDate\(D:\d{14}Z'\)")
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

    def identifier(found: re.Match) -> bytes:
        text = found.group(0)
        return re.sub(rb"[0-9A-F]{32}", digest, text)

    return _IDENTIFIERS.sub(identifier, pdf)
