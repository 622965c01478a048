"""LibreOffice run safely (rencontres/publishing/libreoffice.py): no macro of a profile
ever runs, its profiles are not in the project folder, a LibreOffice that never answers
does not stall a build, and none outlives a build killed outright."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.libreoffice import plant_macro, silent_libreoffice
from support.processes import children, running

from rencontres.cli import main
from rencontres.publishing import pdf

REPO = Path(__file__).resolve().parents[2]
OLD_PROFILES = Path("output/.cache/libreoffice")


def test_a_macro_planted_in_a_profile_never_runs(in_project, tmp_path, monkeypatch):
    """A colleague sharing the project folder plants a Basic macro bound to the
    application's start in the profiles kept there (and, to be sure, in the user's)."""
    users = tmp_path / "cache"  # of its own: other tests' LibreOffice use the shared one
    monkeypatch.setenv("XDG_CACHE_HOME", str(users))
    document = {"document.docx": Path("templates/compte-rendu.docx").read_bytes()}
    assert pdf.bookmark_pages(document, Path("output"))  # LibreOffice makes its profiles
    made = [profile for folder in (OLD_PROFILES, users / "rencontres" / "libreoffice")
            for profile in sorted(folder.glob("profil-*")) if profile.is_dir()]
    assert made
    for number in (1, 2):  # where earlier versions kept them
        if not (OLD_PROFILES / f"profil-{number}").exists():
            shutil.copytree(made[0], OLD_PROFILES / f"profil-{number}", symlinks=True)
    marker = tmp_path / "macro-executee"
    for profile in [*OLD_PROFILES.glob("profil-*"), *made]:
        plant_macro(profile, marker)
    assert pdf.bookmark_pages(document, Path("output"))
    assert not marker.exists()
    assert not OLD_PROFILES.exists()  # nothing in the project folder is run


def test_a_libreoffice_that_never_answers_leaves_the_toc_without_numbers(in_project, capsys,
                                                                        monkeypatch, tmp_path):
    silent_libreoffice(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(pdf, "LAYOUT_SECONDS", 2)
    monkeypatch.setattr(pdf, "LAYOUT_SECONDS_PER_DOCUMENT", 0)
    started = time.monotonic()
    assert main(["--jobs", "1"]) == 0
    assert time.monotonic() - started < 60
    assert capsys.readouterr().err.splitlines() == [
        "Avertissement : synthese-2021.docx : sommaire sans numéros de page (LibreOffice ne "
        "répond plus : mise en page interrompue après 2 s) : reconstruisez, ou, dans Word, "
        "clic droit sur le sommaire > Mettre à jour les champs"]
    assert Path("output/2021/synthese-2021.docx").is_file()
    assert list(Path("output").glob(".pdf-*")) == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_no_libreoffice_outlives_a_build_killed_outright(in_project, tmp_path):
    silent_libreoffice(tmp_path)
    build = subprocess.Popen(
        [sys.executable, "-m", "rencontres", "--jobs", "1", "-q"], cwd=in_project,
        env={**os.environ, "PYTHONPATH": str(REPO),
             "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    left: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not (started := _libreoffice_of(build.pid)):
            assert build.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        left += [*started, *(pid for soffice in started for pid in children(soffice))]
        build.send_signal(signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 10
        while any(map(running, left)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [pid for pid in left if running(pid)] == []
    finally:
        build.kill()
        for pid in left:  # those the test saw start, should they have survived
            if running(pid):
                os.kill(pid, signal.SIGKILL)


def _libreoffice_of(pid: int) -> list[int]:
    """The `soffice` processes (with the one each started) a process started."""
    found = []
    for child in children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(part.endswith(b"soffice") for part in command) and children(child):
            found.append(child)
    return found


@pytest.mark.parametrize("planted", ["link", "shared", "file"])
def test_profiles_are_fresh_when_the_users_cache_is_not_the_users_own(tmp_path, monkeypatch,
                                                                       planted):
    """A cache folder that is a link, that others may write, or no folder: its profiles
    are not used; fresh ones are made in the conversion's folder."""
    from rencontres.publishing.libreoffice import profiles

    cache = tmp_path / "cache"
    (cache / "rencontres").mkdir(parents=True, mode=0o700)
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    if planted == "link":
        (cache / "rencontres" / "libreoffice").symlink_to(elsewhere, target_is_directory=True)
    elif planted == "shared":
        (cache / "rencontres" / "libreoffice").mkdir()
        os.chmod(cache / "rencontres" / "libreoffice", 0o777)
    else:
        (cache / "rencontres" / "libreoffice").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    work = tmp_path / "travail"
    with profiles(2, work, tmp_path / "output") as folders:
        assert folders == [work / "profil-1", work / "profil-2"]
    assert list(elsewhere.iterdir()) == []


def test_profiles_kept_are_private_and_held_by_one_libreoffice_at_a_time(tmp_path,
                                                                         monkeypatch):
    from rencontres.publishing.libreoffice import profiles

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    kept = tmp_path / "cache" / "rencontres" / "libreoffice"
    work = tmp_path / "travail"
    with profiles(2, work, tmp_path) as first, profiles(1, work, tmp_path) as second:
        assert first == [kept / "profil-1", kept / "profil-2"]
        assert second == [kept / "profil-3"]  # another build's, at the same time
    assert kept.stat().st_mode & 0o777 == kept.parent.stat().st_mode & 0o777 == 0o700
