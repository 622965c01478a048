"""Native Word charts: a chart inserted, styled and named in Word receives its data.

The template's author inserts a chart in Word, styles it (colours, fonts, labels) and
names it in Word's Selection Pane: that name is the drawing's wp:docPr/@name. A chart
named « graphique-votes » is the template field `graphique_votes` (a Chart, see
documents/charts.py). At each build only its data is replaced: the series' name,
categories and values (c:tx, c:cat, c:val: their formulas, caches and point counts) and
the embedded workbook that Word's « Modifier les données » opens; the drawing's alt text
states the data, and the drawing grows taller for more categories than the template's
sample. Everything else (series formatting, data labels, axes, fonts, the legend) is the
template's, so a restyle survives every rebuild.

Written with lxml rather than python-pptx's chart code (pptx.chart.xmlwriter), which
rebuilds c:cat and c:val from scratch (the template's number format is lost), clones the
last series when the data has more (every new series takes its colour), and whose
package imports Pillow. The workbook is written by xlsxwriter (what python-pptx uses too),
with a fixed creation date and fixed zip times: the same data gives the same bytes.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from lxml import etree

from ..documents.charts import MAX_HEIGHT, Chart
from ..documents.french import plural
from ..errors import Problem, TemplateError
from . import safe_xml
from .elements import parent
from .fields import unwrap_optional
from .sandbox import xml_text

if TYPE_CHECKING:  # python-docx is imported when a document is rendered only
    from docx.document import Document
    from docx.opc.part import Part
    from pydantic import BaseModel

    from ..documents.context import TemplateContext

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "c": C,
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
}
CHART_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIP = f"{RELATIONSHIPS}/package"
CHART_RELATIONSHIP = f"{RELATIONSHIPS}/chart"
# The kinds of chart whose series have categories (c:cat) and values (c:val).
CATEGORY_CHARTS = {f"{{{C}}}{kind}" for kind in (
    "barChart", "bar3DChart", "lineChart", "line3DChart", "areaChart", "area3DChart",
    "pieChart", "pie3DChart", "doughnutChart", "ofPieChart", "radarChart")}
EMU_PER_INCH = 914400
# Points: the height of a bar (its value's label, 9 points, and the gap to the next),
# and of the legend and margins around the bars.
MIN_BAR_PT, LEGEND_PT = 12, 36
DEFAULT_SHEET = "Feuil1"  # what a French Word names the sheet of a new chart


def _c(tag: str) -> str:
    return f"{{{C}}}{tag}"


def chart_name(field: str) -> str:
    """The name of the native chart a template field stands for: graphique_votes →
    graphique-votes."""
    return field.replace("_", "-")


def chart_fields(context: type[BaseModel]) -> dict[str, str]:
    """The fields of a context that are charts: the name templates see → the attribute."""
    return {info.alias or name: name for name, info in context.model_fields.items()
            if unwrap_optional(info.annotation) is Chart}


def drawings(element: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """(wp:docPr, relationship id of the chart part) of each native chart under
    `element` (a body, a paragraph)."""
    for graphic_data in element.iter(f"{{{NS['a']}}}graphicData"):
        if graphic_data.get("uri") != C:
            continue
        chart = graphic_data.find(_c("chart"))
        frame = parent(parent(graphic_data))  # a:graphic's wp:inline or wp:anchor
        doc_pr = frame.find(f"{{{NS['wp']}}}docPr")
        rel_id = chart.get(f"{{{NS['r']}}}id") if chart is not None else None
        if doc_pr is not None and rel_id is not None:
            yield doc_pr, rel_id


def linked_file(part: Part) -> str | None:
    """The outside file a chart part takes its data from (a chart pasted « avec
    liaison » from Excel), or None."""
    for rel in part.rels.values():
        if rel.is_external:
            return str(rel.target_ref)
    return None


def linked_reason(target: str) -> str:
    return (f"ses données sont liées au fichier « {target} », hors du modèle : Word irait "
            "le chercher à chaque ouverture des documents publiés ; rompez la liaison "
            "(Fichier > Informations > Modifier les liens d'accès aux fichiers), la "
            "construction y met ses propres données")


class ChartDataError(ValueError):
    """A native chart that cannot receive its data (a French reason)."""


def fill_charts(document: Document, context: TemplateContext, date: datetime.date,
                template_name: str) -> None:
    """Give each native chart of the rendered `document` (python-docx) the data of the
    context's field of its name, in the body, the headers and the footers; remove a
    chart whose field is empty (as a picture field prints nothing). Charts of other
    names are left as they are: the checker refuses them before any build."""
    fields = {chart_name(field): attribute
              for field, attribute in chart_fields(type(context)).items()}
    # The same chart shown twice (a loop) is filled once, each of its drawings sized.
    shown_by: dict[Part, tuple[str, Chart, list[etree._Element]]] = {}
    hosts = chart_hosts(document)
    for host in hosts:
        for doc_pr, rel_id in list(drawings(host.element)):
            name = doc_pr.get("name", "")
            if name not in fields or rel_id not in host.related_parts:
                continue
            chart = getattr(context, fields[name])
            if chart is None:
                drawing = next(doc_pr.iterancestors(
                    "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}drawing"))
                parent(drawing).remove(drawing)
                continue
            doc_pr.set("descr", xml_text(chart.alt_text))
            part = host.related_parts[rel_id]
            shown_by.setdefault(part, (name, chart, []))[2].append(parent(doc_pr))
    problems = []
    for part, (name, chart, frames) in shown_by.items():
        try:
            fill_chart(part, chart, date, frames)
        except ChartDataError as error:
            problems.append(Problem(template_name, None, None,
                                    f"graphique « {name} » : {error}"))
    if problems:
        raise TemplateError(problems)
    # A chart removed (by its field, or by a {%p if %} around it) is not published with
    # the template's sample data.
    for host in hosts:
        shown = {rel_id for _, rel_id in drawings(host.element)}
        for rel_id, rel in list(host.rels.items()):
            if rel.reltype == CHART_RELATIONSHIP and rel_id not in shown:
                host.drop_rel(rel_id)


def chart_hosts(document: Any) -> list[Any]:
    """The parts whose drawings are shown: the body's, then each header and footer."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    return [document.part, *(rel.target_part for rel in document.part.rels.values()
                             if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external)]


