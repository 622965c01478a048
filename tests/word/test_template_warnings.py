"""What `verifier` says of a template that still builds, but not the documents one
expects (issue 29): a chart gone from the template, a comment, an image without alt
text in a header."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from rencontres.cli import main

REPORT = Path("templates/compte-rendu.docx")


def rewrite_part(template: Path, part: str, change) -> None:
    """The template with one of its XML parts changed by `change` (text → text)."""
    with zipfile.ZipFile(template) as package:
        entries = [(info, package.read(info.filename)) for info in package.infolist()]
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in entries:
            package.writestr(info, change(data.decode("utf-8")).encode("utf-8")
                             if info.filename == part else data)


def warnings(capsys) -> list[str]:
    assert main(["verifier"]) == 0
    return capsys.readouterr().err.splitlines()


def test_a_chart_gone_from_the_template_is_said_with_what_the_documents_lack(
        in_project, capsys):
    # Cut and pasted, the chart came back as a picture: its drawing is no chart any more.
    rewrite_part(REPORT, "word/document.xml", lambda xml: re.sub(
        r"<w:r>(?:(?!<w:r>).)*?<c:chart .*?</w:r>", "", xml.replace(
            "{# graphique-votes #}", ""), count=1, flags=re.S))
    # (The picture's paragraph left empty has its accessibility warning too.)
    assert [line for line in warnings(capsys) if "accessibilité" not in line] == [
        "Avertissement : templates/compte-rendu.docx: graphique « graphique-votes » absent "
        "du modèle (ni graphique Word de ce nom, ni balise « {{ graphique_votes }} ») : les "
        "documents seront publiés sans lui ; collez à sa place le graphique du modèle livré "
        "suivi de « {# graphique-votes #} » (Word et LibreOffice), ou écrivez "
        "« {{ graphique_votes }} » seul dans un paragraphe pour le recevoir en image"]


def delete_a_series_of_the_votes_chart() -> None:
    rewrite_part(REPORT, "word/charts/chart1.xml", lambda xml: re.sub(
        r"<c:ser>.*?</c:ser>", "", xml, count=1, flags=re.S))


def test_a_chart_with_a_series_deleted_is_refused_by_verifier(in_project, capsys):
    delete_a_series_of_the_votes_chart()
    assert main(["verifier"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "Vérification échouée : 1 problème",
        "  templates/compte-rendu.docx: graphique « graphique-votes » : le graphique du "
        "modèle a 1 série, il en faut 2 (« MOT particulièrement attendue », « Autre "
        "thème ») pour Hauts-de-France 2021 : ajoutez-en, chacune avec sa couleur (Word : "
        "clic droit sur le graphique, « Modifier les données » ; LibreOffice : double-clic "
        "sur le graphique, Affichage › Table de données, « Insérer une série »)"]


def test_a_failed_first_build_does_not_claim_a_previous_version(in_project, capsys):
    delete_a_series_of_the_votes_chart()
    assert main(["--territoire", "hauts-de-france", "--jobs", "1"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "Échec : output/2021/compte-rendu-2021-hauts-de-france.docx (pas de version "
        "précédente : aucun document écrit)")


def test_a_comment_is_said_by_verifier_and_never_published(in_project, capsys):
    import docx

    template = docx.Document(str(REPORT))
    first = template.paragraphs[0]
    template.add_comment(first.runs, text="Logo à changer en 2022", author="Com MOT",
                         initials="CM")
    template.save(str(REPORT))
    assert warnings(capsys) == [
        "Avertissement : templates/compte-rendu.docx: 1 commentaire (« Logo à changer en "
        "2022 ») : retirés des documents publiés ; supprimez-les du modèle quand ils n'ont "
        "plus d'usage (Word : Révision › Supprimer › Supprimer tous les commentaires du "
        "document ; LibreOffice : clic droit sur un commentaire › Supprimer tous les "
        "commentaires)"]
    assert main(["--territoire", "hauts-de-france", "--jobs", "1", "--quiet"]) == 0
    with zipfile.ZipFile("output/2021/compte-rendu-2021-hauts-de-france.docx") as package:
        names = package.namelist()
        document = package.read("word/document.xml").decode("utf-8")
        relations = package.read("word/_rels/document.xml.rels").decode("utf-8")
    assert [name for name in names if "comment" in name or "people" in name] == []
    assert "comment" not in document and "comments" not in relations


def test_a_template_saved_as_odt_beside_the_docx_is_said(in_project, capsys,
                                                         libreoffice_templates):
    import shutil

    shutil.copyfile(libreoffice_templates / "compte-rendu.odt", "templates/compte-rendu.odt")
    said = ("templates/compte-rendu.odt : modèle au format OpenDocument (.odt), que la "
            "construction ne lit pas (elle lit templates/compte-rendu.docx) : pour que vos "
            "modifications comptent, enregistrez-le sous le nom « compte-rendu.docx » au "
            "format Word (Word : Fichier › Enregistrer sous › « Document Word (*.docx) » ; "
            "LibreOffice : Fichier › Enregistrer sous… › « Word 2007-365 (.docx) »), puis "
            "supprimez « compte-rendu.odt »")
    assert warnings(capsys) == [f"Avertissement : {said}"]
    # The build says it too, each time, even with nothing to rebuild.
    for _ in range(2):
        assert main(["--territoire", "hauts-de-france", "--jobs", "1", "--quiet"]) == 0
        assert capsys.readouterr().err.splitlines() == [f"Avertissement : {said}"]
    # Instead of the .docx: named in the error.
    REPORT.unlink()
    assert main(["verifier"]) == 1
    assert capsys.readouterr().err.splitlines()[1:] == [
        "  templates/compte-rendu.docx: modèle introuvable ; il y a « compte-rendu.odt », "
        "au format OpenDocument (.odt) : enregistrez-le sous le nom « compte-rendu.docx » "
        "au format Word (Word : Fichier › Enregistrer sous › « Document Word (*.docx) » ; "
        "LibreOffice : Fichier › Enregistrer sous… › « Word 2007-365 (.docx) »)"]


def test_a_word_97_document_renamed_docx_is_said_to_be_no_docx(in_project, capsys,
                                                               libreoffice_templates):
    # Its embedded chart's workbook is a zip: it passed for one.
    REPORT.write_bytes((libreoffice_templates / "compte-rendu.doc").read_bytes())
    assert main(["verifier"]) == 1
    assert capsys.readouterr().err.splitlines()[1:] == [
        "  templates/compte-rendu.docx: ce fichier n'est pas un document Word (.docx) : c'est "
        "un ancien document Word 97-2003 (.doc), ou un document protégé par un mot de passe ; "
        "ouvrez-le et enregistrez-le au format Word (Word : Fichier › Enregistrer sous › "
        "« Document Word (*.docx) » ; LibreOffice : Fichier › Enregistrer sous… › « Word "
        "2007-365 (.docx) »), sans mot de passe"]


def test_an_image_without_alt_text_in_a_header_or_a_text_box_is_said(in_project, capsys,
                                                                      tmp_path):
    import io

    import docx
    from PIL import Image

    logo = io.BytesIO()
    Image.new("RGB", (20, 10), "navy").save(logo, "PNG")
    template = docx.Document(str(REPORT))
    header = template.sections[0].header
    header.is_linked_to_previous = False
    header.paragraphs[0].add_run().add_picture(io.BytesIO(logo.getvalue()))
    template.save(str(REPORT))
    assert warnings(capsys) == [
        "Avertissement : templates/compte-rendu.docx: en-tête, paragraphe 1 « Compte-rendu de "
        "la Rencontre territoriale {{ territoire.n… » : accessibilité, « Texte de "
        "remplacement manquant » : l'image « Picture 1 » n'a pas de texte de remplacement : "
        "clic droit sur l'image, « Modifier le texte de remplacement » (Word), ou "
        "Propriétés… › Options › « Texte alternatif » (LibreOffice)"]
