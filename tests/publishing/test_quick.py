"""A build with nothing to do is told from the digests of the files (publishing/quick.py):
it says exactly what the real build says, imports none of the content model, YAML,
Jinja or Word, and any change leaves the decision to the real build."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rencontres.cli import main
from rencontres.publishing import state
from rencontres.publishing.quick import RECORD_FILE

REPO = Path(__file__).resolve().parents[2]
RECORD = Path("output", RECORD_FILE)
HDF = Path("content/2021/territoires/hauts-de-france.yaml")
HEAVY = ("pydantic", "yaml", "jinja2", "docx", "docxtpl", "matplotlib", "numpy", "PIL")


def _cli(cwd: Path, *argv: str) -> tuple[str, str, set[str]]:
    """Output, errors (without -X importtime's lines) and the modules imported."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "rencontres", *argv],
                          cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines(keepends=True)
    imported = {line.split("|")[-1].strip() for line in lines if line.startswith("import time:")}
    errors = "".join(line for line in lines if not line.startswith("import time:"))
    return done.stdout, errors, {name.split(".")[0] for name in imported}


def _with_warnings_of_every_kind() -> None:
    """A file not read (the content's warning), a character the charts' font lacks
    (what rendering says: once, when the chart is drawn, as a picture: the template's
    votes chart is a picture here, not a Word chart)."""
    from support.templates import make_template

    make_template(Path("templates/compte-rendu.docx"), ["{{ territoire.nom }}",
                                                        "{{ graphique_votes }}"])
    Path("content/2021/territoires/notes.txt").write_text("à relire\n", "utf-8")
    text = HDF.read_text("utf-8").replace("  - libelle: Gouvernance\n",
                                          '  - libelle: "Gouvernance 🚆"\n', 1)
    HDF.write_text(text.replace("    themes_votes: [Gouvernance]\n",
                                '    themes_votes: ["Gouvernance 🚆"]\n', 1), "utf-8")


@pytest.mark.parametrize("argv, where", [
    ((), "."),
    (("--verbose",), "."),
    (("--territoire", "hauts-de-france", "--edition", "2021", "-v"), "."),
    (("--quiet",), "content/2021/territoires"),
])
def test_nothing_to_do_says_what_the_real_build_says_without_reading_the_content(
        in_project, argv, where, capsys, monkeypatch):
    _with_warnings_of_every_kind()
    cwd = in_project / where
    monkeypatch.chdir(cwd)  # the first build, in this process: what it remembers counts
    assert main(list(argv)) == 0
    assert "graphique : le caractère « 🚆 »" in capsys.readouterr().err
    monkeypatch.chdir(in_project)
    # Told from what the build that drew the charts remembered...
    quick_out, quick_err, quick_imports = _cli(cwd, *argv)
    RECORD.unlink()
    # ...and from what the real build with nothing to do remembers.
    real_out, real_err, real_imports = _cli(cwd, *argv)
    again = _cli(cwd, *argv)
    assert "pydantic" in real_imports
    assert (quick_out, quick_err) == (real_out, real_err) == again[:2]
    assert quick_imports.isdisjoint(HEAVY) and again[2].isdisjoint(HEAVY)
    assert "notes.txt: fichier « notes.txt » ignoré" in quick_err
    assert "🚆" not in quick_err
    if "--quiet" not in argv:
        assert quick_out.endswith(" Rien à reconstruire.\n")


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[str, str]:
    assert main(list(argv)) == 0
    captured = capsys.readouterr()
    return captured.out, captured.err


def _add_a_file() -> None:
    Path("content/2021/territoires/notes.txt").write_text("à relire\n", "utf-8")


def _edit_the_content() -> None:
    HDF.write_text(HDF.read_text("utf-8").replace("Encourager les jeunes", "Aider les jeunes",
                                                  1), "utf-8")


def _delete_an_output() -> None:
    Path("output/2021/manifeste.csv").unlink()


def _change_an_output() -> None:
    with open("output/2021/synthese-2021.docx", "ab") as stream:
        stream.write(b"\0")


def _add_a_folder() -> None:
    Path("content/2022 ").mkdir()


@pytest.mark.parametrize("change, said", [
    (_add_a_file, "Avertissement : content/2021/territoires/notes.txt: fichier « notes.txt » "
                  "ignoré : seuls les fichiers « .yaml » sont lus ; renommez-le « notes.yaml »"),
    (_add_a_folder, "Avertissement : content/2022 : dossier « 2022⟨espace⟩ » ignoré"),
    (_edit_the_content, "Construit : output/2021/compte-rendu-2021-hauts-de-france.docx"),
    (_delete_an_output, "Écrit : output/2021/manifeste.csv"),
    (_change_an_output, "Construit : output/2021/synthese-2021.docx"),
])
def test_a_change_since_the_last_build_is_left_to_the_real_build(in_project, capsys, change,
                                                                 said):
    run(capsys, "--jobs", "1")
    run(capsys)
    change()
    out, err = run(capsys, "--jobs", "1")
    assert said in out + err


def test_a_forced_build_rebuilds_even_with_nothing_to_do(in_project, capsys):
    run(capsys, "--jobs", "1")
    out, _ = run(capsys, "--force", "--jobs", "1")
    assert "Résumé : 2 documents construits, 0 à jour, 8 ignorés." in out


def test_another_version_of_the_tool_rebuilds(in_project, capsys, monkeypatch):
    run(capsys, "--jobs", "1")
    monkeypatch.setattr(state, "_tool_version", "0.0.0+autre")
    out, _ = run(capsys, "--jobs", "1")
    assert "Résumé : 2 documents construits, 0 à jour, 8 ignorés." in out


@pytest.mark.parametrize("damage", ["{", "[]", '{"x": 1}', "null"])
def test_a_damaged_record_is_left_to_the_real_build_which_writes_it_again(in_project, capsys,
                                                                          damage):
    run(capsys, "--jobs", "1")
    out, _ = run(capsys, "--verbose")
    RECORD.write_text(damage, "utf-8")
    assert run(capsys, "--verbose")[0] == out
    entries = json.loads(RECORD.read_text("utf-8"))
    assert [json.loads(key)[1:] for key in entries] == [[None, [], False, False]]


def test_with_another_build_running_the_real_build_says_so(in_project, capsys):
    run(capsys, "--jobs", "1")
    with open("output/.verrou", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        assert main([]) == 1
    assert "une autre construction est en cours dans ce dossier" in capsys.readouterr().err


def test_the_tools_version_covers_its_data_files_too(tmp_path, monkeypatch):
    """An update that changes only the map's borders must rebuild the synthesis."""
    import shutil

    copy = tmp_path / "rencontres"
    shutil.copytree(REPO / "rencontres", copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(state, "__file__", str(copy / "publishing" / "state.py"))
    monkeypatch.setattr(state, "_tool_version", None)
    before = state.tool_version()
    borders = copy / "documents" / "data" / "frontieres.json"
    borders.write_bytes(borders.read_bytes().replace(b"]", b"] ", 1))
    monkeypatch.setattr(state, "_tool_version", None)
    assert state.tool_version() != before


SPECIAL_FILES = [
    "Avertissement : content/attente: ce n'est pas un fichier ordinaire (un tube, un "
    "périphérique, ou un lien vers l'un d'eux) : il est ignoré ; supprimez-le",
    "Avertissement : templates/ancien.docx: ce n'est pas un fichier ordinaire (un tube, un "
    "périphérique, ou un lien vers l'un d'eux) : il est ignoré ; supprimez-le"]


def _limited_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def test_a_fifo_or_a_link_to_dev_zero_neither_blocks_nor_exhausts_the_build(in_project,
                                                                             capsys):
    """The fast path read every file under content/ and templates/: a FIFO blocked every
    build for ever, a template linked to /dev/zero ended in a MemoryError."""
    os.mkfifo("content/attente")
    Path("templates/ancien.docx").symlink_to("/dev/zero")
    for _ in ("the real build", "a build with nothing to do"):
        done = subprocess.run([sys.executable, "-m", "rencontres", "--jobs", "1",
                               "--territoire", "hauts-de-france"],
                              cwd=in_project, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(REPO)},
                              preexec_fn=_limited_memory)
        assert done.returncode == 0, done.stderr
        assert done.stderr.splitlines() == SPECIAL_FILES
    assert done.stdout.splitlines()[-1].endswith("Rien à reconstruire.")
    assert main(["verifier"]) == 0
    assert capsys.readouterr().err.splitlines() == SPECIAL_FILES


def test_a_content_file_that_is_a_fifo_is_refused_by_name(in_project, capsys):
    """It was passed over in silence, and `verifier` said the content was valid."""
    Path("content/2021/territoires/ardennes.yaml").unlink()
    os.mkfifo("content/2021/territoires/ardennes.yaml")
    assert main(["verifier"]) == 1
    assert capsys.readouterr().err.splitlines()[:2] == [
        "Vérification échouée : 1 problème",
        "  content/2021/territoires/ardennes.yaml: ce n'est pas un fichier ordinaire : "
        "remplacez-le par le fichier de contenu lui-même"]


def test_the_fast_path_reads_content_files_under_the_limit_of_the_real_build():
    from rencontres.content.source import MAX_FILE_BYTES
    from rencontres.publishing.quick import READ_LIMITS

    assert READ_LIMITS[".yaml"] == READ_LIMITS[".yml"] == MAX_FILE_BYTES