# The numbers of a chart part: indexes and counts, unsigned integers in the schema.
_NUMBERED = ((("idx", "order", "ptCount"), "val"), (("pt",), "idx"))
_INTEGER = re.compile(r"\d{1,9}")


def chart_space(blob: bytes) -> etree._Element:
    """A chart part's c:chartSpace, parsed without DTD nor entities, its indexes and
    counts checked; ChartDataError (a French reason) for a part that is not so."""
    try:
        space = safe_xml.parse(blob)
    except safe_xml.UnsafeXml as error:
        raise ChartDataError(f"sa partie XML est refusée ({error}) : recréez le "
                             "graphique dans Word (Insertion > Graphique)") from None
    except etree.XMLSyntaxError:
        raise ChartDataError("sa partie XML est illisible : recréez le graphique dans Word "
                             "(Insertion > Graphique)") from None
    for tags, attribute in _NUMBERED:
        for element in space.iter(*map(_c, tags)):
            value = element.get(attribute)
            if value is not None and not _INTEGER.fullmatch(value):
                raise ChartDataError(
                    f"« {xml_text(value)[:40]} » n'est pas un nombre entier (c:"
                    f"{etree.QName(element).localname}, attribut {attribute}) : recréez le "
                    "graphique dans Word (Insertion > Graphique)")
    return space


