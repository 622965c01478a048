"""Benchmark of the document build: `python bench/run.py` (about 5 minutes).

Runs from a fresh clone after `pip install -e .`. Every measure is a new Python
process (`python build.py …`), timed from outside, repeated, and summarized by its
median. In one run, side by side:

- the 2021 edition of content/ (9 territories: 1 compte-rendu and the synthesis):
  cold build, build with nothing to do, build after one territory's file changed
  (a text, then a figure), the `--pdf` batch;
- synthetic editions of 10, 100 and 300 territories (bench/synthetic.py), generated
  into a temporary folder: time and peak memory;
- the floors `python -c pass` and `python -c "import matplotlib.pyplot"`, the naive
  script (bench/naive.py) and pandoc + matplotlib (bench/pandoc_pipeline.py) on the
  same content, interleaved with the tool at every scale;
- the reference code (REFERENCE, the code before the issue-18 work, or --reference),
  interleaved too: the targets « × avant » are ratios measured in the same run.

Each measure records the machine's load average when it starts (the machine may be
shared); the code measured is copied at start and compiled to bytecode, as an
installation by pip does, so that no measure pays for compiling it.

The results replace the generated part of BENCHMARKS.md (between the markers), and
the rest of that file (the before/after history) is kept.

Options: --rapide (a quick run: fewer repetitions, no 300 territories, BENCHMARKS.md
untouched unless --ecrire), --sans-ecrire, --sans-pandoc, --sans-pdf, --echelles,
--commit REV (measure that commit, e.g. for a before/after; nothing written),
--reference REV, --sans-reference.
"""

from __future__ import annotations

import argparse
import compileall
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_project

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build.py"  # replaced by the snapshot's at start (see snapshot_code)
REFERENCE = "090458e"  # the code before the issue-18 work: « avant » in its targets
REFERENCE_BUILD: Path | None = None  # its snapshot's build.py, when measured
NAIVE = ROOT / "bench" / "naive.py"
PANDOC = ROOT / "bench" / "pandoc_pipeline.py"
RESULTS = ROOT / "BENCHMARKS.md"
BEGIN = "<!-- debut des mesures : partie écrite par bench/run.py, ne pas modifier à la main -->"
END = "<!-- fin des mesures -->"
MB = 1024 * 1024


# --- measuring one process ----------------------------------------------------

@dataclass
class Run:
    wall: float            # seconds, from start to exit, seen from outside
    cpu: float             # user + system seconds of the process and its children
    maxrss: int            # bytes: ru_maxrss of the process (see below)
    pss: int               # bytes: sampled peak of the summed PSS of its process tree
    load: float = 0.0      # the machine's 1-minute load average when it started


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(child) for child in handle.read().split()]
    except OSError:
        pass
    return found


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class TreeSampler(threading.Thread):
    """Sum of the proportional set sizes (PSS) of a process and its descendants,
    every 100 ms: memory really used by the build, shared pages counted once."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            pids, stack = [], [self.pid]
            while stack:
                pid = stack.pop()
                pids.append(pid)
                stack += _children(pid)
            self.peak = max(self.peak, sum(_pss(pid) for pid in pids))
            self.done.wait(0.1)


def measure(command: list[str], cwd: Path | None = None, check: bool = True,
            sample: bool = True, env: dict[str, str] | None = None) -> tuple[Run, str]:
    """Run `command` once; the wait4() rusage of that process gives the CPU time and
    ru_maxrss: the largest resident set of any single process of its tree (the build
    or one of its workers, whichever grew largest), not a sum."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=env)
        sampler = TreeSampler(process.pid)
        if sample:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        sampler.done.set()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if check and process.returncode != 0:
        raise SystemExit(f"échec ({process.returncode}) : {' '.join(map(str, command))}\n{text}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024,
               sampler.peak, load), text


