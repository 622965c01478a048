"""What LibreOffice exported is kept in the user's cache by the digest of the DOCX and
of the LibreOffice and fonts that converted it: the same document is not converted
twice, and a damaged entry, another LibreOffice or another font converts it again.

LibreOffice is played here (its run writes a one-page PDF naming its document): only
whether it is started, and with what, counts."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pikepdf
import pytest
from support.templates import make_template

from rencontres.publishing import libreoffice, pdf

PUBLISHED = datetime.date(2021, 12, 31)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[list[str]]:
    """The documents of each LibreOffice run, in a cache of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(pdf, "require_libreoffice", lambda: "/usr/bin/true")
    runs: list[list[str]] = []

    def run(program, work, documents, target, folders, timeout, what):
        runs.append([document.name for document in documents])
        for document in documents:
            exported = io.BytesIO()
            with pikepdf.new() as made:
                made.add_blank_page()
                made.docinfo["/Title"] = document.name
                made.save(exported)
            (work / document.with_suffix(".pdf").name).write_bytes(exported.getvalue())

    monkeypatch.setattr(pdf, "run", run)
    return runs


def documents(folder: Path, *lines: str) -> list[Path]:
    folder.mkdir(exist_ok=True)
    return [make_template(folder / f"document-{number}.docx", [line])
            for number, line in enumerate(lines, 1)]


def title(exported: bytes) -> str:
    with pikepdf.open(io.BytesIO(exported)) as opened:
        return str(opened.docinfo["/Title"])


def test_the_same_document_is_converted_once(tmp_path, started):
    first = documents(tmp_path / "un", "Bonjour", "Au revoir")
    converted = pdf.convert(first, tmp_path, PUBLISHED)
    assert started == [["document-1.docx", "document-2.docx"]]
    assert [title(converted[document]) for document in first] == [
        "document-1.docx", "document-2.docx"]
    # The same bytes elsewhere (another project), with one document changed.
    second = documents(tmp_path / "deux", "Bonjour", "À bientôt")
    second[0].write_bytes(first[0].read_bytes())
    again = pdf.convert(second, tmp_path, PUBLISHED)
    assert started[1:] == [["document-2.docx"]]
    assert again[second[0]] == converted[first[0]]


def test_a_damaged_entry_is_converted_again(tmp_path, started):
    first = documents(tmp_path / "un", "Bonjour")
    converted = pdf.convert(first, tmp_path, PUBLISHED)
    [entry] = (tmp_path / "cache" / "rencontres" / "exports-pdf").iterdir()
    entry.write_bytes(entry.read_bytes()[:-1] + b"!")
    assert pdf.convert(first, tmp_path, PUBLISHED) == converted
    assert len(started) == 2


@pytest.mark.parametrize("change", ["police", "LibreOffice"])
def test_another_font_or_libreoffice_converts_again(tmp_path, started, monkeypatch, change):
    first = documents(tmp_path / "un", "Bonjour")
    pdf.convert(first, tmp_path, PUBLISHED)
    if change == "police":
        fonts = tmp_path / "polices"
        fonts.mkdir()
        monkeypatch.setattr(libreoffice, "_font_folders", lambda: [fonts])
        pdf.convert(first, tmp_path, PUBLISHED)
        (fonts / "Marianne-Regular.otf").write_bytes(b"OTTO")
    else:
        monkeypatch.setattr(pdf, "require_libreoffice", lambda: "/usr/bin/false")
    pdf.convert(first, tmp_path, PUBLISHED)
    assert len(started) == (3 if change == "police" else 2)
