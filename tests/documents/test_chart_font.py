"""Charts are drawn in the templates' body font, registered from its files; the font is
part of what a cached chart is found by; a missing font is said, never replaced in
silence."""

from __future__ import annotations

import pytest

from rencontres.documents import charts, style
from rencontres.documents.charts import Series


@pytest.fixture
def fresh_font(monkeypatch):
    monkeypatch.setattr(charts, "_font", [])
    charts.take_notes()
    yield
    charts._font.clear()


def test_the_body_font_is_found_by_its_files_and_drawn_with(fresh_font):
    from matplotlib import font_manager

    font = charts.body_font()
    assert font is not None and font.family == "Liberation Sans"
    assert [path.rsplit("/", 1)[-1] for path in font.files] == [
        "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"]
    charts.bars_figure(["Mobilité"], [Series("Votes", [3], style.NAVY)])
    drawn = font_manager.findfont(font_manager.FontProperties(
        family=charts._pyplot().rcParams["font.family"]), fallback_to_default=False)
    assert drawn == font.files[0]
    assert charts.take_notes() == []


def test_the_font_is_part_of_the_chart_key(fresh_font, monkeypatch):
    keys = []

    class Store:
        def png(self, drawing, draw):
            keys.append(drawing)
            return b"png"

    monkeypatch.setattr(charts, "_store", Store())
    charts.horizontal_bars(["Mobilité"], [Series("Votes", [3], style.NAVY)])
    monkeypatch.setattr(charts, "_font", [charts.Font("Arial", ("arial.ttf",), "0123")])
    charts.horizontal_bars(["Mobilité"], [Series("Votes", [3], style.NAVY)])
    assert keys[0] != keys[1] and keys[1].endswith("'Arial:0123')")


def test_a_missing_font_is_a_note_naming_the_files_and_folders(fresh_font, monkeypatch,
                                                               tmp_path):
    monkeypatch.setattr(style, "FONT_FOLDERS", (str(tmp_path),))
    monkeypatch.setattr(charts, "_store", None)
    charts.horizontal_bars(["Mobilité"], [Series("Votes", [3], style.NAVY)])
    assert charts.take_notes() == [
        "graphiques : police du texte introuvable, ni « Liberation Sans » "
        "(LiberationSans-Regular.ttf, LiberationSans-Bold.ttf) ni « Arial » (arial.ttf, "
        f"arialbd.ttf) dans {tmp_path} : ils sont dessinés en DejaVu Sans (installez "
        "fonts-liberation2)"]
