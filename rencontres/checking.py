"""`verifier`: validate every content file and every template, write nothing."""

from __future__ import annotations

from dataclasses import dataclass

from .builder import KINDS, Project, edition_warnings
from .content import load_content
from .errors import CheckError, ContentError, Problem
from .french import plural


@dataclass(frozen=True)
class CheckResult:
    summary: str
    warnings: list[str]


def check_project(project: Project) -> CheckResult:
    """Raise one CheckError listing the problems of the content and of the templates."""
    from .fields import contexts
    from .template_check import check_template

    problems: list[Problem] = []
    content = None
    try:
        content = load_content(project.content_dir)
    except ContentError as error:
        problems += error.problems
    for kind in KINDS:
        problems += check_template(project.template(kind), contexts()[kind])
    if problems:
        raise CheckError(problems)
    files = sum(len(edition.reports) for edition in content.editions.values())
    warnings = [*map(str, content.warnings),
                *(warning for edition in content.editions.values()
                  for warning in edition_warnings(content, edition))]
    return CheckResult(
        summary=", ".join([plural(len(content.editions), "édition"),
                           plural(files, "fichier de territoire", "fichiers de territoire"),
                           plural(len(KINDS), "modèle")]),
        warnings=warnings)
