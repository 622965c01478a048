"""Charts drawn by earlier builds, kept in the output folder by what they draw."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

from .output import write_atomic
from .state import tool_version


class ChartCache:
    """A folder of PNG files named by the digest of the tool and of what they draw."""

    def __init__(self, directory: Path):
        self.directory = directory

    def png(self, drawing: str, draw: Callable[[], bytes]) -> bytes:
        key = hashlib.sha256(f"{tool_version()}\n{drawing}".encode()).hexdigest()
        path = self.directory / f"{key}.png"
        try:
            return path.read_bytes()
        except OSError:
            png = draw()
            write_atomic(path, png)
            return png
