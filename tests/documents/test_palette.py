"""The palette of the editions (documents/style.py): one colour per year across the map,
the charts and their legends, each against its neighbours as WCAG 2.1 asks: 3:1 for
graphical objects (1.4.11), 4.5:1 for text (1.4.3)."""

from __future__ import annotations

from itertools import pairwise

import pytest

from rencontres.documents import style
from rencontres.documents.style import contrast_ratio, edition_colors


def test_contrast_ratio_is_wcag_s():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == 1
    assert round(contrast_ratio("#E07B39", "#FFFFFF"), 2) == 2.97
    assert round(contrast_ratio("B0501A", "FFFFFF"), 2) == 5.24
    # The trends chart's blues before: sky, middle blue, navy, side by side.
    assert round(contrast_ratio("#6C94C5", "#466792"), 2) == 1.85
    assert round(contrast_ratio("#466792", "#1F3A5F"), 2) == 1.98


@pytest.mark.parametrize("count", range(1, 7))
def test_consecutive_editions_stand_apart_and_out_of_the_page(count: int):
    years = list(range(2021 - count + 1, 2022))
    colors = edition_colors(years)
    assert len(set(colors.values())) == count  # one colour per year
    for older, newer in pairwise(years):  # side by side in the trends chart
        assert contrast_ratio(colors[older], colors[newer]) >= 3, (older, newer)
    for year in years:
        assert contrast_ratio(colors[year], style.WHITE) >= 3, year


def test_a_year_has_the_same_colour_in_every_figure_of_a_document():
    """The map and the participants chart show two editions, the trends up to six: the
    same edition, the same colour, even across skipped years."""
    trends = edition_colors([2016, 2018, 2019, 2021])
    assert edition_colors([2019, 2021]) == {2019: trends[2019], 2021: trends[2021]}
    assert edition_colors([2021]) == {2021: style.NAVY}
    assert trends[2019] == style.ORANGE


def test_the_map_s_circles_stand_out_from_the_land_and_from_each_other():
    """The previous edition's dashed circle is drawn over this edition's disk and, when
    larger, over France's light grey."""
    current, previous = style.EDITION_PALETTE[:2]
    assert contrast_ratio(current, previous) >= 3
    for color in (current, previous, style.GREY):
        assert contrast_ratio(color, style.LIGHT) >= 3, color


@pytest.mark.parametrize("text", [style.NAVY, style.TEXT, style.GREY])
@pytest.mark.parametrize("background", [style.WHITE, style.LIGHT])
def test_texts_are_readable_on_white_and_on_the_land(text: str, background: str):
    assert contrast_ratio(text, background) >= 4.5
