"""The list of recipients as the team keeps it: a spreadsheet's CSV, every problem
told at once with its line, and never where its personal data would leave the team."""

from __future__ import annotations

from pathlib import Path

import pytest

from rencontres.errors import RecipientsError
from rencontres.publishing.plan import Project
from rencontres.publishing.recipients import read_recipients, refuse_if_sent_or_archived

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios" / "destinataires"
NAMES = sorted(path.name for path in SCENARIOS.iterdir())
TERRITORIES = {"hauts-de-france": "Hauts-de-France", "ardennes": "Ardennes",
               "grande-region": "Grande Région", "rhin-superieur": "Rhin Supérieur"}


@pytest.mark.parametrize("name", NAMES)
def test_each_mistake_of_a_list_is_told_with_its_line(name, monkeypatch):
    monkeypatch.chdir(SCENARIOS / name)
    with pytest.raises(RecipientsError) as raised:
        read_recipients(Path("destinataires.csv"), TERRITORIES)
    assert raised.value.report() == (SCENARIOS / name / "attendu.txt").read_text("utf-8").rstrip("\n")


@pytest.mark.parametrize(("encoding", "separator"), [
    ("utf-8", ";"), ("utf-8-sig", ";"), ("cp1252", ";"), ("cp1252", ","), ("utf-8-sig", ",")])
def test_a_list_as_excel_writes_it(tmp_path, encoding, separator):
    rows = [["Nom", "Courriel", "Organisation", "Territoires", "Téléphone"],
            ["Hélène Dupré", "helene.dupre@eurometropole.fr", "Eurométropole de Lille",
             "hauts-de-france, Grande Région", "03 20 00 00 00"],
            ["René Lévêque", "rene.leveque@mot.eu", "MOT", "national"],
            ["", "", "", ""],
            ["Zoë Ağa", "zoe@région-ardennes.fr", "Région ; Département", "ardennes|ardennes"]]
    text = "\r\n".join(separator.join(f'"{cell}"' if separator in cell or ";" in cell else cell
                                      for cell in row) for row in rows) + "\r\n"
    if encoding == "cp1252":
        text = text.replace("ğ", "g")
    path = tmp_path / "destinataires.csv"
    path.write_bytes(text.encode(encoding))
    recipients = read_recipients(path, TERRITORIES)
    assert [(r.name, r.address, r.organisation, r.territories, r.line) for r in recipients] == [
        ("Hélène Dupré", "helene.dupre@eurometropole.fr", "Eurométropole de Lille",
         ("hauts-de-france", "grande-region"), 2),
        ("René Lévêque", "rene.leveque@mot.eu", "MOT", ("national",), 3),
        ("Zoë Ağa" if encoding != "cp1252" else "Zoë Aga", "zoe@région-ardennes.fr",
         "Région ; Département", ("ardennes",), 5)]
    assert recipients[1].follows("rhin-superieur") and not recipients[0].follows("ardennes")


@pytest.mark.parametrize("folder", ["output", "content", "output/2021"])
def test_a_list_inside_output_or_content_is_refused(tmp_path, monkeypatch, folder):
    monkeypatch.chdir(tmp_path)
    (tmp_path / folder).mkdir(parents=True)
    path = tmp_path / folder / "destinataires.csv"
    path.write_text("nom;courriel;organisation;territoires\n", "utf-8")
    with pytest.raises(RecipientsError) as raised:
        refuse_if_sent_or_archived(Project(tmp_path), path)
    name = folder.split("/")[0]
    why = {"output": "dont les fichiers sont envoyés et partagés",
           "content": "archivé avec chaque diffusion"}[name]
    assert raised.value.report() == (
        "Liste des destinataires invalide : 1 problème\n"
        f"  {folder}/destinataires.csv: la liste des destinataires contient des données "
        f"personnelles : elle ne doit pas être dans {name}/ ({why}) ; rangez-la hors du "
        "projet, avec le fichier des adhérents de l'équipe (voir docs/courriels.md)")
    refuse_if_sent_or_archived(Project(tmp_path), tmp_path / "destinataires.csv")  # elsewhere: fine
