"""Charts (rencontres/documents/charts.py): PNG bytes, deterministic, French text drawn; few and
fast on purpose, matplotlib being slow."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from rencontres.documents import style
from rencontres.documents.charts import Series, horizontal_bars, take_notes
from rencontres.documents.report import VoteRow, votes_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NAVY_RGB = (0x1F, 0x3A, 0x5F)
ACCENTED = ["Pyrénées Est & Centre", "Élus", "Cœur d’agglomération « été »", "Çà et là, à Noël"]


def image(png: bytes) -> Image.Image:
    assert png[:8] == PNG_SIGNATURE
    picture = Image.open(io.BytesIO(png))
    picture.load()
    return picture


def has_color(png: bytes, rgb: tuple[int, int, int]) -> bool:
    picture = image(png).convert("RGB")
    return any(color == rgb for _, color in picture.getcolors(picture.width * picture.height))


def glyph_warnings(labels: list[str]) -> list[str]:
    """What drawing `labels` says of missing glyphs (matplotlib's warnings, in French)."""
    take_notes()
    horizontal_bars(labels, [Series("Territoires", [1] * len(labels), style.NAVY)])
    return [note for note in take_notes() if "n'existe pas dans la police" in note]


def test_png_is_deterministic_and_sized_by_its_rows():
    values = [Series("2020", [10, 7, 0], style.SKY), Series("2021", [35, 18, 4], style.NAVY)]
    labels = ["Hauts-de-France", "Ardennes", "Grande Région"]
    first = horizontal_bars(labels, values)
    assert horizontal_bars(labels, values) == first
    changed = [values[0], Series("2021", [35, 19, 4], style.NAVY)]
    assert horizontal_bars(labels, changed) != first

    three = image(first)
    # No text chunk (such as « Software » with matplotlib's version): only the resolution.
    assert three.format == "PNG" and set(three.info) == {"dpi"}
    assert tuple(round(dpi) for dpi in three.info["dpi"]) == (200, 200)
    # 6.3 in at 200 dpi, cropped to the drawing.
    assert 1000 < three.width <= 1260
    single = image(horizontal_bars(["Élus"], [Series("Participants", [5], style.NAVY)]))
    assert 1000 < single.width <= 1260
    assert single.height < three.height


def test_zero_values_draw_no_bar_and_a_single_bar_draws_one():
    labels = ["Techniciens", "Élus"]
    zeros = horizontal_bars(labels, [Series("Participants", [0, 0], style.NAVY)])
    assert not has_color(zeros, NAVY_RGB)
    one = horizontal_bars(["Élus"], [Series("Participants", [3], style.NAVY)])
    assert has_color(one, NAVY_RGB)


def test_french_accents_have_glyphs_and_dollars_stay_text():
    assert glyph_warnings(ACCENTED) == []
    # The check does see a missing glyph.
    assert glyph_warnings(["漢"]) != []
    # Two « $ » would be matplotlib math, and « \frac » without arguments an error.
    png = horizontal_bars(["Budget 5 $ à 10 $", r"a $\frac$ b"],
                          [Series("Votes", [2, 1], style.NAVY)])
    assert png[:8] == PNG_SIGNATURE


def test_votes_chart_alt_text_states_every_value():
    votes = [VoteRow(label="Citoyenneté / Culture", votes=9, level1=True),
             VoteRow(label="Santé", votes=1, level1=False),
             VoteRow(label="Éducation", votes=0, level1=False)]
    chart = votes_chart(votes)
    assert chart.alt_text == (
        "Nombre de votes par thème. Citoyenneté / Culture : 9 votes "
        "(MOT particulièrement attendue) ; Santé : 1 vote ; Éducation : 0 vote.")
    assert chart.png[:8] == PNG_SIGNATURE


def _no_overlap(figure) -> list[str]:
    """What the legend covers: a bar, a value written at a bar's end, a label."""
    from matplotlib.backends.backend_agg import RendererAgg

    renderer = RendererAgg(int(figure.bbox.width), int(figure.bbox.height), figure.dpi)
    (axes,) = figure.axes
    legend = axes.get_legend()
    if legend is None:
        return []
    box = legend.get_window_extent(renderer)
    covered = [f"barre {index}" for index, bar in enumerate(axes.patches)
               if bar.get_width() > 0 and box.overlaps(bar.get_window_extent(renderer))]
    covered += [f"texte « {text.get_text()} »" for text in
                [*axes.texts, *axes.get_yticklabels()]
                if text.get_text() and box.overlaps(text.get_window_extent(renderer))]
    return covered


@pytest.mark.parametrize("bars", [1, 2, 3, 9, 20, 30])
@pytest.mark.parametrize("shape", ["one dominant", "ties", "zeros", "long labels"])
def test_the_legend_never_covers_a_bar_or_a_value(bars, shape):
    from rencontres.documents.charts import bars_figure

    values = {"one dominant": [100] + [1] * (bars - 1), "ties": [5] * bars,
              "zeros": [0] * (bars - 1) + [3], "long labels": list(range(bars, 0, -1))}[shape]
    labels = [("Coopération transfrontalière des services publics de santé " * 2
               if shape == "long labels" else "Thème") + f" {n}" for n in range(bars)]
    single = bars_figure(labels, [Series("Votes", values, style.NAVY)],
                         bar_colors=[style.ORANGE, style.SKY] * bars,
                         legend=[("MOT particulièrement attendue", style.ORANGE),
                                 ("Autre thème", style.SKY)])
    assert _no_overlap(single) == []
    double = bars_figure(labels, [Series("2020", values[::-1], style.SKY),
                                  Series("2021", values, style.NAVY)])
    assert _no_overlap(double) == []


def test_a_single_bar_is_said_in_text_not_drawn():
    from support.content_builders import build_content, edition, report
    from test_agreement import compte_rendu

    from rencontres.documents.synthesis import synthesis_context

    assert compte_rendu(1).votes_chart is None and compte_rendu(1).vote_lines
    assert compte_rendu(2).votes_chart is not None
    content = build_content(edition(2021, report("nord", 4, local=["mobilite"],
                                                 expected=["mobilite"])))
    context = synthesis_context(content, content.editions[2021])
    assert (context.participants_chart, context.local_priorities_chart,
            context.mot_expected_chart) == (None, None, None)
    assert context.participants_line == "dans 1 territoire sur 3"
    assert [line.label for line in context.local_priority_themes] == ["Mobilité"]


@pytest.mark.parametrize("bars", [9, 20, 30])
def test_many_bars_fit_a_page_and_their_labels_stay_apart(bars):
    from matplotlib.backends.backend_agg import RendererAgg

    from rencontres.documents.charts import MAX_HEIGHT, bars_figure

    labels = [f"Territoire transfrontalier n° {n}" for n in range(bars)]
    figure = bars_figure(labels, [Series("2020", list(range(bars)), style.SKY),
                                  Series("2021", list(range(bars, 0, -1)), style.NAVY)])
    assert figure.get_figheight() <= MAX_HEIGHT
    renderer = RendererAgg(int(figure.bbox.width), int(figure.bbox.height), figure.dpi)
    (axes,) = figure.axes
    boxes = [label.get_window_extent(renderer) for label in axes.get_yticklabels()]
    values = [text.get_window_extent(renderer) for text in axes.texts]
    for group in (boxes, values):
        assert not [(a, b) for i, a in enumerate(group) for b in group[i + 1:]
                    if a.overlaps(b)]
