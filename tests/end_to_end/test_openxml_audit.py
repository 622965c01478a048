"""The built documents are valid Office Open XML, as openxml-audit (schema and semantic
validation) reads them: the two documents of the 2021 example (1 to 2 s each; the whole
corpus would cost ten times that)."""

from __future__ import annotations

import re
import zipfile

import pytest
from openxml_audit import OpenXmlValidator

NAMES = ["synthese-2021.docx", "compte-rendu-2021-hauts-de-france.docx"]


@pytest.mark.parametrize("name", NAMES)
def test_openxml_audit_finds_nothing(corpus, name):
    result = OpenXmlValidator().validate(str(corpus["exemple-2021"] / name))
    assert [str(error) for error in result.errors] == []


@pytest.mark.parametrize("name", NAMES)
def test_the_zoom_has_the_percent_the_schema_requires(corpus, name):
    """<w:zoom w:val="bestFit"/> without w:percent, from the templates (issue 24)."""
    with zipfile.ZipFile(corpus["exemple-2021"] / name) as package:
        settings = package.read("word/settings.xml").decode("utf-8")
    assert re.findall(r"<w:zoom [^>]*>", settings) == ['<w:zoom w:val="bestFit" w:percent="100"/>']
