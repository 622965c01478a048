"""The synthesis template's five charts are native Word charts: filled with the data the
content gives, their drawings as tall as their bars need, and a synthesis without a map
draws nothing with matplotlib."""

from __future__ import annotations

import datetime
import io
import re
import subprocess
import sys
from pathlib import Path

import docx
from docx.enum.shape import WD_INLINE_SHAPE
from support.content_builders import build_content, edition, referentiel, report
from support.native_charts import NS, native_chart, schema_problems, series_of

from rencontres.content.loading import Content, Edition
from rencontres.content.model import EditionInfo
from rencontres.documents.charts import MAX_HEIGHT, Chart, Series
from rencontres.documents.synthesis import synthesis_context
from rencontres.publishing.pdf import convert
from rencontres.word.render import Properties, render

PROPERTIES = Properties(title="Titre", subject="Sujet", keywords="MOT",
                        date=datetime.date(2021, 12, 1))

REPO = Path(__file__).resolve().parents[2]
SYNTHESIS = REPO / "templates" / "synthese.docx"
CHARTS = {"graphique-participants": "participants_chart",
          "graphique-categories": "categories_chart",
          "graphique-priorites-locales": "local_priorities_chart",
          "graphique-mot-attendue": "mot_expected_chart",
          "graphique-tendances": "graphique_tendances"}
EMU_PER_INCH = 914400


def three_editions(*years: int):
    """Nord, Est and Sud at each of `years`, Est absent the middle one; Nord gives its
    participants by category, not all of them."""
    editions = []
    for index, year in enumerate(years):
        reports = [report("nord", 10 + index, by_category={"techniciens": 6, "elus": 2},
                          local=["mobilite", "sante"], expected=["mobilite"]),
                   report("sud", 5 + 3 * index, local=["sante"], expected=["sante", "emploi"])]
        if index != 1:
            reports.append(report("est", 20 - index, local=["mobilite", "emploi"],
                                  expected=["sante"]))
        editions.append(edition(year, *reports))
    return build_content(*editions)


def extent(data: bytes, name: str) -> tuple[int, int]:
    frame = native_chart(data, name)[0].getparent()
    size = frame.find("wp:extent", NS)
    return int(size.get("cx")), int(size.get("cy"))


def colors(space) -> list[str]:
    return [ser.find("c:spPr/a:solidFill/a:srgbClr", NS).get("val")
            for ser in space.iterfind(".//c:ser", NS)]


# The charts of several editions side by side, whose legend must read as their bars.
BY_EDITION = {"graphique-participants", "graphique-tendances"}


def as_written(chart: Chart, name: str) -> list[tuple[str, list[str], dict[int, str]]]:
    """The series a chart's data gives, as the build writes them: for the charts by
    edition, categories bottom to top and the last edition first (see native_charts._flip)."""
    flip = name in BY_EDITION
    written = []
    for series, values in (chart.columns()[::-1] if flip else chart.columns()):
        labels, values = (list(chart.labels)[::-1], values[::-1]) if flip else (
            list(chart.labels), values)
        written.append((series, labels, {index: str(value) for index, value
                                         in enumerate(values) if value is not None}))
    return written


