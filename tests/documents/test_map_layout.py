"""The map's layout (documents/map.py, map_placement.py): every label clear of the border
lines, the markers and the other texts, near its marker or tied to it by a leader line,
for every shape of edition; the neighbours named; markers and texts drawn over the
borders, texts on a white halo."""

from __future__ import annotations

import dataclasses
import io
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from rencontres.content.loading import load_content
from rencontres.documents import style
from rencontres.documents.map import (
    LEADER_FROM_PT,
    MAX_REACH_PT,
    MapEntry,
    MapLayout,
    Pixels,
    _draw,
    border_lines,
    map_entries,
    map_figure,
    map_layout,
    map_problems,
    map_texts,
)
from rencontres.documents.map_placement import Box

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def entries_2021() -> list[MapEntry]:
    content = load_content(REPO / "content")
    return map_entries(content, content.editions[2021])


def partial(entries: list[MapEntry], held: set[str]) -> list[MapEntry]:
    """An edition in progress: only `held` have a file this year."""
    return [dataclasses.replace(e, current=e.current if e.name in held else None)
            for e in entries]


def assert_well_placed(layout: MapLayout) -> None:
    assert map_problems(layout) == []
    km_pt = layout.km_per_point
    for placed in layout.territories:
        assert placed.distance <= MAX_REACH_PT * km_pt + 1e-6, placed.entry.name
        if placed.distance > LEADER_FROM_PT * km_pt + 1e-6:
            assert placed.leader is not None, placed.entry.name


def test_every_territory_of_the_referentiel_is_labelled_clear_of_everything(entries_2021):
    assert len(entries_2021) == 9
    for previous_year in (2020, None):
        assert_well_placed(map_layout(entries_2021, 2021, previous_year))


def test_a_partial_edition_labels_the_ardennes_beside_their_own_marker(entries_2021):
    """The Ardennes' label sat under Grande Région's marker, far from its own."""
    layout = map_layout(partial(entries_2021, {"Ardennes", "Grande Région"}), 2022, 2021)
    assert_well_placed(layout)
    ardennes, grande_region = layout.territories[1:3]
    assert (ardennes.entry.name, grande_region.entry.name) == ("Ardennes", "Grande Région")
    own = ardennes.label.distance_to(ardennes.x, ardennes.y) - ardennes.reach
    other = ardennes.label.distance_to(grande_region.x, grande_region.y) - grande_region.reach
    assert own < other or ardennes.leader is not None


counts = st.one_of(st.none(), st.integers(min_value=1, max_value=400))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_subset_of_territories_with_any_counts_is_well_placed(entries_2021, data):
    chosen = data.draw(st.lists(st.sampled_from(entries_2021), min_size=1, unique=True))
    with_previous = data.draw(st.booleans())
    shown = [dataclasses.replace(entry, current=data.draw(counts),
                                 previous=data.draw(counts) if with_previous else None)
             for entry in entries_2021 if entry in chosen]
    assert_well_placed(map_layout(shown, 2023, 2022 if with_previous else None))


