"""Native Word charts (word/native_charts.py): the chart of templates/compte-rendu.docx,
inserted and styled in Word, receives the votes at each build and keeps its styling;
its document path imports no matplotlib, numpy or Pillow."""

from __future__ import annotations

import datetime
import io
import re
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import docx
import docx.text.paragraph
import pytest
from docx.enum.shape import WD_INLINE_SHAPE
from lxml import etree
from support.content_builders import HDF, hdf_context
from support.native_charts import NS, VOTES, native_chart, schema_problems, series_of, target_part
from support.templates import make_chart_template, make_template

from rencontres.cli import main
from rencontres.errors import TemplateError
from rencontres.publishing.pdf_tags import structure_elements
from rencontres.word.render import Properties, render

REPORT = Path("output/2021/compte-rendu-2021-hauts-de-france.docx")
HDF_LABELS = ["Citoyenneté / Culture", "Gouvernance", "Mobilité", "Ressources / Biens communs",
              "Ingénierie", "Services publics", "Observation", "Obstacles",
              "Emploi / insertion"]
EXPECTED = ["MOT particulièrement attendue", "Autre thème"]
PROPERTIES = Properties(title="Titre", subject="Sujet", keywords="MOT",
                        date=datetime.date(2021, 12, 1))


def build(project: Path, *options: str) -> Path:
    assert main(["--territoire", "hauts-de-france", "--jobs", "1", "--quiet",
                 "--projet", str(project), *options]) == 0
    return project / REPORT


