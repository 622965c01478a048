"""Small Word templates written by the tests, one paragraph per line of text."""

from __future__ import annotations

from pathlib import Path

import docx


def make_template(path: Path, lines: list[str], table: list[list[str]] | None = None) -> Path:
    """A DOCX whose body holds `lines` as paragraphs, then an optional table."""
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table):
            for cell, text in zip(row.cells, cells):
                cell.text = text
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


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
