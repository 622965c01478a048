"""Where the map's texts go: pure geometry, in kilometres of the Lambert-93 projection.

A text's box must touch no border line, no marker, no other text, and stand inside the
frame. Candidates are tried nearest first around what the text names (a territory's
marker, a country's point), in the direction the author chose first; a text that must
stand further than LEADER_FROM_PT from its marker gets a leader line to it.

Border lines are held as a grid of cells a line passes through (every cell a sample of
the lines falls in, samples closer than a cell apart), summed once (a summed-area
table): whether a box touches a line is then four look-ups, not a walk along the lines.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

Point = tuple[float, float]
Segment = tuple[Point, Point]

GAP_PT = 6               # between a marker and its label, wide enough to read them apart
LEADER_FROM_PT = 10      # a label further from its marker's edge gets a leader line
MAX_REACH_PT = 110       # no label further than that from its marker's edge
STEP_PT = 3              # the distances tried, from GAP_PT on
DIRECTIONS = 24          # the directions tried around a marker
TURN_COST_PT = 8         # a label 45° off its side is as bad as this much further
LEADER_COST_PT = 20      # a leader line is as bad as this much further
CELL_KM = 3.0            # the grid of border lines
LINE_MARGIN_PT = 1.0     # a text's box kept this far from a line (its width, its halo)


@dataclass(frozen=True)
class Box:
    left: float
    bottom: float
    right: float
    top: float

    def overlaps(self, other: Box) -> bool:
        return (self.left < other.right and other.left < self.right
                and self.bottom < other.top and other.bottom < self.top)

    def inside(self, other: Box) -> bool:
        return (other.left <= self.left and self.right <= other.right
                and other.bottom <= self.bottom and self.top <= other.top)

    def moved(self, dx: float, dy: float) -> Box:
        return Box(self.left + dx, self.bottom + dy, self.right + dx, self.top + dy)

    def grown(self, margin: float) -> Box:
        return Box(self.left - margin, self.bottom - margin, self.right + margin,
                   self.top + margin)

    def distance_to(self, x: float, y: float) -> float:
        """From the point (x, y) to the box (0 inside it)."""
        dx = max(self.left - x, 0, x - self.right)
        dy = max(self.bottom - y, 0, y - self.top)
        return math.hypot(dx, dy)

    def nearest_to(self, x: float, y: float) -> Point:
        return (min(max(x, self.left), self.right), min(max(y, self.bottom), self.top))

    def crosses(self, segment: Segment) -> bool:
        """Whether the segment touches the box (Liang–Barsky clipping)."""
        (x0, y0), (x1, y1) = segment
        dx, dy = x1 - x0, y1 - y0
        low, high = 0.0, 1.0
        for p, q in ((-dx, x0 - self.left), (dx, self.right - x0),
                     (-dy, y0 - self.bottom), (dy, self.top - y0)):
            if p == 0:
                if q < 0:
                    return False
                continue
            t = q / p
            if p < 0:
                low = max(low, t)
            else:
                high = min(high, t)
            if low > high:
                return False
        return True


@dataclass(frozen=True)
class Circle:
    x: float
    y: float
    radius: float

    def touches(self, box: Box) -> bool:
        return box.distance_to(self.x, self.y) < self.radius


class LineGrid:
    """The cells of a frame that border lines pass through, summed for box queries."""

    def __init__(self, frame: Box, lines: Iterable[Sequence[Point]]) -> None:
        self.frame = frame
        self.columns = math.ceil((frame.right - frame.left) / CELL_KM) + 1
        self.rows = math.ceil((frame.top - frame.bottom) / CELL_KM) + 1
        marked = [bytearray(self.columns) for _ in range(self.rows)]
        for line in lines:
            for (x0, y0), (x1, y1) in pairwise(line):
                steps = max(1, math.ceil(math.hypot(x1 - x0, y1 - y0) / (CELL_KM / 2)))
                for step in range(steps + 1):
                    t = step / steps
                    column, row = self._cell(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
                    if 0 <= column < self.columns and 0 <= row < self.rows:
                        marked[row][column] = 1
        # sums[r][c]: marked cells in rows < r and columns < c.
        sums = [[0] * (self.columns + 1)]
        for cells in marked:
            running, above, line_sums = 0, sums[-1], [0]
            for index, value in enumerate(cells):
                running += value
                line_sums.append(above[index + 1] + running)
            sums.append(line_sums)
        self.sums = sums

    def _cell(self, x: float, y: float) -> tuple[int, int]:
        return (math.floor((x - self.frame.left) / CELL_KM),
                math.floor((y - self.frame.bottom) / CELL_KM))

    def touches(self, box: Box) -> bool:
        """Whether a line passes through a cell the box overlaps: a line within half a
        cell of the box (the distance between samples) is caught."""
        left, bottom = self._cell(box.left - CELL_KM / 2, box.bottom - CELL_KM / 2)
        right, top = self._cell(box.right + CELL_KM / 2, box.top + CELL_KM / 2)
        left, right = max(left, 0), min(right, self.columns - 1)
        bottom, top = max(bottom, 0), min(top, self.rows - 1)
        if left > right or bottom > top:
            return False
        s = self.sums
        return (s[top + 1][right + 1] - s[bottom][right + 1] - s[top + 1][left]
                + s[bottom][left]) > 0


@dataclass
class Obstacles:
    """What a new text must keep clear of."""

    frame: Box
    lines: LineGrid
    line_margin: float
    circles: list[Circle]
    boxes: list[Box]
    leaders: list[Segment]

    def clear(self, box: Box) -> bool:
        # Written out (Circle.touches, Box.overlaps): a crowded map asks this of some
        # hundred thousand boxes.
        if not box.inside(self.frame) or self.lines.touches(box.grown(self.line_margin)):
            return False
        left, bottom, right, top = box.left, box.bottom, box.right, box.top
        for circle in self.circles:
            x, y = circle.x, circle.y
            dx = left - x if left > x else x - right if x > right else 0.0
            dy = bottom - y if bottom > y else y - top if y > top else 0.0
            if math.hypot(dx, dy) < circle.radius:
                return False
        for other in self.boxes:
            if left < other.right and other.left < right and bottom < other.top \
                    and other.bottom < top:
                return False
        return not any(box.crosses(leader) for leader in self.leaders)

    def leader_clear(self, leader: Segment, own: Circle) -> bool:
        """A leader line crosses no other text, nor another marker."""
        return (not any(other.crosses(leader) for other in self.boxes)
                and not any(_segment_meets_circle(leader, circle) for circle in self.circles
                            if circle != own)
                and not any(_segments_cross(leader, other) for other in self.leaders))


def _segments_cross(one: Segment, other: Segment) -> bool:
    def side(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    (a, b), (c, d) = one, other
    return (side(a, b, c) * side(a, b, d) < 0) and (side(c, d, a) * side(c, d, b) < 0)


def _segment_meets_circle(segment: Segment, circle: Circle) -> bool:
    (x0, y0), (x1, y1) = segment
    dx, dy = x1 - x0, y1 - y0
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((circle.x - x0) * dx + (circle.y - y0) * dy)
                                             / length))
    return math.hypot(x0 + t * dx - circle.x, y0 + t * dy - circle.y) < circle.radius


def _box_at(x: float, y: float, width: float, height: float, angle: float,
            distance: float) -> Box:
    """A box of `width` × `height` whose centre is in the direction `angle` from (x, y),
    its nearest point `distance` away."""
    return _box_toward(x, y, width / 2, height / 2, math.cos(angle), math.sin(angle),
                       distance)


def _box_toward(x: float, y: float, half_w: float, half_h: float, ux: float, uy: float,
                distance: float) -> Box:
    """_box_at, the direction given by its unit vector (ux, uy)."""
    a, b = abs(ux), abs(uy)
    # The box clears the point along x only, along y only, or at its corner: the
    # nearest of these whose gap to the point is `distance`.
    least = distance - 1e-9 * (1 + distance)
    candidates = [0.0]
    if a > 1e-12:
        candidates.append((distance + half_w) / a)
    if b > 1e-12:
        candidates.append((distance + half_h) / b)
    middle = a * half_w + b * half_h
    root = middle * middle - (half_w * half_w + half_h * half_h - distance * distance)
    if root >= 0:
        candidates.append(middle + math.sqrt(root))
    t = min(c for c in candidates
            if math.hypot(c * a - half_w if c * a > half_w else 0.0,
                          c * b - half_h if c * b > half_h else 0.0) >= least)
    cx, cy = x + t * ux, y + t * uy
    return Box(cx - half_w, cy - half_h, cx + half_w, cy + half_h)


SIDES = {"droite": 0.0, "haut": math.pi / 2, "gauche": math.pi, "bas": -math.pi / 2}
# The directions tried around a marker: each angle, its cosine and its sine.
_DIRECTIONS = [(angle, math.cos(angle), math.sin(angle))
               for angle in (2 * math.pi * index / DIRECTIONS for index in range(DIRECTIONS))]


@dataclass(frozen=True)
class Placement:
    box: Box
    align: str                   # "left", "right" or "center" in the box
    leader: Segment | None       # from the marker's edge to the box, or none
    distance: float              # from the marker's edge to the box
    cost: float = 0.0            # points: the distance, the turn from its side, a leader


def place_label(circle: Circle, width: float, height: float, side: str,
                obstacles: Obstacles, km_pt: float) -> Placement | None:
    """The best place for a label of `width` × `height` around `circle` clear of
    `obstacles`, within MAX_REACH_PT of it, nearer to its own marker than to any other
    or with a leader line if it can; None when there is none."""
    return (_place_label(circle, width, height, side, obstacles, km_pt, True)
            or _place_label(circle, width, height, side, obstacles, km_pt, False))


def _nearest_to_own(box: Box, own: Circle, circles: Sequence[Circle]) -> bool:
    distance = box.distance_to(own.x, own.y) - own.radius
    left, bottom, right, top = box.left, box.bottom, box.right, box.top
    for other in circles:  # Box.distance_to written out, as in Obstacles.clear
        x, y = other.x, other.y
        dx = left - x if left > x else x - right if x > right else 0.0
        dy = bottom - y if bottom > y else y - top if y > top else 0.0
        if other is not own and math.hypot(dx, dy) - other.radius <= distance:
            return False
    return True


def _place_label(circle: Circle, width: float, height: float, side: str,
                 obstacles: Obstacles, km_pt: float, nearest_to_own: bool) -> Placement | None:
    """Best: nearest, on the author's `side` (a label turned 45° from it costs as much
    as TURN_COST_PT further), and without a leader line if it can."""
    preferred = SIDES.get(side, 0.0)
    turns = [abs(math.remainder(angle - preferred, 2 * math.pi)) / (math.pi / 4)
             for angle, _, _ in _DIRECTIONS]
    best: tuple[float, Placement] | None = None
    for step in range(int((MAX_REACH_PT - GAP_PT) / STEP_PT) + 1):
        distance_pt = GAP_PT + step * STEP_PT
        if best is not None and distance_pt >= best[0]:
            break  # every further place costs more
        for (_, ux, uy), turn in zip(_DIRECTIONS, turns, strict=True):
            leader_pt = LEADER_COST_PT if distance_pt > LEADER_FROM_PT else 0
            cost = distance_pt + TURN_COST_PT * turn + leader_pt
            if best is not None and cost >= best[0]:
                continue
            distance = distance_pt * km_pt
            box = _box_toward(circle.x, circle.y, width / 2, height / 2, ux, uy,
                              circle.radius + distance)
            # A label nearer another marker reads as its, unless a leader line says whose.
            if not obstacles.clear(box) or (nearest_to_own and not leader_pt and not
                                            _nearest_to_own(box, circle, obstacles.circles)):
                continue
            leader = None
            if leader_pt:
                end = box.nearest_to(circle.x, circle.y)
                reach = math.hypot(end[0] - circle.x, end[1] - circle.y)
                start = (circle.x + (end[0] - circle.x) * circle.radius / reach,
                         circle.y + (end[1] - circle.y) * circle.radius / reach)
                leader = (start, end)
                if not obstacles.leader_clear(leader, circle):
                    continue
            align = "left" if ux > 0.3 else "right" if ux < -0.3 else "center"
            best = (cost, Placement(box, align, leader, distance, cost))
    return best[1] if best is not None else None


def place_name(x: float, y: float, width: float, height: float, obstacles: Obstacles,
               km_pt: float, reach_pt: float, small: bool) -> Placement | None:
    """A country's name centred on its point (x, y), or the nearest place clear of
    `obstacles` within `reach_pt` of it; the name of a `small` country (smaller than its
    name) off its point gets a leader line to it."""
    point = Circle(x, y, 0.0)
    distance = 0.0
    while distance <= reach_pt * km_pt:
        for index in range(DIRECTIONS if distance else 1):
            box = _box_at(x, y, width, height, 2 * math.pi * index / DIRECTIONS, distance)
            if not obstacles.clear(box):
                continue
            leader = None
            if small and distance > 0:
                leader = ((x, y), box.nearest_to(x, y))
                if not obstacles.leader_clear(leader, point):
                    continue
            return Placement(box, "center", leader, distance)
        distance += STEP_PT * km_pt
    return None