def test_the_five_charts_are_native_and_hold_the_content_data():
    content = three_editions(2019, 2020, 2021)
    context = synthesis_context(content, content.editions[2021])
    data = render(SYNTHESIS, context, PROPERTIES)
    for name, attribute in CHARTS.items():
        chart = getattr(context, attribute)
        doc_pr, space, _ = native_chart(data, name)
        assert series_of(space) == as_written(chart, name), name
        assert doc_pr.get("descr") == chart.alt_text
        assert schema_problems(space) == [], name
        # Every category's label shown: LibreOffice otherwise skips those it finds close.
        assert [axis.find(f"c:{tag}", NS).get("val") for axis in space.iterfind(".//c:catAx", NS)
                for tag in ("tickLblSkip", "tickMarkSkip")] == ["1", "1"], name
    _, participants, _ = native_chart(data, "graphique-participants")
    assert series_of(participants) == [
        ("2021", ["Sud", "Nord", "Est (pas de données 2020)"], {0: "11", 1: "12", 2: "18"}),
        ("2020", ["Sud", "Nord", "Est (pas de données 2020)"], {0: "8", 1: "11"})]
    # The house's colours of the editions, not the template's: navy for this one,
    # orange for the previous one, charcoal before.
    assert colors(participants) == ["1F3A5F", "D06A2A"]
    _, categories, _ = native_chart(data, "graphique-categories")
    assert series_of(categories) == [
        ("Participants", ["Techniciens", "Élus", "National", "Catégorie non précisée"],
         {0: "6", 1: "2", 2: "0", 3: "4"})]
    _, trends, _ = native_chart(data, "graphique-tendances")
    assert series_of(trends) == [
        ("2021", ["Sud", "Est (pas de données 2020)", "Nord"], {0: "11", 1: "18", 2: "12"}),
        ("2020", ["Sud", "Est (pas de données 2020)", "Nord"], {0: "8", 2: "11"}),
        ("2019", ["Sud", "Est (pas de données 2020)", "Nord"], {0: "5", 1: "20", 2: "10"})]
    assert colors(trends) == ["1F3A5F", "D06A2A", "3A3A3A"]
    # The same year, the same colour in both charts.
    years = [dict(zip([name for name, _, _ in series_of(space)], colors(space), strict=True))
             for space in (participants, trends)]
    assert years[0].items() <= years[1].items()
    # Axis in its normal order and series last edition first: legend and bars both read
    # from the oldest edition (see the PDF test below); Word's c:order says the same.
    for space in (participants, trends):
        assert [axis.get("val") for axis in space.iterfind(
            ".//c:catAx/c:scaling/c:orientation", NS)] == ["minMax"]
        assert [ser.find("c:order", NS).get("val") for ser in space.iterfind(".//c:ser", NS)] \
            == [str(index) for index in range(len(space.findall(".//c:ser", NS)))]
    # The trends' caption says what the chart shows: no « n. d. », which it never shows
    # (a territory without a file has no bar, and its label says so).
    captions = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs
                if p.style.name == "Caption"]
    assert "Nombre de participants par territoire à chaque édition." in captions
    assert not [caption for caption in captions if "n. d." in caption]
    # No chart is a picture (these territories have no place on the map: no map either).
    assert not [p for p in docx.Document(SYNTHESIS).paragraphs
                if re.fullmatch(r"\{\{ graphique_\w+ \}\}", p.text.strip())]
    assert [shape.type for shape in docx.Document(io.BytesIO(data)).inline_shapes] == [
        WD_INLINE_SHAPE.CHART] * 5


def test_without_a_previous_edition_the_participants_chart_keeps_the_navy_series():
    content = three_editions(2021)
    context = synthesis_context(content, content.editions[2021])
    _, space, _workbook = native_chart(render(SYNTHESIS, context, PROPERTIES),
                                      "graphique-participants")
    assert series_of(space) == [("2021", ["Est", "Nord", "Sud"], {0: "20", 1: "10", 2: "5"})]
    assert colors(space) == ["1F3A5F"]
    # A single series: the categories keep reading top to bottom by the template's axis.
    assert space.find(".//c:catAx/c:scaling/c:orientation", NS).get("val") == "maxMin"


def _participants(count: int) -> Chart:
    labels = [f"Territoire {number}" for number in range(1, count + 1)]
    return Chart(labels, [Series("2020", [5] * count, "#6C94C5"),
                          Series("2021", list(range(count, 0, -1)), "#1F3A5F")],
                 "Nombre de participants par territoire.")


