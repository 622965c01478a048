"""French agreement: every counted phrase a document prints is computed in Python, right
for 0, 1 and many (« 1 thème sur lequel », « 2 thèmes sur lesquels »), and handed to the
templates as ready text. One table, each phrase at 0, 1 and 2."""

from __future__ import annotations

import pytest
from support.content_builders import build_content, compte_rendu, edition, report

from rencontres.documents.figures import participants_summary
from rencontres.documents.synthesis import synthesis_context, territories_figure


def sections_of(context):
    return context.level1_sections or context.level2_sections


PHRASES = {
    "participants (compte-rendu)": lambda n: compte_rendu(n).participants_figure,
    "thèmes votés": lambda n: compte_rendu(n).votes_figure,
    "thèmes de niveau 1": lambda n: (f"{compte_rendu(n).level1_figure} "
                                     f"{compte_rendu(n).level1_line.split(' la MOT')[0]}"),
    "titre des suggestions": lambda n: sections_of(compte_rendu(n))[0].suggestions_heading,
    "titre des remarques": lambda n: sections_of(compte_rendu(n))[0].remarks_heading,
    "territoires de l'édition": lambda n: territories_figure(participants_summary(
        *_edition_of(n))),
    "participants (synthèse)": lambda n: synthesis_context(*_edition_of(n)).participants_figure,
    "thème cité": lambda n: synthesis_context(
        *_edition_of(n, local=["mobilite"])).local_priority_themes[0].text if n else "",
}


def _edition_of(count: int, local=()):
    reports = [report(tid, 1, local=local) for tid in ("nord", "est", "sud")[:count]]
    content = build_content(edition(2021, *reports))
    return content, content.editions[2021]


@pytest.mark.parametrize("name, expected", [
    ("participants (compte-rendu)", ["aucun participant", "1 participant", "2 participants"]),
    ("thèmes votés", ["aucun thème prioritaire", "1 thème prioritaire",
                      "2 thèmes prioritaires"]),
    ("thèmes de niveau 1", ["aucun thème sur lequel", "1 thème sur lequel",
                            "2 thèmes sur lesquels"]),
    ("titre des suggestions", ["Suggestion de la MOT", "Suggestion de la MOT",
                               "Suggestions de la MOT"]),
    ("titre des remarques", ["Remarque de la MOT", "Remarque de la MOT",
                             "Remarques de la MOT"]),
    ("territoires de l'édition", ["aucun territoire sur 3", "1 territoire sur 3",
                                  "2 territoires sur 3"]),
    # It starts the participants' paragraph of the synthesis: capitalised.
    ("participants (synthèse)", ["Aucun participant", "1 participant", "2 participants"]),
    ("thème cité", ["", "identifié comme priorité locale dans 1 territoire",
                    "identifié comme priorité locale dans 2 territoires"]),
])
def test_each_counted_phrase_at_0_1_and_2(name, expected):
    assert [PHRASES[name](count) for count in (0, 1, 2)] == expected
