"""Shared fixtures: a private copy of the project for each test that builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.collection import remember
from support.once import made_once, shared_folder

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = Path(__file__).resolve().parent / "scenarios"


def pytest_itemcollected(item: pytest.Item) -> None:
    remember(item)


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The user's cache (page layouts of tables of contents, the map's background), one
    for the whole run and never the real one: every test and the processes it starts
    share it, and so do pytest-xdist's workers (whose temporary folders are siblings)."""
    import os

    folder = shared_folder(tmp_path_factory) / "cache-utilisateur"
    folder.mkdir(exist_ok=True)
    os.environ["XDG_CACHE_HOME"] = os.environ["LOCALAPPDATA"] = str(folder)
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the repository's content/ and templates/ in a temporary folder."""
    root = tmp_path / "projet"
    for folder in ("content", "templates", "docs"):
        shutil.copytree(REPO / folder, root / folder)
    return root


@pytest.fixture
def in_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Same copy, made the working directory: messages then show relative paths."""
    monkeypatch.chdir(project)
    return project


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory, user_cache: Path) -> dict[str, Path]:
    """Every edition shape of tests/support/corpus.py, built once with --pdf: the output
    folder of each shape's edition, by shape name. Built once for the whole run: the
    first pytest-xdist worker to need it builds it, the others wait for it."""
    import json
    import time

    from support.corpus import build_corpus

    def build(folder: Path) -> None:
        started = time.monotonic()
        folders = build_corpus(folder)
        (folder / "formes.json").write_text(
            json.dumps({name: str(path) for name, path in folders.items()}), "utf-8")
        print(f"\ncorpus des formes d'édition construit en {time.monotonic() - started:.1f} s")

    folder = made_once(shared_folder(tmp_path_factory) / "formes", build,
                       "le corpus des formes d'édition", timeout=900)
    written = json.loads((folder / "formes.json").read_text("utf-8"))
    return {name: Path(path) for name, path in written.items()}


@pytest.fixture(scope="session")
def libreoffice_templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped templates opened and saved as .docx by a real headless LibreOffice,
    once per run (a few seconds)."""
    from support.saved_templates import libreoffice_saved

    return libreoffice_saved(shared_folder(tmp_path_factory))


@pytest.fixture(scope="session")
def python_docx_templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped templates opened and saved by python-docx, once per run."""
    from support.saved_templates import python_docx_saved

    return python_docx_saved(shared_folder(tmp_path_factory))
