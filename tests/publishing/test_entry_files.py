"""The files as `saisie` writes them: only the changed values, in the user's own text;
only an edition's files; the checks as `verifier` words them, beside their fields."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rencontres.publishing.entry_files import (
    Checker,
    Conflict,
    Refused,
    digest,
    entry_file,
    read_data,
    save,
    updated_text,
)

HDF = "2021/territoires/hauts-de-france.yaml"

COMMENTED = """\
# Un commentaire en tête
territoire: ardennes
lieu: "Sedan"   # entre guillemets doubles
participants:
    total: null  # à remplir
themes_votes:
    - libelle: Mobilité
      votes: 3
priorites_locales: null
sections:
    - titre: Mobilité
      niveau: 1
      objectifs: []
"""


def test_only_the_changed_values_are_written_in_the_user_s_layout():
    data = read_data(COMMENTED)
    data["lieu"] = "Charleville"
    data["participants"]["total"] = 12
    data["priorites_locales"] = ["mobilite", "sante"]
    data["sections"][0]["objectifs"] = ["Relier les gares : une ligne", "yes"]
    assert updated_text(COMMENTED, data) == """\
# Un commentaire en tête
territoire: ardennes
lieu: "Charleville"   # entre guillemets doubles
participants:
    total: 12
themes_votes:
    - libelle: Mobilité
      votes: 3
priorites_locales: [mobilite, sante]
sections:
    - titre: Mobilité
      niveau: 1
      objectifs:
          - 'Relier les gares : une ligne'
          - 'yes'
