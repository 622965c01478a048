"""Ordinary faults of a machine and of a hurried user: each gets a French message
naming what is wrong, never a traceback, and loses nothing."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.templates import make_template

from rencontres.cli import main
from rencontres.publishing import workers

REPO = Path(__file__).resolve().parents[2]
NOT_WRITTEN = "Aucun document n'a été écrit ; les documents déjà présents sont intacts."
REPORT = Path("output/2021/compte-rendu-2021-hauts-de-france.docx")
SYNTHESIS = Path("output/2021/synthese-2021.docx")
BUNDLE = Path("output/2021/rencontres-territoriales-2021.zip")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_output_is_a_file(in_project, capsys):
    Path("output").write_text("")
    assert run(capsys, "-q") == (1, "", "Écriture impossible : 1 problème\n"
                                 "  output: c'est un fichier, là où les documents ont leur "
                                 "dossier : renommez-le ou déplacez-le\n" + NOT_WRITTEN + "\n")


def test_the_lock_is_a_folder(in_project, capsys):
    Path("output/.verrou").mkdir(parents=True)
    assert run(capsys, "-q") == (1, "", "Écriture impossible : 1 problème\n"
                                 "  output/.verrou: écriture impossible : c'est un dossier, "
                                 "pas un fichier\n" + NOT_WRITTEN + "\n")


@pytest.mark.parametrize("state", ["[1, 2]", '"texte"', '{"2021/synthese-2021.docx": 3}', "{"])
def test_a_build_state_of_the_wrong_shape_rebuilds(in_project, capsys, state):
    assert run(capsys, "-q")[0] == 0
    Path("output/.etat-construction.json").write_text(state)
    code, out, err = run(capsys)
    assert (code, err) == (0, "")
    assert f"Construit : {SYNTHESIS}" in out.splitlines()


def test_damaged_cached_charts_are_drawn_again(in_project, capsys):
    assert run(capsys, "-q")[0] == 0
    cached = sorted(Path("output/.cache/graphiques").glob("*.png"))
    assert cached
    for path in cached:
        path.write_bytes(path.read_bytes()[:100])  # a disk full while it was written
    code, out, err = run(capsys, "--force", "-q")
    assert (code, out, err) == (0, "", "")
    assert all(path.read_bytes().endswith(b"IEND\xaeB`\x82") for path in cached)


def test_a_worker_killed_while_rendering(in_project, capsys, monkeypatch):
    real = workers._render_safely

    def killed(content, sources, job, charts_cache):  # the out-of-memory killer, say
        if job.kind == "synthese":
            os._exit(9)
        return real(content, sources, job, charts_cache)

    monkeypatch.setattr(workers, "_render_safely", killed)
    assert run(capsys, "--jobs", "2", "-q") == (1, "", (
        "Construction interrompue : 1 problème\n"
        "  output/2021: un processus de construction s'est arrêté brutalement "
        "(mémoire épuisée, ou arrêté par le système) ; relancez, au besoin avec --jobs 1\n"
        + NOT_WRITTEN + "\n"))
    assert not Path("output/2021").exists()


def test_a_failure_after_documents_were_written_says_what_was(in_project, capsys):
    BUNDLE.mkdir(parents=True)  # the bundle cannot be replaced
    code, out, err = run(capsys, "-q")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "Écriture impossible : 1 problème",
        f"  {BUNDLE}: écriture impossible : c'est un dossier, pas un fichier",
        f"Écrit avant l'erreur : {REPORT}, {SYNTHESIS}, output/2021/manifeste.csv ; "
        "les autres fichiers déjà présents sont intacts."]


def test_folders_and_files_that_are_not_read_are_named(in_project, capsys):
    for name in ("2022 ", "02022", "２０２２", "2022²"):
        Path("content", name).mkdir()
    territories = Path("content/2021/territoires")
    (territories / "ardennes.yaml").rename(territories / "ardennes.yaml.txt")
    (territories / "arc-jurassien.yaml").rename(territories / "arc-jurassien.YAML")
    (territories / "~$notes.docx").write_text("")  # Word's owner file: not named
    code, _out, err = run(capsys, "-q")
    assert code == 0
    warnings = [line for line in err.splitlines() if "ignoré" in line]
    assert warnings == [
        "Avertissement : content/02022: dossier « 02022 » ignoré : le dossier d'une édition "
        "porte son année en quatre chiffres, ex. « 2022 »",
        "Avertissement : content/2022 : dossier « 2022⟨espace⟩ » ignoré : le dossier d'une "
        "édition porte son année en quatre chiffres, ex. « 2022 »",
        "Avertissement : content/2022²: dossier « 2022² » ignoré : le dossier d'une édition "
        "porte son année en quatre chiffres, ex. « 2022 »",
        "Avertissement : content/２０２２: dossier « ２０２２ » ignoré : le dossier d'une "
        "édition porte son année en quatre chiffres, ex. « 2022 »",
        "Avertissement : content/2021/territoires/arc-jurassien.YAML: fichier "
        "« arc-jurassien.YAML » ignoré : seuls les fichiers « .yaml » sont lus ; "
        "renommez-le « arc-jurassien.yaml »",
        "Avertissement : content/2021/territoires/ardennes.yaml.txt: fichier "
        "« ardennes.yaml.txt » ignoré : seuls les fichiers « .yaml » sont lus ; "
        "renommez-le « ardennes.yaml »",
    ]


def _cli(project: Path, *argv: str, **options) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **options.pop("env", {})}
    return subprocess.run([sys.executable, "-m", "rencontres", *argv], cwd=project,
                          env=environment, capture_output=True, **options)


def test_a_terminal_that_cannot_show_accents(project):
    result = _cli(project, "verifier", env={"PYTHONIOENCODING": "ascii"})
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout == (b"Contenu et mod?les valides : 2 ?ditions, 18 fichiers de "
                             b"territoire, 2 mod?les.\n")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_standard_output_on_a_full_disk(project):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "rencontres", "verifier"], cwd=project,
                                env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=full,
                                stderr=subprocess.PIPE, text=True)
    assert (result.returncode, result.stderr) == (1, "Affichage impossible : disque plein\n")


def test_standard_output_closed_early(project):
    reader = subprocess.Popen([sys.executable, "-m", "rencontres", "champs"], cwd=project,
                              env={**os.environ, "PYTHONPATH": str(REPO)},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reader.stdout.read(10)
    reader.stdout.close()  # `… | head -c 10`
    assert reader.wait(timeout=60) == 0
    assert b"Traceback" not in reader.stderr.read()


def test_a_working_directory_deleted_under_the_user(tmp_path):
    gone = tmp_path / "parti"
    gone.mkdir()
    probe = subprocess.Popen(
        [sys.executable, "-c", "import os, sys; sys.stdin.read(); "
         "from rencontres.cli import main; sys.exit(main(['verifier']))"],
        cwd=gone, env={**os.environ, "PYTHONPATH": str(REPO)}, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    shutil.rmtree(gone)
    out, err = probe.communicate("", timeout=60)
    assert (probe.returncode, out, err) == (1, "", "Le dossier courant n'existe plus : "
                                            "placez-vous dans le dossier du projet puis "
                                            "relancez.\n")


def test_a_new_edition_is_created_whole_or_not_at_all(in_project, capsys):
    from rencontres.publishing import output

    synced = []

    def disk_full_at_the_third_file(descriptor):
        synced.append(descriptor)
        if len(synced) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.MonkeyPatch.context() as disk:
        disk.setattr(output.os, "fsync", disk_full_at_the_third_file)
        assert run(capsys, "nouvelle-edition", "2022") == (1, "", (
            "Écriture impossible : 1 problème\n"
            "  content/2022: écriture impossible : disque plein ; rien n'a été créé\n"))
    assert sorted(path.name for path in Path("content").iterdir()) == [
        "2020", "2021", "referentiel.yaml"]
    code, _out, err = run(capsys, "nouvelle-edition", "2022")
    assert (code, err) == (0, "")
    assert len(list(Path("content/2022/territoires").iterdir())) == 9


@pytest.mark.parametrize("year", ["1999", "2101"])
def test_a_new_edition_in_a_year_the_content_cannot_hold(in_project, capsys, year):
    assert run(capsys, "nouvelle-edition", year) == (1, "", (
        "Contenu invalide : 1 problème\n"
        f"  content/{year}: année {year} impossible : une édition a lieu entre 2000 et "
        "2100\n"))
    assert not Path("content", year).exists()


def test_a_new_edition_for_a_territory_named_on_two_lines(in_project, capsys):
    referentiel = Path("content/referentiel.yaml")
    referentiel.write_text(referentiel.read_text("utf-8").replace(
        "nom: Hauts-de-France", 'nom: "Hauts-de-\\nFrance"', 1), "utf-8")
    assert run(capsys, "nouvelle-edition", "2022")[0] == 0
    text = Path("content/2022/territoires/hauts-de-france.yaml").read_text("utf-8")
    assert "# Rencontre territoriale Hauts-de- France 2022 : préparé à partir de 2021." in text
    _code, _out, err = run(capsys, "verifier")
    # What is left is to fill in, nothing the comment broke.
    ours = [line for line in err.splitlines() if "2022/territoires/hauts-de-france" in line]
    assert ours and all(line.endswith("n'a pas de valeur") for line in ours)


def test_a_character_the_charts_font_lacks_is_said_in_french(in_project, capsys):
    path = Path("content/2021/territoires/hauts-de-france.yaml")
    text = path.read_text("utf-8").replace("  - libelle: Gouvernance\n",
                                           '  - libelle: "Gouvernance 🚆"\n', 1)
    path.write_text(text.replace("    themes_votes: [Gouvernance]\n",
                                 '    themes_votes: ["Gouvernance 🚆"]\n', 1), "utf-8")
    # The votes chart as a picture, drawn by matplotlib (a native one is drawn by Word).
    make_template(Path("templates/compte-rendu.docx"), ["{{ graphique_votes }}"])
    code, _out, err = run(capsys, "--jobs", "1", "-q")
    assert code == 0
    assert err.splitlines() == [
        "Avertissement : compte-rendu-2021-hauts-de-france.docx : graphique : le caractère "
        "« 🚆 » n'existe pas dans la police Liberation Sans : il y apparaît comme un carré (le "
        "texte du document le garde)"]
