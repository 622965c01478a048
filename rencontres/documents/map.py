"""The map of the synthesis: France and its neighbours, each territory's participants.

The layout (where each marker and each label go, in kilometres of the Lambert-93
projection) is a pure function, `map_layout`, testable without drawing anything; the
drawing only paints it. A marker's area is proportional to its participants; a
territory without a file in the edition is drawn as absent (an empty dashed circle),
never as a zero.
"""

from __future__ import annotations

import hashlib
import json
import math
import textwrap
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from pydantic import Field

from ..content.loading import Content, Edition
from ..content.model import MAP_LATITUDES, MAP_LONGITUDES
from . import style
from .charts import Chart, Series
from .context import TemplateContext
from .french import join_words, plural

BOUNDARIES = Path(__file__).parent / "data" / "frontieres.json"

# --- Lambert-93 (EPSG:2154): conformal conic on GRS80, secants 44° and 49° N ------------

_A = 6378137.0
_E = 0.0818191910428158
_LON_0, _LAT_0, _LAT_1, _LAT_2 = 3.0, 46.5, 44.0, 49.0
_X_0, _Y_0 = 700000.0, 6600000.0


def _m(lat: float) -> float:
    return math.cos(lat) / math.sqrt(1 - (_E * math.sin(lat)) ** 2)


def _t(lat: float) -> float:
    e_sin = _E * math.sin(lat)
    return math.tan(math.pi / 4 - lat / 2) / ((1 - e_sin) / (1 + e_sin)) ** (_E / 2)


_PHI_1, _PHI_2 = math.radians(_LAT_1), math.radians(_LAT_2)
_N = (math.log(_m(_PHI_1)) - math.log(_m(_PHI_2))) / (math.log(_t(_PHI_1)) - math.log(_t(_PHI_2)))
_F = _m(_PHI_1) / (_N * _t(_PHI_1) ** _N)
_RHO_0 = _A * _F * _t(math.radians(_LAT_0)) ** _N


def lambert93(longitude: float, latitude: float) -> tuple[float, float]:
    """Lambert-93 coordinates in kilometres (x east, y north) of a point in degrees."""
    rho = _A * _F * _t(math.radians(latitude)) ** _N
    theta = _N * math.radians(longitude - _LON_0)
    return ((_X_0 + rho * math.sin(theta)) / 1000,
            (_Y_0 + _RHO_0 - rho * math.cos(theta)) / 1000)


# --- layout ------------------------------------------------------------------------

WIDTH_IN = 6.3          # the printed figure, 160 mm wide
WIDTH_MM = 160
DPI = 300               # print quality at that width
MAX_RADIUS_PT = 15      # the largest marker's radius
ABSENT_RADIUS_PT = 4    # the empty circle of a territory without a file
NAME_PT, FIGURE_PT, COUNTRY_PT = 7.5, 7, 7
LINE_SPACING = 1.25
GAP_PT = 6               # between a marker and its label, wide enough to read them apart
LEGEND_AT = (-5.3, 45.7)   # the legend's top left corner, in degrees (Bay of Biscay)
LEGEND_SYMBOL_PT, LEGEND_ROW_PT = 9, 12
# Average advance of a character, in ems: a little more than Liberation Sans' (the
# test measures the drawn text inside the boxes computed with it).
EM_BOLD, EM_REGULAR = 0.62, 0.56


@dataclass(frozen=True)
class Box:
    left: float
    bottom: float
    right: float
    top: float

    def overlaps(self, other: "Box") -> bool:
        return (self.left < other.right and other.left < self.right
                and self.bottom < other.top and other.bottom < self.top)

    def inside(self, other: "Box") -> bool:
        return (other.left <= self.left and self.right <= other.right
                and other.bottom <= self.bottom and self.top <= other.top)

    def moved(self, dx: float, dy: float) -> "Box":
        return Box(self.left + dx, self.bottom + dy, self.right + dx, self.top + dy)


@dataclass(frozen=True)
class MapEntry:
    """One territory as the map shows it (None: no file in that edition)."""

    name: str
    longitude: float
    latitude: float
    label_side: str
    current: int | None
    previous: int | None


