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
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from pydantic import Field

from ..content.loading import Content, Edition
from ..content.model import MAP_LATITUDES, MAP_LONGITUDES
from . import style
from .charts import Chart, Series
from .context import TemplateContext
from .french import join_words, plural
from .map_placement import (
    GAP_PT,
    LEADER_FROM_PT,
    LINE_MARGIN_PT,
    MAX_REACH_PT,
    Box,
    Circle,
    LineGrid,
    Obstacles,
    Placement,
    Point,
    Segment,
    place_label,
    place_name,
)

if TYPE_CHECKING:  # Pillow is imported when a map is drawn only
    from PIL import Image, ImageDraw, ImageFont

    # `shapes(draw, at, scale, rows)`, see _paint.
    Shapes = Callable[[ImageDraw.ImageDraw, Callable[[float, float], tuple[float, float]], int,
                       tuple[int, int]], None]

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
    return math.tan(math.pi / 4 - lat / 2) / math.pow((1 - e_sin) / (1 + e_sin), _E / 2)


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
LEGEND_AT = (-5.3, 45.7)   # the legend's top left corner, in degrees (Bay of Biscay)
LEGEND_SYMBOL_PT, LEGEND_ROW_PT = 9, 12
# Average advance of a character, in ems: a little more than Liberation Sans' (the
# test measures the drawn text inside the boxes computed with it).
EM_BOLD, EM_REGULAR = 0.62, 0.56
# An inset (an overseas territory): its distance to the frame's edge and to the next
# inset, and the room around its marker and label.
INSET_MARGIN_PT, INSET_PADDING_PT = 6, 5
# A country smaller than this (km, its widest extent) has its name beside it, with a
# leader line; how far a country's name may go from its point.
SMALL_COUNTRY_KM, COUNTRY_REACH_PT = 150, 90


@dataclass(frozen=True)
class MapEntry:
    """One territory as the map shows it (None: no file in that edition)."""

    name: str
    longitude: float
    latitude: float
    label_side: str
    current: int | None
    previous: int | None
    upcoming: bool = False  # no file yet: its Rencontre is still to come

    @property
    def mainland(self) -> bool:
        """Whether the map's frame holds it; else (overseas) it is drawn in an inset."""
        return (MAP_LONGITUDES[0] <= self.longitude <= MAP_LONGITUDES[1]
                and MAP_LATITUDES[0] <= self.latitude <= MAP_LATITUDES[1])


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
    leader: Segment | None = None     # from the marker's edge to the label, km

    @property
    def reach(self) -> float:
        return max(self.radius, self.previous_radius or 0)

    @property
    def marker(self) -> Box:
        r = self.reach
        return Box(self.x - r, self.y - r, self.x + r, self.y + r)

    @property
    def distance(self) -> float:
        """From the marker's edge to its label, km."""
        return max(self.label.distance_to(self.x, self.y) - self.reach, 0.0)


@dataclass(frozen=True)
class CountryName:
    text: str
    x: float                          # the centre of the name, km
    y: float
    box: Box
    leader: Segment | None = None     # from the country to its name, for a small one


@dataclass(frozen=True)
class MapLayout:
    frame: Box                        # what the figure shows, km
    km_per_point: float
    territories: tuple[PlacedTerritory, ...]
    countries: tuple[CountryName, ...]
    legend: Box
    year: int
    previous_year: int | None
    numbered: bool = False            # too many labels to place: a number by each marker
    insets: tuple[Box, ...] = ()      # one frame per overseas territory, km

    @property
    def height_in(self) -> float:
        return WIDTH_IN * (self.frame.top - self.frame.bottom) / (self.frame.right - self.frame.left)

    @property
    def year_colors(self) -> dict[int, str]:
        """The colour of each edition's circles (and of their legend): the palette's."""
        years = [self.year] if self.previous_year is None else [self.previous_year, self.year]
        return style.edition_colors(years)


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


def figures_line(count: int | None, year: int, upcoming: bool = False) -> str:
    if count is not None:
        return f"{count} en {year}"
    return f"à venir en {year}" if upcoming else f"pas de données en {year}"


def absent_line(entries: list[MapEntry], year: int) -> str:
    """The legend's line for the empty circles of `year`, or nothing without one."""
    absent = [entry.upcoming for entry in entries if entry.current is None]
    if not absent:
        return ""
    if all(absent):
        return f"à venir en {year}"
    return f"pas de données ou à venir en {year}" if any(absent) else f"pas de données en {year}"


