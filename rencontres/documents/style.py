"""The house style shared by charts and templates: one font, one palette.

Chart colours keep a contrast of at least 3:1 with the white page (WCAG 1.4.11):
the MOT's orange #E07B39 (2.97:1) stays the rule under the templates' titles, and
its bars are a shade darker; text in orange, in the templates, is darker still
(#B0501A, 5.2:1)."""

FONT_FAMILY = ["Liberation Sans", "Arial", "DejaVu Sans"]
# The body font of the templates (Arial, or Liberation Sans, its metric twin where
# Arial is not installed), by the files charts register: regular and bold.
FONT_FILES = {"Liberation Sans": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
              "Arial": ("arial.ttf", "arialbd.ttf")}
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts",
                "~/.fonts", "/Library/Fonts", "/System/Library/Fonts", "C:/Windows/Fonts")

NAVY = "#1F3A5F"      # titles, main series
ORANGE = "#DD7836"    # highlight: themes on which the MOT is expected
SKY = "#6C94C5"       # secondary series (previous edition, other themes)
GREY = "#5F6B7A"      # axis labels and notes
LIGHT = "#E6ECF2"     # grid and backgrounds
