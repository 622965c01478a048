"""The command line, run in-process on a copy of the project: exit codes and messages."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rencontres.cli import main

REPO = Path(__file__).resolve().parents[2]

REPORT = Path("output/2021/compte-rendu-2021-hauts-de-france.docx")
HDF = Path("content/2021/territoires/hauts-de-france.yaml")


def edit_hauts_de_france(old: str, new: str) -> None:
    """Replace the first `old` of the Hauts-de-France file, as a chargé de mission would."""
    text = HDF.read_text("utf-8")
    assert old in text
    HDF.write_text(text.replace(old, new, 1), "utf-8")
SYNTHESIS = Path("output/2021/synthese-2021.docx")


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def digests(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.iterdir()) if not path.name.startswith(".")}


def test_build_is_the_default_command_and_writes_every_document(in_project, capsys):
    code, out, err = run(capsys, "--jobs", "1")
    assert code == 0
    assert out.splitlines() == [
        "Construit : output/2021/compte-rendu-2021-hauts-de-france.docx",
        "Construit : output/2021/synthese-2021.docx",
        "Écrit : output/2021/manifeste.csv",
        "Écrit : output/2021/rencontres-territoriales-2021.zip",
        "Ignoré (chiffres seulement, pas de parties à publier) : Ardennes, Grande Région, "
        "Rhin Supérieur, Arc Jurassien, Genevois / Alpes du Nord, Sud FR-IT-Monaco, "
        "Pyrénées Est & Centre, Pyrénées Ouest",
        "Résumé : 2 documents construits, 0 à jour, 8 ignorés.",
    ]
    assert err == ""
    assert REPORT.is_file() and SYNTHESIS.is_file()


def test_second_build_rebuilds_nothing_and_says_so(in_project, capsys):
    run(capsys, "--jobs", "1")
    before = digests(Path("output/2021"))
    code, out, _ = run(capsys, "--verbose")
    assert code == 0
    assert "Résumé : 0 document construit, 2 à jour, 8 ignorés. Rien à reconstruire." in out
    assert "À jour : output/2021/synthese-2021.docx" in out
    assert ("Ignoré (chiffres seulement, pas de parties à publier) : Ardennes, Grande "
            "Région") in out
    assert digests(Path("output/2021")) == before


def test_editing_a_figures_only_territory_rebuilds_the_synthesis_only(in_project, capsys):
    run(capsys, "--jobs", "1")
    path = Path("content/2021/territoires/ardennes.yaml")
    path.write_text(path.read_text("utf-8").replace("total: 18", "total: 19"), "utf-8")
    code, out, _ = run(capsys, "--jobs", "1")
    assert code == 0
    assert "Construit : output/2021/synthese-2021.docx" in out
    assert "compte-rendu-2021-hauts-de-france.docx" not in out
    assert "Résumé : 1 document construit, 1 à jour, 8 ignorés." in out


def test_editing_a_reported_territory_rebuilds_its_report_and_the_synthesis(in_project, capsys):
    run(capsys, "--jobs", "1")
    edit_hauts_de_france("total: 35", "total: 36")
    code, out, _ = run(capsys, "--jobs", "1")
    assert code == 0
    assert "Résumé : 2 documents construits, 0 à jour, 8 ignorés." in out


def test_force_rebuilds_byte_identical_files_in_parallel(in_project, capsys):
    run(capsys, "--jobs", "1")
    first = digests(Path("output/2021"))
    code, out, _ = run(capsys, "--force", "--jobs", "2")
    assert code == 0
    assert "Résumé : 2 documents construits" in out
    assert digests(Path("output/2021")) == first


def test_documents_carry_their_properties(in_project, capsys):
    import docx

    run(capsys, "--jobs", "1")
    properties = docx.Document(str(REPORT)).core_properties
    assert properties.title == "Compte-rendu de la Rencontre territoriale Hauts-de-France 2021"
    assert properties.author == "MOT"
    assert properties.language == "fr-FR"
    assert properties.subject == "Rencontres territoriales 2021"
    assert "Hauts-de-France" in properties.keywords
    assert properties.created.year == 2021


def test_manifest_and_bundle_list_the_documents(in_project, capsys):
    run(capsys, "--jobs", "1")
    manifest = Path("output/2021/manifeste.csv").read_text("utf-8-sig").splitlines()
    assert manifest[0] == "fichier;document;territoire;sha256;octets"
    rows = [line.split(";") for line in manifest[1:]]
    assert [row[:3] for row in rows] == [
        ["compte-rendu-2021-hauts-de-france.docx", "Compte-rendu", "Hauts-de-France"],
        ["synthese-2021.docx", "Synthèse", ""],
    ]
    for name, _, _, digest, size in rows:
        data = Path("output/2021", name).read_bytes()
        assert (hashlib.sha256(data).hexdigest(), str(len(data))) == (digest, size)
    with zipfile.ZipFile("output/2021/rencontres-territoriales-2021.zip") as bundle:
        assert bundle.namelist() == [row[0] for row in rows] + ["manifeste.csv"]


def bundled(year: str = "2021") -> list[str]:
    with zipfile.ZipFile(f"output/{year}/rencontres-territoriales-{year}.zip") as bundle:
        return bundle.namelist()


def test_a_build_limited_to_a_territory_keeps_the_whole_edition_in_the_bundle(in_project,
                                                                               capsys):
    run(capsys, "--jobs", "1")
    everything = bundled()
    code, _out, err = run(capsys, "--territoire", "hauts-de-france", "--force")
    assert (code, err) == (0, "")
    assert bundled() == everything
    # Once its content changes, the synthesis left unbuilt is out of date: not sent.
    edit_hauts_de_france("total: 35", "total: 36")
    code, _out, err = run(capsys, "--territoire", "hauts-de-france")
    assert code == 0
    assert err.splitlines() == ["Avertissement : synthese-2021.docx n'est pas à jour : il "
                                "n'est pas dans le paquet tant qu'il n'est pas reconstruit"]
    assert bundled() == [name for name in everything if name != "synthese-2021.docx"]
    run(capsys)
    assert bundled() == everything


def test_territory_option_builds_that_report_only(in_project, capsys):
    code, out, _ = run(capsys, "construire", "--territoire", "hauts-de-france", "-v")
    assert code == 0
    assert "Construit : output/2021/compte-rendu-2021-hauts-de-france.docx" in out
    assert "Ignoré (construction limitée à certains territoires) : Synthèse" in out
    assert not SYNTHESIS.exists()


def test_unknown_territory_is_refused_with_a_suggestion(in_project, capsys):
    code, _out, err = run(capsys, "--territoire", "hauts-de-franse")
    assert code == 2  # an option misspelt, as the README says
    assert err.splitlines() == [
        "Option invalide : 1 problème",
        "  --territoire: territoire « hauts-de-franse » inconnu "
        "(vouliez-vous dire « hauts-de-france » ?) ; territoires : hauts-de-france, "
        "ardennes, grande-region, rhin-superieur, arc-jurassien, genevois-alpes-du-nord, "
        "sud-fr-it-monaco, pyrenees-est-centre, pyrenees-ouest",
        "Aucun document n'a été écrit ; les documents déjà présents sont intacts.",
    ]
    assert not Path("output/2021").exists()


def test_edition_option_builds_an_older_edition(in_project, capsys):
    code, out, _ = run(capsys, "--edition", "2020", "--jobs", "1")
    assert code == 0
    assert out.splitlines()[-1] == "Résumé : 0 document construit, 0 à jour, 10 ignorés. " \
                                   "Rien à reconstruire."
    code, _, err = run(capsys, "--edition", "2019")
    assert code == 1
    assert ": aucune édition 2019 (éditions disponibles : 2020, 2021)" in err


def test_quiet_prints_nothing_on_success(in_project, capsys):
    code, out, err = run(capsys, "--quiet", "--jobs", "1")
    assert (code, out, err) == (0, "", "")


def test_invalid_content_writes_nothing_and_keeps_previous_outputs(in_project, capsys):
    run(capsys, "--jobs", "1")
    before = digests(Path("output/2021"))
    path = Path("content/2021/territoires/hauts-de-france.yaml")
    text = path.read_text("utf-8")
    path.write_text(text.replace("total: 35", "total: trente-cinq")
                    .replace("objectifs:", "objectif:", 1), "utf-8")
    code, out, err = run(capsys, "--force")
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == "Contenu invalide : 2 problèmes"
    assert any("« total » doit être un nombre entier" in line for line in lines)
    assert any("clé inconnue « objectif » (vouliez-vous dire « objectifs » ?)" in line
               for line in lines)
    assert all(line.startswith("  content/2021/territoires/hauts-de-france.yaml:")
               for line in lines[1:3])
    assert digests(Path("output/2021")) == before


def usage_error(capsys: pytest.CaptureFixture, *argv: str) -> list[str]:
    """The last lines of a refused command line, after its usage."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    assert exit_info.value.code == 2
    return capsys.readouterr().err.splitlines()


