"""The package has the shape of the pipeline: one sub-package per stage, data flowing
one way (content → documents → word → publishing → cli), no import cycle anywhere.

Every import counts, those inside functions and under TYPE_CHECKING too: a late
import is still a dependency."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "rencontres"

# Lower ranks never import higher ones; the foundation (errors, the version) is below all.
RANKS = {
    "rencontres": 0,
    "rencontres.errors": 0,
    "rencontres.environment": 0,
    "rencontres.content": 1,
    "rencontres.documents": 2,
    "rencontres.word": 3,
    "rencontres.publishing": 4,
    "rencontres.cli": 5,
    "rencontres.__main__": 6,
}
STAGES = ("content", "documents", "word", "publishing")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that `name` imports, anywhere in its code."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[:len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            # `from package import module` imports the module, not only the package.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target in known and target != name)
    return found


def import_graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(name, path, set(found)) for name, path in found.items()}


def rank(module: str) -> int:
    while module not in RANKS:
        module = module.rpartition(".")[0]
    return RANKS[module]


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{module} → {target}" for module, targets in graph.items()
                  for target in targets if rank(target) > rank(module))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle():
    assert cycles(import_graph()) == []


def test_no_stage_imports_a_later_one():
    assert upward_imports(import_graph()) == []


def test_the_checks_see_a_cycle_and_an_upward_import():
    graph = {"rencontres.content.a": {"rencontres.word.b"},
             "rencontres.word.b": {"rencontres.content.a"}}
    assert cycles(graph) == [["rencontres.content.a", "rencontres.word.b"]]
    assert upward_imports(graph) == ["rencontres.content.a → rencontres.word.b"]


def test_late_and_relative_imports_are_seen():
    graph = import_graph()
    # Inside a function, `from ..documents import charts`: the module, not the package.
    assert "rencontres.documents.charts" in graph["rencontres.publishing.workers"]
    assert "rencontres.content.loading" in graph["rencontres.publishing.plan"]


def test_one_sub_package_per_stage_and_few_modules_at_the_top():
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "cli.py", "environment.py", "errors.py"]
    for stage in STAGES:
        docstring = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text()))
        assert docstring and "→" in docstring, stage  # says what it takes and gives


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "projet"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    return root


VALID = "Contenu et modèles valides : 2 éditions, 18 fichiers de territoire, 2 modèles.\n"


def test_python_dash_m_works_from_a_folder_inside_the_project(tmp_path):
    root = _project(tmp_path)
    inside = root / "content" / "2021" / "territoires"
    result = subprocess.run([sys.executable, "-m", "rencontres", "verifier"], cwd=inside,
                            capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert (result.returncode, result.stdout, result.stderr) == (0, VALID, "")


def test_the_installed_script_works_from_a_folder_inside_the_project(tmp_path):
    (script,) = [entry for entry in metadata.entry_points(group="console_scripts")
                 if entry.name == "rencontres"]
    assert script.value == "rencontres.cli:main"
    executable = shutil.which("rencontres", path=os.pathsep.join(
        [str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    assert executable, "pip install -e . installe la commande « rencontres »"
    root = _project(tmp_path)
    result = subprocess.run([executable, "verifier"], cwd=root / "templates",
                            capture_output=True, text=True)
    assert (result.returncode, result.stdout, result.stderr) == (0, VALID, "")
    usage = subprocess.run([executable, "--aide-inconnue"], cwd=root,
                           capture_output=True, text=True)
    assert usage.stderr.startswith("utilisation : rencontres ")


@pytest.mark.parametrize("where", ["", "content", "content/2021/territoires"])
def test_the_project_is_found_from_any_folder_inside_it(tmp_path, where):
    from rencontres.cli import project_root

    root = _project(tmp_path)
    assert project_root(root / where).resolve() == root.resolve()


def test_outside_any_project_the_working_folder_is_kept(tmp_path):
    from rencontres.cli import project_root

    assert project_root(tmp_path) == tmp_path