@dataclass(frozen=True)
class PlacedTerritory:
    entry: MapEntry
    x: float                          # the marker's centre, km
    y: float
    radius: float                     # current participants (area proportional), km
    previous_radius: float | None     # the previous edition's circle, km; None: none
    lines: tuple[str, ...]            # the label: name lines (bold), then figures
    name_lines: int
    label: Box                        # km
    align: str                        # "left", "right" or "center" in the box

    @property
    def marker(self) -> Box:
        r = max(self.radius, self.previous_radius or 0)
        return Box(self.x - r, self.y - r, self.x + r, self.y + r)


@dataclass(frozen=True)
class CountryName:
    text: str
    x: float
    y: float
    box: Box


@dataclass(frozen=True)
class MapLayout:
    frame: Box                        # what the figure shows, km
    km_per_point: float
    territories: tuple[PlacedTerritory, ...]
    countries: tuple[CountryName, ...]
    legend: Box
    year: int
    previous_year: int | None

    @property
    def height_in(self) -> float:
        return WIDTH_IN * (self.frame.top - self.frame.bottom) / (self.frame.right - self.frame.left)


def map_frame() -> Box:
    """The projected box around every point of the map's longitudes and latitudes."""
    (west, east), (south, north) = MAP_LONGITUDES, MAP_LATITUDES
    edge = [(west + (east - west) * i / 20, lat) for i in range(21) for lat in (south, north)]
    edge += [(lon, south + (north - south) * i / 20) for i in range(21) for lon in (west, east)]
    points = [lambert93(lon, lat) for lon, lat in edge]
    return Box(min(x for x, _ in points), min(y for _, y in points),
               max(x for x, _ in points), max(y for _, y in points))


def _text_width(text: str, size: float, em: float) -> float:
    return len(text) * size * em


def figures_line(count: int | None, year: int) -> str:
    return f"{count} en {year}" if count is not None else f"pas de données en {year}"


def _label_lines(entry: MapEntry, year: int, previous_year: int | None) -> tuple[list[str], list[str]]:
    # « Genevois / Alpes du Nord »: a line break after the slash, then by words.
    parts = entry.name.replace(" / ", " /\n").split("\n")
    names = [line for part in parts for line in textwrap.wrap(part, 16)] or [entry.name]
    figures = [figures_line(entry.current, year)]
    if previous_year is not None:
        figures.append(figures_line(entry.previous, previous_year))
    return names, figures


def _label_box(entry: MapEntry, x: float, y: float, reach: float, names: list[str],
               figures: list[str], km_pt: float) -> tuple[Box, str]:
    width = max([_text_width(n, NAME_PT, EM_BOLD) for n in names]
                + [_text_width(f, FIGURE_PT, EM_REGULAR) for f in figures]) * km_pt
    height = (len(names) * NAME_PT + len(figures) * FIGURE_PT) * LINE_SPACING * km_pt
    gap = GAP_PT * km_pt
    side = entry.label_side
    if side == "droite":
        return Box(x + reach + gap, y - height / 2, x + reach + gap + width, y + height / 2), "left"
    if side == "gauche":
        return Box(x - reach - gap - width, y - height / 2, x - reach - gap, y + height / 2), "right"
    if side == "haut":
        return Box(x - width / 2, y + reach + gap, x + width / 2, y + reach + gap + height), "center"
    return Box(x - width / 2, y - reach - gap - height, x + width / 2, y - reach - gap), "center"


def _clear_of(box: Box, obstacles: list[Box], frame: Box, gap: float) -> Box:
    """The box moved up or down until it overlaps none of `obstacles`, then into the frame."""
    for _ in range(50):
        hit = next((other for other in obstacles if box.overlaps(other)), None)
        if hit is None:
            break
        if (box.bottom + box.top) / 2 <= (hit.bottom + hit.top) / 2:
            box = box.moved(0, hit.bottom - gap - box.top)
        else:
            box = box.moved(0, hit.top + gap - box.bottom)
    dx = max(frame.left - box.left, 0) + min(frame.right - box.right, 0)
    dy = max(frame.bottom - box.bottom, 0) + min(frame.top - box.top, 0)
    return box.moved(dx, dy)


