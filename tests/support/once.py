"""What a test run makes once and every pytest-xdist worker reads: a folder built by the
first process to ask, the others waiting for it to say how it went."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's folder that every pytest-xdist worker sees (their own are its children)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def made_once(folder: Path, make: Callable[[Path], None], what: str,
              timeout: float = 600) -> Path:
    """`folder`, made by `make(folder)` in the first process to ask; the others wait for
    its outcome, and fail as it failed (never by waiting out `timeout` for nothing)."""
    outcome = folder.with_name(f"{folder.name}.fait")
    try:
        folder.mkdir()
    except FileExistsError:
        deadline = time.monotonic() + timeout
        while not outcome.is_file():
            assert time.monotonic() < deadline, f"{what} : pas prêt après {timeout:.0f} s"
            time.sleep(0.2)
        assert outcome.read_text("utf-8") == "ok", f"{what} : échec dans un autre processus"
        return folder
    result = "échec"
    try:
        make(folder)
        result = "ok"
    finally:
        written = outcome.with_suffix(".tmp")
        written.write_text(result, "utf-8")
        os.replace(written, outcome)
    return folder
