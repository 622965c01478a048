"""The content model: what the YAML files may hold, with their French keys.

Field names are English (code); aliases are the French keys of the files.
Descriptions are French: they feed the JSON Schema that editors show.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    model_validator,
)
from pydantic_core import PydanticCustomError

Id = str


class ContentModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False,
                              coerce_numbers_to_str=True)

    # True when a plain text may stand for the whole object (see Item).
    accepts_plain_text: ClassVar[bool] = False


class RuleError(ValueError):
    """A broken rule of the model, shown at `key` (French keys, relative to the object)."""

    def __init__(self, message: str, *key: str):
        super().__init__(message)
        self.key = key


def _blank(value: str) -> bool:
    """Spaces only, or invisible marks such as U+200B: printed as a blank heading or an
    empty bullet."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in value)


def _not_blank(value: str | None) -> str | None:
    if value is not None and _blank(value):
        raise PydanticCustomError("blank_text", "text is empty or only spaces")
    return value


def _no_blank_item(values: list[str]) -> list[str]:
    for index, value in enumerate(values):
        if _blank(value):
            raise PydanticCustomError("blank_text", "text is empty or only spaces",
                                      {"index": index})
    return values


# Every text of the content is never empty nor only spaces, required or not. The
# validator wraps the whole field, so that its type stays « str » for `champs`.
# The schema says it too (a pattern the editor checks while typing; not validated
# here, where _blank also knows the invisible marks).
_SHOWS_SOMETHING = Field(json_schema_extra={"pattern": r"\S"})
Text = Annotated[str, AfterValidator(_not_blank), _SHOWS_SOMETHING]
OptionalText = Annotated[str | None, AfterValidator(_not_blank), _SHOWS_SOMETHING]
Texts = Annotated[list[Annotated[str, _SHOWS_SOMETHING]], AfterValidator(_no_blank_item)]


def _text(alias: str, description: str, **kwargs: Any) -> Any:  # Any: as pydantic's Field
    return Field(alias=alias, description=description, min_length=1, **kwargs)


# Counts are strict: YAML reads `oui` or `true` as a boolean, never as 1. And bounded:
# far above any Rencontre, far below what a chart could draw (2^63 overflowed it).
MAX_COUNT = 1_000_000

# --- referentiel.yaml -------------------------------------------------------

# The part of Europe the synthesis' map shows, in degrees: a territory outside it
# (overseas) is drawn in an inset of the map.
MAP_LONGITUDES = (-5.5, 10.5)
MAP_LATITUDES = (41.3, 51.6)


class MapPlace(ContentModel):
    longitude: float = Field(alias="longitude", ge=-180, le=180,
                             description="Longitude du repère du territoire sur la carte, en "
                                         "degrés (est positif), ex. 2.9 ; hors de la France "
                                         "métropolitaine (outre-mer), le territoire est "
                                         "dessiné dans un encart.")
    latitude: float = Field(alias="latitude", ge=-90, le=90,
                            description="Latitude du repère, en degrés (nord positif), "
                                        "ex. 50.7.")
    label_side: Literal["gauche", "droite", "haut", "bas"] = Field(
        alias="etiquette",
        description="De quel côté du repère s'écrivent le nom et les chiffres.")


