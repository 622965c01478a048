"""The edition shapes a user could bring, written as project folders (content/ and
templates/): the 2021 example, and shapes nobody tuned the tool to (issue 24). Each
shape is built once per test session with --pdf (tests/end_to_end/test_proofreading.py),
and every document is proof-read.

Big shapes are generated here rather than committed as hundreds of YAML lines."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
NINE = ["hauts-de-france", "ardennes", "grande-region", "rhin-superieur", "arc-jurassien",
        "genevois-alpes-du-nord", "sud-fr-it-monaco", "pyrenees-est-centre", "pyrenees-ouest"]
THEMES = ["gouvernance", "mobilite", "formation", "culture", "sante", "observation", "interreg",
          "ressources", "ingenierie", "emploi"]


@dataclass(frozen=True)
class Shape:
    name: str
    what: str                  # what the shape is, for the reader of a failure
    write: Callable[[Path], None]
    year: int | None = None    # the edition built (the latest by default)
    territories: tuple[str, ...] = ()  # built alone (no synthesis) when given


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000),
                    encoding="utf-8")


def _referentiel() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(
        (REPO / "content" / "referentiel.yaml").read_text(encoding="utf-8"))
    return loaded


def _territory(tid: str, total: int, **more: Any) -> dict[str, Any]:
    return {"territoire": tid, "participants": {"total": total}, **more}


def _edition(root: Path, year: int, files: list[dict[str, Any]],
             synthesis: dict[str, Any] | None = None) -> None:
    """An edition folder; its synthese.yaml without common ideas unless given."""
    folder = root / "content" / str(year)
    _dump(folder / "edition.yaml", {"annee": year, "titre": f"Rencontres territoriales {year}"})
    for data in files:
        _dump(folder / "territoires" / f"{data['territoire']}.yaml", data)
    _dump(folder / "synthese.yaml", synthesis or {"idees_communes": []})


def _sections(count: int, items: int, votes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`count` parts, each with `items` objectives (with sub-points), ideas and partners;
    the first three are level 1, the others level 2, one voted theme each."""
    sections = []
    for index in range(count):
        level = 1 if index < 3 else 2
        part: dict[str, Any] = {
            "titre": votes[index]["libelle"], "niveau": level,
            "themes_votes": [votes[index]["libelle"]],
            "objectifs": [
                {"texte": f"Objectif {n + 1} de la partie {index + 1} : renforcer la "
                          "coopération transfrontalière entre les acteurs du territoire, "
                          "avec les collectivités et les services de l’État",
                 "sous_points": [f"Sous-point {k + 1} : un exemple concret d’action "
                                 "menée de part et d’autre de la frontière" for k in range(2)]}
                for n in range(items)]}
        if level == 1:
            part["idees_projet"] = [f"Idée de projet {n + 1} : étude partagée sur les besoins "
                                    "des habitants transfrontaliers" for n in range(items)]
            part["partenaires"] = [f"Partenaire {n + 1}" for n in range(items)]
            part["suggestions"] = [{"texte": "Organiser un atelier d'échange entre "
                                             "territoires sur ce thème"}]
        sections.append(part)
    return sections


def _votes(count: int) -> list[dict[str, Any]]:
    return [{"libelle": f"Thème voté numéro {n + 1}", "votes": 20 - n,
             "theme": THEMES[n % len(THEMES)]} for n in range(count)]


def _copy_templates(root: Path) -> None:
    shutil.copytree(REPO / "templates", root / "templates")


def example_2021(root: Path) -> None:
    shutil.copytree(REPO / "content", root / "content")
    _copy_templates(root)


def interim(root: Path) -> None:
    """2025 in progress: 3 of the 9 Rencontres held; the previous edition is 2021."""
    example_2021(root)
    ardennes_votes = [{"libelle": "Mobilité", "votes": 11, "theme": "mobilite"},
                      {"libelle": "Santé", "votes": 6, "theme": "sante"},
                      {"libelle": "Aujourd'hui et demain", "votes": 3}]
    _edition(root, 2025, [
        _territory("ardennes", 24, date="2025-10-13", lieu="Charleville-Mézières",
                   participants={"total": 24, "par_categorie": {"elus": 9, "techniciens": 12}},
                   themes_votes=ardennes_votes, priorites_locales=["mobilite", "sante"],
                   mot_attendue=["mobilite"],
                   sections=[{"titre": "Mobilité", "niveau": 1, "themes_votes": ["Mobilité"],
                              "objectifs": ["Développer l'offre ferroviaire avec Observ'Alp"],
                              "remarques": ["Une remarque de la MOT"]},
                             {"titre": "Santé", "niveau": 2, "themes_votes": ["Santé"],
                              "objectifs": ["Faciliter l’accès aux soins"]}]),
        _territory("grande-region", 31, date="2025-06-02", lieu="Metz",
                   priorites_locales=["gouvernance", "observation"], mot_attendue=["observation"],
                   themes_votes=[{"libelle": "Observation", "votes": 9, "theme": "observation"}],
                   sections=[{"titre": "Observation", "niveau": 1, "themes_votes": ["Observation"],
                              "objectifs": ["Partager les données"]}]),
        _territory("pyrenees-ouest", 15, date="2025-03-20", lieu="Bayonne",
                   priorites_locales=["mobilite"], mot_attendue=[]),
    ])


