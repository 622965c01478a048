"""Synthetic editions for the benchmark: N territories with realistic content.

`make_project(root, n)` writes a complete project under `root` (content/ and a copy of
templates/): a referentiel with N territories, a 2021 edition where every territory
has a compte-rendu of the size of the Hauts-de-France one (voted themes, level 1 and
level 2 sections with objectives, project ideas, partners, suggestions, remarks), a
synthese.yaml, and a 2020 edition with figures only. Nothing here is committed: the
benchmark writes these projects into a temporary folder.

The texts are drawn from the real Hauts-de-France 2021 file (same lengths, same
characters), the figures from a seeded random generator: every territory has its own
votes, so no two votes charts are the same (the chart cache cannot share them).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SEED_FILE = "content/2021/territoires/hauts-de-france.yaml"
YEAR = 2021

COUNTRIES = ["FR", "BE", "LU", "DE", "CH", "IT", "MC", "ES", "AD", "UK"]
VOTED_LABELS = [
    ("Citoyenneté / Culture", "culture"), ("Services publics", None),
    ("Gouvernance", "gouvernance"), ("Mobilité", "mobilite"),
    ("Ressources / Biens communs", "ressources"), ("Ingénierie", "ingenierie"),
    ("Obstacles", "gouvernance"), ("Observation", "observation"),
    ("Emploi / insertion", "emploi"), ("Santé", "sante"), ("Formation", "formation"),
    ("Interreg 2021-2027", "interreg"),
]


def _dump(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100),
                    "utf-8")


def _seed_texts(source: Path) -> tuple[dict, list[str], list[dict]]:
    """The Hauts-de-France file, its plain texts and its items with sub-points."""
    seed = yaml.safe_load((source / SEED_FILE).read_text("utf-8"))
    plain: list[str] = []
    nested: list[dict] = []
    for section in seed["sections"]:
        for key in ("objectifs", "idees_projet", "suggestions", "remarques"):
            for item in section.get(key, []):
                if isinstance(item, dict):
                    nested.append(item)
                    plain.extend(item.get("sous_points", []))
                else:
                    plain.append(item)
    return seed, plain, nested


def territory_ids(n: int) -> list[tuple[str, str]]:
    return [(f"territoire-{i:03d}", f"Territoire transfrontalier n° {i}") for i in range(1, n + 1)]


def _items(rng: random.Random, plain: list[str], nested: list[dict], count: int,
           nested_share: float = 0.35) -> list[object]:
    items: list[object] = []
    for _ in range(count):
        if rng.random() < nested_share:
            model = rng.choice(nested)
            subpoints = rng.sample(plain, k=min(len(plain), len(model.get("sous_points", [])) or 1))
            items.append({"texte": model["texte"], "sous_points": subpoints})
        else:
            items.append(rng.choice(plain))
    return items


def territory_file(rng: random.Random, tid: str, seed: dict, plain: list[str],
                   nested: list[dict], with_categories: bool) -> dict:
    """A compte-rendu shaped like the seed: 9 voted themes, 3 level-1 and 5 level-2 parts."""
    labels = rng.sample(VOTED_LABELS, k=9)
    votes = []
    for label, theme in labels:
        entry = {"libelle": label, "votes": rng.randint(1, 15)}
        if theme:
            entry["theme"] = theme
        votes.append(entry)
    total = rng.randint(12, 80)
    participants: dict = {"total": total}
    if with_categories:
        elected = rng.randint(1, total // 3)
        national = rng.randint(0, total // 6)
        participants["par_categorie"] = {"techniciens": total - elected - national,
                                         "elus": elected, "national": national}
    sections = []
    # Level 1: the first two voted themes together, then one each (as in the seed).
    groups = [[labels[0][0], labels[1][0]], [labels[2][0]], [labels[3][0]]]
    for index, group in enumerate(groups):
        model = seed["sections"][index]
        section = {"titre": " / ".join(group), "niveau": 1, "themes_votes": group,
                   "objectifs": _items(rng, plain, nested, len(model.get("objectifs", [])) or 4),
                   "idees_projet": _items(rng, plain, nested, rng.randint(1, 2)),
                   "partenaires": rng.sample(plain, k=2)}
        if index != 2:
            section["suggestions"] = _items(rng, plain, nested, 1, nested_share=0)
        else:
            section["remarques"] = _items(rng, plain, nested, 1, nested_share=0)
        sections.append(section)
    for label, _ in labels[4:]:
        section = {"titre": label, "niveau": 2, "themes_votes": [label],
                   "objectifs": _items(rng, plain, nested, rng.randint(1, 3))}
        if rng.random() < 0.3:
            section["suggestions"] = _items(rng, plain, nested, 1, nested_share=0)
        sections.append(section)
    themes = [theme for _, theme in VOTED_LABELS if theme]
    return {
        "territoire": tid,
        "date": f"{YEAR}-{rng.randint(9, 11):02d}-{rng.randint(1, 28):02d}",
        "lieu": rng.choice(["Lille", "Strasbourg", "Annecy", "Perpignan", "Bayonne", "Metz",
                            "Nice", "Besançon", "Charleville-Mézières"]),
        "participants": participants,
        "themes_votes": votes,
        "priorites_locales": sorted(set(rng.sample(themes, k=rng.randint(4, 7))),
                                    key=themes.index),
        "mot_attendue": sorted(set(rng.sample(themes, k=rng.randint(2, 3))), key=themes.index),
        "sections": sections,
    }


def make_project(root: Path, n: int, seed: int = 2021, source: Path = REPO) -> Path:
    """Write a project of `n` territories under `root`; return `root`. Its texts, its
    synthesis and its templates come from the project `source` (the repository; or an
    older version of it, whose code reads only the content files of its time)."""
    rng = random.Random(seed * 1000 + n)
    seed_file, plain, nested = _seed_texts(source)
    content = root / "content"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(source / "templates", root / "templates")
    real = yaml.safe_load((source / "content/referentiel.yaml").read_text("utf-8"))
    ids = territory_ids(n)
    real["territoires"] = [
        {"id": tid, "nom": name, "pays": ["FR", *rng.sample(COUNTRIES[1:], k=rng.randint(1, 3))]}
        for tid, name in ids]
    _dump(content / "referentiel.yaml", real)

    _dump(content / str(YEAR) / "edition.yaml",
          {"annee": YEAR, "titre": f"Rencontres territoriales {YEAR}", "date": f"{YEAR}-12-15"})
    for index, (tid, _) in enumerate(ids):
        _dump(content / str(YEAR) / "territoires" / f"{tid}.yaml",
              territory_file(rng, tid, seed_file, plain, nested, with_categories=index % 3 == 0))

    # Synthesis: the six cards of the real one, each naming a share of the territories.
    synthesis = yaml.safe_load((source / "content/2021/synthese.yaml").read_text("utf-8"))
    for card in synthesis["idees_communes"]:
        card["territoires"] = [tid for tid, _ in
                               rng.sample(ids, k=min(n, max(3, rng.randint(n // 20, n // 8))))]
    synthesis["introduction"] = ("Synthèse des échanges des Rencontres territoriales "
                                 f"{YEAR} : {n} territoires.")
    _dump(content / str(YEAR) / "synthese.yaml", synthesis)

    # Previous edition: figures only; one territory in twenty had no Rencontre.
    previous = YEAR - 1
    _dump(content / str(previous) / "edition.yaml",
          {"annee": previous, "titre": f"Rencontres territoriales {previous}"})
    for index, (tid, _) in enumerate(ids):
        if index % 20 == 19:
            continue
        _dump(content / str(previous) / "territoires" / f"{tid}.yaml",
              {"territoire": tid, "participants": {"total": rng.randint(5, 60)}})
    return root


if __name__ == "__main__":  # python bench/synthetic.py DIR N: look at one
    import sys

    print(make_project(Path(sys.argv[1]), int(sys.argv[2])))
