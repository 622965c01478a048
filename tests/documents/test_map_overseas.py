"""Overseas territories on the map: each drawn in an inset in a corner, in its own frame,
labelled, at the same marker scale as the mainland; none is ever « non placé »."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from rencontres.content.loading import load_content
from rencontres.documents.map import MapEntry, map_entries, map_fields, map_layout, map_problems

REPO = Path(__file__).resolve().parents[2]
GUYANE = MapEntry("Guyane – Brésil / Suriname", -51.8, 3.9, "droite", 45, 30)
SAINT_MARTIN = MapEntry("Saint-Martin", -63.05, 18.07, "droite", 20, None)
OVERSEAS = """\
  - id: guyane
    nom: Guyane – Brésil / Suriname
    pays: [FR, BR, SR]
    carte: {longitude: -51.8, latitude: 3.9, etiquette: droite}
  - id: saint-martin
    nom: Saint-Martin
    pays: [FR, NL]
    carte: {longitude: -63.05, latitude: 18.07, etiquette: droite}
"""


@pytest.fixture(scope="module")
def mainland() -> list[MapEntry]:
    content = load_content(REPO / "content")
    return map_entries(content, content.editions[2021])


def test_guyane_and_saint_martin_are_drawn_in_insets_at_the_same_scale(mainland):
    layout = map_layout([*mainland, GUYANE, SAINT_MARTIN], 2021, 2020)
    assert map_problems(layout) == []
    assert not layout.numbered
    guyane, saint_martin = layout.territories[-2:]
    assert len(layout.insets) == 2
    for placed, inset in zip((guyane, saint_martin), layout.insets, strict=True):
        # In its own frame, inside the map's, its marker and its label inside it.
        assert inset.inside(layout.frame)
        assert placed.marker.inside(inset) and placed.label.inside(inset)
        assert placed.leader is None
    assert guyane.lines == ("Guyane – Brésil /", "Suriname", "45 en 2021", "30 en 2020")
    assert saint_martin.lines == ("Saint-Martin", "20 en 2021", "pas de données en 2020")
    # Side by side in the top left corner, clear of each other and of every mainland label.
    first, second = layout.insets
    assert math.isclose(first.top, second.top) and first.right < second.left
    assert first.left - layout.frame.left < 10 * layout.km_per_point
    for placed in layout.territories[:-2]:
        assert not any(placed.label.overlaps(inset) for inset in layout.insets)
    # The same marker scale: area proportional to participants, overseas or not.
    hauts_de_france = next(p for p in layout.territories if p.entry.name == "Hauts-de-France")
    assert math.isclose(guyane.radius / hauts_de_france.radius,
                        math.sqrt(45 / hauts_de_france.entry.current))


def test_a_mainland_map_has_no_inset(mainland):
    assert map_layout(mainland, 2021, 2020).insets == ()


def test_the_referentiel_accepts_overseas_places_and_the_caption_names_the_insets(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    referentiel = tmp_path / "content" / "referentiel.yaml"
    text = referentiel.read_text("utf-8")
    referentiel.write_text(text.replace("\nthemes:", OVERSEAS + "\nthemes:", 1), "utf-8")
    for tid, total in (("guyane", 45), ("saint-martin", 20)):
        (tmp_path / f"content/2021/territoires/{tid}.yaml").write_text(
            f"territoire: {tid}\nparticipants: {{total: {total}}}\n", "utf-8")
    content = load_content(tmp_path / "content")
    caption = map_fields(content, content.editions[2021])["legende_carte"]
    assert caption.endswith(" En encart : Guyane – Brésil / Suriname et Saint-Martin.")
    assert "Non placés" not in caption
