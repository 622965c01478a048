"""`verifier`: validate every content file and every template, write nothing."""

from __future__ import annotations

from dataclasses import dataclass

from ..content.loading import Content, load_content
from ..documents.french import plural
from ..errors import CheckError, ContentError, Problem
from .plan import KINDS, Project, edition_warnings


@dataclass(frozen=True)
class CheckResult:
    summary: str
    warnings: list[str]


def check_project(project: Project, strict: bool = False) -> CheckResult:
    """Raise one CheckError listing the problems of the content and of the templates;
    `strict`: the templates' accessibility warnings are problems too."""
    from ..word.checker import accessibility_problems, check_template, toc_warnings
    from ..word.fields import context_class

    problems: list[Problem] = []
    content: Content | None = None
    try:
        content = load_content(project.content_dir)
    except ContentError as error:
        problems += error.problems
    accessibility: list[Problem] = []
    for kind in KINDS:
        found = check_template(project.template(kind), context_class(kind))
        problems += found
        if not found:
            accessibility += accessibility_problems(project.template(kind))
    if strict:
        problems += accessibility
    if problems or content is None:  # no content: its problems are listed
        raise CheckError(problems)
    files = sum(len(edition.reports) for edition in content.editions.values())
    warnings = [*map(str, content.warnings), *map(str, accessibility),
                *(warning for edition in content.editions.values()
                  for warning in edition_warnings(content, edition)),
                *(str(warning) for kind in KINDS
                  for warning in toc_warnings(project.template(kind)))]
    return CheckResult(
        summary=", ".join([plural(len(content.editions), "édition"),
                           plural(files, "fichier de territoire", "fichiers de territoire"),
                           plural(len(KINDS), "modèle")]),
        warnings=warnings)