def test_the_check_sees_a_label_on_a_border_a_marker_or_another_label(entries_2021):
    """map_problems looks at the exact lines, not at the placement's grid."""
    layout = map_layout(entries_2021, 2021, 2020)
    first, second = layout.territories[:2]
    line = border_lines()[0]
    x, y = line[len(line) // 2]
    on_border = dataclasses.replace(first, label=Box(x - 1, y - 1, x + 1, y + 1))
    on_marker = dataclasses.replace(second, label=first.label.moved(0, 0))
    broken = dataclasses.replace(layout, territories=(on_border, on_marker,
                                                      *layout.territories[2:]))
    problems = map_problems(broken)
    assert "étiquette « Hauts-de-France » : touche une frontière ou une côte" in problems
    assert "étiquette « Ardennes » : touche le cercle de « Hauts-de-France »" not in problems
    far = dataclasses.replace(second, label=second.label.moved(0, -60 * layout.km_per_point),
                              leader=None)
    problems = map_problems(dataclasses.replace(layout, territories=(
        first, far, *layout.territories[2:])))
    assert "étiquette « Ardennes » : loin de son cercle, sans trait de rappel" in problems


def test_the_neighbours_are_named(entries_2021):
    names = {c.text for c in map_layout(entries_2021, 2021, 2020).countries}
    assert names == {"FRANCE", "BELGIQUE", "LUXEMBOURG", "ALLEMAGNE", "SUISSE", "ITALIE",
                     "ESPAGNE", "ROYAUME-UNI"}
    # Andorra and Monaco lie under the markers of their territories; without them on the
    # map, they are named, beside with a leader line.
    uncovered = [e for e in entries_2021
                 if e.name not in ("Pyrénées Est & Centre", "Sud FR-IT-Monaco")]
    countries = {c.text: c for c in map_layout(uncovered, 2021, 2020).countries}
    assert {"ANDORRE", "MONACO"} <= set(countries)
    assert countries["ANDORRE"].leader is not None and countries["MONACO"].leader is not None


def test_markers_are_opaque_over_the_borders():
    """A marker let the borders under it show through (90 % opaque)."""
    entry = MapEntry("Genevois", 6.3, 46.1, "droite", 20, None)  # on the Swiss border
    layout = map_layout([entry], 2021, None)
    image = Image.open(io.BytesIO(_draw(layout))).convert("RGB")
    pixels = Pixels.of(layout.frame)
    [placed] = layout.territories
    cx, cy = pixels(placed.x, placed.y)
    inner = 0.85 * placed.radius * pixels.per_km
    navy = tuple(int(style.NAVY[i:i + 2], 16) for i in (1, 3, 5))
    seen = {image.getpixel((round(cx + inner * math.cos(a) * k), round(cy + inner * math.sin(a) * k)))
            for a in [i * math.pi / 12 for i in range(24)] for k in (0, 0.5, 1)}
    assert seen == {navy}


def test_every_text_is_drawn_on_a_white_halo_in_a_colour_readable_on_it(entries_2021):
    layout = map_layout(partial(entries_2021, {"Ardennes"}), 2022, 2021)
    texts = map_texts(layout)
    assert {text.halo for text in texts} == {style.WHITE}
    for text in texts:
        assert style.contrast_ratio(text.color, text.halo) >= 4.5, text.text


def test_the_map_s_years_have_the_palette_s_colours(entries_2021):
    layout = map_layout(entries_2021, 2021, 2020)
    assert layout.year_colors == {2021: style.NAVY, 2020: style.ORANGE}
    assert layout.year_colors == style.edition_colors([2020, 2021])


def test_the_map_of_a_built_edition_is_given_for_checking():
    content = load_content(REPO / "content")
    figure = map_figure(content, content.editions[2021])
    assert figure is not None and figure.problems == ()
    assert figure.year_colors == {2020: style.ORANGE, 2021: style.NAVY}
    assert [p.entry.name for p in figure.layout.territories][:2] == ["Hauts-de-France",
                                                                     "Ardennes"]
    assert ("22 en 2021", style.TEXT, style.WHITE) in [(t.text, t.color, t.halo)
                                                       for t in figure.texts]


def test_a_map_too_crowded_for_its_labels_numbers_its_markers(tmp_path):
    """30 territories (tests/support/corpus.py): 76 problems with labels (on borders, on
    markers, on each other); a number by each marker instead, and the caption says whose
    (the figures are in the participants chart that follows)."""
    from support.corpus import thirty_territories

    from rencontres.content.loading import load_content
    from rencontres.documents.map import map_fields, map_figure

    thirty_territories(tmp_path)
    content = load_content(tmp_path / "content")
    edition = content.editions[max(content.editions)]
    figure = map_figure(content, edition)
    assert figure is not None and figure.layout.numbered and figure.problems == ()
    assert [placed.lines for placed in figure.layout.territories][:2] == [("1",), ("2",)]
    assert map_fields(content, edition)["legende_carte"] == (
        "Participants aux Rencontres territoriales 2020 et 2021 par territoire ; la surface "
        "de chaque cercle est proportionnelle au nombre de participants. Numéros des "
        "cercles : " + " ; ".join(f"{n} : Eurométropole transfrontalière numéro {n} et ses "
                                  "voisins" for n in range(1, 31)) + ".")


def test_an_edition_whose_labels_fit_keeps_them():
    from rencontres.content.loading import load_content
    from rencontres.documents.map import map_figure

    content = load_content(REPO / "content")
    figure = map_figure(content, content.editions[2021])
    assert figure is not None and not figure.layout.numbered
    assert figure.layout.territories[0].lines[0] == "Hauts-de-France"
