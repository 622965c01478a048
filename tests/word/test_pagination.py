"""Short lists kept on one page, an item kept with its first sub-point
(rencontres/word/pagination.py)."""

from __future__ import annotations

from lxml import etree

from rencontres.word.pagination import W, keep_lists_together


def body(*styles: str) -> etree._Element:
    xml = "".join(f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr></w:p>' for style in styles)
    return etree.fromstring(f'<w:body xmlns:w="{W}">{xml}</w:body>')


def kept(element: etree._Element) -> list[bool]:
    return [p.find(f"{{{W}}}pPr/{{{W}}}keepNext") is not None for p in element]


def test_a_short_list_is_kept_whole_its_last_item_free():
    element = body("Heading3", "ListBullet", "ListBullet2", "ListBullet", "Normal")
    keep_lists_together(element)
    assert kept(element) == [False, True, True, False, False]
    # keepNext right after pStyle, as the schema orders them.
    assert [child.tag.split("}")[1] for child in element[1][0]] == ["pStyle", "keepNext"]


def test_a_long_list_may_break_but_not_between_an_item_and_its_first_sub_point():
    element = body(*["ListBullet"] * 5, "ListBullet2", "ListBullet2", "ListBullet")
    keep_lists_together(element)
    assert kept(element) == [False, False, False, False, True, False, False, False]


def test_a_short_part_follows_the_previous_one_the_first_part_excepted():
    from rencontres.word.pagination import let_short_parts_follow

    xml = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'
        for style, text in [("Heading1", "Court"), ("Normal", "Une ligne"),
                            ("Heading1", "Long"), *[("Normal", "Texte")] * 5,
                            ("Heading1", "Suivi"), ("ListBullet", "Une suggestion")])
    element = etree.fromstring(f'<w:body xmlns:w="{W}">{xml}</w:body>')
    let_short_parts_follow(element)
    breaks = [p.find(f"{{{W}}}pPr/{{{W}}}pageBreakBefore") for p in element]
    assert [(index, b.get(f"{{{W}}}val")) for index, b in enumerate(breaks) if b is not None] \
        == [(8, "0")]
