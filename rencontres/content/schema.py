"""JSON Schemas of the content files, for editors (yaml-language-server).

Each content file starts with a `# yaml-language-server: $schema=...` comment
pointing to one of the files written here, so an editor completes the French
keys, shows their descriptions and flags mistakes while typing. The schemas
are generated from the pydantic model and committed in docs/schemas/;
regenerate them after changing the model with:

    python -m rencontres.content.schema
"""

from __future__ import annotations

import json
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .model import (
    CardSuggestion,
    Category,
    CommonIdea,
    EditionInfo,
    FollowUp,
    Item,
    MapPlace,
    MostCited,
    Participants,
    PlannedRencontre,
    Referentiel,
    Section,
    Synthesis,
    Territory,
    TerritoryReport,
    Theme,
    VotedTheme,
)

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "docs" / "schemas"

SCHEMAS: dict[str, type[BaseModel]] = {
    "referentiel.schema.json": Referentiel,
    "edition.schema.json": EditionInfo,
    "territoire.schema.json": TerritoryReport,
    "synthese.schema.json": Synthesis,
}

# French title and description of every model (their docstrings are English).
_MODEL_TEXTS: dict[type[BaseModel], tuple[str, str]] = {
    Referentiel: (
        "Référentiel (referentiel.yaml)",
        "Commun à toutes les éditions : territoires, thèmes de la synthèse, "
        "catégories de participants."),
    Territory: ("Territoire", "Un territoire des Rencontres."),
    MapPlace: ("Place sur la carte", "Le repère du territoire sur la carte de la synthèse "
                                     "et le côté de son étiquette."),
    Theme: ("Thème", "Un thème de la synthèse inter-territoires."),
    Category: ("Catégorie", "Une catégorie de participants."),
    EditionInfo: ("Édition (<année>/edition.yaml)", "Année, titre et date d'une édition."),
    PlannedRencontre: ("Rencontre à venir", "Une Rencontre pas encore tenue, et sa date "
                                            "prévue."),
    TerritoryReport: (
        "Territoire (<année>/territoires/<territoire>.yaml)",
        "Chiffres et compte-rendu de la Rencontre d'un territoire ; sans « sections », "
        "le fichier ne produit pas de compte-rendu."),
    Item: (
        "Point",
        "Un texte seul, ou des clés « texte » et « sous_points » pour un point "
        "avec sous-points."),
    Participants: ("Participants", "Nombre de participants, et leur répartition facultative."),
    VotedTheme: ("Thème voté", "Un thème voté comme prioritaire par le territoire."),
    Section: ("Partie", "Une partie du compte-rendu."),
    MostCited: ("Thèmes les plus cités",
                "Combien de thèmes la synthèse montre, les plus cités d'abord (ex aequo "
                "compris) ; par défaut 5 et 4, comme en 2021."),
    Synthesis: ("Synthèse (<année>/synthese.yaml)",
                "Synthèse inter-territoires de l'édition (fichier facultatif)."),
    CommonIdea: ("Idée commune", "Une fiche de la synthèse : une idée commune à plusieurs "
                                 "territoires."),
    CardSuggestion: ("Suggestion", "Une suggestion d'action de la fiche."),
    FollowUp: ("Suivi d'une suggestion", "Ce qu'est devenue une suggestion de l'édition "
                                         "précédente, nommée par son identifiant."),
}

# Models whose validator also accepts a plain text (or number) in place of the keys.
_PLAIN_TEXT_MODELS: tuple[type[BaseModel], ...] = (Item,)


def nested_models(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """`model` and every model its fields hold, each once, depth first."""
    seen: list[type[BaseModel]] = []

    def visit(annotation: Any) -> Iterator[type[BaseModel]]:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in seen:
                seen.append(annotation)
                yield annotation
                for field in annotation.model_fields.values():
                    yield from visit(field.annotation)
            return
        origin = typing.get_origin(annotation)
        if origin in (list, dict, typing.Union, types.UnionType):
            for argument in typing.get_args(annotation):
                yield from visit(argument)

    yield from visit(model)


def build_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of one file kind, with French titles and descriptions."""
    raw = model.model_json_schema(by_alias=True, mode="validation")
    definitions = raw.pop("$defs", {})
    for nested in nested_models(model):
        if nested is not model:
            definitions[nested.__name__] = _frenchify(nested, definitions[nested.__name__])
    for nested in _PLAIN_TEXT_MODELS:
        if nested.__name__ in definitions:
            definitions[nested.__name__] = _or_plain_text(definitions[nested.__name__])
    schema: dict[str, Any] = {"$schema": DRAFT}
    schema.update(_frenchify(model, raw))
    if definitions:
        schema["$defs"] = definitions
    return schema


def _frenchify(model: type[BaseModel], schema: dict[str, Any]) -> dict[str, Any]:
    """French model title and description first; each property titled by its YAML key."""
    title, description = _MODEL_TEXTS[model]
    aliases = [field.alias for field in model.model_fields.values()]
    properties = schema.get("properties", {})
    if list(properties) != aliases:
        raise RuntimeError(f"{model.__name__}: properties {list(properties)} != {aliases}")
    for alias in aliases:
        properties[alias]["title"] = alias
    rest = {k: v for k, v in schema.items() if k not in ("title", "description")}
    return {"title": title, "description": description, **rest}


def _or_plain_text(schema: dict[str, Any]) -> dict[str, Any]:
    """Accept `- "texte"` as well as `- texte: ...` (the model converts the former)."""
    keys = {k: v for k, v in schema.items() if k not in ("title", "description")}
    text = keys["properties"]["texte"]
    return {
        "title": schema["title"],
        "description": schema["description"],
        "anyOf": [
            {"type": "string", "minLength": text.get("minLength", 1), "pattern": text["pattern"],
             "description": "Le texte du point, sans sous-points."},
            {"type": "number", "description": "Un nombre seul, lu comme un texte."},
            keys,
        ],
    }


def schema_json(model: type[BaseModel]) -> str:
    """Deterministic text of the schema: pydantic's key order, indent 2, final newline."""
    return json.dumps(build_schema(model), indent=2, ensure_ascii=False) + "\n"


def write_schemas(directory: Path = SCHEMAS_DIR) -> list[Path]:
    """Write every schema into `directory`; returns the written paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = directory / name
        path.write_text(schema_json(model), encoding="utf-8", newline="\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else SCHEMAS_DIR
    for path in write_schemas(directory):
        print(f"schéma écrit : {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
