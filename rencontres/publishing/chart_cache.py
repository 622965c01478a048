"""Charts drawn by earlier builds, kept by what they draw: in the output folder, and in
the user's cache what is the same in every project (the map's background, and each map,
drawn from its layout alone). Each entry holds the digest of its picture: a damaged one
is drawn again (cache_entries)."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from pathlib import Path

from ..errors import OutputError
from .cache_entries import read_entry, seal
from .output import private_folder, write_atomic
from .state import tool_version

LASTING = "graphiques"  # the folder of the user's cache
SUFFIX = ".entree"  # a PNG picture sealed with its digest
# The user's cache keeps the pictures last written (a map is about 300 kB; every edit of
# a figure draws a new one): the oldest go beyond this many.
LASTING_ENTRIES = 64


class ChartCache:
    """A folder of PNG pictures named by the digest of the tool and of what they draw.
    `private`: the user's cache, used only when it is the user's own folder; `keep`:
    how many pictures it keeps at most, the last written."""

    def __init__(self, directory: Path, optional: bool = False, private: bool = False,
                 keep: int | None = None):
        self.directory = directory
        self.optional = optional  # a folder that cannot be written is no reason to fail
        self.usable = not private or private_folder(directory)
        self.keep = keep

    def png(self, drawing: str, draw: Callable[[], bytes]) -> bytes:
        key = hashlib.sha256(f"{tool_version()}\n{drawing}".encode()).hexdigest()
        path = self.directory / f"{key}{SUFFIX}"
        kept = read_entry(path) if self.usable else None
        if kept is not None:
            return kept
        png = draw()  # never drawn, or damaged (a disk full, a flipped byte)
        if self.usable:
            try:
                write_atomic(path, seal(png))
            except OutputError:
                if not self.optional:
                    raise
            self._forget_oldest()
        return png

    def _forget_oldest(self) -> None:
        """Remove the entries written before the last `keep` ones. Another build may be
        removing or reading them too: an entry that cannot be removed stays."""
        if self.keep is None:
            return
        entries = []
        for path in self.directory.glob(f"*{SUFFIX}"):
            with contextlib.suppress(OSError):
                entries.append((path.lstat().st_mtime_ns, path))
        for _, path in sorted(entries)[:-self.keep]:
            with contextlib.suppress(OSError):
                path.unlink()