NEW_TERRITORY = {"id": "vallee-du-rhone-leman", "nom": "Léman / Vallée du Rhône",
                 "pays": ["FR", "CH"],
                 "carte": {"longitude": 5.6, "latitude": 45.6, "etiquette": "gauche"}}


def new_territory(root: Path) -> None:
    """2022: a tenth (mainland) territory and a new theme; Ardennes missing."""
    example_2021(root)
    referentiel = _referentiel()
    referentiel["territoires"].append(NEW_TERRITORY)
    referentiel["themes"].append({"id": "tourisme", "libelle": "Tourisme durable"})
    _dump(root / "content" / "referentiel.yaml", referentiel)
    files = [_territory(tid, 10 + i, priorites_locales=["gouvernance", "tourisme"],
                        mot_attendue=["tourisme"])
             for i, tid in enumerate(NINE) if tid != "ardennes"]
    votes = [{"libelle": "Tourisme durable", "votes": 12, "theme": "tourisme"},
             {"libelle": "Gouvernance", "votes": 7, "theme": "gouvernance"}]
    files.append(_territory(NEW_TERRITORY["id"], 27, date="2022-05-12", lieu="Genève",
                            themes_votes=votes, priorites_locales=["tourisme", "gouvernance"],
                            mot_attendue=["tourisme"],
                            sections=_sections(2, 3, votes)))
    _edition(root, 2022, files, {"idees_communes": [
        {"theme": "tourisme", "problematique": "Un tourisme durable de part et d’autre",
         "territoires": [NEW_TERRITORY["id"], "arc-jurassien"],
         "suggestions": [{"texte": "Un guide commun ?"}]}]})


def single_territory(root: Path) -> None:
    """A referentiel of one territory, two editions; the Hauts-de-France file without
    its parts (its compte-rendu is the example's)."""
    _copy_templates(root)
    referentiel = _referentiel()
    referentiel["territoires"] = referentiel["territoires"][:1]
    _dump(root / "content" / "referentiel.yaml", referentiel)
    _edition(root, 2020, [_territory("hauts-de-france", 10)])
    report = yaml.safe_load((REPO / "content" / "2021" / "territoires" / "hauts-de-france.yaml")
                            .read_text(encoding="utf-8"))
    del report["sections"]
    _edition(root, 2021, [report])


