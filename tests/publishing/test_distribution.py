"""The bundle and the manifest (rencontres/publishing/distribution.py).

The documents go into the bundle as they are (stored: a .docx is already deflated),
the manifest deflated; the manifest describes the very bytes of the bundle; the same
documents give the same bundle; a build with nothing to do rewrites neither, unless
the manifest no longer matches the documents.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from rencontres.cli import main
from rencontres.publishing.distribution import _STORED
from rencontres.word.archive import deterministic_zip

FOLDER = Path("output/2021")
BUNDLE = FOLDER / "rencontres-territoriales-2021.zip"
MANIFEST = FOLDER / "manifeste.csv"


def build(capsys: pytest.CaptureFixture, *argv: str) -> str:
    assert main(["--jobs", "1", *argv]) == 0
    return capsys.readouterr().out


def test_documents_are_stored_as_they_are_and_the_manifest_describes_them(in_project,
                                                                          capsys):
    build(capsys)
    rows = [line.split(";") for line in
            MANIFEST.read_text("utf-8-sig").splitlines()[1:]]
    with zipfile.ZipFile(BUNDLE) as bundle:
        assert bundle.testzip() is None
        infos = bundle.infolist()
        assert [info.filename for info in infos] == [row[0] for row in rows] + [MANIFEST.name]
        for info, (name, _, _, digest, size) in zip(infos, rows, strict=False):
            assert info.compress_type == zipfile.ZIP_STORED, name
            data = bundle.read(info)
            assert data == (FOLDER / name).read_bytes()
            assert (hashlib.sha256(data).hexdigest(), str(len(data))) == (digest, size)
        assert infos[-1].compress_type == zipfile.ZIP_DEFLATED
        assert bundle.read(infos[-1]) == MANIFEST.read_bytes()
        assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_forced_builds_give_the_same_bundle_and_manifest(in_project, capsys):
    build(capsys)
    first = BUNDLE.read_bytes(), MANIFEST.read_bytes()
    build(capsys, "--force")
    assert (BUNDLE.read_bytes(), MANIFEST.read_bytes()) == first


def test_nothing_to_do_rewrites_nothing_but_a_stale_manifest(in_project, capsys):
    build(capsys)
    bundle, manifest = BUNDLE.read_bytes(), MANIFEST.read_bytes()
    stamps = BUNDLE.stat().st_mtime_ns, MANIFEST.stat().st_mtime_ns
    out = build(capsys)
    assert "Écrit" not in out
    assert (BUNDLE.stat().st_mtime_ns, MANIFEST.stat().st_mtime_ns) == stamps
    MANIFEST.write_bytes(b"modifi\xc3\xa9 \xc3\xa0 la main")
    build(capsys)
    assert (BUNDLE.read_bytes(), MANIFEST.read_bytes()) == (bundle, manifest)
    BUNDLE.unlink()
    build(capsys)
    assert BUNDLE.read_bytes() == bundle


def test_bundle_bytes_depend_only_on_the_entries():
    entries = [("a.docx", b"PK\x03\x04 deja compresse"), ("b.pdf", b"%PDF-1.7"),
               ("manifeste.csv", "fichier;é\r\n".encode() * 50)]
    first = deterministic_zip(entries, stored=_STORED)
    assert deterministic_zip(list(entries), stored=_STORED) == first
    with zipfile.ZipFile(io.BytesIO(first)) as bundle:
        assert [(i.filename, i.compress_type) for i in bundle.infolist()] == [
            ("a.docx", zipfile.ZIP_STORED), ("b.pdf", zipfile.ZIP_STORED),
            ("manifeste.csv", zipfile.ZIP_DEFLATED)]
        assert [bundle.read(name) for name, _ in entries] == [data for _, data in entries]


def test_a_name_read_as_a_formula_by_a_spreadsheet_is_kept_as_text(in_project, capsys):
    referentiel = Path("content/referentiel.yaml")
    referentiel.write_text(referentiel.read_text("utf-8").replace(
        "nom: Hauts-de-France", "nom: '=HYPERLINK(\"https://exemple.org\";\"Hauts\")'", 1),
        "utf-8")
    build(capsys)
    rows = list(csv.reader(io.StringIO(MANIFEST.read_text("utf-8-sig")), delimiter=";"))
    assert rows[1][2] == "'=HYPERLINK(\"https://exemple.org\";\"Hauts\")"


def test_pdfs_and_the_bundle_are_the_same_bytes_for_the_same_documents(in_project, capsys,
                                                                      monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    build(capsys, "--pdf")
    first = {path.name: path.read_bytes() for path in FOLDER.iterdir()}
    # Converted again, not taken from the cache: LibreOffice's own output must be the same.
    shutil.rmtree(tmp_path / "cache" / "rencontres" / "exports-pdf")
    Path("output/.pdf-999").mkdir()  # left by a build killed while converting
    time.sleep(1.1)  # LibreOffice's clock has moved on: its dates would differ
    build(capsys, "--pdf", "--force")
    assert {path.name: path.read_bytes() for path in FOLDER.iterdir()} == first
    assert not Path("output/.pdf-999").exists()
    assert b"/CreationDate (D:20211231120000Z')" in first["synthese-2021.pdf"]
    assert b"<xmp:CreateDate>2021-12-31T12:00:00Z</xmp:CreateDate>" in first["synthese-2021.pdf"]


def test_pdfs_come_from_two_libreoffice_whose_profiles_are_kept_and_renewed_if_damaged(
        in_project, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    # A cache of its own: a profile is damaged below, which others may be using.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    build(capsys, "--pdf")
    profiles = tmp_path / "cache" / "rencontres" / "libreoffice"  # only the user can write
    assert profiles.stat().st_mode & 0o777 == 0o700
    assert sorted(path.name for path in profiles.iterdir() if path.is_dir()) == [
        "profil-1", "profil-2"]
    first = {path.name: path.read_bytes() for path in FOLDER.glob("*.pdf")}
    assert len(first) == 2
    # A profile left unusable (here a file where its folder was): the conversion
    # fails with it, then succeeds with new profiles.
    for path in FOLDER.glob("*.pdf"):
        path.unlink()
    shutil.rmtree(tmp_path / "cache" / "rencontres" / "exports-pdf")  # converted again
    shutil.rmtree(profiles / "profil-1")
    (profiles / "profil-1").write_text("endommagé")
    assert "Écrit : output/2021/synthese-2021.pdf" in build(capsys, "--pdf")
    assert {path.name: path.read_bytes() for path in FOLDER.glob("*.pdf")} == first
    assert (profiles / "profil-1").is_dir()


def test_a_pdf_is_made_again_after_an_update_of_the_tool_or_of_libreoffice(in_project, capsys,
                                                                           monkeypatch):
    """Its document the same, a PDF still depends on the code and the LibreOffice that
    made it (LibreOffice itself is played here: only what is converted counts)."""
    from rencontres.publishing import pdf, state

    converted: list[str] = []

    def convert(documents, output_dir, published):
        converted.extend(document.name for document in documents)
        return {document: b"%PDF-1.7 " + document.read_bytes()[:8] for document in documents}

    monkeypatch.setattr(pdf, "convert", convert)
    one = ("--pdf", "--territoire", "hauts-de-france")
    report = ["compte-rendu-2021-hauts-de-france.docx"]
    build(capsys, *one)
    assert converted == report
    build(capsys, *one)
    assert converted == report  # nothing more
    monkeypatch.setattr(state, "_tool_version", "0.0.0+mise-a-jour")
    build(capsys, *one)
    assert converted == report * 2
    monkeypatch.setattr(pdf, "libreoffice_identity", lambda program: "LibreOffice 25.2")
    out = build(capsys, *one)
    assert converted == report * 3
    assert "Construit" not in out  # the document itself is up to date
