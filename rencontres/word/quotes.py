"""Typographic quotes inside tags, as Word's AutoCorrect types them.

Word turns ' and " into ‘ ’ and “ ” as one types, and a French Word into « » with
no-break spaces. Inside a tag they can only mean straight quotes: both the check and
the rendering read them so. docxtpl already straightens ‘ ’ “ ” when it renders; the
French quotes are ours to straighten.
"""

from __future__ import annotations

import re

# docxtpl's own pattern for the inside of a tag (its patch_xml).
_INSIDE_TAG = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]})")
_FRENCH = re.compile(r"«[\u00a0\u202f]?|[\u00a0\u202f]?»")
_CURLY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def straight_quotes(text: str) -> str:
    """`text` with the quotes inside its tags straightened; text outside tags untouched."""
    return _INSIDE_TAG.sub(
        lambda m: _FRENCH.sub('"', m.group(0)).translate(_CURLY), text)
