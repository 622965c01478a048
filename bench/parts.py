"""Time two parts of a build in one process: `python bench/parts.py [N]`.

- reading the YAML files (`rencontres.content.source.read_yaml`): content/ and a synthetic
  edition of N territories (bench/synthetic.py, default 300);
- the manifest and the bundle (`rencontres.publishing.distribution.finish_edition`) of that
  synthetic edition, whose documents are copies of the real compte-rendu built from
  content/: after a build (`changed=True`, the bundle is written) and with nothing
  to do (`changed=False`).

Medians of a few repetitions, in milliseconds. A targeted measure, for a before/after
of a change in these files; bench/run.py measures whole builds.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import make_project  # noqa: E402

from rencontres.content.loading import load_content  # noqa: E402
from rencontres.content.source import read_yaml  # noqa: E402
from rencontres.publishing.distribution import finish_edition  # noqa: E402
from rencontres.publishing.plan import Project, plan  # noqa: E402
from rencontres.publishing.state import BuildState  # noqa: E402


def timed(action, repeat: int) -> tuple[float, float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, min(times) * 1000, max(times) * 1000


def show(label: str, result: tuple[float, float, float], per: int = 0) -> None:
    median, low, high = result
    extra = f" ({median / per:.2f} ms par fichier)" if per else ""
    print(f"{label:<58} {median:9.1f} ms  [{low:.1f}–{high:.1f}]{extra}")


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        real = work / "reel"
        shutil.copytree(ROOT / "content", real / "content")
        shutil.copytree(ROOT / "templates", real / "templates")
        subprocess.run([sys.executable, str(ROOT / "build.py"), "--projet", str(real), "-q"],
                       check=True)
        sample = next((real / "output" / "2021").glob("compte-rendu-*.docx"))

        real_files = sorted((ROOT / "content").rglob("*.yaml"))
        show(f"read_yaml, content/ ({len(real_files)} fichiers)",
             timed(lambda: [read_yaml(p) for p in real_files], 9), len(real_files))

        project_dir = make_project(work / "synthetique", n)
        files = sorted((project_dir / "content").rglob("*.yaml"))
        reports = sorted((project_dir / "content" / "2021" / "territoires").glob("*.yaml"))
        show(f"read_yaml, comptes-rendus synthétiques ({len(reports)})",
             timed(lambda: [read_yaml(p) for p in reports], 3), len(reports))
        show(f"read_yaml, édition synthétique entière ({len(files)} fichiers)",
             timed(lambda: [read_yaml(p) for p in files], 3), len(files))

        project = Project(project_dir)
        content = load_content(project.content_dir)
        edition = content.editions[2021]
        jobs, _ = plan(project, content, edition)
        for job in jobs:
            job.output.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(sample, job.output)
        state = BuildState(project.output_dir)
        show(f"finish_edition après construction ({len(jobs)} documents)",
             timed(lambda: finish_edition(project, content, edition, jobs, state, False, True, print), 5))
        show("finish_edition, rien à faire",
             timed(lambda: finish_edition(project, content, edition, jobs, state, False, False, print), 5))
        bundle = next((project.output_dir / "2021").glob("*.zip"))
        print(f"paquet : {bundle.stat().st_size / 1e6:.1f} Mo ; document : "
              f"{sample.stat().st_size / 1e3:.0f} Ko")
    return 0


if __name__ == "__main__":
    sys.exit(main())
