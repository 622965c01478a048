"""LibreOffice headless, run safely: where it is, which one it is, its profiles, and
the processes it starts, which end with the build even when the build is killed.

A profile holds settings, macros and the events they are bound to: one planted where a
colleague can write (the shared project folder) would run at the next build. The
profiles are kept in the user's cache, in a folder only the user can write, each used
by one LibreOffice at a time; before each start, its settings are written anew with
macros disabled, whatever the profile holds.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Protocol

from ..errors import OutputError, Problem
from .lock import try_lock, unlock
from .output import (
    NotRegularFile,
    open_regular,
    private_folder,
    user_cache,
    write_atomic,
)

CANDIDATES = ("soffice", "libreoffice")
PROFILES = "libreoffice"  # the folder of the user's cache
OLD_PROFILES = ".cache/libreoffice"  # in output/, where earlier versions kept them
PROCESSES = 2  # one LibreOffice converts on one core: the batch is shared between two
MAX_PROFILES = 16  # kept in the user's cache (builds of several projects at once)

# A profile's settings, written before each start: macros never run, whatever is
# bound to the application's events (MacroSecurityLevel 3 « very high », and macros
# disabled altogether; the bindings a stranger could have written are dropped).
SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse">\
<value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""

# Run beside the LibreOffice of a build: when the build ends without saying so (killed
# outright), its standard input closes, and it stops them and all they started.
# Interrupts are for the build, which stops them itself, then says so.
_GUARD = """
import os, signal, subprocess, sys
for name in ("SIGINT", "SIGHUP"):
    if hasattr(signal, name):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
if sys.stdin.buffer.read() != b"fini":
    for pid in map(int, sys.argv[1:]):
        if os.name == "nt":
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True)
        else:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
