"""The fields templates may use, read from the typed contexts.

The same introspection serves `champs` (the reference for template editors)
and the template check (unknown fields, with the nearest name suggested).
"""

from __future__ import annotations

import datetime
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..documents.charts import Chart

KINDS = ("compte-rendu", "synthese")


def context_class(kind: str) -> type[BaseModel]:
    """The context class a template of that kind receives. Only its own module is
    imported: a build of compte-rendus alone does not pay for the synthesis' (~45 ms)."""
    if kind == "compte-rendu":
        from ..documents.report import ReportContext

        return ReportContext
    from ..documents.synthesis import SynthesisContext

    return SynthesisContext


def contexts() -> dict[str, type[BaseModel]]:
    """Template kind → the context class its template receives."""
    return {kind: context_class(kind) for kind in KINDS}


@dataclass(frozen=True)
class FieldDoc:
    name: str
    type_label: str
    description: str
    children: list[FieldDoc] = field(default_factory=list)


def unwrap_optional(annotation: Any) -> Any:
    """The type a template sees: without None and without validation metadata
    (`Annotated[str, AfterValidator(...)]` is a text)."""
    annotation = _without_metadata(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(inner) == 1:
            return _without_metadata(inner[0])
    return annotation


def _without_metadata(annotation: Any) -> Any:
    return typing.get_args(annotation)[0] \
        if typing.get_origin(annotation) is typing.Annotated else annotation


def element_type(annotation: Any) -> Any:
    """What a `for` loop over a value of this type yields."""
    annotation = unwrap_optional(annotation)
    if typing.get_origin(annotation) is list:
        return typing.get_args(annotation)[0]
    if typing.get_origin(annotation) is dict:
        return typing.get_args(annotation)[0]
    return Any


def is_model(annotation: Any) -> bool:
    annotation = unwrap_optional(annotation)
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def template_name(name: str, info: FieldInfo) -> str:
    """The name a template uses for a field: the French word of the content files
    (the field's alias) where there is one."""
    return info.alias or name


def shown_fields(model: type[BaseModel]) -> dict[str, Any]:
    """The fields of a model that templates see: all but those excluded (`exclude=True`,
    such as a territory's place on the map, which only the map's drawing reads)."""
    return {name: info for name, info in model.model_fields.items() if not info.exclude}


def attributes(model: type[BaseModel]) -> dict[str, tuple[str, Any]]:
    """Names a template may read on a model → (the model's attribute, its type)."""
    return {template_name(name, info): (name, info.annotation)
            for name, info in shown_fields(model).items()}


def type_label(annotation: Any) -> str:
    annotation = unwrap_optional(annotation)
    origin = typing.get_origin(annotation)
    if origin is list:
        item = typing.get_args(annotation)[0]
        return "liste d'éléments à parcourir" if is_model(item) else \
            f"liste de {type_label(item)}s"
    if origin is dict:
        return "tableau (identifiant → nombre)"
    if typing.get_origin(annotation) is typing.Literal:
        return " ou ".join(str(a) for a in typing.get_args(annotation))
    return {
        str: "texte", int: "nombre entier", bool: "vrai/faux", datetime.date: "date",
        Chart: "image (graphique)",
    }.get(annotation, "groupe de champs" if is_model(annotation) else str(annotation))


def describe(model: type[BaseModel], _seen: tuple[type[BaseModel], ...] = ()) -> list[FieldDoc]:
    docs = []
    for name, info in shown_fields(model).items():
        annotation = unwrap_optional(info.annotation)
        inner = element_type(annotation) if typing.get_origin(annotation) is list else annotation
        children = (describe(inner, (*_seen, model))
                    if is_model(inner) and inner not in _seen else [])
        optional = " (peut être vide)" if info.annotation is not annotation else ""
        docs.append(FieldDoc(template_name(name, info), type_label(annotation) + optional,
                             info.description or "", children))
    return docs


FIELDS_DOC = "docs/champs-modeles.md"


def fields_markdown() -> str:
    """Every template's fields: the output of `champs` and the text of FIELDS_DOC."""
    intro = (
        "# Champs utilisables dans les modèles Word\n\n"
        "Liste générée par `python build.py champs --ecrire` : ne la modifiez pas à la main.\n"
        "Un champ s'écrit `{{ nom }}` ; un champ d'un élément de liste s'utilise dans une\n"
        "boucle `{%p for element in liste %}` … `{%p endfor %}`, par exemple\n"
        "`{{ partie.titre }}` dans `{%p for partie in parties_niveau_1 %}`.\n"
    )
    parts = [render_text(kind, model) for kind, model in contexts().items()]
    return intro + "\n" + "\n".join(parts)


def render_text(kind: str, model: type[BaseModel]) -> str:
    """The nested list of fields, as Markdown, for `champs` and docs/."""
    lines = [f"## Modèle `{kind}.docx`", "",
             f"Champs reçus par `templates/{kind}.docx`.", ""]

    def walk(docs: list[FieldDoc], prefix: str, depth: int) -> None:
        for doc in docs:
            lines.append(f"{'  ' * depth}- `{prefix}{doc.name}` ({doc.type_label}) : {doc.description}")
            child_prefix = "" if doc.type_label.startswith("liste") else f"{prefix}{doc.name}."
            walk(doc.children, child_prefix, depth + 1)

    walk(describe(model), "", 0)
    return "\n".join(lines) + "\n"
