"""Reading a native Word chart back from a built DOCX: its drawing, XML and workbook."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from lxml import etree

VOTES = "graphique-votes"
NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
      "x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


# The order of the children of the c: elements, in the schema (ECMA-376 part 1,
# dml-chart.xsd): of what a build writes or inserts, and of what the template's chart
# has (written by a script, not by Word).
_AXIS = ["axId", "scaling", "delete", "axPos", "majorGridlines", "minorGridlines", "title",
         "numFmt", "majorTickMark", "minorTickMark", "tickLblPos", "spPr", "txPr", "crossAx",
         "crosses", "crossesAt"]
SCHEMA_ORDER = {
    "chart": ["title", "autoTitleDeleted", "pivotFmts", "view3D", "floor", "sideWall",
              "backWall", "plotArea", "legend", "plotVisOnly", "dispBlanksAs",
              "showDLblsOverMax", "extLst"],
    "plotArea": ["layout", "barChart", "catAx", "valAx", "dTable", "spPr", "extLst"],
    "barChart": ["barDir", "grouping", "varyColors", "ser", "dLbls", "gapWidth", "overlap",
                 "serLines", "axId", "extLst"],
    "dLbls": ["dLbl", "delete", "numFmt", "spPr", "txPr", "dLblPos", "showLegendKey",
              "showVal", "showCatName", "showSerName", "showPercent", "showBubbleSize",
              "separator", "showLeaderLines", "leaderLines", "extLst"],
    "catAx": [*_AXIS, "auto", "lblAlgn", "lblOffset", "tickLblSkip", "tickMarkSkip",
              "noMultiLvlLbl", "extLst"],
    "valAx": [*_AXIS, "crossBetween", "majorUnit", "minorUnit", "dispUnits", "extLst"],
    "scaling": ["logBase", "orientation", "max", "min", "extLst"],
    "legend": ["legendPos", "legendEntry", "layout", "overlay", "spPr", "txPr", "extLst"],
    "chartSpace": ["date1904", "lang", "roundedCorners", "AlternateContent", "style",
                   "clrMapOvr", "pivotSource", "protection", "chart", "spPr", "txPr",
                   "externalData", "printSettings", "userShapes", "extLst"],
    "ser": ["idx", "order", "tx", "spPr", "invertIfNegative", "pictureOptions", "dPt",
            "dLbls", "trendline", "errBars", "cat", "val", "shape", "extLst"],
    "tx": ["strRef", "v"],
    "strRef": ["f", "strCache", "extLst"], "strCache": ["ptCount", "pt", "extLst"],
    "numRef": ["f", "numCache", "extLst"], "numCache": ["formatCode", "ptCount", "pt", "extLst"],
    "pt": ["v"], "externalData": ["autoUpdate"],
}


def _target(package: zipfile.ZipFile, part: str, rel_id: str) -> str:
    folder, _, name = part.rpartition("/")
    rels = etree.fromstring(package.read(f"{folder}/_rels/{name}.rels"))
    target = rels.xpath(f"rel:Relationship[@Id='{rel_id}']/@Target", namespaces=NS)[0]
    parts = []
    for piece in PurePosixPath(folder, target).parts:
        if piece == "..":
            parts.pop()
        else:
            parts.append(piece)
    return "/".join(parts)


def native_chart(data: bytes, name: str = VOTES):
    """(docPr, chart XML, workbook bytes) of the chart named `name` in a DOCX."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        document = etree.fromstring(package.read("word/document.xml"))
        doc_pr = document.xpath(f"//wp:docPr[@name='{name}']", namespaces=NS)[0]
        rel_id = doc_pr.xpath("../a:graphic//c:chart/@r:id", namespaces=NS)[0]
        chart_part = _target(package, "word/document.xml", rel_id)
        space = etree.fromstring(package.read(chart_part))
        embedded = space.xpath("c:externalData/@r:id", namespaces=NS)[0]
        workbook = package.read(_target(package, chart_part, embedded))
    return doc_pr, space, workbook


def series_of(space) -> list[tuple[str, list[str], dict[int, str]]]:
    """(name, categories, {index: value}) of each series."""
    return [(ser.findtext("c:tx//c:v", namespaces=NS),
             [v.text for v in ser.iterfind("c:cat//c:pt/c:v", NS)],
             {int(pt.get("idx")): pt.findtext("c:v", namespaces=NS)
              for pt in ser.iterfind("c:val//c:pt", NS)})
            for ser in space.iterfind(".//c:ser", NS)]


def schema_problems(space) -> list[str]:
    problems = []
    for element in space.iter():
        name = etree.QName(element).localname
        if name not in SCHEMA_ORDER or etree.QName(element).namespace != NS["c"]:
            continue
        order = SCHEMA_ORDER[name]
        children = [etree.QName(child).localname for child in element]
        unknown = [child for child in children if child not in order]
        positions = [order.index(child) for child in children if child in order]
        if unknown or positions != sorted(positions):
            problems.append(f"{name}: {children}")
    for ser in space.iterfind(".//c:ser", NS):
        count = int(ser.find("c:val//c:ptCount", NS).get("val"))
        if len(ser.findall("c:cat//c:pt", NS)) != count or any(
                int(pt.get("idx")) >= count for pt in ser.iterfind("c:val//c:pt", NS)):
            problems.append("points beyond ptCount")
    return problems
