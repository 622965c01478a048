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
        others = [f"il y a « {other.name} », au format {kind} : enregistrez-le sous le nom "
                  f"« {path.name} » {WORD_FORMAT}" for other, kind in other_formats(path)]
        raise TemplateError([Problem(name, None, None, " ; ".join(
            ["modèle introuvable", *others]))]) from None
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
    # A .docx starts as a zip does; zipfile.is_zipfile alone takes a Word 97 .doc for
    # one (it finds the zip of an embedded chart's workbook inside it).
    if data[:4] != b"PK\x03\x04" or not zipfile.is_zipfile(io.BytesIO(data)):
        reason = "ce fichier n'est pas un document Word (.docx)"
        if data.startswith(_OLE2):
            reason += (" : c'est un ancien document Word 97-2003 (.doc), ou un document "
                       f"protégé par un mot de passe ; {SAVE_AS_DOCX}")
        raise TemplateError([Problem(name, None, None, reason)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        inflated = sum(entry.file_size for entry in archive.infolist())
        if inflated > MAX_TEMPLATE_BYTES:
            raise TemplateError([Problem(name, None, None, _too_large(inflated))])
        if _opendocument(archive):
            raise TemplateError([Problem(name, None, None, damaged(
                "c'est un document OpenDocument (LibreOffice, .odt) : enregistrez-le au "
                "format « Word 2007-365 (.docx) »"))])
    return data


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003's file, and encrypted ones
WORD_FORMAT = ("au format Word (Word : Fichier › Enregistrer sous › « Document Word "
               "(*.docx) » ; LibreOffice : Fichier › Enregistrer sous… › « Word 2007-365 "
               "(.docx) »)")
SAVE_AS_DOCX = f"ouvrez-le et enregistrez-le {WORD_FORMAT}, sans mot de passe"
# Formats a template may have been saved in by mistake, which the build does not read.
OTHER_FORMATS = {".odt": "OpenDocument (.odt)", ".ott": "modèle OpenDocument (.ott)",
                 ".fodt": "OpenDocument (.fodt)", ".doc": "Word 97-2003 (.doc)",
                 ".dot": "modèle Word 97-2003 (.dot)", ".dotx": "modèle Word (.dotx)",
                 ".docm": "Word avec macros (.docm)", ".dotm": "modèle Word avec macros (.dotm)",
                 ".rtf": "RTF (.rtf)"}


def other_formats(path: Path) -> list[tuple[Path, str]]:
    """The files beside the template `path` of its name in another format (« compte-
    rendu.odt »), with that format's name: saved there, an edit never reaches the build."""
    try:
        names = sorted(entry.name for entry in path.parent.iterdir())
    except OSError:
        return []
    found = []
    for name in names:
        other = path.parent / name
        kind = OTHER_FORMATS.get(other.suffix.lower())
        if kind and other.stem == path.stem:
            found.append((other, kind))
    return found


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
