"""Reliability: no template, no interruption, no second build corrupts a document.

1. Broken Word templates. Each folder of scenarios/modeles/ holds a small `modele.docx`,
   its kind (`type.txt`: compte-rendu or synthese) and, when the template is broken,
   `attendu.txt`: the exact report of `check_templates`, run from the scenario's folder.
   The same template put in a copy of the project stops the build before anything is
   written: exit code 1, the same problems on stderr, no traceback, output/ unchanged.
2. Interrupted builds (SIGTERM, SIGINT) leave no temporary file and no half-written
   document; a second build at the same time is refused.
3. Every document of the example content converts to a PDF that has pages.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest

from docx_text import paragraphs
from rencontres.cli import main
from rencontres.errors import TemplateError
from rencontres.state import LOCK_FILE, build_lock
from rencontres.template_check import check_templates
from templates import make_template

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = Path(__file__).resolve().parent / "scenarios" / "modeles"
NAMES = sorted(path.name for path in SCENARIOS.iterdir() if path.is_dir())
BROKEN = [name for name in NAMES if (SCENARIOS / name / "attendu.txt").is_file()]
VALID = [name for name in NAMES if name not in BROKEN]
KINDS = ("compte-rendu", "synthese")
NOT_WRITTEN = "Aucun document n'a été écrit ; les documents déjà présents sont intacts."
REPORT = Path("output/2021/compte-rendu-2021-hauts-de-france.docx")
SYNTHESIS = Path("output/2021/synthese-2021.docx")


def kind_of(name: str) -> str:
    return (SCENARIOS / name / "type.txt").read_text(encoding="utf-8").strip()


def expected_report(name: str) -> str:
    return (SCENARIOS / name / "attendu.txt").read_text(encoding="utf-8").rstrip("\n")


def snapshot(folder: Path) -> dict[str, str]:
    """Digest of every file under `folder` (hidden ones too) but the lock, whose
    content is the pid of the last build."""
    if not folder.exists():
        return {}
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*"))
            if path.is_file() and path.name != LOCK_FILE}


def copy_project(destination: Path) -> Path:
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, destination / folder)
    return destination


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project, built once: the « previous outputs » of the tests."""
    root = copy_project(tmp_path_factory.mktemp("construit") / "projet")
    assert main(["--jobs", "1", "--quiet", "--projet", str(root)]) == 0
    return root


