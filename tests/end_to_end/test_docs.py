"""The documentation works: its commands run as shown, its YAML examples are valid.

Conventions of the Markdown files (README.md, docs/*.md):

- a ```sh block holds commands that succeed: each `python build.py …` command in
  it (also after `&&`) is run, in the order of the document, on a fresh copy of
  the project per document, and must exit with 0; a `cp SOURCE TARGET` command
  of a sh block is done too, in the copy;
- a ```console block shows a transcript (often of a failure on purpose): it is
  never run by itself. But when it comes right after a ```sh block holding that
  very command, it is that command's expected output: the output must match it
  line for line, a line « … » standing for any number of lines;
- a ```yaml block of docs/format-contenu.md is a whole content file whose first
  lines name it, `# fichier : content/2021/territoires/ardennes.yaml`: it must
  validate against the model of that file, and its ids exist in the referentiel.

The error transcripts of docs/modeles-word.md are checked too: each usual way of
breaking a template is redone on a copy of the real one, and the guide must show
what `verifier` (or the build) really prints.

One step the docs leave to a person is simulated: after `nouvelle-edition`, the
figures the chargé de mission would fill in (`null  # à remplir`) are filled.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from rencontres.content.model import (
    EditionInfo,
    Referentiel,
    Synthesis,
    TerritoryReport,
)

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
CONTENT_DOC = REPO / "docs" / "format-contenu.md"

FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
                   re.M | re.S)
MARKER = re.compile(r"^#\s*fichier\s*:\s*(?P<path>\S+)\s*$", re.M)
SCHEMA_COMMENT = re.compile(r"^#\s*yaml-language-server:\s*\$schema=(?P<path>\S+)\s*$", re.M)
TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class Block:
    document: Path
    line: int
    lang: str
    body: str

    def __str__(self) -> str:
        name = self.document.relative_to(REPO) if self.document.is_relative_to(REPO) \
            else self.document
        return f"{name}:{self.line}"


def all_blocks(document: Path) -> list[Block]:
    """Every fenced block of the document, in order."""
    text = document.read_text("utf-8")
    found = []
    for match in FENCE.finditer(text):
        indent = match.group("indent")
        body = textwrap.dedent(match.group("body")) if indent else match.group("body")
        found.append(Block(document, text.count("\n", 0, match.start()) + 1,
                           match.group("lang"), body))
    return found


def blocks(document: Path, lang: str) -> list[Block]:
    return [block for block in all_blocks(document) if block.lang == lang]


def shell_commands(block: Block) -> list[list[str]]:
    """The commands of a sh block that the test performs: `python build.py …`
    (as ["python", "build.py", …]; `python3` and `py` too, the quick start's) and `cp`."""
    commands = []
    for line in block.body.replace("\\\n", " ").splitlines():
        for part in re.split(r"&&|;", line):
            words = shlex.split(part, comments=True)
            if words[:1] == ["cp"] or (words[:1] in (["python"], ["python3"], ["py"])
                                       and words[1:2] == ["build.py"]):
                commands.append(words)
    return commands


def documented_commands(document: Path) -> list[tuple[Block, list[str]]]:
    """The `python build.py` commands of the sh blocks, as their arguments."""
    return [(block, words[2:]) for block in blocks(document, "sh")
            for words in shell_commands(block) if words[0] != "cp"]


def transcript(block: Block) -> tuple[list[str], list[str]] | None:
    """(command words, expected output lines) of a console block starting with `$ `."""
    lines = block.body.splitlines()
    if not lines or not lines[0].startswith("$ "):
        return None
    return shlex.split(lines[0][2:]), lines[1:]


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line for line, a line « … » standing for any number of lines."""
    pattern = "".join(r"(?:[^\n]*\n)*?" if line.strip() == "…" else re.escape(line) + r"\n"
                      for line in expected)
    return re.fullmatch(pattern, "".join(line + "\n" for line in actual)) is not None


def fill_new_edition(root: Path, year: str) -> None:
    """What the chargé de mission does after `nouvelle-edition`: fill in the figures
    and the objectives of each part."""
    for path in sorted((root / "content" / year).rglob("*.yaml")):
        text = re.sub(r"null  # à remplir", "12", path.read_text("utf-8"))
        path.write_text(text.replace("objectifs: []", "objectifs: [Un objectif de l'année]"),
                        "utf-8")


def run_build(root: Path, arguments: list[str]) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, str(REPO / "build.py"), *arguments], cwd=root,
                          env=environment, capture_output=True, text=True,
                          timeout=TIMEOUT_SECONDS)


def has_libreoffice() -> bool:
    return bool(shutil.which("soffice") or shutil.which("libreoffice"))


def test_the_documents_show_build_commands():
    """The extraction must find commands: a renamed fence would silently test nothing."""
    readme = [arguments for _, arguments in documented_commands(REPO / "README.md")]
    assert [] in readme, "README.md must show `python build.py`"
    assert ["verifier"] in readme
    assert any(arguments[:1] == ["nouvelle-edition"] for arguments in readme)
    assert any("--pdf" in arguments for arguments in readme)


def test_transcripts_match_with_ellipses():
    assert matches(["a", "…", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "…", "d"], ["a", "d"])
    assert not matches(["a", "d"], ["a", "b", "d"])
    assert not matches(["a", "…"], ["b"])


@pytest.mark.parametrize("document", [d for d in DOCUMENTS if documented_commands(d)],
                         ids=lambda d: str(d.relative_to(REPO)))
def test_documented_commands_succeed_in_order(document, project):
    previous: tuple[list[str], str] | None = None  # last sh block's single command, output
    for block in all_blocks(document):
        if block.lang == "console" and previous is not None:
            shown = transcript(block)
            if shown is not None and shown[0] == previous[0]:
                output = previous[1].splitlines()
                assert matches(shown[1], output), (
                    f"{block}: the output of « {' '.join(shown[0])} » is no longer the one "
                    f"shown:\n" + "\n".join(output))
        previous = None
        if block.lang != "sh":
            continue
        commands = shell_commands(block)
        for words in commands:
            output = run_shell(block, project, words)
            if len(commands) == 1 and output is not None:
                previous = (words, output)


def run_shell(block: Block, project: Path, words: list[str]) -> str | None:
    """Do one documented command in the copy; its output (stderr then stdout)."""
    if words[0] == "cp":
        assert len(words) == 3 and not any(w.startswith("-") for w in words[1:]), block
        shutil.copy(project / words[1], project / words[2])
        return None
    arguments = words[2:]
    assert not any("<" in word or "…" in word for word in arguments), (
        f"{block}: a placeholder in a ```sh command cannot run: {arguments}")
    result = run_build(project, arguments)
    if "--pdf" in arguments and not has_libreoffice():
        assert result.returncode == 1 and "LibreOffice est introuvable" in result.stderr
        return None
    assert result.returncode == 0, (
        f"{block}: « {' '.join(words)} » exited with {result.returncode}\n"
        f"{result.stdout}\n{result.stderr}")
    if arguments[:1] in (["nouvelle-edition"], ["nouvelle-édition"], ["new-edition"]):
        fill_new_edition(project, arguments[-1])
    return result.stderr + result.stdout


# --- YAML examples of docs/format-contenu.md -----------------------------------

MODELS = [
    (re.compile(r"content/referentiel\.yaml"), Referentiel),
    (re.compile(r"content/\d{4}/edition\.yaml"), EditionInfo),
    (re.compile(r"content/\d{4}/synthese\.yaml"), Synthesis),
    (re.compile(r"content/\d{4}/territoires/[a-z0-9-]+\.yaml"), TerritoryReport),
]


def model_for(path: str):
    return next((model for pattern, model in MODELS if pattern.fullmatch(path)), None)


def yaml_examples() -> list[Block]:
    return blocks(CONTENT_DOC, "yaml")


def referentiel_ids() -> dict[str, set[str]]:
    data = yaml.safe_load((REPO / "content" / "referentiel.yaml").read_text("utf-8"))
    return {key: {item["id"] for item in data.get(key) or []}
            for key in ("territoires", "themes", "categories")}


def test_the_content_format_shows_every_kind_of_file():
    kinds = {model_for(MARKER.search(block.body).group("path"))
             for block in yaml_examples() if MARKER.search(block.body)}
    assert kinds == {Referentiel, EditionInfo, Synthesis, TerritoryReport}


@pytest.mark.parametrize("block", yaml_examples(), ids=str)
def test_yaml_example_is_a_valid_content_file(block):
    marker = MARKER.search(block.body)
    assert marker, f"{block}: a ```yaml example starts with « # fichier : content/… »"
    path = marker.group("path")
    model = model_for(path)
    assert model is not None, f"{block}: no content file is named like {path}"

    schema = SCHEMA_COMMENT.search(block.body)
    assert schema, f"{block}: the example shows the « # yaml-language-server » comment"
    target = Path(os.path.normpath((REPO / path).parent / schema.group("path")))
    assert target.parent == REPO / "docs" / "schemas" and target.is_file(), (
        f"{block}: the $schema path does not lead to a schema of docs/schemas/")

    data = yaml.safe_load(block.body)
    value = model.model_validate(data)

    ids = referentiel_ids()
    if model is EditionInfo:
        assert str(value.year) == Path(path).parent.name
    if model is TerritoryReport:
        assert value.territory == Path(path).stem, f"{block}: « territoire » ≠ file name"
        assert value.territory in ids["territoires"]
        themes = {v.theme for v in value.voted_themes if v.theme}
        themes |= set(value.local_priorities or ()) | set(value.mot_expected or ())
        assert themes <= ids["themes"], f"{block}: unknown themes {themes - ids['themes']}"
        assert set(value.participants.by_category) <= ids["categories"]
        labels = {v.label for v in value.voted_themes}
        covered = [label for section in value.sections for label in section.voted_themes]
        assert set(covered) <= labels and len(covered) == len(set(covered)), block
    if model is Synthesis:
        for idea in value.common_ideas:
            assert idea.theme in ids["themes"]
            assert set(idea.territories) <= ids["territoires"]


# --- Template errors of docs/modeles-word.md --------------------------------------
# The guide shows what `verifier` prints when a template is broken in the usual ways.
# Each break is redone on a copy of the real template, found by the text of its
# paragraph (test_console_examples.py runs the guide's examples after them).

TEMPLATES_DOC = REPO / "docs" / "modeles-word.md"


def _body_paragraphs(document):
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    return [Paragraph(child, document) for child in document.element.body.iterchildren()
            if child.tag == qn("w:p")]


def _set_text(paragraph, text: str) -> None:
    for run in paragraph.runs[1:]:
        run._element.getparent().remove(run._element)
    paragraph.runs[0].text = text


def _prefix_votes(paragraphs):
    target = next(p for p in paragraphs if p.text == "{%p for ligne in lignes_votes %}")
    _set_text(target, "Votes : " + target.text)


def _delete_end_of_level1_loop(paragraphs):
    texts = [p.text for p in paragraphs]
    end = texts.index("{%p if parties_niveau_2 %}") - 1
    assert texts[end] == "{%p endfor %}"
    paragraphs[end]._element.getparent().remove(paragraphs[end]._element)


def _former_name(paragraphs):
    _set_text(next(p for p in paragraphs if p.text == "{{ partie.titre }}"),
              "{{ partie.title }}")


def _year_of_meeting(paragraphs):
    target = next(p for p in paragraphs if p.text == "{{ edition.titre }}")
    _set_text(target, target.text + " {{ date.year }}")


TEMPLATE_BREAKS = [
    ("balise-p-pas-seule", _prefix_votes),
    ("fin-de-bloc-effacee", _delete_end_of_level1_loop),
    ("ancien-nom-de-champ", _former_name),
    ("champ-vide-pour-un-document", _year_of_meeting),
]