def cells(workbook: bytes) -> dict[str, str]:
    """Every filled cell of the workbook's first sheet: reference → text or number."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as package:
        strings = [item.findtext("x:t", namespaces=NS) for item in etree.fromstring(
            package.read("xl/sharedStrings.xml")).iterfind("x:si", NS)]
        sheet = etree.fromstring(package.read("xl/worksheets/sheet1.xml"))
    return {cell.get("r"): strings[int(cell.findtext("x:v", namespaces=NS))]
            if cell.get("t") == "s" else cell.findtext("x:v", namespaces=NS)
            for cell in sheet.iterfind(".//x:c", NS)}


def test_the_votes_chart_is_a_native_bar_chart_holding_the_votes(project):
    data = build(project).read_bytes()
    doc_pr, space, workbook = native_chart(data)
    assert space.find("c:chart/c:plotArea/c:barChart/c:barDir", NS).get("val") == "bar"
    names = [name for name, _, _ in series_of(space)]
    assert names == EXPECTED
    for _, categories, _ in series_of(space):
        assert categories == HDF_LABELS
    expected, other = (values for _, _, values in series_of(space))
    # Each theme has its value in one series: orange (expected) or sky (other).
    assert sorted({**expected, **other}.items()) == list(enumerate(
        ["9", "8", "8", "7", "6", "5", "4", "4", "1"]))
    assert set(expected) == {0, 1, 2, 5} and set(other) == {3, 4, 6, 7, 8}
    assert [ser.findtext(path, namespaces=NS) for ser in space.iterfind(".//c:ser", NS)
            for path in ("c:tx//c:f", "c:cat//c:f", "c:val//c:f")] == [
        "Feuil1!$B$1", "Feuil1!$A$2:$A$10", "Feuil1!$B$2:$B$10",
        "Feuil1!$C$1", "Feuil1!$A$2:$A$10", "Feuil1!$C$2:$C$10"]
    assert {c.get("val") for c in space.iterfind(".//c:ser//c:ptCount", NS)} == {"1", "9"}
    assert space.find("c:roundedCorners", NS).get("val") == "0"
    # « Modifier les données » opens these cells.
    assert cells(workbook) == {
        "B1": EXPECTED[0], "C1": EXPECTED[1],
        **{f"A{row}": label for row, label in enumerate(HDF_LABELS, 2)},
        **{f"B{row + 2}": value for row, value in expected.items()},
        **{f"C{row + 2}": value for row, value in other.items()}}
    assert doc_pr.get("descr") == hdf_context(project).votes_chart.alt_text
    assert doc_pr.get("descr").startswith(
        "Nombre de votes par thème. Citoyenneté / Culture : 9 votes (MOT particulièrement "
        "attendue) ; Gouvernance : 8 votes (MOT particulièrement attendue) ; ")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert not [n for n in package.namelist() if n.startswith("word/media/")]


def _without_data(space) -> bytes:
    """The chart's XML without what a build writes (data, the series' colours, every
    category's label shown): the template's styling."""
    space = etree.fromstring(etree.tostring(space))
    for element in space.xpath(".//c:ser/c:tx | .//c:ser/c:cat | .//c:ser/c:val"
                               " | .//c:ser/c:spPr/a:solidFill | .//c:catAx/c:tickLblSkip"
                               " | .//c:catAx/c:tickMarkSkip", namespaces=NS):
        element.getparent().remove(element)
    return etree.tostring(space)


def _replace_in_template(path: Path, part: str, edit) -> None:
    with zipfile.ZipFile(path) as package:
        entries = [(info, package.read(info)) for info in package.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for info, blob in entries:
            package.writestr(info, edit(blob) if info.filename == part else blob)


def test_a_restyled_chart_keeps_its_style_after_a_rebuild_with_other_votes(project):
    template = project / "templates/compte-rendu.docx"
    _replace_in_template(template, "word/charts/chart1.xml", lambda xml: xml.replace(
        b"DD7836", b"00A000").replace(b'typeface="Arial"', b'typeface="Georgia"').replace(
        b'sz="900" b="1"', b'sz="1200" b="0"'))
    with zipfile.ZipFile(template) as package:
        restyled = etree.fromstring(package.read("word/charts/chart1.xml"))
    path = project / HDF
    path.write_text(path.read_text("utf-8").replace("votes: 9", "votes: 12").replace(
        "votes: 1\n", "votes: 10\n"), "utf-8")
    _, space, workbook = native_chart(build(project).read_bytes())
    assert _without_data(space) == _without_data(restyled)
    xml = etree.tostring(space)
    assert b'typeface="Georgia"' in xml and b'typeface="Arial"' not in xml
    # The bars' colours are the house's, written by the build (one palette across the
    # figures), whatever the template's: orange, then navy for the other themes.
    assert b"00A000" not in xml
    assert [ser.find("c:spPr/a:solidFill/a:srgbClr", NS).get("val")
            for ser in space.iterfind(".//c:ser", NS)] == ["D06A2A", "1F3A5F"]
    expected, other = (values for _, _, values in series_of(space))
    assert series_of(space)[0][1][:2] == ["Citoyenneté / Culture", "Emploi / insertion"]
    assert (expected[0], other[1]) == ("12", "10")
    assert cells(workbook)["B2"] == "12" and cells(workbook)["C3"] == "10"


def test_libreoffice_shows_the_chart_labels_in_its_pdf(project):
    build(project, "--pdf")
    text = subprocess.run(["pdftotext", "-layout", str((project / REPORT).with_suffix(".pdf")),
                           "-"], capture_output=True, text=True, check=True).stdout
    # The bars' labels and values, and the legend: the chart's, not the list of votes
    # below it (« Ressources / Biens communs (7) »).
    assert re.search(r"^ *Ressources / Biens communs +7$", text, re.M), text
    assert re.search(r"^ *Emploi / insertion +1$", text, re.M), text
    assert re.search(r"Autre thème +MOT particulièrement attendue", text), text


def test_the_document_is_the_same_bytes_across_builds_and_reopens(project):
    first = build(project).read_bytes()
    assert build(project, "--force").read_bytes() == first
    document = docx.Document(io.BytesIO(first))
    assert [shape.type for shape in document.inline_shapes] == [WD_INLINE_SHAPE.CHART]
    _, _, workbook = native_chart(first)
    with zipfile.ZipFile(io.BytesIO(workbook)) as package:
        core = package.read("docProps/core.xml").decode()
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert "2021-" in core and datetime.date.today().isoformat() not in core


def test_the_chart_xml_follows_the_schema(project, tmp_path):
    _, space, _ = native_chart(build(project).read_bytes())
    assert schema_problems(space) == []
    # A chart without a workbook (its link broken in Word), without c:roundedCorners,
    # with one series more than the data: the workbook and the corners are added in
    # their places, the first series dropped.
    template = make_chart_template(tmp_path / "modele.docx", [f"[graphique {VOTES}]"],
                                   series=3)
    _, space, workbook = native_chart(render(template, hdf_context(project), PROPERTIES))
    assert schema_problems(space) == []
    assert [name for name, _, _ in series_of(space)] == EXPECTED
    assert space.find("c:roundedCorners", NS).get("val") == "0"
    assert cells(workbook)["A2"] == HDF_LABELS[0]
    # The template's number format stays.
    assert {f.text for f in space.iterfind(".//c:formatCode", NS)} == {"0"}


def test_a_chart_with_too_few_series_is_said(project, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    template = make_chart_template(Path("modele.docx"), [f"[graphique {VOTES}]"], series=1)
    with pytest.raises(TemplateError) as error:
        render(template, hdf_context(project), PROPERTIES)
    assert error.value.report().splitlines() == [
        "Modèle Word invalide : 1 problème",
        f"  modele.docx: graphique « {VOTES} » : le graphique du modèle a 1 série, il en "
        "faut 2 (« MOT particulièrement attendue », « Autre thème ») : ajoutez-en dans Word "
        "(clic droit, « Modifier les données »), chacune avec sa couleur",
    ]


def test_an_empty_chart_field_removes_the_native_chart(project, tmp_path):
    template = make_chart_template(tmp_path / "modele.docx", ["Votes", f"[graphique {VOTES}]"])
    context = hdf_context(project).model_copy(update={"votes_chart": None})
    with zipfile.ZipFile(io.BytesIO(render(template, context, PROPERTIES))) as package:
        document = package.read("word/document.xml")
        names = package.namelist()
    assert b"Votes" in document and b"c:chart" not in document
    # Not published with the template's sample data either.
    assert not [name for name in names if name.startswith("word/charts/")]


def _imported_modules(project: Path) -> set[str]:
    """The modules a whole build of the compte-rendu of Hauts-de-France imports, in a
    fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "rencontres", "construire",
         "--territoire", "hauts-de-france", "--force", "--jobs", "1", "--projet",
         str(project)], capture_output=True, text=True, check=True)
    return {match.group(1)
            for match in re.finditer(r"^import time: .*\| +(\S+)$", result.stderr, re.M)}


