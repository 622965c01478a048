"""Every console example of the documentation is run, and prints what it shows.

A ```console block of README.md or docs/*.md that starts with `$ ` is an example: a command
and its output. Either it comes right after the ```sh block holding that very command (the
documents' commands are run in order by test_docs.py, which compares that output), or the
line before it names how to reach the state it shows, in a comment the reader does not see:

    <!-- exemple : cle-inconnue -->

The name is one of SETUPS below: a damage done to a fresh copy of the example project
(a key misspelt, LibreOffice taken away, the lock held…). The command is then run there
and its output compared line for line, « … » standing for any number of lines, with the
times of day and the preview's port made alike.
"""

from __future__ import annotations

import os
import queue
import re
import shlex
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_docs import DOCUMENTS, REPO, all_blocks, matches

MARKER = re.compile(r"<!--\s*exemple\s*:\s*(?P<name>[\w-]+)\s*-->\s*$")
TIME = re.compile(r"\[\d\d:\d\d:\d\d\]")
PORT = re.compile(r"http://127\.0\.0\.1:\d+/")
TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Example:
    document: Path
    line: int
    command: list[str]  # as typed, without the leading `$ `
    output: list[str]
    setup: str | None  # None: right after its ```sh block
    after_sh: bool

    def __str__(self) -> str:
        return f"{self.document.relative_to(REPO)}:{self.line}"


def examples(document: Path) -> list[Example]:
    text_lines = document.read_text("utf-8").splitlines()
    found = []
    previous = None
    for block in all_blocks(document):
        lines = block.body.splitlines()
        if block.lang == "console" and lines and lines[0].startswith("$ "):
            command = shlex.split(lines[0][2:])
            before = next((line for line in reversed(text_lines[:block.line - 1]) if line.strip()),
                          "")
            marker = MARKER.match(before.strip())
            after_sh = previous is not None and previous.lang == "sh" and \
                any(shlex.split(part) == command
                    for line in previous.body.splitlines() for part in re.split(r"&&|;", line)
                    if part.strip())
            found.append(Example(document, block.line, command, lines[1:],
                                 marker.group("name") if marker else None, after_sh))
        previous = block
    return found


ALL = [example for document in DOCUMENTS for example in examples(document)]
MARKED = [example for example in ALL if example.setup is not None]


# --- How each example's state is reached, on a fresh copy of the project ------------------

def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{path.name} no longer holds {old!r}: update the example's setup"
    path.write_text(text.replace(old, new, 1), "utf-8")


def _report(project: Path) -> Path:
    return project / "content" / "2021" / "territoires" / "hauts-de-france.yaml"


def misspelt_key(project: Path) -> None:
    _replace(_report(project), "\n  total: 35\n", "\n  totale: 35\n")


def misspelt_key_and_unquoted_text(project: Path) -> None:
    misspelt_key(project)
    _replace(_report(project), '- "Eau : prendre en compte les enjeux de pollution"',
             "- Eau : prendre en compte les enjeux de pollution")


def bad_indentation(project: Path) -> None:
    _replace(project / "content" / "referentiel.yaml",
             "\n    pays: [FR, BE, UK]\n    carte:\n", "\n    pays: [FR, BE, UK]\n   carte:\n")


def new_edition_unfilled(project: Path) -> None:
    from rencontres.cli import main

    assert main(["--projet", str(project), "nouvelle-edition", "2022"]) == 0


def template_damage(damage: Callable) -> Callable[[Path], None]:
    def setup(project: Path) -> None:
        import docx
        from test_docs import _body_paragraphs

        path = project / "templates" / "compte-rendu.docx"
        document = docx.Document(str(path))
        damage(_body_paragraphs(document))
        document.save(str(path))
    return setup


def _template_breaks() -> dict[str, Callable[[Path], None]]:
    from test_docs import TEMPLATE_BREAKS

    return {name: template_damage(damage) for name, damage in TEMPLATE_BREAKS}


SETUPS: dict[str, Callable[[Path], None]] = {
    "cle-inconnue": misspelt_key,
    "cle-inconnue-et-texte-sans-guillemets": misspelt_key_and_unquoted_text,
    "indentation-incoherente": bad_indentation,
    "nouvelle-edition-a-remplir": new_edition_unfilled,
    "sans-libreoffice": lambda project: None,  # the command runs with no soffice on PATH
    "construction-en-cours": lambda project: None,  # the command runs while the lock is held
    "hors-du-projet": lambda project: None,  # the command runs from the project's parent
    "apercu": lambda project: None,  # started, a file saved, then stopped
    "saisie": lambda project: None,  # started, stopped once its addresses are told
    **_template_breaks(),
}


# --- Running a command as the reader typed it ----------------------------------------------

def normalised(lines: list[str], project: Path) -> list[str]:
    text = "\n".join(lines).replace(str(project) + os.sep, "").replace(str(project), ".")
    return PORT.sub("http://127.0.0.1:8000/", TIME.sub("[HH:MM:SS]", text)).splitlines()


