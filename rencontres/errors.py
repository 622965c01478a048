"""Typed errors raised by the library; only the CLI prints them."""

from __future__ import annotations

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
    except ValueError:
        return str(path)


def _reading_order(problem: Problem) -> tuple:
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
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):
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


class CheckError(RencontresError):
    """Content and template problems together, as `verifier` reports them."""

    title = "Vérification échouée"
