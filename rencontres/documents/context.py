"""What each template receives: typed contexts built from the validated content.

Every name a template may use is a field of a context, with a French description:
the list of fields shown to template editors is generated from these classes.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class TemplateContext(BaseModel):
    # Built in code by attribute name; templates see each field by its French alias.
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True,
                              validate_by_name=True, validate_by_alias=False)

    def fields(self) -> dict[str, object]:
        """The top-level names the template sees, in French."""
        return {info.alias or name: getattr(self, name)
                for name, info in type(self).model_fields.items()}


# The English field names of the first templates → their French names, for the
# checker's hint to a template written before the fields were renamed.
FORMER_ATTRIBUTES = {
    "title": "titre", "name": "nom", "year": "annee", "countries": "pays", "text": "texte",
    "subpoints": "sous_points", "objectives": "objectifs", "project_ideas": "idees_projet",
    "partners": "partenaires", "remarks": "remarques",
    "suggestions_heading": "titre_suggestions", "remarks_heading": "titre_remarques",
    "label": "libelle", "level": "niveau", "level1": "niveau_1", "voted_themes": "themes_votes",
    "territory": "territoire", "previous": "precedent", "current": "actuel", "place": "lieu",
    "count": "nombre", "problem": "problematique", "territories": "territoires",
    "territory_count": "nombre_territoires", "reminder": "rappel",
    "by_category": "par_categorie", "local_priorities": "priorites_locales",
    "mot_expected": "mot_attendue", "cross_cutting_ideas": "idees_transversales",
}
