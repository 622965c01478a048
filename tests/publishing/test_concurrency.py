"""A build and the world around it: a file saved while the build reads it, a build
killed outright. The build state never records a document as current when it was
built from other bytes, and a killed build never blocks the next one."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.docx_text import paragraphs
from support.processes import children, running

from rencontres.cli import main
from rencontres.publishing import pipeline

REPO = Path(__file__).resolve().parents[2]
HDF = "content/2021/territoires/hauts-de-france.yaml"
REPORT = "output/2021/compte-rendu-2021-hauts-de-france.docx"
TITLE, SAVED_TITLE = "  - titre: Mobilité\n", "  - titre: Mobilité douce\n"


def build(project: Path, capsys, *options: str) -> tuple[int, str, str]:
    code = main(["--projet", str(project), "--jobs", "1", *options])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_content_file_saved_while_the_build_reads_it_is_rebuilt_next_time(
        project, monkeypatch, capsys):
    """An editor's auto-save between the reading of the content and the end of the
    build: the document is made from the text read, and recorded as such."""
    hdf = project / HDF
    assert TITLE in hdf.read_text("utf-8")
    read = pipeline.load_content

    def read_then_saved(*args, **kwargs):
        content = read(*args, **kwargs)
        hdf.write_text(hdf.read_text("utf-8").replace(TITLE, SAVED_TITLE), "utf-8")
        return content

    monkeypatch.setattr(pipeline, "load_content", read_then_saved)
    code, out, err = build(project, capsys)
    assert code == 0, err
    assert "Mobilité" in paragraphs(project / REPORT)
    assert "Mobilité douce" not in paragraphs(project / REPORT)

    monkeypatch.undo()
    code, out, err = build(project, capsys)
    assert code == 0, err
    assert f"Construit : {project / REPORT}" in out.splitlines()
    assert "Mobilité douce" in paragraphs(project / REPORT)
    code, out, err = build(project, capsys)
    assert out.splitlines()[-1].endswith("Rien à reconstruire.")


def test_a_template_saved_while_the_build_reads_it_is_rebuilt_next_time(
        project, monkeypatch, capsys):
    template = project / "templates" / "compte-rendu.docx"
    assert build(project, capsys)[0] == 0
    read = pipeline.read_template
    other = (project / "templates" / "synthese.docx").read_bytes()

    def read_then_saved(path):
        data = read(path)
        if path == template:
            template.write_bytes(other)  # saved again, as something else entirely
        return data

    monkeypatch.setattr(pipeline, "read_template", read_then_saved)
    code, out, err = build(project, capsys, "--force")
    assert code == 0, err
    monkeypatch.undo()
    code, out, err = build(project, capsys)
    # The template now on disk is the synthesis's: checked, it is refused. It was not
    # taken for the one the document was built from.
    assert code == 1
    assert "Rien à reconstruire" not in out + err
    assert "templates/compte-rendu.docx" in err


def _synthetic_project(root: Path, territories: int) -> Path:
    spec = importlib.util.spec_from_file_location("synthetic", REPO / "bench" / "synthetic.py")
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    return synthetic.make_project(root, territories)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_a_parallel_build_killed_outright_leaves_no_worker_and_no_lock(tmp_path):
    root = _synthetic_project(tmp_path / "projet", 40)
    command = [sys.executable, "-m", "rencontres", "--projet", str(root), "--jobs", "2", "-q"]
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    killed = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(workers := children(killed.pid)) < 2:
        assert killed.poll() is None, "the build ended before its workers were seen"
        assert time.monotonic() < deadline, "no worker started"
        time.sleep(0.05)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()

    again = subprocess.run(command, env=environment, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr
    assert "une autre construction est en cours" not in again.stderr
    deadline = time.monotonic() + 5
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in workers if running(pid)] == []
