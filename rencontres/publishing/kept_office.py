"""A LibreOffice kept running for the conversions of a long-lived command (`apercu`,
`saisie`): each start costs seconds, which the preview would pay at every save.

It listens on a private pipe and is driven through its UNO bridge by office_bridge.py,
run by LibreOffice's own Python (the `uno` module is not the tool's: LibreOffice's
Python on Windows and macOS, the system's python3 with python3-uno on Linux). Its
profile is one of the build's profiles, held for its whole life, macros disabled; it
ends with the command, and its guard stops it if the command is killed outright.
Anything wrong — no such Python, no answer in time, a document it could not export —
and it is stopped: the conversion is then done the usual way, by a LibreOffice
started for it (libreoffice.run)."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

from . import libreoffice

BRIDGE = Path(__file__).with_name("office_bridge.py")
START_SECONDS = 60
_numbers = itertools.count(1)


def uno_python(program: str) -> str | None:
    """A Python that has LibreOffice's `uno` module, or None."""
    folder = Path(program).resolve().parent
    candidates = [folder / "python.exe", folder / "python",  # Windows; LibreOffice's own
                  folder.parent / "Resources" / "python"]  # macOS
    if os.name != "nt":
        candidates.append(Path(shutil.which("python3", path="/usr/bin:/bin") or "python3"))
    for candidate in candidates:
        if not candidate.is_file():
            continue
        try:
            found = subprocess.run([str(candidate), "-I", "-c", "import uno"],
                                   capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if found.returncode == 0:
            return str(candidate)
    return None


class KeptOffice:
    """LibreOffice and its bridge, started on the first conversion."""

    def __init__(self, program: str):
        self.program = program
        self.held = contextlib.ExitStack()
        self.processes: list[subprocess.Popen[bytes]] = []
        self.guard: subprocess.Popen[bytes] | None = None
        self.answers: queue.Queue[bytes] = queue.Queue()
        self.failed = False
        self.lock = threading.Lock()  # one conversion at a time

    def convert(self, documents: list[Path], work: Path, target: str, timeout: float) -> bool:
        """Export `documents` into `work` as `target` (« pdf:Filter:{options} »); False
        (and stopped) when it cannot: the caller converts them itself."""
        with self.lock:
            return not self.failed and self._convert(documents, work, target, timeout)

    def _convert(self, documents: list[Path], work: Path, target: str, timeout: float) -> bool:
        try:
            if not self.processes:
                self._start()
        except (OSError, ValueError, AttributeError, queue.Empty):
            self.stop()
            self.failed = True  # no Python with uno, or a LibreOffice that never listened
            return False
        try:
            extension, _, rest = target.partition(":")
            name, _, options = rest.partition(":")
            values = {key: option["value"] == "true" if option["type"] == "boolean"
                      else option["value"] for key, option in
                      (json.loads(options) if options else {}).items()}
            for document in documents:
                request = {"source": str(document.resolve()), "filter": name, "options": values,
                           "target": str((work / document.with_suffix(f".{extension}").name)
                                         .resolve())}
                self._send(request)
                if json.loads(self.answers.get(timeout=timeout)).get("ok") is not True:
                    raise OSError("export refused")
            return True
        except (OSError, ValueError, KeyError, AttributeError, queue.Empty):
            self.stop()  # started again for the next conversion
            return False

    def _start(self) -> None:
        python = uno_python(self.program)
        if python is None:
            raise OSError("no Python with uno")
        work = Path(self.held.enter_context(tempfile.TemporaryDirectory(prefix="libreoffice-")))
        [profile] = self.held.enter_context(libreoffice.profiles(1, work, work))
        libreoffice.disable_macros(profile)
        pipe = f"rencontres-{os.getpid()}-{next(_numbers)}"
        self.processes.append(subprocess.Popen(
            [self.program, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
             "--invisible", "--norestore", "--nologo", f"--accept=pipe,name={pipe};urp;"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "TZ": "UTC"}, start_new_session=True))
        bridge = subprocess.Popen([python, "-I", str(BRIDGE), pipe], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        self.processes.append(bridge)
        self.guard = libreoffice.guard(self.processes)
        assert bridge.stdout is not None
        threading.Thread(target=self._read, args=(bridge.stdout,), daemon=True).start()
        if json.loads(self.answers.get(timeout=START_SECONDS)).get("pret") is not True:
            raise OSError("bridge not ready")

    def _read(self, answers: IO[bytes]) -> None:
        for line in answers:
            self.answers.put(line)

    def _send(self, request: Mapping[str, object]) -> None:
        stdin = self.processes[-1].stdin
        assert stdin is not None
        stdin.write(json.dumps(request).encode("utf-8") + b"\n")
        stdin.flush()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                libreoffice.stop(process)
        if self.guard is not None:
            with contextlib.suppress(OSError):
                self.guard.communicate(b"fini")
        self.processes, self.guard = [], None
        self.answers = queue.Queue()  # what a stopped bridge said is not for the next
        self.held.close()


@contextlib.contextmanager
def kept_running() -> Iterator[None]:
    """The conversions of this process go to one LibreOffice kept running, stopped at
    the end (the command's)."""
    program = libreoffice.find_libreoffice()
    if program is None:
        yield
        return
    office = KeptOffice(program)
    libreoffice.keep(office)
    try:
        yield
    finally:
        libreoffice.keep(None)
        office.stop()

