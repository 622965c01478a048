"""Charts drawn by earlier builds, kept in the output folder by what they draw."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

from .output import write_atomic
from .state import tool_version

# A whole PNG file starts with its signature and ends with its IEND chunk.
PNG_START = b"\x89PNG\r\n\x1a\n"
PNG_END = b"IEND\xaeB`\x82"


class ChartCache:
    """A folder of PNG files named by the digest of the tool and of what they draw."""

    def __init__(self, directory: Path):
        self.directory = directory

    def png(self, drawing: str, draw: Callable[[], bytes]) -> bytes:
        key = hashlib.sha256(f"{tool_version()}\n{drawing}".encode()).hexdigest()
        path = self.directory / f"{key}.png"
        try:
            kept = path.read_bytes()
        except OSError:
            kept = b""
        if kept.startswith(PNG_START) and kept.endswith(PNG_END):
            return kept
        png = draw()  # never drawn, or damaged (a disk full while it was written)
        write_atomic(path, png)
        return png
