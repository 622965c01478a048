"""Read and validate the whole content tree before anything is written."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from ..errors import ContentError, Problem, display_path
from .model import EditionInfo, Referentiel, Section, Synthesis, Territory, TerritoryReport, Theme
from .source import YamlDocument, YamlPath, read_yaml, shown, shown_exactly, visible
from .validation import did_you_mean, validate, validate_what_is_valid

# How a file is read: its document and the problems that kept it from being read.
Reader = Callable[[Path], tuple[YamlDocument, list[Problem]]]
REFERENTIEL_FILE = "referentiel.yaml"
EDITION_FILE = "edition.yaml"
SYNTHESIS_FILE = "synthese.yaml"
TERRITORIES_DIR = "territoires"


@dataclass(frozen=True)
class Edition:
    """One year's content: metadata, territory files and the optional synthesis."""

    info: EditionInfo
    directory: Path
    reports: dict[str, TerritoryReport]  # by territory id, in the referentiel's order
    synthesis: Synthesis | None
    report_files: dict[str, Path] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.info.year


@dataclass(frozen=True)
class Content:
    """Everything the build needs, validated."""

    root: Path
    referentiel: Referentiel
    editions: dict[int, Edition]  # by year, oldest first
    warnings: tuple[Problem, ...] = ()  # e.g. invisible characters removed
    # The sha256 of the bytes each file was read from: a file saved again while the
    # build runs is fingerprinted as it was read, never as it is now.
    digests: dict[Path, str] = field(default_factory=dict)

    @property
    def latest(self) -> Edition:
        return self.editions[max(self.editions)]

    def previous(self, edition: Edition) -> Edition | None:
        older = [year for year in self.editions if year < edition.year]
        return self.editions[max(older)] if older else None

    def territory(self, territory_id: str) -> Territory:
        return next(t for t in self.referentiel.territories if t.id == territory_id)

    def theme(self, theme_id: str) -> Theme:
        return next(t for t in self.referentiel.themes if t.id == theme_id)

    def theme_start(self, theme_id: str) -> int | None:
        """The first edition of a theme: the referentiel's « depuis », else the first
        edition that names it (None: none does)."""
        declared = self.theme(theme_id).since
        if declared is not None:
            return declared
        return next((year for year, edition in sorted(self.editions.items())
                     if theme_id in themes_named(edition)), None)


def themes_named(edition: Edition) -> set[str]:
    """The themes of the referentiel an edition's files name."""
    named: set[str] = set()
    for report in edition.reports.values():
        named.update(report.local_priorities or [])
        named.update(report.mot_expected or [])
        named.update(v.theme for v in report.voted_themes if v.theme is not None)
    if edition.synthesis is not None:
        named.update(idea.theme for idea in edition.synthesis.common_ideas)
    return named


# Four ASCII digits: « ２０２２ » and « 2022² » are digits too, to Python.
EDITION_FOLDER = re.compile(r"[0-9]{4}")
# Names of files that editors leave beside the ones they edit: never content.
EDITORS_FILES = (".", "~$", "~WRL")


# Names Windows gives to devices: a file so named (« con.yaml ») cannot be created
# there, and a territory's id names its content file.
WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"{port}{number}" for port in ("com", "lpt")
                                                 for number in range(1, 10))}
WINDOWS_DEVICE = ("identifiant « {} » impossible : Windows réserve ce nom à un périphérique "
                  "(con, prn, aux, nul, com1 à com9, lpt1 à lpt9) et ne peut pas créer le "
                  "fichier du territoire ; choisissez-en un autre")


def edition_years(root: Path) -> list[int]:
    """The years that have a folder under `root`, oldest first."""
    if not root.is_dir():
        return []
    return sorted(int(p.name) for p in root.iterdir()
                  if p.is_dir() and EDITION_FOLDER.fullmatch(p.name))


def _ignored_folders(root: Path) -> list[Problem]:
    """A folder that looks like an edition but is not read (« 2022 » with a space)."""
    return [Problem(display_path(path), None, None,
                    f"dossier « {visible(path.name)} » ignoré : le dossier d'une édition "
                    "porte son année en quatre chiffres, ex. « 2022 »")
            for path in sorted(root.iterdir())
            if path.is_dir() and not EDITION_FOLDER.fullmatch(path.name)
            and not path.name.startswith(EDITORS_FILES)]