def _label_lines(entry: MapEntry, year: int, previous_year: int | None) -> tuple[list[str], list[str]]:
    # « Genevois / Alpes du Nord »: a line break after the slash, then by words.
    parts = entry.name.replace(" / ", " /\n").split("\n")
    names: list[str] = []
    for line in (line for part in parts for line in textwrap.wrap(part, 16)):
        if line == "/" and names:  # « Guyane – Brésil / »: the slash stays with its words
            names[-1] += " /"
        else:
            names.append(line)
    names = names or [entry.name]
    figures = [figures_line(entry.current, year, entry.upcoming)]
    if previous_year is not None:
        figures.append(figures_line(entry.previous, previous_year))
    return names, figures


def _label_size(names: list[str], figures: list[str], km_pt: float) -> tuple[float, float]:
    width = max([_text_width(n, NAME_PT, EM_BOLD) for n in names]
                + [_text_width(f, FIGURE_PT, EM_REGULAR) for f in figures]) * km_pt
    height = (len(names) * NAME_PT + len(figures) * FIGURE_PT) * LINE_SPACING * km_pt
    return width, height


def _countries() -> dict[str, Any]:
    countries: dict[str, Any] = json.loads(BOUNDARIES.read_text("utf-8"))["pays"]
    return countries


@lru_cache(maxsize=1)
def border_lines() -> tuple[tuple[Point, ...], ...]:
    """Every line the map draws (borders and coasts), closed, in km."""
    lines = []
    for country in _countries().values():
        for ring in country["contours"]:
            points = tuple(lambert93(lon, lat) for lon, lat in ring)
            lines.append(points + points[:1])
    return tuple(lines)


@lru_cache(maxsize=1)
def _border_segments() -> tuple[tuple[Segment, Box], ...]:
    """Each segment of the border lines, with its bounding box (grown a little: a
    horizontal segment's box has no height)."""
    return tuple((((x0, y0), (x1, y1)), Box(min(x0, x1) - 0.01, min(y0, y1) - 0.01,
                                          max(x0, x1) + 0.01, max(y0, y1) + 0.01))
                 for line in border_lines() for (x0, y0), (x1, y1) in pairwise(line))


@lru_cache(maxsize=2)
def _line_grid(frame: Box) -> LineGrid:
    return LineGrid(frame, border_lines())


def map_layout(entries: list[MapEntry], year: int, previous_year: int | None) -> MapLayout:
    """The labelled layout (see _layout); when its labels cannot all be placed clear of
    each other, of the markers and of the borders (a map crowded beyond any edition
    seen, 30 territories), each marker gets its number instead, and the caption lists
    the numbers' territories and figures (numbered_caption)."""
    labelled = _layout(entries, year, previous_year, numbered=False)
    if not map_problems(labelled):
        return labelled
    return _layout(entries, year, previous_year, numbered=True)