def _countries() -> dict:
    return json.loads(BOUNDARIES.read_text("utf-8"))["pays"]


def map_layout(entries: list[MapEntry], year: int, previous_year: int | None) -> MapLayout:
    """Where everything goes, in km: markers (area ∝ participants), labels clear of the
    labels and markers placed before them and of the countries' names, all in the frame."""
    frame = map_frame()
    km_pt = (frame.right - frame.left) / (WIDTH_IN * 72)
    gap = GAP_PT * km_pt
    counts = [c for e in entries for c in (e.current, e.previous) if c]
    largest = max(counts, default=1)
    scale = MAX_RADIUS_PT * km_pt / math.sqrt(largest)  # radius = scale × √count

    def radius(count: int | None) -> float | None:
        return None if count is None else scale * math.sqrt(count)

    points = [lambert93(e.longitude, e.latitude) for e in entries]
    radii = [radius(e.current) if e.current is not None else ABSENT_RADIUS_PT * km_pt
             for e in entries]
    previous_radii = [radius(e.previous) if previous_year is not None else None for e in entries]
    markers = [Box(x - max(r, p or 0), y - max(r, p or 0), x + max(r, p or 0), y + max(r, p or 0))
               for (x, y), r, p in zip(points, radii, previous_radii)]
    legend = _legend_box(km_pt, legend_lines(year, previous_year,
                                             any(e.current is None for e in entries)))
    placed: list[PlacedTerritory] = []
    for index, entry in enumerate(entries):
        x, y = points[index]
        names, figures = _label_lines(entry, year, previous_year)
        reach = markers[index].right - x
        box, align = _label_box(entry, x, y, reach, names, figures, km_pt)
        box = _clear_of(box, [legend, *(p.label for p in placed), *markers], frame, gap)
        placed.append(PlacedTerritory(entry, x, y, radii[index], previous_radii[index],
                                      tuple(names + figures), len(names), box, align))
    # A country's name is written where nothing else is.
    taken = [legend, *(p.label for p in placed), *markers]
    countries = tuple(c for c in _country_names(km_pt) if not any(c.box.overlaps(b) for b in taken)
                      and c.box.inside(frame))
    return MapLayout(frame, km_pt, tuple(placed), countries, legend, year, previous_year)


def _country_names(km_pt: float) -> list[CountryName]:
    names = []
    for country in _countries().values():
        if country["nom"] and country["position_nom"]:
            x, y = lambert93(*country["position_nom"])
            width = _text_width(country["nom"], COUNTRY_PT, EM_REGULAR) * km_pt
            height = COUNTRY_PT * LINE_SPACING * km_pt
            names.append(CountryName(country["nom"], x, y, Box(x - width / 2, y - height / 2,
                                                               x + width / 2, y + height / 2)))
    return names


def legend_lines(year: int, previous_year: int | None, absent: bool) -> tuple[str, ...]:
    """The legend's title, then one line per kind of circle the map shows."""
    lines = ["Participants :", str(year)]
    if previous_year is not None:
        lines.append(str(previous_year))
    if absent:
        lines.append(f"pas de données en {year}")
    return tuple(lines)


def _legend_box(km_pt: float, lines: tuple[str, ...]) -> Box:
    """Over the Bay of Biscay: a symbol and a line of text per entry."""
    width = (LEGEND_SYMBOL_PT + GAP_PT + max(_text_width(t, FIGURE_PT, EM_REGULAR)
                                               for t in lines)) * km_pt
    height = len(lines) * LEGEND_ROW_PT * km_pt
    x, y = lambert93(*LEGEND_AT)
    return Box(x, y - height, x + width, y)


# --- the chart -----------------------------------------------------------------------

class MapFields(TemplateContext):
    """The map's fields of templates/synthese.docx (see SynthesisContext)."""

    carte: Chart | None = Field(
        description="Carte des territoires le long des frontières, un cercle par territoire "
                    "(surface proportionnelle aux participants, cercle pointillé pour "
                    "l'édition précédente), ou rien si aucun territoire n'a de « carte » dans "
                    "le référentiel.")
    legende_carte: str = Field(
        description="Légende de la carte, ex. « Participants aux Rencontres territoriales "
                    "2020 et 2021 par territoire… », ou vide.")


