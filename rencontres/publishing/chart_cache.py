"""Charts drawn by earlier builds, kept by what they draw: in the output folder, and in
the user's cache what is the same in every project (the map's background)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from ..errors import OutputError
from .output import write_atomic
from .state import tool_version

# A whole PNG file starts with its signature and ends with its IEND chunk.
PNG_START = b"\x89PNG\r\n\x1a\n"
PNG_END = b"IEND\xaeB`\x82"
LASTING = "graphiques"  # the folder of the user's cache


class ChartCache:
    """A folder of PNG files named by the digest of the tool and of what they draw."""

    def __init__(self, directory: Path, optional: bool = False):
        self.directory = directory
        self.optional = optional  # a folder that cannot be written is no reason to fail

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
        try:
            write_atomic(path, png)
        except OutputError:
            if not self.optional:
                raise
        return png
