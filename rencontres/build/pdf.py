"""PDF conversion with LibreOffice headless: one run for the whole batch."""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import shutil
import subprocess
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


WORK_PREFIX = ".pdf-"  # the conversion's folder in output/, removed by the next build if left


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
        # A private profile: a LibreOffice already open on the desktop does not
        # swallow the conversion, and two builds do not share a profile lock.
        profile = (work / "profil").resolve().as_uri()
        command = [program, f"-env:UserInstallation={profile}", "--headless",
                   "--convert-to", "pdf", "--outdir", str(work), *map(str, documents)]
        try:
            # In UTC, the creation date has one length whatever the machine's zone.
            subprocess.run(command, check=False, capture_output=True, timeout=TIMEOUT_SECONDS,
                           env={**os.environ, "TZ": "UTC"})
        except subprocess.TimeoutExpired:
            raise OutputError([Problem("--pdf", None, None,
                                       "LibreOffice ne répond plus (conversion interrompue)")])
        results: dict[Path, bytes] = {}
        missing = []
        for document in documents:
            pdf = work / document.with_suffix(".pdf").name
            if pdf.is_file() and pdf.stat().st_size > 0:
                results[document] = reproducible(pdf.read_bytes(), document.read_bytes(),
                                                 published)
            else:
                missing.append(Problem(display_path(document), None, None,
                                       "LibreOffice n'a pas pu le convertir en PDF"))
        if missing:
            raise OutputError(missing)
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


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