def map_fields(content: Content, edition: Edition) -> dict[str, object]:
    """The values of MapFields for the synthesis of `edition`."""
    chart = territories_map(content, edition)
    if chart is None:
        return dict(carte=None, legende_carte="")
    previous = content.previous(edition)
    years = f"{previous.year} et {edition.year}" if previous else str(edition.year)
    caption = (f"Participants aux Rencontres territoriales {years} par territoire ; la "
               "surface de chaque cercle est proportionnelle au nombre de participants.")
    unplaced = [t.name for t in content.referentiel.territories if t.map_place is None]
    if unplaced:
        caption += f" Non placés sur la carte : {join_words(unplaced)}."
    return dict(carte=chart, legende_carte=caption)


def map_entries(content: Content, edition: Edition) -> list[MapEntry]:
    """The territories that have a place on the map, in the referentiel's order."""
    previous = content.previous(edition)

    def total(of: Edition | None, territory_id: str) -> int | None:
        report = of.reports.get(territory_id) if of is not None else None
        return report.participants.total if report is not None else None

    return [MapEntry(t.name, t.map_place.longitude, t.map_place.latitude,
                     t.map_place.label_side, total(edition, t.id), total(previous, t.id))
            for t in content.referentiel.territories if t.map_place is not None]


def territories_map(content: Content, edition: Edition) -> Chart | None:
    """The map of the edition's participants; None when no territory has a place on it."""
    entries = map_entries(content, edition)
    if not entries:
        return None
    previous = content.previous(edition)
    layout = map_layout(entries, edition.year, previous.year if previous else None)
    series = [Series(str(edition.year), [e.current for e in entries], style.NAVY)]
    if previous is not None:
        series.insert(0, Series(str(previous.year), [e.previous for e in entries], style.SKY))
    return MapChart([e.name for e in entries], series, map_alt_text(layout, content, edition),
                    width_mm=WIDTH_MM, layout=layout)


@dataclass(frozen=True)
class MapChart(Chart):
    """The map as a chart: a picture of the layout; its data (labels, series) is what a
    native Word chart of the same name would show instead."""

    layout: MapLayout | None = None

    @cached_property
    def png(self) -> bytes:
        return map_png(self.layout)


def map_alt_text(layout: MapLayout, content: Content, edition: Edition) -> str:
    years = (f"{layout.previous_year} et {layout.year}" if layout.previous_year
             else str(layout.year))
    stated = []
    for placed in layout.territories:
        entry = placed.entry
        now = (plural(entry.current, "participant") + f" en {layout.year}"
               if entry.current is not None else f"pas de données en {layout.year}")
        if layout.previous_year is not None:
            now += f", {figures_line(entry.previous, layout.previous_year)}"
        stated.append(f"{entry.name} : {now}")
    unplaced = [t.name for t in content.referentiel.territories if t.map_place is None]
    note = (f" Non placés sur la carte : {join_words(unplaced)}." if unplaced else "")
    circles = ("surface des cercles proportionnelle au nombre de participants"
               + (f", cercle pointillé pour {layout.previous_year}" if layout.previous_year
                  else ""))
    return (f"Carte des participants aux Rencontres territoriales {years} par territoire, "
            f"le long des frontières de la France ({circles}). {' ; '.join(stated)}.{note}")


@lru_cache(maxsize=1)
def _boundaries_digest() -> str:
    return hashlib.sha256(BOUNDARIES.read_bytes()).hexdigest()


def map_png(layout: MapLayout) -> bytes:
    from .charts import _cached

    return _cached(f"carte {_boundaries_digest()} {layout!r}", lambda: _draw(layout))


