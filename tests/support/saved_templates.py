"""The shipped templates as another suite saves them: opened and saved as .docx by a real
headless LibreOffice Writer, or by python-docx. Each is made once per run."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import docx

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = ("compte-rendu.docx", "synthese.docx")


def _once(folder: Path, make: Callable[[Path], None]) -> Path:
    """`folder`, made by `make(folder)` by the first process to ask (pytest-xdist's
    workers share it); the others wait for its « fait » mark."""
    done = folder / "fait"
    try:
        folder.mkdir()
    except FileExistsError:
        deadline = time.monotonic() + 120
        while not done.is_file():
            assert time.monotonic() < deadline, f"{folder} n'est pas prêt"
            time.sleep(0.2)
        return folder
    make(folder)
    done.write_text("fait", "utf-8")
    return folder


def _libreoffice(folder: Path) -> None:
    sources = folder / "sources"
    sources.mkdir()
    for name in TEMPLATES:
        (sources / name).write_bytes((REPO / "templates" / name).read_bytes())
    profile = folder / "profil"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(folder),
                    *(str(sources / name) for name in TEMPLATES)],
                   check=True, capture_output=True, timeout=120,
                   env={**os.environ, "TZ": "UTC"})
    for name in TEMPLATES:
        assert (folder / name).is_file(), f"LibreOffice n'a pas enregistré {name}"
    # The report's template in the formats a template is saved in by mistake.
    for target in ("odt", "doc:MS Word 97"):
        subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--convert-to", target, "--outdir", str(folder),
                        str(sources / TEMPLATES[0])],
                       check=True, capture_output=True, timeout=120,
                       env={**os.environ, "TZ": "UTC"})


def _python_docx(folder: Path) -> None:
    for name in TEMPLATES:
        docx.Document(str(REPO / "templates" / name)).save(str(folder / name))


def libreoffice_saved(shared: Path) -> Path:
    """The folder holding both templates as LibreOffice saved them, and the report's
    as an .odt and a Word 97 .doc."""
    return _once(shared / "modeles-libreoffice", _libreoffice)


def python_docx_saved(shared: Path) -> Path:
    """The folder holding both templates as python-docx saved them."""
    return _once(shared / "modeles-python-docx", _python_docx)
