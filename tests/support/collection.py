"""Which test files a run collected: a test file pytest leaves out (a folder named `build`
or `dist`, a name it does not match) would pass silently by never running."""

from __future__ import annotations

from pathlib import Path

import pytest

COLLECTED = pytest.StashKey[set[Path]]()


def remember(item: pytest.Item) -> None:
    """Called for each test collected, before any `-k` or `-m` leaves it out."""
    item.config.stash.setdefault(COLLECTED, set()).add(Path(item.path).resolve())


def uncollected(asked: list[Path], collected: set[Path]) -> list[Path]:
    """The test files under the folders a run was asked for that gave no test."""
    files = {path.resolve() for folder in asked if folder.is_dir()
             for path in folder.rglob("test_*.py")}
    return sorted(files - collected)
