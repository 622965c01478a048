"""The charts: their data and alt text; the bar charts drawn with matplotlib (Agg) as
PNG bytes when a template shows them as pictures (the map, map.py, with Pillow)."""

from __future__ import annotations

import io
import re
import textwrap
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from os import PathLike
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any, Protocol

from . import style
from .typography import french

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn only
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int | None]  # None: no figure that year, a gap (« n. d. »), not a zero
    color: str


@dataclass(frozen=True)
class Chart:
    """A bar chart: its data, the text that states it, its printed width. Drawn as a PNG
    only when a template shows it as a picture: a template whose chart of that name is a
    native Word chart gets its data instead (word/native_charts.py), and matplotlib is
    then never imported."""

    labels: Sequence[str]
    series: Sequence[Series]
    alt_text: str
    bar_colors: Sequence[str] = ()  # one per bar, for a single series
    legend: Sequence[tuple[str, str]] = ()  # (name, color) of the bar colors
    unit: str = ""
    width_mm: float = 160

    def __post_init__(self) -> None:
        # A chart's labels are printed as the template's texts are: in French
        # typography (« Aujourd’hui », typed « Aujourd'hui » in a territory's votes).
        labels = [french(label) for label in self.labels]
        object.__setattr__(self, "labels", tuple(labels) if isinstance(self.labels, tuple)
                           else labels)

    @cached_property
    def png(self) -> bytes:
        return horizontal_bars(self.labels, self.series, self.bar_colors, self.legend,
                               self.unit)

    def columns(self) -> list[tuple[str, list[int | None]]]:
        """The data as the series of a native chart: bars colored by a legend make one
        series per legend entry, each bar's value in the series of its color and blank
        in the others (a restyle of each series in Word survives any data); otherwise
        the series drawn."""
        if self.legend and self.bar_colors:
            return [(name, [value if bar == color else None
                            for value, bar in zip(self.series[0].values, self.bar_colors, strict=True)])
                    for name, color in self.legend]
        return [(serie.name, list(serie.values)) for serie in self.series]

    def column_colors(self) -> list[str]:
        """The colour of each of `columns()`, as the picture draws it (the build writes
        them into a native chart: the same year has the same colour in every figure)."""
        if self.legend and self.bar_colors:
            return [color for _, color in self.legend]
        return [serie.color for serie in self.series]


def _pyplot() -> ModuleType:
    # Imported late: a build with nothing to draw must not pay for matplotlib.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    font = body_font()
    if font is not None:
        manager = font_manager.fontManager
        for path in font.files:
            manager.addfont(path)
        # The files found come first: another copy of the family (fonts-liberation beside
        # fonts-liberation2: two versions) matches as well, and the first match is drawn.
        # (addfont has just emptied the cache of what was found.)
        manager.ttflist.sort(key=lambda entry: entry.fname not in font.files)
    plt.rcParams.update({
        # Never a silent fallback: without the body font, matplotlib's own, and a note.
        "font.family": [font.family if font else "DejaVu Sans"],
        "font.size": 10,
        "axes.edgecolor": style.GREY,
        "axes.labelcolor": style.GREY,
        "xtick.color": style.GREY,
        "ytick.color": "#2B2B2B",
        "svg.hashsalt": "rencontres",
    })
    return plt


DPI = 200
# Inches: printed 160 mm wide, the tallest chart and its caption fit on an A4 page.
MAX_HEIGHT = 8.5
PAD_INCHES = 0.1


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # No "Software" text chunk: the same data gives the same bytes.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None},
                   bbox_inches=_tight_bbox(figure))
    return buffer.getvalue()


def _tight_layout(figure: Figure) -> None:
    """figure.tight_layout(), without leaving a layout engine on the figure: savefig
    then skips its own layout pass (see _tight_bbox)."""
    from matplotlib.layout_engine import TightLayoutEngine

    TightLayoutEngine().execute(figure)


def _tight_bbox(figure: Figure) -> Bbox:
    """The box that savefig(bbox_inches="tight", pad_inches=PAD_INCHES) crops to,
    measured at the output resolution with a 1-pixel renderer. savefig's own way
    allocates and clears a full-size raster, kept while the real one is drawn (twice
    the memory: 300 MB for the chart of 300 territories), and walks the whole figure
    once more before measuring it: these charts place nothing at draw time (ticks
    are updated by the measure itself), so the box is the same. Same pixels, same
    bytes for every chart shape (bench/charts_identity.py checks it)."""
    from matplotlib.backends.backend_agg import RendererAgg

    dpi = figure.dpi
    figure.dpi = DPI
    try:
        renderer = RendererAgg(1, 1, DPI)  # type: ignore[no-untyped-call]  # not annotated
        return figure.get_tightbbox(renderer).padded(PAD_INCHES)
    finally:
        figure.dpi = dpi


