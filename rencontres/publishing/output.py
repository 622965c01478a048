"""Write outputs atomically (a failure never leaves a half-written file), and read back
only regular files.

Nothing written follows a link: a file is created anew (O_EXCL) and renamed into place,
and a file that is there already is replaced only when it is a regular file. Every
descriptor is binary: on Windows, one opened without O_BINARY turns each LF written
into CR LF, which would damage every DOCX, PDF, zip and PNG.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
from pathlib import Path

from ..errors import OutputError, Problem, display_path, system_error

OPEN_ELSEWHERE = ("le fichier est ouvert dans Word (ou dans un autre programme), ou en "
                  "lecture seule : fermez le document dans Word puis relancez")
NOT_REGULAR = ("ce n'est pas un fichier ordinaire (c'est un lien ou un fichier spécial) : "
               "supprimez-le ou déplacez-le, puis relancez")

# getattr: O_BINARY exists only on Windows, O_NOFOLLOW and O_NONBLOCK only elsewhere.
BINARY = getattr(os, "O_BINARY", 0)
NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
NO_WAIT = getattr(os, "O_NONBLOCK", 0)  # a FIFO met where a file should be: no hang
READ_CHUNK = 1 << 20
ANY_SIZE = 1 << 62  # read_regular's limit for the tool's own outputs


class NotRegularFile(OSError):
    """A link or a special file where the tool reads or writes a file."""


def open_regular(path: Path, flags: int, mode: int = 0o644) -> int:
    """A binary descriptor on the regular file `path` (created when `flags` say so),
    opened without following a link and without waiting on a FIFO; never truncated by
    the opening. NotRegularFile for a link or a special file (IsADirectoryError, as
    the system says, for a folder)."""
    if not NO_FOLLOW and os.path.islink(path):  # Windows: no O_NOFOLLOW, so a look first
        raise NotRegularFile(path)
    try:
        descriptor = os.open(path, flags | BINARY | NO_FOLLOW | NO_WAIT, mode)
    except OSError as error:
        if os.path.islink(path):  # O_NOFOLLOW's ELOOP
            raise NotRegularFile(path) from None
        raise error
    kind = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(kind):
        os.close(descriptor)
        if stat.S_ISDIR(kind):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        raise NotRegularFile(path)
    if NO_WAIT and hasattr(os, "set_blocking"):
        os.set_blocking(descriptor, True)
    return descriptor


def read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of the regular file `path` when it has at most `limit` of them; None
    for a link to a special file, a FIFO, a folder, a larger file. OSError when it
    cannot be read."""
    try:
        descriptor = os.open(path, os.O_RDONLY | BINARY | NO_WAIT)
    except IsADirectoryError:
        return None
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > limit:
            return None
        chunks, size = [], 0
        while size <= limit and (chunk := stream.read(READ_CHUNK)):  # grown since?
            chunks.append(chunk)
            size += len(chunk)
    return b"".join(chunks) if size <= limit else None


def read_file(path: Path, limit: int = ANY_SIZE) -> bytes:
    """The bytes of the regular file `path`; OSError (NotRegularFile for a FIFO, a
    device, a larger file) otherwise: what the tool reads back of what it wrote is never
    waited on for ever, or read without end."""
    data = read_regular(path, limit)
    if data is None:
        raise NotRegularFile(path)
    return data


def create_new(path: Path) -> int:
    """A descriptor on a new file `path`, written in binary; whatever held that name
    (a temporary file left by a killed build, or a link planted there) is removed
    first, never written through."""
    with contextlib.suppress(FileNotFoundError):
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | BINARY | NO_FOLLOW, 0o644)


def refuse_unless_regular(path: Path) -> None:
    """OutputError naming `path` when a link or a special file holds its name: the
    tool replaces files, never links or devices (a folder: the rename says so)."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as error:
        raise OutputError([Problem(display_path(path), None, None,
                                   f"écriture impossible : {system_error(error)}")]) from None
    if not (stat.S_ISREG(status.st_mode) or stat.S_ISDIR(status.st_mode)):
        raise OutputError([Problem(display_path(path), None, None, NOT_REGULAR)])


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename over it; OutputError when
    `path` is not a regular file."""
    # The temporary name is known before the file exists, so that a signal coming at
    # any point (even inside the call that creates it) never leaves it behind. Its
    # process id keeps parallel writers apart; the build lock keeps builds apart.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    written = False
    refuse_unless_regular(path)
    try:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = create_new(temporary)
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


def private_folder(folder: Path) -> bool:
    """Whether `folder` (created when missing, readable and writable by the user only)
    and the one above it are the user's own: real folders, not links, and, where the
    system says who owns what, owned by the user and writable by nobody else. What
    another account could write there must never be run or trusted."""
    owner = getattr(os, "getuid", None)  # POSIX only
    try:
        folder.parent.parent.mkdir(parents=True, exist_ok=True)
        for level in (folder.parent, folder):
            with contextlib.suppress(FileExistsError):
                os.mkdir(level, 0o700)
            status = os.lstat(level)
            if not stat.S_ISDIR(status.st_mode):
                return False
            if owner is not None and (status.st_uid != owner() or status.st_mode & 0o022):
                return False
    except OSError:
        return False
    return True


def remove_leftover_temporaries(folder: Path) -> None:
    """Remove the temporary files of a build that was killed outright (SIGKILL, power
    cut), the one case where it could not clean up after itself."""
    for leftover in [*folder.rglob(".*.tmp"), *folder.glob(".pdf-*")]:
        # a distribution's folder being written (write_new_folder), a PDF conversion's
        # folder (pdf.WORK_PREFIX); a link is removed, never followed
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def new_folder(folder: Path) -> None:
    """Create `folder`, empty: whatever held its name (left by a killed build, or a
    link planted there) is removed first, never followed."""
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    else:
        shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    os.mkdir(folder)


def write_new_folder(target: Path, files: dict[Path, bytes]) -> None:
    """Create the folder `target` holding `files` (paths inside it), all at once: they
    are written into a hidden folder beside it, renamed into place once every one is
    written. A failure (a full disk) leaves no half-made folder that the next attempt
    would take for a finished one."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):  # of a killed attempt
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
    try:
        try:
            new_folder(temporary)
            for path, data in files.items():
                destination = temporary / path.relative_to(target)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with os.fdopen(create_new(destination), "wb") as stream:
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
