"""Entry point: `python3 build.py` builds the documents of the latest edition; on a Python
without the tool's libraries, in an environment of its own (rencontres/environment.py)."""

import sys
from pathlib import Path

from rencontres.environment import launch

if __name__ == "__main__":
    code = launch(Path(__file__).resolve().parent, test=False, argv=[__file__, *sys.argv[1:]])
    if code is None:
        from rencontres.cli import main

        code = main()
    sys.exit(code)
