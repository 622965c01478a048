"""Property-based tests: whatever text a content field holds, the build either writes a
document that opens and shows that text as typed, or stops with located messages.

Random text (control characters, emoji, non-breaking spaces, right-to-left text, quotes,
`&`, `<`, `>`, Jinja and docxtpl markup, backslashes, line breaks…) goes into one content
field, in a copy of the example content; the documents that show the field are rendered
in memory with the repository's templates. Then either:

- a ContentError is raised whose every problem has a file and a line; or
- each document opens with python-docx and its text holds the input, once the
  characters the tool removes are removed (those YAML cannot read, which include those
  XML forbids) and whitespace runs (line breaks become Word line breaks, tabs Word tabs)
  are read as one space. Markup stays literal: never an evaluated « {{ 7*7 }} ».

The values are written with yaml.safe_dump (control characters then become escapes such
as "\\x01", read back as the character) or, in the second property, with the invisible
characters typed as such in the file (the tool removes them with a located warning).
"""

from __future__ import annotations

import copy
import io
import re
import shutil
import warnings
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rencontres.content.loading import load_content
from rencontres.documents import charts
from rencontres.documents.typography import french
from rencontres.errors import ContentError
from rencontres.publishing.chart_cache import ChartCache
from rencontres.publishing.plan import REPORT, SYNTHESIS, Project, plan
from rencontres.publishing.workers import render_job

REPO = Path(__file__).resolve().parents[2]
YEAR = 2021
HDF = f"{YEAR}/territoires/hauts-de-france.yaml"
SYNTHESIS_FILE = f"{YEAR}/synthese.yaml"
EXAMPLES = 50  # per property
BOTH = (REPORT, SYNTHESIS)

# Field → (file under content/, path of the value, documents that show it).
FIELDS: dict[str, tuple[str, tuple, tuple[str, ...]]] = {
    "nom du territoire": ("referentiel.yaml", ("territoires", 0, "nom"), BOTH),
    "libellé de thème": ("referentiel.yaml", ("themes", 1, "libelle"), (SYNTHESIS,)),
    "titre de l'édition": (f"{YEAR}/edition.yaml", ("titre",), BOTH),
    "lieu": (HDF, ("lieu",), (REPORT,)),
    "thème voté": (HDF, ("themes_votes", 1, "libelle"), (REPORT,)),
    "titre de partie": (HDF, ("sections", 0, "titre"), (REPORT,)),
    "objectif": (HDF, ("sections", 0, "objectifs", 0), (REPORT,)),
    "sous-point": (HDF, ("sections", 0, "objectifs", 1, "sous_points", 0), (REPORT,)),
    "idée de projet": (HDF, ("sections", 0, "idees_projet", 0, "texte"), (REPORT,)),
    "partenaire": (HDF, ("sections", 0, "partenaires", 1), (REPORT,)),
    "suggestion": (HDF, ("sections", 1, "suggestions", 0), (REPORT,)),
    "remarque": (HDF, ("sections", 2, "remarques", 0), (REPORT,)),
    "objectif de niveau 2": (HDF, ("sections", 3, "objectifs", 1), (REPORT,)),
    "idée transversale": (HDF, ("idees_transversales", 0), (REPORT,)),
    "problématique de fiche": (SYNTHESIS_FILE, ("idees_communes", 0, "problematique"),
                               (SYNTHESIS,)),
    "suggestion de fiche": (SYNTHESIS_FILE, ("idees_communes", 0, "suggestions", 0, "texte"),
                            (SYNTHESIS,)),
    "titre de fiche": (SYNTHESIS_FILE, ("idees_communes", 2, "titre"), (SYNTHESIS,)),
    "libellé de rappel": (SYNTHESIS_FILE, ("idees_communes", 1, "suggestions", 0, "libelle"),
                          (SYNTHESIS,)),
    "introduction de la synthèse": (SYNTHESIS_FILE, ("introduction",), (SYNTHESIS,)),
}

# What the tool removes (source.py: what YAML cannot read; render.py: what XML forbids,
# a subset): compared without them.
REMOVED = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd"
                     "\U00010000-\U0010ffff]")

