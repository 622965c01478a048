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
from .output import read_file, write_atomic
from .plan import DocumentJob, Project, publication_date
from .state import BuildState, sha256_file, tool_version

MANIFEST = "manifeste.csv"
# In the bundle of an edition not final yet: what is provisional in it.
PROVISIONAL_NOTE = "PROVISOIRE.txt"


def bundle_name(year: int) -> str:
    return f"rencontres-territoriales-{year}.zip"


def draft_reports(content: Content, edition: Edition) -> list[str]:
    """The names of the territories whose compte-rendu is marked as a draft."""
    return [content.territory(tid).name for tid, report in edition.reports.items()
            if report.draft and report.has_report]


def provisional_note(content: Content, edition: Edition) -> str:
    """What is provisional in the edition, for its package; empty when nothing is."""
    from ..documents.french import join_words

    lines = []
    if edition.info.provisional:
        # Here only: a build of compte-rendus alone never imports the synthesis' modules.
        from ..documents.synthesis import provisional_status, upcoming_line

        lines += [f"Édition {edition.year} provisoire. {provisional_status(edition)}.",
                  upcoming_line(content, edition)]
    drafts = draft_reports(content, edition)
    if drafts:
        lines.append(f"Compte{'s' if len(drafts) > 1 else ''}-rendu{'s' if len(drafts) > 1 else ''} "
                     f"en brouillon : {join_words(drafts)}.")
    return "".join(line + "\r\n" for line in lines)


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
        note = provisional_note(content, edition)
        if note:
            entries.append((PROVISIONAL_NOTE, note.encode("utf-8")))
        write_atomic(bundle, deterministic_zip(entries, stored=_STORED))
        written.append(bundle)


# Already compressed (a .docx is a zip of deflated parts, a PDF's streams are
# deflated): stored as they are in the bundle, not deflated a second time for
# nothing; the manifest is deflated.
_STORED = (".docx", ".pdf")


def _pdfs(jobs: list[DocumentJob], state: BuildState, output_dir: Path,
          published: datetime.date, written: list[Path]) -> None:
    from . import pdf

    maker = _pdf_maker()
    stale = [job.output for job in jobs
             if not state.is_current(job.output.with_suffix(".pdf"),
                                     _pdf_inputs(sha256_file(job.output) or "", maker))]
    converted = pdf.convert(stale, output_dir, published)
    try:
        for document, data in converted.items():
            target = document.with_suffix(".pdf")
            write_atomic(target, data)
            written.append(target)
            state.record(target, _pdf_inputs(sha256_file(document) or "", maker), data)
    finally:
        if converted:
            state.save()


def _pdf_maker() -> str:
    """What makes a PDF of a document: the tool's code and the LibreOffice it finds."""
    from . import pdf

    return f"{tool_version()}\n{pdf.libreoffice_identity(pdf.find_libreoffice())}"


def _pdf_inputs(document_digest: str, maker: str) -> str:
    """A PDF's fingerprint: its document, and what made it (`_pdf_maker`): an update
    of the tool or of LibreOffice makes it again."""
    return hashlib.sha256(f"{document_digest}\n{maker}".encode()).hexdigest()


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
    maker = _pdf_maker()
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
        if state.is_current(pdf, _pdf_inputs(digest, maker)):
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
        return read_file(path)
    except OSError:
        return None
