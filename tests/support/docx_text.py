"""Text of a DOCX for assertions and golden files: one line per paragraph."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml.ns import qn


def paragraphs(path: Path | str) -> list[str]:
    """Every paragraph of body (tables included), headers and footers, in order."""
    document = docx.Document(str(path))
    lines = [_text(p) for p in document.element.body.iter(qn("w:p"))]
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header,
                     section.first_page_footer):
            if not part.is_linked_to_previous:
                lines += [_text(p) for p in part._element.iter(qn("w:p"))]
    return lines


def text(path: Path | str) -> str:
    return "\n".join(paragraphs(path))


def _text(paragraph) -> str:
    return "".join(node.text or "" for node in paragraph.iter(qn("w:t")))
