"""The list of the members the documents are mailed to, as the team keeps it: a CSV
exported from a spreadsheet or a CRM (name, e-mail, organisation, territories followed).

Excel writes CSV in UTF-8 (with or without its BOM) or in Windows-1252, separated by
« ; » (French settings) or « , »: all are read. Every problem is found before any is
reported, each with its line.

The list holds personal data: it is refused inside content/ (whose files are archived
with each distribution) and inside output/ (the folder whose files are sent and
shared); nothing from it is ever written to a package or a snapshot.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..content.source import shown
from ..content.validation import did_you_mean
from ..errors import Problem, RecipientsError, display_path, system_error
from .output import read_file
from .plan import Project

NATIONAL = "national"
# Far above the ninety members, far below what would be a mistaken file (a database dump).
MAX_BYTES = 5_000_000

# Each column and the headers that name it, compared without accents or case: what
# spreadsheets and CRMs call them.
COLUMNS = {
    "nom": ("nom", "name", "nom complet", "prenom nom", "contact"),
    "courriel": ("courriel", "e-mail", "email", "mail", "adresse", "adresse e-mail",
                 "adresse electronique", "adresse courriel"),
    "organisation": ("organisation", "organisme", "structure", "organization"),
    "territoires": ("territoires", "territoire", "frontieres", "frontiere"),
}
REQUIRED = ("courriel", "territoires")
_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                      r"@([^\W_]([\w-]*[^\W_])?\.)+[^\W\d_]{2,}")
_LIST_SEPARATOR = re.compile(r"[,;|\n]")


@dataclass(frozen=True)
class Recipient:
    name: str
    address: str
    organisation: str
    territories: tuple[str, ...]  # ids, in the order of the list; NATIONAL alone for all
    line: int

    @property
    def national(self) -> bool:
        return self.territories == (NATIONAL,)

    def follows(self, territory_id: str) -> bool:
        return self.national or territory_id in self.territories


def refuse_if_sent_or_archived(project: Project, path: Path) -> None:
    """RecipientsError when the list sits where its personal data would leave the
    team: in output/ (sent and shared) or content/ (archived with each distribution)."""
    resolved = path.resolve()
    for folder, why in ((project.output_dir, "dont les fichiers sont envoyés et partagés"),
                        (project.content_dir, "archivé avec chaque diffusion")):
        if resolved.is_relative_to(folder.resolve()):
            raise RecipientsError([Problem(
                display_path(path), None, None,
                f"la liste des destinataires contient des données personnelles : elle ne "
                f"doit pas être dans {folder.name}/ ({why}) ; rangez-la hors du projet, "
                "avec le fichier des adhérents de l'équipe (voir docs/courriels.md)")])


def inside_project_warning(project: Project, path: Path) -> str | None:
    """A list kept in the project folder goes wherever the folder goes (a shared drive,
    a Git repository): said, not refused, as the team may keep it there on purpose."""
    if not path.resolve().is_relative_to(project.root.resolve()):
        return None
    return (f"{display_path(path)} : la liste des destinataires est dans le dossier du "
            "projet ; ses données personnelles partent avec lui (dossier partagé, dépôt "
            "Git) : rangez-la plutôt hors du projet (voir docs/courriels.md)")


def read_recipients(path: Path, territories: dict[str, str]) -> list[Recipient]:
    """The recipients of the list `path`, checked against the referentiel's
    `territories` (id → name); RecipientsError listing every problem with its line."""
    shown_path = display_path(path)
    try:
        data = read_file(path, MAX_BYTES + 1)
    except OSError as error:
        raise RecipientsError([Problem(shown_path, None, None,
                                       f"lecture impossible : {system_error(error)}")]) from None
    if len(data) > MAX_BYTES:
        raise RecipientsError([Problem(shown_path, None, None,
                                       f"fichier trop gros pour une liste de destinataires "
                                       f"(plus de {MAX_BYTES // 1_000_000} Mo)")])
    text = _decode(data, shown_path)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise RecipientsError([Problem(shown_path, 1, None,
                                       "liste vide : la première ligne nomme les colonnes "
                                       "(nom ; courriel ; organisation ; territoires)")])
    columns, problems = _columns(rows[0], shown_path)
    if problems:
        raise RecipientsError(problems)
    recipients, problems = _recipients(rows, columns, territories, shown_path)
    if not recipients and not problems:
        problems.append(Problem(shown_path, None, None,
                                "aucun destinataire : la liste n'a que sa ligne d'en-tête"))
    if problems:
        raise RecipientsError(problems)
    return recipients


def _decode(data: bytes, shown_path: str) -> str:
    """UTF-8 (its BOM dropped), else Windows-1252, Excel's « CSV » on a French Windows."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise RecipientsError([Problem(shown_path, None, None,
                                       "encodage non reconnu : enregistrez la liste en « CSV "
                                       "UTF-8 » depuis le tableur")]) from None


