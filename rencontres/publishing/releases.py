"""Numbered distributions (`diffuser`) and what changed since the last one
(`changements`).

Each distribution of an edition is a folder `output/<année>/diffusions/vN/`: the
package sent (`rencontres-territoriales-<année>-vN.zip`, with `modifications-vN.txt`
from v2 on), the content it was built from (`contenu/`, the very bytes the build
read) and `diffusion.json` (version, date, package digest).
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

from ..content.loading import Content, Edition, load_content
from ..documents.french import long_date
from ..errors import DistributionError, OutputError, Problem, display_path
from ..word.archive import deterministic_zip
from .changes import EditionChanges, edition_changes
from .distribution import bundle_name
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
    """The recorded distributions of an edition, oldest first."""
    folder = project.output_dir / str(year) / DISTRIBUTIONS
    found = []
    if folder.is_dir():
        for path in folder.iterdir():
            match = _VERSION.fullmatch(path.name)
            if match and (path / RECORD).is_file():
                try:
                    record = json.loads((path / RECORD).read_text("utf-8"))
                    date = datetime.date.fromisoformat(record["date"])
                except (OSError, ValueError, KeyError, TypeError):
                    raise OutputError([Problem(display_path(path / RECORD), None, None,
                                               "fichier de diffusion illisible")]) from None
                found.append(Distribution(year, int(match.group(1)), date, path))
    return sorted(found, key=lambda d: d.version)


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


def distribute(project: Project, options: BuildOptions,
               progress: Callable[[DocumentJob], None] = lambda job: None,
               on_start: Callable[[int], None] = lambda count: None,
               today: datetime.date | None = None) -> Distributed:
    """The strict build of the whole edition with its PDFs, then its record as the
    next distribution; nothing is recorded when the build fails."""
    options = dataclasses.replace(options, territories=(), pdf=True, strict=True)
    recorded: list[tuple[Distribution, EditionChanges | None]] = []

    def record(content: Content, edition: Edition, report: BuildReport) -> None:
        report.warnings += _proofread(project, content, edition)
        recorded.append(_record(project, content, edition, today or datetime.date.today()))

    report = build(project, options, progress=progress, on_start=on_start, then=record)
    # A build returns only once `then` has run: a strict one raises when a document fails.
    [(distribution, changes)] = recorded
    return Distributed(report, distribution, changes)


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
         "sha256": hashlib.sha256(package).hexdigest()},
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
