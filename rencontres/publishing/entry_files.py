"""The content files as `saisie` edits them: which ones it may touch, their data for the
form, the form's data written back into the user's own text (ruamel.yaml's round trip:
comments, key order, quoting and every untouched line kept), checked as `verifier`
checks it, and saved atomically unless the file changed on disk since the form read it.

The YAML files stay the truth: the form holds the data read by the build's own reader,
and only the values the user changed are written back, so that `git diff` after a save
shows the changed lines and nothing else."""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import re
import shutil
import stat
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from ..content.loading import EDITION_FILE, SYNTHESIS_FILE, TERRITORIES_DIR, read_content
from ..content.scaffold import TO_FILL
from ..content.source import YamlDocument, YamlPath, _FastLoader, _SafeLoader, read_yaml
from ..errors import OutputError, Problem, display_path
from .output import write_atomic

# The only files the form reads and writes, relative to content/: an edition's own
# three kinds, named as the build reads them. Anything else (« ../ », a link, the
# referentiel) is refused before any file is opened.
EDITABLE = re.compile(r"(?P<year>[0-9]{4})/(?:(?P<kind>edition|synthese)\.yaml|"
                      rf"{TERRITORIES_DIR}/(?P<territory>[a-z0-9]+(?:-[a-z0-9]+)*)\.yaml)")
KINDS = {"edition": EDITION_FILE, "synthese": SYNTHESIS_FILE}
# The indentations tried, the file's own first: the one that gives back the file
# unchanged is kept (mapping, sequence, offset of the « - »).
INDENTATIONS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (4, 2, 0))
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
FLOW_KEYS = {"priorites_locales", "mot_attendue", "themes_votes", "pays"}
_MISSING = object()


class Refused(Exception):
    """A request the form refuses (a path outside content/, a token missing…); its
    message is French."""


@dataclass(frozen=True)
class EntryFile:
    """One editable content file: `relative` as the form names it (« 2022/synthese.yaml »)."""

    content_dir: Path
    relative: str
    year: int
    kind: str  # « edition », « synthese » or « territoire »
    territory: str | None

    @property
    def path(self) -> Path:
        return self.content_dir / self.relative


def entry_file(content_dir: Path, relative: str) -> EntryFile:
    """The file `relative` names under content/, or Refused: only an edition's files, by
    their plain names, and no link on the way."""
    found = EDITABLE.fullmatch(relative)
    if found is None:
        raise Refused(f"chemin refusé : « {relative[:80]} » n'est pas un fichier d'édition "
                      "de content/ (ex. « 2022/territoires/ardennes.yaml »)")
    path = content_dir / relative
    for part in (path, *path.parents):
        if part == content_dir:
            break
        if part.is_symlink():
            raise Refused(f"chemin refusé : « {relative} » passe par un lien")
    if not path.resolve().is_relative_to(content_dir.resolve()):
        raise Refused(f"chemin refusé : « {relative} » sort de content/")
    territory = found.group("territory")
    return EntryFile(content_dir, relative, int(found.group("year")),
                     "territoire" if territory else found.group("kind"), territory)


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def as_json(value: Any) -> Any:
    """The build reader's data as the page holds it: dates as AAAA-MM-JJ."""
    if isinstance(value, dict):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def read_data(text: str) -> Any:
    """What the build reads in `text` (its own loader: YAML 1.1, plain numbers)."""
    return as_json(yaml.load(text, Loader=_FastLoader or _SafeLoader))


# --- writing the form's data back into the text -------------------------------------

def _yaml(indentation: tuple[int, int, int]) -> YAML:
    round_trip = YAML()
    round_trip.preserve_quotes = True
    round_trip.width = 100_000  # a long text stays on its line, as typed
    mapping, sequence, offset = indentation
    round_trip.indent(mapping=mapping, sequence=sequence, offset=offset)
    round_trip.representer.add_representer(
        type(None), lambda representer, _: representer.represent_scalar(
            "tag:yaml.org,2002:null", "null"))
    return round_trip


def _dump(round_trip: YAML, tree: Any) -> str:
    stream = io.StringIO()
    round_trip.dump(tree, stream)
    return stream.getvalue()


# The indentation found for a text, by its digest: a check comes at every change.
_INDENTATION_OF: dict[str, tuple[int, int, int]] = {}
_REMEMBERED = 64