# Pieces of text that have broken template engines, XML writers or YAML readers.
TOKENS = [
    "{{ 7*7 }}", "{% if true %}SECRET{% endif %}", "{%p endfor %}", "{%tr for x in y %}",
    "{{", "}}", "{%", "%}", "{#", "#}", "{_{", "}_}", "{_%", "%_}", "{{r x }}",
    "<w:t>", "</w:p>", "<![CDATA[", "]]>", "&amp;", "&#1;", "&lt;", "\\n", "\\x01", "\\1",
    "\\g<0>", "$x^2$", "%s", "{0}", "null", "~", "yes", "1e3", "0x1F", "- ", ": ", " #",
    "---", "...", "&ancre", "*alias", "!!python/object/apply:os.system", "<<", "'", '"',
    "’", "« ", " »", "\u00a0:", "\u202f", "\u200b", "\u200e", "\u200f", "\u202e", "\ufeff",
    "שלום", "صباح الخير", "🚆", "👩‍👩‍👧", "œ", "ﬁ", "e\u0301", "\u2028", "\u2029", "\x85",
]
SPECIAL_CHARACTERS = ("\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f\x80\x9f\ud7ff\ue000\ufffe\uffff"
                      "\t\n\r &<>\"'\\{}%#:-*!|?@`[],")

pieces = st.one_of(
    st.text(max_size=12),
    st.sampled_from(TOKENS),
    st.text(alphabet=st.sampled_from(SPECIAL_CHARACTERS), min_size=1, max_size=4),
)
texts = st.lists(pieces, min_size=1, max_size=6).map("".join)


def normalised(text: str) -> str:
    """Without the removed characters; whitespace runs as one space."""
    return re.sub(r"\s+", " ", REMOVED.sub("", text)).strip()


def document_text(data: bytes) -> str:
    """Every paragraph (tables included), headers and footers; a Word line break or tab
    reads as a space."""
    document = docx.Document(io.BytesIO(data))
    roots = [document.element.body]
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header,
                     section.first_page_footer, section.even_page_header,
                     section.even_page_footer):
            if not part.is_linked_to_previous:
                roots.append(part._element)
    lines = []
    for root in roots:
        for paragraph in root.iter(qn("w:p")):
            words = []
            for node in paragraph.iter(qn("w:t"), qn("w:br"), qn("w:cr"), qn("w:tab")):
                words.append(node.text or "" if node.tag == qn("w:t") else " ")
            lines.append("".join(words))
    return "\n".join(lines)


# --- the project ----------------------------------------------------------------------

class Sandbox:
    """A copy of the content whose files the examples rewrite, then restore."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        shutil.copytree(REPO / "content", self.content)
        shutil.copytree(REPO / "templates", root / "templates")
        self.originals = {path: path.read_bytes() for path in self.content.rglob("*.yaml")}
        self.data = {name: yaml.safe_load((self.content / name).read_text("utf-8"))
                     for name in {file for file, _, _ in FIELDS.values()}}
        charts.use_cache(ChartCache(root / "graphiques"))  # unchanged charts are not redrawn
        self.baseline = {kind: document_text(data) for kind, data in self.render(BOTH).items()}

    def restore(self) -> None:
        for path, data in self.originals.items():
            path.write_bytes(data)

    def with_value(self, field: str, value: Any, data: dict | None = None) -> tuple[str, dict]:
        """The file of `field` and a copy of its data (the original, or `data`) with `value`
        put in; a renamed voted theme is renamed in the section that covers it too."""
        name, path, _ = FIELDS[field]
        data = copy.deepcopy(self.data[name] if data is None else data)
        *parents, last = path
        target = data
        for key, following in zip(parents, path[1:], strict=True):
            if isinstance(target, dict) and key not in target:
                target[key] = [] if isinstance(following, int) else {}
            target = target[key]
        if isinstance(target, list) and last >= len(target):
            target.append(value)
            return name, data
        if field == "thème voté":
            covering = data["sections"][0]["themes_votes"]
            covering[covering.index(target[last])] = value
        target[last] = value
        return name, data

    def render(self, kinds: tuple[str, ...]) -> dict[str, bytes]:
        """The documents of `kinds`, rendered in memory; ContentError if the content is
        refused."""
        content = load_content(self.content, {YEAR - 1, YEAR})
        jobs, _ = plan(Project(self.root), content, content.editions[YEAR])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # matplotlib: glyph missing from the font
            return {job.kind: render_job(content, job) for job in jobs if job.kind in kinds}


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory):
    box = Sandbox(tmp_path_factory.mktemp("fuzz"))
    yield box
    box.restore()
    charts.use_cache(None)


def lookup(data: Any, path: tuple) -> Any:
    for key in path:
        if (isinstance(data, dict) and key in data) or (isinstance(data, list) and key < len(data)):
            data = data[key]
        else:
            return None
    return data


def test_field_paths_point_at_text_shown_in_the_documents(sandbox):
    """Guards the table above: each field's original text is in its documents."""
    assert sum(lookup(sandbox.data[name], path) is not None
               for name, path, _ in FIELDS.values()) >= len(FIELDS) - 3
    for field, (name, path, kinds) in FIELDS.items():
        value = lookup(sandbox.data[name], path)
        if value is None:
            continue  # left out of the example content (place, introduction…)
        assert isinstance(value, str), field
        for kind in kinds:
            assert normalised(value) in normalised(sandbox.baseline[kind]), (field, kind)
    for text in sandbox.baseline.values():
        assert "49" not in text and "SECRET" not in text


