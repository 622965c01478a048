"""The shipped templates saved by another suite build the same documents (issue 29): a
real headless LibreOffice Writer, which renames every native chart « Object1 »… and drops
its alt text, and python-docx. The chart's marker « {# graphique-… #} » names it."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree
from openxml_audit import OpenXmlValidator
from support.docx_text import paragraphs
from support.native_charts import NS, target_part

from rencontres.cli import main

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = ("synthese-2021.docx", "compte-rendu-2021-hauts-de-france.docx")
TEMPLATES = ("compte-rendu.docx", "synthese.docx")


def project_with(root: Path, templates: Path | None) -> Path:
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    if templates is not None:
        for name in TEMPLATES:
            shutil.copyfile(templates / name, root / "templates" / name)
    return root


def built(root: Path) -> Path:
    assert main(["--projet", str(root), "--quiet", "--jobs", "1"]) == 0
    return root / "output" / "2021"


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(project_with(tmp_path_factory.mktemp("original") / "projet", None))


def drawn_charts(path: Path) -> list[tuple[str, str, list[tuple[str | None, ...]]]]:
    """(name, alt text, per series: formulas and cached texts) of each native chart."""
    charts = []
    with zipfile.ZipFile(path) as package:
        assert len(package.namelist()) == len(set(package.namelist())), "entrées en double"
        document = etree.fromstring(package.read("word/document.xml"))
        for doc_pr in document.xpath("//wp:docPr[../a:graphic//c:chart]", namespaces=NS):
            rel_id = doc_pr.xpath("../a:graphic//c:chart/@r:id", namespaces=NS)[0]
            space = etree.fromstring(package.read(
                target_part(package, "word/document.xml", rel_id)))
            series = [tuple([*(ser.findtext(f"c:{tag}//c:f", namespaces=NS)
                               for tag in ("tx", "cat", "val")),
                             *("|".join(ser.xpath(f"c:{tag}//c:v/text()", namespaces=NS))
                               for tag in ("tx", "cat", "val"))])
                      for ser in space.iterfind(".//c:ser", NS)]
            charts.append((doc_pr.get("name"), doc_pr.get("descr"), series))
    return charts


def visible_text(path: Path) -> tuple[list[str], set[str]]:
    """The body's non-empty paragraphs, and the set of the headers' and footers' lines
    (LibreOffice writes a first page's header the same as the others' once, where Word
    writes it twice), their page numbers aside (a field's result, which LibreOffice
    updates when it saves)."""
    body = docx.Document(str(path)).element.body
    lines = [text for p in body.iter(qn("w:p")) if (text := "".join(
        t.text or "" for t in p.iter(qn("w:t")))).strip()]
    margins = {re.sub(r"Page \d+ / \d+", "Page", line)
               for line in paragraphs(path)[len(list(body.iter(qn("w:p")))):]}
    return lines, margins


def test_libreoffice_loses_the_names_and_alt_texts_of_the_charts(libreoffice_templates):
    """What LibreOffice 7 does to a template: the reason for the markers."""
    with zipfile.ZipFile(libreoffice_templates / "synthese.docx") as package:
        document = package.read("word/document.xml").decode("utf-8")
        chart = package.read("word/charts/chart1.xml").decode("utf-8")
    assert re.findall(r"<wp:docPr [^>]*>", document) == [
        f'<wp:docPr id="{n}" name="Object{n}"/>' for n in range(1, 6)]
    assert re.findall(r"<c:f>([^<]*)</c:f>", chart)[:3] == ["label 0", "categories", "0"]
    assert "{# graphique-participants #}" in document


@pytest.mark.parametrize("suite", ["libreoffice", "python-docx"])
def test_a_template_saved_by_another_suite_builds_the_same_documents(
        suite, original, libreoffice_templates, python_docx_templates, tmp_path):
    saved = libreoffice_templates if suite == "libreoffice" else python_docx_templates
    output = built(project_with(tmp_path / "projet", saved))
    # The synthesis' table of contents filled, with its page numbers.
    assert "Les participants3" in visible_text(output / DOCUMENTS[0])[0]
    for name in DOCUMENTS:
        assert visible_text(output / name) == visible_text(original / name), name
        charts = drawn_charts(output / name)
        assert charts == drawn_charts(original / name), name
        assert charts, name
        for chart_name, alt_text, series in charts:
            assert chart_name.startswith("graphique-") and alt_text
            # Formulas Word's « Modifier les données » edits, not LibreOffice's names.
            assert all(re.fullmatch(r"Feuil1!\$[A-Z]\$\d+(:\$[A-Z]\$\d+)?", formula)
                       for ser in series for formula in ser[:3]), series
        # LibreOffice's ISO values (w:val="true", « start ») written as Word 2007 reads them.
        assert [str(error) for error in
                OpenXmlValidator().validate(str(output / name)).errors] == [], name
