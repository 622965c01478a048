"""`verifier` refuses an attribute that a field of a plain type does not have (a text, a
number, a date), as it refuses an unknown field of a record (issue 29): « lieu.tpl » was
called valid, and the build failed later with the wrong reason."""

from __future__ import annotations

from support.templates import make_template

from rencontres.word.checker import check_template
from rencontres.word.fields import context_class


def test_attributes_a_plain_field_does_not_have_are_refused(tmp_path):
    template = make_template(tmp_path / "modele.docx", [
        "{% if lieu.tpl.docx.save('x') %}{% endif %}",
        "{{ frontiere.tpl.replace_zipname('a', 'b') }}",
        "{{ participants.total.tpl }}",
        "{% if date %}{{ date.tpl }}{% endif %}",
        # What a text and a date do have is allowed.
        "{% if lieu %}{{ lieu.upper() }}{% endif %} {% if date %}{{ date.year }}{% endif %}",
    ])
    assert [problem.message for problem in
            check_template(template, context_class("compte-rendu"))] == [
        "paragraphe 1 « {% if lieu.tpl.docx.save('x') %}{% endif %} » : champ inconnu "
        "« tpl » dans « lieu » : c'est un texte, qui n'a pas de champs",
        "paragraphe 2 « {{ frontiere.tpl.replace_zipname('a', 'b') }} » : champ inconnu "
        "« tpl » dans « frontiere » : c'est un texte, qui n'a pas de champs",
        "paragraphe 3 « {{ participants.total.tpl }} » : champ inconnu « tpl » dans "
        "« participants.total » : c'est un nombre, qui n'a pas de champs",
        "paragraphe 4 « {% if date %}{{ date.tpl }}{% endif %} » : champ inconnu « tpl » dans "
        "« date » : c'est une date, dont les champs sont « year », « month » et « day »",
    ]