def _layout(entries: list[MapEntry], year: int, previous_year: int | None,
            numbered: bool) -> MapLayout:
    """Where everything goes, in km: markers (area ∝ participants), then each label at
    the nearest place clear of the border lines, the markers, the legend and the labels
    placed before it (see map_placement), then the countries' names where nothing is."""
    frame = map_frame()
    km_pt = (frame.right - frame.left) / (WIDTH_IN * 72)
    counts = [c for e in entries for c in (e.current, e.previous) if c]
    largest = max(counts, default=1)
    scale = MAX_RADIUS_PT * km_pt / math.sqrt(largest)  # radius = scale × √count

    def radius(count: int) -> float:
        return scale * math.sqrt(count)

    radii = [scale * math.sqrt(e.current) if e.current is not None
             else ABSENT_RADIUS_PT * km_pt for e in entries]
    previous_radii = [radius(e.previous) if previous_year is not None and e.previous is not None
                      else None for e in entries]
    legend = _legend_box(km_pt, legend_lines(year, previous_year, absent_line(entries, year)))
    labels = [([str(number)], []) if numbered else _label_lines(entry, year, previous_year)
              for number, entry in enumerate(entries, start=1)]
    # Overseas: each in its own inset, along the top edge from the left corner, its
    # marker at the same scale, its label under it; the mainland's labels keep clear.
    points = [lambert93(e.longitude, e.latitude) if e.mainland else (0.0, 0.0)
              for e in entries]
    fixed: dict[int, Placement] = {}
    insets: list[Box] = []
    left = frame.left + INSET_MARGIN_PT * km_pt
    for index, entry in enumerate(entries):
        if entry.mainland:
            continue
        reach = max(radii[index], previous_radii[index] or 0)
        width, height = _label_size(*labels[index], km_pt)
        pad, gap = INSET_PADDING_PT * km_pt, GAP_PT * km_pt
        inset_width = max(width, 2 * reach) + 2 * pad
        top = frame.top - INSET_MARGIN_PT * km_pt
        inset = Box(left, top - (2 * pad + 2 * reach + gap + height), left + inset_width, top)
        centre = left + inset_width / 2
        points[index] = (centre, top - pad - reach)
        label_top = top - pad - 2 * reach - gap
        fixed[index] = Placement(Box(centre - width / 2, label_top - height,
                                     centre + width / 2, label_top), "center", None, gap, 0.0)
        insets.append(inset)
        left = inset.right + INSET_MARGIN_PT * km_pt
    circles = [Circle(x, y, max(r, p or 0))
               for (x, y), r, p in zip(points, radii, previous_radii, strict=True)]

    def placed_in(order: list[int]) -> tuple[float, Obstacles, dict[int, Placement]]:
        obstacles = Obstacles(frame, _line_grid(frame), LINE_MARGIN_PT * km_pt, circles,
                              [legend, *insets], [])
        placements = dict(fixed)
        for index in order:
            if index in fixed:
                continue
            width, height = _label_size(*labels[index], km_pt)
            placement = place_label(circles[index], width, height, entries[index].label_side,
                                    obstacles, km_pt) or _anywhere(circles[index], width, height,
                                                                   km_pt)
            obstacles.boxes.append(placement.box)
            if placement.leader is not None:
                obstacles.leaders.append(placement.leader)
            placements[index] = placement
        return sum(p.cost for p in placements.values()), obstacles, placements

    # Each label takes the best place left by those placed before it: a few orders are
    # tried (the referentiel's, its reverse, north to south, south to north), the
    # cheapest kept.
    indices = list(range(len(entries)))
    orders = [indices, indices[::-1], sorted(indices, key=lambda i: -points[i][1]),
              sorted(indices, key=lambda i: points[i][1])]
    _, obstacles, placements = min((placed_in(order) for order in orders),
                                   key=lambda found: found[0])
    placed = []
    for index, entry in enumerate(entries):
        names, figures = labels[index]
        placement = placements[index]
        x, y = points[index]
        placed.append(PlacedTerritory(entry, x, y, radii[index], previous_radii[index],
                                      tuple(names + figures), len(names), placement.box,
                                      placement.align, placement.leader))
    countries = _country_names(km_pt, obstacles)
    return MapLayout(frame, km_pt, tuple(placed), countries, legend, year, previous_year,
                     numbered, tuple(insets))


def _anywhere(circle: Circle, width: float, height: float, km_pt: float) -> Placement:
    """No place within reach (a map crowded beyond any edition seen): the author's side
    at the usual gap, whatever it covers (map_problems says what)."""
    distance = GAP_PT * km_pt
    box = Box(circle.x + circle.radius + distance, circle.y - height / 2,
              circle.x + circle.radius + distance + width, circle.y + height / 2)
    return Placement(box, "left", None, distance, 1000.0)


def _country_names(km_pt: float, obstacles: Obstacles) -> tuple[CountryName, ...]:
    """The neighbours' names (and France's) in the frame, each where nothing else is;
    a country whose point a marker covers (Monaco, under its territory's) is left
    unnamed."""
    names = []
    for country in _countries().values():
        if not country["nom"] or not country["position_nom"]:
            continue
        x, y = lambert93(*country["position_nom"])
        if (obstacles.frame.distance_to(x, y) > 0
                or any(c.radius and math.hypot(x - c.x, y - c.y) < c.radius
                       for c in obstacles.circles)):
            continue
        ring = [lambert93(lon, lat) for ring in country["contours"] for lon, lat in ring]
        extent = max(max(px for px, _ in ring) - min(px for px, _ in ring),
                     max(py for _, py in ring) - min(py for _, py in ring))
        width = _text_width(country["nom"], COUNTRY_PT, EM_REGULAR) * km_pt
        height = COUNTRY_PT * LINE_SPACING * km_pt
        placement = place_name(x, y, width, height, obstacles, km_pt, COUNTRY_REACH_PT,
                               small=extent < SMALL_COUNTRY_KM)
        if placement is None:
            continue
        box = placement.box
        obstacles.boxes.append(box)
        if placement.leader is not None:
            obstacles.leaders.append(placement.leader)
        names.append(CountryName(country["nom"], (box.left + box.right) / 2,
                                 (box.bottom + box.top) / 2, box, placement.leader))
    return tuple(names)


