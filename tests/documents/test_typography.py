"""French typography (documents/typography.py), applied once to every text a template
receives: the rules on examples, their properties under hypothesis, agreement with
polytypo on the spacing both do, and no wrong space left in the built documents."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import polytypo
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from rencontres.cli import main
from rencontres.documents.typography import french

REPO = Path(__file__).resolve().parents[2]
NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize("typed, printed", [
    ("Partenaires : réseau MOT", f"Partenaires{NBSP}: réseau MOT"),
    ("Partenaires: réseau MOT", f"Partenaires{NBSP}: réseau MOT"),
    ("quels outils ? lesquels ! ceci ; cela", f"quels outils{NNBSP}? lesquels{NNBSP}! ceci{NNBSP}; cela"),
    ("Quoi?!", f"Quoi{NNBSP}?!"),
    ("« Les nouveaux défis »", f"«{NBSP}Les nouveaux défis{NBSP}»"),
    ("«serré»", f"«{NBSP}serré{NBSP}»"),
    ("+107 % et 5€", f"+107{NBSP}% et 5{NBSP}€"),
    ("Interreg 2021-2027", "Interreg 2021–2027"),
    # Typed straight, published as French typography has them (issue 24).
    ("aujourd'hui avec Observ'Alp", "aujourd’hui avec Observ’Alp"),
    ('le "Grenelle" des mobilités', f"le «{NBSP}Grenelle{NBSP}» des mobilités"),
    # Left alone: times, ISO dates, identifiers, short ranges, addresses.
    ("à 14:30", "à 14:30"),
    ("le 2021-12-31", "le 2021-12-31"),
    ("hauts-de-france, FR-BE-UK, Interreg 21-27", "hauts-de-france, FR-BE-UK, Interreg 21-27"),
    ("voir https://www.espaces-transfrontaliers.org/?p=1;a=2 : le site",
     f"voir https://www.espaces-transfrontaliers.org/?p=1;a=2{NBSP}: le site"),
    ("écrire à contact@mot.eu ?", f"écrire à contact@mot.eu{NNBSP}?"),
])
def test_rules(typed, printed):
    assert french(typed) == printed


PROSE = st.text(st.sampled_from([*list("abcé 0123456789:;?!«»%€-–.,()/'"), NBSP, NNBSP]),
                max_size=40)
ADDRESS = st.sampled_from(["https://www.mot.eu/a?b=c;d:e", "www.x.org/p:1", "a.b@mot.eu"])


@settings(max_examples=300, deadline=None)
@given(PROSE)
def test_applying_it_twice_changes_nothing(text):
    assert french(french(text)) == french(text)


@settings(max_examples=200, deadline=None)
@given(PROSE, ADDRESS, PROSE)
def test_addresses_are_left_alone(before, address, after):
    assert address in french(f"{before} {address} {after}")


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 23), st.integers(0, 59), PROSE)
def test_times_are_left_alone(hours, minutes, text):
    time = f"{hours}:{minutes:02d}"
    assert time in french(f"{text} {time} {text}")


# Words, each maybe followed by one of the four signs that take a space before: what
# both polytypo and this function do, where they must agree.
WORD = st.sampled_from(["mot", "été", "Lille", "2021", "MOT"])
SIGN = st.sampled_from(["", " :", ":", " ;", "?", " ?", "!", " !"])
SPACED = st.lists(st.tuples(WORD, SIGN).map("".join), min_size=1, max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(SPACED)
def test_agrees_with_polytypo_on_the_spaces_before_signs(text):
    assert french(text) == polytypo.transform(text, locale="fr")


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WRONG = {"espace ordinaire avant « : »": re.compile(r"[^\S\u00a0]:(?=\s)"),
         "pas d'espace avant « : »": re.compile(r"[^\s\d/]:(?=\s)"),
         "espace ordinaire avant « ; ? ! »": re.compile(r"[ \u00a0][;?!]"),
         "pas d'espace avant « ; ? ! »": re.compile(r"[^\s;?!][;?!](?=\s|$)"),
         "espace ordinaire dans « »": re.compile(r"« |«$| »|^»"),
         "pas d'espace dans « »": re.compile(r"«\S|\S»"),
         "espace ordinaire avant « % € »": re.compile(r"\d ?[%€]")}


def test_built_documents_have_no_wrong_french_spacing(tmp_path):
    root = tmp_path / "projet"
    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    assert main(["--jobs", "1", "--quiet", "--projet", str(root)]) == 0
    for document in sorted((root / "output" / "2021").glob("*.docx")):
        with zipfile.ZipFile(document) as package:
            body = etree.fromstring(package.read("word/document.xml"))
        paragraphs = ["".join(t.text or "" for t in p.iter(W + "t")) for p in body.iter(W + "p")]
        counts = {rule: sum(len(pattern.findall(text)) for text in paragraphs)
                  for rule, pattern in WRONG.items()}
        assert counts == dict.fromkeys(WRONG, 0), (document.name, [
            text for text in paragraphs if any(p.search(text) for p in WRONG.values())])


def test_numbers_are_written_in_french():
    from rencontres.documents.french import percent_change, plural

    assert plural(35, "participant") == "35 participants"
    assert plural(1250, "participant") == f"1{NNBSP}250 participants"
    assert percent_change(1, 3000) == f"+299{NNBSP}900{NBSP}%"