def test_usage_errors_are_in_french(capsys):
    assert usage_error(capsys, "--jobs", "zero")[-1] == (
        "python build.py construire : erreur : argument --jobs : nombre entier attendu, "
        "reçu « zero »")
    assert usage_error(capsys, "nouvelle-edition")[-1] == (
        "python build.py nouvelle-edition : erreur : argument manquant : ANNÉE")


def test_a_mistyped_option_is_refused_with_the_nearest_one(capsys):
    assert usage_error(capsys, "--pfd")[-2:] == [
        "python build.py construire : erreur : arguments non reconnus : --pfd",
        "Vouliez-vous dire --pdf ?"]
    assert usage_error(capsys, "verifier", "--strcit")[-2:] == [
        "python build.py verifier : erreur : arguments non reconnus : --strcit",
        "Vouliez-vous dire --strict ?"]
    # Nothing near: no guess.
    assert usage_error(capsys, "diffuser", "--pdf")[-1] == (
        "python build.py diffuser : erreur : arguments non reconnus : --pdf")


def test_a_mistyped_command_is_refused_with_the_nearest_one(capsys):
    assert usage_error(capsys, "verfier")[-2:] == [
        "python build.py : erreur : commande inconnue : verfier",
        "Vouliez-vous dire verifier ?"]
    assert usage_error(capsys, "--projet", ".", "diffsuer")[-2:] == [
        "python build.py : erreur : commande inconnue : diffsuer",
        "Vouliez-vous dire diffuser ?"]
    assert usage_error(capsys, "publier")[-2:] == [
        "python build.py : erreur : commande inconnue : publier",
        "Les commandes : construire, verifier, champs, nouvelle-edition, diffuser, "
        "changements, apercu, saisie, courriels, envois."]