def legend_lines(year: int, previous_year: int | None, absent: str) -> tuple[str, ...]:
    """The legend's title, then one line per kind of circle the map shows."""
    lines = ["Participants :", str(year)]
    if previous_year is not None:
        lines.append(str(previous_year))
    if absent:
        lines.append(absent)
    return tuple(lines)


def _legend_box(km_pt: float, lines: tuple[str, ...]) -> Box:
    """Over the Bay of Biscay: a symbol and a line of text per entry."""
    width = (LEGEND_SYMBOL_PT + GAP_PT + max(_text_width(t, FIGURE_PT, EM_REGULAR)
                                               for t in lines)) * km_pt
    height = len(lines) * LEGEND_ROW_PT * km_pt
    x, y = lambert93(*LEGEND_AT)
    return Box(x, y - height, x + width, y)


def map_problems(layout: MapLayout) -> list[str]:
    """What a reader would see wrong in the layout, in French, none for a good one: a
    text touching a border line, a marker or another text, a label too far from its
    marker without a leader line. Checked on the exact border lines (the placement
    looks them up in a grid)."""
    km_pt = layout.km_per_point
    texts = ([(f"étiquette « {p.entry.name} »", p.label) for p in layout.territories]
             + [(f"nom « {c.text} »", c.box) for c in layout.countries]
             + [("légende", layout.legend)])
    # Inside an inset, drawn over the background: nothing of it to touch.
    overseas = {f"étiquette « {p.entry.name} »" for p in layout.territories
                if not p.entry.mainland}
    problems = []
    for index, (name, box) in enumerate(texts):
        if not box.inside(layout.frame):
            problems.append(f"{name} : sort du cadre")
        if name not in overseas and any(box.overlaps(inset) for inset in layout.insets):
            problems.append(f"{name} : touche un encart")
        if name != "légende" and name not in overseas and any(
                box.crosses(segment) for segment, reach in _border_segments()
                if box.overlaps(reach) or reach.inside(box)):
            problems.append(f"{name} : touche une frontière ou une côte")
        for placed in layout.territories:
            if Circle(placed.x, placed.y, placed.reach).touches(box):
                problems.append(f"{name} : touche le cercle de « {placed.entry.name} »")
        for other, other_box in texts[index + 1:]:
            if box.overlaps(other_box):
                problems.append(f"{name} : touche {other}")
    for placed in layout.territories:
        if placed.distance > MAX_REACH_PT * km_pt + 1e-6:
            problems.append(f"étiquette « {placed.entry.name} » : à plus de {MAX_REACH_PT} "
                            "points de son cercle")
        elif placed.distance > LEADER_FROM_PT * km_pt + 1e-6 and placed.leader is None:
            problems.append(f"étiquette « {placed.entry.name} » : loin de son cercle, sans "
                            "trait de rappel")
    return problems


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


class MapValues(TypedDict):
    """MapFields' values, as SynthesisContext is given them."""

    carte: Chart | None
    legende_carte: str


def map_fields(content: Content, edition: Edition) -> MapValues:
    """The values of MapFields for the synthesis of `edition`."""
    chart = territories_map(content, edition)
    if chart is None:
        return MapValues(carte=None, legende_carte="")
    previous = content.previous(edition)
    years = f"{previous.year} et {edition.year}" if previous else str(edition.year)
    caption = (f"Participants aux Rencontres territoriales {years} par territoire ; la "
               "surface de chaque cercle est proportionnelle au nombre de participants.")
    if isinstance(chart, MapChart) and chart.layout.numbered:
        caption += " " + numbered_caption(chart.layout)
    if isinstance(chart, MapChart) and chart.layout.insets:
        overseas = [p.entry.name for p in chart.layout.territories if not p.entry.mainland]
        caption += f" En encart : {join_words(overseas)}."
    unplaced = [t.name for t in content.referentiel.territories if t.map_place is None]
    if unplaced:
        caption += f" Non placés sur la carte : {join_words(unplaced)}."
    return MapValues(carte=chart, legende_carte=caption)


def numbered_caption(layout: MapLayout) -> str:
    """What the numbers of a crowded map stand for (the figures are in the participants
    chart that follows, and in the map's alternative text)."""
    listed = " ; ".join(f"{number} : {placed.entry.name}"
                        for number, placed in enumerate(layout.territories, start=1))
    return f"Numéros des cercles : {listed}."