def fill_chart(part: Part, chart: Chart, date: datetime.date,
               frames: Sequence[etree._Element] = ()) -> None:
    """Replace the data of a chart part (and its embedded workbook) by `chart`'s; its
    drawings (`frames`: wp:inline or wp:anchor) grow taller for more categories than
    the template's sample (see _grow)."""
    target = linked_file(part)
    if target is not None:
        raise ChartDataError(linked_reason(target))
    space = chart_space(part.blob)
    columns = chart.columns()
    labels = [xml_text(label) for label in chart.labels]
    series = [ser for xchart in space.iterfind("c:chart/c:plotArea/*", NS)
              if xchart.tag in CATEGORY_CHARTS for ser in xchart.iterfind("c:ser", NS)]
    if not series:
        raise ChartDataError("ce type de graphique n'a pas de catégories : choisissez dans "
                             "Word un graphique en barres, en histogramme, en courbes ou en "
                             "secteurs")
    if len(series) < len(columns):
        names = ", ".join(f"« {name} »" for name, _ in columns)
        raise ChartDataError(
            f"le graphique du modèle a {plural(len(series), 'série')}, il en faut "
            f"{len(columns)} ({names}) : ajoutez-en dans Word (clic droit, « Modifier les "
            "données »), chacune avec sa couleur")
    # Series beyond the data are dropped from the start, the template's last series
    # receiving the data's last (this year's edition, after the earlier ones); none is
    # ever added: a series added would have no style of its own.
    sample_bars = _category_count(series[0]) * _side_by_side(series)
    for extra in series[:len(series) - len(columns)]:
        parent(extra).remove(extra)
    series = series[len(series) - len(columns):]
    sheet = _sheet(series)
    reference = _quoted(sheet)
    rows = len(labels)
    colors = chart.column_colors()
    flipped = _reads_down_side_by_side(space, series)
    if flipped:
        series = _flip(space, series)
        labels = labels[::-1]
        columns = [(name, values[::-1]) for name, values in columns]
    # The workbook's columns stay in the data's order (the oldest edition first); a
    # flipped chart's first series reads the last column.
    order = range(len(columns) - 1, -1, -1) if flipped else range(len(columns))
    for ser, index in zip(series, order, strict=True):
        name, values = columns[index]
        column = _column_letter(index + 1)
        _set_name(ser, f"{reference}!${column}$1", xml_text(name))
        _set_categories(ser, f"{reference}!$A$2:$A${rows + 1}", labels)
        _set_values(ser, f"{reference}!${column}$2:${column}${rows + 1}", values)
        _drop_points_beyond(ser, rows)
        _set_fill(ser, colors[index])
    for frame in frames:
        _grow(frame, sample_bars, rows * _side_by_side(series))
    _every_category_label(space)
    _square_corners(space)
    _embed(part, space, workbook(sheet, labels, [(xml_text(n), v) for n, v in columns], date))
    # The chart part is a plain python-docx Part: its bytes are what is saved.
    part._blob = etree.tostring(space, xml_declaration=True, encoding="UTF-8",
                                standalone=True)


def _category_count(ser: etree._Element) -> int:
    """How many categories a series of the template shows (its sample data)."""
    count = ser.find("c:cat//c:ptCount", NS)
    value = count.get("val", "") if count is not None else ""
    if value.isdigit():
        return int(value)
    return len(ser.findall("c:cat//c:pt", NS))


def _side_by_side(series: Sequence[etree._Element]) -> int:
    """How many bars a category shows side by side: one per series, or one for series
    drawn over each other (c:overlap 100, the votes' two colours)."""
    chart = series[0].getparent() if series else None
    overlap = chart.find("c:overlap", NS) if chart is not None else None
    stacked = overlap is not None and overlap.get("val") == "100"
    return 1 if stacked or not series else len(series)


