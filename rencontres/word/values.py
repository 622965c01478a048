"""What a template receives: plain data, and nothing that acts.

Templates may come from outside the MOT. For each document, the typed context is
turned into values a template can read and nothing else: texts, numbers, dates,
tuples, read-only mappings, records of fields, and charts as inert markers that
print their picture. No method that could write, read or open anything is within
reach (docxtpl's InlineImage, for one, carries the whole DocxTemplate, which can
save a file anywhere), and a template that builds on a value builds on its own
copy, never on the content the next document is made from.
"""

from __future__ import annotations

import datetime
import types
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from ..documents.charts import Chart
from ..documents.context import TemplateContext
from ..documents.typography import french
from .fields import attributes

# The only kinds of value a template meets, containers aside.
SCALARS = (str, int, float, bool, type(None), datetime.date)


class Record:
    """A group of fields as a template sees it: `record.field`, read-only."""

    __slots__ = ("_fields", "_kind")
    _kind: str
    _fields: dict[str, object]

    def __init__(self, kind: str, fields: dict[str, object]):
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_fields", fields)

    def __getattr__(self, name: str) -> object:
        try:
            return object.__getattribute__(self, "_fields")[name]
        except KeyError:
            raise AttributeError(f"'{self._kind}' object has no attribute '{name}'") from None

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"'{self._kind}' object is read-only")

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self._fields.items())
        return f"{self._kind}({fields})"


class Picture:
    """A chart as a template sees it: printed (« {{ votes_chart }} »), the picture;
    nothing else."""

    __slots__ = ("_insert",)

    def __init__(self, insert: Callable[[], str]):
        self._insert = insert

    def __html__(self) -> str:
        return self._insert()

    __str__ = __html__


def template_values(context: TemplateContext,
                    picture: Callable[[Chart], Callable[[], str]]) -> dict[str, object]:
    """The top-level names of a template, as plain data; `picture(chart)` gives the
    function that inserts a chart's image where it is printed."""
    return {name: plain(value, picture) for name, value in context.fields().items()}


def plain(value: Any, picture: Callable[[Chart], Callable[[], str]]) -> object:
    if isinstance(value, str):  # a subclass of str may carry methods of its own
        # The one place French typography is applied: every text a template prints.
        return french(str(value))
    if type(value) in SCALARS:
        return value
    if isinstance(value, Chart):
        return Picture(picture(value))
    if isinstance(value, BaseModel):
        return Record(type(value).__name__,
                      {name: plain(getattr(value, attribute), picture)
                       for name, (attribute, _) in attributes(type(value)).items()})
    if isinstance(value, (list, tuple)):
        return tuple(plain(item, picture) for item in value)
    if isinstance(value, dict):
        return types.MappingProxyType({plain(key, picture): plain(item, picture)
                                       for key, item in value.items()})
    # A programming error, not the user's: a context field of a type no template
    # should ever be handed.
    raise TypeError(f"{type(value).__qualname__} cannot be handed to a template")
