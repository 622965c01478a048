"""Beyond one edition (issue 16): the map of the territories, the trends since the first
edition entered, the follow-up of the previous edition's suggestions."""

from __future__ import annotations

import io
import math
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from PIL import Image
from support.docx_text import paragraphs
from support.templates import make_chart_template

from rencontres.cli import main
from rencontres.content.loading import load_content
from rencontres.documents import charts
from rencontres.documents import map as carte
from rencontres.documents.map import (
    ABSENT_RADIUS_PT,
    MapEntry,
    Pixels,
    _draw,
    lambert93,
    map_entries,
    map_font,
    map_layout,
    map_texts,
)
from rencontres.publishing.chart_cache import ChartCache

REPO = Path(__file__).resolve().parents[2]
EDITIONS = Path(__file__).resolve().parents[1] / "scenarios" / "editions"
NBSP = "\u00a0"


def typeset(text: str) -> str:
    """The expected text with the no-break spaces French typography puts in the documents."""
    return (text.replace(" :", NBSP + ":").replace(" ;", "\u202f;")
            .replace("« ", "«" + NBSP).replace(" »", NBSP + "»"))


def build(root: Path, content: Path) -> Path:
    """The project's latest edition built from `content` with the repository's templates."""
    shutil.copytree(content, root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    assert main(["--projet", str(root), "--jobs", "1", "-q"]) == 0
    return root


def alt_texts(path: Path) -> list[str]:
    document = docx.Document(str(path))
    return [element.get("descr") for element in document.element.body.iter(qn("wp:docPr"))]


# --- the map ---------------------------------------------------------------------------

def test_lambert93_places_paris_where_the_ign_does():
    x, y = lambert93(2.3522, 48.8566)  # Paris, Hôtel de Ville: (652 469, 6 862 035) m
    assert (round(x), round(y)) == (652, 6862)


@pytest.fixture(scope="module")
def synthesis_2021(tmp_path_factory) -> Path:
    root = build(tmp_path_factory.mktemp("carte"), REPO / "content")
    return root / "output" / "2021" / "synthese-2021.docx"


def test_the_2021_synthesis_shows_the_map_with_every_territory_and_count(synthesis_2021):
    maps = [text for text in alt_texts(synthesis_2021) if text.startswith("Carte")]
    assert maps == [
        "Carte des participants aux Rencontres territoriales 2020 et 2021 par territoire, le "
        "long des frontières de la France (surface des cercles proportionnelle au nombre de "
        "participants, cercle pointillé pour 2020). Hauts-de-France : 35 participants en "
        "2021, 10 en 2020 ; Ardennes : 18 participants en 2021, 7 en 2020 ; Grande Région : "
        "22 participants en 2021, 8 en 2020 ; Rhin Supérieur : 17 participants en 2021, 11 en "
        "2020 ; Arc Jurassien : 14 participants en 2021, 14 en 2020 ; Genevois / Alpes du "
        "Nord : 20 participants en 2021, 10 en 2020 ; Sud FR-IT-Monaco : 30 participants en "
        "2021, 8 en 2020 ; Pyrénées Est & Centre : 26 participants en 2021, 8 en 2020 ; "
        "Pyrénées Ouest : 13 participants en 2021, 18 en 2020."]
    text = paragraphs(synthesis_2021)
    assert typeset("Participants aux Rencontres territoriales 2020 et 2021 par territoire ; la surface "
            "de chaque cercle est proportionnelle au nombre de participants.") in text
    # Two editions only: no trends yet; no suggestion of 2020 had an id: no follow-up.
    assert not any(line.startswith(("Les tendances", "Suivi des suggestions")) for line in text)


@pytest.fixture(scope="module")
def layout_2021():
    content = load_content(REPO / "content")
    return map_layout(map_entries(content, content.editions[2021]), 2021, 2020)


def test_map_geometry_markers_in_frame_labels_apart_areas_proportional(layout_2021):
    layout = layout_2021
    assert len(layout.territories) == 9
    for placed in layout.territories:
        assert placed.marker.inside(layout.frame), placed.entry.name
        assert placed.label.inside(layout.frame), placed.entry.name
        assert not placed.label.overlaps(layout.legend), placed.entry.name
    for index, one in enumerate(layout.territories):
        for other in layout.territories[index + 1:]:
            assert not one.label.overlaps(other.label), (one.entry.name, other.entry.name)
        for other in layout.territories:
            assert not one.label.overlaps(other.marker), (one.entry.name, other.entry.name)
    # Area ∝ participants, for both editions' circles: one constant for all.
    ratios = {round(math.pi * p.radius ** 2 / p.entry.current, 6) for p in layout.territories}
    ratios |= {round(math.pi * p.previous_radius ** 2 / p.entry.previous, 6)
               for p in layout.territories}
    assert len(ratios) == 1
    hauts_de_france = layout.territories[0]
    assert hauts_de_france.lines == ("Hauts-de-France", "35 en 2021", "10 en 2020")


def test_drawn_labels_fit_in_the_boxes_of_the_layout(layout_2021):
    """The layout estimates text widths without a font: the text drawn stays inside,
    as the font's glyphs cover it."""
    pixels = Pixels.of(layout_2021.frame)
    lines = [(line, p.label) for p in layout_2021.territories for line in p.lines]
    assert len(lines) == 29  # 9 territories, 3 lines each, two names on two lines
    # The territories' lines are written last, after the countries' names and the legend.
    texts = map_texts(layout_2021)[-len(lines):]
    for text, (line, box) in zip(texts, lines, strict=True):
        assert text.text == line
        font = map_font(text.points, text.bold)
        ink_left, ink_top, ink_right, ink_bottom = font.getbbox(line, anchor=text.anchor)
        left, top = pixels.km(text.x + ink_left, text.y + ink_top)
        right, bottom = pixels.km(text.x + ink_right, text.y + ink_bottom)
        slack = 0.5 * layout_2021.km_per_point
        assert box.left - slack <= left and right <= box.right + slack, line
        assert box.bottom - slack <= bottom and top <= box.top + slack, line


def test_the_map_is_the_same_bytes_for_the_same_data(layout_2021):
    png = _draw(layout_2021)
    assert png == _draw(layout_2021)
    picture = Image.open(io.BytesIO(png))
    # 160 mm at 300 dpi, no text chunk (no software, no time): only the resolution.
    assert picture.size == (1890, 1658) and set(picture.info) == {"dpi"}
    assert tuple(round(dpi) for dpi in picture.info["dpi"]) == (300, 300)


def test_the_map_and_its_background_are_drawn_once_for_every_project(layout_2021, tmp_path,
                                                                    monkeypatch):
    """Sea, countries, borders, and the map drawn from its layout alone: kept in the
    user's cache, shared by every project; a cache that cannot be written draws them
    again, and the map is the same."""
    backgrounds, drawn = [], []
    monkeypatch.setattr(carte, "_draw_background",
                        lambda pixels, draw=carte._draw_background: backgrounds.append(pixels)
                        or draw(pixels))
    monkeypatch.setattr(carte, "_draw",
                        lambda layout, draw=carte._draw: drawn.append(layout) or draw(layout))
    users = tmp_path / "utilisateur"
    maps = []
    try:
        for project in ("un", "deux"):
            charts.use_cache(ChartCache(tmp_path / project), ChartCache(users, optional=True))
            maps.append(carte.map_png(layout_2021))
        assert len(backgrounds) == len(drawn) == 1
        assert len(list(users.glob("*.entree"))) == 2
        assert len(list((tmp_path / "deux").glob("*.entree"))) == 1  # the project's own too
        (tmp_path / "fichier").write_bytes(b"")
        charts.use_cache(ChartCache(tmp_path / "trois"),
                         ChartCache(tmp_path / "fichier", optional=True))
        maps.append(carte.map_png(layout_2021))
    finally:
        charts.use_cache(None)
    assert len(backgrounds) == len(drawn) == 2 and maps[0] == maps[1] == maps[2]


def test_the_users_cache_keeps_the_pictures_last_written(tmp_path):
    cache = ChartCache(tmp_path, keep=3)
    for number in range(5):
        cache.png(f"carte {number}", lambda number=number: f"png {number}".encode())
        # distinct times even where the file system's clock is coarse
        for age, path in enumerate(sorted(tmp_path.glob("*.entree"),
                                          key=lambda path: path.stat().st_mtime_ns)):
            os.utime(path, ns=(age, age))
    kept = {cache.png(f"carte {number}", lambda: b"redrawn") for number in range(2, 5)}
    assert kept == {b"png 2", b"png 3", b"png 4"}
    assert cache.png("carte 0", lambda: b"redrawn") == b"redrawn"


def test_a_flipped_byte_in_the_cached_background_of_the_map_draws_it_again(layout_2021,
                                                                          tmp_path):
    """The user's cache is shared by every project: one damaged entry must not break
    every map (it gave « Affichage impossible : erreur du système (None) »)."""
    users = tmp_path / "utilisateur"
    try:
        charts.use_cache(None)
        first = carte.map_png(layout_2021)  # drawn without any store
        charts.use_cache(None, ChartCache(users, optional=True))
        carte._background(carte.Pixels.of(layout_2021.frame))  # the background alone
        [entry] = [path for path in users.iterdir() if path.is_file()]
        damaged = bytearray(entry.read_bytes())
        damaged[len(damaged) // 2] ^= 0x40
        entry.write_bytes(bytes(damaged))
        charts.use_cache(None, ChartCache(users, optional=True))
        assert carte.map_png(layout_2021) == first
        assert entry.read_bytes() != bytes(damaged)  # written again, whole
    finally:
        charts.use_cache(None)


def test_a_character_the_font_lacks_on_the_map_is_said_in_french():
    layout = map_layout([MapEntry("Gare 🚆", 3.0, 50.6, "gauche", 10, None)], 2021, None)
    charts.take_notes()
    carte._draw(layout)
    assert charts.take_notes() == [
        "graphique : le caractère « 🚆 » n'existe pas dans la police Liberation Sans : il y "
        "apparaît comme un carré (le texte du document le garde)"]


def test_a_synthesis_whose_only_picture_is_the_map_imports_no_matplotlib_or_numpy(project,
                                                                                  tmp_path):
    """The map is drawn by Pillow: a build on two processes (the main one imports
    beforehand what its workers will) whose other charts are native imports neither."""
    bars = ["tendances", "participants", "categories", "priorites-locales", "mot-attendue"]
    make_chart_template(project / "templates" / "synthese.docx",
                        ["{{ carte }}", *(f"[graphique graphique-{name}]" for name in bars)])
    empty = str(tmp_path / "cache")  # the map drawn, not found in the run's user cache
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "rencontres", "construire",
                           "--force", "--jobs", "2", "--projet", str(project)],
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "XDG_CACHE_HOME": empty, "LOCALAPPDATA": empty})
    imported = {match.group(1).split(".")[0]
                for match in re.finditer(r"^import time: .*\| +(\S+)$", done.stderr, re.M)}
    synthesis = project / "output" / "2021" / "synthese-2021.docx"
    with zipfile.ZipFile(synthesis) as package:
        pictures = [name for name in package.namelist() if name.startswith("word/media/")]
    assert len(pictures) == 1 and alt_texts(synthesis)[0].startswith("Carte des participants")
    assert "PIL" in imported and imported & {"matplotlib", "numpy"} == set()


