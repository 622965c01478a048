"""Native charts named by a marker in the template's text, which every save keeps.

Word keeps a chart's name (its wp:docPr/@name, set in the Selection Pane); LibreOffice
Writer does not: saving a template as .docx renames every chart « Object1 », « Object2 »…
and drops its alt text. So a chart may also be named by a Jinja comment, « {#
graphique-votes #} », in its own paragraph or in the paragraph just below it (its
caption): text survives any save, in either suite, and renders to nothing. The marker
wins over the drawing's name; the checker and the build both read charts through it.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import Any

from lxml import etree

from . import safe_xml
from .native_charts import chart_hosts, chart_name, drawings

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# One word between {# and #}; the spaces AutoCorrect may put inside the braces allowed.
MARKER = re.compile(r"\{[\s\u00a0\u202f]*#[\s\u00a0\u202f]*([\w-]+)[\s\u00a0\u202f]*#"
                    r"[\s\u00a0\u202f]*\}")


def _markers(paragraph: etree._Element) -> list[str]:
    text = "".join(node.text or "" for node in paragraph.iter(f"{W}t"))
    return [chart_name(name) for name in MARKER.findall(text)]


def name_charts(root: etree._Element) -> None:
    """Each native chart under `root` (a body, a header) that has a marker in its
    paragraph or the next one named by it, in the order of the paragraph's charts."""
    for paragraph in root.iter(f"{W}p"):
        charts = [doc_pr for doc_pr, _ in drawings(paragraph)]
        if not charts:
            continue
        names = _markers(paragraph)
        following = paragraph.getnext()
        if following is not None and following.tag == f"{W}p":
            names += _markers(following)
        for doc_pr, name in zip(charts, names, strict=False):
            doc_pr.set("name", name)


def name_document_charts(document: Any) -> None:
    """name_charts over a python-docx document's body, headers and footers."""
    for host in chart_hosts(document):
        name_charts(host.element)


def native_chart_names(template: bytes) -> set[str]:
    """The names of the native charts in the body of a template's bytes (nothing for a
    template that cannot be read: its problems are the checker's)."""
    try:
        with zipfile.ZipFile(io.BytesIO(template)) as archive:
            body = etree.fromstring(archive.read("word/document.xml"), safe_xml.parser())
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, zlib.error, etree.Error):
        return set()
    name_charts(body)
    return {doc_pr.get("name", "") for doc_pr, _ in drawings(body)}
