"""`nouvelle-edition`: prepare a year's content files from the nearest earlier edition.

The year may be the next one, or a year missing before the latest (an edition held but
not entered yet): later editions then compare with it, follow its suggestions up and
count it in their trends.

The new files keep the structure a chargé de mission knows (territories,
voted themes, sections and their levels) and empty every figure and text of
the year: `null` where a value is expected, `[]` where a list is. Validation
then lists exactly what is left to fill.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import ContentError, Problem, display_path
from .loading import (
    EDITION_FILE,
    SYNTHESIS_FILE,
    TERRITORIES_DIR,
    Edition,
    load_content,
)
from .model import EditionInfo, Section, TerritoryReport

SCHEMA_COMMENT = "# yaml-language-server: $schema={}docs/schemas/{}.schema.json\n"
TO_FILL = "null  # à remplir"


@dataclass(frozen=True)
class Scaffold:
    files: dict[Path, str]    # to be written by the caller
    source: int               # the edition the files were made from
    later: tuple[int, ...]    # editions after the new one: they will compare with it
    skipped: tuple[int, ...]  # years left without an edition just before the new one


def new_edition_files(content_dir: Path, year: int) -> Scaffold:
    """The files of content/<year>/, made from the nearest earlier edition (the earliest
    one for a year before them all); refuse to touch an existing edition."""
    target = content_dir / str(year)
    first, last = _year_bounds()
    if not first <= year <= last:
        raise ContentError([Problem(display_path(target), None, None,
                                    f"année {year} impossible : une édition a lieu entre "
                                    f"{first} et {last}")])
    if target.exists():
        raise ContentError([Problem(display_path(target), None, None,
                                    f"l'édition {year} existe déjà : rien n'a été modifié")])
    content = load_content(content_dir)
    earlier = [y for y in content.editions if y < year]
    source = content.editions[max(earlier) if earlier else min(content.editions)]
    files = {target / EDITION_FILE: edition_text(year),
             target / SYNTHESIS_FILE: synthesis_text(year)}
    for territory_id, report in source.reports.items():
        name = content.territory(territory_id).name
        files[target / TERRITORIES_DIR / f"{territory_id}.yaml"] = territory_text(
            report, name, year, source)
    skipped = tuple(range(max(earlier) + 1, year)) if earlier else ()
    return Scaffold(files, source.year, tuple(y for y in content.editions if y > year),
                    skipped)


def _year_bounds() -> tuple[int, int]:
    """The years an edition file may hold, as the model says."""
    metadata = EditionInfo.model_fields["year"].metadata
    return (next(rule.ge for rule in metadata if hasattr(rule, "ge")),
            next(rule.le for rule in metadata if hasattr(rule, "le")))


def _scalar(value: object) -> str:
    """A YAML scalar, quoted only when it must be."""
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True,
                            width=10_000)
    return dumped.removesuffix("\n").removesuffix("\n...")


def _flow_list(values: list[str]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def edition_text(year: int) -> str:
    return (SCHEMA_COMMENT.format("../../", "edition")
            + f"annee: {year}\n"
            + f"titre: Rencontres territoriales {year}\n"
            + "date: null  # date de publication des documents, AAAA-MM-JJ\n")


def synthesis_text(year: int) -> str:
    """Participants and themes are counted from the territory files; only the
    common ideas are written here, once the Rencontres are over."""
    return (SCHEMA_COMMENT.format("../../", "synthese")
            + f"# Synthèse {year} : les chiffres viennent des fichiers des territoires.\n"
            + "# Ajoutez ici les idées communes à plusieurs territoires (voir 2021).\n"
            + "idees_communes: []\n")


def territory_text(report: TerritoryReport, name: str, year: int, source: Edition) -> str:
    lines = [
        SCHEMA_COMMENT.format("../../../", "territoire").rstrip("\n"),
        # On one line: a line break in the name would end the comment.
        f"# Rencontre territoriale {' '.join(name.split())} {year} : préparé à partir de "
        f"{source.year}.",
        "# Remplacez chaque « null » et complétez les listes vides ([]).",
        f"territoire: {report.territory}",
        "date: null  # date de la Rencontre, AAAA-MM-JJ",
        "lieu: null",
        "participants:",
        f"  total: {TO_FILL}",
    ]
    if report.voted_themes:
        lines.append("themes_votes:")
        for voted in report.voted_themes:
            lines.append(f"  - libelle: {_scalar(voted.label)}")
            lines.append(f"    votes: {TO_FILL}")
            if voted.theme:
                lines.append(f"    theme: {voted.theme}")
    # null: not recorded yet, and counted as such in the synthesis until filled.
    lines.append("priorites_locales: null  # ex. [mobilite, sante] ; [] si aucune")
    lines.append("mot_attendue: null  # ex. [gouvernance] ; [] si aucun")
    if report.sections:
        lines.append("sections:")
        for section in report.sections:
            lines += _section_lines(section)
    return "\n".join(lines) + "\n"


def _section_lines(section: Section) -> list[str]:
    lines = [f"  - titre: {_scalar(section.title)}"]
    if section.level is not None:
        lines.append(f"    niveau: {section.level}")
    if section.voted_themes:
        lines.append(f"    themes_votes: {_flow_list(section.voted_themes)}")
    lines.append("    objectifs: []")
    if section.level == 1:
        lines += ["    idees_projet: []", "    partenaires: []"]
    lines += ["    suggestions: []", "    remarques: []"]
    return lines