def _grow(frame: etree._Element, sample_bars: int, bars: int) -> None:
    """A drawing made for `sample_bars` bars (categories × series side by side) made
    taller for `bars`, the same height per bar (at least MIN_BAR_PT), never shorter than
    the template's and at most MAX_HEIGHT (with its caption, on one A4 page, as the
    pictures); its width is kept. Per bar, not per category: a category of three
    editions needs three bars' height, or LibreOffice drops labels it finds too close."""
    extent = frame.find("wp:extent", NS)
    if extent is None or not extent.get("cy", "").isdigit() or sample_bars <= 0:
        return
    height = int(extent.get("cy", "0"))
    tallest = max(height, round(MAX_HEIGHT * EMU_PER_INCH))
    # A bar at least as tall as its value's label, whatever the template's sample.
    least = round((bars * MIN_BAR_PT + LEGEND_PT) / 72 * EMU_PER_INCH)
    extent.set("cy", str(min(tallest, max(height, height * bars // sample_bars, least))))


def _reads_down_side_by_side(space: etree._Element, series: Sequence[etree._Element]) -> bool:
    """Whether a chart is horizontal bars, several side by side, with its categories
    read top to bottom (« ordre inverse »)."""
    bar_chart = parent(series[0])
    direction = bar_chart.find("c:barDir", NS)
    axis = space.find("c:chart/c:plotArea/c:catAx/c:scaling/c:orientation", NS)
    return (bar_chart.tag == _c("barChart") and direction is not None
            and direction.get("val") == "bar" and _side_by_side(series) > 1
            and axis is not None and axis.get("val") == "maxMin")


def _flip(space: etree._Element, series: list[etree._Element]) -> list[etree._Element]:
    """Categories read top to bottom, and the bars of a category as well, in the order
    of the legend: LibreOffice lists a horizontal bar chart's legend last series first,
    and puts the first series at the top of each category when the category axis is
    reversed (the legend then reads the bars backwards). So the axis goes back to its
    normal order (the first category at the bottom), the categories are given bottom to
    top and the series last first: the legend and the bars then both read the first
    series of the data first, in LibreOffice and in Word (which lists an unstacked
    horizontal bar chart's legend in the order its bars show, whatever the axis).
    Returns the series in their new order."""
    orientation = space.find("c:chart/c:plotArea/c:catAx/c:scaling/c:orientation", NS)
    if orientation is not None:  # always: the chart reads down (_reads_down_side_by_side)
        orientation.set("val", "minMax")
    # The value axis at the bottom again (it was « at the maximum category »).
    crosses = space.find("c:chart/c:plotArea/c:valAx/c:crosses", NS)
    if crosses is not None:
        crosses.set("val", "autoZero")
    bar_chart = parent(series[0])
    anchor = series[-1].getnext()
    for ser in series:
        bar_chart.remove(ser)
    reordered = series[::-1]
    for position, ser in enumerate(reordered):
        if anchor is not None:
            anchor.addprevious(ser)
        else:
            bar_chart.append(ser)
        # Word draws by c:order, LibreOffice by the order of the elements: the same.
        for tag in ("idx", "order"):
            element = ser.find(_c(tag))
            if element is not None:
                element.set("val", str(position))
    return reordered


def _every_category_label(space: etree._Element) -> None:
    """Every category's label shown (c:tickLblSkip 1, and a tick for each): without it
    LibreOffice skips every other label it finds too close to the next."""
    for axis in space.iterfind("c:chart/c:plotArea/c:catAx", NS):
        for tag in ("tickLblSkip", "tickMarkSkip"):
            element = axis.find(_c(tag))
            if element is None:
                element = _element(tag)
                # CT_CatAx: … lblAlgn, lblOffset, tickLblSkip, tickMarkSkip, noMultiLvlLbl, extLst
                following = next((found for name in ("tickMarkSkip", "noMultiLvlLbl", "extLst")
                                  if name != tag and (found := axis.find(_c(name))) is not None),
                                 None)
                if following is None:
                    axis.append(element)
                else:
                    following.addprevious(element)
            element.set("val", "1")


def _set_fill(ser: etree._Element, color: str) -> None:
    """The series' bars filled with `color` (the house's colour of its edition), whatever
    the template's sample had; its outline and effects are kept."""
    a = NS["a"]
    properties = ser.find(_c("spPr"))
    if properties is None:
        properties = _element("spPr")
        following = next((found for name in _AFTER_TX[1:]
                          if (found := ser.find(_c(name))) is not None), None)
        if following is None:
            ser.append(properties)
        else:
            following.addprevious(properties)
    fills = {f"{{{a}}}{tag}" for tag in ("noFill", "solidFill", "gradFill", "blipFill",
                                         "pattFill", "grpFill")}
    for child in list(properties):
        if child.tag in fills:
            properties.remove(child)
    fill = etree.Element(f"{{{a}}}solidFill")
    etree.SubElement(fill, f"{{{a}}}srgbClr", val=color.lstrip("#").upper())
    # CT_ShapeProperties: xfrm, custGeom | prstGeom, then the fill.
    geometry = [child for child in properties
                if child.tag in {f"{{{a}}}{tag}" for tag in ("xfrm", "custGeom", "prstGeom")}]
    if geometry:
        geometry[-1].addnext(fill)
    else:
        properties.insert(0, fill)


def _sheet(series: list[etree._Element]) -> str:
    """The sheet the template's formulas name (« Feuil1 », « Sheet1 »…), kept for the
    new workbook."""
    for formula in series[0].iterfind(".//c:f", NS):
        sheet, bang, _ = (formula.text or "").rpartition("!")
        if bang and sheet:
            if sheet.startswith("'") and sheet.endswith("'"):
                sheet = sheet[1:-1].replace("''", "'")
            if sheet and len(sheet) <= 31 and not re.search(r"[\[\]:*?/\\']", sheet):
                return sheet
    return DEFAULT_SHEET


def _quoted(sheet: str) -> str:
    return sheet if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet) else f"'{sheet}'"


def _column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _element(tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.Element(_c(tag), {key: value for key, value in attributes.items()})
    element.text = text
    return element


def _strings(formula: str, texts: Sequence[str]) -> etree._Element:
    reference = _element("strRef")
    reference.append(_element("f", formula))
    cache = etree.SubElement(reference, _c("strCache"))
    cache.append(_element("ptCount", val=str(len(texts))))
    for index, text in enumerate(texts):
        point = etree.SubElement(cache, _c("pt"), idx=str(index))
        point.append(_element("v", text))
    return reference


def _child(ser: etree._Element, tag: str, before: Sequence[str]) -> etree._Element:
    """The child `tag` of a series, emptied, or a new one placed before the first of
    `before` present (the order of the schema's CT_*Ser)."""
    element = ser.find(_c(tag))
    if element is not None:
        for child in list(element):
            element.remove(child)
        return element
    element = _element(tag)
    following = next((found for name in before if (found := ser.find(_c(name))) is not None),
                     None)
    if following is None:
        ser.append(element)
    else:
        following.addprevious(element)
    return element


# What follows c:tx, c:cat and c:val in every kind of category series (CT_BarSer,
# CT_LineSer, CT_PieSer, CT_AreaSer, CT_RadarSer).
_AFTER_TX = ("spPr", "invertIfNegative", "pictureOptions", "marker", "explosion", "dPt",
             "dLbls", "trendline", "errBars", "cat", "val", "smooth", "shape", "extLst")
_AFTER_VAL = ("smooth", "shape", "extLst")


def _set_name(ser: etree._Element, formula: str, name: str) -> None:
    _child(ser, "tx", _AFTER_TX).append(_strings(formula, [name]))


def _set_categories(ser: etree._Element, formula: str, labels: Sequence[str]) -> None:
    _child(ser, "cat", ("val", *_AFTER_VAL)).append(_strings(formula, labels))


def _set_values(ser: etree._Element, formula: str, values: Sequence[int | None]) -> None:
    kept = ser.find("c:val/c:numRef/c:numCache/c:formatCode", NS)
    number_format = kept.text if kept is not None and kept.text else "General"
    reference = _element("numRef")
    reference.append(_element("f", formula))
    cache = etree.SubElement(reference, _c("numCache"))
    cache.append(_element("formatCode", number_format))
    cache.append(_element("ptCount", val=str(len(values))))
    # A blank value has no point: no bar and no label (a 0 would show « 0 »).
    for index, value in enumerate(values):
        if value is not None:
            point = etree.SubElement(cache, _c("pt"), idx=str(index))
            point.append(_element("v", str(value)))
    _child(ser, "val", _AFTER_VAL).append(reference)


def _drop_points_beyond(ser: etree._Element, rows: int) -> None:
    """Formatting of single points (c:dPt, c:dLbl) past the last category would point
    at nothing."""
    for point in [*ser.iterfind("c:dPt", NS), *ser.iterfind("c:dLbls/c:dLbl", NS)]:
        index = point.find("c:idx", NS)
        if index is not None and int(index.get("val", "0")) >= rows:
            parent(point).remove(point)


def _square_corners(space: etree._Element) -> None:
    """c:roundedCorners said explicitly: absent, it means rounded (the schema's default),
    which Word draws and LibreOffice does not."""
    if space.find("c:roundedCorners", NS) is not None:
        return
    corners = _element("roundedCorners", val="0")
    previous = [element for tag in ("date1904", "lang")
                if (element := space.find(f"c:{tag}", NS)) is not None]
    if previous:
        previous[-1].addnext(corners)
    else:
        space.insert(0, corners)


def _embed(part: Part, space: etree._Element, data: bytes) -> None:
    """The chart's embedded workbook replaced by `data`, or a new one embedded when the
    chart had none (its link to an outside file broken) or an old binary one."""
    from docx.opc.part import Part

    external = space.find("c:externalData", NS)
    rel_id = None if external is None else external.get(f"{{{NS['r']}}}id")
    embedded = part.rels.get(rel_id) if rel_id else None
    if rel_id and embedded is not None:
        if embedded.target_part.content_type == XLSX_CONTENT_TYPE:
            embedded.target_part._blob = data
            return
        part.drop_rel(rel_id)
    package = part.package
    workbook_part = Part(package.next_partname("/word/embeddings/Microsoft_Excel_Worksheet%d.xlsx"),
                         XLSX_CONTENT_TYPE, data, package)
    new_id = part.relate_to(workbook_part, PACKAGE_RELATIONSHIP)
    if external is None:
        external = _element("externalData")
        external.append(_element("autoUpdate", val="0"))
        # CT_ChartSpace: … chart, spPr, txPr, externalData, printSettings, userShapes, extLst
        following = next((found for tag in ("printSettings", "userShapes", "extLst")
                          if (found := space.find(f"c:{tag}", NS)) is not None), None)
        if following is None:
            space.append(external)
        else:
            following.addprevious(external)
    external.set(f"{{{NS['r']}}}id", new_id)


def workbook(sheet: str, labels: Sequence[str],
             columns: Sequence[tuple[str, Sequence[int | None]]],
             date: datetime.date) -> bytes:
    """The chart's data as Word's « Modifier les données » shows it: categories in
    column A, one column per series, its name on the first row; a blank value is an
    empty cell."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    # The creation date is otherwise now: the same data would not give the same bytes.
    book.set_properties({"created": datetime.datetime.combine(date, datetime.time(12, 0))})
    worksheet = book.add_worksheet(sheet)
    for row, label in enumerate(labels, 1):
        worksheet.write_string(row, 0, label)  # never a formula, whatever it starts with
    for column, (name, values) in enumerate(columns, 1):
        worksheet.write_string(0, column, name)
        for row, value in enumerate(values, 1):
            if value is not None:
                worksheet.write_number(row, column, value)
    worksheet.set_column(0, 0, min(60, max((len(label) for label in labels), default=8) + 2))
    worksheet.set_column(1, len(columns), 14)
    book.close()
    return buffer.getvalue()