@pytest.fixture
def rebuilt(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the built project, made the working directory."""
    root = tmp_path / "projet"
    shutil.copytree(built, root)
    monkeypatch.chdir(root)
    return root


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- 1. broken Word templates ---------------------------------------------------------

def test_template_scenarios_are_complete():
    assert len(BROKEN) >= 25
    for name in NAMES:
        assert kind_of(name) in KINDS, name
        size = (SCENARIOS / name / "modele.docx").stat().st_size
        assert 0 < size < 4096, name  # tiny, hand-made packages
    assert VALID == ["champ-coupe-en-gras"]


@pytest.mark.parametrize("name", BROKEN)
def test_template_scenario_report(name: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(SCENARIOS / name)
    with pytest.raises(TemplateError) as caught:  # anything else (a traceback) fails
        check_templates({Path("modele.docx"): kind_of(name)})
    assert caught.value.report() == expected_report(name)


@pytest.mark.parametrize("name", BROKEN)
def test_expected_template_reports_are_well_formed(name: str):
    title, *lines = expected_report(name).splitlines()
    count = len(lines)
    assert title == f"Modèle Word invalide : {count} problème{'s' if count > 1 else ''}"
    for line in lines:
        assert line.startswith("  modele.docx: "), line
        # French words only: no Python or Jinja message leaks through.
        assert not any(word in line for word in ("Traceback", "Error", "error", "expected",
                                                  "line ", "file ", "object")), line


def _in_project(name: str, report: str) -> list[str]:
    """The scenario's report as the build prints it: the template under templates/."""
    target = f"templates/{kind_of(name)}.docx"
    return [line.replace("  modele.docx: ", f"  {target}: ", 1)
            for line in report.splitlines()]


@pytest.mark.parametrize("name", BROKEN)
def test_build_with_a_broken_template_writes_nothing(name, rebuilt, capsys):
    before = snapshot(rebuilt / "output")
    assert before  # documents, manifest, bundle, build state, charts cache
    shutil.copyfile(SCENARIOS / name / "modele.docx", rebuilt / "templates" / f"{kind_of(name)}.docx")

    code, out, err = run(capsys, "--jobs", "1", "--projet", str(rebuilt))
    assert (code, out) == (1, "")
    assert err.splitlines() == _in_project(name, expected_report(name)) + [NOT_WRITTEN]
    assert "Traceback" not in err
    assert snapshot(rebuilt / "output") == before

    # `verifier` names the same problems.
    code, out, err = run(capsys, "verifier", "--projet", str(rebuilt))
    assert (code, out) == (1, "")
    assert err.splitlines()[1:] == _in_project(name, expected_report(name))[1:]

    # Without previous outputs, nothing appears in output/ but the lock.
    shutil.rmtree(rebuilt / "output")
    code, out, err = run(capsys, "--jobs", "2", "--force", "--projet", str(rebuilt))
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == NOT_WRITTEN
    assert [p.name for p in (rebuilt / "output").rglob("*")] == [LOCK_FILE]


def test_field_split_across_runs_half_bold_is_recognised(rebuilt, capsys):
    """Word cuts « {{ territory.name }} » into runs when part of it is formatted: the
    checker reads the paragraph's text, docxtpl merges the runs, and the value takes
    the formatting of the run where « {{ » begins (the bold of « name » is dropped)."""
    name = "champ-coupe-en-gras"
    with zipfile.ZipFile(SCENARIOS / name / "modele.docx") as package:
        xml = package.read("word/document.xml").decode("utf-8")
    assert "<w:b/>" in xml and "{{ territory.name }}" not in xml  # really split
    check_templates({SCENARIOS / name / "modele.docx": kind_of(name)})

    shutil.copyfile(SCENARIOS / name / "modele.docx", rebuilt / "templates" / "compte-rendu.docx")
    code, out, err = run(capsys, "--jobs", "1", "--projet", str(rebuilt))
    assert code == 0, err
    assert "Construit : output/2021/compte-rendu-2021-hauts-de-france.docx" in out
    assert paragraphs(REPORT) == ["Territoire : Hauts-de-France", "2021"]
    first = docx.Document(str(REPORT)).paragraphs[0]
    assert [(run.text, run.bold) for run in first.runs] == [("Territoire : Hauts-de-France",
                                                             None)]


# Templates the checker accepts but that fail on rendering: the document fails with a
# French message, keeps its previous version, and the others are still built.
@pytest.mark.parametrize("line, message", [
    ("{{ territory.name() }}", "une balise du modèle ne peut pas être calculée "
                               "(TypeError : 'str' object is not callable)"),
    ("{{ report.participants.total / 0 }}", "une balise du modèle ne peut pas être calculée "
                                            "(ZeroDivisionError : division by zero)"),
    ("{{ edition.year + territory.name }}", "une balise du modèle ne peut pas être calculée "
     "(TypeError : unsupported operand type(s) for +: 'int' and 'str')"),
    ("{{ report.sections[99].title }}", "champ inconnu (list object has no element 99)"),
    ("{{ territory.name.format.__self__ }}", "expression interdite (accès à un attribut "
     "interne « _ ») : un modèle ne peut lire que les champs listés par « champs »"),
])
def test_template_failing_on_rendering_keeps_the_previous_version(line, message, rebuilt,
                                                                   capsys):
    previous = REPORT.read_bytes()
    make_template(Path("templates/compte-rendu.docx"), ["{{ territory.name }}", line])
    code, out, err = run(capsys, "--jobs", "1", "--force", "--projet", str(rebuilt))
    assert code == 1
    assert "Traceback" not in err
    if "interne" in message:  # refused by the checker, before rendering
        assert err.splitlines()[1].endswith(message)
        assert out == ""
    else:
        assert err.splitlines()[:3] == [
            "Échec : output/2021/compte-rendu-2021-hauts-de-france.docx "
            "(version précédente conservée)",
            "Modèle Word invalide : 1 problème",
            f"  templates/compte-rendu.docx: {message}",
        ]
        assert "Construit : output/2021/synthese-2021.docx" in out
    assert REPORT.read_bytes() == previous
