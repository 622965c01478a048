"""The house style shared by charts and templates: one font, one palette.

Colours follow WCAG 2.1: a graphical object keeps 3:1 against what touches it (1.4.11:
a bar against the white page and against the bar beside it, a circle of the map against
the land), a text 4.5:1 against what it is drawn on (1.4.3). `contrast_ratio` computes
them; tests/documents/test_palette.py holds every pair to it. The MOT's orange, #DD7836
in its charter (2.6:1 on the map's land), is drawn a shade darker, #D06A2A."""

from __future__ import annotations

from collections.abc import Sequence

FONT_FAMILY = ["Liberation Sans", "Arial", "DejaVu Sans"]
# The body font of the templates (Arial, or Liberation Sans, its metric twin where
# Arial is not installed), by the files charts register: regular and bold.
FONT_FILES = {"Liberation Sans": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
              "Arial": ("arial.ttf", "arialbd.ttf")}
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts",
                "~/.fonts", "/Library/Fonts", "/System/Library/Fonts", "C:/Windows/Fonts")

NAVY = "#1F3A5F"      # titles, main series, this edition
ORANGE = "#D06A2A"    # highlight: themes on which the MOT is expected; the previous edition
SKY = "#6C94C5"       # the edition three before this one
CHARCOAL = "#3A3A3A"  # the edition two before this one
FOREST = "#1B4332"    # the edition four before this one
STONE = "#8A939E"     # the edition five before this one
GREY = "#5F6B7A"      # axis labels, notes, names of countries on the map
LIGHT = "#E6ECF2"     # grid and backgrounds, France on the map
TEXT = "#2B2B2B"      # text of charts and of the map
WHITE = "#FFFFFF"

# One colour per edition, from the edition of the document back in time: the same year
# has the same colour on the map, in every chart and every legend of a document. Dark
# and light alternate, so that the bars of two consecutive editions, side by side, keep
# 3:1 against each other; every one keeps 3:1 against the white page.
EDITION_PALETTE = (NAVY, ORANGE, CHARCOAL, SKY, FOREST, STONE)


def edition_colors(years: Sequence[int]) -> dict[int, str]:
    """The colour of each of `years` (editions entered, in any order), the latest in
    navy, the one before it in orange, and so on back in time. Beyond six editions (the
    trends template has six series), the palette starts again."""
    latest_first = sorted(set(years), reverse=True)
    return {year: EDITION_PALETTE[rank % len(EDITION_PALETTE)]
            for rank, year in enumerate(latest_first)}


def relative_luminance(color: str) -> float:
    """WCAG 2.1's relative luminance of « #RRGGBB » (or « RRGGBB »)."""
    hex_digits = color.lstrip("#")
    channels = [int(hex_digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    red, green, blue = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                        for c in channels]
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.1's contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    light, dark = sorted((relative_luminance(foreground), relative_luminance(background)),
                         reverse=True)
    return (light + 0.05) / (dark + 0.05)
