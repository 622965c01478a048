"""`verifier` on Word templates: every mistake at once, each with its place."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.templates import make_template

from rencontres.errors import TemplateError
from rencontres.word.checker import check_templates

REPO = Path(__file__).resolve().parents[2]


def report_of(path: Path, kind: str = "compte-rendu") -> list[str]:
    with pytest.raises(TemplateError) as error:
        check_templates({path: kind})
    return error.value.report().splitlines()


@pytest.mark.parametrize("kind", ["compte-rendu", "synthese"])
def test_repository_templates_are_valid(kind):
    check_templates({REPO / "templates" / f"{kind}.docx": kind})


def test_three_different_mistakes_are_all_reported_with_their_places(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = make_template(Path("modele.docx"), [
        "Compte-rendu {{ territory.name }}",
        "{%p for partie in parties_niveau_1 %}",
        "{{ partie.titre }",
        "{%p if partie.objectifs %}",
        "Objectifs",
        "{%p endfor %}",
    ])
    assert report_of(path) == [
        "Modèle Word invalide : 5 problèmes",
        "  modele.docx: paragraphe 1 « Compte-rendu {{ territory.name }} » : "
        "champ inconnu « territory » : il s'appelle désormais « territoire »",
        "  modele.docx: paragraphe 2 « {%p for partie in parties_niveau_1 %} » : "
        "bloc « for » jamais fermé (il manque « {%p endfor %} »)",
        "  modele.docx: paragraphe 3 « {{ partie.titre } » : "
        "balise « {{ » non fermée (il manque « }} »)",
        "  modele.docx: paragraphe 4 « {%p if partie.objectifs %} » : "
        "bloc « if » jamais fermé (il manque « {%p endif %} »)",
        "  modele.docx: paragraphe 6 « {%p endfor %} » : "
        "« endfor » ferme un bloc « if » ouvert en paragraphe 4",
    ]


def test_misplaced_docxtpl_tags_are_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = make_template(Path("modele.docx"), [
        "Votes : {%p for ligne in themes_votes %}",
        "{{ ligne.libelle }}",
        "{%p endfor %}",
        "{%tr for ligne in themes_votes %}",
        "{%tr endfor %}",
    ])
    assert report_of(path)[1:] == [
        "  modele.docx: paragraphe 1 « Votes : {%p for ligne in themes_votes %} » : une balise "
        "« {%p … %} » doit être seule dans son paragraphe (le reste du paragraphe serait "
        "supprimé)",
        "  modele.docx: paragraphe 4 « {%tr for ligne in themes_votes %} » : une balise « {%tr … %} » "
        "doit être dans une cellule de tableau",
        "  modele.docx: paragraphe 5 « {%tr endfor %} » : une balise « {%tr … %} » doit être "
        "dans une cellule de tableau",
    ]


def test_fields_are_typed_through_loops_and_suggested(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = make_template(Path("modele.docx"), [
        "{{ terrritoire.nom }}",
        "{%p for partie in parties_niveau_1 %}",
        "{{ partie.titr }}",
        "{%p for point in partie.objectifs %}",
        "{{ point.texte }} {{ point.sous_point }}",
        "{%p endfor %}",
        "{%p endfor %}",
        "{{ themes_votes.libelle }}",
    ])
    assert report_of(path)[1:] == [
        "  modele.docx: paragraphe 1 « {{ terrritoire.nom }} » : champ inconnu « terrritoire » "
        "(vouliez-vous dire « territoire » ?)",
        "  modele.docx: paragraphe 3 « {{ partie.titr }} » : champ inconnu « titr » dans "
        "« partie » (vouliez-vous dire « titre » ?)",
        "  modele.docx: paragraphe 5 « {{ point.texte }} {{ point.sous_point }} » : champ inconnu "
        "« sous_point » dans « point » (vouliez-vous dire « sous_points » ?)",
        "  modele.docx: paragraphe 8 « {{ themes_votes.libelle }} » : « themes_votes » est une "
        "liste : parcourez-la avec « {%p for … in themes_votes %} »",
    ]


def test_table_cells_and_unknown_tags_are_located(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = make_template(Path("modele.docx"), ["{% iff idees_communes %}"], table=[
        ["Territoire", "Participants"],
        ["{{ ligne.territoire }}", "{{ ligne.actuel }}"],
    ])
    assert report_of(path, "synthese")[1:] == [
        "  modele.docx: paragraphe 1 « {% iff idees_communes %} » : balise inconnue « iff » "
        "(vouliez-vous dire « if » ?)",
        "  modele.docx: tableau 1, ligne 2, colonne 1 « {{ ligne.territoire }} » : "
        "champ inconnu « ligne »",
        "  modele.docx: tableau 1, ligne 2, colonne 2 « {{ ligne.actuel }} » : "
        "champ inconnu « ligne »",
    ]


@pytest.mark.parametrize("content, message", [
    (None, "modèle introuvable"),
    (b"pas un document Word", "ce fichier n'est pas un document Word (.docx)"),
    (b"PK\x03\x04 zip tronque", "ce fichier n'est pas un document Word (.docx)"),
])
def test_unreadable_templates_get_a_clear_error(tmp_path, monkeypatch, content, message):
    monkeypatch.chdir(tmp_path)
    path = Path("modele.docx")
    if content is not None:
        path.write_bytes(content)
    assert report_of(path) == ["Modèle Word invalide : 1 problème",
                               f"  modele.docx: {message}"]


def test_a_zip_that_is_not_a_word_document(tmp_path, monkeypatch):
    import zipfile

    monkeypatch.chdir(tmp_path)
    with zipfile.ZipFile("modele.docx", "w") as archive:
        archive.writestr("bonjour.txt", "rien")
    lines = report_of(Path("modele.docx"))
    assert lines[1].startswith("  modele.docx: document Word illisible ou endommagé")


def test_powers_and_huge_numbers_are_refused_where_they_are(tmp_path, monkeypatch):
    """{{ 9**(9**9) }} would not end: refused by `verifier`, with its place, once per tag,
    even when the blocks do not fit together (checked tag by tag)."""
    monkeypatch.chdir(tmp_path)
    refused = "son résultat peut être trop grand pour être calculé"
    path = make_template(Path("modele.docx"), [
        "{{ '-' * 20 }} {{ 1000000 }} {{ -1000000 }} {{ 2.5 }}",  # accepted
        "{{ 9**(9**9) }}",
        "{%p if territoire.nom|length > 10000000 %}",
        "{{ territoire.nom * 3 ** 2 }}",
    ])
    assert report_of(path) == [
        "Modèle Word invalide : 4 problèmes",
        f"  modele.docx: paragraphe 2 « {{{{ 9**(9**9) }}}} » : expression interdite "
        f"(puissance « ** ») : {refused}",
        "  modele.docx: paragraphe 3 « {%p if territoire.nom|length > 10000000 %} » : "
        "bloc « if » jamais fermé (il manque « {%p endif %} »)",
        "  modele.docx: paragraphe 3 « {%p if territoire.nom|length > 10000000 %} » : "
        f"expression interdite (nombre 10000000 supérieur à 1000000) : {refused}",
        f"  modele.docx: paragraphe 4 « {{{{ territoire.nom * 3 ** 2 }}}} » : expression "
        f"interdite (puissance « ** ») : {refused}",
    ]


def test_a_template_checked_again_unchanged_is_not_read_again(tmp_path, monkeypatch):
    """`apercu` and `saisie` check the templates at every save: the same bytes, context
    and name give what was found the first time; a change is checked anew."""
    from rencontres.word import checker
    from rencontres.word.fields import context_class

    opened: list[str] = []
    document = checker._document

    def counted(path, data):
        opened.append(path.name)
        return document(path, data)

    monkeypatch.setattr(checker, "_document", counted)
    monkeypatch.chdir(tmp_path)
    path = make_template(Path("modele.docx"), ["{{ territoire.nom }} {{ territory.name }}"])
    first = checker.check_template(path, context_class("compte-rendu"))
    assert checker.check_template(path, context_class("compte-rendu")) == first
    assert len(opened) == 1 and first[0].file == "modele.docx"
    moved = Path("autre") / "modele.docx"  # the same bytes, shown by another name
    moved.parent.mkdir()
    moved.write_bytes(path.read_bytes())
    assert [problem.file for problem in checker.check_template(
        moved, context_class("compte-rendu"))] == [str(moved)]
    make_template(path, ["{{ territoire.nom }}"])
    assert checker.check_template(path, context_class("compte-rendu")) == []
    assert len(opened) == 3
