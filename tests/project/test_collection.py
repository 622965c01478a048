"""Every test file is collected: pytest skips folders it takes for output or tooling
(`build`, `dist`, `venv`, hidden ones) without a word."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.collection import COLLECTED, uncollected


def test_every_test_file_under_the_folders_asked_for_is_collected(request: pytest.FixtureRequest):
    asked = [Path(argument.split("::")[0]) for argument in request.config.args]
    asked = [path if path.is_absolute() else Path(request.config.invocation_params.dir) / path
             for path in asked]
    missing = uncollected(asked, request.config.stash.get(COLLECTED, set()))
    assert not missing, f"test files that gave no test: {[str(path) for path in missing]}"


def test_a_file_in_a_folder_pytest_skips_is_named(tmp_path: Path):
    kept = tmp_path / "tests" / "publishing" / "test_pdf.py"
    skipped = tmp_path / "tests" / "build" / "test_lock.py"
    for path in (kept, skipped, tmp_path / "tests" / "support" / "helpers.py"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", "utf-8")
    assert uncollected([tmp_path / "tests"], {kept.resolve()}) == [skipped.resolve()]
    assert uncollected([kept], set()) == []  # a file asked for by name: pytest's own check


def test_pytest_still_skips_a_folder_named_build(pytestconfig: pytest.Config):
    """Why the stage's tests are not in tests/build/ (and the stage not called build)."""
    assert "build" in pytestconfig.getini("norecursedirs")