def _separator(text: str) -> str:
    """« ; » or « , »: the one the header line holds more of."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") >= header.count(",") else ","


def _plain(text: str) -> str:
    """A header as compared: no accents, no case, single spaces, « _ » as a space."""
    decomposed = unicodedata.normalize("NFKD", text.replace("_", " "))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def _columns(header: list[str], shown_path: str) -> tuple[dict[str, int], list[Problem]]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        for column, names in COLUMNS.items():
            if _plain(cell) in names and column not in found:
                found[column] = index
    problems = []
    for column in REQUIRED:
        if column not in found:
            near = difflib.get_close_matches(column, [_plain(cell) for cell in header], n=1)
            hint = (f" (vouliez-vous dire « {near[0]} » ?)" if near
                    else f" ; colonnes lues : {' ; '.join(shown(c) for c in header)}")
            problems.append(Problem(shown_path, 1, None,
                                    f"colonne « {column} » introuvable{hint}"))
    return found, problems


def _cell(row: list[str], columns: dict[str, int], column: str) -> str:
    index = columns.get(column)
    return row[index].strip() if index is not None and index < len(row) else ""


def _recipients(rows: list[list[str]], columns: dict[str, int], territories: dict[str, str],
                shown_path: str) -> tuple[list[Recipient], list[Problem]]:
    recipients: list[Recipient] = []
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line, as spreadsheets leave at the end
        address = _cell(row, columns, "courriel")
        line_problems = []
        if not address:
            line_problems.append("adresse électronique manquante")
        elif _ADDRESS.fullmatch(address) is None:
            line_problems.append(f"adresse électronique invalide « {shown(address)} »")
        elif address.lower() in first_line:
            line_problems.append(f"adresse « {shown(address)} » en double (déjà à la ligne "
                                 f"{first_line[address.lower()]})")
        else:
            first_line[address.lower()] = number
        followed, territory_problems = _territories(_cell(row, columns, "territoires"),
                                                    territories)
        line_problems += territory_problems
        problems += [Problem(shown_path, number, None, message) for message in line_problems]
        if not line_problems:
            recipients.append(Recipient(_cell(row, columns, "nom"), address,
                                        _cell(row, columns, "organisation"), followed, number))
    return recipients, problems


def _territories(cell: str, territories: dict[str, str]) -> tuple[tuple[str, ...], list[str]]:
    ids = _unique(part.strip() for part in _LIST_SEPARATOR.split(cell) if part.strip())
    if not ids:
        return (), [f"aucun territoire : indiquez les identifiants des territoires suivis, "
                    f"ou « {NATIONAL} » pour tous"]
    known = [NATIONAL, *territories]
    by_name = {_plain(name): territory_id for territory_id, name in territories.items()}
    problems = []
    followed = []
    for given in ids:
        territory_id = given.lower() if given.lower() in known else by_name.get(_plain(given))
        if territory_id is None:
            problems.append(f"territoire « {shown(given)} » inconnu du référentiel"
                            + did_you_mean(given.lower(), known))
        else:
            followed.append(territory_id)
    if NATIONAL in followed:
        followed = [NATIONAL]
    return tuple(_unique(followed)), problems


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
