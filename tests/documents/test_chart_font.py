"""Charts are drawn in the templates' body font, registered from its files; the font is
part of what a cached chart is found by; a missing font is said, never replaced in
silence."""

from __future__ import annotations

from pathlib import Path

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


def test_another_copy_of_the_family_is_not_drawn_instead(fresh_font, monkeypatch, tmp_path):
    """fonts-liberation and fonts-liberation2 both install a « Liberation Sans », in two
    versions: the chart is drawn with the files found, those its key is made from."""
    from matplotlib import font_manager

    installed = charts.body_font()
    assert installed is not None
    copies = tmp_path / "fonts" / "liberation-copie"
    copies.mkdir(parents=True)
    for path in installed.files:
        (copies / path.rsplit("/", 1)[-1]).write_bytes(Path(path).read_bytes())
    manager = font_manager.fontManager
    monkeypatch.setattr(manager, "ttflist", list(manager.ttflist))  # the system's first
    monkeypatch.setattr(style, "FONT_FOLDERS", (str(tmp_path / "fonts"),))
    charts._font.clear()
    font = charts.body_font()
    assert font is not None and font.files[0].startswith(str(copies))
    try:
        charts.bars_figure(["Mobilité"], [Series("Votes", [3], style.NAVY)])
        for weight, path in zip(("normal", "bold"), font.files, strict=True):
            drawn = font_manager.findfont(font_manager.FontProperties(
                family=charts._pyplot().rcParams["font.family"], weight=weight),
                fallback_to_default=False)
            assert drawn == path
    finally:
        manager._findfont_cached.cache_clear()  # nothing in tmp_path found again after it


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
