"""Tables of contents: filled by the build as Word would, numbered as the PDF is paginated."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from support.templates import W, add_toc, make_template

from rencontres.cli import main

SYNTHESIS = Path("output/2021/synthese-2021.docx")
REPORT = Path("output/2021/compte-rendu-2021-hauts-de-france.docx")
REPORT_TEMPLATE = Path("templates/compte-rendu.docx")
SYNTHESIS_HEADINGS = [
    (1, "Les participants"),
    (2, "Participants par territoire"),
    (1, "Les thèmes les plus cités"),
    (2, "Les thèmes les plus évoqués parmi les priorités locales"),
    (2, "Les thèmes sur lesquels la MOT est particulièrement attendue par ses adhérents "
        "et partenaires"),
    (1, "Idées communes à plusieurs territoires"),
    (2, "Mobilité"),
    (2, "Formation"),
    (2, "Gouvernance"),
    (2, "Citoyenneté"),
    (2, "Observation"),
    (2, "Interreg 21-27"),
]
WITHOUT_LIBREOFFICE = (
    "Avertissement : synthese-2021.docx : sommaire sans numéros de page (LibreOffice est "
    "introuvable) : installez LibreOffice (apt-get install libreoffice-writer-nogui) et "
    "reconstruisez, ou, dans Word, clic droit sur le sommaire > Mettre à jour les champs")


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def toc_entries(path: Path) -> list[tuple[int, str, str | None]]:
    """(level, text, page number or None) of each entry of the document's TOC, checking
    on the way that it links to a bookmark on a heading and cites that bookmark."""
    docx.Document(str(path))  # python-docx opens it
    document = part(path, "word/document.xml")
    styles = {s.get(w("styleId")): s.find(w("name")).get(w("val"))
              for s in part(path, "word/styles.xml").iter(w("style"))}
    headings = {}
    for start in document.iter(w("bookmarkStart")):
        heading = start.getparent()
        style = heading.find(f"{w('pPr')}/{w('pStyle')}").get(w("val"))
        assert styles[style].startswith("heading ")
        headings[start.get(w("name"))] = "".join(heading.itertext())
    entries = []
    for link in document.iter(w("hyperlink")):
        paragraph = link.getparent()
        level = int(styles[paragraph.find(f"{w('pPr')}/{w('pStyle')}").get(w("val"))][4:])
        anchor = link.get(w("anchor"))
        texts = [t.text for t in link.iter(w("t"))]
        codes = "".join(code.text for code in link.iter(w("instrText")))
        # A long title is broken before its last word (a line break), which takes its
        # page number along.
        title = " ".join(texts[:-1] if codes else texts)
        assert title == headings[anchor]
        if not codes:
            entries.append((level, title, None))
        else:
            assert codes == f" PAGEREF {anchor} \\h "
            entries.append((level, title, texts[-1]))
    return entries


def pdf_pages(path: Path) -> list[list[str]]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [[line.strip() for line in page.splitlines()] for page in text.split("\f")]


def _spaced(text: str) -> str:
    """No-break spaces as pdftotext may give them back: ordinary ones."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def assert_numbered_as_the_pdf(entries: list[tuple[int, str, str | None]], pdf: Path) -> None:
    """Each entry's number is the page where its heading is, read in order after the TOC:
    a line of its own, or its beginning when it is on two lines (in capitals, for a
    heading style in capitals)."""
    pages = pdf_pages(pdf)
    toc_page = next(number for number, lines in enumerate(pages, 1)
                    if any(line.startswith(entries[0][1] + "...") for line in lines))
    lines = iter([(number, _spaced(line.upper())) for number, page in enumerate(pages, 1)
                  if number > toc_page for line in page])
    for _, text, number in entries:
        heading = _spaced(text.upper())
        page = next(page for page, line in lines
                    if len(line) >= min(len(heading), 20) and heading.startswith(line))
        assert number == str(page), text


