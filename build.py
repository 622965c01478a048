"""Entry point: `python build.py` builds the documents of the latest edition."""

import sys

from rencontres.cli import main

if __name__ == "__main__":
    sys.exit(main())
