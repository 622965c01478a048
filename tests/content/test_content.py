"""Stage 1: reading and validating the content tree.

Each folder of scenarios/contenu/ is a small but complete content tree
(`content/referentiel.yaml`, `content/<année>/…`). When the folder holds an
`attendu.txt`, loading must fail with exactly that report (every problem of
every file, sorted, in one ContentError); otherwise it must load.
The scenarios run from their own folder, so paths in messages read
`content/2021/…` as they do for a user working in the project.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rencontres.content.loading import load_content
from rencontres.content.model import Item
from rencontres.content.source import MAX_FILE_BYTES
from rencontres.errors import ContentError

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios" / "contenu"
NAMES = sorted(path.name for path in SCENARIOS.iterdir()
               if path.is_dir() and not path.name.startswith("."))
BROKEN = [name for name in NAMES if (SCENARIOS / name / "attendu.txt").is_file()]

# One reported line: "  fichier[:ligne[:colonne]]: message".
REPORT_LINE = re.compile(r"^  (?P<file>content(/[^:\s]+)?)(:(?P<line>\d+)(:(?P<column>\d+))?)?: \S")


def expected_report(name: str) -> str:
    return (SCENARIOS / name / "attendu.txt").read_text(encoding="utf-8").rstrip("\n")


def report_of(root: Path = Path("content")) -> str:
    """The report of the ContentError that loading `root` raises."""
    with pytest.raises(ContentError) as caught:
        load_content(root)
    assert caught.value.problems == sorted(caught.value.problems)
    return caught.value.report()


def copy_scenario(name: str, destination: Path) -> Path:
    """A writable copy of a scenario; returns its content folder."""
    shutil.copytree(SCENARIOS / name / "content", destination / "content")
    return destination / "content"


# --- the scenarios ------------------------------------------------------------

def test_scenarios_are_complete_content_trees():
    assert len(NAMES) >= 50
    for name in NAMES:
        assert (SCENARIOS / name / "content").is_dir(), name
    assert set(NAMES) - set(BROKEN) == {"valide", "valide-chiffres-seulement",
                                        "valide-caractere-invisible",
                                        "valide-textes-comme-des-nombres",
                                        "valide-avertissements-de-saisie"}


@pytest.mark.parametrize("name", NAMES)
def test_scenario(name: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(SCENARIOS / name)
    if name in BROKEN:
        # Anything but a ContentError (a traceback) fails the test.
        assert report_of() == expected_report(name)
    else:
        assert load_content(Path("content")).editions


@pytest.mark.parametrize("name", BROKEN)
def test_expected_reports_are_well_formed(name: str):
    """Every line names a file of the scenario, and a line/column that exist in it."""
    title, *lines = expected_report(name).splitlines()
    count = len(lines)
    assert title == f"Contenu invalide : {count} problème{'s' if count > 1 else ''}"
    for line in lines:
        match = REPORT_LINE.match(line)
        assert match, line
        path = SCENARIOS / name / match["file"]
        if match["line"] is None:
            continue
        assert path.is_file(), line
        text = path.read_bytes().decode("utf-8", "replace")
        lines_of_file = text.splitlines() or [""]
        assert 1 <= int(match["line"]) <= len(lines_of_file) + 1, line
        if match["column"] is not None and int(match["line"]) <= len(lines_of_file):
            assert 1 <= int(match["column"]) <= len(lines_of_file[int(match["line"]) - 1]) + 1, line


def test_several_mistakes_in_several_files_come_in_one_sorted_report(monkeypatch):
    monkeypatch.chdir(SCENARIOS / "plusieurs-erreurs")
    with pytest.raises(ContentError) as caught:
        load_content(Path("content"))
    files = [problem.file for problem in caught.value.problems]
    assert len(files) == 7
    assert len(set(files)) == 6
    assert files == sorted(files)


# --- valid content ------------------------------------------------------------

def test_repository_content_loads(monkeypatch):
    monkeypatch.chdir(REPO)
    content = load_content(Path("content"))
    territories = [t.id for t in content.referentiel.territories]
    assert len(territories) == 9
    assert list(content.editions) == [2020, 2021]
    assert content.latest.year == 2021
    assert content.previous(content.latest).year == 2020
    for edition in content.editions.values():
        assert list(edition.reports) == territories  # the referentiel's order
        assert set(edition.report_files) == set(territories)
    hauts_de_france = content.editions[2021].reports["hauts-de-france"]
    assert hauts_de_france.has_report
    assert [s.level for s in hauts_de_france.sections][:1] == [1]
    assert not any(r.has_report for r in content.editions[2020].reports.values())
    assert content.editions[2021].synthesis is not None
    assert content.editions[2020].synthesis is None


def test_valid_scenario_content(monkeypatch):
    monkeypatch.chdir(SCENARIOS / "valide")
    content = load_content(Path("content"))
    edition = content.editions[2021]
    assert edition.info.title == "Rencontres territoriales 2021"
    assert str(edition.info.date) == "2022-01-15"
    assert list(edition.reports) == ["ardennes", "hauts-de-france"]
    ardennes, hauts_de_france = edition.reports.values()
    assert not ardennes.has_report
    assert ardennes.participants.total == 18
    assert ardennes.local_priorities == ["gouvernance", "mobilite", "formation"]
    assert hauts_de_france.participants.by_category == {"techniciens": 20, "elus": 10}
    first, second = hauts_de_france.sections
    assert (first.level, second.level) == (1, 2)
    assert first.objectives[0] == Item.model_validate(
        "Renforcer l’implication citoyenne dans la coopération transfrontalière")
    assert first.objectives[1].subpoints == [
        "Création d’un guichet virtuel pour les habitants transfrontaliers"]
    assert first.project_ideas[0].text.startswith("Études / benchmark sur :")
    assert [s.kind for s in edition.synthesis.common_ideas[0].suggestions] == [
        "suggestion", "rappel"]
    assert edition.report_files["ardennes"] == Path("content/2021/territoires/ardennes.yaml")


def test_figures_only_territory_files_are_valid(monkeypatch):
    monkeypatch.chdir(SCENARIOS / "valide-chiffres-seulement")
    content = load_content(Path("content"))
    reports = content.editions[2020].reports
    assert list(reports) == ["ardennes", "pyrenees-ouest"]
    assert [r.participants.total for r in reports.values()] == [7, 12]
    assert not any(r.has_report or r.voted_themes or r.local_priorities
                   for r in reports.values())
    assert content.editions[2020].synthesis is None


# --- robustness: files generated on the fly -----------------------------------

def _windows(path: Path) -> None:
    """Rewrite a file as Notepad would: BOM and CRLF line ends."""
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))


def test_bom_and_crlf_files_load_like_the_originals(tmp_path, monkeypatch):
    monkeypatch.chdir(SCENARIOS / "valide")
    original = load_content(Path("content"))
    monkeypatch.chdir(tmp_path)
    root = copy_scenario("valide", tmp_path)
    for path in root.rglob("*.yaml"):
        _windows(path)
    windows = load_content(Path("content"))
    assert windows.referentiel == original.referentiel
    for year, edition in original.editions.items():
        assert windows.editions[year].info == edition.info
        assert windows.editions[year].reports == edition.reports
        assert windows.editions[year].synthesis == edition.synthesis


@pytest.mark.parametrize("name", [
    "cle-inconnue", "syntaxe-indentation-trop", "syntaxe-deux-points",
    "syntaxe-guillemet-non-ferme", "plusieurs-erreurs",
])
def test_bom_and_crlf_do_not_move_reported_positions(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = copy_scenario(name, tmp_path)
    for path in root.rglob("*.yaml"):
        _windows(path)
    assert report_of() == expected_report(name)


def test_invisible_characters_are_removed_with_a_located_warning(monkeypatch):
    monkeypatch.chdir(SCENARIOS / "valide-caractere-invisible")
    content = load_content(Path("content"))
    assert [str(w) for w in content.warnings] == [
        "content/2021/territoires/hauts-de-france.yaml:3:12: caractère invisible U+000C "
        "supprimé (il vient souvent d'un copier-coller)"]
    path = Path("content/2021/territoires/hauts-de-france.yaml")
    typed = path.read_text("utf-8").split("\n")[2].split(": ", 1)[1]
    assert "\x0c" in typed
    assert content.editions[2021].reports["hauts-de-france"].place == typed.replace("\x0c", "")


def test_a_text_cut_by_a_comment_is_kept_cut_with_a_located_warning(tmp_path, monkeypatch):
    root = copy_scenario("valide", tmp_path)
    path = root / "2021/territoires/hauts-de-france.yaml"
    path.write_text(path.read_text("utf-8").replace(
        "      - Renforcer l’implication citoyenne dans la coopération transfrontalière\n",
        "      - Réunion #2 des partenaires\n      - \"Réunion #3 des partenaires\"\n"
        "      - |\n        Réunion #4 des partenaires\n"), "utf-8")
    monkeypatch.chdir(root.parent)
    content = load_content(Path("content"))
    assert [str(w) for w in content.warnings] == [
        "content/2021/territoires/hauts-de-france.yaml:25:17: le texte « Réunion » s'arrête "
        "avant « #2 des partenaires », lu comme un commentaire (« # » après une espace) : si "
        "cela fait partie du texte, mettez tout le texte entre guillemets"]
    objectives = content.editions[2021].reports["hauts-de-france"].sections[0].objectives
    assert [o.text for o in objectives[:3]] == [
        "Réunion", "Réunion #3 des partenaires", "Réunion #4 des partenaires\n"]


def test_file_not_in_utf8(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = copy_scenario("valide", tmp_path)
    path = root / "2021" / "territoires" / "hauts-de-france.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))  # Windows' « ANSI »
    assert report_of() == (
        "Contenu invalide : 1 problème\n"
        "  content/2021/territoires/hauts-de-france.yaml:10:24: le fichier n'est pas encodé "
        "en UTF-8 : enregistrez-le en UTF-8")


def test_file_over_the_size_limit(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = copy_scenario("valide", tmp_path)
    path = root / "2021" / "territoires" / "ardennes.yaml"
    padding = "# " + "x" * 1021 + "\n"  # 1 Ko of comment per line
    path.write_text(path.read_text(encoding="utf-8") + padding * (MAX_FILE_BYTES // 1024),
                    encoding="utf-8")
    started = time.perf_counter()
    assert report_of() == (
        "Contenu invalide : 1 problème\n"
        "  content/2021/territoires/ardennes.yaml: fichier trop volumineux (2 049 Ko, "
        "maximum 2 048 Ko) : est-ce bien un fichier de contenu ?")
    assert time.perf_counter() - started < 1


def test_alias_bomb_fails_fast(monkeypatch):
    monkeypatch.chdir(SCENARIOS / "bombe-alias")
    started = time.perf_counter()
    assert "alias (*nom) développés" in report_of()
    assert time.perf_counter() - started < 1


def test_missing_content_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert report_of(Path("contenu")) == (
        "Contenu invalide : 1 problème\n  contenu: dossier de contenu introuvable")


# --- no traceback, whatever the mistake ---------------------------------------

MUTATION_CHARACTERS = ":-'\"[]{}#&*!|>?,%@` \t\n\\0é"
VALID_FILES = {
    name: (SCENARIOS / "valide" / "content" / name).read_text(encoding="utf-8")
    for name in ("referentiel.yaml", "2021/edition.yaml", "2021/synthese.yaml",
                 "2021/territoires/ardennes.yaml", "2021/territoires/hauts-de-france.yaml")
}


@st.composite
def mistyped_file(draw) -> tuple[str, str]:
    """A valid file with a few characters inserted, deleted or replaced."""
    name = draw(st.sampled_from(sorted(VALID_FILES)))
    text = VALID_FILES[name]
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(text) - 1))
        character = draw(st.sampled_from(MUTATION_CHARACTERS))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert":
            text = text[:index] + character + text[index:]
        elif action == "delete":
            text = text[:index] + text[index + 1:]
        else:
            text = text[:index] + character + text[index + 1:]
    return name, text


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mistake=mistyped_file())
def test_any_typing_mistake_gives_located_french_messages(mistake, tmp_path, monkeypatch):
    name, text = mistake
    monkeypatch.chdir(tmp_path)
    if not (tmp_path / "content").exists():
        copy_scenario("valide", tmp_path)
    path = tmp_path / "content" / name
    path.write_text(text, encoding="utf-8")
    try:
        try:
            load_content(Path("content"))
        except ContentError as error:
            for line in error.report().splitlines()[1:]:
                assert REPORT_LINE.match(line), line
                assert "\n" not in line
                assert not re.search(r"\b(expected|found|while|could not|Input should)\b",
                                     line), line
    finally:
        path.write_text(VALID_FILES[name], encoding="utf-8")


def test_texts_that_look_like_numbers_keep_the_characters_typed(monkeypatch):
    """YAML 1.1 reads « 14:30 » as 870, « 010 » as 8, « 0x1F » as 31, « 1_000 » as 1000
    and « 50.000 » as 50.0: a text gets what was typed, unquoted or not."""
    monkeypatch.chdir(SCENARIOS / "valide-textes-comme-des-nombres")
    report = load_content(Path("content")).editions[2021].reports["hauts-de-france"]
    assert report.place == "14:30"
    assert [item.text for item in report.sections[1].objectives] == [
        "010", "0x1F", "1_000", "50.000", "1e3", ".inf", "2021"]
    assert report.sections[0].partners == ["0o17"]


def test_unusual_line_breaks_and_decomposed_accents(tmp_path, monkeypatch):
    """U+2028 inside a text (a copy-paste) is a line break to YAML but not to Notepad:
    replaced by a space, with a warning at the line Notepad shows. « é » typed as « e »
    and an accent matches the « é » of the label it refers to."""
    content = copy_scenario("valide", tmp_path)
    path = content / "2021/territoires/hauts-de-france.yaml"
    text = path.read_text("utf-8")
    text = text.replace("implication citoyenne dans", "implication citoyenne\u2028dans")
    text = text.replace("    themes_votes: [Mobilité]", "    themes_votes: [Mobilite\u0301]")
    path.write_text(text, "utf-8")
    monkeypatch.chdir(tmp_path)
    loaded = load_content(Path("content"))
    report = loaded.editions[2021].reports["hauts-de-france"]
    assert report.sections[0].objectives[0].text.startswith(
        "Renforcer l’implication citoyenne dans")
    assert report.sections[1].voted_themes == ["Mobilité"]
    lines = text.split("\n")
    line, = (number for number, typed in enumerate(lines, 1) if "\u2028" in typed)
    column = lines[line - 1].index("\u2028") + 1
    assert [str(w) for w in loaded.warnings] == [
        f"content/2021/territoires/hauts-de-france.yaml:{line}:{column}: saut de ligne inhabituel "
        "U+2028 remplacé par une espace (il vient souvent d'un copier-coller)"]


def test_too_many_values_without_any_alias_do_not_blame_aliases(tmp_path, monkeypatch):
    content = copy_scenario("valide", tmp_path)
    (content / "2021/territoires/ardennes.yaml").write_text(
        "territoire: ardennes\nparticipants:\n  total: 18\npriorites_locales: ["
        + ",".join(["[]"] * 210_000) + "]\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    assert report_of() == (
        "Contenu invalide : 1 problème\n  content/2021/territoires/ardennes.yaml: le fichier "
        "contient plus de 200 000 valeurs : est-ce bien un fichier de contenu ?")


def test_slips_of_a_hurried_hand_are_warned_of_with_their_place(monkeypatch):
    monkeypatch.chdir(SCENARIOS / "valide-avertissements-de-saisie")
    assert [str(w) for w in load_content(Path("content")).warnings] == [
        "content/2021/territoires/ardennes.yaml:4:10: aucun participant : si la Rencontre "
        "n'a pas eu lieu, retirez plutôt le fichier du territoire",
        "content/2021/territoires/hauts-de-france.yaml:2:7: Rencontre datée de 2020, pour "
        "l'édition 2021 : vérifiez l'année",
        "content/2021/territoires/hauts-de-france.yaml:15:14: thème voté « Santé » couvert "
        "par aucune partie : ajoutez-le aux « themes_votes » d'une partie, sinon le "
        "compte-rendu n'en dit rien",
    ]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_characters_made_by_escapes_are_removed_with_a_located_warning(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = copy_scenario("valide", tmp_path)
    _replace(root / "2021/territoires/hauts-de-france.yaml", "lieu: Lille",
             'lieu: "Li\\0l\\vl\\uFFFEe"')
    content = load_content(Path("content"))
    assert content.editions[2021].reports["hauts-de-france"].place == "Lille"
    assert [str(w) for w in content.warnings] == [
        f"content/2021/territoires/hauts-de-france.yaml:3:7: caractère invisible U+{code} "
        "supprimé (écrit par une séquence « \\… » entre guillemets)"
        for code in ("0000", "000B", "FFFE")]


def test_dates_far_from_the_edition_are_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = copy_scenario("valide", tmp_path)
    _replace(root / "2021/edition.yaml", "date: 2022-01-15", "date: 9999-12-31")
    _replace(root / "2021/territoires/hauts-de-france.yaml", "date: 2021-10-12",
             "date: 1921-10-12")
    assert report_of().splitlines() == [
        "Contenu invalide : 2 problèmes",
        "  content/2021/edition.yaml:3:7: date de publication 9999-12-31 trop éloignée de "
        "l'édition 2021 (attendue entre 2020 et 2022) : vérifiez l'année",
        "  content/2021/territoires/hauts-de-france.yaml:2:7: date de la Rencontre 1921-10-12 "
        "trop éloignée de l'édition 2021 (attendue entre 2020 et 2022) : vérifiez l'année"]


def test_two_territories_of_the_same_name_are_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = copy_scenario("valide", tmp_path)
    _replace(root / "referentiel.yaml", "    nom: Pyrénées Ouest", "    nom: hauts-de-France")
    assert report_of().splitlines() == [
        "Contenu invalide : 1 problème",
        "  content/referentiel.yaml:10:10: nom « hauts-de-France » déjà porté par le "
        "territoire « hauts-de-france » (ligne 7) : donnez un nom différent à « pyrenees-ouest »"]
