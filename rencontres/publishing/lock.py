"""One build at a time per output folder.

The lock is the system's own lock on the open file `.verrou`: it goes with the process
that holds it, even one killed outright, so there is never a stale lock to remove by
hand. `fcntl.flock` on Linux and macOS, `msvcrt.locking` on Windows.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..errors import OutputError, Problem, display_path, system_error

try:
    import fcntl
except ImportError:  # Windows
    # Not `sys.platform`: the tests that play Windows on Linux take fcntl away, nothing else.
    fcntl = None  # type: ignore[assignment]  # the module's absence, tested where it is used
    import msvcrt

LOCK_FILE = ".verrou"


def _try_lock(handle: IO[str]) -> bool:
    """Take the lock without waiting; False when another process holds it."""
    if fcntl is not None:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    # Windows locks a range of bytes of the file: its first byte, whatever it holds.
    handle.seek(0)  # type: ignore[unreachable]  # Windows: mypy checks as on Linux, which has fcntl
    try:
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _unlock(handle: IO[str]) -> None:
    if fcntl is not None:
        fcntl.flock(handle, fcntl.LOCK_UN)
    else:
        handle.seek(0)  # type: ignore[unreachable]  # Windows: mypy checks as on Linux, which has fcntl
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)


@contextmanager
def build_lock(output_dir: Path) -> Iterator[None]:
    """One build at a time per output folder; a second one stops with a clear message."""
    global _held_descriptor
    path = output_dir / LOCK_FILE
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")  # noqa: SIM115 - closed by the « with handle » below
    except OSError as error:
        if output_dir.exists() and not output_dir.is_dir():
            raise OutputError([Problem(display_path(output_dir), None, None,
                                       "c'est un fichier, là où les documents ont leur "
                                       "dossier : renommez-le ou déplacez-le")]) from None
        raise OutputError([Problem(display_path(path), None, None,
                                   f"écriture impossible : {system_error(error)}")]) from None
    with handle:
        if not _try_lock(handle):
            raise OutputError([Problem(
                display_path(path), None, None,
                "une autre construction est en cours dans ce dossier ; "
                "attendez qu'elle se termine puis relancez")])
        try:
            # The holder's process id, for whoever looks: written after the lock is
            # taken, never over the id of a build that holds it.
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            _held_descriptor = handle.fileno()
            yield
        finally:
            _held_descriptor = None
            _unlock(handle)


_held_descriptor: int | None = None


def close_inherited_lock() -> None:
    """In a worker forked during a build: close its copy of the lock's descriptor. The
    lock belongs to the open file, which every copy shares: a worker outliving a build
    killed outright would hold it, and every later build would be refused. (A spawned
    worker, the only kind on Windows, inherits no descriptor: nothing to close.)"""
    global _held_descriptor
    if _held_descriptor is not None:
        with contextlib.suppress(OSError):
            os.close(_held_descriptor)
        _held_descriptor = None
