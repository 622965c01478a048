"""`python -m rencontres`: the same command line as `python build.py`."""

import sys

from .cli import main

sys.exit(main())