def assert_outcome(sandbox: Sandbox, field: str, value: str, raw: bool) -> str:
    """Render; check either the located refusal or the documents. Returns the outcome."""
    kinds = FIELDS[field][2]
    try:
        rendered = sandbox.render(kinds)
    except ContentError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file.endswith(".yaml") and problem.line is not None, str(problem)
        return "refusé"
    # French typography is applied to every text handed to a template, once the
    # characters the tool removes are removed.
    expected = normalised(french(REMOVED.sub("", value)))
    for kind in kinds:
        text = normalised(document_text(rendered[kind]))
        assert expected in text, (kind, expected)
        if "49" not in re.sub(r"\D", "", value):
            assert "49" not in text  # « {{ 7*7 }} » never computed
        if "SECRET" not in value:
            assert "SECRET" not in text
    if raw and REMOVED.search(value):
        content = load_content(sandbox.content, {YEAR - 1, YEAR})
        assert content.warnings, "invisible characters removed without a warning"
        for warning in content.warnings:
            assert warning.line is not None and "caractère invisible" in warning.message
        return "accepté, caractères invisibles retirés avec avertissement"
    return "accepté"


OUTCOMES: dict[str, dict[str, int]] = {}


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(field=st.sampled_from(sorted(FIELDS)), value=texts)
def test_any_text_in_any_field_is_kept_or_refused_with_its_place(sandbox, field, value):
    name, data = sandbox.with_value(field, value)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=2 ** 16)
    assert yaml.safe_load(text) == data  # the test's own writing round-trips
    try:
        (sandbox.content / name).write_text(text, encoding="utf-8")
        outcome = assert_outcome(sandbox, field, value, raw=False)
    finally:
        sandbox.restore()
    OUTCOMES.setdefault("yaml.safe_dump", {}).setdefault(outcome, 0)
    OUTCOMES["yaml.safe_dump"][outcome] += 1


# In a double-quoted YAML value, each character written on its own: escaped when YAML
# needs it, typed as such otherwise — the invisible ones too.
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\x85": "\\N",
            "\u2028": "\\L", "\u2029": "\\P", "\ufeff": "\\uFEFF"}
PLACEHOLDER = "VALEUR-A-REMPLACER"


def quoted_with_raw_invisibles(value: str) -> str:
    return '"' + "".join(_ESCAPES.get(c, c) for c in value) + '"'


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(field=st.sampled_from(sorted(FIELDS)),
       value=st.lists(st.one_of(pieces, st.text(alphabet=st.characters(
           categories=["Cc", "Cf", "Co", "Cn"]), min_size=1, max_size=3)),
           min_size=1, max_size=6).map("".join))
def test_invisible_characters_typed_in_a_file(sandbox, field, value):
    name, data = sandbox.with_value(field, PLACEHOLDER)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=2 ** 16)
    assert text.count(PLACEHOLDER) >= 1  # twice for a voted theme: its section names it
    text = text.replace(PLACEHOLDER, quoted_with_raw_invisibles(value))
    try:
        (sandbox.content / name).write_bytes(text.encode("utf-8", "surrogatepass"))
        outcome = assert_outcome(sandbox, field, value, raw=True)
    finally:
        sandbox.restore()
    OUTCOMES.setdefault("caractères tapés", {}).setdefault(outcome, 0)
    OUTCOMES["caractères tapés"][outcome] += 1


def test_markup_in_every_field_at_once_stays_literal(sandbox):
    """Every field of both documents holds markup at the same time."""
    payload = "« {{ 7*7 }} » {% if true %}SECRET{% endif %} {_{ a }_} <b>&amp;</b> \\1"
    by_file: dict[str, dict] = {}
    for field in FIELDS:
        name, by_file[name] = sandbox.with_value(field, f"{field} {payload}",
                                                 by_file.get(FIELDS[field][0]))
    try:
        for name, data in by_file.items():
            (sandbox.content / name).write_text(
                yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        rendered = sandbox.render(BOTH)
    finally:
        sandbox.restore()
    for field, (_, _, kinds) in FIELDS.items():
        for kind in kinds:
            assert normalised(french(f"{field} {payload}")) in normalised(
                document_text(rendered[kind])), (field, kind)
    for data in rendered.values():
        assert "49" not in document_text(data)


def test_report_outcomes(capsys):
    """Prints how the examples ended (run with -s to see it)."""
    with capsys.disabled():
        for writing, outcomes in OUTCOMES.items():
            print(f"\n{writing} : " + ", ".join(f"{count} {outcome}"
                                               for outcome, count in sorted(outcomes.items())))