def test_an_absent_territory_is_drawn_as_absent_not_as_zero():
    content = load_content(EDITIONS / "tendances-territoire-absent" / "content")
    layout = map_layout(map_entries(content, content.editions[2021]), 2021, 2020)
    est = layout.territories[1]
    assert est.entry.name == "Est"
    assert est.radius == pytest.approx(ABSENT_RADIUS_PT * layout.km_per_point)
    assert est.lines == ("Est", "pas de données en 2021", "20 en 2020")


# --- the trends ------------------------------------------------------------------------

def test_three_editions_one_territory_absent_in_the_middle(tmp_path):
    root = build(tmp_path, EDITIONS / "tendances-territoire-absent" / "content")
    text = paragraphs(root / "output" / "2023" / "synthese-2023.docx")
    start = text.index("Les tendances depuis 2020")
    table = text.index("Territoire", start)
    assert text[table:table + 25] == [
        "Territoire", "2020", "2021", "2023", "Évolution",
        "Nord", "10", "12", "15", f"+50{NBSP}% de 2020 à 2023",
        "Est", "20", "n. d.", "25", f"+25{NBSP}% de 2020 à 2023",
        "Sud", "30", "33", "30", f"0{NBSP}% de 2020 à 2023",
        "Total", "60", "45", "70", f"+17{NBSP}% de 2020 à 2023"]
    assert typeset("Éditions comparées : 2020, 2021 et 2023. « n. d. » : pas de fichier pour le "
                   "territoire cette année-là, non compté dans le total (2021 : Est).") in text
    themes = text.index("Priorités locales les plus citées")
    assert text[themes + 1:themes + 13] == [
        "Thème", "2020", "2021", "2023",
        "Mobilité", "2 sur 3", "1 sur 2", "3 sur 3",
        "Santé", "2 sur 3", "2 sur 2", "2 sur 3"]
    trends_chart = [t for t in alt_texts(root / "output" / "2023" / "synthese-2023.docx")
                    if t.startswith("Participants par territoire aux éditions")]
    assert trends_chart == [
        "Participants par territoire aux éditions 2020, 2021 et 2023 des Rencontres "
        "territoriales. Nord : 10 participants en 2020, 12 participants en 2021, 15 "
        "participants en 2023 ; Est : 20 participants en 2020, pas de données en 2021, 25 "
        "participants en 2023 ; Sud : 30 participants en 2020, 33 participants en 2021, 30 "
        "participants en 2023."]


