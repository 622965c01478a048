"""Numbered distributions and what changed between them: `diffuser`, a correction,
`changements`, `diffuser` again."""

from __future__ import annotations

import datetime
import json
import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from rencontres.cli import main
from rencontres.content.loading import load_content
from rencontres.documents.french import long_date
from rencontres.publishing.changes import edition_changes
from rencontres.publishing.plan import Project

REPO = Path(__file__).resolve().parents[2]
HDF = Path("content/2021/territoires/hauts-de-france.yaml")
OLD_OBJECTIVE = ("Poursuivre le développement du volet transfrontalier des services publics "
                 "(notamment France Services)")
NEW_OBJECTIVE = ("Poursuivre le développement du volet transfrontalier des services publics "
                 "(France Services notamment)")
PART = "partie « Citoyenneté / Culture / Services publics »"


def run(capsys, *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    out, err = capsys.readouterr()
    return code, out, err


def correct(root: Path) -> None:
    """35 participants become 36, an objective is reworded, a sub-point added."""
    text = (root / HDF).read_text("utf-8")
    for old, new in (("  total: 35\n", "  total: 36\n"), (OLD_OBJECTIVE, NEW_OBJECTIVE),
                     ("          - sur les médias transfrontaliers locaux en Europe\n",
                      "          - sur les médias transfrontaliers locaux en Europe\n"
                      "          - sur les radios frontalières\n")):
        assert old in text
        text = text.replace(old, new)
    (root / HDF).write_text(text, "utf-8")


def test_distribute_correct_see_the_changes_distribute_again(in_project, capsys):
    today = long_date(datetime.date.today())
    code, out, err = run(capsys, "diffuser", "--jobs", "1")
    assert code == 0, err
    assert out.splitlines()[-2:] == [
        "Diffusion v1 de l'édition 2021 enregistrée : "
        "output/2021/diffusions/v1/rencontres-territoriales-2021-v1.zip",
        "C'est le paquet à envoyer aux membres."]
    v1 = in_project / "output/2021/diffusions/v1"
    with zipfile.ZipFile(v1 / "rencontres-territoriales-2021-v1.zip") as package:
        assert package.namelist() == [
            "compte-rendu-2021-hauts-de-france.docx", "compte-rendu-2021-hauts-de-france.pdf",
            "synthese-2021.docx", "synthese-2021.pdf", "manifeste.csv"]
    assert (v1 / "contenu" / HDF.relative_to("content")).read_bytes() == \
        (in_project / HDF).read_bytes()
    assert json.loads((v1 / "diffusion.json").read_text("utf-8"))["version"] == 1

    code, out, err = run(capsys, "diffuser", "--jobs", "1")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "Diffusion impossible : 1 problème",
        "  output/2021/diffusions/v1/rencontres-territoriales-2021-v1.zip: aucun document "
        f"n'a changé depuis la diffusion v1 du {today} : c'est toujours le paquet à envoyer"]
    # Nothing changed: said, and no file that no v2 would carry.
    code, out, err = run(capsys, "changements")
    assert (code, out) == (0, f"Modifications de l'édition 2021 depuis la diffusion v1 du "
                              f"{today}\n\nAucune modification : les documents disent la même "
                              "chose.\n")
    assert err == ("Rien n'est écrit : sans modification, pas de modifications-v2.txt à "
                   "joindre à une diffusion.\n")
    assert not (in_project / "output/2021/modifications-v2.txt").exists()

    correct(in_project)
    code, out, err = run(capsys, "changements")
    assert code == 0, err
    expected = [
        f"Modifications de l'édition 2021 depuis la diffusion v1 du {today}",
        "",
        "compte-rendu-2021-hauts-de-france.docx (Compte-rendu de la Rencontre territoriale "
        "Hauts-de-France 2021) : 3 modifications",
        "  - participants : 35 → 36",
        f"  - texte reformulé ({PART}, objectifs) :",
        f"      avant : « {OLD_OBJECTIVE} »",
        f"      après : « {NEW_OBJECTIVE} »",
        f"  - texte ajouté ({PART}, idées de projet, sous-points de « Études / benchmark "
        "sur : ») : « sur les radios frontalières »",
        "",
        "synthese-2021.docx (Synthèse des Rencontres territoriales 2021) : 2 modifications",
        "  - participants, total : 195 → 196",
        "  - participants de Hauts-de-France : 35 → 36"]
    assert out.splitlines() == expected
    assert err == ("Écrit : output/2021/modifications-v2.txt (joint au paquet de la "
                   "diffusion v2)\n")
    assert (in_project / "output/2021/modifications-v2.txt").read_text("utf-8") == out

    code, out, err = run(capsys, "diffuser", "--jobs", "1")
    assert code == 0, err
    assert out.splitlines()[-2] == (
        "Diffusion v2 de l'édition 2021 enregistrée : output/2021/diffusions/v2/"
        "rencontres-territoriales-2021-v2.zip (avec modifications-v2.txt)")
    v2 = in_project / "output/2021/diffusions/v2"
    with zipfile.ZipFile(v2 / "rencontres-territoriales-2021-v2.zip") as package:
        assert package.namelist()[-1] == "modifications-v2.txt"
        assert package.read("modifications-v2.txt").decode("utf-8").splitlines() == expected
    assert "  total: 36" in (v2 / "contenu" / HDF.relative_to("content")).read_text("utf-8")
    assert (v1 / "contenu" / HDF.relative_to("content")).read_text("utf-8").count(
        "  total: 35") == 1
    record = json.loads((v2 / "diffusion.json").read_text("utf-8"))
    assert (record["version"], record["date"]) == (2, datetime.date.today().isoformat())


