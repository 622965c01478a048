"""Write outputs atomically; a failure never leaves a half-written file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..errors import OutputError, Problem, display_path, system_error

OPEN_ELSEWHERE = ("le fichier est ouvert dans Word (ou dans un autre programme), ou en "
                  "lecture seule : fermez le document dans Word puis relancez")


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename over it."""
    # The temporary name is known before the file exists, so that a signal coming at
    # any point (even inside the call that creates it) never leaves it behind. Its
    # process id keeps parallel writers apart; the build lock keeps builds apart.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    written = False
    try:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            written = True
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as error:
        # The folder took the new file and the old one refused to give up its place:
        # on Windows, the document is open in Word (or read-only).
        reason = (OPEN_ELSEWHERE if written and isinstance(error, PermissionError)
                  else f"écriture impossible : {system_error(error)}")
        raise OutputError([Problem(display_path(path), None, None, reason)]) from None


def user_cache(name: str) -> Path:
    """A folder of the user's cache (the same on every project): %LOCALAPPDATA% on
    Windows, $XDG_CACHE_HOME or ~/.cache elsewhere."""
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rencontres" / name


def remove_leftover_temporaries(folder: Path) -> None:
    """Remove the temporary files of a build that was killed outright (SIGKILL, power
    cut), the one case where it could not clean up after itself."""
    for leftover in folder.rglob(".*.tmp"):
        if leftover.is_dir():  # a distribution's folder being written (write_new_folder)
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
    for leftover in folder.glob(".pdf-*"):  # a PDF conversion's folder (pdf.WORK_PREFIX)
        shutil.rmtree(leftover, ignore_errors=True)


def write_new_folder(target: Path, files: dict[Path, bytes]) -> None:
    """Create the folder `target` holding `files` (paths inside it), all at once: they
    are written into a hidden folder beside it, renamed into place once every one is
    written. A failure (a full disk) leaves no half-made folder that the next attempt
    would take for a finished one."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):  # of a killed attempt
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        try:
            for path, data in files.items():
                destination = temporary / path.relative_to(target)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with open(destination, "wb") as stream:
                    stream.write(data)
                    stream.flush()
                    os.fsync(stream.fileno())
            os.rename(temporary, target)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
    except OSError as error:
        raise OutputError([Problem(display_path(target), None, None,
                                   f"écriture impossible : {system_error(error)} ; "
                                   "rien n'a été créé")]) from None
