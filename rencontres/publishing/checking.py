"""`verifier`: validate every content file and every template, write nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..content.loading import Content, load_content
from ..documents.french import plural
from ..errors import CheckError, ContentError, Problem, display_path
from .plan import KINDS, REPORT, Project, edition_warnings, stray_templates
from .quick import input_digests, special_files

if TYPE_CHECKING:
    from ..documents.context import TemplateContext


def _contexts(content: Content, kind: str) -> list[tuple[str, TemplateContext]]:
    """(the document's name for a message, its context) of each document of `kind`."""
    from ..documents.report import report_context
    from ..documents.synthesis import synthesis_context

    if kind == REPORT:
        return [(f"{content.territory(territory).name} {edition.year}",
                 report_context(content, edition, territory))
                for edition in content.editions.values()
                for territory, report in edition.reports.items() if report.has_report]
    return [(f"synthèse {edition.year}", synthesis_context(content, edition))
            for edition in content.editions.values() if edition.synthesis is not None]


def empty_field_warnings(project: Project, content: Content) -> list[str]:
    """Each use of a field that can be empty outside an « if » testing it, with the
    documents where it is empty today."""
    from ..word.checker import empty_field_uses
    from ..word.fields import attributes, context_class

    warnings = []
    for kind in KINDS:
        template = project.template(kind)
        uses = empty_field_uses(template, context_class(kind))
        contexts = _contexts(content, kind) if uses else []
        for place, field in uses:
            attribute = attributes(context_class(kind))[field][0]
            empty = [name for name, context in contexts if getattr(context, attribute) is None]
            today = (f"il l'est pour {', '.join(empty)}" if empty
                     else "il ne l'est aujourd'hui dans aucun document")
            warnings.append(str(Problem(
                display_path(template), None, None,
                f"{place} : le champ « {field} » peut être vide ({today}) : entourez ce "
                f"passage de « {{% if {field} %}} » … « {{% endif %}} » (ou « {{%p if "
                f"{field} %}} » … « {{%p endif %}} » autour de paragraphes)")))
    return warnings


def series_problems(project: Project, content: Content) -> list[Problem]:
    """Native charts with fewer series than some document's data has columns: that
    document's build would fail."""
    from ..word.checker import chart_series
    from ..word.fields import context_class
    from ..word.native_charts import chart_fields, chart_name

    problems = []
    for kind in KINDS:
        template = project.template(kind)
        series = chart_series(template)
        fields = {chart_name(field): attribute
                  for field, attribute in chart_fields(context_class(kind)).items()}
        if not any(name in fields for name in series):
            continue
        contexts = _contexts(content, kind)
        for name, count in series.items():
            if name not in fields or not count:
                continue  # an unknown chart, or one of no categories: said by the build
            needs = [(document, columns) for document, context in contexts
                     if (chart := getattr(context, fields[name])) is not None
                     and len(columns := chart.columns()) > count]
            if not needs:
                continue
            most = max(len(columns) for _, columns in needs)
            names = ", ".join(f"« {column} »" for column, _ in
                              next(columns for _, columns in needs if len(columns) == most))
            problems.append(Problem(
                display_path(template), None, None,
                f"graphique « {name} » : le graphique du modèle a {plural(count, 'série')}, "
                f"il en faut {most} ({names}) pour {', '.join(d for d, _ in needs)} : "
                "ajoutez-en, chacune avec sa couleur (Word : clic droit sur le graphique, "
                "« Modifier les données » ; LibreOffice : double-clic sur le graphique, "
                "Affichage › Table de données, « Insérer une série »)"))
    return problems


@dataclass(frozen=True)
class CheckResult:
    summary: str
    warnings: list[str]


def check_project(project: Project, strict: bool = False) -> CheckResult:
    """Raise one CheckError listing the problems of the content and of the templates;
    `strict`: the templates' accessibility warnings are problems too."""
    from ..word.checker import (
        accessibility_problems,
        check_template,
        comment_warnings,
        missing_charts,
        toc_warnings,
    )
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
    if content is not None and not problems:
        problems += series_problems(project, content)
    if problems or content is None:  # no content: its problems are listed
        raise CheckError(problems)
    files = sum(len(edition.reports) for edition in content.editions.values())
    warnings = [*map(str, content.warnings), *map(str, accessibility),
                *special_files(project, input_digests(project)), *stray_templates(project),
                *(warning for edition in content.editions.values()
                  for warning in edition_warnings(content, edition)),
                *(str(warning) for kind in KINDS
                  for warning in toc_warnings(project.template(kind))),
                *(str(warning) for kind in KINDS
                  for warning in missing_charts(project.template(kind), context_class(kind))),
                *(str(warning) for kind in KINDS
                  for warning in comment_warnings(project.template(kind))),
                *empty_field_warnings(project, content)]
    return CheckResult(
        summary=", ".join([plural(len(content.editions), "édition"),
                           plural(files, "fichier de territoire", "fichiers de territoire"),
                           plural(len(KINDS), "modèle")]),
        warnings=warnings)
