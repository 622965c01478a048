"""The tool on Windows, played on this machine: every process of these tests starts with
`tests/support/windows/sitecustomize.py`, which takes away what only POSIX has (fcntl, the
signals Windows lacks, fork) and starts processes by spawn. `verifier`, a build on
two worker processes, a second build refused by the lock, an interrupted build and a
build killed outright behave as they do on Linux. The whole package is also read for
any use of a POSIX-only module, signal or function, on paths these runs do not take.
"""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.processes import children

REPO = Path(__file__).resolve().parents[2]
WINDOWS = Path(__file__).resolve().parents[1] / "support" / "windows"
PACKAGE = REPO / "rencontres"
REFUSED = ["Écriture impossible : 1 problème",
           "  output/.verrou: une autre construction est en cours dans ce dossier ; "
           "attendez qu'elle se termine puis relancez",
           "Aucun document n'a été écrit ; les documents déjà présents sont intacts."]
HELD = "output/.construction-en-cours"

# A build that stops once its worker processes have rendered a first document, until
# its standard input is closed: a build still running, for as long as the test needs.
HELD_BUILD = f"""
import sys
from pathlib import Path
from rencontres.publishing import pipeline
from rencontres.cli import main

render_all = pipeline.render_all

def held(content, sources, jobs, workers, progress, *rest):
    def hold(job):
        if not Path({HELD!r}).exists():
            Path({HELD!r}).touch()
            sys.stdin.read()
        progress(job)
    return render_all(content, sources, jobs, workers, hold, *rest)

pipeline.render_all = held
sys.exit(main(sys.argv[1:]))
"""


def windows_environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(WINDOWS), str(REPO)])}


def run(project: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rencontres", *arguments], cwd=project,
                          env=windows_environment(), capture_output=True, text=True,
                          timeout=120)


def start_held_build(project: Path, *arguments: str) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HELD_BUILD, *arguments], cwd=project,
                               env=windows_environment(), stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (project / HELD).exists():
        if process.poll() is not None:
            pytest.fail("the held build ended: " + process.communicate()[1])
        assert time.monotonic() < deadline, "the held build never got the lock"
        time.sleep(0.05)
    return process


def test_the_windows_like_processes_lack_what_windows_lacks(in_project):
    probe = subprocess.run(
        [sys.executable, "-c",
         "import multiprocessing, os, signal\n"
         "try:\n    import fcntl\nexcept ImportError:\n    fcntl = None\n"
         "print(fcntl, hasattr(signal, 'SIGKILL'), hasattr(signal, 'SIGHUP'),"
         " hasattr(os, 'fork'), multiprocessing.get_start_method())"],
        env=windows_environment(), capture_output=True, text=True, timeout=60)
    assert probe.stdout.split() == ["None", "False", "False", "False", "spawn"], probe.stderr


def test_verifier_and_a_parallel_build_as_on_windows(in_project):
    checked = run(in_project, "verifier")
    assert (checked.returncode, checked.stderr) == (0, ""), checked.stderr
    assert checked.stdout.startswith("Contenu et modèles valides : ")
    built = run(in_project, "--jobs", "2")
    assert built.returncode == 0, built.stderr
    assert built.stdout.splitlines()[:2] == [
        "Construit : output/2021/compte-rendu-2021-hauts-de-france.docx",
        "Construit : output/2021/synthese-2021.docx"]
    again = run(in_project, "--jobs", "2")
    assert again.stdout.splitlines()[-1].endswith("Rien à reconstruire."), again.stderr


def test_a_second_build_is_refused_while_the_first_runs_as_on_windows(in_project):
    first = start_held_build(in_project, "--jobs", "2")
    try:
        second = run(in_project, "--jobs", "2")
        assert (second.returncode, second.stdout) == (1, "")
        assert second.stderr.splitlines() == REFUSED
    finally:
        out, err = first.communicate("", timeout=120)
    assert first.returncode == 0, err
    assert "Construit : output/2021/synthese-2021.docx" in out.splitlines()
    after = run(in_project, "--jobs", "2")
    assert after.returncode == 0, after.stderr
    assert after.stdout.splitlines()[-1].endswith("Rien à reconstruire.")