def map_figure(layout: MapLayout):
    """The matplotlib figure of the map, drawn exactly in the layout's frame."""
    from matplotlib.patches import Polygon

    from .charts import _literal, _new_figure, _pyplot

    _pyplot()
    figure = _new_figure(layout.height_in)
    axes = figure.add_axes((0, 0, 1, 1))
    frame = layout.frame
    axes.set_xlim(frame.left, frame.right)
    axes.set_ylim(frame.bottom, frame.top)
    axes.set_aspect("equal")
    axes.set_axis_off()
    axes.add_patch(Polygon([(frame.left, frame.bottom), (frame.right, frame.bottom),
                            (frame.right, frame.top), (frame.left, frame.top)],
                           facecolor="#F4F7FA", edgecolor="none", zorder=0))
    for code, country in _countries().items():
        france = code == "FR"
        for ring in country["contours"]:
            axes.add_patch(Polygon([lambert93(lon, lat) for lon, lat in ring],
                                   facecolor=style.LIGHT if france else "white",
                                   edgecolor=style.GREY if france else "#A9B3BF",
                                   linewidth=0.8 if france else 0.5, zorder=1 if france else 0.5))
    for country in layout.countries:
        axes.text(country.x, country.y, country.text, ha="center", va="center",
                  fontsize=COUNTRY_PT, color="#A9B3BF", zorder=2)
    points = layout.km_per_point
    _draw_legend(axes, layout)
    for placed in layout.territories:
        entry = placed.entry
        center = (placed.x, placed.y)
        marker = _absent_marker if entry.current is None else _current_marker
        axes.add_patch(marker(center, placed.radius))
        if placed.previous_radius is not None:
            axes.add_patch(_previous_marker(center, placed.previous_radius))
        box = placed.label
        x = {"left": box.left, "right": box.right, "center": (box.left + box.right) / 2}[placed.align]
        y = box.top
        for index, line in enumerate(placed.lines):
            is_name = index < placed.name_lines
            size = NAME_PT if is_name else FIGURE_PT
            previous_line = not is_name and index == len(placed.lines) - 1 \
                and layout.previous_year is not None
            axes.text(x, y, _literal(line), ha=placed.align, va="top", fontsize=size,
                      fontweight="bold" if is_name else "normal",
                      color=style.ORANGE if previous_line else (
                          style.NAVY if is_name else "#2B2B2B"), zorder=5)
            y -= size * LINE_SPACING * points
    return figure


def _absent_marker(center, radius):
    from matplotlib.patches import Circle

    return Circle(center, radius, facecolor="white", edgecolor=style.GREY,
                  linestyle=(0, (2, 1.5)), linewidth=0.8, zorder=3)


def _current_marker(center, radius):
    from matplotlib.patches import Circle

    return Circle(center, radius, facecolor=style.NAVY, edgecolor="white", linewidth=0.6,
                  alpha=0.9, zorder=3)


def _previous_marker(center, radius):
    from matplotlib.patches import Circle

    return Circle(center, radius, facecolor="none", edgecolor=style.ORANGE,
                  linestyle=(0, (2.5, 1.5)), linewidth=0.9, zorder=4)


def _draw_legend(axes, layout: MapLayout) -> None:
    points = layout.km_per_point
    box = layout.legend
    absent = any(p.entry.current is None for p in layout.territories)
    symbols = [_current_marker]
    if layout.previous_year is not None:
        symbols.append(_previous_marker)
    if absent:
        symbols.append(_absent_marker)
    title, *lines = legend_lines(layout.year, layout.previous_year, absent)
    axes.text(box.left, box.top - 0.5 * LEGEND_ROW_PT * points, title, ha="left",
              va="center", fontsize=FIGURE_PT, color="#2B2B2B", fontweight="bold", zorder=5)
    for row, (text, symbol) in enumerate(zip(lines, symbols), 1):
        y = box.top - (row + 0.5) * LEGEND_ROW_PT * points
        axes.add_patch(symbol((box.left + LEGEND_SYMBOL_PT / 2 * points, y),
                              LEGEND_SYMBOL_PT * 0.4 * points))
        axes.text(box.left + (LEGEND_SYMBOL_PT + GAP_PT) * points, y, text, ha="left",
                  va="center", fontsize=FIGURE_PT, color="#2B2B2B", zorder=5)


def _draw(layout: MapLayout) -> bytes:
    import io

    buffer = io.BytesIO()
    map_figure(layout).savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
