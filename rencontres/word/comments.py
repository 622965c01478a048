"""Comments of a template: notes between its authors, never published.

A comment typed in a template (Word's Révision › Nouveau commentaire, LibreOffice's
Insertion › Commentaire) would reach every document: its part (comments.xml), its
marks in the text, and a note icon in the PDF. The build removes them all, with the
parts that name their authors; `verifier` warns of them (comment_warnings).
"""

from __future__ import annotations

from typing import Any

from .native_charts import chart_hosts

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MARKS = (f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}commentReference")
# The parts of the comments: Word 2007's, and those later Words add beside it.
COMMENT_PARTS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments",
    "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
    "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
    "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible",
    "http://schemas.microsoft.com/office/2011/relationships/people",
)


def remove_comments(document: Any) -> None:
    """The comments of a python-docx document removed: their marks in the body, the
    headers and the footers, and their parts."""
    for host in chart_hosts(document):
        for mark in list(host.element.iter(*_MARKS)):
            holder = mark.getparent()
            if mark.tag == f"{W}commentReference" and holder is not None \
                    and holder.tag == f"{W}r" and len(holder) <= 2:
                mark = holder  # the run holds the reference alone (and its properties)
            parent = mark.getparent()
            if parent is not None:
                parent.remove(mark)
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype in COMMENT_PARTS:
            document.part.drop_rel(rel_id)
