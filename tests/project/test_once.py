"""What the suite makes once per run for all its workers (tests/support/once.py): made
by the first to ask, read by the others, and a failure told to them all."""

from __future__ import annotations

import pytest
from support.once import made_once


def test_the_first_makes_it_and_the_others_read_it(tmp_path):
    made: list[str] = []

    def make(folder):
        made.append(folder.name)
        (folder / "fichier").write_text("fait", "utf-8")

    first = made_once(tmp_path / "dossier", make, "le dossier")
    assert made_once(tmp_path / "dossier", make, "le dossier") == first
    assert made == ["dossier"] and (first / "fichier").read_text("utf-8") == "fait"


def test_a_failure_is_told_to_those_who_wait(tmp_path):
    def fail(folder):
        raise RuntimeError("en panne")

    with pytest.raises(RuntimeError):
        made_once(tmp_path / "dossier", fail, "le dossier")
    with pytest.raises(AssertionError, match="le dossier : échec dans un autre processus"):
        made_once(tmp_path / "dossier", fail, "le dossier")
