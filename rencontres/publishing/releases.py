"""Numbered distributions (`diffuser`) and what changed since the last one
(`changements`).

Each distribution of an edition is a folder `output/<année>/diffusions/vN/`: the
package sent (`rencontres-territoriales-<année>-vN.zip`, with `modifications-vN.txt`
from v2 on), the content it was built from (`contenu/`, the very bytes the build
read) and `diffusion.json` (version, date, package digest, content digest).

The records are a folder anyone can edit: before the last distribution is compared
with or followed, every vN folder must have its record, of its own number, and the
last one's package and content must still be those recorded.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..content.loading import Content, Edition, load_content
from ..documents.french import long_date
from ..errors import DistributionError, Problem, display_path
from ..word.archive import deterministic_zip
from .changes import EditionChanges, edition_changes
from .distribution import PROVISIONAL_NOTE, bundle_name, draft_reports, provisional_note
from .output import write_atomic, write_new_folder
from .pipeline import BuildOptions, build, select_edition, years_to_load
from .plan import BuildReport, DocumentJob, Project

DISTRIBUTIONS = "diffusions"
SNAPSHOT = "contenu"
RECORD = "diffusion.json"
_VERSION = re.compile(r"v([1-9][0-9]*)")
# Stored as they are in the package (already compressed), as in the bundle.
_STORED = (".docx", ".pdf")


@dataclass(frozen=True)
class Distribution:
    year: int
    version: int
    date: datetime.date
    folder: Path

    @property
    def package(self) -> Path:
        return self.folder / f"rencontres-territoriales-{self.year}-v{self.version}.zip"

    @property
    def described(self) -> str:
        return f"la diffusion v{self.version} du {long_date(self.date)}"


def modifications_name(version: int) -> str:
    return f"modifications-v{version}.txt"


def distributions(project: Project, year: int) -> list[Distribution]:
    """The recorded distributions of an edition, oldest first, checked (see the
    module's doc): DistributionError listing what does not hold, and what to do."""
    folder = project.output_dir / str(year) / DISTRIBUTIONS
    found: list[tuple[Distribution, dict[str, Any]]] = []
    problems: list[Problem] = []
    versions: list[int] = []  # of every vN folder, its record believed or not
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        match = _VERSION.fullmatch(path.name)
        if match is None or not path.is_dir():
            continue
        version = int(match.group(1))
        versions.append(version)
        try:
            record, date = _read_record(path, year, version)
        except _BadRecord as error:
            problems.append(Problem(display_path(path), None, None, str(error)))
            continue
        found.append((Distribution(year, version, date, path), record))
    found.sort(key=lambda pair: pair[0].version)
    for missing in range(1, max(versions, default=0)):
        if missing not in versions:
            problems.append(Problem(display_path(folder / f"v{missing}"), None, None,
                                    f"dossier de la diffusion v{missing} introuvable, alors "
                                    f"que la v{max(versions)} existe : remettez-le en place "
                                    "(depuis une sauvegarde)"))
    if found and not problems:
        problems += _check_last(*found[-1])
    if problems:
        raise DistributionError(problems)
    return [distribution for distribution, _ in found]


class _BadRecord(ValueError):
    """Why a distribution's record cannot be believed (a French text)."""


_RESTORE = "remettez-le tel qu'il était (depuis une sauvegarde)"


def _read_record(path: Path, year: int, version: int) -> tuple[dict[str, Any], datetime.date]:
    if not (path / RECORD).is_file():
        raise _BadRecord(f"dossier de diffusion sans {RECORD} : remettez ce fichier en "
                         "place (depuis une sauvegarde) ; si cette diffusion n'a jamais été "
                         "envoyée, supprimez le dossier")
    try:
        record = json.loads((path / RECORD).read_bytes().decode("utf-8"))
        date = datetime.date.fromisoformat(record["date"])
        recorded = record["version"]
        named = [record["sha256"], record["contenu_sha256"], record["paquet"]]
    except (OSError, ValueError, KeyError, TypeError):
        raise _BadRecord(f"{RECORD} illisible ou incomplet : {_RESTORE}") from None
    if not all(isinstance(value, str) for value in named):
        raise _BadRecord(f"{RECORD} illisible ou incomplet : {_RESTORE}")
    if recorded != version or named[2] != f"rencontres-territoriales-{year}-v{version}.zip":
        raise _BadRecord(f"{RECORD} est celui de la diffusion v{recorded} : ce dossier en est "
                         f"une copie ; supprimez-le s'il n'a pas été envoyé comme "
                         f"diffusion v{version}")
    return record, date


def _check_last(distribution: Distribution, record: dict[str, Any]) -> list[Problem]:
    """The last distribution's package and content, the ones compared with, as they
    were recorded."""
    problems = []
    shown = display_path(distribution.folder)
    try:
        package: str | None = hashlib.sha256(distribution.package.read_bytes()).hexdigest()
    except OSError:
        package = None
    if package is None:
        problems.append(Problem(shown, None, None,
                                f"paquet {distribution.package.name} introuvable : remettez "
                                "en place celui qui a été envoyé aux membres"))
    elif package != record["sha256"]:
        problems.append(Problem(shown, None, None,
                                f"paquet {distribution.package.name} modifié depuis la "
                                f"diffusion (son empreinte n'est plus celle de {RECORD}) : "
                                "remettez en place celui qui a été envoyé aux membres"))
    if _snapshot_digest(distribution.folder / SNAPSHOT) != record["contenu_sha256"]:
        problems.append(Problem(shown, None, None,
                                f"contenu archivé ({SNAPSHOT}/) modifié depuis la diffusion "
                                f"(son empreinte n'est plus celle de {RECORD}) : les "
                                "changements se comptent depuis le contenu diffusé ; "
                                f"{_RESTORE}"))
    return problems


def _snapshot_digest(snapshot: Path) -> str | None:
    """The digest of a content snapshot, of its files' paths and bytes (None: not a
    plain folder of files, a link in it)."""
    if snapshot.is_symlink() or not snapshot.is_dir():
        return None
    files = {}
    for path in snapshot.rglob("*"):
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            return None
        if path.is_file():
            files[path.relative_to(snapshot).as_posix()] = path.read_bytes()
    return _files_digest(files)


def _files_digest(files: dict[str, bytes]) -> str:
    """The digest of a snapshot's files (relative path → bytes)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{hashlib.sha256(files[name]).hexdigest()}\n".encode())
    return digest.hexdigest()


def _snapshot_content(distribution: Distribution, years: set[int]) -> Content:
    """The content a distribution was built from, as the model reads it."""
    return load_content(distribution.folder / SNAPSHOT, years)


@dataclass(frozen=True)
class Changes:
    changes: EditionChanges
    version: int      # of the next distribution, which they will go with
    written: Path | None  # output/<année>/modifications-vN.txt; None: nothing changed


def changes_since_last(project: Project, year: int | None) -> Changes:
    """What changed, per document, since the edition's last distribution; written to
    output/<année>/modifications-vN.txt (N: the next distribution) when anything did."""
    years = years_to_load(project.content_dir, year)
    content = load_content(project.content_dir, years)
    edition = select_edition(content, year)
    done = distributions(project, edition.year)
    if not done:
        raise DistributionError([Problem(
            display_path(project.output_dir / str(edition.year) / DISTRIBUTIONS), None, None,
            f"aucune diffusion de l'édition {edition.year} : les changements se comptent "
            "depuis la dernière ; lancez d'abord « python build.py diffuser »")])
    last = done[-1]
    changes = edition_changes(project, _snapshot_content(last, set(content.editions)),
                              content, edition.year, last.described)
    if not changes.documents:
        return Changes(changes, last.version + 1, None)
    target = project.output_dir / str(edition.year) / modifications_name(last.version + 1)
    write_atomic(target, changes.text().encode("utf-8"))
    return Changes(changes, last.version + 1, target)


@dataclass(frozen=True)
class Distributed:
    report: BuildReport
    distribution: Distribution
    changes: EditionChanges | None  # since the previous one (None for v1)
    provisional: bool  # its package says what is provisional (PROVISOIRE.txt)


def distribute(project: Project, options: BuildOptions,
               progress: Callable[[DocumentJob], None] = lambda job: None,
               on_start: Callable[[int], None] = lambda count: None,
               today: datetime.date | None = None, provisional: bool = False) -> Distributed:
    """The strict build of the whole edition with its PDFs, then its record as the
    next distribution; nothing is recorded when the build fails. An edition with
    Rencontres to come or draft comptes-rendus is distributed only when `provisional`
    says so."""
    options = dataclasses.replace(options, territories=(), pdf=True, strict=True)
    # The records checked before the build, not after it: a folder to put back in
    # place is said at once, the documents left as they were.
    years = years_to_load(project.content_dir, options.year)
    if years:
        distributions(project, max(years))
    if not provisional:
        _refuse_provisional(project, options.year, years)
    recorded: list[tuple[Distribution, EditionChanges | None, bool]] = []

    def record(content: Content, edition: Edition, report: BuildReport) -> None:
        report.warnings += _proofread(project, content, edition)
        recorded.append((*_record(project, content, edition, today or datetime.date.today()),
                         bool(provisional_note(content, edition))))

    report = build(project, options, progress=progress, on_start=on_start, then=record)
    # A build returns only once `then` has run: a strict one raises when a document fails.
    [(distribution, changes, is_provisional)] = recorded
    return Distributed(report, distribution, changes, is_provisional)


def _refuse_provisional(project: Project, year: int | None, years: set[int] | None) -> None:
    """Before the long build: an edition not final yet is not sent by mistake."""
    content = load_content(project.content_dir, years)
    edition = select_edition(content, year)
    reasons = []
    if edition.info.upcoming:
        count = len(edition.info.upcoming)
        reasons.append(f"{count} Rencontre{'s' if count > 1 else ''} à venir")
    drafts = len(draft_reports(content, edition))
    if drafts:
        reasons.append(f"{drafts} compte{'s' if drafts > 1 else ''}-rendu"
                       f"{'s' if drafts > 1 else ''} en brouillon")
    if reasons:
        raise DistributionError([Problem(
            display_path(edition.directory), None, None,
            f"l'édition {edition.year} est provisoire ({' et '.join(reasons)}) : pour la "
            "diffuser quand même, ajoutez l'option --provisoire ; son paquet le dira")])


def _proofread(project: Project, content: Content, edition: Edition) -> list[str]:
    """The proof-reading of every document about to be sent, from its DOCX and its PDF:
    a raw template tag or « None » refuses the distribution; the layout findings are
    returned as warnings, each naming its document and page."""
    from .plan import plan
    from .proofreading import proofread

    refused: list[Problem] = []
    warnings: list[str] = []
    for job in plan(project, content, edition)[0]:
        pdf = job.output.with_suffix(".pdf")
        for finding in proofread(pdf.name, job.output.read_bytes(), pdf.read_bytes()):
            if finding.blocking:
                refused.append(Problem(display_path(pdf), None, None,
                                       f"page {finding.page} : {finding.message}"))
            else:
                warnings.append(f"relecture : {finding}")
    if refused:
        raise DistributionError(refused)
    return warnings


def _record(project: Project, content: Content, edition: Edition,
            today: datetime.date) -> tuple[Distribution, EditionChanges | None]:
    folder = project.output_dir / str(edition.year)
    previous = distributions(project, edition.year)
    version = previous[-1].version + 1 if previous else 1
    target = folder / DISTRIBUTIONS / f"v{version}"
    distribution = Distribution(edition.year, version, today, target)
    files = _snapshot_files(content, target / SNAPSHOT)
    snapshot = _files_digest({path.relative_to(target / SNAPSHOT).as_posix(): data
                              for path, data in files.items()})
    entries = _bundle_entries(folder / bundle_name(edition.year))
    changes = None
    if previous:
        last = previous[-1]
        if [entry for entry in _bundle_entries(last.package)
                if entry[0] != modifications_name(last.version)] == entries:
            raise DistributionError([Problem(display_path(last.package), None, None,
                                             f"aucun document n'a changé depuis "
                                             f"{last.described} : c'est toujours le "
                                             "paquet à envoyer")])
        changes = edition_changes(project, _snapshot_content(last, set(content.editions)),
                                  content, edition.year, last.described)
        text = changes.text().encode("utf-8")
        entries.append((modifications_name(version), text))
        files[target / modifications_name(version)] = text
        write_atomic(folder / modifications_name(version), text)
    package = deterministic_zip(entries, stored=_STORED)
    files[distribution.package] = package
    files[target / RECORD] = json.dumps(
        {"version": version, "date": today.isoformat(), "paquet": distribution.package.name,
         "sha256": hashlib.sha256(package).hexdigest(), "contenu_sha256": snapshot,
         "provisoire": any(name == PROVISIONAL_NOTE for name, _ in entries)},
        indent=1, ensure_ascii=False).encode("utf-8") + b"\n"
    write_new_folder(target, files)
    return distribution, changes


def _snapshot_files(content: Content, snapshot: Path) -> dict[Path, bytes]:
    """The content files the build read, with the bytes it read: a file saved since
    (its digest differs) stops the distribution rather than be archived as it is now."""
    files = {}
    changed = []
    for path, digest in sorted(content.digests.items()):
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            changed.append(Problem(display_path(path), None, None,
                                   "modifié pendant la diffusion : relancez « python "
                                   "build.py diffuser »"))
        files[snapshot / path.relative_to(content.root)] = data
    if changed:
        raise DistributionError(changed)
    return files


def _bundle_entries(bundle: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(bundle.read_bytes())) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]
