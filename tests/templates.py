"""Small Word templates written by the tests, one paragraph per line of text."""

from __future__ import annotations

from pathlib import Path

import docx


def make_template(path: Path, lines: list[str], table: list[list[str]] | None = None) -> Path:
    """A DOCX whose body holds `lines` as paragraphs, then an optional table."""
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table):
            for cell, text in zip(row.cells, cells):
                cell.text = text
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path
