"""Report generator of the MOT's Rencontres territoriales."""

__version__ = "0.1.0"