def map_entries(content: Content, edition: Edition) -> list[MapEntry]:
    """The territories that have a place on the map, in the referentiel's order."""
    previous = content.previous(edition)

    def total(of: Edition | None, territory_id: str) -> int | None:
        report = of.reports.get(territory_id) if of is not None else None
        return report.participants.total if report is not None else None

    upcoming = {planned.territory for planned in edition.info.upcoming}
    return [MapEntry(t.name, t.map_place.longitude, t.map_place.latitude,
                     t.map_place.label_side, total(edition, t.id), total(previous, t.id),
                     t.id in upcoming)
            for t in content.referentiel.territories if t.map_place is not None]


def edition_layout(content: Content, edition: Edition) -> MapLayout | None:
    """The layout of the map of `edition`; None when no territory has a place on it."""
    entries = map_entries(content, edition)
    if not entries:
        return None
    previous = content.previous(edition)
    return _kept_layout(tuple(entries), edition.year, previous.year if previous else None)


@lru_cache(maxsize=4)
def _kept_layout(entries: tuple[MapEntry, ...], year: int, previous_year: int | None) -> MapLayout:
    """map_layout, once for the map and for its check."""
    return map_layout(list(entries), year, previous_year)


def territories_map(content: Content, edition: Edition) -> Chart | None:
    """The map of the edition's participants; None when no territory has a place on it."""
    layout = edition_layout(content, edition)
    if layout is None:
        return None
    entries = [placed.entry for placed in layout.territories]
    previous = content.previous(edition)
    colors = layout.year_colors
    series = [Series(str(edition.year), [e.current for e in entries], colors[edition.year])]
    if previous is not None:
        series.insert(0, Series(str(previous.year), [e.previous for e in entries],
                                colors[previous.year]))
    return MapChart([e.name for e in entries], series, map_alt_text(layout, content, edition),
                    width_mm=WIDTH_MM, layout=layout)


@dataclass(frozen=True)
class MapFigure:
    """What a proof-reading checks of an edition's map, without drawing it: where each
    marker, label and name is (km), the colour of each edition's circles, every text
    with its colour and its halo's, and what map_problems finds."""

    layout: MapLayout
    year_colors: dict[int, str]
    texts: tuple[MapText, ...]
    problems: tuple[str, ...]


def map_figure(content: Content, edition: Edition) -> MapFigure | None:
    """The map of the synthesis of `edition`, as built, for checking; None without one."""
    layout = edition_layout(content, edition)
    if layout is None:
        return None
    return MapFigure(layout, layout.year_colors, tuple(map_texts(layout)),
                     tuple(map_problems(layout)))


@dataclass(frozen=True)
class MapChart(Chart):
    """The map as a chart: a picture of the layout; its data (labels, series) is what a
    native Word chart of the same name would show instead."""

    layout: MapLayout = field(kw_only=True)

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
               if entry.current is not None
               else figures_line(None, layout.year, entry.upcoming))
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
    from .charts import _cached, _font_key

    drawing = f"carte {_boundaries_digest()} {_font_key()} {layout!r}"
    # Kept in the project's store and in the user's: its layout alone draws it, so the
    # same map of another project (a copy, an older clone) is not drawn again either.
    return _cached(drawing, lambda: _cached(drawing, lambda: _draw(layout), lasting=True))


# --- the picture -----------------------------------------------------------------------
# Drawn with Pillow, not matplotlib (a second of import and drawing for one picture).
# Pillow draws hard edges: lines and circles are drawn SUPERSAMPLE times larger on a
# mask, each pixel then the average of its block (antialiased); the mask of the whole
# picture is drawn a strip of rows at a time, to stay small (4 MB, not 50).

SUPERSAMPLE = 4
STRIP_ROWS = 128
SEA, ABROAD_EDGE, TEXT = "#F4F7FA", "#A9B3BF", style.TEXT
# Every text is drawn over a white outline (its halo): whatever it crosses, it reads
# against white, and its colour is held to 4.5:1 against white (test_palette.py).
HALO, HALO_PT = style.WHITE, 1.2
LEADER_PT = 0.6
# zlib's level, its default: 311 kB for the 2021 map (level 3: 339 kB in 65 % of the
# time). The map is drawn once and kept (the user's cache), and its PNG goes into the
# document as it is (word/archive.py): compressed here, once.
PNG_COMPRESSION = 6


