"""What the previous build produced, so an unchanged document is not rebuilt."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from .. import __version__
from .output import write_atomic

STATE_FILE = ".etat-construction.json"


def sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def fingerprint(files: Iterable[Path], digests: Mapping[Path, str], root: Path) -> str:
    """Digest of the inputs of a document: the tool's code, then each file's place in
    the project and the digest of the bytes the build read from it (`digests`; "absent"
    when it read none). Never the file as it is on disk now: one saved again while the
    build runs would be recorded as built when it was not. The same whichever way the
    project's folder is written (`--projet .`, `--projet ../projet`)."""
    digest = hashlib.sha256(tool_version().encode())
    for path in sorted(set(files)):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(digests.get(path, "absent").encode())
    return digest.hexdigest()


_tool_version: str | None = None


def tool_version() -> str:
    """The version plus a digest of the package's code: a code change rebuilds."""
    global _tool_version
    if _tool_version is None:
        digest = hashlib.sha256(__version__.encode())
        package = Path(__file__).parent.parent
        for source in sorted(package.rglob("*.py")):
            digest.update(source.relative_to(package).as_posix().encode() + b"\0")
            digest.update(source.read_bytes())
        _tool_version = f"{__version__}+{digest.hexdigest()[:12]}"
    return _tool_version


class BuildState:
    """Per output file: the fingerprint of its inputs and the digest of its bytes."""

    def __init__(self, output_dir: Path):
        self.output_dir = output_dir
        self.path = output_dir / STATE_FILE
        self.entries: dict[str, dict[str, str]] = {}
        try:
            entries = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return  # none yet, or damaged: everything is rebuilt
        if isinstance(entries, dict):
            self.entries = {key: entry for key, entry in entries.items()
                            if isinstance(entry, dict)
                            and all(isinstance(value, str) for value in entry.values())}

    def is_current(self, output: Path, inputs: str) -> bool:
        entry = self.entries.get(self._key(output))
        return (entry is not None and entry.get("inputs") == inputs
                and entry.get("sha256") == sha256_file(output))

    def record(self, output: Path, inputs: str, data: bytes) -> None:
        self.entries[self._key(output)] = {"inputs": inputs,
                                     "sha256": hashlib.sha256(data).hexdigest()}

    def _key(self, output: Path) -> str:
        return output.relative_to(self.output_dir).as_posix()

    def save(self) -> None:
        text = json.dumps(self.entries, indent=1, sort_keys=True, ensure_ascii=False)
        write_atomic(self.path, text.encode("utf-8"))
