"""Do two versions of rencontres/documents/charts.py draw the same bytes?

    python bench/charts_identity.py OLD_DIR [NEW_DIR]

OLD_DIR and NEW_DIR hold a `rencontres` package (NEW_DIR defaults to this clone).
Every chart shape the documents use is drawn by both, in separate processes, and the
PNG digests compared: a speed-up of the drawing code must not change one pixel or
one byte (the chart cache and the documents' digests depend on them). Prints the
time and peak memory of each version too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DRAW = r"""
import hashlib, json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from rencontres.documents import style
from rencontres.documents.charts import Series, horizontal_bars

def names(n):
    return [f"Territoire transfrontalier n° {i}" for i in range(n)]

votes = ["Citoyenneté / Culture", "Services publics", "Gouvernance", "Mobilité",
         "Ressources / Biens communs", "Ingénierie", "Obstacles", "Observation",
         "Emploi / insertion"]
cases = {
    "votes": lambda: horizontal_bars(
        votes, [Series("Votes", [9, 5, 8, 8, 7, 6, 4, 4, 1], style.NAVY)],
        bar_colors=[style.ORANGE] * 3 + [style.SKY] * 6,
        legend=[("MOT particulièrement attendue", style.ORANGE), ("Autre thème", style.SKY)]),
    "single bar, zero": lambda: horizontal_bars(["Seul"], [Series("V", [0], style.NAVY)]),
    "literal dollars, accents": lambda: horizontal_bars(
        ["Coût $5 et $6", "Cœur d’agglomération « été »", "Çà et là, à Noël"],
        [Series("V", [3, 2, 1], style.NAVY)], unit=" %"),
    "themes": lambda: horizontal_bars(
        ["Gouvernance / Obstacles / Stratégie", "Mobilité", "Formation", "Santé"],
        [Series("Territoires", [9, 7, 4, 1], style.ORANGE)]),
    "categories": lambda: horizontal_bars(
        ["Techniciens", "Élus", "Représentants du niveau national", "Catégorie non précisée"],
        [Series("Participants", [40, 12, 5, 3], style.NAVY)], bar_colors=[style.NAVY] * 4),
}
for n in (9, 100, 300):
    cases[f"participants {n}"] = (lambda n=n: horizontal_bars(
        names(n), [Series("2020", [i % 37 for i in range(n)], style.SKY),
                   Series("2021", [i % 23 + 1 for i in range(n)], style.NAVY)]))
result = {}
start = time.perf_counter()
for name, draw in cases.items():
    result[name] = hashlib.sha256(draw()).hexdigest()
result["_seconds"] = time.perf_counter() - start
result["_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""


def draw(code: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", DRAW, str(code)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    old = Path(sys.argv[1])
    new = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT
    a, b = draw(old), draw(new)
    same = True
    for name in a:
        if name.startswith("_"):
            continue
        ok = a[name] == b[name]
        same &= ok
        print(f"{'identique' if ok else 'DIFFÉRENT'} : {name}")
    print(f"ancien : {a['_seconds']:.2f} s, {a['_maxrss_mb']:.0f} Mo ; "
          f"nouveau : {b['_seconds']:.2f} s, {b['_maxrss_mb']:.0f} Mo")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
