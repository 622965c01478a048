"""The house style shared by charts and templates: one font, one palette."""

FONT_FAMILY = ["Liberation Sans", "Arial", "DejaVu Sans"]

NAVY = "#1F3A5F"      # titles, main series
ORANGE = "#E07B39"    # highlight: themes on which the MOT is expected
SKY = "#8FB3D9"       # secondary series (previous edition, other themes)
GREY = "#5F6B7A"      # axis labels and notes
LIGHT = "#E6ECF2"     # grid and backgrounds