def _imported(project: Path) -> set[str]:
    """The top-level packages of those modules."""
    return {name.split(".")[0] for name in _imported_modules(project)}


def test_a_native_chart_build_imports_no_matplotlib_numpy_or_pillow(project):
    modules = _imported_modules(project)
    imported = {name.split(".")[0] for name in modules}
    assert {"rencontres", "docx", "xlsxwriter"} <= imported  # the chart was filled
    assert imported & {"matplotlib", "numpy", "PIL"} == set()
    # Nor the synthesis' context, its map and trends: not built, not checked.
    assert {"rencontres.documents.report", "rencontres.word.checker"} <= modules
    assert modules & {"rencontres.documents.synthesis", "rencontres.documents.map",
                      "rencontres.documents.trends"} == set()
    # The same build with the chart as a picture does import them.
    make_template(project / "templates/compte-rendu.docx", ["{{ graphique_votes }}"])
    assert {"matplotlib", "numpy", "PIL"} <= _imported(project)


def _rewrite_part(template: Path, part: str, change) -> None:
    with zipfile.ZipFile(template) as package:
        entries = [(info, package.read(info)) for info in package.infolist()]
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in entries:
            package.writestr(info, change(data) if info.filename == part else data)


LAUGHS = ('<!DOCTYPE c:chartSpace [<!ENTITY l0 "ha">'
          + "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
          + '<!ENTITY secret SYSTEM "{secret}">]>')


def _hostile_chart(project: Path, kind: str) -> None:
    template = project / "templates" / "compte-rendu.docx"
    secret = project / "secret.txt"
    secret.write_text("mot de passe", "utf-8")

    def change(xml: bytes) -> bytes:
        if kind == "doctype":
            declaration, _, rest = xml.decode("utf-8").partition("?>")
            return (declaration + "?>" + LAUGHS.format(secret=secret.as_uri())
                    + rest.replace("</c:chartSpace>", "<c:userShapes>&l9;&secret;"
                                   "</c:userShapes></c:chartSpace>")).encode("utf-8")
        return xml.replace(b'<c:idx val="0"/>', b'<c:idx val="premier"/>', 1)

    _rewrite_part(template, "word/charts/chart1.xml", change)


@pytest.mark.parametrize("kind, reason", [
    ("doctype", "sa partie XML est refusée (déclaration DOCTYPE (entités XML), que Word "
                "n'écrit jamais et qui ferait lire des fichiers de cet ordinateur)"),
    ("index", "« premier » n'est pas un nombre entier (c:idx, attribut val)")])
