"""The text of the mails, from two files the team edits in templates/: the first
mail of a member (`courriel.txt`), and the one that carries corrected documents
(`courriel-mise-a-jour.txt`).

A template is plain text with fields written `{{ nom }}`, and its first line is the
subject (« Objet : … »). Nothing else is read in it: no code, no logic; a field it
does not know is refused with the nearest name and its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..content.source import shown
from ..content.validation import did_you_mean
from ..errors import MailError, Problem, display_path, system_error
from .output import read_file
from .plan import Project

FIRST, UPDATE = "courriel.txt", "courriel-mise-a-jour.txt"
SUBJECT = "Objet :"
MAX_BYTES = 100_000
_TAG = re.compile(r"\{\{(.*?)\}\}|\{%|%\}")

# Each field, with what it holds, in the order `champs` lists them.
FIELDS = {
    "nom": "Nom du destinataire (son adresse quand la liste ne donne pas de nom).",
    "organisation": "Organisation du destinataire (peut être vide).",
    "territoires": "Territoires qu'il suit, ex. « Ardennes, Grande Région », ou « tous les "
                   "territoires ».",
    "titre": "Titre de l'édition, ex. « Rencontres territoriales 2021 ».",
    "annee": "Année de l'édition.",
    "version": "Numéro de la diffusion envoyée (1, 2…).",
    "date_diffusion": "Date de la diffusion en toutes lettres, ex. « 7 décembre 2026 ».",
    "documents": "Les fichiers joints, un par ligne, avec leur titre.",
    "version_precedente": "Numéro de la dernière diffusion que le destinataire a reçue "
                          f"(seulement dans {UPDATE}).",
    "modifications": "Ce qui a changé dans ses documents depuis cette diffusion, comme le dit "
                     f"« changements » (seulement dans {UPDATE}).",
}
ONLY_UPDATE = ("version_precedente", "modifications")


@dataclass(frozen=True)
class MailTemplate:
    path: Path
    subject: str  # with its fields
    body: str

    def render(self, values: dict[str, str]) -> tuple[str, str]:
        """The subject and the body, fields replaced by `values` (text as it is)."""
        def fill(text: str) -> str:
            return _TAG.sub(lambda match: values[match.group(1).strip()], text)

        return " ".join(fill(self.subject).split()), fill(self.body)


def mail_templates(project: Project) -> dict[str, MailTemplate]:
    """Both templates, checked; MailError listing every problem of both."""
    problems: list[Problem] = []
    found = {}
    for name in (FIRST, UPDATE):
        template = _read(project.templates_dir / name, name == UPDATE, problems)
        if template is not None:
            found[name] = template
    if problems:
        raise MailError(problems)
    return found


def _read(path: Path, update: bool, problems: list[Problem]) -> MailTemplate | None:
    shown_path = display_path(path)
    try:
        data = read_file(path, MAX_BYTES + 1)
    except OSError as error:
        problems.append(Problem(shown_path, None, None,
                                f"modèle de courriel illisible : {system_error(error)}"))
        return None
    try:
        text = data[:MAX_BYTES].decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError:
        problems.append(Problem(shown_path, None, None, "modèle de courriel à enregistrer "
                                "en UTF-8 (dans le Bloc-notes : Enregistrer sous, Encodage "
                                "UTF-8)"))
        return None
    if len(data) > MAX_BYTES:
        problems.append(Problem(shown_path, None, None, "modèle de courriel trop long "
                                f"(plus de {MAX_BYTES // 1000} ko)"))
    first, _, body = text.partition("\n")
    if not first.startswith(SUBJECT) or not first.removeprefix(SUBJECT).strip():
        problems.append(Problem(shown_path, 1, None,
                                f"la première ligne donne l'objet du courriel : « {SUBJECT} "
                                "… », reçu « " + shown(first) + " »"))
    allowed = [name for name in FIELDS if update or name not in ONLY_UPDATE]
    for number, line in enumerate(text.split("\n"), start=1):
        for match in _TAG.finditer(line):
            name = match.group(1)
            if name is None:
                problems.append(Problem(shown_path, number, None,
                                        f"« {match.group(0)} » : un modèle de courriel n'a que "
                                        "des champs {{ nom }}, pas d'instructions"))
            elif name.strip() in ONLY_UPDATE and not update:
                problems.append(Problem(shown_path, number, None,
                                        f"champ « {name.strip()} » réservé à {UPDATE} : le "
                                        "premier courriel n'a rien à comparer"))
            elif name.strip() not in allowed:
                problems.append(Problem(shown_path, number, None,
                                        f"champ « {shown(name.strip())} » inconnu"
                                        + did_you_mean(name.strip(), allowed)))
    return MailTemplate(path, first.removeprefix(SUBJECT).strip(), body.lstrip("\n"))


def mail_fields_markdown() -> str:
    """The fields of the mail templates, for `champs` and docs/champs-modeles.md."""
    lines = ["## Modèles de courriel `courriel.txt` et `courriel-mise-a-jour.txt`", "",
             f"Champs reçus par `templates/{FIRST}` (premier envoi à un destinataire) et "
             f"`templates/{UPDATE}` (documents corrigés, à partir de la v2). La première "
             f"ligne donne l'objet : « {SUBJECT} … ».", ""]
    lines += [f"- `{name}` (texte) : {description}" for name, description in FIELDS.items()]
    return "\n".join(lines) + "\n"
