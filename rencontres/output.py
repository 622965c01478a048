"""Stage 5: write outputs atomically; a failure never leaves a half-written file."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

from .errors import OutputError, Problem, display_path


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename over it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".tmp")
        try:
            os.fchmod(handle, 0o644)  # mkstemp makes 0600; outputs are shared
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise OutputError([Problem(display_path(path), None, None,
                                   f"écriture impossible : {error.strerror}")]) from None


# Zip entries carry a time; a fixed one makes the same input give the same bytes.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def deterministic_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip of the entries, in the given order, with fixed times and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