"""


def test_a_new_key_takes_its_place_in_the_form_s_order():
    data = read_data(COMMENTED)
    data = {"territoire": "ardennes", "date": "2022-06-16", **{
        key: value for key, value in data.items() if key != "territoire"}}
    written = updated_text(COMMENTED, data)
    assert written.splitlines()[1:3] == ["territoire: ardennes", "date: 2022-06-16"]
    assert read_data(written)["date"] == "2022-06-16"


def test_a_new_key_leaves_the_comment_over_the_next_one_where_it_was():
    text = "territoire: ardennes\n\n# Le total seul est connu.\nparticipants:\n  total: 3\n"
    data = {"territoire": "ardennes", "lieu": "Sedan", "participants": {"total": 3}}
    assert updated_text(text, data) == ("territoire: ardennes\nlieu: Sedan\n\n"
                                        "# Le total seul est connu.\nparticipants:\n"
                                        "  total: 3\n")


def test_a_windows_file_keeps_its_line_endings():
    windows = COMMENTED.replace("\n", "\r\n")
    data = read_data(windows)
    data["participants"]["total"] = 12
    assert updated_text(windows, data) == windows.replace("    total: null  # à remplir",
                                                          "    total: 12")


def test_an_unchanged_file_is_written_back_byte_for_byte():
    text = (Path(__file__).resolve().parents[2] / "content" / HDF).read_text("utf-8")
    assert updated_text(text, read_data(text)) == text


@pytest.mark.parametrize("relative", [
    "../referentiel.yaml", "referentiel.yaml", "2021/../../x.yaml", "/etc/passwd",
    "2021/territoires/../edition.yaml", "2021/territoires/Ardennes.yaml", "2021/notes.txt"])
def test_only_an_edition_s_files_are_reached(tmp_path, relative):
    with pytest.raises(Refused) as refused:
        entry_file(tmp_path, relative)
    assert str(refused.value) == (f"chemin refusé : « {relative} » n'est pas un fichier "
                                  "d'édition de content/ (ex. « 2022/territoires/"
                                  "ardennes.yaml »)")


def test_a_link_on_the_way_is_refused(tmp_path):
    (tmp_path / "ailleurs" / "territoires").mkdir(parents=True)
    (tmp_path / "content").mkdir()
    os.symlink(tmp_path / "ailleurs", tmp_path / "content" / "2022")
    with pytest.raises(Refused) as refused:
        entry_file(tmp_path / "content", "2022/territoires/ardennes.yaml")
    assert str(refused.value) == ("chemin refusé : « 2022/territoires/ardennes.yaml » passe "
                                  "par un lien")


def test_a_file_changed_since_it_was_read_is_not_written(project):
    entry = entry_file(project / "content", HDF)
    read = entry.path.read_text("utf-8")
    changed = read.replace("  total: 35", "  total: 40")
    entry.path.write_text(changed, "utf-8")
    data = read_data(read)
    data["lieu"] = "Lille"
    with pytest.raises(Conflict) as conflict:
        save(entry, digest(read.encode()), read, data)
    assert entry.path.read_text("utf-8") == changed
    assert conflict.value.on_disk == changed
    assert "lieu: Lille" in conflict.value.from_form
    assert "  total: 35" in conflict.value.from_form


def test_the_checks_are_verifier_s_beside_their_fields(project):
    entry = entry_file(project / "content", HDF)
    data = read_data(entry.path.read_text("utf-8"))
    checker = Checker(project / "content")
    data["participants"]["total"] = None
    checked = checker.check(entry, data)
    assert checked.here == [(("participants", "total"), "« total » n'a pas de valeur", False)]
    data["participants"]["total"] = 35
    data["themes_votes"][3]["theme"] = "mobilté"
    checked = checker.check(entry, data)
    assert checked.here == [(("themes_votes", 3, "theme"), "thème « mobilté » inconnu du "
                             "référentiel (vouliez-vous dire « mobilite » ?)", False)]
    assert checked.elsewhere == []
    assert entry.path.read_text("utf-8") == (
        Path(__file__).resolve().parents[2] / "content" / HDF).read_text("utf-8")


def test_a_check_sees_the_other_files_as_they_are_now(project):
    content = project / "content"
    checker = Checker(content)
    entry = entry_file(content, HDF)
    data = read_data(entry.path.read_text("utf-8"))
    assert checker.check(entry, data).elsewhere == []
    other = content / "2021" / "territoires" / "ardennes.yaml"
    other.write_text(other.read_text("utf-8").replace("total:", "totale:"), "utf-8")
    assert [line.split(": ", 1)[1] for line in checker.check(entry, data).elsewhere] == [
        "champ obligatoire « total » manquant dans « participants »",
        "clé inconnue « totale » (vouliez-vous dire « total » ?)"]


def test_the_follow_up_is_chosen_among_the_previous_edition_s_suggestions(project):
    from rencontres.publishing.entry_form import EntrySession, file_answer

    content = project / "content"
    (content / "2022" / "territoires").mkdir(parents=True)
    (content / "2022" / "edition.yaml").write_text("annee: 2022\ntitre: Rencontres 2022\n",
                                                   "utf-8")
    (content / "2022" / "synthese.yaml").write_text("idees_communes: []\n", "utf-8")
    form = file_answer(EntrySession(content), entry_file(content, "2022/synthese.yaml"))
    follow_up = next(field for field in form["formulaire"]["champs"] if field["cle"] == "suivi")
    suggestion = next(field for field in follow_up["element"]["champs"]
                      if field["cle"] == "suggestion")
    assert (follow_up["etiquette"], suggestion["type"], suggestion["options"]) == (
        "Suivi des suggestions de l'édition précédente", "choix",
        [{"valeur": "cahier-mot-reformule", "libelle": "cahier-mot-reformule — Reformuler la "
                                                       "proposition du cahier MOT en 2022 ?"}])


def test_a_file_that_is_not_valid_yaml_is_not_put_in_the_form(in_project):
    from rencontres.publishing.entry_form import EntrySession, file_answer

    content = in_project / "content"
    path = content / HDF
    path.write_text(path.read_text("utf-8").replace("  total: 35", "  total: [35"), "utf-8")
    answer = file_answer(EntrySession(content), entry_file(content, HDF))
    assert "donnees" not in answer and "formulaire" not in answer
    assert answer["illisible"] == [
        "content/2021/territoires/hauts-de-france.yaml:8:10: syntaxe YAML invalide : crochet "
        "« [ » non fermé, ou "
        "« , » manquante"]
