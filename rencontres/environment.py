"""The Python environment the tool runs in, prepared on first use.

`python3 build.py` and `python3 tests` are typed on a Python that may have none of the
tool's libraries: Debian's and Ubuntu's own Python and Homebrew's refuse `pip install`
outside a virtual environment (PEP 668, « externally-managed-environment »), and
python.org's on Windows has nothing installed. When a library is missing, the tool makes
a virtual environment of its own, installs itself there (`pip install -e`), and runs
again in it; later runs find it ready. A Python that already has every library (an
environment the user activated, CI's) is used as it is.

The environment lives in the user's cache, not in the project folder: a project folder
may be shared, and nothing in it is run (a `.venv` there would be code a colleague could
replace). One environment per project folder and Python version, since the tool is
installed editable from that folder; it is made again when pyproject.toml changes.

Standard library only: this runs before any library is known to be there.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

# Import name of each library of pyproject.toml ([project] dependencies, and the `test`
# extra): what is looked for, without importing it (tests/project checks both agree).
LIBRARIES = {
    "python-docx": "docx", "docxtpl": "docxtpl", "jinja2": "jinja2",
    "matplotlib": "matplotlib", "pillow": "PIL", "pyyaml": "yaml",
    "xlsxwriter": "xlsxwriter", "pydantic": "pydantic", "watchfiles": "watchfiles",
    "pypdf": "pypdf", "pikepdf": "pikepdf", "babel": "babel", "pdfplumber": "pdfplumber",
    "ruamel.yaml": "ruamel.yaml",
}
TEST_LIBRARIES = {
    "pytest": "pytest", "pytest-xdist": "xdist", "hypothesis": "hypothesis",
    "jsonschema": "jsonschema", "polytypo": "polytypo", "openxml-audit": "openxml_audit",
    "aiosmtpd": "aiosmtpd", "playwright": "playwright",
    "mypy": "mypy", "ruff": "ruff",
    # Stub packages: found by their folder of .pyi files, never imported.
    "types-pyyaml": "yaml-stubs", "types-lxml": "lxml-stubs",
}
STAMP = "rencontres-installe.txt"


class SetupError(Exception):
    """The environment could not be made; the message says what to do, in French."""


def missing_libraries(test: bool) -> list[str]:
    """The libraries the running Python lacks (their pyproject.toml names)."""
    wanted = {**LIBRARIES, **(TEST_LIBRARIES if test else {})}
    return [name for name, module in wanted.items() if not _importable(module)]


def _importable(module: str) -> bool:
    # find_spec imports the package of a dotted name first (« ruamel » for
    # « ruamel.yaml »), and raises when that package is missing too.
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def user_cache_base() -> Path:
    """%LOCALAPPDATA% on Windows, $XDG_CACHE_HOME or ~/.cache elsewhere."""
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def environment_folder(root: Path) -> Path:
    """Where the environment of the project folder `root` lives, for this Python."""
    key = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    version = f"py{sys.version_info.major}.{sys.version_info.minor}"
    return user_cache_base() / "rencontres" / "environnements" / f"{root.resolve().name}-{key}-{version}"


def environment_python(folder: Path) -> Path:
    if os.name == "nt":
        return folder / "Scripts" / "python.exe"
    return folder / "bin" / "python"


def _stamp(root: Path, test: bool) -> str:
    digest = hashlib.sha256((root / "pyproject.toml").read_bytes()).hexdigest()
    return f"pyproject.toml {digest}\nextras {'test' if test else '-'}\n"


def _is_ready(folder: Path, root: Path, test: bool) -> bool:
    try:
        written = (folder / STAMP).read_text(encoding="utf-8")
    except OSError:
        return False
    # An environment with the test libraries serves the build too.
    return written in (_stamp(root, test), _stamp(root, True))


def prepare(root: Path, test: bool) -> Path | None:
    """The Python to run again in, or None when the running one has every library."""
    if not missing_libraries(test):
        return None
    folder = environment_folder(root)
    python = environment_python(folder)
    if Path(sys.prefix).resolve() == folder.resolve():
        raise SetupError(
            f"L'environnement {folder} n'a pas toutes les bibliothèques "
            f"({', '.join(missing_libraries(test))}) : supprimez ce dossier puis relancez.")
    if _is_ready(folder, root, test) and python.is_file():
        return python
    _install(folder, python, root, test)
    return python


def _install(folder: Path, python: Path, root: Path, test: bool) -> None:
    print(f"Première utilisation : installation des bibliothèques de l'outil dans {folder} "
          "(une à trois minutes, connexion Internet nécessaire).", file=sys.stderr, flush=True)
    folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if importlib.util.find_spec("ensurepip") is None:
        raise SetupError(
            "Ce Python ne sait pas créer d'environnement virtuel (module ensurepip absent). "
            "Sous Debian ou Ubuntu : sudo apt install python3-venv, puis relancez.")
    import venv  # here: its imports cost a build with nothing to do ~10 ms

    (folder / STAMP).unlink(missing_ok=True)
    if not python.is_file():  # else the build's environment, to which the tests' are added
        venv.EnvBuilder(with_pip=True, clear=True).create(folder)
    target = f"{root.resolve()}[test]" if test else str(root.resolve())
    done = subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check",
                           "--quiet", "--editable", target])
    if done.returncode != 0:
        raise SetupError(
            "L'installation des bibliothèques a échoué (voir les messages de pip ci-dessus) : "
            f"vérifiez la connexion Internet, puis relancez ; si elle échoue encore, supprimez "
            f"le dossier {folder}.")
    temporary = folder / (STAMP + ".tmp")
    temporary.write_text(_stamp(root, test), encoding="utf-8")
    os.replace(temporary, folder / STAMP)


def run_again(python: Path, argv: list[str]) -> int:
    """Runs `argv` (a script and its arguments) with the environment's Python."""
    command = [str(python), *argv]
    if os.name != "nt":
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(command[0], command)  # same process: signals and exit code as if run directly
    return subprocess.run(command).returncode


def launch(root: Path, test: bool, argv: list[str]) -> int | None:
    """Prepares the environment when needed and runs `argv` again in it (its exit code);
    None when the running Python has everything and the caller goes on here."""
    try:
        python = prepare(root, test)
    except (SetupError, OSError, subprocess.SubprocessError) as error:
        print(f"Installation impossible : {error}", file=sys.stderr)
        return 1
    if python is None:
        return None
    return run_again(python, argv)