_canvas_class: type[FigureCanvasAgg] | None = None


def _new_figure(height: float) -> Figure:
    """A figure on an Agg canvas of our own, outside pyplot's registry (nothing to
    close), whose PNG is encoded straight from the drawn pixels."""
    global _canvas_class
    if _canvas_class is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        class PngCanvas(FigureCanvasAgg):
            """matplotlib's print_png through image.imsave copies the whole raster
            before encoding it (150 MB more for the chart of 300 territories): the
            same encoding here (Pillow, same text chunks and resolution), without
            the copy. Same bytes."""

            def print_png(self, filename_or_obj: str | PathLike[str] | IO[bytes], *,
                          metadata: dict[str, str | None] | None = None,
                          pil_kwargs: dict[str, Any] | None = None, **ignored: object) -> None:
                # `ignored`: what savefig passes to other renderers (orientation,
                # facecolor, edgecolor, dpi, bbox_inches_restore); matplotlib drops
                # them for its own print methods.
                if pil_kwargs:
                    super().print_png(  # type: ignore[no-untyped-call]  # not annotated
                        filename_or_obj, metadata=metadata, pil_kwargs=pil_kwargs)
                    return
                import matplotlib
                import numpy
                from PIL import Image, PngImagePlugin

                FigureCanvasAgg.draw(self)  # type: ignore[no-untyped-call]  # not annotated
                pixels = numpy.asarray(self.buffer_rgba())  # type: ignore[no-untyped-call]  # not annotated
                image = Image.frombuffer("RGBA", (pixels.shape[1], pixels.shape[0]),
                                         pixels, "raw", "RGBA", 0, 1)
                info = PngImagePlugin.PngInfo()
                software = (f"Matplotlib version{matplotlib.__version__}, "
                            "https://matplotlib.org/")
                for key, value in {"Software": software, **(metadata or {})}.items():
                    if value is not None:
                        info.add_text(key, value)
                dpi = self.figure.dpi
                image.save(filename_or_obj, format="png", pnginfo=info, dpi=(dpi, dpi))

        _canvas_class = PngCanvas
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.3, height))
    _canvas_class(figure)
    return figure


def _literal(text: str) -> str:
    """Content text as drawn: two « $ » would otherwise start matplotlib's math mode."""
    return text.replace("$", r"\$")


class ChartStore(Protocol):
    """Where drawn charts are kept between builds (the build stage provides one)."""

    def png(self, drawing: str, draw: Callable[[], bytes]) -> bytes:
        """The PNG of `drawing`, kept from an earlier build or drawn now and kept."""


_store: ChartStore | None = None
_lasting: ChartStore | None = None


def use_cache(store: ChartStore | None, lasting: ChartStore | None = None) -> None:
    """Keep drawn charts in `store`, found again by what they draw, and in `lasting`
    the drawings that are the same in every project (the map and its background)."""
    global _store, _lasting
    _store, _lasting = store, lasting


def _cached(drawing: str, draw: Callable[[], bytes], lasting: bool = False) -> bytes:
    """The PNG of `drawing` from the store (`lasting`: the lasting one), or drawn and
    kept: an unchanged chart is never redrawn, and a build whose charts are all cached
    never imports matplotlib."""
    store = _lasting if lasting else _store
    if store is None:
        return _drawn(draw)
    return store.png(drawing, lambda: _drawn(draw))


_notes: list[str] = []  # what drawing said, for the build's warnings


def take_notes() -> list[str]:
    """What the charts drawn since the last call have to say (in French), once."""
    notes = list(dict.fromkeys(_notes))
    _notes.clear()
    return notes


_MISSING_GLYPH = re.compile(r"Glyph (\d+) .*missing from font\(s\) (.+?)\.?$")