def test_a_hostile_chart_part_is_refused_by_check_and_build(in_project, capsys, kind, reason):
    project = Path(".")
    _hostile_chart(in_project, kind)
    expected = (f"  templates/compte-rendu.docx: graphique « {VOTES} » : {reason} : recréez "
                "le graphique dans Word (Insertion > Graphique)")
    assert main(["verifier", "--projet", str(project)]) == 1
    assert expected in capsys.readouterr().err.splitlines()
    assert main(["--territoire", "hauts-de-france", "--jobs", "1", "--quiet",
                 "--projet", str(project)]) == 1
    assert expected in capsys.readouterr().err.splitlines()
    assert not (project / REPORT).exists()


def test_a_doctype_in_any_part_is_refused(project, tmp_path):
    from rencontres.word.checker import check_template
    from rencontres.word.fields import context_class

    template = project / "templates" / "compte-rendu.docx"
    _rewrite_part(template, "word/styles.xml", lambda xml: xml.replace(
        b"?>", b'?><!DOCTYPE w:styles [<!ENTITY x "y">]>', 1))
    assert [problem.message for problem in check_template(
        template, context_class("compte-rendu"))] == [
        "partie « word/styles.xml » du modèle refusée (déclaration DOCTYPE (entités XML), "
        "que Word n'écrit jamais et qui ferait lire des fichiers de cet ordinateur) : "
        "ré-enregistrez le modèle depuis Word"]


def test_a_chart_in_the_page_header_receives_its_data(project, tmp_path):
    """The votes chart moved from the body to the page header: filled there too."""
    from rencontres.word.native_charts import CHART_RELATIONSHIP

    document = docx.Document(str(project / "templates" / "compte-rendu.docx"))
    doc_pr = document.element.body.xpath(f".//wp:docPr[@name='{VOTES}']")[0]
    paragraph = next(doc_pr.iterancestors(f"{{{NS['w']}}}p"))
    chart = paragraph.xpath(".//c:chart")[0]
    chart_part = document.part.related_parts[chart.get(f"{{{NS['r']}}}id")]
    header = document.sections[0].header
    header.is_linked_to_previous = False
    header._element.append(paragraph)  # moved out of the body
    chart.set(f"{{{NS['r']}}}id", header.part.relate_to(chart_part, CHART_RELATIONSHIP))
    template = tmp_path / "modele.docx"
    document.save(str(template))

    built = render(template, hdf_context(project), PROPERTIES)
    with zipfile.ZipFile(io.BytesIO(built)) as package:
        headers = [name for name in package.namelist()
                   if re.fullmatch(r"word/header\d+\.xml", name)
                   and b"c:chart" in package.read(name)]
        assert len(headers) == 1
        rel_id = etree.fromstring(package.read(headers[0])).xpath(
            "//c:chart/@r:id", namespaces=NS)[0]
        space = etree.fromstring(package.read(target_part(package, headers[0], rel_id)))
    assert [labels for _, labels, _ in series_of(space)] == [HDF_LABELS, HDF_LABELS]


def _png(width: int = 40, height: int = 30) -> bytes:
    """A small grey PNG, written by hand."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\0" + b"\x80\x80\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_a_picture_without_alt_text_before_the_chart_keeps_none_in_the_pdf(project, tmp_path):
    """LibreOffice leaves the chart's figure without alt text; the build adds it, to the
    chart's figure, not to the first figure without one (a picture before it)."""
    import pikepdf

    from rencontres.publishing import pdf

    document = docx.Document(str(project / "templates" / "compte-rendu.docx"))
    doc_pr = document.element.body.xpath(f".//wp:docPr[@name='{VOTES}']")[0]
    chart_paragraph = docx.text.paragraph.Paragraph(
        next(doc_pr.iterancestors(f"{{{NS['w']}}}p")), document._body)
    chart_paragraph.insert_paragraph_before().add_run().add_picture(io.BytesIO(_png()))
    for picture in document.element.body.xpath(".//wp:docPr[not(@name='graphique-votes')]"):
        picture.attrib.pop("descr", None)
    template = tmp_path / "modele.docx"
    document.save(str(template))
    built = tmp_path / "compte-rendu.docx"
    context = hdf_context(project)
    built.write_bytes(render(template, context, PROPERTIES))

    converted = pdf.convert([built], tmp_path, datetime.date(2021, 12, 1))[built]
    with pikepdf.open(io.BytesIO(converted)) as opened:
        figures = [(bool(element.get("/K")), str(element.get("/Alt", "")))
                   for element in structure_elements(opened.Root.StructTreeRoot.K)
                   if element.get("/S") == "/Figure"]
    assert figures == [(True, ""), (True, context.votes_chart.alt_text)]