def test_changes_before_any_distribution_say_what_to_do(in_project, capsys):
    code, out, err = run(capsys, "changements")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "Diffusion impossible : 1 problème",
        "  output/2021/diffusions: aucune diffusion de l'édition 2021 : les changements se "
        "comptent depuis la dernière ; lancez d'abord « python build.py diffuser »"]


def test_documents_added_and_gone(project):
    before = load_content(project / "content", {2020, 2021})
    hdf = project / HDF
    text = hdf.read_text("utf-8")
    sections = text.index("sections:")
    hdf.write_text(text[:sections], "utf-8")  # figures only: no compte-rendu any more
    ardennes = project / "content/2021/territoires/ardennes.yaml"
    ardennes.write_text(ardennes.read_text("utf-8") + (
        "sections:\n  - titre: Mobilité\n    niveau: 2\n"
        "    objectifs: [Rouvrir la ligne Charleville – Givet]\n"), "utf-8")
    after = load_content(project / "content", {2020, 2021})
    changes = edition_changes(Project(project), before, after, 2021, "la diffusion v1")
    text = changes.text()
    assert text.splitlines()[2:4] == [
        "Document ajouté : compte-rendu-2021-ardennes.docx (Compte-rendu de la Rencontre "
        "territoriale Ardennes 2021)", ""]
    assert ("Document retiré : compte-rendu-2021-hauts-de-france.docx (Compte-rendu de la "
            "Rencontre territoriale Hauts-de-France 2021)") in text.splitlines()
    reverse = edition_changes(Project(project), after, before, 2021, "la diffusion v2").text()
    assert "Document ajouté : compte-rendu-2021-hauts-de-france.docx" in reverse


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_rewording_in_the_first_of_two_parts_of_the_same_title_is_told(project):
    hdf = project / HDF
    _edit(hdf, "  - titre: Gouvernance\n", "  - titre: Mobilité\n")
    before = load_content(project / "content", {2020, 2021})
    _edit(hdf, "Outiller le débat transfrontalier", "Outiller le débat public transfrontalier")
    _edit(hdf, "Encourager les jeunes", "Encourager vivement les jeunes")
    after = load_content(project / "content", {2020, 2021})
    text = edition_changes(Project(project), before, after, 2021, "la diffusion v1").text()
    assert text.splitlines()[2:] == [
        "compte-rendu-2021-hauts-de-france.docx (Compte-rendu de la Rencontre territoriale "
        "Hauts-de-France 2021) : 2 modifications",
        "  - texte reformulé (partie « Mobilité », objectifs) :",
        "      avant : « Outiller le débat transfrontalier en vue d’un éventuel schéma "
        "départemental de coopération »",
        "      après : « Outiller le débat public transfrontalier en vue d’un éventuel schéma "
        "départemental de coopération »",
        "  - texte reformulé (partie « Mobilité » (2e de ce nom), objectifs) :",
        "      avant : « Encourager les jeunes à la mobilité transfrontalière »",
        "      après : « Encourager vivement les jeunes à la mobilité transfrontalière »"]