def test_the_participants_chart_grows_with_its_territories_up_to_a_page():
    content = three_editions(2020, 2021)
    context = synthesis_context(content, content.editions[2021])
    width, height = extent(SYNTHESIS.read_bytes(), "graphique-participants")
    sample = len(series_of(native_chart(SYNTHESIS.read_bytes(),
                                        "graphique-participants")[1])[0][1])
    assert sample == 4 and height == round(4 * (0.7 + 0.5 * 9) / 9 * EMU_PER_INCH)
    sizes = {}
    for count in (2, 4, 9, 30, 300):
        shown = context.model_copy(update={"participants_chart": _participants(count)})
        sizes[count] = extent(render(SYNTHESIS, shown, PROPERTIES), "graphique-participants")
    assert sizes == {
        2: (width, height), 4: (width, height),  # never shorter than the template's
        9: (width, height * 9 // 4),  # the template's height per territory
        30: (width, round(MAX_HEIGHT * EMU_PER_INCH)),  # at most a page
        300: (width, round(MAX_HEIGHT * EMU_PER_INCH))}


def _trends(territories: int, editions: int) -> Chart:
    years = list(range(2021 - editions + 1, 2022))
    labels = [f"Territoire {number}" for number in range(1, territories + 1)]
    return Chart(labels, [Series(str(year), [10 + index] * territories, "#1F3A5F")
                          for index, year in enumerate(years)], "Participants.")


def test_the_trends_chart_grows_with_its_territories_times_its_editions():
    """A bar at least 12 points tall, whatever the template's sample (four territories,
    six editions in 2.3 inches: 7 points a bar): 10 territories of 3 editions were as
    tall as 10 of 1, and LibreOffice showed the name of every other territory only."""
    content = three_editions(2019, 2020, 2021)
    context = synthesis_context(content, content.editions[2021])
    _width, height = extent(SYNTHESIS.read_bytes(), "graphique-tendances")
    sizes = {}
    for territories, editions in ((2, 3), (10, 3), (10, 4), (10, 5), (30, 5)):
        shown = context.model_copy(update={"graphique_tendances": _trends(territories,
                                                                          editions)})
        sizes[territories, editions] = extent(render(SYNTHESIS, shown, PROPERTIES),
                                              "graphique-tendances")[1]
    assert sizes[2, 3] == height  # never shorter than the template's
    for editions in (3, 4):  # 12 points a bar, and the legend's 36
        assert sizes[10, editions] == round((10 * editions * 12 + 36) / 72 * EMU_PER_INCH)
    assert sizes[10, 5] == sizes[30, 5] == round(MAX_HEIGHT * EMU_PER_INCH)  # a page


def _words(pdf: Path, page: int) -> list[tuple[str, float, float]]:
    """(word, x, y) of a PDF page's words, by poppler's bounding boxes."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf),
                           "-"], capture_output=True, text=True, check=True).stdout
    return [(word, float(x), float(y)) for x, y, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html)]


def synthesis_pdf(content: Content, tmp_path: Path) -> Path:
    """The 2021 synthesis of `content`, rendered and converted by LibreOffice."""
    document = tmp_path / "synthese.docx"
    document.write_bytes(render(SYNTHESIS, synthesis_context(content, content.editions[2021]),
                                PROPERTIES))
    pdf = tmp_path / "synthese.pdf"
    pdf.write_bytes(convert([document], tmp_path, datetime.date(2021, 12, 1))[document])
    return pdf


def test_libreoffice_draws_every_territory_and_the_legend_in_the_order_of_the_bars(tmp_path):
    """Ten territories, three editions: every territory's name on the page, and within
    each territory the bars from top to bottom in the order the legend lists the years,
    left to right (LibreOffice listed them backwards: 2021, 2020, 2019)."""
    territories = [(f"t{number}", f"Territoire{number}") for number in range(1, 11)]
    editions = [Edition(
        info=EditionInfo.model_validate({"annee": year, "titre": f"Rencontres {year}"}),
        directory=Path(str(year)), synthesis=None,
        # Values that tell the editions apart: 1xx in 2019, 2xx in 2020, 3xx in 2021.
        reports={tid: report(tid, 100 * (index + 1) + number)
                 for number, (tid, _) in enumerate(territories, 1)})
        for index, year in enumerate((2019, 2020, 2021))]
    pdf = synthesis_pdf(build_content(*editions, ref=referentiel(territories=territories)),
                        tmp_path)
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    page = next(index for index, text in enumerate(pages, 1)
                if "Les tendances depuis 2019" in text)
    words = _words(pdf, page)
    caption = min(y for word, _, y in words if word == "Nombre")  # below the chart
    names = [(y, word) for word, _, y in words if re.fullmatch(r"Territoire\d+", word)
             and y < caption]
    assert [word for _, word in sorted(names)] == [name for _, name in territories]
    last_bar = max(y for y, _ in names)
    legend = sorted((x, word) for word, x, y in words
                    if word in ("2019", "2020", "2021") and last_bar < y < caption)
    assert [word for _, word in legend] == ["2019", "2020", "2021"]
    for number in range(1, 11):
        values = [(y, word) for word, _, y in words if re.fullmatch(rf"[123]{number:02d}", word)]
        assert [word[0] for _, word in sorted(values)] == ["1", "2", "3"], number


def test_libreoffice_shows_thirty_territories_on_the_page_of_their_caption(tmp_path):
    territories = [(f"t{number}", f"Territoire {number}") for number in range(1, 31)]
    editions = [Edition(
        info=EditionInfo.model_validate({"annee": year, "titre": f"Rencontres {year}"}),
        directory=Path(str(year)), synthesis=None,
        reports={tid: report(tid, 10 + number + year % 2)
                 for number, (tid, _) in enumerate(territories)})
        for year in (2020, 2021)]
    pdf = synthesis_pdf(build_content(*editions, ref=referentiel(territories=territories)),
                        tmp_path)
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    caption = "Nombre de participants par territoire en 2020 et en 2021."
    [page] = [page for page in pages if caption in page]
    assert "Participants par territoire" not in page  # the table is on the next page
    shown = re.findall(r"Territoire (\d+)\b", page)
    assert sorted(map(int, shown)) == list(range(1, 31))
    # Every bar's value is written: 30 territories, two editions each.
    values = re.findall(r"(?<![\w°])(\d+)(?![\w°])", page.split("Les participants")[-1]
                        .replace("2020", "").replace("2021", ""))
    assert len(values) >= 2 * 30


def _imported(project: Path) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "rencontres", "construire", "--force",
         "--jobs", "1", "--projet", str(project)], capture_output=True, text=True, check=True)
    return {match.group(1).split(".")[0]
            for match in re.finditer(r"^import time: .*\| +(\S+)$", result.stderr, re.M)}


def test_a_synthesis_without_a_map_draws_nothing_with_matplotlib(project):
    """The map is the template's one picture: without it, a whole build of the 2021
    edition (the compte-rendu too, whose chart is native as well) never imports
    matplotlib nor numpy."""
    template = project / "templates" / "synthese.docx"
    document = docx.Document(template)
    paragraphs = document.paragraphs
    start = next(index for index, paragraph in enumerate(paragraphs)
                 if paragraph.text == "{%p if carte %}")
    assert [p.text for p in paragraphs[start:start + 4]] == [
        "{%p if carte %}", "{{ carte }}", "{{ legende_carte }}", "{%p endif %}"]
    for paragraph in paragraphs[start:start + 4]:
        paragraph._element.getparent().remove(paragraph._element)
    document.save(template)
    imported = _imported(project)
    assert {"rencontres", "docx", "xlsxwriter"} <= imported  # the charts were filled
    assert imported & {"matplotlib", "numpy"} == set()
    built = project / "output" / "2021" / "synthese-2021.docx"
    assert len(series_of(native_chart(built.read_bytes(), "graphique-participants")[1])
               [0][1]) == 9