def test_an_interrupted_build_as_on_windows(in_project):
    build = start_held_build(in_project, "--jobs", "2")
    build.send_signal(signal.SIGINT)  # Ctrl+C, which Windows has too
    _out, err = build.communicate("", timeout=60)
    assert build.returncode == 130
    assert err.splitlines()[-1] == "Interrompu : les documents déjà présents sont intacts."
    assert not (in_project / "output" / "2021").exists()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_a_build_killed_outright_leaves_no_worker_and_no_lock_as_on_windows(in_project):
    killed = start_held_build(in_project, "--jobs", "2")
    workers = children(killed.pid)
    assert len(workers) >= 2  # the spawned workers (and multiprocessing's tracker)
    killed.kill()
    killed.communicate(timeout=60)
    after = run(in_project, "--jobs", "2")
    assert after.returncode == 0, after.stderr
    assert "Construit : output/2021/synthese-2021.docx" in after.stdout.splitlines()
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in workers if _alive(pid)] == []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


# --- what no run above takes: the whole package, read ------------------------------

POSIX_MODULES = {"fcntl", "pwd", "grp", "termios", "resource", "tty", "pty", "posix"}
WINDOWS_SIGNAL = {"SIGABRT", "SIGFPE", "SIGILL", "SIGINT", "SIGSEGV", "SIGTERM",
                  "SIGBREAK", "CTRL_C_EVENT", "CTRL_BREAK_EVENT", "SIG_DFL", "SIG_IGN",
                  "signal", "getsignal", "default_int_handler", "raise_signal",
                  "set_wakeup_fd", "strsignal", "valid_signals"}
POSIX_OS = {"fork", "forkpty", "killpg", "setsid", "setpgid", "getpgid", "getuid",
            "geteuid", "getgid", "sched_getaffinity", "register_at_fork", "WNOHANG",
            "mkfifo", "chown", "lchown", "getloadavg", "nice", "sync", "O_NOFOLLOW"}


def _uses(tree: ast.AST, module: str) -> set[str]:
    return {node.attr for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == module}


def _unguarded_imports(tree: ast.AST) -> set[str]:
    """Modules imported outside a `try … except ImportError`."""
    guarded = {id(inner) for node in ast.walk(tree) if isinstance(node, ast.Try)
               and any(isinstance(h.type, ast.Name) and h.type.id == "ImportError"
                       for h in node.handlers)
               for statement in node.body for inner in ast.walk(statement)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("source", sorted(PACKAGE.rglob("*.py")),
                         ids=lambda path: path.relative_to(REPO).as_posix())
def test_no_posix_only_module_signal_or_call(source):
    tree = ast.parse(source.read_text("utf-8"))
    assert _unguarded_imports(tree) & POSIX_MODULES == set()
    assert _uses(tree, "signal") - WINDOWS_SIGNAL == set()
    assert _uses(tree, "os") & POSIX_OS == set()


def test_a_document_open_in_word_is_named_with_what_to_do(in_project, monkeypatch, capsys):
    """On Windows, Word keeps the file it has open from being replaced: the rename
    over it is refused (PermissionError), and the build says which file and what to do."""
    from rencontres.cli import main
    from rencontres.publishing import output

    assert main(["--jobs", "1", "-q"]) == 0
    report = in_project / "output/2021/compte-rendu-2021-hauts-de-france.docx"
    before = report.read_bytes()
    replace = os.replace

    def held_by_word(source, target):
        if Path(target).resolve() == report.resolve():
            raise PermissionError(13, "Permission denied", str(source), None, str(target))
        replace(source, target)

    hdf = in_project / "content/2021/territoires/hauts-de-france.yaml"
    hdf.write_text(hdf.read_text("utf-8").replace("total: 35", "total: 36"), "utf-8")
    with monkeypatch.context() as word:
        word.setattr(output.os, "replace", held_by_word)
        code = main(["--jobs", "1"])
    _out, err = capsys.readouterr()
    assert code == 1
    assert err.splitlines() == [
        "Écriture impossible : 1 problème",
        "  output/2021/compte-rendu-2021-hauts-de-france.docx: le fichier est ouvert dans "
        "Word (ou dans un autre programme), ou en lecture seule : fermez le document dans "
        "Word puis relancez",
        "Aucun document n'a été écrit ; les documents déjà présents sont intacts."]
    assert report.read_bytes() == before
    assert sorted(p.name for p in report.parent.glob(".*.tmp")) == []
    assert main(["--jobs", "1", "-q"]) == 0  # Word closed: the build goes ahead
    assert report.read_bytes() != before
