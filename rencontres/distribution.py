"""What goes to the members: PDFs, a manifest with digests, one zip bundle."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import TYPE_CHECKING

from .content import Content, Edition
from .output import deterministic_zip, write_atomic
from .state import BuildState, sha256_file

if TYPE_CHECKING:
    from .builder import DocumentJob, Project

MANIFEST = "manifeste.csv"


def bundle_name(year: int) -> str:
    return f"rencontres-territoriales-{year}.zip"


def finish_edition(project: "Project", content: Content, edition: Edition,
                   jobs: list["DocumentJob"], state: BuildState, pdf: bool,
                   changed: bool) -> list[Path]:
    """PDFs (when asked), manifest and bundle; write only what changed."""
    written: list[Path] = []
    present = [job for job in jobs if job.output.is_file()]
    if pdf:
        written += _pdfs(present, state)
    folder = project.output_dir / str(edition.year)
    rows = _manifest_rows(content, present, state)
    if not rows:
        return written
    manifest = folder / MANIFEST
    text = _manifest_text(rows)
    bundle = folder / bundle_name(edition.year)
    if changed or written or _read(manifest) != text or not bundle.is_file():
        write_atomic(manifest, text)
        files = [folder / row[0] for row in rows] + [manifest]
        write_atomic(bundle, deterministic_zip([(p.name, p.read_bytes()) for p in files]))
        written += [manifest, bundle]
    return written


def _pdfs(jobs: list["DocumentJob"], state: BuildState) -> list[Path]:
    from . import pdf

    stale = [job.output for job in jobs
             if not state.is_current(job.output.with_suffix(".pdf"),
                                     sha256_file(job.output) or "")]
    converted = pdf.convert(stale)
    for document, data in converted.items():
        target = document.with_suffix(".pdf")
        write_atomic(target, data)
        state.record(target, sha256_file(document) or "", data)
    if converted:
        state.save()
    return [document.with_suffix(".pdf") for document in converted]


def _manifest_rows(content: Content, jobs: list["DocumentJob"],
                   state: BuildState) -> list[list[str]]:
    """The documents, and their PDFs made from the current version only: a PDF left
    from an older version of its document is never sent."""
    rows = []
    for job in jobs:
        territory = content.territory(job.territory_id).name if job.territory_id else ""
        kind = "Compte-rendu" if job.territory_id else "Synthèse"
        pdf = job.output.with_suffix(".pdf")
        current_pdf = state.is_current(pdf, sha256_file(job.output) or "")
        for path in (job.output, pdf) if current_pdf else (job.output,):
            if path.is_file():
                data = path.read_bytes()
                rows.append([path.name, kind, territory,
                             hashlib.sha256(data).hexdigest(), str(len(data))])
    return rows


def _manifest_text(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["fichier", "document", "territoire", "sha256", "octets"])
    writer.writerows(rows)
    # BOM: Excel then opens the accents right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
