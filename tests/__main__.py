"""`python3 tests`: the whole test suite, as `python -m pytest` from the project folder; on
a Python without the tool's libraries, in an environment of its own
(rencontres/environment.py). Arguments are pytest's (`python3 tests -k toc`)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # running a folder puts that folder first, not the project

from rencontres.environment import launch  # noqa: E402

code = launch(ROOT, test=True, argv=[str(Path(__file__).resolve().parent), *sys.argv[1:]])
if code is None:
    code = subprocess.run([sys.executable, "-m", "pytest", *sys.argv[1:]], cwd=ROOT).returncode
sys.exit(code)