def test_the_synthesis_lists_its_headings_with_the_pages_of_its_pdf(in_project, capsys):
    code, _, err = run(capsys, "--pdf", "--jobs", "1")
    assert (code, err) == (0, "")
    entries = toc_entries(SYNTHESIS)
    assert [(level, text) for level, text, _ in entries] == SYNTHESIS_HEADINGS
    assert_numbered_as_the_pdf(entries, SYNTHESIS.with_suffix(".pdf"))
    # Correct on opening: Word is not told to update the fields, nor asks to.
    settings = part(SYNTHESIS, "word/settings.xml")
    assert settings.find(w("updateFields")) is None
    fields = part(SYNTHESIS, "word/document.xml").iter(w("fldChar"))
    assert all(field.get(w("dirty")) is None for field in fields)


def test_a_template_without_a_toc_gets_none(in_project, capsys):
    from rencontres.content.loading import load_content
    from rencontres.publishing.plan import Project, plan
    from rencontres.publishing.workers import render_job

    run(capsys, "--jobs", "1")
    content = load_content(Path("content"))
    jobs, _ = plan(Project(Path(".")), content, content.latest)
    (job,) = [job for job in jobs if job.output.name == REPORT.name]
    assert REPORT.read_bytes() == render_job(content, job)
    assert b"_Toc" not in zipfile.ZipFile(REPORT).read("word/document.xml")


def test_without_libreoffice_the_toc_has_no_numbers_and_is_built_again(in_project, capsys,
                                                                        monkeypatch):
    original = os.environ["PATH"]
    monkeypatch.setenv("PATH", "/nonexistent")
    code, out, err = run(capsys, "--jobs", "1")
    assert code == 0
    assert err.splitlines() == [WITHOUT_LIBREOFFICE]
    assert toc_entries(SYNTHESIS) == [(level, text, None) for level, text in SYNTHESIS_HEADINGS]
    # Not recorded as built: once LibreOffice is there, the numbers come.
    monkeypatch.setenv("PATH", original)
    code, out, err = run(capsys, "--jobs", "1")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "Construit : output/2021/synthese-2021.docx"
    assert all(number for _, _, number in toc_entries(SYNTHESIS))


def test_a_wrong_page_layout_in_the_users_cache_is_laid_out_again(in_project, capsys,
                                                                    monkeypatch, tmp_path):
    """The user's cache is untrusted: a wrong entry gave wrong numbers, silently."""
    users = tmp_path / "cache"  # of its own: other tests lay out the same synthesis
    monkeypatch.setenv("XDG_CACHE_HOME", str(users))
    assert run(capsys, "--jobs", "1")[0] == 0
    numbered = toc_entries(SYNTHESIS)
    bookmarks = set(_bookmarks(SYNTHESIS))
    [entry] = (users / "rencontres" / "mises-en-page").iterdir()
    entry.write_text(json.dumps({name: 99 for name in bookmarks}), "utf-8")
    code, _, err = run(capsys, "--jobs", "1", "--force")
    assert (code, err) == (0, "")
    assert toc_entries(SYNTHESIS) == numbered
    assert _kept_pages(entry) != {name: 99 for name in bookmarks}  # written again


@pytest.mark.parametrize("kept", [b"{}", b'{"_Toc1": 2}', b"", b"\xff"])
def test_an_entry_of_the_layouts_cache_without_every_heading_or_its_digest_is_a_miss(
        tmp_path, kept):
    """An empty entry gave « LibreOffice n'a pas pu… » and a rebuild at every build."""
    from rencontres.publishing import toc as layouts
    from rencontres.publishing.cache_entries import seal

    (tmp_path / "cle.json").write_bytes(kept)
    assert layouts._remembered(tmp_path, "cle", {"_Toc1", "_Toc2"}) is None
    (tmp_path / "cle.json").write_bytes(seal(kept))
    assert layouts._remembered(tmp_path, "cle", {"_Toc1", "_Toc2"}) is None
    (tmp_path / "cle.json").write_bytes(seal(b'{"_Toc1": 2, "_Toc2": 3}'))
    assert layouts._remembered(tmp_path, "cle", {"_Toc1", "_Toc2"}) == {"_Toc1": 2, "_Toc2": 3}


