"""What goes to the members: PDFs, a manifest with digests, one zip bundle."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..content.loading import Content, Edition
from ..word.archive import deterministic_zip
from .output import write_atomic
from .plan import DocumentJob, Project, publication_date
from .state import BuildState, sha256_file

MANIFEST = "manifeste.csv"


def bundle_name(year: int) -> str:
    return f"rencontres-territoriales-{year}.zip"


def finish_edition(project: Project, content: Content, edition: Edition,
                   jobs: list[DocumentJob], state: BuildState, pdf: bool,
                   changed: bool, warn: Callable[[str], None], written: list[Path]) -> None:
    """PDFs (when asked), manifest and bundle; write only what changed, each file
    added to `written` as soon as it is (a failure then says what was)."""
    present = [job for job in jobs if job.output.is_file()]
    if pdf:
        _pdfs(present, state, project.output_dir, publication_date(edition), written)
    folder = project.output_dir / str(edition.year)
    bundle = folder / bundle_name(edition.year)
    manifest = folder / MANIFEST
    # A build with nothing to do only hashes the files, one at a time, to compare the
    # manifest; their bytes are kept when the bundle is to be rewritten.
    rewrite = changed or bool(written) or not bundle.is_file()
    files = _sent_files(content, present, state, keep=rewrite)
    if not files:
        return
    sent = {f.path for f in files}
    for job in present:
        old_pdf = job.output.with_suffix(".pdf")
        if old_pdf not in sent and old_pdf.is_file():
            warn(f"{old_pdf.name} ne correspond plus à son document : il n'est pas dans le "
                 "paquet (construisez avec --pdf)")
    text = _manifest_text(files)
    if not rewrite and _read(manifest) != text:
        rewrite = True
        files = _sent_files(content, present, state, keep=True)
        text = _manifest_text(files)
    if rewrite:
        write_atomic(manifest, text)
        written.append(manifest)
        entries = [(f.path.name, _kept(f)) for f in files] + [(MANIFEST, text)]
        write_atomic(bundle, deterministic_zip(entries, stored=_STORED))
        written.append(bundle)


# Already compressed (a .docx is a zip of deflated parts, a PDF's streams are
# deflated): stored as they are in the bundle, not deflated a second time for
# nothing; the manifest is deflated.
_STORED = (".docx", ".pdf")


def _pdfs(jobs: list[DocumentJob], state: BuildState, output_dir: Path,
          published: datetime.date, written: list[Path]) -> None:
    from . import pdf

    stale = [job.output for job in jobs
             if not state.is_current(job.output.with_suffix(".pdf"),
                                     sha256_file(job.output) or "")]
    converted = pdf.convert(stale, output_dir, published)
    try:
        for document, data in converted.items():
            target = document.with_suffix(".pdf")
            write_atomic(target, data)
            written.append(target)
            state.record(target, sha256_file(document) or "", data)
    finally:
        if converted:
            state.save()


@dataclass
class _SentFile:
    """A file of the bundle, as the manifest describes it."""

    path: Path
    kind: str
    territory: str
    sha256: str
    size: int
    data: bytes | None  # kept for the bundle only when it is rewritten


def _sent_files(content: Content, jobs: list[DocumentJob], state: BuildState,
                keep: bool) -> list[_SentFile]:
    """The documents, and their PDFs made from the current version only: a PDF left
    from an older version of its document is never sent. Each file is read and
    hashed once."""
    files = []
    for job in jobs:
        territory = content.territory(job.territory_id).name if job.territory_id else ""
        kind = "Compte-rendu" if job.territory_id else "Synthèse"
        document = _read(job.output)
        if document is None:
            continue
        digest = hashlib.sha256(document).hexdigest()
        files.append(_SentFile(job.output, kind, territory, digest, len(document),
                               document if keep else None))
        pdf = job.output.with_suffix(".pdf")
        if state.is_current(pdf, digest):
            data = _read(pdf)
            if data is not None:
                files.append(_SentFile(pdf, kind, territory, hashlib.sha256(data).hexdigest(),
                                       len(data), data if keep else None))
    return files


def _kept(file: _SentFile) -> bytes:
    """The bytes of a file of a bundle being rewritten: read with keep=True, always."""
    assert file.data is not None, f"{file.path.name} read without its bytes"
    return file.data


def _manifest_text(files: list[_SentFile]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["fichier", "document", "territoire", "sha256", "octets"])
    writer.writerows([_cell(f.path.name), f.kind, _cell(f.territory), f.sha256, str(f.size)]
                     for f in files)
    # BOM: Excel then opens the accents right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(text: str) -> str:
    """A text a spreadsheet shows as it is: one starting with « = », « + », « - » or
    « @ » would be run as a formula (« =HYPERLINK(…) ») when the manifest is opened."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
