"""PDF conversion with LibreOffice headless: one run for the whole batch."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
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


def convert(documents: list[Path]) -> dict[Path, bytes]:
    """PDF bytes for each DOCX; raise OutputError when LibreOffice is missing or fails."""
    if not documents:
        return {}
    program = require_libreoffice()
    with tempfile.TemporaryDirectory(prefix="rencontres-pdf-") as work:
        # A private profile: a LibreOffice already open on the desktop does not
        # swallow the conversion, and two builds do not share a profile lock.
        profile = Path(work, "profil").as_uri()
        command = [program, f"-env:UserInstallation={profile}", "--headless",
                   "--convert-to", "pdf", "--outdir", work, *map(str, documents)]
        try:
            subprocess.run(command, check=False, capture_output=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise OutputError([Problem("--pdf", None, None,
                                       "LibreOffice ne répond plus (conversion interrompue)")])
        results: dict[Path, bytes] = {}
        missing = []
        for document in documents:
            pdf = Path(work, document.with_suffix(".pdf").name)
            if pdf.is_file() and pdf.stat().st_size > 0:
                results[document] = pdf.read_bytes()
            else:
                missing.append(Problem(display_path(document), None, None,
                                       "LibreOffice n'a pas pu le convertir en PDF"))
        if missing:
            raise OutputError(missing)
        return results
