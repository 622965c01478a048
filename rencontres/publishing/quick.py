"""A build with nothing to do, told before the content is read.

Each build that ends without a failure remembers, for its options, the digest of
every file and folder under content/ and templates/ as they were when it started,
the tool's version, the digest of every file it leaves in output/<année>/ and of
the build state, and what a build with nothing to do would then report. The next
build with the same options, typed in the same folder, hashes the same files again:
when every digest is the same, it reports that without importing the content model,
YAML, Jinja or Word (a few tens of milliseconds instead of a few tenths of a second).
Any difference, and any doubt (a new or removed file, a missing or changed output,
other options, --force, a damaged record), leaves it to the real build.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import OutputError
from .lock import build_lock
from .output import remove_leftover_temporaries, write_atomic
from .plan import BuildReport, DocumentJob, Project
from .state import STATE_FILE, tool_version

RECORD_FILE = ".etat-rien-a-faire.json"
WATCHED = ("content", "templates")
FOLDER = "dossier"  # a folder's entry among the digests: its presence counts too
KEPT = 8  # sets of options remembered


def options_key(year: int | None, territories: Iterable[str], pdf: bool,
                strict: bool) -> str:
    """The options that change what a build does, and the folder it is typed in (the
    paths it shows are relative to it)."""
    return json.dumps([os.path.realpath(os.getcwd()), year, sorted(set(territories)), pdf,
                       strict], ensure_ascii=False)


def input_digests(project: Project) -> dict[str, str] | None:
    """Every file and folder under content/ and templates/ (by its place in the project)
    with the digest of its bytes; None when one cannot be read."""
    return _tree(project.root, [project.root / name for name in WATCHED])


def _tree(root: Path, tops: list[Path]) -> dict[str, str] | None:
    found: dict[str, str] = {}
    base = os.fspath(root)
    for top in tops:
        # Followed like the content's reading follows them: an edition's folder may be
        # a link to another place.
        for directory, folders, files in os.walk(top, followlinks=True):
            place = os.path.relpath(directory, base).replace(os.sep, "/")
            for name in folders:
                found[f"{place}/{name}"] = FOLDER
            for name in files:
                digest = _digest(Path(directory, name))
                if digest is None:
                    return None
                found[f"{place}/{name}"] = digest
    return found


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _output_digests(project: Project, year: int) -> dict[str, str] | None:
    """The files of output/<année>/ and the build state: what a build leaves behind."""
    found = _tree(project.root, [project.output_dir / str(year)])
    state = project.output_dir / STATE_FILE
    if found is None or (state.exists() and _digest(state) is None):
        return None
    found[_place(state, project.root)] = _digest(state) or "absent"
    return found


def nothing_to_do(project: Project, key: str, pdf: bool) -> BuildReport | None:
    """The report of a build with nothing to do, when the last build with these options
    (`options_key`) says so and no file it saw has changed since; None otherwise."""
    output_dir = project.output_dir
    if not (output_dir / RECORD_FILE).is_file():
        return None
    if pdf and not (shutil.which("soffice") or shutil.which("libreoffice")):
        return None  # the real build says that LibreOffice is missing
    try:
        with build_lock(output_dir):
            remove_leftover_temporaries(output_dir)
            return _unchanged(project, key)
    except OutputError:
        # Another build is running, or output/ cannot be written: the real build says so.
        return None


def _unchanged(project: Project, key: str) -> BuildReport | None:
    try:
        entry = json.loads((project.output_dir / RECORD_FILE).read_bytes())[key]
        if (entry["tool"] != tool_version()
                or entry["inputs"] != input_digests(project)
                or entry["outputs"] != _output_digests(project, entry["year"])):
            return None
        root = project.root
        return BuildReport(
            up_to_date=[DocumentJob(job["kind"], job["year"], job["territory_id"],
                                    root / job["template"], root / job["output"], job["title"],
                                    tuple(root / path for path in job["inputs"]))
                        for job in entry["documents"]],
            skipped=[(name, reason) for name, reason in entry["skipped"]],
            warnings=[str(warning) for warning in entry["warnings"]])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no record for these options, or a damaged one


def remember(project: Project, key: str, year: int, inputs: dict[str, str] | None,
             read: Mapping[Path, str], jobs: list[DocumentJob], report: BuildReport,
             warnings: list[str]) -> None:
    """After a build (under its lock): what the next one with the same options reports
    if nothing changes: `jobs` all up to date, `warnings` (those of the build, less
    what rendering said). `inputs`: the digests taken when the build started; `read`:
    those of the bytes it read, which must be the same (a file saved meanwhile). A
    build with failures is not remembered: the next one tries them again."""
    root = project.root
    path = project.output_dir / RECORD_FILE
    try:
        entries = {key: entry for key, entry in json.loads(path.read_bytes()).items()
                   if isinstance(entry, dict)}
    except (OSError, ValueError, AttributeError):
        entries = {}
    entries.pop(key, None)
    outputs = _output_digests(project, year)
    consistent = inputs is not None and all(
        inputs.get(_place(file, root)) == digest for file, digest in read.items())
    if not report.failed and not report.unfinished and consistent and outputs is not None:
        entries[key] = {
            "tool": tool_version(),
            "year": year,
            "inputs": inputs,
            "outputs": outputs,
            "documents": [{"kind": job.kind, "year": job.year,
                           "territory_id": job.territory_id,
                           "template": _place(job.template, root),
                           "output": _place(job.output, root), "title": job.title,
                           "inputs": [_place(file, root) for file in job.inputs]}
                          for job in jobs],
            "skipped": report.skipped,
            "warnings": warnings,
        }
    kept = dict(list(entries.items())[-KEPT:])
    # Not written: the next build is then a real one, which is all this record saves.
    with contextlib.suppress(OutputError):
        write_atomic(path, json.dumps(kept, ensure_ascii=False).encode("utf-8"))


def _place(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()
