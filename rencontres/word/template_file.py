"""Reading a Word template: once, checked before anything else touches it.

Light on purpose (no Jinja, no python-docx): a build with nothing to do reads and
fingerprints the templates without importing the checker or the renderer.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from pathlib import Path

from ..errors import Problem, TemplateError, display_path, system_error

# Far above any real template (the MOT's are 40 Ko, with a logo a few Mo), far below
# what would exhaust the memory of a build: a zip of 400 Ko can inflate to 300 Mo.
MAX_TEMPLATE_BYTES = 50 * 1024 * 1024  # the file, and all its parts once inflated


def read_template(path: Path) -> bytes:
    """The bytes of a Word template, read once: what is checked, fingerprinted and
    rendered is the same. A missing, special or non-Word file gets a clear error,
    not a zip traceback or a hang (a link to /dev/zero)."""
    name = display_path(path)
    try:
        status = path.stat()
    except OSError:
        raise TemplateError([Problem(name, None, None, "modèle introuvable")]) from None
    if not stat.S_ISREG(status.st_mode):
        raise TemplateError([Problem(name, None, None, "ce n'est pas un fichier ordinaire : "
                                     "remplacez-le par le modèle Word lui-même")])
    if status.st_size > MAX_TEMPLATE_BYTES:
        raise TemplateError([Problem(name, None, None, _too_large(status.st_size))])
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TemplateError([Problem(name, None, None,
                                     f"lecture impossible : {system_error(error)}")]) from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateError([Problem(name, None, None,
                                     "ce fichier n'est pas un document Word (.docx)")])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        inflated = sum(entry.file_size for entry in archive.infolist())
        if inflated > MAX_TEMPLATE_BYTES:
            raise TemplateError([Problem(name, None, None, _too_large(inflated))])
        if _opendocument(archive):
            raise TemplateError([Problem(name, None, None, damaged(
                "c'est un document OpenDocument (LibreOffice, .odt) : enregistrez-le au "
                "format « Word 2007-365 (.docx) »"))])
    return data


def _too_large(size: int) -> str:
    return (f"modèle trop volumineux ({-(-size // (1024 * 1024))} Mo une fois décompressé, "
            f"maximum {MAX_TEMPLATE_BYTES // (1024 * 1024)} Mo) : réduisez ses images")


def _opendocument(archive: zipfile.ZipFile) -> bool:
    """A LibreOffice document renamed .docx: its first entry says what it is."""
    try:
        return archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument")
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error):
        return False


def damaged(reason: str) -> str:
    return f"document Word illisible ou endommagé ({reason})"
