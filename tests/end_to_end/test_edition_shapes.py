"""Every document of every edition shape (tests/support/corpus.py), built with --pdf, is
proof-read as a member would read it (issue 24): no finding at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from rencontres.publishing.proofreading import proofread

# Words of the tool that readers should not see.
HIDDEN_WORDS = ["saisie", "saisies", "saisi", "saisis", "null", "YAML", "référentiel"]


@pytest.fixture(scope="module")
def findings(corpus: dict[str, Path]) -> dict[str, list[str]]:
    found = {}
    for shape, folder in corpus.items():
        for pdf in sorted(folder.glob("*.pdf")):
            found[f"{shape}/{pdf.name}"] = [
                str(finding) for finding in proofread(
                    pdf.name, pdf.with_suffix(".docx").read_bytes(), pdf.read_bytes(),
                    HIDDEN_WORDS)]
    return found


def test_every_shape_builds_its_documents(corpus, findings):
    assert sorted(findings) == [
        "compte-rendu-long/compte-rendu-2021-ardennes.pdf",
        "edition-en-cours/compte-rendu-2025-ardennes.pdf",
        "edition-en-cours/compte-rendu-2025-grande-region.pdf",
        "edition-en-cours/synthese-2025.pdf",
        "exemple-2021/compte-rendu-2021-hauts-de-france.pdf",
        "exemple-2021/synthese-2021.pdf",
        "nouveau-territoire/compte-rendu-2022-vallee-du-rhone-leman.pdf",
        "nouveau-territoire/synthese-2022.pdf",
        "quatre-editions/synthese-2021.pdf",
        "sans-precedente/synthese-2021.pdf",
        "territoire-unique/synthese-2021.pdf",
        "trente-territoires/synthese-2021.pdf"]


def test_every_page_of_every_shape_passes_the_proofreading(findings):
    assert {document: found for document, found in findings.items() if found} == {}


def _page_of(pdf: Path, text: str, heading: bool = False) -> int:
    from rencontres.publishing.proofreading import read_pages

    return next(page.number for page in read_pages(pdf.read_bytes())
                if any(line.text == text if heading else text in line.text
                       for line in page.lines))


def test_the_ingenierie_list_of_2021_is_kept_whole_with_its_heading(corpus):
    """Its last item went alone to the top of the next page (issue 24)."""
    pdf = corpus["exemple-2021"] / "compte-rendu-2021-hauts-de-france.pdf"
    heading = _page_of(pdf, "Ingénierie", heading=True)
    assert _page_of(pdf, "Pallier les besoins de compétences techniques") == heading
    assert _page_of(pdf, "Définir des stratégies thématiques partagées") == heading
