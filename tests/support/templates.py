"""Small Word templates written by the tests, one paragraph per line of text."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import docx


def make_template(path: Path, lines: list[str], table: list[list[str]] | None = None) -> Path:
    """A DOCX whose body holds `lines` as paragraphs, then an optional table."""
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=False):
                cell.text = text
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


CHART_MARK = "[graphique "  # a line « [graphique NAME] » is a native chart named NAME


def make_chart_template(path: Path, lines: list[str], series: int = 2,
                        linked: str | None = None) -> Path:
    """A tiny hand-made DOCX, one paragraph per line; each line « [graphique NAME] » is a
    native bar chart named NAME (Word's Selection Pane), with `series` series and no
    embedded workbook, or its data linked to the outside file `linked`."""
    import zipfile

    types = ['<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/word/document.xml" ContentType="application/vnd.'
             'openxmlformats-officedocument.wordprocessingml.document.main+xml"/>']
    entries = {"_rels/.rels": _rels([("rId1", "officeDocument", "word/document.xml", "")])}
    body, document_rels = [], []
    for number, line in enumerate(lines, 1):
        if not line.startswith(CHART_MARK):
            body.append(f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>')
            continue
        name = escape(line[len(CHART_MARK):-1], {'"': "&quot;"})
        document_rels.append((f"rId{number}", "chart", f"charts/chart{number}.xml", ""))
        types.append(f'<Override PartName="/word/charts/chart{number}.xml" ContentType="'
                     'application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>')
        external = ""
        if linked:
            external = '<c:externalData r:id="rId1"><c:autoUpdate val="0"/></c:externalData>'
            entries[f"word/charts/_rels/chart{number}.xml.rels"] = _rels(
                [("rId1", "oleObject", escape(linked), ' TargetMode="External"')])
        entries[f"word/charts/chart{number}.xml"] = chart_xml(series, external)
        body.append(
            f'<w:p><w:r><w:drawing><wp:inline><wp:extent cx="5400000" cy="3000000"/>'
            f'<wp:docPr id="{number}" name="{name}"/><a:graphic><a:graphicData uri="{C}">'
            f'<c:chart r:id="rId{number}"/></a:graphicData></a:graphic></wp:inline>'
            "</w:drawing></w:r></w:p>")
    entries["word/document.xml"] = (
        f'<w:document xmlns:w="{W}" xmlns:wp="{WP}" xmlns:a="{A}" xmlns:c="{C}" '
        f'xmlns:r="{R}"><w:body>{"".join(body)}<w:sectPr/></w:body></w:document>')
    entries["word/_rels/document.xml.rels"] = _rels(document_rels)
    entries = {"[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/'
               f'package/2006/content-types">{"".join(types)}</Types>', **entries}
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, xml in entries.items():
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info,
                             '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml)
    return path


def _rels(relations: list[tuple[str, str, str, str]]) -> str:
    return ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships">' + "".join(
                f'<Relationship Id="{rel_id}" Type="{R}/{kind}" Target="{target}"{mode}/>'
                for rel_id, kind, target, mode in relations) + "</Relationships>")


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def chart_xml(series: int, external: str = "") -> str:
    """A bar chart as Word writes one, its series named « Série 1 »… with a sample
    value, in green, with data labels."""
    sers = "".join(
        f'<c:ser><c:idx val="{i}"/><c:order val="{i}"/><c:tx><c:strRef><c:f>Feuil1!$'
        f'{"BCD"[i]}$1</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>Série {i + 1}'
        '</c:v></c:pt></c:strCache></c:strRef></c:tx><c:spPr><a:solidFill><a:srgbClr '
        'val="00A000"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/><c:dLbls>'
        '<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/>'
        '<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/>'
        '</c:dLbls><c:cat><c:strRef><c:f>Feuil1!$A$2:$A$2</c:f><c:strCache><c:ptCount '
        'val="1"/><c:pt idx="0"><c:v>Catégorie 1</c:v></c:pt></c:strCache></c:strRef></c:cat>'
        f'<c:val><c:numRef><c:f>Feuil1!${"BCD"[i]}$2:${"BCD"[i]}$2</c:f><c:numCache>'
        '<c:formatCode>0</c:formatCode><c:ptCount val="1"/><c:pt idx="0"><c:v>4.3</c:v>'
        '</c:pt></c:numCache></c:numRef></c:val></c:ser>' for i in range(series))
    return (f'<c:chartSpace xmlns:c="{C}" xmlns:a="{A}" xmlns:r="{R}"><c:date1904 val="0"/>'
            '<c:lang val="fr-FR"/><c:chart><c:plotArea><c:layout/><c:barChart><c:barDir '
            f'val="bar"/><c:grouping val="clustered"/><c:varyColors val="0"/>{sers}'
            '<c:overlap val="100"/><c:axId val="1"/><c:axId val="2"/></c:barChart><c:catAx>'
            '<c:axId val="1"/><c:scaling><c:orientation val="maxMin"/></c:scaling><c:delete '
            'val="0"/><c:axPos val="l"/><c:crossAx val="2"/></c:catAx><c:valAx><c:axId val="2"/>'
            '<c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="1"/><c:axPos '
            'val="b"/><c:crossAx val="1"/><c:crosses val="max"/></c:valAx></c:plotArea>'
            '<c:legend><c:legendPos val="b"/></c:legend></c:chart><c:txPr><a:bodyPr/><a:p>'
            '<a:pPr><a:defRPr sz="1000"><a:latin typeface="Georgia"/></a:defRPr></a:pPr>'
            f'</a:p></c:txPr>{external}</c:chartSpace>')


def add_toc(path: Path, instruction: str = ' TOC \\o "1-3" \\h \\z \\u ',
            entries: tuple[str, ...] = ()) -> Path:
    """Put a table of contents at the start of the template's body as Word inserts one
    (Références > Table des matières): a TOC field in a « Table of Contents » content
    control, displaying `entries`, the headings Word listed when it last updated it."""
    import io
    import zipfile

    from lxml import etree

    def w(tag: str) -> str:
        return f"{{{W}}}{tag}"

    def paragraph(style: str, *runs: etree._Element) -> etree._Element:
        node = etree.Element(w("p"))
        properties = etree.SubElement(node, w("pPr"))
        etree.SubElement(properties, w("pStyle"), {w("val"): style})
        node.extend(runs)
        return node

    def run(kind: str, value: str = "") -> etree._Element:
        node = etree.Element(w("r"))
        if kind == "text":
            etree.SubElement(node, w("t")).text = value
        elif kind == "code":
            etree.SubElement(node, w("instrText")).text = value
        else:
            etree.SubElement(node, w("fldChar"), {w("fldCharType"): kind})
        return node

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    document = etree.fromstring(parts["word/document.xml"])
    sdt = etree.Element(w("sdt"))
    gallery = etree.SubElement(etree.SubElement(etree.SubElement(sdt, w("sdtPr")),
                                                w("docPartObj")), w("docPartGallery"))
    gallery.set(w("val"), "Table of Contents")
    content = etree.SubElement(sdt, w("sdtContent"))
    content.append(paragraph("TOCHeading", run("text", "Table des matières")))
    first, *others = entries or ("",)
    content.append(paragraph("TOC1", run("begin"), run("code", instruction), run("separate"),
                             run("text", first)))
    content.extend(paragraph("TOC1", run("text", entry)) for entry in others)
    content.append(paragraph("Normal", run("end")))
    document.find(w("body")).insert(0, sdt)
    parts["word/document.xml"] = etree.tostring(document, xml_declaration=True,
                                                encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path