def test_a_command_outside_any_project_says_how_to_point_it_at_one(tmp_path, monkeypatch,
                                                                   capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "verifier")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "Vérification échouée : 3 problèmes",
        "  content: dossier de contenu introuvable",
        "  templates/compte-rendu.docx: modèle introuvable",
        "  templates/synthese.docx: modèle introuvable",
        "Aucun projet ici : ni ce dossier ni ceux au-dessus ne contiennent content/ et "
        "templates/. Placez-vous dans le dossier du projet (cd DOSSIER) puis relancez, ou "
        "indiquez-le avec --projet DOSSIER."]
    (tmp_path / "ailleurs").mkdir()
    code, out, err = run(capsys, "--projet", "ailleurs")
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == (
        "« ailleurs » n'est pas le dossier d'un projet : il ne contient ni content/ ni "
        "templates/. Indiquez le dossier du projet avec --projet DOSSIER.")


def test_a_project_with_something_missing_gets_no_hint_about_the_folder(in_project,
                                                                        capsys):
    Path("templates/synthese.docx").unlink()
    code, _, err = run(capsys, "verifier")
    assert code == 1
    assert err.splitlines() == ["Vérification échouée : 1 problème",
                                "  templates/synthese.docx: modèle introuvable"]


def test_help_is_in_french(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["construire", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("utilisation : python build.py construire")
    assert "reconstruire même les documents à jour" in out


def test_check_accepts_the_example_project(in_project, capsys):
    code, out, _err = run(capsys, "verifier")
    assert code == 0
    assert out == ("Contenu et modèles valides : 2 éditions, 18 fichiers de territoire, "
                   "2 modèles.\n")
    assert not Path("output").exists()


def test_check_lists_content_and_template_problems_together(in_project, capsys):
    Path("content/2021/edition.yaml").write_text("annee: 2021\ntitre: \n", "utf-8")
    Path("templates/synthese.docx").write_text("pas un document Word", "utf-8")
    code, _, err = run(capsys, "check")
    assert code == 1
    assert err.splitlines() == [
        "Vérification échouée : 2 problèmes",
        "  content/2021/edition.yaml:2:1: « titre » n'a pas de valeur",
        "  templates/synthese.docx: ce fichier n'est pas un document Word (.docx)",
    ]


def test_fields_lists_every_template_field(in_project, capsys):
    code, out, _ = run(capsys, "champs")
    assert code == 0
    assert "## Modèle `compte-rendu.docx`" in out and "## Modèle `synthese.docx`" in out
    assert "- `graphique_votes` (image (graphique) (peut être vide)) :" in out


class _Pipe(io.RawIOBase):
    """Where both output streams go when they are piped or logged together."""

    def __init__(self) -> None:
        self.received = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.received += data
        return len(data)


def test_fields_written_says_so_on_its_own_line_after_the_list(in_project, monkeypatch):
    """Standard output is block-buffered in a pipe, standard error is not: the list is
    written out before « Écrit : … » is, whatever the buffers."""
    pipe = _Pipe()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(
        io.BufferedWriter(pipe, buffer_size=1 << 20), encoding="utf-8"))
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(
        io.BufferedWriter(pipe), encoding="utf-8", line_buffering=True))
    assert main(["champs", "--ecrire"]) == 0
    sys.stdout.flush()
    lines = pipe.received.decode("utf-8").splitlines()
    assert lines[0] == "# Champs utilisables dans les modèles Word"
    assert lines[-2:] == [
        "- `modifications` (texte) : Ce qui a changé dans ses documents depuis cette diffusion, "
        "comme le dit « changements » (seulement dans courriel-mise-a-jour.txt).",
        "Écrit : docs/champs-modeles.md"]