class Territory(ContentModel):
    id: Id = Field(alias="id", description="Identifiant court, en minuscules (ex. « hauts-de-france »).",
                   pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: Text = _text("nom", "Nom du territoire tel qu'il s'affiche dans les documents.")
    countries: Texts = Field(alias="pays", min_length=1,
                                 description="Codes des pays de la frontière (ex. FR, BE).")
    # Excluded: read by the map's drawing only, never handed to a template.
    map_place: MapPlace | None = Field(
        None, alias="carte", exclude=True,
        description="Place du territoire sur la carte de la synthèse ; sans elle, le "
                    "territoire n'y figure pas.")


class Theme(ContentModel):
    id: Id = Field(alias="id", description="Identifiant court du thème de synthèse.",
                   pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    label: Text = _text("libelle", "Libellé du thème dans la synthèse.")
    # Excluded: read by the trends only, never handed to a template.
    since: StrictInt | None = Field(
        None, alias="depuis", ge=2000, le=2100, exclude=True,
        description="Première édition où le thème existe (ex. 2023) ; sans elle, la "
                    "première édition qui le nomme. Avant, les tendances disent « n. d. ».")


class Category(ContentModel):
    id: Id = Field(alias="id", description="Identifiant court de la catégorie de participants.",
                   pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    label: Text = _text("libelle", "Libellé de la catégorie.")
    description: Text = Field("", alias="description",
                             description="Qui appartient à cette catégorie.")


class Referentiel(ContentModel):
    territories: list[Territory] = Field(alias="territoires", min_length=1,
                                         description="Les territoires des Rencontres.")
    themes: list[Theme] = Field(alias="themes", min_length=1,
                                description="Les thèmes de la synthèse inter-territoires.")
    categories: list[Category] = Field(default_factory=list, alias="categories",
                                       description="Les catégories de participants.")


# --- <année>/edition.yaml ---------------------------------------------------

class PlannedRencontre(ContentModel):
    """A Rencontre still to come: the edition is provisional until it is held."""

    territory: Id = Field(alias="territoire",
                          description="Identifiant du territoire (référentiel).")
    date: datetime.date | None = Field(None, alias="date",
                                       description="Date prévue de la Rencontre (AAAA-MM-JJ).")


class EditionInfo(ContentModel):
    year: StrictInt = Field(alias="annee", ge=2000, le=2100, description="Année de l'édition.")
    title: Text = _text("titre", "Titre de l'édition (ex. « Rencontres territoriales 2021 »).")
    date: datetime.date | None = Field(None, alias="date",
                                       description="Date de publication des documents (AAAA-MM-JJ).")
    # Excluded: what the synthesis says of them is computed (documents/synthesis.py).
    upcoming: list[PlannedRencontre] = Field(
        default_factory=list, alias="a_venir", exclude=True,
        description="Les Rencontres encore à venir, avec leur date prévue : tant qu'il en "
                    "reste, l'édition est provisoire.")

    @property
    def provisional(self) -> bool:
        return bool(self.upcoming)


# --- <année>/territoires/<id>.yaml ------------------------------------------

# Excluded: a reference between content files, never handed to a template.
SUGGESTION_ID = Field(
    None, alias="id", pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", exclude=True,
    description="Identifiant court d'une suggestion de la MOT (ex. « cahier-diplomes »), "
                "pour en donner le suivi à une édition suivante.")


class Item(ContentModel):
    """A point of a list, with optional sub-points. A plain text is accepted too."""

    accepts_plain_text: ClassVar[bool] = True

    text: Text = _text("texte", "Le texte du point.")
    id: Id | None = SUGGESTION_ID
    subpoints: Texts = Field(default_factory=list, alias="sous_points",
                                 description="Sous-points, dans l'ordre.")

    @model_validator(mode="before")
    @classmethod
    def _from_plain_text(cls, value: object) -> object:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return {"texte": value}
        if _is_text_cut_by_colon(value):
            raise ValueError("ce texte contient « : », il doit être entre guillemets")
        return value


def _is_text_cut_by_colon(value: object) -> bool:
    """« - Eau : prendre en compte… » unquoted: YAML reads {"Eau": "prendre…"}."""
    if not (isinstance(value, dict) and len(value) == 1):
        return False
    (key, text), = value.items()
    looks_like_key = isinstance(key, str) and re.fullmatch(r"[a-z_]+", key)
    return not looks_like_key and (text is None or isinstance(text, (str, int, float)))


class Participants(ContentModel):
    total: StrictInt = Field(alias="total", ge=0, le=MAX_COUNT,
                             description="Nombre total de participants.")
    by_category: dict[Id, StrictInt] = Field(
        default_factory=dict, alias="par_categorie",
        description="Répartition facultative par catégorie (identifiants du référentiel).")

    @model_validator(mode="after")
    def _split_fits_total(self) -> Participants:
        for category, count in self.by_category.items():
            if count < 0:
                raise RuleError(f"l'effectif de « {category} » ne peut pas être négatif",
                                "par_categorie", category)
        split = sum(self.by_category.values())
        if split > self.total:
            raise RuleError(
                f"la répartition par catégorie ({split}) dépasse le total ({self.total})",
                "par_categorie")
        return self


class VotedTheme(ContentModel):
    label: Text = _text("libelle", "Le thème, dans les mots du territoire.")
    votes: StrictInt = Field(alias="votes", ge=0, le=MAX_COUNT,
                             description="Nombre de votes reçus.")
    theme: Id | None = Field(None, alias="theme",
                             description="Thème de synthèse auquel il se rattache (référentiel).")


class Section(ContentModel):
    title: Text = _text("titre", "Titre de la partie (ex. « Mobilité »).")
    # None: not known; the compte-rendu then claims nothing about the MOT's expectation.
    level: Literal[1, 2] | None = Field(
        None, alias="niveau",
        description="1 : thème sur lequel la MOT est particulièrement attendue ; 2 : autre "
                    "thème ; absent : niveau non connu (le compte-rendu n'en dit rien).")
    voted_themes: Texts = Field(default_factory=list, alias="themes_votes",
                                    description="Libellés des thèmes votés que couvre la partie.")
    objectives: list[Item] = Field(default_factory=list, alias="objectifs",
                                   description="Objectifs territoriaux.")
    project_ideas: list[Item] = Field(
        default_factory=list, alias="idees_projet",
        description="Niveau 1 : comment la MOT peut s'emparer du sujet, idées de projet.")
    partners: Texts = Field(default_factory=list, alias="partenaires",
                                description="Niveau 1 : partenaires pressentis.")
    suggestions: list[Item] = Field(default_factory=list, alias="suggestions",
                                    description="Suggestions de la MOT.")
    remarks: list[Item] = Field(default_factory=list, alias="remarques",
                                description="Remarques de la MOT.")

    @model_validator(mode="after")
    def _level_2_has_no_project(self) -> Section:
        if self.level != 1 and (self.project_ideas or self.partners):
            key = "idees_projet" if self.project_ideas else "partenaires"
            raise RuleError("les idées de projet et les partenaires sont réservés aux parties "
                            "de niveau 1", key)
        return self


class TerritoryReport(ContentModel):
    territory: Id = Field(alias="territoire", description="Identifiant du territoire (référentiel).")
    date: datetime.date | None = Field(None, alias="date",
                                       description="Date de la Rencontre (AAAA-MM-JJ).")
    place: OptionalText = Field(None, alias="lieu", min_length=1,
                              description="Lieu de la Rencontre.")
    participants: Participants = Field(alias="participants", description="Les participants.")
    voted_themes: list[VotedTheme] = Field(
        default_factory=list, alias="themes_votes",
        description="Les thèmes votés comme prioritaires, avec leurs votes.")
    # None: not recorded (the key absent, or null); []: none. A territory that did not
    # record a list is left out of the count « sur N » of that list.
    local_priorities: list[Id] | None = Field(
        None, alias="priorites_locales",
        description="Thèmes de synthèse retenus comme priorités locales (référentiel) ; "
                    "absent ou null : non renseigné ; [] : aucun.")
    mot_expected: list[Id] | None = Field(
        None, alias="mot_attendue",
        description="Thèmes de synthèse sur lesquels la MOT est particulièrement attendue ; "
                    "absent ou null : non renseigné ; [] : aucun.")
    sections: list[Section] = Field(default_factory=list, alias="sections",
                                    description="Les parties du compte-rendu, dans l'ordre.")
    draft: bool = Field(False, alias="brouillon", strict=True,
                        description="Vrai : le compte-rendu est un brouillon, marqué "
                                    "« version provisoire ».")
    cross_cutting_ideas: list[Item] = Field(
        default_factory=list, alias="idees_transversales",
        description="Idées transversales à certains thèmes.")

    @property
    def has_report(self) -> bool:
        """Only a territory with sections gets a compte-rendu."""
        return bool(self.sections)


# --- <année>/synthese.yaml --------------------------------------------------

class CardSuggestion(ContentModel):
    kind: Literal["suggestion", "rappel"] = Field(
        "suggestion", alias="nature",
        description="« suggestion » (numérotée) ou « rappel » d'une proposition antérieure.")
    label: OptionalText = Field(None, alias="libelle", min_length=1,
                              description="Libellé imposé (ex. « Rappel 2021 »).")
    text: Text = _text("texte", "Le texte de la suggestion.")
    id: Id | None = SUGGESTION_ID


class CommonIdea(ContentModel):
    theme: Id = Field(alias="theme", description="Thème de synthèse (référentiel).")
    title: OptionalText = Field(None, alias="titre", min_length=1,
                              description="Titre de la fiche, si autre que le libellé du thème.")
    problem: Text = _text("problematique", "La problématique commune.")
    territories: list[Id] = Field(alias="territoires", min_length=1,
                                  description="Territoires concernés (référentiel).")
    suggestions: list[CardSuggestion] = Field(
        default_factory=list, alias="suggestions",
        description="Suggestions d'action pour l'année suivante, dans l'ordre.")


class MostCited(ContentModel):
    """How many themes the synthesis shows, the most cited first; a theme tied with the
    last one shown is shown too. The defaults are the source's (2021: five, four)."""

    local_priorities: StrictInt = Field(
        5, alias="priorites_locales", ge=1, le=50,
        description="Nombre de thèmes les plus cités montrés pour les priorités locales.")
    mot_expected: StrictInt = Field(
        4, alias="mot_attendue", ge=1, le=50,
        description="Nombre de thèmes les plus cités montrés là où la MOT est attendue.")


FollowUpStatus = Literal["fait", "en cours", "abandonnée", "reformulée"]


class FollowUp(ContentModel):
    suggestion: Id = Field(alias="suggestion",
                           description="Identifiant de la suggestion suivie, donné à "
                                       "l'édition précédente.")
    status: FollowUpStatus = Field(
        alias="etat", description="Ce qu'est devenue la suggestion : « fait », « en cours », "
                                  "« abandonnée » ou « reformulée ».")
    text: OptionalText = Field(None, alias="texte", min_length=1,
                               description="Une ligne qui en dit plus (facultative).")


class Synthesis(ContentModel):
    introduction: OptionalText = Field(None, alias="introduction", min_length=1,
                                     description="Texte d'introduction facultatif.")
    common_ideas: list[CommonIdea] = Field(
        default_factory=list, alias="idees_communes",
        description="Idées communes à plusieurs territoires, une fiche par thème.")
    most_cited: MostCited = Field(
        default_factory=MostCited, alias="themes_les_plus_cites",
        description="Combien de thèmes les plus cités la synthèse montre (ex aequo compris).")
    follow_ups: list[FollowUp] = Field(
        default_factory=list, alias="suivi",
        description="Ce que sont devenues les suggestions de l'édition précédente qui ont "
                    "un identifiant.")