@dataclass
class Series:
    runs: list[Run] = field(default_factory=list)
    note: str = ""

    def add(self, run: Run) -> Run:
        self.runs.append(run)
        return run

    @property
    def median(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def maxrss(self) -> int:
        return max(r.maxrss for r in self.runs)

    @property
    def pss(self) -> int:
        return max(r.pss for r in self.runs)

    @property
    def load(self) -> float:
        return statistics.mean(r.load for r in self.runs)

    def spread(self) -> str:
        walls = [r.wall for r in self.runs]
        return f"{min(walls):.2f}–{max(walls):.2f}" if len(walls) > 1 else "–"


# --- what is measured -----------------------------------------------------------

SNAPSHOT = ("build.py", "rencontres", "content", "templates")


def snapshot_code(target: Path, commit: str | None) -> tuple[Path, str]:
    """A copy of build.py, rencontres/ and of the content and templates it was written
    for, taken at start (of the work tree, or of `commit`): the whole run measures one
    version of the code, even if files change meanwhile (a changed file would also
    change the tool's version, and rebuild all); an older version gets its own content
    and templates (it may not read today's: a key it does not know, a native chart it
    would leave with its sample data, drawing nothing). Compiled to bytecode at once,
    as pip does when it installs a package: no measure, not even the first, pays for
    compiling it. Gives its build.py and its name."""
    target.mkdir(parents=True)
    if commit:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, *SNAPSHOT],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
        described = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", commit],
                                   capture_output=True, text=True).stdout.strip()
    else:
        shutil.copy2(ROOT / "build.py", target / "build.py")
        for folder in SNAPSHOT[1:]:
            shutil.copytree(ROOT / folder, target / folder,
                            ignore=shutil.ignore_patterns("__pycache__"))
        described = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                                   capture_output=True, text=True).stdout.strip()
    compileall.compile_dir(target / "rencontres", quiet=1)
    found = subprocess.run([sys.executable, "-c", "import rencontres; print(rencontres.__file__)"],
                           cwd=target, capture_output=True, text=True).stdout.strip()
    assert Path(found).resolve().parent == (target / "rencontres").resolve(), found
    return target / "build.py", described or "?"


def build_command(project: Path, *extra: str, code: Path | None = None) -> list[str]:
    return [sys.executable, str(code or BUILD), "--projet", str(project), "-q", *extra]


def copy_project(target: Path, source: Path, templates: Path | None = None) -> Path:
    """A project with the content of `source` and the templates of `templates` (by
    default those of `source`)."""
    target.mkdir(parents=True)
    shutil.copytree(source / "content", target / "content")
    shutil.copytree((templates or source) / "templates", target / "templates")
    return target


def empty_user_cache(folder: str) -> dict[str, str]:
    """The environment of a build whose user cache is empty: the map's background is
    drawn, the tables of contents are laid out by LibreOffice, as on the first build of
    a new edition on a machine."""
    return {**os.environ, "XDG_CACHE_HOME": folder, "LOCALAPPDATA": folder}


def forget_exports() -> None:
    """The PDFs LibreOffice exported, kept in the user's cache by their document's digest:
    forgotten before each `--pdf` measure, which then times the conversion itself."""
    base = os.environ.get("LOCALAPPDATA" if os.name == "nt" else "XDG_CACHE_HOME")
    shutil.rmtree(Path(base or Path.home() / ".cache") / "rencontres" / "exports-pdf",
                  ignore_errors=True)


