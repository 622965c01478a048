"""Deterministic zip archives: a .docx is one, and so is the bundle sent to members."""

from __future__ import annotations

import io
import zipfile

# Zip entries carry a time; a fixed one makes the same input give the same bytes.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# A document's pictures already compressed: a PNG is deflated inside, and deflating the
# 2021 map again saved 5 % of its size for two thirds of the package's writing time.
PICTURES = (".png",)


def deterministic_zip(entries: list[tuple[str, bytes]], stored: tuple[str, ...] = ()) -> bytes:
    """A zip of the entries, in the given order, with fixed times and modes; entries
    whose name ends with one of `stored` are kept as they are, not deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_STORED if name.endswith(stored) \
                else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