"""


def find_libreoffice() -> str | None:
    found = next((found for name in CANDIDATES if (found := shutil.which(name))), None)
    if found is None and os.name == "nt":
        # Its Windows installer does not put it on the PATH.
        folders = {os.environ.get(name) for name in ("ProgramFiles", "ProgramFiles(x86)")}
        found = next((str(program) for folder in sorted(filter(None, folders))
                      if (program := Path(folder, "LibreOffice", "program", "soffice.exe"))
                      .is_file()), None)
    return found


def libreoffice_identity(program: str | None) -> str:
    """Which LibreOffice lays out and converts, and with which fonts: its program's
    place, size and date, which its update changes (asking it its version would cost a
    start), and the font files it can find. A font installed or removed changes the
    pages and the PDFs of the documents that use it."""
    if program is None:
        return "absent"
    binary = Path(program).resolve()
    try:
        status = binary.stat()
    except OSError:
        return str(binary)
    return f"{binary}:{status.st_size}:{status.st_mtime_ns}:{_fonts_identity()}"


def _font_folders() -> list[Path]:
    """Where the system and the user keep fonts (those LibreOffice brings are in its
    program's folder, which its identity covers)."""
    home = Path.home()
    if os.name == "nt":
        local = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return [Path(os.environ.get("WINDIR", r"C:\Windows"), "Fonts"),
                Path(local, "Microsoft", "Windows", "Fonts")]
    if sys.platform == "darwin":
        return [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library" / "Fonts"]
    data = os.environ.get("XDG_DATA_HOME") or str(home / ".local" / "share")
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path(data, "fonts"),
            home / ".fonts"]


def _fonts_identity() -> str:
    """A digest of every font file's place, size and date (a few hundred files, read in
    milliseconds)."""
    listing = hashlib.sha256()
    for folder in _font_folders():
        for place, _, names in sorted(os.walk(folder)):
            for name in sorted(names):
                with contextlib.suppress(OSError):
                    status = os.stat(os.path.join(place, name))
                    listing.update(f"{place}/{name}:{status.st_size}:{status.st_mtime_ns}\n"
                                   .encode("utf-8", "surrogateescape"))
    return listing.hexdigest()[:16]


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


def processes_for(documents: int) -> int:
    """How many LibreOffice share a batch: never more than the processors."""
    return max(1, min(PROCESSES, os.cpu_count() or 1, documents))


@contextlib.contextmanager
def profiles(count: int, work: Path, output_dir: Path) -> Iterator[list[Path]]:
    """`count` profiles, each held for one LibreOffice: kept in the user's cache (a
    LibreOffice started again does not create its profile again, about a second), and
    private, so that a LibreOffice open on the desktop does not swallow the conversion;
    fresh ones in `work` when the cache is not the user's own or all are in use. The
    profiles kept in `output_dir` by earlier versions, where a colleague could plant a
    macro, are removed."""
    old = output_dir / OLD_PROFILES
    if old.is_symlink():
        old.unlink()
    shutil.rmtree(old, ignore_errors=True)
    folder = user_cache(PROFILES)
    with contextlib.ExitStack() as held:
        kept: list[Path] = []
        if private_folder(folder):
            for number in range(1, MAX_PROFILES + 1):
                if len(kept) == count:
                    break
                handle = _hold(folder / f"profil-{number}.verrou")
                if handle is not None:
                    held.callback(_release, handle)
                    kept.append(folder / f"profil-{number}")
        fresh = [work / f"profil-{number}" for number in range(len(kept) + 1, count + 1)]
        yield kept + fresh


def _hold(path: Path) -> IO[bytes] | None:
    """The lock of a profile, or None when another LibreOffice uses it."""
    try:
        handle = os.fdopen(open_regular(path, os.O_RDWR | os.O_CREAT, 0o600), "r+b")
    except (NotRegularFile, OSError):
        return None
    if try_lock(handle):
        return handle
    handle.close()
    return None


def _release(handle: IO[bytes]) -> None:
    with handle:
        unlock(handle)


def disable_macros(profile: Path) -> None:
    """The profile's settings written anew: macros never run. (A file or a link where
    the profile should be is removed: LibreOffice then makes a new one.)"""
    if profile.is_symlink() or (profile.exists() and not profile.is_dir()):
        profile.unlink()
    (profile / "user").mkdir(parents=True, exist_ok=True)
    write_atomic(profile / "user" / "registrymodifications.xcu", SETTINGS.encode("utf-8"))


class Office(Protocol):
    """A LibreOffice kept running (kept_office.py)."""

    def convert(self, documents: list[Path], work: Path, target: str, timeout: float) -> bool:
        ...


_kept: Office | None = None


def keep(office: Office | None) -> None:
    """The LibreOffice kept running that this process's conversions go to first."""
    global _kept
    _kept = office


def keeping() -> bool:
    """Whether a LibreOffice kept running takes this process's conversions."""
    return _kept is not None


def run(program: str, work: Path, documents: list[Path], target: str,
        profile_folders: list[Path], timeout: float, what: str) -> None:
    """Convert `documents` into `work` (`target`: LibreOffice's filter and its options),
    by the LibreOffice kept running if there is one, else one LibreOffice per profile,
    each on its share of the batch; OutputError naming `what` (« conversion », « mise
    en page ») when they have not all ended within `timeout` seconds. They end with the
    build, however it ends."""
    if _kept is not None and _kept.convert(documents, work, target, timeout):
        return
    count = len(profile_folders)
    processes: list[subprocess.Popen[bytes]] = []
    watcher: subprocess.Popen[bytes] | None = None
    try:
        for number, profile in enumerate(profile_folders):
            disable_macros(profile)
            command = [program, f"-env:UserInstallation={profile.resolve().as_uri()}",
                       "--headless", "--convert-to", target, "--outdir", str(work),
                       *map(str, documents[number::count])]
            # In UTC, the creation date has one length whatever the machine's zone. In
            # a session of its own, so that it ends with all it started (below).
            processes.append(subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, env={**os.environ, "TZ": "UTC"},
                start_new_session=True))
        watcher = guard(processes)
        deadline = time.monotonic() + timeout
        for process in processes:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        raise OutputError([Problem("--pdf", None, None,
                                   f"LibreOffice ne répond plus : {what} interrompue après "
                                   f"{round(timeout)} s")]) from None
    finally:
        for process in processes:
            if process.poll() is None:  # stopped by a timeout or an interrupt
                stop(process)
        if watcher is not None:
            with contextlib.suppress(OSError):
                watcher.communicate(b"fini")


def guard(processes: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes] | None:
    """The guard of `processes` (_GUARD); none when Python cannot be started again (an
    embedded interpreter): the build then stops them itself, unless killed outright."""
    try:
        return subprocess.Popen([sys.executable, "-I", "-S", "-c", _GUARD,
                                 *(str(process.pid) for process in processes)],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    except OSError:
        return None


def stop(process: subprocess.Popen[bytes]) -> None:
    """A LibreOffice and what it started (soffice starts soffice.bin): on Windows, its
    process tree; elsewhere, its session's process group. (getattr: killpg and SIGKILL
    exist only where that branch runs.)"""
    if os.name == "nt":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)],
                       capture_output=True, check=False)
    else:
        with contextlib.suppress(OSError):
            # Read by name: Windows' os and signal have neither (test_windows reads for them).
            getattr(os, "killpg")(process.pid, getattr(signal, "SIGKILL"))  # noqa: B009
    process.wait()
