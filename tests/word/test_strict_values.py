"""The 2008 standard's values LibreOffice writes, rewritten as Word 2007 reads them."""

from __future__ import annotations

from lxml import etree

from rencontres.word.strict_values import W, _fix

PART = f"""<w:document xmlns:w="{W}"><w:body>
<w:p><w:pPr><w:keepNext w:val="true"/><w:widowControl w:val="false"/><w:jc w:val="start"/>
</w:pPr></w:p>
<w:p><w:pPr><w:jc w:val="center"/><w:spacing w:val="true"/></w:pPr></w:p>
<w:lvl><w:lvlJc w:val="end"/></w:lvl>
<w:font w:characterSet="utf-8" w:name="Liberation Sans"/>
<w:compatSetting w:name="compatibilityMode" w:val="true"/>
</w:body></w:document>"""


def test_every_value_of_the_2008_standard_is_rewritten_and_nothing_else():
    root = etree.fromstring(PART)
    assert _fix(root)
    text = etree.tostring(root, encoding="unicode")
    for before, after in (('<w:keepNext w:val="true"/>', "<w:keepNext/>"),
                          ('<w:widowControl w:val="false"/>', '<w:widowControl w:val="0"/>'),
                          ('<w:jc w:val="start"/>', '<w:jc w:val="left"/>'),
                          ('<w:spacing w:val="true"/>', "<w:spacing/>"),
                          ('<w:lvlJc w:val="end"/>', '<w:lvlJc w:val="right"/>'),
                          ('<w:font w:characterSet="utf-8" w:name="Liberation Sans"/>',
                           '<w:font w:name="Liberation Sans"/>')):
        assert before not in text and after in text
    assert '<w:jc w:val="center"/>' in text
    assert '<w:compatSetting w:name="compatibilityMode" w:val="true"/>' in text  # a text


def test_a_part_already_in_the_2006_values_is_left_alone():
    root = etree.fromstring(f'<w:p xmlns:w="{W}" xmlns:x="urn:x"><w:pPr><w:keepNext/>'
                            '<w:jc w:val="left"/><w:compatSetting w:val="true"/>'
                            '<x:other w:val="true"/></w:pPr></w:p>')
    before = etree.tostring(root)
    assert not _fix(root)
    assert etree.tostring(root) == before