def _drawn(draw: Callable[[], bytes]) -> bytes:
    """`draw()`, its warnings (English, from matplotlib) turned into notes in French."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = draw()
    _missing_font_note()
    for warning in caught:
        missing = _MISSING_GLYPH.search(str(warning.message))
        if missing:
            missing_glyph(chr(int(missing.group(1))), missing.group(2))
    return png


def missing_glyph(character: str, family: str) -> None:
    """Note that `family` has no glyph for `character`, drawn as a box."""
    _notes.append(f"graphique : le caractère « {character} » n'existe pas dans la police "
                  f"{family} : il y apparaît comme un carré (le texte du document le garde)")


@dataclass(frozen=True)
class Font:
    family: str
    files: tuple[str, ...]
    digest: str  # of the files: a chart drawn in another version is drawn again


_font: list[Font | None] = []


def body_font() -> Font | None:
    """The templates' body font as files on this machine (style.FONT_FILES), found
    without matplotlib: a build whose charts are all cached never imports it."""
    if not _font:
        import hashlib
        from pathlib import Path

        found = None
        for family, names in style.FONT_FILES.items():
            files = [found_file for name in names
                     if (found_file := next((str(path) for folder in style.FONT_FOLDERS
                                             for path in sorted(Path(folder).expanduser()
                                                                .rglob(name))), None))
                     is not None]
            if len(files) == len(names):
                digest = hashlib.sha256(b"".join(Path(f).read_bytes() for f in files))
                found = Font(family, tuple(files), digest.hexdigest()[:16])
                break
        _font.append(found)
    return _font[0]


def _font_key() -> str:
    font = body_font()
    return f"{font.family}:{font.digest}" if font else "sans police"


def _missing_font_note() -> None:
    if body_font() is None:
        wanted = " ni ".join(f"« {family} » ({', '.join(names)})"
                             for family, names in style.FONT_FILES.items())
        _notes.append(f"graphiques : police du texte introuvable, ni {wanted} dans "
                      f"{', '.join(style.FONT_FOLDERS)} : ils sont dessinés en DejaVu Sans "
                      "(installez fonts-liberation2)")


def horizontal_bars(labels: Sequence[str], series: Sequence[Series],
                    bar_colors: Sequence[str] | None = None,
                    legend: Sequence[tuple[str, str]] = (), unit: str = "") -> bytes:
    """Bars listed top to bottom in the order given, each value written at its end."""
    drawing = repr((list(labels), [(s.name, list(s.values), s.color) for s in series],
                    list(bar_colors or ()), list(legend), unit, _font_key()))
    return _cached(drawing, lambda: _draw_bars(labels, series, bar_colors, legend, unit))


def _draw_bars(labels: Sequence[str], series: Sequence[Series],
               bar_colors: Sequence[str] | None, legend: Sequence[tuple[str, str]],
               unit: str) -> bytes:
    return _png(bars_figure(labels, series, bar_colors, legend, unit))


def bars_figure(labels: Sequence[str], series: Sequence[Series],
                bar_colors: Sequence[str] | None = None,
                legend: Sequence[tuple[str, str]] = (), unit: str = "") -> Figure:
    """The matplotlib figure of horizontal_bars, laid out, before it becomes a PNG."""
    _pyplot()
    rows = len(labels)
    height = 0.8 / len(series)
    # Two editions side by side need taller rows, not twice as tall; many rows get
    # thinner ones, so that the chart fits on its page (a 30-territory chart ran off it).
    row_height = min(0.36 if len(series) == 1 else 0.5, (MAX_HEIGHT - 0.7) / max(rows, 1))
    figure = _new_figure(0.7 + row_height * rows)
    axes = figure.subplots()
    # Thin rows take their label on fewer, longer lines.
    wrapped = [_literal(textwrap.fill(label, 28 if row_height >= 0.36 else 42))
               for label in labels]
    lines = max((label.count("\n") + 1 for label in wrapped), default=1)
    # Sizes in points: a row holds its label (lines spaced 1.2), a bar its value.
    label_size = min(10, max(5.5, row_height * 72 * 0.95 / (1.2 * lines)))
    value_size = min(9, label_size, row_height * height * 72 * 0.9)
    top = max((v for s in series for v in s.values if v is not None), default=0) or 1
    for index, serie in enumerate(series):
        offset = (index - (len(series) - 1) / 2) * height
        positions = [row + offset for row in range(rows)]
        colors = bar_colors if bar_colors and len(series) == 1 else serie.color
        bars = axes.barh(positions, [value or 0 for value in serie.values],
                         height=height * 0.92, color=colors, label=serie.name)
        for bar, value in zip(bars, serie.values, strict=True):  # None: a bar of no width, said « n. d. »
            axes.text(bar.get_width() + top * 0.01, bar.get_y() + bar.get_height() / 2,
                      _literal("n. d." if value is None else f"{value}{unit}"), va="center",
                      ha="left", fontsize=value_size,
                      color=style.GREY if value is None else "#2B2B2B",
                      fontweight="normal" if value is None else "bold")
    axes.set_yticks(range(rows), wrapped, fontsize=label_size)
    axes.invert_yaxis()
    axes.set_xlim(0, top * 1.12)
    axes.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    axes.tick_params(axis="y", length=0)
    handles = []
    if len(series) > 1:
        handles = axes.get_legend_handles_labels()[0]
        names = [_literal(s.name) for s in series]
    else:
        from matplotlib.patches import Patch

        handles = [Patch(color=color) for _, color in legend]
        names = [_literal(name) for name, _ in legend]
    if handles:
        # Below the plot, outside it: inside, it covered a bar and its value whenever
        # the last bars were long (one dominant value, a few bars).
        axes.legend(handles, names, loc="upper right", bbox_to_anchor=(1.0, 0.0),
                    ncol=len(names), frameon=False, fontsize=9, borderaxespad=0.3)
    _tight_layout(figure)
    return figure