def _ignored_files(directory: Path) -> list[Problem]:
    """Files of a territories folder that are not read, with what to rename them to
    (Windows hides « .txt » in « ardennes.yaml.txt »)."""
    warnings = []
    for path in sorted(directory.iterdir()):
        if path.is_dir() or path.suffix in (".yaml", ".yml") \
                or path.name.startswith(EDITORS_FILES):
            continue
        stem = path.name
        for ending in (".txt", ".yaml", ".yml"):
            stem = stem[: -len(ending)] if stem.lower().endswith(ending) else stem
        hint = (f" ; renommez-le « {visible(stem)}.yaml »" if stem != path.name else "")
        warnings.append(Problem(display_path(path), None, None,
                                f"fichier « {visible(path.name)} » ignoré : seuls les "
                                f"fichiers « .yaml » sont lus{hint}"))
    return warnings


def load_content(root: Path, years: Collection[int] | None = None) -> Content:
    """Read the referentiel and the editions of `years` (all when None); raise one
    ContentError listing every problem. An edition being filled in does not stop
    the build of an older one."""
    content, problems, _ = read_content(root, years)
    if content is None:
        raise ContentError(problems)
    return content


def read_content(root: Path, years: Collection[int] | None = None, read: Reader = read_yaml
                 ) -> tuple[Content | None, list[Problem], list[Problem]]:
    """The content when valid, its problems and its warnings (those of invalid content
    too, which `saisie` shows beside the fields while they are being filled). `read`:
    how a file is read (`saisie` keeps the files it has read between its checks)."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    digests: dict[Path, str] = {}
    if not root.is_dir():
        return None, [Problem(display_path(root), None, None,
                              "dossier de contenu introuvable")], []
    warnings += _ignored_folders(root)
    referentiel = _load_referentiel(root / REFERENTIEL_FILE, problems, warnings, digests, read)
    editions: dict[int, Edition] = {}
    year_dirs = [root / str(year) for year in edition_years(root)
                 if years is None or year in years]
    if not year_dirs:
        problems.append(Problem(display_path(root), None, None,
                                "aucune édition : créez un dossier par année (ex. 2021/)"))
    for index, directory in enumerate(year_dirs):
        # The follow-ups of an edition name suggestions of the one before: unknown when
        # that one is invalid (its problems are listed already).
        before = editions.get(int(year_dirs[index - 1].name)) if index else None
        checked = index == 0 or before is not None
        edition = _load_edition(directory, referentiel, problems, warnings, digests,
                                before, checked, list(editions.values()), read)
        if edition is not None:
            editions[edition.year] = edition
    if problems or referentiel is None:  # no referentiel: its problems are listed
        return None, problems, warnings
    return Content(root, referentiel, editions, tuple(warnings), digests), [], warnings


_Model = TypeVar("_Model", Referentiel, EditionInfo, TerritoryReport, Synthesis)


def _load(path: Path, model: type[_Model], problems: list[Problem], warnings: list[Problem],
          digests: dict[Path, str], read: Reader = read_yaml, partial: bool = False
          ) -> tuple[_Model, YamlDocument] | None:
    """The file's valid value and the document it was read from; None when invalid (its
    problems added to `problems`). `partial`: an invalid file gives the value of what is
    valid in it, for the checks across files, its problems added all the same (so that
    the content is refused)."""
    if not path.exists():  # (a FIFO or a device is read, and refused by name)
        problems.append(Problem(display_path(path), None, None, "fichier manquant"))
        return None
    document, read_problems = read(path)
    if document.sha256 is not None:
        digests[path] = document.sha256
    problems += read_problems
    warnings += document.warnings
    if read_problems:
        return None
    value, model_problems = validate(document, model)
    problems += model_problems
    if value is None and partial:
        value = validate_what_is_valid(document, model)
    return None if value is None else (value, document)


def _load_referentiel(path: Path, problems: list[Problem], warnings: list[Problem],
                      digests: dict[Path, str], read: Reader = read_yaml) -> Referentiel | None:
    loaded = _load(path, Referentiel, problems, warnings, digests, read)
    if loaded is None:
        return None
    referentiel, document = loaded
    for key, items in (("territoires", referentiel.territories),
                       ("themes", referentiel.themes),
                       ("categories", referentiel.categories)):
        problems += _duplicates(document, (key,), [item.id for item in items],
                                suffix=("id",), what="identifiant")
    problems += _same_names(document, referentiel)
    problems += [document.problem(("territoires", index, "id"), WINDOWS_DEVICE.format(
                     territory.id)) for index, territory in enumerate(referentiel.territories)
                 if territory.id in WINDOWS_DEVICES]
    return referentiel


def _same_names(document: YamlDocument, referentiel: Referentiel) -> list[Problem]:
    """Two territories of the same name would be one on the map, in the synthesis's
    tables and in the changes between distributions: both are named."""
    first: dict[str, tuple[int, str]] = {}
    problems = []
    for index, territory in enumerate(referentiel.territories):
        key = " ".join(territory.name.split()).casefold()
        if key not in first:
            first[key] = (index, territory.id)
            continue
        other_index, other_id = first[key]
        line = document.problem(("territoires", other_index, "nom"), "").line
        problems.append(document.problem(
            ("territoires", index, "nom"),
            f"nom « {shown(territory.name)} » déjà porté par le territoire « {other_id} »"
            f"{f' (ligne {line})' if line else ''} : donnez un nom différent à "
            f"« {territory.id} »"))
    return problems


# An edition's dates within a year of it: 9999-12-31 is a slip, not a publication.
DATE_MARGIN_YEARS = 1


def _far_date(document: YamlDocument, path: YamlPath, date: datetime.date | None,
              year: int, what: str) -> list[Problem]:
    if date is None or abs(date.year - year) <= DATE_MARGIN_YEARS:
        return []
    return [document.problem(path, f"{what} {date.isoformat()} trop éloignée de l'édition "
                                   f"{year} (attendue entre {year - DATE_MARGIN_YEARS} et "
                                   f"{year + DATE_MARGIN_YEARS}) : vérifiez l'année")]


def _load_edition(directory: Path, referentiel: Referentiel | None, problems: list[Problem],
                  warnings: list[Problem], digests: dict[Path, str],
                  previous: Edition | None = None, check_follow_ups: bool = True,
                  earlier: list[Edition] | None = None,
                  read: Reader = read_yaml) -> Edition | None:
    info: EditionInfo | None = None
    year: int | None = None  # the edition's, once it is the folder's (else already said)
    loaded_info = _load(directory / EDITION_FILE, EditionInfo, problems, warnings, digests,
                        read)
    if loaded_info is not None:
        info, document = loaded_info
        if str(info.year) != directory.name:
            problems.append(document.problem(
                ("annee",),
                f"l'année {info.year} ne correspond pas au dossier « {shown(directory.name)} »"))
        else:
            year = info.year
            problems += _far_date(document, ("date",), info.date, year, "date de publication")
    problems += _unexpected_files(directory, {EDITION_FILE, SYNTHESIS_FILE}, "fichier")

    reports: dict[str, TerritoryReport] = {}
    report_files: dict[str, Path] = {}
    documents: list[tuple[TerritoryReport | Synthesis, YamlDocument]] = []
    known_ids = [t.id for t in referentiel.territories] if referentiel else []
    territories_dir = directory / TERRITORIES_DIR
    if not territories_dir.is_dir():
        problems.append(Problem(display_path(territories_dir), None, None,
                                "dossier des territoires manquant"))
    else:
        warnings += _ignored_files(territories_dir)
        for path in sorted(_yaml_files(territories_dir)):
            if referentiel and path.stem not in known_ids:
                problems.append(Problem(
                    display_path(path), None, None,
                    f"aucun territoire « {shown(path.stem)} » dans le référentiel"
                    + did_you_mean(path.stem, known_ids)))
                continue
            known_problems = len(problems)
            loaded_report = _load(path, TerritoryReport, problems, warnings, digests, read,
                                  partial=True)
            if loaded_report is not None and referentiel is not None:
                report, doc = loaded_report
                whole = len(problems) == known_problems  # else: what is valid in it
                # Voted themes cut out for their problems: the parts' labels cannot be
                # checked against them (each would be said missing).
                labels_known = whole or bool(report.voted_themes) or \
                    not (isinstance(doc.data, dict) and doc.data.get("themes_votes"))
                problems += _check_report(report, doc, referentiel, labels_known)
                if year is not None:
                    problems += _far_date(doc, ("date",), report.date, year,
                                          "date de la Rencontre")
                    problems += _themes_not_started(report, doc, referentiel, year)
                if whole:  # a part emptied of its invalid lists is not empty
                    warnings += _empty_sections(report, doc)
                    warnings += _doubtful(report, doc, directory.name)
                reports[report.territory] = report
                report_files[report.territory] = path
                documents.append((report, doc))

    synthesis: Synthesis | None = None
    synthesis_path = directory / SYNTHESIS_FILE
    loaded_synthesis = (_load(synthesis_path, Synthesis, problems, warnings, digests, read,
                              partial=True)
                        if synthesis_path.exists() else None)
    if loaded_synthesis is not None:
        synthesis, doc = loaded_synthesis
        if referentiel is not None:
            problems += _check_synthesis(synthesis, doc, referentiel)
            documents.append((synthesis, doc))
            if check_follow_ups:
                problems += _check_follow_ups(synthesis, doc, previous, earlier or [])
    problems += _check_suggestion_ids(documents)
    if info is None:
        return None
    if loaded_info is not None and referentiel is not None:
        problems += _check_upcoming(loaded_info[0], loaded_info[1], known_ids, reports, year)
    ordered = {tid: reports[tid] for tid in known_ids if tid in reports}
    return Edition(info, directory, ordered, synthesis, report_files)


def _check_upcoming(info: EditionInfo, document: YamlDocument, known_ids: list[str],
                    reports: dict[str, TerritoryReport], year: int | None) -> list[Problem]:
    """A Rencontre to come names a territory of the referentiel, once, that has no file
    yet: a Rencontre held has its file, and is no longer to come."""
    problems = []
    for index, planned in enumerate(info.upcoming):
        path = ("a_venir", index, "territoire")
        problems += _unknown(document, path, planned.territory, known_ids, "territoire")
        if planned.territory in reports:
            problems.append(document.problem(
                path, f"le territoire « {shown(planned.territory)} » a déjà son fichier : sa "
                      "Rencontre a eu lieu, retirez-le de « a_venir »"))
        if year is not None:
            problems += _far_date(document, ("a_venir", index, "date"), planned.date, year,
                                  "date prévue")
    problems += _duplicates(document, ("a_venir",), [p.territory for p in info.upcoming],
                            ("territoire",), "territoire")
    return problems


def _yaml_files(directory: Path) -> Iterable[Path]:
    """Every YAML file of a folder, regular or not: one that is not (a FIFO, a link to
    a device, a broken link) is read, and refused, by name, not passed over."""
    return (p for p in directory.iterdir()
            if not p.is_dir() and p.suffix in (".yaml", ".yml") and not p.name.startswith("."))


def _unexpected_files(directory: Path, expected: set[str], what: str) -> list[Problem]:
    """A misnamed file would be silently ignored: name it instead."""
    return [Problem(display_path(path), None, None,
                    f"{what} inattendu, il serait ignoré" + did_you_mean(path.name, expected))
            for path in sorted(_yaml_files(directory)) if path.name not in expected]


def _duplicates(document: YamlDocument, path: YamlPath, values: list[str],
                suffix: YamlPath = (), what: str = "valeur") -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for index, value in enumerate(values):
        if value in seen:
            problems.append(document.problem((*path, index, *suffix),
                                             f"{what} « {shown(value)} » en double"))
        seen.add(value)
    return problems


def _unknown(document: YamlDocument, path: YamlPath, value: str, known: list[str],
             what: str, *, feminine: bool = False, at_key: bool = False) -> list[Problem]:
    if value in known:
        return []
    unknown = "inconnue" if feminine else "inconnu"
    return [document.problem(path, f"{what} « {shown_exactly(value)} » {unknown} du référentiel"
                             + did_you_mean(value, known), at_key=at_key)]


def has_content(section: Section) -> bool:
    """Whether a part has anything to show under its title."""
    return any((section.objectives, section.project_ideas, section.partners,
                section.suggestions, section.remarks))


def _empty_sections(report: TerritoryReport, document: YamlDocument) -> list[Problem]:
    """A part with nothing but its title (as `nouvelle-edition` leaves it) would be
    a heading over nothing: it is left out of the compte-rendu, and said so."""
    return [document.problem(("sections", index, "titre"),
                             f"partie « {shown(section.title)} » sans contenu (ni objectif, ni "
                             "idée de projet, ni partenaire, ni suggestion, ni remarque) : "
                             "elle n'apparaît pas dans le compte-rendu")
            for index, section in enumerate(report.sections) if not has_content(section)]


def _doubtful(report: TerritoryReport, document: YamlDocument, year: str) -> list[Problem]:
    """What is allowed but most likely a slip of a hurried hand: said, not refused."""
    warnings = []
    if report.date is not None and str(report.date.year) != year:
        warnings.append(document.problem(
            ("date",), f"Rencontre datée de {report.date.year}, pour l'édition {year} : "
                       "vérifiez l'année"))
    if report.participants.total == 0:
        warnings.append(document.problem(
            ("participants", "total"), "aucun participant : si la Rencontre n'a pas eu "
                                       "lieu, retirez plutôt le fichier du territoire"))
    if report.sections:
        covered = {label for section in report.sections for label in section.voted_themes}
        for index, voted in enumerate(report.voted_themes):
            if voted.label not in covered:
                warnings.append(document.problem(
                    ("themes_votes", index, "libelle"),
                    f"thème voté « {shown(voted.label)} » couvert par aucune partie : "
                    "ajoutez-le aux « themes_votes » d'une partie, sinon le compte-rendu "
                    "n'en dit rien"))
    return warnings


def _check_report(report: TerritoryReport, document: YamlDocument,
                  referentiel: Referentiel, labels_known: bool = True) -> list[Problem]:
    """Cross-references of a territory file: ids, labels, consistency."""
    problems: list[Problem] = []
    if report.territory != document.path.stem:
        problems.append(document.problem(
            ("territoire",),
            f"le fichier « {shown(document.path.name)} » déclare le territoire "
            f"« {shown_exactly(report.territory)} » :"
            f" le nom du fichier et le territoire doivent correspondre"))
    themes = [t.id for t in referentiel.themes]
    categories = [c.id for c in referentiel.categories]
    for category in report.participants.by_category:
        problems += _unknown(document, ("participants", "par_categorie", category), category,
                             categories, "catégorie", feminine=True, at_key=True)
    for index, voted in enumerate(report.voted_themes):
        if voted.theme is not None:
            problems += _unknown(document, ("themes_votes", index, "theme"), voted.theme,
                                 themes, "thème")
    labels = [v.label for v in report.voted_themes]
    problems += _duplicates(document, ("themes_votes",), labels, ("libelle",), "thème voté")
    for key, ids in (("priorites_locales", report.local_priorities or []),
                     ("mot_attendue", report.mot_expected or [])):
        for index, theme_id in enumerate(ids):
            problems += _unknown(document, (key, index), theme_id, themes, "thème")
        problems += _duplicates(document, (key,), ids, what="thème")
    covered: Counter[str] = Counter()
    for s_index, section in enumerate(report.sections):
        for index, label in enumerate(section.voted_themes):
            path = ("sections", s_index, "themes_votes", index)
            covered[label] += 1
            if not labels_known:
                continue
            if label not in labels:
                problems.append(document.problem(
                    path, f"thème voté « {shown(label)} » absent de « themes_votes »"
                    + did_you_mean(label, labels)))
            elif covered[label] == 2:
                problems.append(document.problem(
                    path, f"thème voté « {shown(label)} » déjà couvert par une autre partie"))
    return problems


def _themes_not_started(report: TerritoryReport, document: YamlDocument,
                        referentiel: Referentiel, year: int) -> list[Problem]:
    """A theme the referentiel says started later cannot be named in an earlier edition:
    its trends would read « n. d. » where the file counts it."""
    starts = {t.id: t.since for t in referentiel.themes if t.since is not None}
    named: list[tuple[YamlPath, str]] = [
        *((("themes_votes", index, "theme"), voted.theme)
          for index, voted in enumerate(report.voted_themes) if voted.theme is not None),
        *(((key, index), theme_id)
          for key, ids in (("priorites_locales", report.local_priorities or []),
                           ("mot_attendue", report.mot_expected or []))
          for index, theme_id in enumerate(ids))]
    return [document.problem(path, f"thème « {shown(theme_id)} » créé en {starts[theme_id]} "
                                   f"(« depuis » du référentiel) : il n'existait pas en "
                                   f"{year} ; corrigez l'un ou l'autre")
            for path, theme_id in named if starts.get(theme_id, year) > year]


def _check_synthesis(synthesis: Synthesis, document: YamlDocument,
                     referentiel: Referentiel) -> list[Problem]:
    problems: list[Problem] = []
    themes = [t.id for t in referentiel.themes]
    territories = [t.id for t in referentiel.territories]
    for index, idea in enumerate(synthesis.common_ideas):
        problems += _unknown(document, ("idees_communes", index, "theme"), idea.theme,
                             themes, "thème")
        for t_index, territory in enumerate(idea.territories):
            problems += _unknown(document, ("idees_communes", index, "territoires", t_index),
                                 territory, territories, "territoire")
        problems += _duplicates(document, ("idees_communes", index, "territoires"),
                                idea.territories, what="territoire")
    return problems


# --- suggestions and their follow-up -------------------------------------------

def _located_ids(model: TerritoryReport | Synthesis) -> Iterable[tuple[YamlPath, str, bool]]:
    """(where, id, whether it is a MOT suggestion) of every identified item of a file."""
    if isinstance(model, Synthesis):
        for index, idea in enumerate(model.common_ideas):
            for s_index, suggestion in enumerate(idea.suggestions):
                if suggestion.id is not None:
                    yield ("idees_communes", index, "suggestions", s_index, "id"), \
                        suggestion.id, True
        return
    for s_index, section in enumerate(model.sections):
        for key, items in (("objectifs", section.objectives),
                           ("idees_projet", section.project_ideas),
                           ("suggestions", section.suggestions),
                           ("remarques", section.remarks)):
            for index, item in enumerate(items):
                if item.id is not None:
                    yield ("sections", s_index, key, index, "id"), item.id, key == "suggestions"
    for index, item in enumerate(model.cross_cutting_ideas):
        if item.id is not None:
            yield ("idees_transversales", index, "id"), item.id, False


def suggestion_ids(edition: Edition) -> list[str]:
    """The ids given to the MOT's suggestions of an edition, in file order."""
    models: list[TerritoryReport | Synthesis] = [
        *edition.reports.values(), *([edition.synthesis] if edition.synthesis else [])]
    return [sid for model in models for _, sid, is_suggestion in _located_ids(model)
            if is_suggestion]