def test_comparing_repeated_items_is_near_linear(project, monkeypatch):
    """20 000 identical items took 120 s: difflib's SequenceMatcher compares every
    pair of equal items. The pairs it is given are counted (its work is bounded by
    them); more than 20 per item fails at once, before the comparison."""
    from rencontres.publishing import changes

    pairs = []

    class Counted(changes.difflib.SequenceMatcher):
        def __init__(self, isjunk=None, a="", b="", autojunk=True):
            if isinstance(a, list):
                pairs.append(len(a) * len(b))
                assert sum(pairs) <= 20 * items, "quadratic"
            super().__init__(isjunk, a, b, autojunk)

    monkeypatch.setattr(changes.difflib, "SequenceMatcher", Counted)
    items = 3000
    hdf = project / HDF
    same = "".join("      - Même objectif\n" for _ in range(items))
    _edit(hdf, "    objectifs:\n", f"    objectifs:\n{same}")
    before = load_content(project / "content", {2020, 2021})
    _edit(hdf, "      - Même objectif\n" * 2, "      - Même objectif\n      - Autre objectif\n")
    after = load_content(project / "content", {2020, 2021})
    text = edition_changes(Project(project), before, after, 2021, "la diffusion v1").text()
    assert text.splitlines()[2:6] == [
        "compte-rendu-2021-hauts-de-france.docx (Compte-rendu de la Rencontre territoriale "
        "Hauts-de-France 2021) : 1 modification",
        "  - texte reformulé (partie « Citoyenneté / Culture / Services publics », "
        "objectifs) :",
        "      avant : « Même objectif »",
        "      après : « Autre objectif »"]


# --- records edited, deleted or copied by hand ---------------------------------------

V1 = Path("output/2021/diffusions/v1")
PACKAGE_V1 = V1 / "rencontres-territoriales-2021-v1.zip"