def _px(points: float) -> float:
    return points * DPI / 72


@dataclass(frozen=True)
class Pixels:
    """The picture of a frame: its size in pixels, and kilometres to pixels (y down)."""

    frame: Box
    width: int
    height: int

    @classmethod
    def of(cls, frame: Box) -> Pixels:
        width = round(WIDTH_IN * DPI)
        return cls(frame, width, round(width * (frame.top - frame.bottom)
                                       / (frame.right - frame.left)))

    @property
    def per_km(self) -> float:
        return self.width / (self.frame.right - self.frame.left)

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.frame.left) * self.per_km, (self.frame.top - y) * self.per_km

    def km(self, column: float, row: float) -> tuple[float, float]:
        return self.frame.left + column / self.per_km, self.frame.top - row / self.per_km


@dataclass(frozen=True)
class MapText:
    """A line of text of the map, where Pillow writes it: `anchor` is Pillow's (l, m, r:
    left, middle, right of the point; a: the font's ascender at the point, m: middle)."""

    text: str
    x: float  # pixels
    y: float
    anchor: str
    points: float
    bold: bool
    color: str
    halo: str = HALO


def map_texts(layout: MapLayout) -> list[MapText]:
    """Every text of the map, in the order written: countries, legend, territories; each
    with its colour and the colour of its halo (what it is read against)."""
    pixels = Pixels.of(layout.frame)
    texts = [MapText(c.text, *pixels(c.x, c.y), "mm", COUNTRY_PT, False, style.GREY)
             for c in layout.countries]
    box = layout.legend
    title, *lines = legend_lines(layout.year, layout.previous_year,
                                 absent_line([p.entry for p in layout.territories], layout.year))
    texts.append(MapText(title, *pixels(box.left, box.top - 0.5 * LEGEND_ROW_PT
                                        * layout.km_per_point), "lm", FIGURE_PT, True, TEXT))
    for row, text in enumerate(lines, 1):
        texts.append(MapText(text, *pixels(*_legend_row(layout, row)[1]), "lm", FIGURE_PT,
                             False, TEXT))
    for placed in layout.territories:
        box = placed.label
        x = {"left": box.left, "right": box.right, "center": (box.left + box.right) / 2}[placed.align]
        anchor = {"left": "la", "right": "ra", "center": "ma"}[placed.align]
        y = box.top
        for index, line in enumerate(placed.lines):
            is_name = index < placed.name_lines
            size = NAME_PT if is_name else FIGURE_PT
            color = style.NAVY if is_name else TEXT
            texts.append(MapText(line, *pixels(x, y), anchor, size, is_name, color))
            y -= size * LINE_SPACING * layout.km_per_point
    return texts


def _absent(layout: MapLayout) -> bool:
    return any(p.entry.current is None for p in layout.territories)


