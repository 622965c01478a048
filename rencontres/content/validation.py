"""Turning pydantic's validation errors into located French messages."""

from __future__ import annotations

import copy
import datetime
import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import Problem
from .calendar import MONTHS
from .source import YamlDocument, YamlPath, shown, shown_exactly


def did_you_mean(word: str, choices: typing.Iterable[str]) -> str:
    """« (vouliez-vous dire « x » ?) » for the nearest choice, or nothing."""
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (vouliez-vous dire « {shown(match[0])} » ?)" if match else ""


def validate(document: YamlDocument, model: type[BaseModel]) -> tuple[Any, list[Problem]]:
    """Validate a parsed document against a model; problems carry file and line."""
    if not isinstance(document.data, dict):
        return None, [document.problem(
            (), "le fichier doit contenir des clés (« clé: valeur »), pas "
            + _kind_of(document.data))]
    try:
        return model.model_validate(document.data), []
    except ValidationError as error:
        return None, [_problem(document, model, e) for e in error.errors()]


# Enough for every key of a file to be pruned in turn, a nested one up to its top.
_PRUNINGS = 50


def validate_what_is_valid(document: YamlDocument, model: type[BaseModel]) -> Any:
    """The file's value without the keys its problems are at, for the checks across files
    (an unknown theme, a label missing from « themes_votes »): a bad date must not hide
    them until the next run. Lists keep their items' places, so what is found points to
    the right line; None when the file holds nothing valid to check."""
    if not isinstance(document.data, dict):
        return None
    data = copy.deepcopy(document.data)
    for _ in range(_PRUNINGS):
        try:
            return model.model_validate(data)
        except ValidationError as error:
            pruned = [_pruned_key(e) for e in error.errors()]
        if not all(path and _remove(data, path) for path in pruned):
            return None
    return None


def _pruned_key(error: ErrorDetails) -> YamlPath:
    """Where to cut for the error to go: the key it is at (a rule's own key when it names
    one), or, for a key missing, the key holding it; never a list's item alone."""
    loc: YamlPath = tuple(error["loc"])
    if error["type"] == "missing":
        loc = loc[:-1]
    elif error["type"] == "value_error":
        loc = loc + tuple(getattr(error.get("ctx", {}).get("error"), "key", ()))
    while loc and not isinstance(loc[-1], str):
        loc = loc[:-1]
    return loc


def _remove(data: Any, path: YamlPath) -> bool:
    """Remove the key at `path`; False when it is not there (nothing left to cut)."""
    for part in path[:-1]:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return False
    if not isinstance(data, dict) or path[-1] not in data:
        return False
    del data[path[-1]]
    return True


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "une liste"
    return "un texte seul" if isinstance(value, str) else f"la valeur « {shown(value)} »"


def _field_name(loc: YamlPath) -> str:
    names = [part for part in loc if isinstance(part, str)]
    field = names[-1] if names else "valeur"
    index = loc[-1] if loc and isinstance(loc[-1], int) else None
    if index is not None:
        return f"{shown(field)}[{index + 1}]"
    return shown(field)


