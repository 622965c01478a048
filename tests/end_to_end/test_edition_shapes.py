"""Every document of every edition shape (tests/support/corpus.py), built with --pdf, is
proof-read as a member would read it (issue 24): no finding at all."""

from __future__ import annotations

from itertools import pairwise
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


# --- The figures of every shape: one colour per edition year, contrasts, the map's labels --

CHART_NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
            "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}


def chart_series_colours(docx: bytes) -> dict[str, list[tuple[str, str]]]:
    """(series name, fill colour) of each series of each native chart, by chart part."""
    import io
    import zipfile

    from lxml import etree

    found = {}
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        for name in sorted(n for n in package.namelist()
                           if n.startswith("word/charts/chart") and n.endswith(".xml")):
            space = etree.fromstring(package.read(name))
            found[name] = [
                (ser.findtext("c:tx//c:v", namespaces=CHART_NS) or "",
                 (ser.find("c:spPr/a:solidFill/a:srgbClr", CHART_NS).get("val", "")
                  if ser.find("c:spPr/a:solidFill/a:srgbClr", CHART_NS) is not None else ""))
                for ser in space.iterfind(".//c:ser", CHART_NS)]
    return found


def figure_problems(folder: Path) -> list[str]:
    """What a reader of the synthesis of the shape built in `folder` (output/<année>)
    would find wrong in its figures: a year of two colours (map, charts, legends),
    adjacent series under 3:1, a map text under 4.5:1, the map's own problems."""
    from rencontres.content.loading import load_content
    from rencontres.documents.map import map_figure
    from rencontres.documents.style import contrast_ratio

    year = int(folder.name)
    synthesis = folder / f"synthese-{year}.docx"
    if not synthesis.is_file():
        return []
    content = load_content(folder.parent.parent / "content")
    problems: list[str] = []
    colours: dict[str, set[str]] = {}
    figure = map_figure(content, content.editions[year])
    if figure is not None:
        problems += [f"carte : {problem}" for problem in figure.problems]
        for shown_year, colour in figure.year_colors.items():
            colours.setdefault(str(shown_year), set()).add(colour.lstrip("#").upper())
        problems += [f"carte : « {text.text} » à {contrast_ratio(text.color, text.halo):.2f}:1"
                     for text in figure.texts if contrast_ratio(text.color, text.halo) < 4.5]
    for part, series in chart_series_colours(synthesis.read_bytes()).items():
        for (name, colour), (next_name, next_colour) in pairwise(series):
            if colour and next_colour and contrast_ratio(f"#{colour}", f"#{next_colour}") < 3:
                problems.append(f"{part} : séries « {name} » et « {next_name} » à "
                                f"{contrast_ratio(f'#{colour}', f'#{next_colour}'):.2f}:1")
        for name, colour in series:
            if name.isdigit() and colour:
                colours.setdefault(name, set()).add(colour.upper())
    problems += [f"l'année {shown} a {len(found)} couleurs : {sorted(found)}"
                 for shown, found in sorted(colours.items()) if len(found) > 1]
    return problems


def test_every_shape_s_figures_give_one_colour_per_year_and_readable_labels(corpus):
    assert {shape: problems for shape, folder in corpus.items()
            if (problems := figure_problems(folder))} == {}


def test_the_figures_check_sees_a_year_of_two_colours(corpus, tmp_path):
    """The check can fail: the 2021 synthesis with its 2020 bars recoloured in the trends."""
    import shutil
    import zipfile

    folder = tmp_path / "output" / "2021"
    shutil.copytree(corpus["exemple-2021"].parent.parent / "content", tmp_path / "content")
    folder.mkdir(parents=True)
    source = corpus["exemple-2021"] / "synthese-2021.docx"
    with zipfile.ZipFile(source) as original, \
            zipfile.ZipFile(folder / "synthese-2021.docx", "w") as changed:
        for item in original.infolist():
            data = original.read(item)
            if item.filename.startswith("word/charts/chart"):
                text = data.decode("utf-8")
                for _, colour in chart_series_colours(source.read_bytes()).get(
                        item.filename, [])[:1]:
                    if colour:
                        text = text.replace(f'val="{colour}"', 'val="00FF00"', 1)
                data = text.encode("utf-8")
            changed.writestr(item, data)
    found = figure_problems(folder)
    assert any("couleurs" in problem for problem in found), found
