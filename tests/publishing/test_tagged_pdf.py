"""The PDFs are tagged (PDF/UA): a structure tree, the language fr-FR, the title shown,
alt text on every figure; checked with pikepdf, which is first shown to catch an
untagged PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from rencontres.cli import main
from rencontres.publishing.pdf import find_libreoffice
from rencontres.publishing.pdf_tags import structure_elements

REPO = Path(__file__).resolve().parents[2]
TITLES = {"compte-rendu-2021-hauts-de-france.pdf":
          "Compte-rendu de la Rencontre territoriale Hauts-de-France 2021",
          "synthese-2021.pdf": "Synthèse des Rencontres territoriales 2021"}
# Standard structure types: a role map that sends one elsewhere breaks PDF/UA.
STANDARD = {"/P", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/Figure", "/Note", "/Caption",
            "/Table", "/L", "/LI", "/Quote", "/Code", "/Formula", "/Span", "/Link"}


def problems(path: Path) -> list[str]:
    """What keeps the PDF from being a tagged, titled, French, described one."""
    found = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        if "/StructTreeRoot" not in root:
            return ["pas d'arbre de structure"]
        if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
            found.append("pas marqué « Marked »")
        if str(root.get("/Lang", "")) != "fr-FR":
            found.append(f"langue {root.get('/Lang')}")
        if str(pdf.docinfo.get("/Title", "")) != TITLES[path.name]:
            found.append(f"titre {pdf.docinfo.get('/Title')}")
        if not bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
            found.append("le titre n'est pas affiché à la place du nom de fichier")
        with pdf.open_metadata() as metadata:
            if metadata.get("pdfuaid:part") != "1":
                found.append("pas déclaré PDF/UA")
        tree = root.StructTreeRoot
        for name, target in dict(tree.get("/RoleMap", {})).items():
            if name in STANDARD:
                found.append(f"type standard {name} renvoyé vers {target}")
        figures = [element for element in structure_elements(tree.K) if element.get("/S") == "/Figure"]
        if not figures:
            found.append("aucune figure balisée")
        found += [f"figure sans texte de remplacement ({i})" for i, figure in
                  enumerate(figures, 1) if not str(figure.get("/Alt", "")).strip()]
        if not any(element.get("/S") == "/H1" for element in structure_elements(tree.K)):
            found.append("aucun titre H1")
    return found


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pdf") / "projet"
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    assert main(["--pdf", "--jobs", "1", "--quiet", "--projet", str(root)]) == 0
    return root / "output" / "2021"


def test_both_pdfs_are_tagged_french_titled_and_described(pdfs):
    for name in TITLES:
        assert problems(pdfs / name) == [], name


def test_the_pdf_check_catches_an_untagged_export(pdfs, tmp_path):
    """LibreOffice's plain export of the same document: the check fails on it."""
    document = tmp_path / "synthese-2021.docx"
    shutil.copy(pdfs / "synthese-2021.docx", document)
    subprocess.run([find_libreoffice(), f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(document)], check=True, capture_output=True, timeout=300)
    assert problems(tmp_path / "synthese-2021.pdf") == ["pas d'arbre de structure"]


def test_each_chart_of_the_synthesis_is_a_figure_with_its_data_as_alt_text(pdfs):
    with pikepdf.open(pdfs / "synthese-2021.pdf") as pdf:
        alts = [str(e.Alt) for e in structure_elements(pdf.Root.StructTreeRoot.K)
                if e.get("/S") == "/Figure"]
    assert [alt.split(".")[0] for alt in alts] == [
        "Carte des participants aux Rencontres territoriales 2020 et 2021 par territoire, le "
        "long des frontières de la France (surface des cercles proportionnelle au nombre de "
        "participants, cercle pointillé pour 2020)",
        "Nombre de participants par territoire aux Rencontres territoriales 2020 et 2021",
        "Nombre de territoires (sur 9) ayant retenu chaque thème comme priorité locale",
        "Nombre de territoires (sur 9) où la MOT est particulièrement attendue, par thème"]


FEW_LINES = 6


def test_no_page_holds_only_a_few_lines(pdfs):
    """Read page by page: past the cover, every page has more than a few lines besides
    its header and footer, or a figure (the compte-rendu's last page held two bullets)."""
    for name in TITLES:
        pages = subprocess.run(["pdftotext", "-layout", str(pdfs / name), "-"],
                               capture_output=True, text=True, check=True).stdout.split("\f")
        pages = [page for page in pages if page.strip()]
        images = subprocess.run(["pdfimages", "-list", str(pdfs / name)], capture_output=True,
                                text=True, check=True).stdout.splitlines()[2:]
        with_figure = {int(line.split()[0]) for line in images}
        counts = {number: len([line for line in page.splitlines() if line.strip()]) - 2
                  for number, page in enumerate(pages[1:], 2) if number not in with_figure}
        assert min(counts.values()) >= FEW_LINES, (name, counts)


def test_every_figure_holds_its_drawing_and_every_tabs_is_a_name(pdfs):
    """LibreOffice marked the synthesis's map as an artifact under an empty figure (a
    screen reader skipped it), and wrote the table of contents' page /Tabs as a
    string (LibreOffice 7.4)."""
    for name in TITLES:
        with pikepdf.open(pdfs / name) as pdf:
            empty = [str(element.get("/Alt"))[:40] for element in
                     structure_elements(pdf.Root.StructTreeRoot.K)
                     if element.get("/S") == "/Figure" and "/K" not in element]
            assert empty == [], name
            tabs = [page.obj.get("/Tabs") for page in pdf.pages]
            assert all(tab is None or isinstance(tab, pikepdf.Name) for tab in tabs), name
            assert [page for page in pdf.pages if _images_in_artifacts(page)] == [], name
        if name.startswith("synthese"):
            assert pikepdf.Name("/S") in tabs  # its table of contents' page


def _images_in_artifacts(page) -> list[str]:
    """The images a page draws inside an artifact's marked content."""
    images = page.obj.get("/Resources", {}).get("/XObject", {})
    found, marked = [], []
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) in ("BMC", "BDC"):
            marked.append(str(operands[0]))
        elif str(operator) == "EMC" and marked:
            marked.pop()
        elif str(operator) == "Do" and "/Artifact" in marked:
            image = images.get(operands[0])
            if image is not None and image.get("/Subtype") == "/Image":
                found.append(str(operands[0]))
    return found
