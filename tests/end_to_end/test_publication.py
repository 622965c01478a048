"""What the MOT publishes: both templates and both documents built from the example
content open in Word without « compatibility mode » nor « repair », and pass the
accessibility rules (word/accessibility.py, word/schema_order.py)."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from rencontres.cli import main
from rencontres.documents import style
from rencontres.word.accessibility import contrast, findings
from rencontres.word.schema_order import misplaced_in_package, misplaced_in_part

REPO = Path(__file__).resolve().parents[2]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEMPLATES = {name: REPO / "templates" / f"{name}.docx" for name in ("compte-rendu", "synthese")}
BUILT = {"compte-rendu": "compte-rendu-2021-hauts-de-france.docx",
         "synthese": "synthese-2021.docx"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, bytes]:
    """The two documents of the example content, built once."""
    root = tmp_path_factory.mktemp("publication") / "projet"
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    assert main(["--jobs", "1", "--quiet", "--projet", str(root)]) == 0
    return {kind: (root / "output" / "2021" / name).read_bytes() for kind, name in BUILT.items()}


def packages(built) -> list[tuple[str, bytes]]:
    return [*((f"modèle {kind}", path.read_bytes()) for kind, path in TEMPLATES.items()),
            *((f"document {kind}", data) for kind, data in built.items())]


def part(data: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def test_templates_and_documents_hold_their_properties_in_schema_order(built):
    for label, data in packages(built):
        assert misplaced_in_package(data) == [], label


def test_a_property_out_of_order_is_named_with_its_style():
    styles = (b'<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
              b'main"><w:style w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr>'
              b'<w:spacing w:after="280"/><w:outlineLvl w:val="0"/><w:pBdr/></w:pPr>'
              b'</w:style></w:styles>')
    assert [str(m) for m in misplaced_in_part("word/styles.xml", styles)] == [
        "word/styles.xml, style « heading 1 » : dans w:pPr, w:pBdr doit précéder "
        "w:outlineLvl (ordre du schéma OOXML ; Word « réparerait » le document en "
        "supprimant la mise en forme)"]


def test_templates_and_documents_are_in_word_2013_mode_with_french_settings(built):
    for label, data in packages(built):
        settings = part(data, "word/settings.xml")
        modes = [s.get(W + "val") for s in settings.iter(W + "compatSetting")
                 if s.get(W + "name") == "compatibilityMode"]
        assert modes == ["15"], label
        assert settings.find(W + "decimalSymbol").get(W + "val") == ",", label
        assert settings.find(W + "listSeparator").get(W + "val") == ";", label
        assert settings.find(W + "themeFontLang").get(W + "val") == "fr-FR", label
        assert settings.find(W + "proofState") is None, label  # spelling not « checked »


def test_templates_and_documents_pass_the_accessibility_rules(built):
    """No layout table, no empty paragraph, no skipped heading, no text under 4.5:1
    (3:1 when large), no image without alt text."""
    for label, data in packages(built):
        assert [str(finding) for finding in findings(data)] == [], label


# PDF's standard structure types (ISO 32000-1, 14.8.4): a style of the same name
# would be role-mapped onto itself in the tagged PDF.
PDF_TYPES = {"Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI",
             "Index", "NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6",
             "L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot",
             "Span", "Quote", "Note", "Reference", "BibEntry", "Code", "Link", "Annot",
             "Ruby", "Warichu", "Figure", "Formula", "Form"}


def test_no_style_of_ours_is_named_as_a_pdf_structure_type(built):
    for label, data in packages(built):
        names = {s.find(W + "name").get(W + "val")
                 for s in part(data, "word/styles.xml").iter(W + "style")
                 if s.get(W + "customStyle") == "1"}
        assert "Illustration" in names and "Encadré MOT" in names, label
        assert not names & PDF_TYPES, label


def test_the_cover_title_is_in_the_title_style(built):
    def titles(data):
        body = part(data, "word/document.xml").find(W + "body")
        return ["".join(t.text or "" for t in p.iter(W + "t")) for p in body.iter(W + "p")
                if p.find(f"{W}pPr/{W}pStyle[@{W}val='Title']") is not None]

    assert titles(built["compte-rendu"]) == ["Hauts-de-France"]
    assert titles(built["synthese"]) == ["Synthèse des Rencontres territoriales"]


def test_heading_levels_follow_each_other(built):
    """« Nombre de votes par thème » and « Participants par territoire » were level 3
    straight under a level 1."""
    def levels(data):
        body = part(data, "word/document.xml").find(W + "body")
        return {"".join(t.text or "" for t in p.iter(W + "t")): p.find(f"{W}pPr/{W}pStyle").get(W + "val")
                for p in body.iter(W + "p") if p.find(f"{W}pPr/{W}pStyle") is not None}

    assert levels(built["compte-rendu"])["Nombre de votes par thème\u00a0:"] == "Heading2"
    assert levels(built["synthese"])["Participants par territoire"] == "Heading2"


def test_contrast_is_computed_as_wcag_does():
    assert round(contrast("E07B39", "FFFFFF"), 2) == 2.97
    assert round(contrast("000000", "FFFFFF"), 2) == 21.0
    assert round(contrast("B0501A", "FFFFFF"), 2) == 5.24


def test_chart_colours_stand_out_from_the_page():
    for colour in (style.NAVY, style.ORANGE, style.SKY, style.GREY):
        assert contrast(colour.lstrip("#"), "FFFFFF") >= 3, colour


CORE = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
DC = "{http://purl.org/dc/elements/1.1/}"
TERMS = "{http://purl.org/dc/terms/}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}"
APP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"


def test_documents_carry_clean_properties(built):
    """No « generated by python-docx », dates of the edition, no template counts (Word
    recounts), French settings, spelling left for Word to check."""
    for kind, data in built.items():
        core = part(data, "docProps/core.xml")
        assert b"python-docx" not in etree.tostring(core), kind
        assert [e.text for e in core.iter(TERMS + "created", TERMS + "modified")] == [
            "2021-12-31T12:00:00Z", "2021-12-31T12:00:00Z"], kind
        assert core.find(CORE + "lastPrinted") is None, kind
        assert core.find(DC + "language").text == "fr-FR", kind
        assert [e for e in core if not (e.text or "").strip()] == [], kind
        app = part(data, "docProps/app.xml")
        assert app.find(APP + "Application").text == "MOT - Rencontres territoriales", kind
        for count in ("Pages", "Words", "Characters", "Lines", "Paragraphs",
                      "CharactersWithSpaces", "TitlesOfParts", "AppVersion"):
            assert app.find(APP + count) is None, (kind, count)


def test_pictures_are_named_by_what_they_show(built):
    """A picture is named by what it shows; a native Word chart keeps the name it has in
    Word's Selection Pane, by which the build finds it, and says what it shows in its
    alternative text."""
    def names(data):
        pictures = part(data, "word/document.xml").iter(WP + "docPr", PIC + "cNvPr")
        return sorted({picture.get("name") for picture in pictures})

    assert names(built["compte-rendu"]) == ["graphique-votes"]
    assert names(built["synthese"]) == [
        "Carte : participants aux Rencontres territoriales 2020 et 2021 par territoire, le "
        "long des frontières de la France (surface des cercles proportionnelle au nombre de "
        "participants, cercle pointillé pour 2020)",
        "graphique-mot-attendue", "graphique-participants", "graphique-priorites-locales"]


def test_headings_are_kept_with_what_follows_and_sub_bullets_differ(built):
    for label, data in packages(built):
        styles = {s.get(W + "styleId"): s for s in part(data, "word/styles.xml").iter(W + "style")}
        for level in (1, 2, 3):
            assert styles[f"Heading{level}"].find(f"{W}pPr/{W}keepNext") is not None, label

        def bullet(style_id, styles=styles, data=data):
            number = styles[style_id].find(f"{W}pPr/{W}numPr/{W}numId").get(W + "val")
            numbering = part(data, "word/numbering.xml")
            abstract = next(n for n in numbering.iter(W + "num")
                            if n.get(W + "numId") == number).find(W + "abstractNumId")
            definition = next(a for a in numbering.iter(W + "abstractNum") if a.get(
                W + "abstractNumId") == abstract.get(W + "val"))
            return definition.find(f"{W}lvl/{W}lvlText").get(W + "val")

        assert (bullet("ListBullet"), bullet("ListBullet2")) == ("\uf0b7", "–"), label


def test_every_chart_and_picture_has_one_width(built):
    """One chart width across both documents (the map included): a chart narrower than
    the others reads as a mistake, and its text would be smaller than theirs."""
    widths = {kind: {extent.get("cx") for extent in part(data, "word/document.xml")
                     .iter(WP + "extent")} for kind, data in built.items()}
    assert widths == {"compte-rendu": {"5760000"}, "synthese": {"5760000"}}  # 160 mm