def _check_suggestion_ids(documents: list[tuple[TerritoryReport | Synthesis, YamlDocument]]
                          ) -> list[Problem]:
    """An id names one suggestion of the MOT in the whole edition."""
    problems = []
    # Where each id is first given, located only when named again: locating reads the
    # file's positions, which a valid file never needs.
    first: dict[str, tuple[YamlDocument, YamlPath]] = {}
    for model, document in documents:
        for path, sid, is_suggestion in _located_ids(model):
            if not is_suggestion:
                problems.append(document.problem(
                    path, f"identifiant « {shown(sid)} » : seules les suggestions de la MOT "
                          "en portent un (pour en donner le suivi à l'édition suivante)"))
            elif sid in first:
                earlier = first[sid][0].problem(first[sid][1], "")
                problems.append(document.problem(
                    path, f"identifiant de suggestion « {shown(sid)} » déjà donné "
                          f"({earlier.file}:{earlier.line})"))
            else:
                first[sid] = (document, path)
    return problems


def _check_follow_ups(synthesis: Synthesis, document: YamlDocument,
                      previous: Edition | None, earlier: list[Edition]) -> list[Problem]:
    """Each follow-up names a suggestion of the previous edition entered, once. One of an
    older edition is said so: an edition entered since (a year filled in afterwards)
    now comes between, and gives its follow-up."""
    if not synthesis.follow_ups:
        return []
    if previous is None:
        return [document.problem(("suivi",), "aucune édition précédente : pas de suggestion "
                                             "dont donner le suivi")]
    known = suggestion_ids(previous)
    older = {sid: edition for edition in earlier if edition.year < previous.year
             for sid in suggestion_ids(edition)}
    problems = []
    for index, follow_up in enumerate(synthesis.follow_ups):
        if follow_up.suggestion in older:
            problems.append(document.problem(
                ("suivi", index, "suggestion"),
                f"suggestion « {shown(follow_up.suggestion)} » de l'édition "
                f"{older[follow_up.suggestion].year}, pas de la précédente ({previous.year}) : "
                f"son suivi se donne dans "
                f"{display_path(previous.directory / SYNTHESIS_FILE)}"))
        elif follow_up.suggestion not in known:
            problems.append(document.problem(
                ("suivi", index, "suggestion"),
                f"suggestion « {shown_exactly(follow_up.suggestion)} » inconnue de l'édition "
                f"{previous.year}" + did_you_mean(follow_up.suggestion, known)))
    problems += _duplicates(document, ("suivi",), [f.suggestion for f in synthesis.follow_ups],
                            ("suggestion",), "suivi de la suggestion")
    return problems
