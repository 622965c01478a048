"""Small content built in memory (three territories, three themes, three categories), and
the real Hauts-de-France compte-rendu's context: shared by the tests of several stages."""

from __future__ import annotations

from pathlib import Path

from rencontres.content.loading import Content, Edition, load_content
from rencontres.content.model import EditionInfo, Referentiel, Synthesis, TerritoryReport
from rencontres.documents.report import report_context

TERRITORIES = [("nord", "Nord"), ("est", "Est"), ("sud", "Sud")]
THEMES = [("mobilite", "Mobilité"), ("sante", "Santé"), ("emploi", "Emploi")]
CATEGORIES = [("techniciens", "Techniciens"), ("elus", "Élus"), ("national", "National")]


def referentiel(territories=TERRITORIES, themes=THEMES, categories=CATEGORIES) -> Referentiel:
    return Referentiel.model_validate({
        "territoires": [{"id": tid, "nom": name, "pays": ["FR"]} for tid, name in territories],
        "themes": [{"id": tid, "libelle": label} for tid, label in themes],
        "categories": [{"id": cid, "libelle": label} for cid, label in categories],
    })


def report(territory: str, total: int, *, by_category: dict[str, int] | None = None,
           local: list[str] = (), expected: list[str] = ()) -> TerritoryReport:
    return TerritoryReport.model_validate({
        "territoire": territory,
        "participants": {"total": total, "par_categorie": by_category or {}},
        "priorites_locales": list(local),
        "mot_attendue": list(expected),
    })


def edition(year: int, *reports: TerritoryReport, synthesis: dict | None = None) -> Edition:
    order = [tid for tid, _ in TERRITORIES]
    by_id = {r.territory: r for r in sorted(reports, key=lambda r: order.index(r.territory))}
    return Edition(
        info=EditionInfo.model_validate({"annee": year, "titre": f"Rencontres territoriales {year}"}),
        directory=Path(str(year)),
        reports=by_id,
        synthesis=Synthesis.model_validate(synthesis) if synthesis is not None else None)


def build_content(*editions: Edition, ref: Referentiel | None = None) -> Content:
    return Content(Path("contenu"), ref or referentiel(),
                   {e.year: e for e in sorted(editions, key=lambda e: e.year)})


def territory_file(participants: int, level1: int, suggestions: int, remarks: int,
                   votes: int) -> TerritoryReport:
    labels = [f"Thème {n}" for n in range(1, max(level1, votes) + 1)]
    sections = [{"titre": f"Partie {n}", "niveau": 1, "themes_votes": [labels[n - 1]],
                 "objectifs": ["Un objectif"],
                 "suggestions": [f"Suggestion {i}" for i in range(suggestions)],
                 "remarques": [f"Remarque {i}" for i in range(remarks)]}
                for n in range(1, level1 + 1)]
    return TerritoryReport.model_validate({
        "territoire": "nord", "participants": {"total": participants},
        "themes_votes": [{"libelle": label, "votes": 1} for label in labels[:votes]],
        "sections": sections or [{"titre": "Autre", "niveau": 2, "objectifs": ["x"],
                                  "suggestions": [f"Suggestion {i}" for i in range(suggestions)],
                                  "remarques": [f"Remarque {i}" for i in range(remarks)]}]})


def compte_rendu(count: int):
    content = build_content(edition(2021, territory_file(count, count, count, count, count)))
    return report_context(content, content.editions[2021], "nord")


HDF = "content/2021/territoires/hauts-de-france.yaml"


def hdf_context(project: Path):
    content = load_content(project / "content")
    return report_context(content, content.editions[2021], "hauts-de-france")
