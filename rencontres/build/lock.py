"""One build at a time per output folder."""

from __future__ import annotations

import contextlib
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import OutputError, Problem, display_path, system_error

LOCK_FILE = ".verrou"


@contextmanager
def build_lock(output_dir: Path) -> Iterator[None]:
    """One build at a time per output folder; a second one stops with a clear message."""
    global _held_descriptor
    path = output_dir / LOCK_FILE
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")
    except OSError as error:
        if output_dir.exists() and not output_dir.is_dir():
            raise OutputError([Problem(display_path(output_dir), None, None,
                                       "c'est un fichier, là où les documents ont leur "
                                       "dossier : renommez-le ou déplacez-le")]) from None
        raise OutputError([Problem(display_path(path), None, None,
                                   f"écriture impossible : {system_error(error)}")]) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError([Problem(
                display_path(path), None, None,
                "une autre construction est en cours dans ce dossier ; "
                "attendez qu'elle se termine puis relancez")]) from None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            _held_descriptor = handle.fileno()
            yield
        finally:
            _held_descriptor = None
            fcntl.flock(handle, fcntl.LOCK_UN)


_held_descriptor: int | None = None


def close_inherited_lock() -> None:
    """In a worker forked during a build: close its copy of the lock's descriptor. The
    lock belongs to the open file, which every copy shares: a worker outliving a build
    killed outright would hold it, and every later build would be refused."""
    global _held_descriptor
    if _held_descriptor is not None:
        with contextlib.suppress(OSError):
            os.close(_held_descriptor)
        _held_descriptor = None