def _problem(document: YamlDocument, model: type[BaseModel], error: ErrorDetails) -> Problem:
    loc: YamlPath = tuple(error["loc"])
    kind = error["type"]
    if kind == "blank_text" and "index" in error.get("ctx", {}):
        loc = (*loc, error["ctx"]["index"])  # a blank item of a list of texts
    if loc and loc[-1] == "texte" and _is_plain_text(document.data, loc[:-1]):
        # « - "" » in a list of points: the point is the text, name the list item.
        loc = loc[:-1]
    field = f"« {_field_name(loc)} »"
    ctx = error.get("ctx", {})
    if kind == "missing":
        parent = loc[:-1]
        where = f" dans « {_field_name(parent)} »" if parent else ""
        return document.problem(
            parent, f"champ obligatoire « {shown(loc[-1])} » manquant{where}", at_key=bool(parent))
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        return document.problem(
            loc, f"clé inconnue « {shown_exactly(loc[-1])} »{did_you_mean(str(loc[-1]), allowed)}",
            at_key=True)
    if "input" in error and error["input"] is None and kind != "value_error":
        return document.problem(loc, f"{field} n'a pas de valeur", at_key=True)
    if kind == "value_error":
        # A rule of the model; its error may name the key where it shows.
        rule = ctx.get("error")
        return document.problem(loc + tuple(getattr(rule, "key", ())),
                                str(rule if rule is not None else error["msg"]),
                                at_key=bool(getattr(rule, "key", ())))
    impossible = _impossible_date(error.get("input")) if kind.startswith("date") else None
    if impossible:
        return document.problem(loc, f"{field} : {impossible}")
    target = _model_at(model, loc)
    accepts_text = getattr(target, "accepts_plain_text", False)
    if isinstance(error.get("input"), bool) and kind in ("string_type", "model_type"):
        # YAML 1.1 reads yes, no, on, off, true, false (any case) as a yes/no value.
        return document.problem(loc, f"{field} est lu comme un oui/non (yes, no, on, off, "
                                     "true, false) : mettez ce texte entre guillemets")
    messages = {
        "string_type": f"{field} doit être un texte (mettez-le entre guillemets)",
        "int_type": f"{field} doit être un nombre entier",
        "int_parsing": f"{field} doit être un nombre entier",
        "int_from_float": f"{field} doit être un nombre entier",
        "list_type": f"{field} doit être une liste (lignes commençant par « - »)",
        "dict_type": f"{field} doit contenir des clés (« clé: valeur »)",
        "model_type": (f"{field} doit être un texte ou des clés (« clé: valeur »)" if accepts_text
                       else f"{field} doit contenir des clés (« clé: valeur »)"),
        "model_attributes_type": f"{field} doit contenir des clés (« clé: valeur »)",
        "literal_error": f"{field} doit valoir {_french_or(ctx.get('expected', ''))}",
        "greater_than_equal": f"{field} doit être supérieur ou égal à {ctx.get('ge')}",
        "less_than_equal": f"{field} doit être inférieur ou égal à {ctx.get('le')}",
        "too_short": f"{field} ne peut pas être vide",
        "string_too_short": f"{field} ne peut pas être vide",
        "blank_text": f"{field} ne peut pas être vide",
        "string_pattern_mismatch": (
            f"identifiant « {shown_exactly(error.get('input'))} » invalide : minuscules sans "
            "accents, chiffres et tirets seulement (ex. « hauts-de-france »)"),
        "date_type": f"{field} doit être une date au format AAAA-MM-JJ",
        "date_parsing": f"{field} doit être une date au format AAAA-MM-JJ",
        "date_from_datetime_parsing": f"{field} doit être une date au format AAAA-MM-JJ",
        "date_from_datetime_inexact": f"{field} doit être une date sans heure (AAAA-MM-JJ)",
    }
    # pydantic's own words are English: a kind not foreseen gets a French sentence.
    message = messages.get(kind, f"{field} : valeur invalide")
    return document.problem(loc, message)


def _impossible_date(value: Any) -> str | None:
    """« le 31 septembre 2021 n'existe pas » for a date well written but not in the
    calendar: a format error would send the user looking for the wrong mistake."""
    found = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(value)) if isinstance(value, str) else None
    if not found:
        return None
    year, month, day = map(int, found.groups())
    if not 1 <= month <= 12:
        return f"le mois {month:02d} n'existe pas (AAAA-MM-JJ : le mois vient en second)"
    try:
        datetime.date(year, month, day)
    except ValueError:
        number = "1er" if day == 1 else str(day)
        return f"le {number} {MONTHS[month - 1]} {year} n'existe pas"
    return None


def _is_plain_text(data: Any, loc: YamlPath) -> bool:
    """True when the value at `loc` in the file is a text (a point written alone)."""
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return False
    return not isinstance(data, (dict, list))


def _french_or(expected: str) -> str:
    quoted = re.sub(r"'([^']*)'", r"« \1 »", expected)
    return quoted.replace(" or ", " ou ")


def _allowed_keys(model: type[BaseModel], loc: YamlPath) -> list[str]:
    """The French keys allowed by the model found at `loc` (list indexes skipped)."""
    current = _model_at(model, loc)
    if current is None:
        return []
    return [f.alias for f in current.model_fields.values() if f.alias]


def _model_at(model: type[BaseModel], loc: YamlPath) -> type[BaseModel] | None:
    """The model expected at `loc` (list indexes and dict keys skipped), if any."""
    current: Any = model
    skip_next = False
    for part in loc:
        if skip_next:
            skip_next = False
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        by_alias = {f.alias: f for f in current.model_fields.values()}
        if part not in by_alias:
            return None
        current, skip_next = _unwrap(by_alias[part].annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type inside a list, dict or optional; True when a loc part indexes it."""
    origin = typing.get_origin(annotation)
    if origin in (list, dict):
        return typing.get_args(annotation)[-1], True
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(inner[0])
    return annotation, False
