"""Typed errors raised by the library; only the CLI prints them."""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in a content file or a template."""

    file: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return f"{place}: {self.message}"


def display_path(path: Path) -> str:
    """Path as the user typed it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):  # elsewhere, or the working directory was deleted
        return str(path)


# The system's own words are English (« Permission denied »): the usual ones in French.
_SYSTEM_ERRORS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "accès refusé (droits insuffisants, ou fichier ouvert dans un autre "
                  "programme)",
    errno.EPERM: "opération non permise",
    errno.EROFS: "disque en lecture seule",
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota du disque dépassé",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOTDIR: "un élément du chemin est un fichier, pas un dossier",
    errno.EEXIST: "un fichier de ce nom existe déjà",
    errno.ENAMETOOLONG: "nom trop long",
    errno.EIO: "erreur de lecture ou d'écriture du disque",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.EBUSY: "fichier occupé",
}


def system_error(error: OSError) -> str:
    """What went wrong, in French."""
    if error.errno is None:  # an OSError raised by hand, with no system error number
        return "erreur du système"
    return _SYSTEM_ERRORS.get(error.errno, "erreur du système "
                              f"({errno.errorcode.get(error.errno, error.errno)})")


_ReadingKey = tuple[str, int, int, list[tuple[int, int, str]]]


def _reading_order(problem: Problem) -> _ReadingKey:
    """File, line, column, then message with its numbers compared as numbers:
    « paragraphe 9 » comes before « paragraphe 10 »."""
    words = re.split(r"(\d+)", problem.message)
    return (problem.file, problem.line or 0, problem.column or 0,
            [(0, int(w), "") if w.isdigit() else (1, 0, w) for w in words])


class RencontresError(Exception):
    """Base of every error the CLI reports as a French message."""

    title = "Erreur"

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_reading_order)
        # What a build had written when it failed (nothing, most of the time).
        self.written: tuple[Path, ...] = ()
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[RencontresError], tuple[list[Problem]]]:
        # Rebuilt from its problems when it crosses from a worker process.
        return type(self), (self.problems,)

    def report(self) -> str:
        count = len(self.problems)
        noun = "problème" if count == 1 else "problèmes"
        lines = [f"{self.title} : {count} {noun}"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class ContentError(RencontresError):
    title = "Contenu invalide"


class TemplateError(RencontresError):
    title = "Modèle Word invalide"


class OutputError(RencontresError):
    title = "Écriture impossible"


class UsageError(RencontresError):
    """An option given a value the project does not know (`--territoire inconnu`)."""

    title = "Option invalide"


class DistributionError(RencontresError):
    """A distribution that cannot be recorded (`diffuser`) or compared (`changements`);
    the build before it, if any, went well."""

    title = "Diffusion impossible"


class BuildError(RencontresError):
    title = "Construction interrompue"


class CheckError(RencontresError):
    """Content and template problems together, as `verifier` reports them."""

    title = "Vérification échouée"


class RecipientsError(RencontresError):
    """The list of the members the documents are mailed to, unreadable or wrong."""

    title = "Liste des destinataires invalide"


class MailError(RencontresError):
    """Mails that cannot be written or sent (settings, template, server)."""

    title = "Courriels impossibles"