def _parse(text: str) -> tuple[YAML, Any]:
    """The text's tree, with the indentation that writes it back unchanged (or nearly)."""
    key = digest(text.encode("utf-8"))
    known = _INDENTATION_OF.get(key)
    if known is not None:
        round_trip = _yaml(known)
        return round_trip, round_trip.load(text)
    best: tuple[int, tuple[int, int, int], YAML, Any] | None = None
    for indentation in INDENTATIONS:
        round_trip = _yaml(indentation)
        tree = round_trip.load(text)
        again = _dump(round_trip, tree)
        differing = len(set(again.splitlines()) ^ set(text.splitlines()))
        if best is None or differing < best[0]:
            best = (differing, indentation, round_trip, tree)
        if again == text:
            break
    assert best is not None
    if len(_INDENTATION_OF) >= _REMEMBERED:
        _INDENTATION_OF.clear()
    _INDENTATION_OF[key] = best[1]
    return best[2], best[3]


def updated_text(text: str, new: Any) -> str:
    """`text` with the values of `new` (the form's data) that differ from what the build
    reads in it; every other line as it was. OutputError when the result would not read
    back as `new` (never written so). A file whose lines end in CR LF (Windows, or git's
    autocrlf) keeps them: otherwise every line would change."""
    windows = "\r\n" in text
    if windows:
        text = text.replace("\r\n", "\n")
    round_trip, tree = _parse(text)
    tree = _merge(tree, read_data(text), new, None, text.splitlines())
    written = _dump(round_trip, tree)
    if _without_nulls(read_data(written)) != _without_nulls(new):
        raise OutputError([Problem("", None, None, "le texte écrit ne se relit pas comme le "
                                   "formulaire : rien n'a été enregistré")])
    return written.replace("\n", "\r\n") if windows else written


def _without_nulls(value: Any) -> Any:
    """Absent and null are one for the build: an empty optional field is either."""
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _merge(node: Any, old: Any, new: Any, key: str | None, lines: list[str]) -> Any:
    """`node` (the text's) holding `new` where the build read `old`: untouched when equal."""
    if old is not _MISSING and old == new and type(old) is type(new):
        return node
    if isinstance(new, dict) and isinstance(node, CommentedMap) and isinstance(old, dict):
        for gone in [k for k in node if k not in new]:
            del node[gone]
        previous: str | None = None
        for name, value in new.items():
            if name in node:
                before = node[name]
                node[name] = _merge(before, old.get(name, _MISSING), value, name, lines)
                if value is not None:
                    _drop_to_fill_comment(node, name)
                if node[name] is not before:
                    _keep_comment_gap(node, name, lines)
            elif value is not None:
                index = list(node).index(previous) + 1 if previous in node else len(node)
                node.insert(index, name, _fresh(value, name))
                if previous is not None and previous in node:
                    _move_comment_below(node, previous, name)
            if name in node:
                previous = name
        return node
    if isinstance(new, list) and isinstance(node, CommentedSeq) and isinstance(old, list):
        if not node and new and not _flow_worthy(new, key):
            node.fa.set_block_style()
        for index, value in enumerate(new):
            if index < len(node):
                node[index] = _merge(node[index], old[index] if index < len(old) else _MISSING,
                                     value, key, lines)
            else:
                node.append(_fresh(value, key))
        del node[len(new):]
        return node
    if isinstance(new, str) and isinstance(node, (SingleQuotedScalarString,
                                                 DoubleQuotedScalarString)):
        return type(node)(new)  # quoted as the user quoted it
    return _fresh(new, key)


def _move_comment_below(node: CommentedMap, above: str, added: str) -> None:
    """The lines of comment that followed `above` (ruamel keeps them with it) stay over
    what they came before, under the key `added` after `above`."""
    comments = node.ca.items.get(above)
    if not comments or len(comments) < 3 or comments[2] is None \
            or not comments[2].value.startswith("\n"):
        return  # none, or a comment on the line of `above`, which stays there
    node.ca.items[added] = [None, None, comments[2], None]
    comments[2] = None


def _keep_comment_gap(node: CommentedMap, name: str, lines: list[str]) -> None:
    """A comment after a value that changed keeps its distance from the value (ruamel
    keeps its column, leaving one space after a longer value)."""
    comments = node.ca.items.get(name)
    comment = comments[2] if comments and len(comments) > 2 else None
    value = node[name]
    flow = isinstance(value, CommentedSeq) and value.fa.flow_style()
    if comment is None or isinstance(value, CommentedMap) \
            or (isinstance(value, CommentedSeq) and not flow):
        return
    line, start = node.lc.value(name)
    column = comment.start_mark.column
    if not (0 <= line < len(lines) and start < column <= len(lines[line])):
        return
    gap = column - start - len(lines[line][start:column].rstrip())
    quotes = 2 if isinstance(value, (SingleQuotedScalarString, DoubleQuotedScalarString)) \
        else 0
    shown = "null" if value is None else str(value).lower() if isinstance(value, bool) \
        else f"[{', '.join(map(str, value))}]" if flow else str(value)
    comment.start_mark.column = start + len(shown) + quotes + gap