def as_run_here(command: list[str]) -> list[str]:
    """The typed command with this Python and the repository's build.py (the copy of the
    project has only its content, templates and docs)."""
    assert command[0] in ("python", "python3", "py") and Path(command[1]).name == "build.py", \
        command
    return [sys.executable, str(REPO / "build.py"), *command[2:]]


def run(command: list[str], cwd: Path, environment: dict[str, str] | None = None) -> list[str]:
    done = subprocess.run(as_run_here(command), cwd=cwd, capture_output=True,
                          text=True, timeout=TIMEOUT_SECONDS,
                          env=dict(os.environ, **(environment or {})))
    return (done.stderr + done.stdout).splitlines()


def run_in_process(arguments: list[str], project: Path, capsys: pytest.CaptureFixture[str],
                   monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from rencontres.cli import main

    monkeypatch.chdir(project)
    capsys.readouterr()
    main(arguments)
    captured = capsys.readouterr()
    return (captured.err + captured.out).splitlines()


def run_preview(command: list[str], project: Path, lines_wanted: int) -> list[str]:
    """`apercu` on a free port; a file saved right after the first build (before the watch
    may have started: the preview must see it all the same); stopped after the line the
    example shows last."""
    process = subprocess.Popen([*as_run_here(command), "--port", "0", "--jobs", "1"],
                               cwd=project, env=dict(os.environ, PYTHONUNBUFFERED="1"),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line.rstrip("\n")) for line in process.stdout],
                     daemon=True).start()
    read: list[str] = []
    try:
        while len(read) < lines_wanted:
            read.append(lines.get(timeout=TIMEOUT_SECONDS))
            if len(read) == 2:  # the first build is done: a chargé de mission saves a file
                _replace(_report(project), "          - Énergie\n",
                         "          - Énergie renouvelable\n")
    except queue.Empty:
        read.append(f"(nothing more after {TIMEOUT_SECONDS} s)")
    finally:
        process.terminate()
        process.wait(timeout=30)
    return read


def run_entry_form(command: list[str], project: Path, lines_wanted: int) -> list[str]:
    """`saisie` on free ports, stopped once it has told the lines the example shows
    (its addresses: the preview's first build is `apercu`'s example)."""
    process = subprocess.Popen([*as_run_here(command), "--port", "0", "--port-apercu", "0",
                                "--jobs", "1"],
                               cwd=project, env=dict(os.environ, PYTHONUNBUFFERED="1"),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    try:
        return [process.stdout.readline().rstrip("\n") for _ in range(lines_wanted)]
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("example", MARKED, ids=str)
def test_a_console_example_prints_what_it_shows(example, project, capsys, monkeypatch):
    SETUPS[example.setup](project)
    command = example.command
    arguments = command[2:]
    if example.setup == "apercu":
        output = run_preview(command, project, len(example.output))
    elif example.setup == "saisie":
        output = run_entry_form(command, project, len(example.output))
    elif example.setup == "hors-du-projet":
        output = run(command, project.parent)
    elif example.setup == "sans-libreoffice":
        output = run(command, project, {"PATH": str(Path(sys.executable).parent)})
    elif example.setup == "construction-en-cours":
        from rencontres.publishing.lock import build_lock

        with build_lock(project / "output"):
            output = run(command, project)
    else:
        assert command[:2] == ["python", "build.py"], example
        output = run_in_process(arguments, project, capsys, monkeypatch)
    output = normalised(output, project)
    expected = normalised(example.output, project)
    assert matches(expected, output), (
        f"{example}: « {' '.join(command)} » no longer prints what the example shows:\n"
        + "\n".join(output))


def test_every_console_example_is_run():
    """An example neither after its ```sh block nor naming its setup would be text nobody
    checks: name it here."""
    unchecked = [str(example) for example in ALL if example.setup is None and not example.after_sh]
    unknown = [f"{example}: {example.setup}" for example in MARKED if example.setup not in SETUPS]
    assert not unchecked, f"console examples that no test runs: {unchecked}"
    assert not unknown, f"unknown setups: {unknown}"
    assert len(ALL) >= 15, len(ALL)


def test_a_wrong_example_is_seen(project, capsys, monkeypatch):
    """The comparison can fail: a misspelt key shown with the wrong line."""
    misspelt_key(project)
    output = run_in_process(["verifier"], project, capsys, monkeypatch)
    assert matches(["Vérification échouée : 2 problèmes", "…"], output)
    assert not matches(["Vérification échouée : 2 problèmes",
                        "  content/2021/territoires/hauts-de-france.yaml:9:1: …"], output)


def test_times_and_paths_are_made_alike(tmp_path):
    lines = [f"[14:03:12] Écrit : {tmp_path / 'output' / 'a.docx'}",
             "Aperçu : http://127.0.0.1:41327/ (…)"]
    assert normalised(lines, tmp_path) == [
        f"[HH:MM:SS] Écrit : {Path('output') / 'a.docx'}",
        "Aperçu : http://127.0.0.1:8000/ (…)"]