def test_fields_reference_in_docs_is_current(capsys):
    _code, out, _ = run(capsys, "fields")
    assert out == (REPO / "docs" / "champs-modeles.md").read_text("utf-8")


def test_new_edition_scaffolds_files_to_fill(in_project, capsys):
    code, out, _ = run(capsys, "nouvelle-edition", "2022")
    assert code == 0
    assert out.splitlines()[0] == "Créé : content/2022/edition.yaml"
    assert len(list(Path("content/2022/territoires").glob("*.yaml"))) == 9
    scaffolded = Path("content/2022/territoires/hauts-de-france.yaml").read_text("utf-8")
    assert "  total: null  # à remplir" in scaffolded
    assert "  - titre: Mobilité\n    niveau: 1\n    themes_votes: [Mobilité]\n" in scaffolded
    assert "Favoriser les mobilités douces" not in scaffolded
    # Until the files are filled, the new edition names what is missing...
    code, _, err = run(capsys, "verifier")
    assert code == 1
    assert ("  content/2022/territoires/ardennes.yaml:8:3: « total » n'a pas de valeur"
            in err.splitlines())
    # ...while the previous edition still builds...
    code, out, _ = run(capsys, "--edition", "2021", "--jobs", "1")
    assert code == 0 and "Construit : output/2021/synthese-2021.docx" in out
    # ...and the edition is not overwritten by a second scaffold.
    code, _, err = run(capsys, "nouvelle-edition", "2022")
    assert code == 1
    assert "content/2022: l'édition 2022 existe déjà : rien n'a été modifié" in err


