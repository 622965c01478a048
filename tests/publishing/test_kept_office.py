"""A LibreOffice kept running for `apercu` and `saisie` (publishing/kept_office.py): the
same PDFs as a LibreOffice started for each conversion, one start for many
conversions, and nothing left running after the command, even killed outright."""

from __future__ import annotations

import datetime
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest
from support.processes import running

from rencontres.errors import OutputError
from rencontres.publishing import kept_office, libreoffice, pdf

PUBLISHED = datetime.date(2021, 12, 31)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The 2021 example's two documents, built without LibreOffice."""
    from rencontres.cli import main

    root = tmp_path_factory.mktemp("garde") / "projet"
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    assert main(["--quiet", "--projet", str(root)]) == 0
    return sorted((root / "output" / "2021").glob("*.docx"))


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[list[str]]:
    """The commands of every process started, in a user cache of the test's own (no PDF
    taken from the cache: each conversion is made)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    commands: list[list[str]] = []
    popen = subprocess.Popen

    def recorded(command, *args, **kwargs):
        commands.append([str(part) for part in command])
        return popen(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", recorded)
    return commands


def drawn(exported: bytes) -> list[tuple[bytes, list[tuple[str, tuple[float, ...]]]]]:
    """What each page draws, and its links (text and place): the same pages, whichever
    order LibreOffice wrote the PDF's objects in (a kept one orders its links its own way)."""
    with pikepdf.open(io.BytesIO(exported)) as opened:
        pages = []
        for page in opened.pages:
            contents = page.obj.Contents
            streams = contents if isinstance(contents, pikepdf.Array) else [contents]
            links = sorted((str(link.get("/Contents", "")), tuple(float(x) for x in link.Rect))
                           for link in page.obj.get("/Annots", []))
            pages.append((b"".join(stream.read_bytes() for stream in streams), links))
        return pages


def forget_exports(tmp_path: Path) -> None:
    shutil.rmtree(tmp_path / "cache" / "rencontres" / "exports-pdf", ignore_errors=True)


def test_one_libreoffice_converts_again_and_again_the_same_pdfs(documents, started,
                                                                tmp_path):
    assert kept_office.uno_python(libreoffice.require_libreoffice()) is not None, \
        "LibreOffice's Python (paquet python3-uno sous Debian) est introuvable"
    started_cold = pdf.convert(documents, tmp_path, PUBLISHED)
    assert any("--convert-to" in command for command in started)
    started.clear()
    with kept_office.kept_running():
        for _ in range(2):
            forget_exports(tmp_path)
            kept_pdfs = pdf.convert(documents, tmp_path, PUBLISHED)
            assert {document: drawn(data) for document, data in kept_pdfs.items()} == {
                document: drawn(data) for document, data in started_cold.items()}
            assert not any((tmp_path / "cache" / "rencontres" / "exports-pdf").iterdir())
        office = libreoffice._kept
        assert isinstance(office, kept_office.KeptOffice)
        kept = [process.pid for process in office.processes]
    assert not any("--convert-to" in command for command in started)
    assert sum(any(part.startswith("--accept=pipe") for part in command)
               for command in started) == 1
    assert not any(running(pid) for pid in kept)
    assert libreoffice._kept is None


def test_a_document_it_cannot_export_is_left_to_a_libreoffice_of_its_own(documents, started,
                                                                        tmp_path):
    damaged = tmp_path / "abime.docx"
    damaged.write_bytes(b"PK\x03\x04 pas un document")
    with kept_office.kept_running():
        with pytest.raises(OutputError) as caught:
            pdf.convert([damaged], tmp_path, PUBLISHED)
        assert [problem.message for problem in caught.value.problems] == [
            "LibreOffice n'a pas pu le convertir en PDF"]
        assert sum("--convert-to" in command for command in started) >= 1  # then tried alone
        office = libreoffice._kept
        assert isinstance(office, kept_office.KeptOffice) and not office.processes
        started.clear()
        forget_exports(tmp_path)
        assert set(pdf.convert(documents[:1], tmp_path, PUBLISHED)) == set(documents[:1])
        assert not any("--convert-to" in command for command in started)  # kept again
        assert office.processes


def test_without_libreoffices_python_each_conversion_starts_its_own(documents, started,
                                                                    tmp_path, monkeypatch):
    monkeypatch.setattr(kept_office, "uno_python", lambda program: None)
    with kept_office.kept_running():
        assert set(pdf.convert(documents[:1], tmp_path, PUBLISHED)) == set(documents[:1])
    assert sum("--convert-to" in command for command in started) == 1


KILLED = """
import sys, datetime
from pathlib import Path
from rencontres.errors import OutputError
from rencontres.publishing import kept_office, libreoffice, pdf
with kept_office.kept_running():
    pdf.convert([Path(sys.argv[1])], Path(sys.argv[2]), datetime.date(2021, 12, 31))
    print(" ".join(str(process.pid) for process in libreoffice._kept.processes), flush=True)
    sys.stdin.read()
"""


def test_a_command_killed_outright_leaves_no_libreoffice(documents, tmp_path):
    command = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(documents[0]), str(tmp_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"),
             "PYTHONPATH": str(REPO)})
    assert command.stdout is not None
    pids = [int(pid) for pid in command.stdout.readline().split()]
    assert len(pids) == 2 and all(running(pid) for pid in pids)
    command.send_signal(signal.SIGKILL)
    command.wait()
    deadline = time.monotonic() + 30
    while any(running(pid) for pid in pids):
        assert time.monotonic() < deadline, "LibreOffice gardé survit à la commande tuée"
        time.sleep(0.1)