def thirty_territories(root: Path) -> None:
    """30 territories whose names take two lines on the map; no compte-rendu (a
    compte-rendu does not depend on how many territories there are)."""
    _copy_templates(root)
    referentiel = _referentiel()
    ids = [f"territoire-{n:02d}" for n in range(1, 31)]
    referentiel["territoires"] = [
        {"id": tid, "nom": f"Eurométropole transfrontalière numéro {n} et ses voisins",
         "pays": ["FR", "BE"],
         "carte": {"longitude": -1.5 + (n % 6) * 1.7, "latitude": 43.0 + (n // 6) * 1.6,
                   "etiquette": "droite"}}
        for n, tid in enumerate(ids, 1)]
    _dump(root / "content" / "referentiel.yaml", referentiel)
    _edition(root, 2020, [_territory(tid, 5 + n) for n, tid in enumerate(ids)])
    _edition(root, 2021, [_territory(tid, 10 + n, priorites_locales=THEMES[: 1 + n % 6],
                                     mot_attendue=THEMES[n % 4: n % 4 + 2])
                          for n, tid in enumerate(ids)])


def long_report(root: Path) -> None:
    """A compte-rendu of a dozen parts with long lists (built alone)."""
    example_2021(root)
    votes = _votes(12)
    _dump(root / "content" / "2021" / "territoires" / "ardennes.yaml",
          _territory("ardennes", 18, themes_votes=votes, sections=_sections(12, 6, votes),
                     idees_transversales=[f"Idée transversale {n + 1} commune à plusieurs "
                                          "thèmes du territoire" for n in range(15)],
                     priorites_locales=["gouvernance"], mot_attendue=["gouvernance"]))


def four_editions(root: Path) -> None:
    """2018 to 2021, every territory each year, for the trends; no compte-rendu."""
    _copy_templates(root)
    (root / "content").mkdir()
    shutil.copy(REPO / "content" / "referentiel.yaml", root / "content" / "referentiel.yaml")
    for offset, year in enumerate(range(2018, 2022)):
        _edition(root, year, [_territory(tid, 8 + 3 * offset + n,
                                         priorites_locales=THEMES[n % 3: n % 3 + 3],
                                         mot_attendue=THEMES[: 1 + n % 2])
                              for n, tid in enumerate(NINE)])


def no_previous(root: Path) -> None:
    """2021 alone: nothing to compare with; the Hauts-de-France file without its parts
    (its compte-rendu is the example's)."""
    _copy_templates(root)
    (root / "content").mkdir()
    shutil.copy(REPO / "content" / "referentiel.yaml", root / "content" / "referentiel.yaml")
    shutil.copytree(REPO / "content" / "2021", root / "content" / "2021")
    path = root / "content" / "2021" / "territoires" / "hauts-de-france.yaml"
    report = yaml.safe_load(path.read_text(encoding="utf-8"))
    del report["sections"]
    _dump(path, report)


SHAPES = [
    Shape("exemple-2021", "l'exemple 2021", example_2021),
    Shape("edition-en-cours", "2025 en cours, 3 Rencontres sur 9, précédente en 2021", interim),
    Shape("nouveau-territoire", "un dixième territoire, un nouveau thème, Ardennes absent",
          new_territory),
    Shape("territoire-unique", "un seul territoire", single_territory),
    Shape("trente-territoires", "30 territoires aux noms sur deux lignes", thirty_territories),
    Shape("compte-rendu-long", "un compte-rendu de 12 parties aux longues listes", long_report,
          territories=("ardennes",)),
    Shape("quatre-editions", "quatre éditions consécutives (tendances)", four_editions),
    Shape("sans-precedente", "une édition sans précédente", no_previous),
]


def write_shape(shape: Shape, root: Path) -> Path:
    root.mkdir(parents=True)
    shape.write(root)
    return root


class _OneLibreOffice:
    """Every build's LibreOffice run, held until each build of the corpus is waiting on
    one (or done), then made as one run per filter: LibreOffice's start, not the
    conversion, is most of what a small build pays (two starts a build, eight builds).
    The builds run in threads; the conversions are those `pdf.run` makes."""

    def __init__(self, builds: int, work: Path) -> None:
        from rencontres.publishing import pdf

        self.real = pdf.run
        self.active = builds
        self.waiting: list[dict[str, Any]] = []
        self.condition = threading.Condition()
        self.work = work
        self.batches = 0

    def run(self, program: str, work: Path, documents: list[Path], target: str,
            profiles: list[Path], timeout: float, what: str) -> None:
        call: dict[str, Any] = {"work": work, "documents": documents, "target": target,
                                "program": program, "profiles": profiles, "timeout": timeout,
                                "what": what, "done": False}
        with self.condition:
            self.waiting.append(call)
            self._run_when_all_wait()
            while not call["done"]:
                self.condition.wait()

    def finished(self) -> None:
        with self.condition:
            self.active -= 1
            self._run_when_all_wait()

    def _run_when_all_wait(self) -> None:
        if not self.waiting or len(self.waiting) < self.active:
            return
        calls, self.waiting = self.waiting, []
        for target in sorted({call["target"] for call in calls}):
            self.batches += 1
            batch = self.work / f"lot-{self.batches}"
            staged = batch / "documents"
            staged.mkdir(parents=True)
            sent = []
            batched = [c for c in calls if c["target"] == target]
            for number, call in enumerate(batched):
                for document in call["documents"]:
                    copy = staged / f"{number}-{document.name}"
                    shutil.copyfile(document, copy)
                    sent.append((copy, call["work"] / document.with_suffix(".pdf").name))
            # The first build's profiles (held for it until its build ends), and the
            # time all the builds would have had.
            self.real(batched[0]["program"], batch, [copy for copy, _ in sent], target,
                      batched[0]["profiles"], sum(c["timeout"] for c in batched),
                      batched[0]["what"])
            for copy, result in sent:
                converted = batch / copy.with_suffix(".pdf").name
                if converted.is_file():
                    shutil.move(converted, result)
        for call in calls:
            call["done"] = True
        self.condition.notify_all()


def build_corpus(base: Path) -> dict[str, Path]:
    """Every shape written under `base` and built with --pdf, in-process; the output
    folder of each shape's edition."""
    from rencontres.publishing import pdf
    from rencontres.publishing.pipeline import BuildOptions, build
    from rencontres.publishing.plan import Project

    batcher = _OneLibreOffice(len(SHAPES), base / "libreoffice")
    roots = {shape.name: write_shape(shape, base / shape.name) for shape in SHAPES}
    errors: list[tuple[Shape, BaseException]] = []

    def build_shape(shape: Shape) -> None:
        try:
            build(Project(roots[shape.name]),
                  BuildOptions(year=shape.year, territories=shape.territories, pdf=True,
                               workers=1, strict=True))
        except Exception as error:  # reported below, with the shape's name
            errors.append((shape, error))
        finally:
            batcher.finished()

    saved = pdf.run
    pdf.run = batcher.run  # type: ignore[assignment]
    try:
        threads = [threading.Thread(target=build_shape, args=(shape,)) for shape in SHAPES]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        pdf.run = saved  # type: ignore[assignment]
    if errors:
        shape, error = errors[0]
        raise AssertionError(f"forme « {shape.name} » ({shape.what}) : {error}") from error
    return {name: _edition_output(root) for name, root in roots.items()}


def _edition_output(root: Path) -> Path:
    years = [p for p in (root / "output").iterdir() if p.name.isdigit()]
    return max(years, key=lambda p: int(p.name))