def _drop_to_fill_comment(node: CommentedMap, name: str) -> None:
    """`nouvelle-edition`'s « # à remplir » goes once the value is there."""
    comments = node.ca.items.get(name)
    marker = TO_FILL.partition("#")[2].strip()
    if comments and len(comments) > 2 and comments[2] is not None \
            and comments[2].value.strip().lstrip("#").strip() == marker:
        comments[2] = None


def _flow_worthy(values: list[Any], key: str | None) -> bool:
    """Lists of ids and labels stay on one line (« [mobilite, sante] »), as
    `nouvelle-edition` and the example write them; texts and objects get theirs."""
    return key in FLOW_KEYS and all(isinstance(value, str) for value in values)


def _fresh(value: Any, key: str | None) -> Any:
    """A new value, written as the build will read it back."""
    if isinstance(value, dict):
        fresh = CommentedMap()
        for name, item in value.items():
            if item is not None:
                fresh[name] = _fresh(item, name)
        return fresh
    if isinstance(value, list):
        sequence = CommentedSeq(_fresh(item, key) for item in value)
        if value and _flow_worthy(value, key):
            sequence.fa.set_flow_style()
        else:
            sequence.fa.set_block_style()
        return sequence
    if isinstance(value, str):
        if key == "date" and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass  # an impossible date: written as text, refused by the check
        if "\n" not in value and not _reads_back(value):
            # YAML 1.1 would read it otherwise (« oui », « 12:30 », « 010 »…).
            return DoubleQuotedScalarString(value) if "'" in value \
                else SingleQuotedScalarString(value)
    return value


def _reads_back(value: str) -> bool:
    """Whether `value` written plain is read back by the build as this text."""
    try:
        return bool(read_data(f"x: {value}") == {"x": value})
    except yaml.YAMLError:
        return False


# --- checks -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Checked:
    """The problems of the content with the form's text in place of the file's: those
    of the file by where they are (the YAML path of the field, None: the whole file),
    the others by file."""

    here: list[tuple[YamlPath | None, str, bool]]  # (where, message, is a warning)
    elsewhere: list[str]


class Checker:
    """Checks the form's data as `verifier` would with it in the file: in a copy of the
    referentiel and of the edition with the one before it (whose suggestions are
    followed), kept between checks and brought up to date file by file, since a check
    comes at every change. Nothing of content/ is written."""

    def __init__(self, content_dir: Path):
        self.content_dir = content_dir
        self._folder = tempfile.TemporaryDirectory(prefix="saisie-")
        self.root = Path(self._folder.name) / "content"
        self.root.mkdir()
        self._copied: dict[Path, tuple[int, int]] = {}
        # Each file of the copy as read, by its state: read (and its problems located)
        # once, not at every check.
        self._read: dict[Path, tuple[tuple[int, int, int], tuple[YamlDocument, list[Problem]]]] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._folder.cleanup()

    def check(self, entry: EntryFile, data: Any) -> Checked:
        """The problems of the content with `data` as `entry`'s."""
        text = check_text(data)
        with self._lock:
            years = self._sync(entry.year)
            candidate = self.root / entry.relative
            candidate.parent.mkdir(parents=True, exist_ok=True)
            candidate.write_text(text, encoding="utf-8", newline="")
            self._copied.pop(candidate, None)  # the next check copies the file again
            _, problems, warnings = read_content(
                self.root, years, read=lambda path: self._reading(path, candidate))
        here: list[tuple[YamlPath | None, str, bool]] = []
        elsewhere: list[str] = []
        located = _locator(text)
        for problem, warning in [(p, False) for p in problems] + [(p, True) for p in warnings]:
            try:
                inside = Path(problem.file).resolve().relative_to(self.root.resolve())
            except ValueError:
                inside = None
            if inside is not None and inside.as_posix() == entry.relative:
                here.append((located(problem), problem.message, warning))
                continue
            if inside is not None:
                problem = Problem(display_path(self.content_dir / inside), problem.line,
                                  problem.column, problem.message)
            elsewhere.append(("Avertissement : " if warning else "") + str(problem))
        return Checked(here, elsewhere)

    def _reading(self, path: Path, candidate: Path) -> tuple[YamlDocument, list[Problem]]:
        """`path` as read_yaml reads it, the same document again while the file is the
        same (never the form's file, new at every check)."""
        if path == candidate:
            return read_yaml(path)
        try:
            status = os.stat(path)
        except OSError:
            return read_yaml(path)
        state = (status.st_mtime_ns, status.st_size, status.st_ino)
        known = self._read.get(path)
        if known is not None and known[0] == state:
            return known[1]
        found = read_yaml(path)
        self._read[path] = (state, found)
        return found

    def _sync(self, year: int) -> set[int]:
        """The copy made like content/ for `year`: the years it reads."""
        source = self.content_dir
        years = sorted(int(p.name) for p in source.iterdir()
                       if p.is_dir() and re.fullmatch(r"[0-9]{4}", p.name)
                       and int(p.name) <= year)
        wanted = set(years[-2:]) | {year}
        for folder in self.root.iterdir():
            if folder.is_dir() and int(folder.name) not in wanted:
                shutil.rmtree(folder)
        seen: set[Path] = set()
        self._copy(source / "referentiel.yaml", self.root / "referentiel.yaml", seen)
        for wanted_year in wanted:
            self._mirror(source / str(wanted_year), self.root / str(wanted_year), seen)
        for gone in set(self._copied) - seen:
            del self._copied[gone]
        return wanted

    def _mirror(self, source: Path, target: Path, seen: set[Path]) -> None:
        if not source.is_dir() or source.is_symlink():
            shutil.rmtree(target, ignore_errors=True)
            return
        target.mkdir(exist_ok=True)
        names = {entry.name for entry in os.scandir(source)}
        for extra in [p for p in target.iterdir() if p.name not in names]:
            if extra.is_dir() and not extra.is_symlink():
                shutil.rmtree(extra)
            else:
                extra.unlink()
        for name in names:
            if (source / name).is_dir() and not (source / name).is_symlink():
                self._mirror(source / name, target / name, seen)
            else:
                self._copy(source / name, target / name, seen)

    def _copy(self, source: Path, target: Path, seen: set[Path]) -> None:
        """`source` copied unless unchanged since; a link stays a link (read_content
        refuses it by name, as it would in content/)."""
        seen.add(target)
        try:
            status = os.lstat(source)
        except FileNotFoundError:
            target.unlink(missing_ok=True)
            return
        stamp = (status.st_mtime_ns, status.st_size)
        if self._copied.get(target) == stamp and (target.exists() or target.is_symlink()):
            return
        target.unlink(missing_ok=True)
        if stat.S_ISLNK(status.st_mode):
            os.symlink(os.readlink(source), target)
        elif stat.S_ISREG(status.st_mode):
            shutil.copyfile(source, target)
        else:
            return  # a FIFO or a device: never opened here
        self._copied[target] = stamp


