"""What AutoCorrect does to tags as one types, undone: both the check and the rendering
read a template's tags through it.

Word turns ' and " into ‘ ’ and “ ” as one types, and a French Word into « » with
no-break spaces. Inside a tag they can only mean straight quotes. docxtpl already
straightens ‘ ’ “ ” when it renders; the French quotes are ours to straighten.

French AutoCorrect (LibreOffice's as Word's) also spaces out a tag's braces: « { % if
lieu%} » (a no-break space after the brace), « { {», « % }». Braces and %, # only ever
meet in a tag: the spaces between them are removed, in the text and in the XML (where
the brace and the rest may be in two runs), before docxtpl looks for its tags.
"""

from __future__ import annotations

import re

# docxtpl's own pattern for the inside of a tag (its patch_xml).
_INSIDE_TAG = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]})")
_FRENCH = re.compile(r"«[\u00a0\u202f]?|[\u00a0\u202f]?»")
# The no-break spaces AutoCorrect puts before « : », « ! », « ? » are plain spaces
# inside a tag.
_CURLY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " ", "\u202f": " "})
# Spaces, no-break ones included, between a brace and %, # or another brace; XML tags
# (a run's end and the next one's start) may stand on either side of them.
_SPACES = r"((?:<[^>]*>)*)[ \t\u00a0\u202f]+((?:<[^>]*>)*)"
_SPACED_OPENING = re.compile(r"\{" + _SPACES + r"(?=[%{#])")
_SPACED_CLOSING = re.compile(r"(?<=[%}#])" + _SPACES + r"\}")


def straight_quotes(text: str) -> str:
    """`text` with the quotes inside its tags straightened and their no-break spaces
    made plain ones; text outside tags untouched."""
    return _INSIDE_TAG.sub(
        lambda m: _FRENCH.sub('"', m.group(0)).translate(_CURLY), text)


def joined_braces(text: str) -> str:
    """`text` (a paragraph's text, or a part's XML) with its tags' braces as typed
    without AutoCorrect: « { % if » → « {% if », « % } » → « %} »."""
    text = _SPACED_OPENING.sub(r"{\1\2", text)
    return _SPACED_CLOSING.sub(r"\1\2}", text)
