"""French typography of the texts a template receives, applied once (word/values.py).

The rules of the Imprimerie nationale the MOT's readers expect: a no-break space
before « : » and inside « », a narrow no-break space before « ; », « ! » and « ? »,
a no-break space between a number and « % » or « € », an en dash between the two
years of a range, a typographic apostrophe (« aujourd’hui », « Observ’Alp ») where one
was typed straight, « » for straight double quotes typed in pairs, and large numbers
grouped by thousands (babel, fr_FR). Web and
e-mail addresses are left as they are; so are times (14:30), identifiers and ISO
dates, whose punctuation is not followed by a space. Applying it twice changes
nothing.

Chosen over `polytypo`, which does the spaces as well (tests/documents/test_typography.py
checks that both agree): it does not do « % »/« € » nor ranges of years, and it
rewrites more than spacing and quotes (three dots into an ellipsis), which would change
texts the MOT typed on purpose.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
NNBSP = "\u202f"
_SPACES = f" {NBSP}{NNBSP}\t"

# Left alone: web and e-mail addresses (the punctuation that ends a sentence after
# one is not part of it).
_PROTECTED = re.compile(r"(?:https?://|www\.|[\w.+-]+@[\w-]+\.)\S*?(?=[.,;:!?)»]*(?:\s|$))")
_PRIVATE = 0xE000  # Unicode's private use area: where an address waits, one character
# A run of signs (« ?! ») takes one space, before its first.
_COLON = re.compile(rf"(?<=[^{_SPACES}:;!?«])[{_SPACES}]*:(?=[:;!?]*(?:\s|$))")
_HIGH = re.compile(rf"(?<=[^{_SPACES}:;!?«])[{_SPACES}]*([!?;])(?=[:;!?]*(?:\s|$|[»).,…]))")
_OPEN = re.compile(rf"«[{_SPACES}]*")
_CLOSE = re.compile(rf"[{_SPACES}]*»")
_UNIT = re.compile(rf"(?<=\d)[{_SPACES}]*([%€])")
_APOSTROPHE = re.compile(r"(?<=\w)'")
_QUOTED = re.compile(r'"([^"\n]+)"')
_YEARS = re.compile(r"(?<![\w-])((?:19|20)\d\d)[-‐‑](?=(?:19|20)\d\d(?![\w-]))")


def french(text: str) -> str:
    """`text` with French spacing and dashes; addresses untouched."""
    addresses: list[str] = []

    def hold(found: re.Match[str]) -> str:
        addresses.append(found.group(0))
        return chr(_PRIVATE + len(addresses) - 1)

    text = _prose(_PROTECTED.sub(hold, text))
    for index, address in enumerate(addresses):
        text = text.replace(chr(_PRIVATE + index), address)
    return text


def _prose(text: str) -> str:
    if not text:
        return text
    text = _APOSTROPHE.sub("’", text)
    text = _QUOTED.sub(lambda found: f"« {found.group(1).strip()} »", text)
    text = _OPEN.sub("«" + NBSP, text)
    text = _CLOSE.sub(NBSP + "»", text)
    text = _COLON.sub(NBSP + ":", text)
    text = _HIGH.sub(lambda found: NNBSP + found.group(1), text)
    text = _UNIT.sub(lambda found: NBSP + found.group(1), text)
    return _YEARS.sub(lambda found: found.group(1) + "–", text)