def _legend_row(layout: MapLayout, row: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """The centre of the symbol of the legend's `row` (1: the first after its title) and
    where its text starts, in km."""
    points, box = layout.km_per_point, layout.legend
    y = box.top - (row + 0.5) * LEGEND_ROW_PT * points
    return ((box.left + LEGEND_SYMBOL_PT / 2 * points, y),
            (box.left + (LEGEND_SYMBOL_PT + GAP_PT) * points, y))


def map_font(points: float, bold: bool) -> ImageFont.FreeTypeFont:
    """The body font (the charts'; matplotlib's DejaVu Sans without it) at `points`."""
    from .charts import body_font

    font = body_font()
    if font is not None:
        return _truetype(font.files[1 if bold else 0], _px(points))
    import importlib.util

    # Found, not imported: a map is never worth matplotlib's import.
    matplotlib = importlib.util.find_spec("matplotlib")
    assert matplotlib is not None and matplotlib.origin is not None, "a dependency, installed"
    folder = Path(matplotlib.origin).parent / "mpl-data"
    return _truetype(str(folder / "fonts" / "ttf" / (
        "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), _px(points))


@cache
def _truetype(path: str, size: float) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


@cache
def _lacks(font: ImageFont.FreeTypeFont, character: str) -> bool:
    """Whether `font` draws `character` as its « missing » box."""
    def drawn(text: str) -> tuple[tuple[int, int], bytes]:
        mask = font.getmask(text)
        return mask.size, bytes(mask)

    return not character.isspace() and drawn(character) == drawn("\U0010ffff")


def _draw(layout: MapLayout) -> bytes:
    """Over the background (its borders), the markers, then the leader lines, then every
    text with its halo: nothing the background draws crosses a marker or a text."""
    from PIL import ImageDraw

    from .charts import body_font, missing_glyph

    pixels = Pixels.of(layout.frame)
    image = _background(pixels)
    for inset in layout.insets:  # over the background, in its own frame
        corner, opposite = pixels(inset.left, inset.top), pixels(inset.right, inset.bottom)
        ImageDraw.Draw(image).rectangle(
            (round(corner[0]), round(corner[1]), round(opposite[0]), round(opposite[1])),
            fill=SEA, outline=ABROAD_EDGE, width=max(1, round(_px(0.75))))
    points = layout.km_per_point
    colors = layout.year_colors
    markers = []  # (centre, radius (km), kind)
    legend = ["current", "previous"] if layout.previous_year is not None else ["current"]
    for row, kind in enumerate(legend + (["absent"] if _absent(layout) else []), 1):
        markers.append((_legend_row(layout, row)[0], LEGEND_SYMBOL_PT * 0.4 * points, kind))
    for placed in layout.territories:
        kind = "absent" if placed.entry.current is None else "current"
        markers.append(((placed.x, placed.y), placed.radius, kind))
    for placed in layout.territories:  # over the current circles
        if placed.previous_radius is not None:
            markers.append(((placed.x, placed.y), placed.previous_radius, "previous"))
    for centre, radius, kind in markers:
        color = (colors[layout.year] if kind == "current" else style.GREY if kind == "absent"
                 else colors[layout.previous_year or layout.year])
        _marker(image, *pixels(*centre), radius * pixels.per_km, kind, color)
    leaders = [placed.leader for placed in layout.territories if placed.leader]
    leaders += [country.leader for country in layout.countries if country.leader]
    if leaders:
        _paint(image, style.GREY, _lines([[pixels(*start), pixels(*end)]
                                          for start, end in leaders], _px(LEADER_PT)))
    draw = ImageDraw.Draw(image)
    texts = map_texts(layout)
    for text in texts:
        _write(draw, text)
    font = body_font()
    family = font.family if font else "DejaVu Sans"
    for text in texts:
        for character in dict.fromkeys(text.text):
            if _lacks(map_font(text.points, text.bold), character):
                missing_glyph(character, family)
    return _encode(image)


def _write(draw: ImageDraw.ImageDraw, text: MapText) -> None:
    draw.text((text.x, text.y), text.text, fill=text.color, anchor=text.anchor,
              font=map_font(text.points, text.bold), stroke_width=round(_px(HALO_PT)),
              stroke_fill=text.halo)


def _marker(image: Image.Image, x: float, y: float, radius: float, kind: str, color: str) -> None:
    """A circle of the map (or of its legend) centred on pixel (x, y), opaque: the
    borders under it do not show through."""
    if kind == "current":
        _paint(image, color, _disk(x, y, radius), _around(image, x, y, radius))
        _paint(image, "white", _circle(x, y, radius, _px(0.6)), _around(image, x, y, radius))
    elif kind == "absent":
        _paint(image, "white", _disk(x, y, radius), _around(image, x, y, radius))
        _paint(image, color, _circle(x, y, radius, _px(0.8), (2, 1.5)),
               _around(image, x, y, radius))
    else:
        _paint(image, color, _circle(x, y, radius, _px(0.9), (2.5, 1.5)),
               _around(image, x, y, radius))


def _around(image: Image.Image, x: float, y: float, radius: float) -> tuple[int, int, int, int]:
    reach = radius + _px(1)
    return (max(math.floor(x - reach), 0), max(math.floor(y - reach), 0),
            min(math.ceil(x + reach), image.width), min(math.ceil(y + reach), image.height))


def _disk(x: float, y: float, radius: float) -> Shapes:
    def shapes(draw: ImageDraw.ImageDraw, at: Callable[[float, float], tuple[float, float]],
               scale: int, rows: tuple[int, int]) -> None:
        (left, top), (right, bottom) = at(x - radius, y - radius), at(x + radius, y + radius)
        draw.ellipse((left, top, right, bottom), fill=255)
    return shapes


def _circle(x: float, y: float, radius: float, width: float,
            dashes: tuple[float, float] | None = None) -> Shapes:
    """A line `width` pixels wide along the circle; `dashes`: (on, off) in line widths,
    as many whole periods as fit around it."""
    def shapes(draw: ImageDraw.ImageDraw, at: Callable[[float, float], tuple[float, float]],
               scale: int, rows: tuple[int, int]) -> None:
        outer = radius + width / 2  # Pillow draws a circle's line inside its box
        (left, top), (right, bottom) = at(x - outer, y - outer), at(x + outer, y + outer)
        thick = max(round(width * scale), 1)
        if dashes is None:
            draw.ellipse((left, top, right, bottom), outline=255, width=thick)
            return
        on, off = dashes
        count = max(round(2 * math.pi * radius / ((on + off) * width)), 2)
        step = 360 / count
        for index in range(count):
            start = 90 + index * step
            draw.arc((left, top, right, bottom), start, start + step * on / (on + off),
                     fill=255, width=thick)
    return shapes


def _paint(image: Image.Image, color: str, shapes: Shapes,
           box: tuple[int, int, int, int] | None = None) -> None:
    """`shapes(draw, at, scale, rows)` painted in `color` over the pixels of `box` of
    `image`, antialiased: drawn in white on a mask SUPERSAMPLE (`scale`) times larger,
    where `at(x, y)` is the image's pixel (x, y), a strip of `rows` (top, bottom) at a
    time."""
    from PIL import Image, ImageDraw

    left, top, right, bottom = box or (0, 0, image.width, image.height)
    scale = SUPERSAMPLE
    for strip in range(top, bottom, STRIP_ROWS):
        end = min(strip + STRIP_ROWS, bottom)
        mask = Image.new("L", ((right - left) * scale, (end - strip) * scale))

        def at(x: float, y: float, strip: int = strip) -> tuple[float, float]:
            return (x - left) * scale, (y - strip) * scale

        shapes(ImageDraw.Draw(mask), at, scale, (strip, end))
        mask = mask.reduce(scale)
        image.paste(color, (left, strip, right, end), mask)


def _background(pixels: Pixels) -> Image.Image:
    """The sea, the countries, their borders: the same for every map of the same frame,
    drawn once and kept in the user's cache (the same on every project)."""
    import io

    from PIL import Image

    from .charts import _cached

    png = _cached(f"fond de carte {_boundaries_digest()} {pixels!r}",
                  lambda: _draw_background(pixels), lasting=True)
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def _draw_background(pixels: Pixels) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (pixels.width, pixels.height), SEA)
    draw = ImageDraw.Draw(image)
    rings = [(code == "FR", [pixels(*lambert93(lon, lat)) for lon, lat in ring])
             for code, country in _countries().items() for ring in country["contours"]]
    for france, fill, edge, width in ((False, "white", ABROAD_EDGE, 0.5),
                                      (True, style.LIGHT, style.GREY, 0.8)):
        ours = [ring for is_france, ring in rings if is_france == france]
        for ring in ours:  # hard edges, under the antialiased borders
            draw.polygon(ring, fill=fill)
        _paint(image, edge, _borders(ours, _px(width)))
    return _encode(image)


def _borders(rings: list[list[tuple[float, float]]], width: float) -> Shapes:
    def shapes(draw: ImageDraw.ImageDraw, at: Callable[[float, float], tuple[float, float]],
               scale: int, rows: tuple[int, int]) -> None:
        # Only the runs of segments that reach the strip: each strip drawing every
        # border took twice as long as the whole picture at once.
        top, bottom = rows[0] - width, rows[1] + width
        for ring in rings:
            closed = ring + ring[:1]
            run: list[tuple[float, float]] = []
            for start, end in pairwise(closed):
                if min(start[1], end[1]) <= bottom and max(start[1], end[1]) >= top:
                    run = run or [at(*start)]
                    run.append(at(*end))
                elif run:
                    draw.line(run, fill=255, width=round(width * scale), joint="curve")
                    run = []
            if run:
                draw.line(run, fill=255, width=round(width * scale), joint="curve")
    return shapes


def _lines(polylines: list[list[tuple[float, float]]], width: float) -> Shapes:
    """Open lines (the leader lines), `width` pixels wide."""
    def shapes(draw: ImageDraw.ImageDraw, at: Callable[[float, float], tuple[float, float]],
               scale: int, rows: tuple[int, int]) -> None:
        for line in polylines:
            draw.line([at(*point) for point in line], fill=255, width=max(round(width * scale), 1))
    return shapes


def _encode(image: Image.Image) -> bytes:
    """PNG bytes: the same pixels give the same bytes (no time, no software)."""
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="png", dpi=(DPI, DPI), compress_level=PNG_COMPRESSION)
    return buffer.getvalue()