def check_text(data: Any) -> str:
    """The form's data as a YAML text, for the checks: what the save would write reads
    back as this data (updated_text makes sure of it), and this text is made at once."""
    return yaml.dump(_with_dates(data), Dumper=_Dumper, allow_unicode=True,
                     sort_keys=False, width=100_000)


def _with_dates(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {name: _with_dates(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_with_dates(item, key) for item in value]
    if key == "date" and isinstance(value, str) \
            and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _locator(text: str) -> Callable[[Problem], YamlPath | None]:
    """Problem → the YAML path of the value or key it points at (the deepest there, the
    shallowest for a missing field, which is said of the object that lacks it). The
    positions are libyaml's, on a text it reads as PyYAML does (check_text's)."""
    spots: dict[tuple[int, int], list[YamlPath]] = {}

    def visit(node: yaml.Node, path: YamlPath) -> None:
        spots.setdefault((node.start_mark.line + 1, node.start_mark.column + 1),
                         []).append(path)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = (*path, key.value)
                spots.setdefault((key.start_mark.line + 1, key.start_mark.column + 1),
                                 []).append(child)
                visit(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, value in enumerate(node.value):
                visit(value, (*path, index))

    root = yaml.compose(text, Loader=_FastLoader or _SafeLoader)
    if root is not None:
        visit(root, ())

    def locate(problem: Problem) -> YamlPath | None:
        if problem.line is None:
            return None
        paths = spots.get((problem.line, problem.column or 1), [])
        if not paths:
            paths = [where for (line, _), found in spots.items() if line == problem.line
                     for where in found]
        if not paths:
            return None
        missing = problem.message.startswith("champ obligatoire")
        return (min if missing else max)(paths, key=len)

    return locate


# --- saving -------------------------------------------------------------------------

class Conflict(Exception):
    """The file changed on disk since the form read it."""

    def __init__(self, on_disk: str, from_form: str):
        super().__init__("conflit")
        self.on_disk = on_disk
        self.from_form = from_form


def save(entry: EntryFile, read_digest: str, text_read: str | None, new: Any) -> str:
    """Write the form's data into the file, atomically; Conflict when the file is not
    the one the form read (`read_digest`). Returns the digest of what was written."""
    raw = entry.path.read_bytes() if entry.path.exists() else b""
    on_disk = raw.decode("utf-8-sig", "replace")
    if digest(raw) != read_digest:
        base = text_read if text_read is not None else ""
        raise Conflict(on_disk, updated_text(base, new) if base else yaml.safe_dump(
            new, allow_unicode=True, sort_keys=False))
    written = updated_text(on_disk, new).encode("utf-8")
    write_atomic(entry.path, written)
    return digest(written)