def clear(project: Path) -> None:
    for name in ("output", "output-naif", "output-pandoc"):
        shutil.rmtree(project / name, ignore_errors=True)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} absent de {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def ensure_pandoc() -> str | None:
    """pandoc, installed with apt-get when missing and possible; None otherwise."""
    if shutil.which("pandoc"):
        return shutil.which("pandoc")
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("pandoc absent : apt-get install pandoc…", flush=True)
        for command in (["apt-get", "install", "-y", "-q", "pandoc"],
                        ["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "pandoc"]):
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
            if shutil.which("pandoc"):
                break
    return shutil.which("pandoc")


def naive_run(project: Path) -> Run:
    clear(project)
    run, _ = measure([sys.executable, str(NAIVE), "--projet", str(project)])
    return run


def pandoc_run(project: Path) -> tuple[Run, float]:
    clear(project)
    run, text = measure([sys.executable, str(PANDOC), "--projet", str(project)])
    return run, json.loads(text.strip().splitlines()[-1])["pandoc_seconds"]


def count_documents(project: Path) -> int:
    return len(list((project / "output" / "2021").glob("*.docx")))


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def measure_edition(work: Path, reps: int, pdf_reps: int, with_pandoc: bool) -> dict:
    """The real 2021 edition: cold, nothing to do, one file changed, --pdf; the floors,
    the other ways and the reference code, interleaved so that they see the same load."""
    project = copy_project(work / "edition-2021", BUILD.parent)
    # Its own outputs and state; its own content and templates (see snapshot_code).
    reference = copy_project(work / "edition-2021-reference",
                             (REFERENCE_BUILD or BUILD).parent)
    territory = project / "content/2021/territoires/hauts-de-france.yaml"
    results = {name: Series() for name in
               ("pass", "import", "cold", "cold_first", "cold_report", "noop", "text",
                "figure", "naive",
                "pandoc", "ref_cold", "ref_cold_report", "ref_noop")}
    pandoc_only = []
    # Warm-up (discarded): OS file cache, matplotlib's font list.
    clear(project)
    measure(build_command(project), sample=False)
    naive_run(project)
    if REFERENCE_BUILD:
        measure(build_command(reference, code=REFERENCE_BUILD), sample=False)
    for rep in range(reps):
        log(f"édition 2021, répétition {rep + 1}/{reps}")
        results["pass"].add(measure([sys.executable, "-c", "pass"])[0])
        results["import"].add(measure([sys.executable, "-c", "import matplotlib.pyplot"])[0])
        clear(project)
        results["cold"].add(measure(build_command(project))[0])
        results["noop"].add(measure(build_command(project))[0])
        clear(project)
        with tempfile.TemporaryDirectory() as cache:
            results["cold_first"].add(
                measure(build_command(project), env=empty_user_cache(cache))[0])
        if REFERENCE_BUILD:
            clear(reference)
            results["ref_cold"].add(measure(build_command(reference, code=REFERENCE_BUILD))[0])
            results["ref_noop"].add(measure(build_command(reference, code=REFERENCE_BUILD))[0])
            clear(reference)
            results["ref_cold_report"].add(measure(build_command(
                reference, "--territoire", "hauts-de-france", code=REFERENCE_BUILD))[0])
        # The same document as the naive script and pandoc, and nothing else.
        clear(project)
        results["cold_report"].add(
            measure(build_command(project, "--territoire", "hauts-de-france"))[0])
        clear(project)
        measure(build_command(project), sample=False)
        # A text fixed in one compte-rendu: its document and the synthesis are rebuilt,
        # every chart comes from the cache.
        edit(territory, "Favoriser le recrutement transfrontalier",
             f"Favoriser le recrutement transfrontalier (révision {rep})")
        results["text"].add(measure(build_command(project))[0])
        # A figure changed: the same two documents, and its votes chart is redrawn.
        edit(territory, "votes: 1\n", "votes: 2\n")
        results["figure"].add(measure(build_command(project))[0])
        edit(territory, "votes: 2\n", "votes: 1\n")
        results["naive"].add(naive_run(project))
        if with_pandoc:
            run, seconds = pandoc_run(project)
            results["pandoc"].add(run)
            pandoc_only.append(seconds)
    results["pdf"] = Series()
    if pdf_reps:
        clear(project)
        measure(build_command(project), sample=False)
        for rep in range(pdf_reps):
            log(f"--pdf, répétition {rep + 1}/{pdf_reps}")
            for pdf in (project / "output/2021").glob("*.pdf"):
                pdf.unlink()
            forget_exports()
            results["pdf"].add(measure(build_command(project, "--pdf"))[0])
        results["pdf"].note = f"{len(list((project / 'output/2021').glob('*.pdf')))} PDF"
    clear(project)
    measure(build_command(project), sample=False)
    results["documents"] = count_documents(project)
    results["pandoc_only"] = statistics.median(pandoc_only) if pandoc_only else None
    return results


REFERENCE_SCALES = (100, 300)  # where the reference code is measured too
ONE_CORE_SCALE = 100  # where the tool is also measured with --jobs 1
PDF_SCALE = 100  # where --pdf is measured, with the reference code's


def measure_scale(work: Path, n: int, reps: int, with_pandoc: bool, pdf_reps: int) -> dict:
    """N territories: the tool (cold, nothing to do, on one core at ONE_CORE_SCALE), the
    reference code, the naive script and pandoc, one after the other in each repetition."""
    log(f"{n} territoires : génération")
    project = make_project(work / f"echelle-{n}", n, source=BUILD.parent)
    with_reference = REFERENCE_BUILD is not None and n in REFERENCE_SCALES
    # The reference code with its own content files and templates (see snapshot_code);
    # today's code with those templates too: all their charts are pictures.
    old = (REFERENCE_BUILD or BUILD).parent
    reference = make_project(work / f"echelle-{n}-reference", n, source=old)
    pictures = copy_project(work / f"echelle-{n}-images", project, old)
    result = {name: Series() for name in ("cold", "noop", "cold_1", "cold_pictures",
                                          "ref_cold", "naive", "pandoc", "pdf", "ref_pdf")}
    # Warm-up (discarded), as for the 2021 edition: the user's cache then holds the
    # layout of this synthesis' table of contents and the map's background, which a
    # rebuild finds there (the first build of an edition pays them: see the 2021 rows).
    clear(project)
    measure(build_command(project), sample=False)
    if n == ONE_CORE_SCALE and with_reference:
        clear(pictures)
        measure(build_command(pictures), sample=False)
    for rep in range(reps):
        log(f"{n} territoires : répétition {rep + 1}/{reps}")
        clear(project)
        result["cold"].add(measure(build_command(project))[0])
        result["documents"] = count_documents(project)
        result["noop"].add(measure(build_command(project))[0])
        if n == ONE_CORE_SCALE:
            clear(project)
            result["cold_1"].add(measure(build_command(project, "--jobs", "1"))[0])
            if with_reference:
                clear(pictures)
                result["cold_pictures"].add(measure(build_command(pictures))[0])
        if with_reference:
            clear(reference)
            result["ref_cold"].add(measure(build_command(reference, code=REFERENCE_BUILD))[0])
        result["naive"].add(naive_run(project))
        if with_pandoc:
            result["pandoc"].add(pandoc_run(project)[0])
    if n == PDF_SCALE and pdf_reps and with_reference:
        clear(project)
        measure(build_command(project), sample=False)
        clear(reference)
        measure(build_command(reference, code=REFERENCE_BUILD), sample=False)
        for rep in range(pdf_reps + 1):
            log(f"{n} territoires : --pdf {rep + 1}/{pdf_reps + 1}")
            for folder in (project, reference):
                for pdf in (folder / "output/2021").glob("*.pdf"):
                    pdf.unlink()
            forget_exports()
            ref_run = measure(build_command(reference, "--pdf", code=REFERENCE_BUILD))[0]
            forget_exports()
            run = measure(build_command(project, "--pdf"))[0]
            if rep:  # the first one creates the kept profiles: a warm-up, discarded
                result["ref_pdf"].add(ref_run)
                result["pdf"].add(run)
    for folder in (project, reference, pictures):
        shutil.rmtree(folder)
    return result


# --- the machine ----------------------------------------------------------------

def machine(code: str, reference: str | None) -> list[tuple[str, str]]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} Gio"
    except OSError:
        pass
    versions = []
    for package in ("matplotlib", "docxtpl", "python-docx", "Jinja2", "pydantic", "PyYAML",
                    "numpy", "Pillow", "lxml"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} absent")
    tools = []
    for name, command in (("LibreOffice", ["soffice", "--version"]),
                          ("pandoc", ["pandoc", "--version"])):
        try:
            first = subprocess.run(command, capture_output=True, text=True,
                                   timeout=60).stdout.splitlines()[0]
            tools.append(first.strip())
        except (OSError, IndexError, subprocess.TimeoutExpired):
            tools.append(f"{name} absent")
    return [
        ("Processeur", f"{cpu}, {os.cpu_count()} cœurs logiques"),
        ("Mémoire", memory),
        ("Système", f"{platform.system()} {platform.release()}"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("Bibliothèques", ", ".join(versions)),
        ("Outils", ", ".join(tools)),
        ("Code mesuré", f"{code} (copié au début de la mesure)"),
        ("Code de référence (« avant »)", reference or "non mesuré"),
    ]


# --- the report -----------------------------------------------------------------

def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def megabytes(value: int) -> str:
    return f"{value / MB:.0f} Mo" if value else "–"


def ratio(a: float | None, b: float | None) -> str:
    return "–" if not a or not b else f"{a / b:.2f} ×"


def check(ok: bool) -> str:
    return "oui" if ok else "**non**"


def report(edition: dict, scales: dict[int, dict], info: list[tuple[str, str]], args,
           started: str, duration: float, load: tuple[str, str]) -> str:
    floor = edition["import"].median
    runs = [r for series in edition.values() if isinstance(series, Series) for r in series.runs]
    runs += [r for result in scales.values() for series in result.values()
             if isinstance(series, Series) for r in series.runs]
    loads = [r.load for r in runs]
    cold = edition["cold"]
    lines = [BEGIN, "",
             f"Mesuré le {started} par `python bench/run.py"
             f"{' --rapide' if args.rapide else ''}` en {duration / 60:.1f} min "
             f"(charge moyenne de la machine : {load[0]} au début, {load[1]} à la fin ; "
             f"au départ de chaque mesure : {min(loads):.2f} à {max(loads):.2f}, "
             f"{statistics.mean(loads):.2f} en moyenne).", "",
             "### Machine", "", "| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in info]
    lines += ["", f"### Édition 2021 du dépôt (9 territoires : {edition['documents']} documents, "
                  "le compte-rendu Hauts-de-France et la synthèse)", "",
              f"Médiane de {len(cold.runs)} exécutions (min–max) ; « × import » : rapport au "
              "simple `import matplotlib.pyplot` mesuré dans la même série.", "",
              "| mesure | temps | min–max | CPU | × import | × à froid | mémoire (ru_maxrss) "
              "| mémoire (PSS total) | charge |",
              "|---|---|---|---|---|---|---|---|---|"]
    rows = [
        ("`python -c pass`", "pass"),
        ("`python -c \"import matplotlib.pyplot\"`", "import"),
        ("construction à froid (output/ vide, cache compris ; le fond de la carte et les "
         "pages du sommaire de la synthèse gardés dans le cache de l'utilisateur)", "cold"),
        ("construction à froid, cache de l'utilisateur vide aussi (première construction "
         "d'une édition : le fond de la carte dessiné, la synthèse mise en pages par "
         "LibreOffice pour les numéros du sommaire)", "cold_first"),
        ("construction à froid du compte-rendu seul (`--territoire hauts-de-france`)",
         "cold_report"),
        ("rien à faire", "noop"),
        ("un territoire modifié : un texte (graphiques en cache)", "text"),
        ("un territoire modifié : un chiffre (les votes d'un thème : son graphique à refaire)",
         "figure"),
        ("`--pdf` (conversion LibreOffice des documents à jour)", "pdf"),
        ("script naïf (bench/naive.py, le compte-rendu seul)", "naive"),
        ("pandoc + matplotlib (bench/pandoc_pipeline.py, le compte-rendu seul)", "pandoc"),
        ("avant : construction à froid (code de référence)", "ref_cold"),
        ("avant : compte-rendu seul à froid (code de référence)", "ref_cold_report"),
        ("avant : rien à faire (code de référence)", "ref_noop"),
    ]
    for label, key in rows:
        series = edition[key]
        if not series.runs:
            lines.append(f"| {label} | non mesuré | | | | | | | |")
            continue
        lines.append(f"| {label} | {seconds(series.median)} | {series.spread()} | "
                     f"{seconds(series.cpu)} | {ratio(series.median, floor)} | "
                     f"{ratio(series.median, cold.median)} | {megabytes(series.maxrss)} | "
                     f"{megabytes(series.pss)} | {series.load:.1f} |")
    if edition["pandoc_only"] is not None:
        lines += ["", f"Dont pandoc lui-même : {seconds(edition['pandoc_only'])} par exécution "
                      "(le reste : Python, YAML et le graphique)."]

    lines += ["", "### Échelle : éditions synthétiques", "",
              "Générées par bench/synthetic.py dans un dossier temporaire : N territoires ayant "
              "chacun un compte-rendu de la taille de celui des Hauts-de-France (9 thèmes votés, "
              "3 parties de niveau 1 et 5 de niveau 2), une synthèse et une édition 2020 "
              "(chiffres seuls). Construction à froid de N comptes-rendus + la synthèse ; "
              "dans chaque répétition, l'un après l'autre : l'outil, le code de référence "
              f"(à {', '.join(map(str, REFERENCE_SCALES))} territoires), le script naïf, "
              "pandoc.", "",
              "| territoires | documents | à froid | min–max | par document | CPU | "
              "mémoire (ru_maxrss) | mémoire (PSS total) | rien à faire | avant (référence) | "
              "script naïf | pandoc + matplotlib | charge |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for n, result in scales.items():
        s = result["cold"]
        naive = result["naive"].median if result["naive"].runs else None
        pandoc = result["pandoc"].median if result["pandoc"].runs else None
        ref = result["ref_cold"]
        before = (f"{seconds(ref.median)} ({megabytes(ref.maxrss)})" if ref.runs else "–")
        load = statistics.mean(r.load for key in ("cold", "ref_cold", "naive", "pandoc")
                               for r in result[key].runs)
        lines.append(
            f"| {n} | {result['documents']} | {seconds(s.median)} | {s.spread()} | "
            f"{s.median / result['documents'] * 1000:.0f} ms | {seconds(s.cpu)} | "
            f"{megabytes(s.maxrss)} | {megabytes(s.pss)} | {seconds(result['noop'].median)} | "
            f"{before} | "
            f"{seconds(naive)}{f' ({ratio(s.median, naive)})' if naive else ''} | "
            f"{seconds(pandoc)}{f' ({ratio(s.median, pandoc)})' if pandoc else ''} | "
            f"{load:.1f} |")
    for n, result in scales.items():
        if result["cold_1"].runs:
            lines += ["", f"À {n} territoires sur un seul cœur (`--jobs 1`) : "
                          f"{seconds(result['cold_1'].median)}."]
        if result["cold_pictures"].runs:
            lines += ["", f"À {n} territoires avec les modèles du code de référence (tous les "
                          "graphiques en images PNG, aucun graphique natif) : "
                          f"{seconds(result['cold_pictures'].median)} "
                          f"({result['cold_pictures'].spread()}) ; code de référence "
                          f"{seconds(result['ref_cold'].median)}."]
        if result["pdf"].runs:
            lines += ["", f"`--pdf` à {n} territoires ({result['documents']} documents, "
                          "DOCX déjà construits, PDF effacés ; la première conversion, qui crée "
                          "les profils gardés, n'est pas comptée) : "
                          f"{seconds(result['pdf'].median)} ({result['pdf'].spread()}) ; "
                          f"code de référence {seconds(result['ref_pdf'].median)} "
                          f"({result['ref_pdf'].spread()})."]
    lines += ["", "Entre parenthèses : temps de l'outil / temps de l'autre méthode (< 1 : l'outil "
                  "est plus rapide ; l'outil construit en plus la synthèse et valide tout le "
                  "contenu).", ""]

    lines += ["### Objectifs", "", "| objectif | mesuré | tenu |", "|---|---|---|"]
    targets = []
    targets.append(("édition complète à froid ≤ 3 × import de matplotlib",
                    f"{ratio(cold.median, floor)}", cold.median <= 3 * floor))
    targets.append(("rien à faire ≤ 0,3 × à froid",
                    ratio(edition["noop"].median, cold.median),
                    edition["noop"].median <= 0.3 * cold.median))
    for key, what in (("text", "un texte"), ("figure", "un chiffre")):
        targets.append((f"un territoire modifié ({what}) ≤ 0,5 × à froid",
                        ratio(edition[key].median, cold.median),
                        edition[key].median <= 0.5 * cold.median))
    if 100 in scales:
        t100 = scales[100]["cold"].median
        targets.append(("100 territoires ≤ 10 × l'édition de 9 territoires",
                        ratio(t100, cold.median), t100 <= 10 * cold.median))
        if 300 in scales:
            t300 = scales[300]["cold"].median
            targets.append(("300 territoires ≤ 3,3 × 100 territoires", ratio(t300, t100),
                            t300 <= 3.3 * t100))
    builds = [edition[k] for k in ("cold", "cold_report", "noop", "text", "figure", "pdf")]
    builds += [r["cold"] for r in scales.values()]
    peak_rss = max(s.maxrss for s in builds if s.runs)
    peak_pss = max(s.pss for s in builds if s.runs)
    targets.append(("mémoire max < 500 Mo (ru_maxrss / PSS total, toutes constructions)",
                    f"{megabytes(peak_rss)} / {megabytes(peak_pss)}",
                    peak_rss < 500 * MB and peak_pss < 500 * MB))
    comparisons = [
        ("édition 2021 : les 2 documents de l'outil, le compte-rendu des autres",
         cold.median, edition["naive"], edition["pandoc"]),
        ("édition 2021, même contenu : le compte-rendu seul",
         edition["cold_report"].median, edition["naive"], edition["pandoc"])]
    comparisons += [(f"{n} territoires", r["cold"].median, r["naive"], r["pandoc"])
                    for n, r in scales.items()]
    for name, ours, naive, pandoc in comparisons:
        if naive.runs:
            targets.append((f"plus rapide que le script naïf ({name})",
                            ratio(ours, naive.median), ours < naive.median))
        if pandoc.runs:
            targets.append((f"plus rapide que pandoc + matplotlib ({name})",
                            ratio(ours, pandoc.median), ours < pandoc.median))
    lines += [f"| {name} | {value} | {check(ok)} |" for name, value, ok in targets]
    lines += issue_targets(edition, scales)
    lines += ["", "Mémoire : « ru_maxrss » est le plus grand ensemble résident d'un seul "
                  "processus de la construction (le processus principal ou un de ses "
                  "processus de rendu), lu par wait4() ; « PSS total » est la somme des "
                  "PSS (pages partagées comptées une fois) de tous les processus de la "
                  "construction, échantillonnée toutes les 100 ms.", "", END]
    return "\n".join(lines) + "\n"


def issue_targets(edition: dict, scales: dict[int, dict]) -> list[str]:
    """The targets of issue 18, each a ratio of two series of this run; « avant »: the
    same ratio with the reference code's series (when it was measured)."""
    def median(series: Series) -> float | None:
        return series.median if series.runs else None

    empty = Series()
    at = {n: scales.get(n, {}) for n in (100, 300)}
    floor, bare = median(edition["import"]), median(edition["pass"])
    rows = [
        ("compte-rendu seul à froid ≤ 0,8 × `import matplotlib.pyplot`",
         median(edition["cold_report"]), median(edition["ref_cold_report"]), floor, 0.8),
        ("édition 2021 à froid ≤ 1,5 × `import matplotlib.pyplot`",
         median(edition["cold"]), median(edition["ref_cold"]), floor, 1.5),
        ("rien à faire ≤ 4 × `python -c pass`",
         median(edition["noop"]), median(edition["ref_noop"]), bare, 4),
    ]
    if at[100]:
        naive = median(at[100]["naive"])
        rows += [
            ("100 territoires sur un cœur (`--jobs 1`) ≤ 0,5 × le script naïf",
             median(at[100]["cold_1"]), None, naive, 0.5),
            ("100 territoires sur deux cœurs ≤ 0,3 × le script naïf",
             median(at[100]["cold"]), median(at[100]["ref_cold"]), naive, 0.3),
            ("`--pdf` à 100 territoires ≤ 0,6 × avant", median(at[100]["pdf"]),
             median(at[100]["ref_pdf"]), median(at[100]["ref_pdf"]), 0.6),
            ("graphiques PNG pas plus lents qu'avant : 100 territoires à froid, avec les "
             "modèles du code de référence (tous leurs graphiques en images), ≤ 1,05 × avant "
             "(5 % : le bruit de la mesure)", median(at[100]["cold_pictures"]),
             median(at[100]["ref_cold"]), median(at[100]["ref_cold"]), 1.05),
        ]
        if at[300]:
            rows.append(("croissance linéaire : 300 territoires ≤ 3,3 × 100",
                         median(at[300]["cold"]), median(at[300].get("ref_cold", empty)),
                         median(at[100]["cold"]), 3.3))
    lines = ["", "### Objectifs de l'issue 18", "",
             "Chaque rapport est mesuré dans cette exécution ; « avant » : le même rapport "
             "avec le code de référence, mesuré en alternance (la colonne « × avant » du "
             "PDF vaut 1 par définition).", "",
             "| objectif | avant | après | tenu |", "|---|---|---|---|"]
    for name, now, before, base, limit in rows:
        if name.startswith("croissance") and before is not None:
            before_text = ratio(before, median(at[100]["ref_cold"]))
        else:
            before_text = ratio(before, base)
        ok = check(now / base <= limit) if now and base else "non mesuré"
        lines.append(f"| {name} | {before_text} | {ratio(now, base)} | {ok} |")
    if at[300]:
        peak = at[300]["cold"].maxrss
        before = at[300]["ref_cold"].maxrss if at[300]["ref_cold"].runs else 0
        lines.append(f"| mémoire à 300 territoires ≤ 200 Mo pour tout processus (ru_maxrss) | "
                     f"{megabytes(before)} | {megabytes(peak)} | {check(peak <= 200 * MB)} |")
    return lines


HEADER = """# Performances

Mesures de `python bench/run.py` (voir ce fichier pour la méthode) ; la partie entre les
marqueurs est réécrite à chaque exécution complète, le reste est tenu à la main.

"""


def write_results(section: str) -> None:
    text = RESULTS.read_text("utf-8") if RESULTS.exists() else HEADER + BEGIN + "\n" + END + "\n"
    if BEGIN in text and END in text:
        before = text.split(BEGIN, 1)[0]
        after = text.split(END, 1)[1]
        text = before + section.rstrip("\n") + after
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, "utf-8")


def main() -> int:
    global BUILD, REFERENCE_BUILD
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rapide", action="store_true",
                        help="mesure rapide : moins de répétitions, pas de 300 territoires, "
                             "BENCHMARKS.md inchangé (sauf --ecrire)")
    parser.add_argument("--ecrire", action="store_true", help="écrire BENCHMARKS.md même en rapide")
    parser.add_argument("--sans-ecrire", action="store_true", help="ne pas écrire BENCHMARKS.md")
    parser.add_argument("--sans-pandoc", action="store_true", help="ne pas mesurer pandoc")
    parser.add_argument("--sans-pdf", action="store_true", help="ne pas mesurer --pdf")
    parser.add_argument("--echelles", default=None,
                        help="nombres de territoires, ex. 10,100,300 (défaut : 10,100,300 ; "
                             "10,100 en rapide)")
    parser.add_argument("--commit", default=None,
                        help="mesurer le code de ce commit (ex. pour un avant/après) au lieu "
                             "de la copie de travail ; implique --sans-ecrire")
    parser.add_argument("--reference", default=REFERENCE,
                        help=f"code de référence, « avant » des objectifs (défaut {REFERENCE})")
    parser.add_argument("--sans-reference", action="store_true",
                        help="ne pas mesurer le code de référence")
    parser.add_argument("--repetitions", type=int, default=None,
                        help="répétitions des mesures de l'édition 2021 (défaut 7 ; 3 en rapide)")
    args = parser.parse_args()

    reps = args.repetitions or (3 if args.rapide else 7)
    scales = [int(n) for n in (args.echelles or ("10,100" if args.rapide else "10,100,300"))
              .split(",") if n]
    scale_reps = {10: 1 if args.rapide else 3, 100: 1 if args.rapide else 2}
    with_pandoc = not args.sans_pandoc and ensure_pandoc() is not None
    if not args.sans_pandoc and not with_pandoc:
        print("pandoc introuvable et non installable ici : colonne pandoc ignorée.")
    pdf_reps = 0
    if not args.sans_pdf:
        if shutil.which("soffice") or shutil.which("libreoffice"):
            pdf_reps = 1 if args.rapide else 3
        else:
            print("LibreOffice introuvable : mesure --pdf ignorée.")

    started = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    load_start = f"{os.getloadavg()[0]:.2f}"
    begin = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rencontres-bench-") as folder:
        work = Path(folder)
        BUILD, described = snapshot_code(work / "code", args.commit)
        reference = None
        if not args.sans_reference:
            REFERENCE_BUILD, reference = snapshot_code(work / "reference", args.reference)
        info = machine(described, reference)
        edition = measure_edition(work, reps, pdf_reps, with_pandoc)
        results = {}
        for n in scales:
            results[n] = measure_scale(work, n, scale_reps.get(n, 1), with_pandoc,
                                       min(pdf_reps, 2))
    duration = time.perf_counter() - begin
    section = report(edition, results, info, args, started, duration,
                     (load_start, f"{os.getloadavg()[0]:.2f}"))
    print(section)
    if not args.sans_ecrire and not args.commit and (not args.rapide or args.ecrire):
        write_results(section)
        print(f"Écrit : {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