# --- the follow-up of suggestions --------------------------------------------------------

def test_two_suggestions_followed_up_and_one_without_follow_up(tmp_path):
    root = build(tmp_path, EDITIONS / "suivi-des-suggestions" / "content")
    text = paragraphs(root / "output" / "2022" / "synthese-2022.docx")
    start = text.index("Suivi des suggestions de 2021")
    assert text[start + 1:start + 4] == [typeset(line) for line in [
        "Un guide du covoiturage transfrontalier (Nord, partie Mobilité) : Fait : guide "
        "publié en juin 2022.",
        "Un cahier MOT sur la reconnaissance des diplômes (Idées communes : Formation) : "
        "Reformulée : le cahier devient une fiche pratique, prévue en 2023.",
        "Un lien avec les réseaux académiques transfrontaliers (Idées communes : Formation) : "
        "Sans suite renseignée."]]


def test_the_trends_total_shows_the_base_of_its_evolution():
    """Beside the totals of every territory of each year, the evolution over those present
    both years read as a comparison of those totals (issue 24): its base is shown."""
    from rencontres.documents.trends import total_row

    rows = [("Nord", [10, 20]), ("Est", [None, 30]), ("Sud", [5, 8])]
    row = total_row(rows, [2020, 2025])  # type: ignore[arg-type]
    assert (row.valeurs, row.evolution) == (
        ["15", "58"], f"+87{NBSP}% de 2020 à 2025 pour les 2 territoires présents les deux "
                      "années (15 en 2020, 28 en 2025)")
