"""Each check of the proof-reading (rencontres/publishing/proofreading.py) on pages made
to break it, then on the real pages of the 2021 synthesis, read from its PDF; the whole
corpus of edition shapes is proof-read in tests/end_to_end/test_edition_shapes.py."""

from __future__ import annotations

import dataclasses

import pytest

from rencontres.publishing.proofreading import (
    ChartData,
    Line,
    Page,
    chart_findings,
    layout_findings,
    proofread,
    text_findings,
    toc_findings,
)

HEIGHT = 842.0
DOC = "synthese-2021.pdf"


def line(text: str, top: float, tag: str = "P", figure: bool = False) -> Line:
    return Line(text, top, top + 12, {tag}, figure)


def footer() -> list[Line]:
    return [line("MOT – Mission Opérationnelle Transfrontalière · Page 2 / 3", 800, "Artifact")]


def page(number: int, lines: list[Line], pictures: tuple[float, ...] = (),
         figures: tuple[tuple[str, list[str]], ...] = ()) -> Page:
    return Page(number, HEIGHT, lines, footer(), 0.0, list(pictures), list(figures))


def full(number: int, first: Line | None = None) -> Page:
    """A page of text from top to bottom."""
    body = [line(f"Ligne {n}", 120 + 20 * n) for n in range(30)]
    return page(number, ([first] if first else []) + body)


def messages(findings) -> list[str]:
    return [str(finding) for finding in findings]


# --- words --------------------------------------------------------------------------

def test_raw_tags_and_none_are_blocking():
    pages = [page(1, [line("Total : {{ ligne.total }} participants", 120)]),
             page(2, [line("Lieu : None", 120), line("{%p if x %}", 140)])]
    found = text_findings(DOC, pages)
    assert messages(found) == [
        "synthese-2021.pdf, page 1 : balise de modèle « {{ » dans le texte : "
        "« Total : {{ ligne.total }} participants »",
        "synthese-2021.pdf, page 1 : balise de modèle « }} » dans le texte : "
        "« Total : {{ ligne.total }} participants »",
        "synthese-2021.pdf, page 2 : balise de modèle « {% » dans le texte : « {%p if x %} »",
        "synthese-2021.pdf, page 2 : balise de modèle « %} » dans le texte : « {%p if x %} »",
        "synthese-2021.pdf, page 2 : « None » dans le texte : « Lieu : None »"]
    assert all(finding.blocking for finding in found)


def test_straight_apostrophes_and_quotes_and_the_tools_words():
    pages = [page(3, [line("ce territoire n'est pas compté", 120),
                      line('le "Grenelle" des mobilités', 140),
                      line("94 en 2017 (dernière édition saisie)", 160),
                      line("l’implication citoyenne", 180)])]
    assert messages(text_findings(DOC, pages, ["saisie"])) == [
        "synthese-2021.pdf, page 3 : apostrophe droite au lieu de la typographie française : "
        "« ce territoire n'est pas compté »",
        "synthese-2021.pdf, page 3 : guillemet droit au lieu de la typographie française : "
        "« le \"Grenelle\" des mobilités »",
        "synthese-2021.pdf, page 3 : mot de l'outil « saisie » : "
        "« 94 en 2017 (dernière édition saisie) »"]
    assert not any(f.blocking for f in text_findings(DOC, pages, ["saisie"]))
    assert text_findings(DOC, [page(3, [line("l’implication « citoyenne »", 120)])],
                         ["saisie"]) == []


# --- charts -------------------------------------------------------------------------

CHART = ChartData("Participants par territoire", ("Hauts-de-France", "Grande Région"),
                  ("35", "22"))


def test_a_chart_label_or_value_missing_from_its_page():
    whole = ["Hauts-de-France", "Grande", "Région", "35", "22"]
    shown = page(4, [], figures=(("Participants par territoire", whole),))
    assert chart_findings(DOC, [shown], [CHART]) == []
    # LibreOffice dropped every other label: « Grande Région » is not drawn.
    dropped = page(4, [], figures=(("Participants par territoire",
                                    ["Hauts-de-France", "35", "22"]),))
    assert messages(chart_findings(DOC, [dropped], [CHART])) == [
        "synthese-2021.pdf, page 4 : le graphique « Participants par territoire » ne montre "
        "pas l'étiquette « Grande Région »"]
    no_value = page(4, [], figures=(("Participants par territoire", whole[:-1]),))
    assert messages(chart_findings(DOC, [no_value], [CHART])) == [
        "synthese-2021.pdf, page 4 : le graphique « Participants par territoire » ne montre "
        "pas la valeur 22"]
    assert messages(chart_findings(DOC, [page(4, [])], [CHART])) == [
        "synthese-2021.pdf : graphique « Participants par territoire » absent du PDF"]


# --- layout -------------------------------------------------------------------------

def test_a_heading_ending_its_page():
    ending = full(2)
    ending.lines.append(line("Les participants", 760, "H1"))
    assert messages(layout_findings(DOC, [full(1), ending, full(3)])) == [
        "synthese-2021.pdf, page 2 : le titre « Les participants » finit la page, séparé de "
        "ce qu'il annonce"]


