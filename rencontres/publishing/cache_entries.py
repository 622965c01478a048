"""Cache entries sealed with the digest of what they hold.

A cache is untrusted input: an entry may be cut short by a full disk, have a byte
flipped, be edited by hand or be no file at all. Each is written with the digest of
its content and checked against it when read back: a bad entry is a miss, made again
and written again, never an error.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .output import read_regular

HEADER = b"rencontres-cache 1 sha256 "
MAX_ENTRY_BYTES = 64 * 1024 * 1024  # far above a chart or a layout; a link to /dev/zero


def seal(data: bytes) -> bytes:
    """The entry to write for `data`."""
    return HEADER + hashlib.sha256(data).hexdigest().encode() + b"\n" + data


def unseal(entry: bytes) -> bytes | None:
    """The data an entry holds, or None when it does not hold what its digest says."""
    if not entry.startswith(HEADER):
        return None
    digest, newline, data = entry[len(HEADER):].partition(b"\n")
    if not newline or hashlib.sha256(data).hexdigest().encode() != digest:
        return None
    return data


def read_entry(path: Path) -> bytes | None:
    """The data of the entry `path`; None when it is missing, unreadable, not a regular
    file, too large, or damaged."""
    try:
        entry = read_regular(path, MAX_ENTRY_BYTES)
    except OSError:
        return None
    return None if entry is None else unseal(entry)
