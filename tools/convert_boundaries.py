"""Convert Natural Earth's country boundaries into the small file the map draws.

Run once, by hand, when the boundaries are to be refreshed (never by the build):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/convert_boundaries.py package/countries-50m.json \
        rencontres/documents/data/frontieres.json

The source is the npm package `world-atlas` 2.0.2 (Mike Bostock, ISC licence), a
TopoJSON redistribution of Natural Earth 4.1.0, Admin 0 countries 1:50m (public domain).
Only the countries around France are kept, clipped to a box a little larger than the
map, in degrees rounded to 0.01 (about 1 km, a tenth of a millimetre on the page).
The runtime reads the JSON file written here; it needs neither npm nor this script.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# Natural Earth's English name → (ISO code, French name shown on the map or "").
COUNTRIES = {
    "France": ("FR", "FRANCE"),
    "Belgium": ("BE", "BELGIQUE"),
    "Luxembourg": ("LU", "LUXEMBOURG"),
    "Germany": ("DE", "ALLEMAGNE"),
    "Switzerland": ("CH", "SUISSE"),
    "Italy": ("IT", "ITALIE"),
    "Monaco": ("MC", "MONACO"),
    "Spain": ("ES", "ESPAGNE"),
    "Andorra": ("AD", "ANDORRE"),
    "United Kingdom": ("UK", "ROYAUME-UNI"),
    # Drawn as land, unnamed: the map would otherwise show sea where they are.
    "Netherlands": ("NL", ""),
    "Austria": ("AT", ""),
    "Liechtenstein": ("LI", ""),
    "Portugal": ("PT", ""),
    "Jersey": ("JE", ""),
    "Guernsey": ("GG", ""),
    "Isle of Man": ("IM", ""),
    "Ireland": ("IE", ""),
    "San Marino": ("SM", ""),
    "Vatican": ("VA", ""),
    "Czechia": ("CZ", ""),
}
# Where each named country's name is written (longitude, latitude).
NAME_AT = {
    "FR": (2.4, 46.9), "BE": (4.45, 51.0), "DE": (9.6, 50.9), "CH": (8.6, 46.95),
    "IT": (9.9, 44.9), "ES": (-3.6, 41.9), "UK": (-1.6, 51.45),
    # Smaller than their names: written beside them, with a leader line (map.py).
    "LU": (6.13, 49.78), "AD": (1.55, 42.55), "MC": (7.42, 43.74),
}
# Longitude west, east; latitude south, north: a margin around the map's frame.
BOX = (-8.0, 13.0, 39.5, 53.5)


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON's quantized, delta-encoded arcs, in degrees."""
    (kx, ky), (dx, dy) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for step_x, step_y in arc:
            x, y = x + step_x, y + step_y
            points.append((x * kx + dx, y * ky + dy))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def clip(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sutherland–Hodgman clipping of a ring to BOX."""
    west, east, south, north = BOX
    edges = [(lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
             (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
             (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
             (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north))]
    for inside, cross in edges:
        if not points:
            break
        result = []
        for index, current in enumerate(points):
            previous = points[index - 1]
            if inside(current):
                if not inside(previous):
                    result.append(cross(previous, current))
                result.append(current)
            elif inside(previous):
                result.append(cross(previous, current))
        points = result
    return points


def _at_x(a, b, x):
    return (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))


def _at_y(a, b, y):
    return (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)


def rounded(points: list[tuple[float, float]]) -> list[list[float]]:
    """Degrees to 0.01, consecutive duplicates dropped."""
    kept: list[list[float]] = []
    for x, y in points:
        point = [round(x, 2), round(y, 2)]
        if not kept or kept[-1] != point:
            kept.append(point)
    return kept


def convert(topology: dict) -> dict:
    arcs = decode_arcs(topology)
    countries = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        if name not in COUNTRIES:
            continue
        code, label = COUNTRIES[name]
        polygons = (geometry["arcs"] if geometry["type"] == "MultiPolygon"
                    else [geometry["arcs"]])
        rings = []
        for polygon in polygons:
            outer = rounded(clip(ring(polygon[0], arcs)))  # holes: none around France
            if len(outer) >= 3:
                rings.append(outer)
        if rings:
            countries[code] = {"nom": label, "position_nom": NAME_AT.get(code), "contours": rings}
    return {
        "source": "Natural Earth 4.1.0, Admin 0 – Countries, 1:50m (domaine public), "
                  "via le paquet npm world-atlas 2.0.2 (countries-50m.json)",
        "conversion": "tools/convert_boundaries.py",
        "pays": dict(sorted(countries.items())),
    }


def main(source: str, target: str) -> None:
    data = convert(json.loads(Path(source).read_text("utf-8")))
    Path(target).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n",
                            "utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
