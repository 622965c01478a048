"""Reading YAML with libyaml gives exactly what PyYAML's own parser gives.

rencontres/content/source.py reads a file with libyaml (`yaml.CSafeLoader`, fifteen times
faster) and leaves to PyYAML's parser (`yaml.SafeLoader`) every file libyaml refuses
or may read otherwise, and every position (on first use). Whatever the file, the
data, the messages, the warnings and the positions must be those of PyYAML's parser
alone: compared here on every YAML file of content/ and of the scenarios, on the
cases where the two parsers are known to differ, and on thousands of mutated files.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from rencontres.content import source

REPO = Path(__file__).resolve().parents[2]
FILES = sorted([*(REPO / "content").rglob("*.yaml"), *(REPO / "tests/scenarios").rglob("*.yaml")])

pytestmark = pytest.mark.skipif(source._FastLoader is None, reason="PyYAML sans libyaml")


def outcome(path: Path, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple:
    """Everything read_yaml tells about a file, read with libyaml first or not at all."""
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(source, "_FastLoader", None)
        document, problems = source.read_yaml(path)
        return (repr(document.data), [str(p) for p in problems],
                [str(w) for w in document.warnings],
                dict(document.value_positions), dict(document.key_positions))


def test_there_are_files_to_compare():
    assert len([f for f in FILES if "content" in f.parts]) >= 20


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_same_reading_as_pyyaml_alone(path, monkeypatch):
    assert outcome(path, True, monkeypatch) == outcome(path, False, monkeypatch)


def start_marks(loader: type, text: str) -> list[tuple]:
    """(kind, line, column, value) of every node, each anchored node once."""
    marks: list[tuple] = []
    seen: set[int] = set()

    def walk(node: yaml.Node) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        marks.append((type(node).__name__, node.start_mark.line, node.start_mark.column,
                      node.value if isinstance(node, yaml.ScalarNode) else None))
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(key)
                walk(value)

    parser = loader(text)
    try:
        node = parser.get_single_node()
    finally:
        parser.dispose()
    if node is not None:
        walk(node)
    return marks


def test_libyaml_marks_equal_pyyaml_marks_on_the_content():
    """Lines and columns in characters, accents and emoji included, on every file both
    parsers read (a file one of them refuses goes to PyYAML's parser alone, compared
    above)."""
    compared = []
    for path in FILES:
        text = source._INVISIBLE.sub("", path.read_bytes().decode("utf-8-sig"))
        try:
            expected = start_marks(yaml.SafeLoader, text)
            found = start_marks(yaml.CSafeLoader, text)
        except (yaml.YAMLError, RecursionError):
            continue
        assert found == expected, path
        compared.append(path)
    # Only the broken scenarios are refused: nearly every file was compared.
    assert len(compared) >= 0.9 * len(FILES)


# Where libyaml and PyYAML's parser do not agree; read_yaml must still answer as PyYAML.
DIVERGING = {
    "tabulation dans un texte": "titre: Rencontres\tterritoriales\nannee: 2021\n",
    "tabulation après les deux-points": "titre:\tRencontres\nannee: 2021\n",
    "« ? » dans des crochets": "themes: [gouvernance?, mobilite]\n",
    "« ? » après une espace dans des crochets": "themes: [Pourquoi ?]\n",
    "« ! » dans des crochets": "themes: [!!str, mobilite]\n",
    "clé en double": "titre: a\nannee: 2021\ntitre: b\n",
    "valeur vide entre accolades": "participants: {total: }\nautre: {a: 1, b: }\n",
    "U+FEFF dans une ligne": "titre: Ren\ufeffcontres\nthemes: [\ufeffa, b]\nannee: x\n",
    "U+FEFF en tête": "\ufefftitre: a\n",
    "retours chariot seuls": "titre: a\rannee: [1,\r 2]\r",
    "séparateurs Unicode": "titre: a\u2028annee: b\x85lieu: [c, d]\u2029",
    "alias": "a: &x [1, 2]\nb: *x\nc: {<<: {d: 1}, e: 2}\n",
    "étiquette non autorisée": "a: !!python/object:os.system x\n",
    "date impossible": "date: 2021-13-01\n",
    "alias récursif": "a: &x [*x]\n",
    "texte coupé par un commentaire": "a:\n  - Réunion #2\n  - [b, c]  # d\ne: f   # g\n",
}


@pytest.mark.parametrize("text", DIVERGING.values(), ids=DIVERGING.keys())
def test_known_differences_read_as_pyyaml(text, tmp_path, monkeypatch):
    path = tmp_path / "fichier.yaml"
    path.write_text(text, encoding="utf-8", newline="")
    assert outcome(path, True, monkeypatch) == outcome(path, False, monkeypatch)


def test_libyaml_reads_the_content_and_positions_come_only_when_asked(monkeypatch):
    """The gain itself: a valid file is read by libyaml alone; PyYAML's parser runs
    only when a message needs a position, and gives it."""
    created = []
    original = source._SafeLoader

    class Counting(original):
        def __init__(self, stream):
            created.append(stream)
            super().__init__(stream)

    monkeypatch.setattr(source, "_SafeLoader", Counting)
    path = REPO / "content/2021/territoires/hauts-de-france.yaml"
    document, problems = source.read_yaml(path)
    assert not problems and document.data["territoire"] == "hauts-de-france"
    assert created == []
    problem = document.problem(("sections", 0, "titre"), "message")
    assert len(created) == 1
    text = path.read_text("utf-8").splitlines()[problem.line - 1]
    assert text[problem.column - 1:].startswith(document.data["sections"][0]["titre"][:10])
    document.problem(("territoire",), "message")
    assert len(created) == 1  # positions read once


MUTATIONS = [":", "-", "?", "[", "]", "{", "}", ",", "#", "&", "*", "!", "|", ">", "'", '"',
             "%", "@", "`", "\t", " ", "\n", "\r", "\r\n", "\\", "\x85", "\u2028", "é", "😀",
             "\ufeff", "\n  ", "- ", ": ", "\xa0", "---", "...", "<<: ", "&a ", "*a", "\x01"]


def test_mutated_files_read_as_pyyaml(tmp_path, monkeypatch):
    """Random typing mistakes (inserted, deleted or replaced characters) in the real
    files: libyaml or not, the same outcome."""
    rng = random.Random(2021)
    originals = [p.read_bytes() for p in FILES if p.is_relative_to(REPO / "content")]
    path = tmp_path / "fichier.yaml"
    for _ in range(400):
        data = rng.choice(originals)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(data) + 1)
            kind = rng.random()
            if kind < 0.6:
                data = data[:at] + rng.choice(MUTATIONS).encode() + data[at:]
            elif kind < 0.85:
                data = data[:at] + data[at + rng.randint(1, 4):]
            else:
                data = data[:at] + rng.choice(MUTATIONS).encode() + data[at + 1:]
        path.write_bytes(data)
        assert outcome(path, True, monkeypatch) == outcome(path, False, monkeypatch), data


@pytest.mark.parametrize("text, expanded", [
    ("[" + "1," * 200_001 + "]", ""),  # no alias: none is blamed
    ("a: &x [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"
     + "".join(f"b{i}: [{', '.join(['*x'] * 10)}]\n" for i in range(2_000)),
     " une fois les alias (*nom) développés")],
    ids=["liste de 200 001 nombres", "alias multipliés"])
def test_node_limit_holds_with_libyaml(text, expanded, tmp_path):
    path = tmp_path / "fichier.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = source.read_yaml(path)
    assert [p.message for p in problems] == [
        f"le fichier contient plus de 200 000 valeurs{expanded} : "
        "est-ce bien un fichier de contenu ?"]


@pytest.mark.parametrize("text", ["- " * 50_000 + "x\n", "? " * 50_000 + "x\n",
                                  "".join(" " * i + f"a{i}:\n" for i in range(1_500)) + "x\n"],
                         ids=["tirets", "points d'interrogation", "indentation"])
def test_deep_nesting_never_crashes(text, tmp_path):
    """libyaml's composer recurses in C without a limit (a crash past some 20 000
    levels): a line long enough to nest that deep goes to PyYAML's parser."""
    path = tmp_path / "fichier.yaml"
    path.write_text(text, encoding="utf-8")
    probe = ("import sys; from pathlib import Path; from rencontres.content.source import read_yaml; "
             "print([p.message for p in read_yaml(Path(sys.argv[1]))[1]])")
    result = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True,
                            text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "imbrication trop profonde" in result.stdout
