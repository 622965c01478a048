"""The JSON Schemas editors use: current with the model, referenced by every content
file, and accepting the real content while refusing what the model refuses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from rencontres.content.schema import SCHEMAS, schema_json

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
SCHEMA_COMMENT = re.compile(r"\A# yaml-language-server: \$schema=(\S+)\n")


class EditorLoader(yaml.SafeLoader):
    """Reads dates as text, as an editor's YAML language server does."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def schema_for(path: Path) -> str:
    if path.name == "referentiel.yaml":
        return "referentiel.schema.json"
    if path.parent.name == "territoires":
        return "territoire.schema.json"
    return {"edition.yaml": "edition.schema.json", "synthese.yaml": "synthese.schema.json"}[
        path.name]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_is_generated_from_the_model(name):
    committed = (REPO / "docs" / "schemas" / name).read_text("utf-8")
    assert committed == schema_json(SCHEMAS[name]), (
        "regenerate with: python -m rencontres.content.schema")


@pytest.mark.parametrize("path", sorted(CONTENT.rglob("*.yaml")),
                         ids=lambda p: str(p.relative_to(CONTENT)))
def test_content_file_names_its_schema_and_satisfies_it(path):
    text = path.read_text("utf-8")
    comment = SCHEMA_COMMENT.match(text)
    assert comment, "first line: # yaml-language-server: $schema=…"
    target = (path.parent / comment.group(1)).resolve()
    assert target == (REPO / "docs" / "schemas" / schema_for(path)).resolve()
    schema = json.loads(target.read_text("utf-8"))
    jsonschema.validate(yaml.load(text, EditorLoader), schema,
                        format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("document", [
    {"annee": 2021},                                   # titre missing
    {"annee": 2021, "titre": "x", "titr": "y"},        # unknown key
    {"annee": "2021", "titre": "x"},                   # a text, not a number
    {"annee": 2021, "titre": "x", "date": "2021-13-01"},  # no such day
    {"annee": 2021, "titre": "   "},                    # spaces only
])
def test_schema_refuses_what_the_model_refuses(document):
    schema = json.loads((REPO / "docs" / "schemas" / "edition.schema.json").read_text("utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