def _kept_pages(entry: Path) -> dict[str, int]:
    """The pages an entry of the layouts' cache holds (after its header, if any)."""
    text = entry.read_text("utf-8")
    return json.loads(text[text.find("{"):]) if "{" in text else {}


def _bookmarks(path: Path) -> list[str]:
    return [start.get(w("name")) for start in part(path, "word/document.xml").iter(
        w("bookmarkStart")) if start.get(w("name")).startswith("_Toc")]


def test_a_toc_the_report_template_asks_for_is_filled_whatever_word_left_in_it(in_project,
                                                                               capsys):
    # Word lists the template's own headings, tags included: they are not rendered.
    add_toc(REPORT_TEMPLATE, entries=("{{ partie.titre }}", "Les thèmes prioritaires"))
    code, _out, err = run(capsys, "verifier")
    assert (code, err) == (0, "")
    code, _, err = run(capsys, "--pdf", "--jobs", "1")
    assert (code, err) == (0, "")
    entries = toc_entries(REPORT)
    assert [(level, text) for level, text, _ in entries][:4] == [
        (1, "Les thèmes prioritaires du territoire"),
        (2, "Nombre de votes par thème\u00a0:"),
        (1, "Citoyenneté / Culture / Services publics"),
        (2, "Objectifs territoriaux"),
    ]
    assert_numbered_as_the_pdf(entries, REPORT.with_suffix(".pdf"))


def test_a_toc_with_no_heading_to_list_is_reported_where_it_is(in_project, capsys):
    add_toc(make_template(REPORT_TEMPLATE, ["Compte-rendu", "Sans titres"]),
            instruction=' TOC \\o "1-2" \\h \\z \\u ')
    code, _, err = run(capsys, "verifier")
    assert code == 0
    assert [line for line in err.splitlines() if "sommaire" in line] == [
        "Avertissement : templates/compte-rendu.docx: paragraphe 2 (sommaire) : le sommaire "
        "n'a aucun titre à lister : appliquez les styles « Titre 1 » à « Titre 2 » aux "
        "titres du modèle"]



def test_a_heading_that_skips_a_level_is_reported_for_the_toc(in_project, capsys):
    import docx

    document = docx.Document()
    document.add_heading("{{ territoire.nom }}", level=1)
    document.add_heading("Détail", level=3)
    document.save(str(REPORT_TEMPLATE))
    add_toc(REPORT_TEMPLATE)
    code, _, err = run(capsys, "verifier")
    assert code == 0
    assert [line for line in err.splitlines() if "sommaire" in line] == [
        "Avertissement : templates/compte-rendu.docx: paragraphe 5 « Détail » : titre de "
        "niveau 3 juste après un titre de niveau 1 : le sommaire sautera un niveau ; "
        "donnez-lui le style « Titre 2 », ou limitez les niveaux du sommaire (Références > "
        "Table des matières > Table des matières personnalisée)"]


def test_a_long_title_is_broken_before_its_last_word_to_keep_its_page_number():
    """Its number stood alone on a line of dots in the 2021 synthesis (issue 24)."""
    from rencontres.word.toc import _number_kept_on_last_line

    long = ("Les thèmes sur lesquels la MOT est particulièrement attendue par ses adhérents "
            "et partenaires")
    assert _number_kept_on_last_line(long, 2, 9298) == [long.rsplit(" ", 1)[0], "partenaires"]
    assert _number_kept_on_last_line("Les participants", 1, 9298) == ["Les participants"]
    # Two full lines whose second one leaves room: unchanged.
    two = long + " : les suites données"
    assert _number_kept_on_last_line(two, 1, 9298) == [two]
