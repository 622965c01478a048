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
    assert warnings(capsys) == [
        "Avertissement : templates/compte-rendu.docx: paragraphe 19 : accessibilité, "
        "« Caractères vides répétés » : un paragraphe vide pour faire de l'espace : "
        "supprimez-les et réglez l'espacement avant ou après dans le style du paragraphe",
        "Avertissement : templates/compte-rendu.docx: graphique « graphique-votes » absent "
        "du modèle (ni graphique Word de ce nom, ni balise « {{ graphique_votes }} ») : les "
        "documents seront publiés sans lui ; collez à sa place le graphique du modèle livré "
        "suivi de « {# graphique-votes #} » (Word et LibreOffice), ou écrivez "
        "« {{ graphique_votes }} » seul dans un paragraphe pour le recevoir en image"]