def test_a_heading_and_its_sentence_whose_figure_starts_the_next_page():
    before = full(2)
    before.lines += [line("Les participants", 720, "H1"), line("142 participants", 750)]
    after = page(3, [line("Légende de la carte", 600, "Caption")], pictures=(120.0,))
    after.drawn_bottom = 590
    assert messages(layout_findings(DOC, [full(1), before, after, full(4)])) == [
        "synthese-2021.pdf, page 2 : le titre « Les participants » est séparé de sa figure, "
        "page 3"]


def test_a_caption_separated_from_its_figure():
    alone = full(3, first=line("Nombre de votes par thème.", 100, "Caption"))
    assert messages(layout_findings(DOC, [full(1), full(2), alone, full(4)])) == [
        "synthese-2021.pdf, page 3 : la légende « Nombre de votes par thème. » est séparée de "
        "sa figure, restée page précédente"]
    under_its_map = dataclasses.replace(alone, picture_tops=[60.0])
    assert layout_findings(DOC, [full(1), full(2), under_its_map, full(4)]) == []


def test_a_page_under_a_third_full_unless_it_ends_a_part():
    short = page(2, [line("Quatre lignes seulement", 120 + 20 * n) for n in range(4)])
    assert messages(layout_findings(DOC, [full(1), short, full(3)])) == [
        "synthese-2021.pdf, page 2 : page remplie à 14 % seulement, alors que la partie "
        "continue page suivante"]
    # The next page opens a part (a level-1 heading): the short page ends its part.
    assert layout_findings(DOC, [full(1), short, full(3, line("Suite", 100, "H1"))]) == []
    # A picture (the map) fills it.
    drawn = dataclasses.replace(short, drawn_bottom=700.0)
    assert layout_findings(DOC, [full(1), drawn, full(3)]) == []


def test_the_body_on_the_cover_and_a_page_without_footer():
    cover = page(1, [line("Compte-rendu", 200, "Title"), line("Mobilité", 600, "H1"),
                     line("Objectifs", 620)])
    bare = dataclasses.replace(full(2), artifacts=[])
    assert messages(layout_findings(DOC, [cover, bare])) == [
        "synthese-2021.pdf, page 1 : le texte commence sur la couverture",
        "synthese-2021.pdf, page 2 : page sans pied de page"]


# --- table of contents --------------------------------------------------------------

def toc(*entries: str) -> Page:
    return page(2, [line("Sommaire", 60, "Contents Heading"),
                    *[line(text, 100 + 20 * n, "Link") for n, text in enumerate(entries)]])


def test_a_toc_page_number_that_is_not_its_headings_page():
    body = [toc("Les participants 3", "Les thèmes les plus cités 4"),
            page(3, [line("Les participants", 100, "H1")]),
            page(4, [line("Texte", 100)]),
            page(5, [line("Les thèmes les plus cités", 100, "H1")])]
    assert messages(toc_findings(DOC, body)) == [
        "synthese-2021.pdf, page 2 : le sommaire renvoie « Les thèmes les plus cités » à la "
        "page 4, il est page 5"]


def test_a_toc_page_number_alone_on_its_line():
    body = [toc("Les thèmes sur lesquels la MOT est particulièrement attendue", "5"),
            page(5, [line("Les thèmes sur lesquels la MOT est particulièrement attendue", 100,
                          "H2")])]
    assert messages(toc_findings(DOC, body)) == [
        "synthese-2021.pdf, page 2 : le numéro de page de « Les thèmes sur lesquels la MOT "
        "est particulièrement attendue » est seul sur sa ligne"]


# --- a real PDF ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def example(corpus):
    folder = corpus["exemple-2021"]
    return (folder / "synthese-2021.docx").read_bytes(), (folder / "synthese-2021.pdf").read_bytes()


def test_the_2021_synthesis_as_read_from_its_pdf(example):
    docx, pdf = example
    assert proofread(DOC, docx, pdf, ["saisie"]) == []
    from rencontres.publishing.proofreading import charts, read_pages

    pages = read_pages(pdf)
    first = next(chart for chart in charts(docx) if "Hauts-de-France" in chart.labels)
    assert chart_findings(DOC, pages, [first]) == []
    # The same chart said to have a territory the PDF does not show.
    missing = dataclasses.replace(first, labels=(*first.labels, "Pays Basque"))
    assert [f.message.endswith("ne montre pas l'étiquette « Pays Basque »")
            for f in chart_findings(DOC, pages, [missing])] == [True]


def test_a_short_part_alone_on_its_page_after_a_page_with_room():
    """« Suivi des suggestions », one line on a page of its own (issue 24)."""
    half = page(8, [line(f"Ligne {n}", 120 + 20 * n) for n in range(15)])
    alone = page(9, [line("Suivi des suggestions de 2021", 100, "H1"), line("Une ligne", 140)])
    assert messages(layout_findings(DOC, [full(1), full(2), half, alone])) == [
        "synthese-2021.pdf, page 9 : la partie « Suivi des suggestions de 2021 » tient en "
        "quelques lignes sur une page à elle (8 %), alors que la page 8 avait la place"]
    assert layout_findings(DOC, [full(1), full(2), full(8), alone]) == []