def test_pdf_option_converts_every_document(in_project, capsys):
    code, out, _ = run(capsys, "--pdf", "--jobs", "1")
    assert code == 0
    for name in ("compte-rendu-2021-hauts-de-france.pdf", "synthese-2021.pdf"):
        assert f"Écrit : output/2021/{name}" in out
        assert Path("output/2021", name).read_bytes().startswith(b"%PDF")
    code, out, _ = run(capsys, "--pdf")
    assert "Rien à reconstruire." in out and ".pdf" not in out
    # A document rebuilt without --pdf: its old PDF is no longer sent.
    edit_hauts_de_france("Encourager les jeunes", "Aider les jeunes")
    code, out, err = run(capsys, "--jobs", "1")
    assert err.splitlines() == [
        "Avertissement : compte-rendu-2021-hauts-de-france.pdf ne correspond plus à son "
        "document : il n'est pas dans le paquet (construisez avec --pdf)"]
    manifest = Path("output/2021/manifeste.csv").read_text("utf-8-sig")
    assert [line.split(";")[0] for line in manifest.splitlines()[1:]] == [
        "compte-rendu-2021-hauts-de-france.docx", "synthese-2021.docx", "synthese-2021.pdf"]


def test_pdf_without_libreoffice_says_how_to_install_it(in_project, capsys, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    code, _, err = run(capsys, "--pdf", "--jobs", "1")
    assert code == 1
    assert ("  --pdf: LibreOffice est introuvable : installez-le (apt-get install "
            "libreoffice-writer-nogui) ou relancez sans --pdf") in err.splitlines()


def test_nothing_to_do_does_not_import_matplotlib(in_project, capsys):
    run(capsys, "--jobs", "1")
    probe = ("import sys; from rencontres.cli import main; code = main(['--quiet']); "
             "print(code, 'matplotlib' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=in_project, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.stdout == "0 False\n", result.stderr


def test_charts_are_cached_by_their_data(in_project, capsys):
    run(capsys, "--jobs", "1")
    cached = sorted(Path("output/.cache/graphiques").glob("*.entree"))
    # The map: the votes chart and the synthesis' charts are native ones.
    assert len(cached) == 1
    probe = ("import sys; from rencontres.cli import main; code = main(['--force', '--quiet']); "
             "print(code, 'matplotlib' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=in_project, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.stdout == "0 False\n", result.stderr
    assert sorted(Path("output/.cache/graphiques").glob("*.entree")) == cached


def _second_reported_territory(project: Path) -> None:
    """Ardennes gets a compte-rendu section too, and Hauts-de-France a place."""
    ardennes = project / "content/2021/territoires/ardennes.yaml"
    ardennes.write_text(ardennes.read_text("utf-8") + (
        "sections:\n  - titre: Gouvernance\n    niveau: 2\n"
        "    objectifs: [Mieux se connaître]\n"), "utf-8")
    hdf = project / "content/2021/territoires/hauts-de-france.yaml"
    hdf.write_text(hdf.read_text("utf-8").replace(
        "territoire: hauts-de-france\n", "territoire: hauts-de-france\nlieu: Lille\n"), "utf-8")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_failing_document_does_not_stop_the_others(in_project, capsys, jobs):
    from support.templates import make_template

    _second_reported_territory(in_project)
    run(capsys, "--jobs", "1")
    previous = Path("output/2021/compte-rendu-2021-ardennes.docx").read_bytes()
    # Only Hauts-de-France has a place: the Ardennes document now fails to render.
    make_template(Path("templates/compte-rendu.docx"),
                  ["{{ territoire.nom }}", "{{ lieu.upper() }}"])
    code, out, err = run(capsys, "--jobs", jobs)
    assert code == 1
    assert "Construit : output/2021/compte-rendu-2021-hauts-de-france.docx" in out
    assert err.splitlines()[:3] == [
        "Échec : output/2021/compte-rendu-2021-ardennes.docx (version précédente conservée, hors du paquet)",
        "Modèle Word invalide : 1 problème",
        "  templates/compte-rendu.docx: « upper » appliqué à un champ vide pour ce document : "
        "entourez ce passage de « {% if … %} »",
    ]
    assert Path("output/2021/compte-rendu-2021-ardennes.docx").read_bytes() == previous
    assert "1 en échec" in out


def test_strict_stops_the_batch_before_writing(in_project, capsys):
    from support.templates import make_template

    _second_reported_territory(in_project)
    make_template(Path("templates/compte-rendu.docx"),
                  ["{{ territoire.nom }}", "{{ lieu.upper() }}"])
    code, out, err = run(capsys, "--strict", "--jobs", "1")
    assert code == 1
    assert out == ""
    assert "Aucun document n'a été écrit" in err
    assert not Path("output/2021/compte-rendu-2021-hauts-de-france.docx").exists()


def test_invisible_characters_are_removed_with_a_warning(in_project, capsys):
    edit_hauts_de_france("territoire: hauts-de-france\n",
                         "territoire: hauts-de-france\nlieu: Lil\x08le\n")
    code, out, err = run(capsys, "--jobs", "1")
    assert code == 0
    assert err.splitlines() == [
        "Avertissement : content/2021/territoires/hauts-de-france.yaml:4:10: caractère "
        "invisible U+0008 supprimé (il vient souvent d'un copier-coller)"]
    assert "1 avertissement" in out
    from support import docx_text

    assert "Lille" in docx_text.text(REPORT)


def test_a_part_without_content_is_left_out_with_a_warning(in_project, capsys):
    edit_hauts_de_france("sections:\n",
                         "sections:\n  - titre: Santé\n    niveau: 2\n    objectifs: []\n")
    code, _out, err = run(capsys, "--jobs", "1")
    assert code == 0
    assert err.splitlines() == [
        "Avertissement : content/2021/territoires/hauts-de-france.yaml:47:12: partie « Santé » "
        "sans contenu (ni objectif, ni idée de projet, ni partenaire, ni suggestion, ni "
        "remarque) : elle n'apparaît pas dans le compte-rendu"]
    from support import docx_text

    text = docx_text.text(REPORT)
    assert "Santé" not in text
    assert "Gouvernance" in text


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_shown_on_a_terminal_for_several_documents():
    from rencontres.cli import Progress
    from rencontres.publishing.plan import DocumentJob

    jobs = [DocumentJob("synthese", 2021, None, Path("t.docx"), Path(f"out/{name}.docx"),
                        "Titre", ()) for name in ("a", "b")]
    terminal = _Terminal()
    progress = Progress(terminal, enabled=True)
    progress.start(2)
    for job in jobs:
        progress.advance(job)
    progress.close()
    assert terminal.getvalue() == ("\r[1/2] a.docx\r[2/2] b.docx\r" + " " * 12 + "\r")
    for stream, total in ((io.StringIO(), 2), (_Terminal(), 1)):
        quiet = Progress(stream, enabled=True)
        quiet.start(total)
        quiet.advance(jobs[0])
        quiet.close()
        assert stream.getvalue() == ""


@pytest.mark.parametrize("argv", [["--projet", "."], ["--projet=."]])
def test_projet_may_come_before_the_command(in_project, capsys, argv):
    code, out, err = run(capsys, *argv, "verifier")
    assert (code, err) == (0, "")
    assert out.startswith("Contenu et modèles valides")
    assert run(capsys, *argv, "--jobs", "1", "-q")[0] == 0  # the default command too


def test_pdfs_written_are_not_called_nothing_to_rebuild(in_project, capsys):
    assert run(capsys, "--jobs", "1", "-q")[0] == 0
    code, out, _err = run(capsys, "--pdf")
    assert code == 0
    assert "Écrit : output/2021/synthese-2021.pdf" in out.splitlines()
    assert "Rien à reconstruire" not in out
