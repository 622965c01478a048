"""What LibreOffice's tagged PDF lacks for PDF/UA, added after the export with qpdf
(pikepdf), with an identifier computed from the content (the same PDF gives the same
bytes; pypdf's incremental update, used before, parsed the whole document in Python):

- the alternative text of native Word charts: LibreOffice tags a chart as a figure but
  leaves out its text (it exports that of pictures only);
- a picture LibreOffice marks as an artifact (the synthesis's map) under an empty
  figure: its drawing is moved into the figure, whose alternative text is then read;
- each page's /Tabs, which LibreOffice 7.4 writes as a string: the name /S."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

# LibreOffice tags the texts of a chart (its labels, its legend) as paragraphs inside
# its figure; a picture's figure holds its image's marked content only.
CHART_TEXT_TYPES = ("/P", "/Span")


def finish_tags(pdf: bytes, document: bytes) -> bytes:
    """`pdf`, exported from the DOCX `document`, with the fixes above."""
    import pikepdf

    charts = _chart_descriptions(document)
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        if "/StructTreeRoot" not in opened.Root:
            return pdf
        figures = [element for element in structure_elements(opened.Root.StructTreeRoot.get("/K"))
                   if element.get("/S") == "/Figure"]
        # Matched by what they are, not by their rank among all figures: a picture
        # without alt text before a chart must not take the chart's text.
        for figure, text in zip([f for f in figures if _is_chart(f)], charts, strict=False):
            if text and not str(figure.get("/Alt", "")).strip():
                figure.Alt = pikepdf.String(text)
        _tag_artifact_pictures(opened, figures)
        for page in opened.pages:
            tabs = page.obj.get("/Tabs")
            if isinstance(tabs, pikepdf.String) or (tabs is None and "/Annots" in page.obj):
                page.obj.Tabs = pikepdf.Name("/" + (str(tabs) if tabs is not None else "S"))
        updated = io.BytesIO()
        opened.save(updated, deterministic_id=True)
    return updated.getvalue()


def _chart_descriptions(document: bytes) -> list[str]:
    """The alternative text of each native chart of a DOCX's body, in order ("" for a
    chart without one: it keeps its rank)."""
    from lxml import etree

    from ..word import safe_xml
    from ..word.native_charts import drawings

    with zipfile.ZipFile(io.BytesIO(document)) as package:
        body = etree.fromstring(package.read("word/document.xml"), safe_xml.parser())
    return [doc_pr.get("descr", "") for doc_pr, _ in drawings(body)]


def structure_elements(node: Any) -> Iterator[Any]:
    """The structure elements under `node`, in reading order."""
    import pikepdf

    if isinstance(node, pikepdf.Array):
        for item in node:
            yield from structure_elements(item)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        yield node
        if "/K" in node:
            yield from structure_elements(node.K)


def _kids(element: Any) -> list[Any]:
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_chart(figure: Any) -> bool:
    import pikepdf

    return any(isinstance(kid, pikepdf.Dictionary) and kid.get("/S") in CHART_TEXT_TYPES
               for kid in _kids(figure))


def _tag_artifact_pictures(pdf: Any, figures: list[Any]) -> None:
    """Each empty figure takes the first picture drawn as an artifact (not a page's
    header or footer) on its page or the next: its marked content becomes the figure's."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    page_of_element: dict[tuple[int, int], int] = {}
    last_page = 0
    for element in structure_elements(pdf.Root.StructTreeRoot.get("/K")):
        if "/Pg" in element and element.Pg.objgen in pages:
            last_page = pages[element.Pg.objgen]
        page_of_element[element.objgen] = last_page
    taken: set[tuple[int, int]] = set()
    for figure in figures:
        if _kids(figure) or not figure.is_indirect:
            continue
        start = page_of_element.get(figure.objgen, 0)
        for index in range(start, min(start + 2, len(pdf.pages))):
            if _tag_first_picture(pdf, pdf.pages[index], figure, taken):
                break


def _tag_first_picture(pdf: Any, page: Any, figure: Any,
                       taken: set[tuple[int, int]]) -> bool:
    import pikepdf

    if "/StructParents" not in page.obj:
        return False
    operations: list[tuple[Any, Any]] = [(instruction.operands, instruction.operator)
                  for instruction in pikepdf.parse_content_stream(page)]
    images = page.obj.get("/Resources", {}).get("/XObject", {})
    open_artifacts: list[int | None] = []  # per open marked content: its index if Artifact
    mcids = [int(operands[1].MCID) for operands, operator in operations
             if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary)
             and "/MCID" in operands[1]]
    for index, (operands, operator) in enumerate(operations):
        name = str(operator)
        if name in ("BMC", "BDC"):
            is_artifact = str(operands[0]) == "/Artifact" and not (
                name == "BDC" and isinstance(operands[1], pikepdf.Dictionary)
                and str(operands[1].get("/Type", "")) == "/Pagination")
            open_artifacts.append(index if is_artifact else None)
        elif name == "EMC" and open_artifacts:
            open_artifacts.pop()
        elif name == "Do" and open_artifacts and open_artifacts[-1] is not None:
            image = images.get(operands[0])
            if image is None or image.get("/Subtype") != "/Image":
                continue
            if (page.obj.objgen, open_artifacts[-1]) in taken:
                continue
            start = open_artifacts[-1]
            mcid = max(mcids, default=-1) + 1
            operations[start] = ([pikepdf.Name("/Figure"), pikepdf.Dictionary(MCID=mcid)],
                                 pikepdf.Operator("BDC"))
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(operations))
            figure.Pg = page.obj
            figure.K = mcid
            _parent_tree_entry(pdf, int(page.obj.StructParents), mcid, figure)
            taken.add((page.obj.objgen, start))
            return True
    return False


def _parent_tree_entry(pdf: Any, key: int, mcid: int, figure: Any) -> None:
    """The page's array of the parent tree (MCID → structure element) given `figure`
    at `mcid`."""
    import pikepdf

    tree = pdf.Root.StructTreeRoot.get("/ParentTree")
    if tree is None:
        tree = pdf.Root.StructTreeRoot.ParentTree = pdf.make_indirect(
            pikepdf.Dictionary(Nums=pikepdf.Array()))
    nums = tree.get("/Nums")
    if nums is None:  # a tree of several levels: LibreOffice writes one level only
        return
    for position in range(0, len(nums) - 1, 2):
        if int(nums[position]) == key:
            parents = nums[position + 1]
            break
    else:
        parents = pdf.make_indirect(pikepdf.Array())
        nums.extend([key, parents])
    while len(parents) < mcid:
        parents.append(None)
    if len(parents) == mcid:
        parents.append(figure)
    else:
        parents[mcid] = figure
