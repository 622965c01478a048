"""A template reaches data and nothing else (rencontres/word/values.py).

Every object a template can reach from the values it is handed, by the sandbox's own
rules (any attribute not starting with « _ », any item of a sequence or a mapping),
is walked: each is a plain value, and each callable among them is a method of an
immutable built-in value, which cannot write, read or open anything."""

from __future__ import annotations

import datetime
import io
import types
from pathlib import Path

import pytest
from docxtpl import DocxTemplate, InlineImage
from support.templates import make_template

from rencontres.content.loading import load_content
from rencontres.documents.charts import Chart
from rencontres.documents.report import report_context
from rencontres.documents.synthesis import synthesis_context
from rencontres.errors import TemplateError
from rencontres.word.render import Properties, render
from rencontres.word.sandbox import Sandbox
from rencontres.word.values import Picture, Record, template_values

REPO = Path(__file__).resolve().parents[2]
PROPERTIES = Properties(title="Titre", subject="Sujet", keywords="MOT",
                        date=datetime.date(2021, 12, 1))
VALUES = (str, int, float, bool, type(None), datetime.date, datetime.timedelta, tuple,
          types.MappingProxyType, Record, Picture)
# Built-in values whose methods compute a new value from the old one, and nothing else.
IMMUTABLE = (str, int, float, bool, datetime.date, datetime.timedelta, tuple,
             types.MappingProxyType)
BUILT_IN_NAMES = {kind.__name__ for kind in IMMUTABLE}


def reachable(values: dict[str, object]) -> tuple[list[object], list[str]]:
    """Every object a template can reach from `values`, and what should not be there."""
    sandbox = Sandbox()
    seen: dict[int, object] = {}
    wrong: list[str] = []
    todo = [(name, value) for name, value in values.items()]
    while todo:
        where, value = todo.pop()
        if id(value) in seen:
            continue
        seen[id(value)] = value
        if callable(value) and not isinstance(value, type):
            method = getattr(value, "__wrapped__", value)  # the sandbox's safe str.format
            owner = getattr(method, "__self__", None)
            static = owner is None and type(method) is types.BuiltinFunctionType \
                and method.__qualname__.partition(".")[0] in BUILT_IN_NAMES  # str.maketrans
            if not (isinstance(owner, IMMUTABLE) or owner in IMMUTABLE or static):
                wrong.append(f"{where}: {value!r}")
            continue
        if isinstance(value, type):
            if value not in IMMUTABLE:
                wrong.append(f"{where}: the class {value!r}")
            continue
        if not isinstance(value, VALUES):
            wrong.append(f"{where}: {type(value).__module__}.{type(value).__qualname__}")
            continue
        if isinstance(value, tuple):
            todo += [(f"{where}[{index}]", item) for index, item in enumerate(value)]
        if isinstance(value, types.MappingProxyType):
            todo += [(f"{where}[{key!r}]", item) for key, item in value.items()]
            todo += [(f"{where} (clé)", key) for key in value]
        names = dir(value) + (list(object.__getattribute__(value, "_fields"))
                              if isinstance(value, Record) else [])
        for name in names:
            if name.startswith("_"):
                continue  # the sandbox refuses it
            attribute = sandbox.getattr(value, name)
            if not isinstance(attribute, sandbox.undefined):
                todo.append((f"{where}.{name}", attribute))
    return list(seen.values()), wrong


def _pictures(chart):
    return lambda: "<image>"


@pytest.fixture(scope="module")
def content():
    return load_content(REPO / "content")


def test_nothing_a_compte_rendu_template_reaches_can_act(content):
    context = report_context(content, content.editions[2021], "hauts-de-france")
    objects, wrong = reachable(template_values(context, _pictures))
    assert wrong == []
    assert any(isinstance(value, Picture) for value in objects)  # the votes chart
    assert sum(isinstance(value, Record) for value in objects) > 50  # sections, items…


def test_nothing_the_synthesis_template_reaches_can_act(content):
    context = synthesis_context(content, content.editions[2021])
    objects, wrong = reachable(template_values(context, _pictures))
    assert wrong == []
    charts = [value for value in context.fields().values() if isinstance(value, Chart)]
    assert len(charts) >= 3
    assert sum(isinstance(value, Picture) for value in objects) == len(charts)


def test_the_walk_finds_what_docxtpl_would_have_handed_over(tmp_path):
    """What templates used to get for a chart: an InlineImage, whose `tpl` is the
    DocxTemplate (`tpl.docx.save(…)` wrote any file)."""
    template = DocxTemplate(make_template(tmp_path / "modele.docx", ["{{ image }}"]))
    _, wrong = reachable({"image": InlineImage(template, io.BytesIO(b""))})
    assert wrong == ["image: docxtpl.inline_image.InlineImage"]


@pytest.mark.parametrize("line", [
    "{% if graphique_votes.tpl.docx.save('ecrit.docx') %}{% endif %}",
    "{{ graphique_votes.tpl.replace_zipname('word/document.xml', '/etc/passwd') }}",
    "{{ participants.model_dump() }}",
    "{{ participants.parse_file('/etc/passwd') }}",
    "{{ territoire.model_copy(update={'name': 'x'}) }}",
])
def test_a_template_that_reaches_for_an_action_fails_and_writes_nothing(
        project, tmp_path, monkeypatch, line):
    """Rendered directly, past the checker: the sandbox alone holds."""
    here = tmp_path / "ici"
    here.mkdir()
    monkeypatch.chdir(here)
    before = {path: path.read_bytes() for path in project.rglob("*") if path.is_file()}
    content = load_content(project / "content")
    context = report_context(content, content.editions[2021], "hauts-de-france")
    template = make_template(Path("modele.docx"), ["{{ territoire.nom }}", line])
    with pytest.raises(TemplateError) as error:
        render(template, context, PROPERTIES)
    assert error.value.problems[0].message.startswith("champ inconnu « ")
    assert [path.name for path in here.iterdir()] == ["modele.docx"]
    assert {path: path.read_bytes() for path in project.rglob("*") if path.is_file()} == before


def test_a_context_value_of_an_unexpected_type_is_refused():
    from rencontres.word.values import plain

    with pytest.raises(TypeError, match="PosixPath cannot be handed to a template"):
        plain(Path("content"), _pictures)