@pytest.fixture(scope="module")
def distributed_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project with its v1 distribution (built once: it needs LibreOffice)."""
    root = tmp_path_factory.mktemp("diffuse") / "projet"
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    assert main(["diffuser", "--jobs", "1", "--projet", str(root)]) == 0
    return root


@pytest.fixture
def distributed(distributed_once: Path, tmp_path: Path, monkeypatch) -> Path:
    """A private copy of it, made the working directory."""
    root = tmp_path / "projet"
    shutil.copytree(distributed_once, root, symlinks=True)
    monkeypatch.chdir(root)
    return root


def _refused(capsys, *problems: str) -> None:
    """`changements` and `diffuser` both refuse, with these problems, writing nothing
    (`diffuser` checks the records before it builds)."""
    def records() -> dict[Path, bytes]:
        return {path: path.read_bytes() for path in Path("output").rglob("*")
                if path.is_file() and path.name != ".verrou"}

    before = records()
    for command in (["changements"], ["diffuser", "--jobs", "1"]):
        code, out, err = run(capsys, *command)
        assert (code, out) == (1, ""), err
        assert err.splitlines() == [
            f"Diffusion impossible : {len(problems)} problème{'s' if len(problems) > 1 else ''}",
            *(f"  {problem}" for problem in problems)]
    assert records() == before


def test_a_snapshot_edited_by_hand_is_not_believed(distributed, capsys):
    snapshot = V1 / "contenu" / HDF.relative_to("content")
    snapshot.write_text(snapshot.read_text("utf-8").replace("  total: 35", "  total: 36"),
                        "utf-8")
    correct(distributed)
    _refused(capsys, f"{V1}: contenu archivé (contenu/) modifié depuis la diffusion (son "
                     "empreinte n'est plus celle de diffusion.json) : les changements se "
                     "comptent depuis le contenu diffusé ; remettez-le tel qu'il était "
                     "(depuis une sauvegarde)")


def test_a_deleted_record_stops_changes_and_distribution(distributed, capsys):
    v2 = Path("output/2021/diffusions/v2")
    shutil.copytree(V1, v2)  # as a v2 would be
    (v2 / "diffusion.json").unlink()
    correct(distributed)
    Path("output/2021/modifications-v2.txt").write_text("envoyé aux membres\n", "utf-8")
    _refused(capsys, f"{v2}: dossier de diffusion sans diffusion.json : remettez ce fichier en "
                     "place (depuis une sauvegarde) ; si cette diffusion n'a jamais été "
                     "envoyée, supprimez le dossier")


def test_a_missing_or_changed_package_is_said(distributed, capsys):
    PACKAGE_V1.write_bytes(PACKAGE_V1.read_bytes() + b"\0")
    correct(distributed)
    _refused(capsys, f"{V1}: paquet rencontres-territoriales-2021-v1.zip modifié depuis la "
                     "diffusion (son empreinte n'est plus celle de diffusion.json) : remettez "
                     "en place celui qui a été envoyé aux membres")
    PACKAGE_V1.unlink()
    _refused(capsys, f"{V1}: paquet rencontres-territoriales-2021-v1.zip introuvable : remettez "
                     "en place celui qui a été envoyé aux membres")


def test_a_distribution_copied_by_hand_is_said(distributed, capsys):
    shutil.copytree(V1, Path("output/2021/diffusions/v2"))
    correct(distributed)
    _refused(capsys, "output/2021/diffusions/v2: diffusion.json est celui de la diffusion v1 : "
                     "ce dossier en est une copie ; supprimez-le s'il n'a pas été envoyé comme "
                     "diffusion v2")
    shutil.rmtree(V1)
    _refused(capsys, "output/2021/diffusions/v1: dossier de la diffusion v1 introuvable, alors "
                     "que la v2 existe : remettez-le en place (depuis une sauvegarde)",
             "output/2021/diffusions/v2: diffusion.json est celui de la diffusion v1 : "
             "ce dossier en est une copie ; supprimez-le s'il n'a pas été envoyé comme "
             "diffusion v2")


def test_a_raw_tag_refuses_the_distribution_a_layout_defect_is_a_warning(in_project, capsys):
    """The proof-reading of what is about to be sent (issue 24)."""
    template = in_project / "templates" / "compte-rendu.docx"
    document = docx.Document(str(template))
    document.add_paragraph("Participants : {{ None|string }} ; balise : {{ '{{' }}")
    document.save(str(template))
    code, _out, err = run(capsys, "diffuser", "--jobs", "1")
    assert code == 1
    assert err.splitlines()[-3:] == [
        "Diffusion impossible : 2 problèmes",
        "  output/2021/compte-rendu-2021-hauts-de-france.pdf: page 6 : balise de modèle "
        "« {{ » dans le texte : « Participants : None ; balise : {{ »",
        "  output/2021/compte-rendu-2021-hauts-de-france.pdf: page 6 : « None » dans le "
        "texte : « Participants : None ; balise : {{ »"]
    assert not (in_project / "output/2021/diffusions").exists()

    # Corrected; but the template now breaks the page before the votes chart's caption.
    shutil.copyfile(REPO / "templates" / "compte-rendu.docx", template)
    document = docx.Document(str(template))
    caption = next(p for p in document.paragraphs if p.text == "{{ legende_votes }}")
    caption.paragraph_format.page_break_before = True
    document.save(str(template))
    code, _out, err = run(capsys, "diffuser", "--jobs", "1")
    assert code == 0, err
    assert ("Avertissement : relecture : compte-rendu-2021-hauts-de-france.pdf, page 3 : la "
            "légende « Nombre de votes par thème. En orange, les thèmes sur… » est "
            "séparée de sa figure, restée page précédente") in err.splitlines()
