"""The command line: the only place that prints errors and picks exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .builder import Project, build
from .errors import RencontresError, display_path

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python build.py",
        description="Génère les comptes-rendus et la synthèse des Rencontres territoriales "
                    "de la MOT à partir des fichiers de contenu et des modèles Word.",
    )
    parser.add_argument("--projet", type=Path, default=Path("."), metavar="DOSSIER",
                        help="dossier du projet (content/, templates/, output/) ; "
                             "par défaut le dossier courant")
    parser.add_argument("--edition", type=int, metavar="ANNÉE",
                        help="édition à construire (par défaut la plus récente)")
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    project = Project(arguments.projet)
    try:
        jobs = build(project, arguments.edition)
    except RencontresError as error:
        print(error.report(), file=sys.stderr)
        print("Aucun document n'a été écrit.", file=sys.stderr)
        return EXIT_INVALID
    for job in jobs:
        print(f"Écrit : {display_path(job.output)}")
    return EXIT_OK
