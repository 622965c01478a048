"""The shipped templates as another suite saves them: opened and saved as .docx by a real
headless LibreOffice Writer, or by python-docx. Each is made once per run."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import docx
from support.once import made_once

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = ("compte-rendu.docx", "synthese.docx")


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
    return made_once(shared / "modeles-libreoffice", _libreoffice,
                     "les modèles enregistrés par LibreOffice", timeout=120)


def python_docx_saved(shared: Path) -> Path:
    """The folder holding both templates as python-docx saved them."""
    return made_once(shared / "modeles-python-docx", _python_docx,
                     "les modèles enregistrés par python-docx", timeout=120)
