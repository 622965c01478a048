"""How long after a saved territory file the preview's pages are new:
`python bench/preview_pages.py [RÉPÉTITIONS]`.

The 2021 example is copied to a temporary folder and previewed as `apercu` does
(publishing/preview.py); at each repetition, the Hauts-de-France file gets a new
participants total and the preview is rebuilt: both documents rendered, the synthesis'
table of contents laid out, both converted to PDF and drawn as page images. The time
is from the save to the new pages. Interleaved, in one run: with the LibreOffice kept
running (publishing/kept_office.py) and with a LibreOffice started for each
conversion, as before. Each repetition's new total is new: no PDF comes from the cache.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    repetitions = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory(prefix="rencontres-apercu-") as folder:
        os.environ["XDG_CACHE_HOME"] = os.environ["LOCALAPPDATA"] = str(Path(folder, "cache"))
        from rencontres.cli import summary
        from rencontres.publishing import libreoffice
        from rencontres.publishing.kept_office import KeptOffice
        from rencontres.publishing.pipeline import BuildOptions
        from rencontres.publishing.plan import Project
        from rencontres.publishing.preview import Preview

        root = Path(folder, "projet")
        for name in ("content", "templates"):
            shutil.copytree(ROOT / name, root / name)
        territory = root / "content" / "2021" / "territoires" / "hauts-de-france.yaml"
        preview = Preview(Project(root), BuildOptions(year=2021, workers=os.cpu_count() or 1),
                          summarize=summary)
        preview.rebuild()
        office = KeptOffice(libreoffice.require_libreoffice())
        seconds: dict[str, list[float]] = {"gardé": [], "démarré à chaque fois": []}
        total = 100
        try:
            for repetition in range(repetitions + 1):  # the first: the kept one starts
                for kind in seconds:
                    libreoffice.keep(office if kind == "gardé" else None)
                    total += 1
                    text = territory.read_text("utf-8")
                    territory.write_text(re.sub(r"total: \d+", f"total: {total}", text, count=1),
                                         "utf-8")
                    started = time.monotonic()
                    state = preview.rebuild()
                    assert all(document.pages for document in state.documents), state.problems
                    if repetition:
                        seconds[kind].append(time.monotonic() - started)
        finally:
            libreoffice.keep(None)
            office.stop()
    print(f"Aperçu de l'exemple 2021, de l'enregistrement aux nouvelles pages "
          f"({repetitions} répétitions, charge {os.getloadavg()[0]:.2f}) :")
    for kind, measured in seconds.items():
        print(f"  LibreOffice {kind} : médiane {statistics.median(measured):.2f} s "
              f"(min {min(measured):.2f}, max {max(measured):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
