"""`python3 build.py` and `python3 tests` on a Python without the tool's libraries
(rencontres/environment.py): an environment of the tool's own, in the user's cache."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from rencontres import environment

REPO = Path(__file__).resolve().parents[2]


def requirement_names(list_name: str) -> set[str]:
    """The names of a list of pyproject.toml (read without tomllib, which Python 3.10,
    Ubuntu 22.04's, lacks)."""
    text = (REPO / "pyproject.toml").read_text("utf-8")
    body = re.search(rf"^{list_name} = \[(.*?)\]", text, re.M | re.S)
    assert body, list_name
    return {re.split(r"[<>=!~\[]", requirement)[0].strip().lower()
            for requirement in re.findall(r'"([^"]+)"', body.group(1))}


def test_the_libraries_looked_for_are_pyproject_s():
    assert set(environment.LIBRARIES) == requirement_names("dependencies")
    assert set(environment.TEST_LIBRARIES) == requirement_names("test")


def test_it_needs_nothing_but_the_standard_library():
    tree = ast.parse((REPO / "rencontres" / "environment.py").read_text("utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and not node.level}
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


def test_a_python_with_every_library_runs_the_tool_itself(tmp_path):
    assert environment.prepare(tmp_path, test=True) is None


def test_a_library_in_a_missing_package_is_missing_not_an_error(monkeypatch):
    """« ruamel.yaml » on a Python without « ruamel »: find_spec raised, and
    `python3 build.py` stopped with a traceback on Debian's own Python."""
    monkeypatch.setattr(environment, "LIBRARIES", {"ruamel.yaml": "paquet_absent.yaml"})
    assert environment.missing_libraries(test=False) == ["ruamel.yaml"]


@pytest.fixture
def lacking(monkeypatch, tmp_path):
    """A Python that lacks a library; the user's cache in tmp_path; installs recorded."""
    monkeypatch.setitem(environment.LIBRARIES, "absente", "module_absent_de_ce_python")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "cache"))
    installs: list[tuple[Path, bool]] = []
    monkeypatch.setattr(environment, "_install",
                        lambda folder, python, root, test: installs.append((folder, test)))
    project = tmp_path / "projet"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n", "utf-8")
    return project, installs


def test_the_environment_is_made_in_the_user_cache_not_in_the_project(lacking, tmp_path):
    project, installs = lacking
    python = environment.prepare(project, test=False)
    folder = environment.environment_folder(project)
    assert installs == [(folder, False)]
    assert folder.is_relative_to(tmp_path / "cache" / "rencontres" / "environnements")
    assert python == environment.environment_python(folder)
    assert [path.name for path in project.iterdir()] == ["pyproject.toml"]


def test_a_ready_environment_is_used_and_made_again_when_pyproject_changes(lacking):
    project, installs = lacking
    folder = environment.environment_folder(project)
    python = environment.environment_python(folder)
    python.parent.mkdir(parents=True)
    python.write_bytes(b"")
    (folder / environment.STAMP).write_text(environment._stamp(project, False), "utf-8")
    assert environment.prepare(project, test=False) == python
    assert installs == []
    # The test libraries are not there yet: installed on top.
    environment.prepare(project, test=True)
    assert installs == [(folder, True)]
    (project / "pyproject.toml").write_text("[project]\nname = 'y'\n", "utf-8")
    environment.prepare(project, test=False)
    assert installs == [(folder, True), (folder, False)]


def test_a_python_without_venv_support_is_told_what_to_install(lacking, monkeypatch, capsys):
    project, _ = lacking
    monkeypatch.undo()  # the real _install, with ensurepip missing
    monkeypatch.setitem(environment.LIBRARIES, "absente", "module_absent_de_ce_python")
    monkeypatch.setenv("XDG_CACHE_HOME", str(project.parent / "cache"))
    real_find_spec = environment.importlib.util.find_spec
    monkeypatch.setattr(environment.importlib.util, "find_spec",
                        lambda name: None if name == "ensurepip" else real_find_spec(name))
    assert environment.launch(project, test=False, argv=["build.py"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "Installation impossible : Ce Python ne sait pas créer d'environnement virtuel "
        "(module ensurepip absent). Sous Debian ou Ubuntu : sudo apt install python3-venv, "
        "puis relancez.")
