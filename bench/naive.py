"""The script a user would write without this tool: the benchmark's baseline.

Loop over the territory files of an edition; for each one with sections, draw the
votes chart with matplotlib and render templates/compte-rendu.docx with docxtpl.
No validation, no cache, no parallelism, no synthesis: just the compte-rendus, done
the straightforward way (the same template, the same chart resolution as the tool).

    python bench/naive.py --projet DIR [--edition 2021]

writes DIR/output-naif/<année>/compte-rendu-<année>-<territoire>.docx.
"""

import argparse
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import yaml
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage


def votes_chart(votes, level1_labels):
    labels = [v["libelle"] for v in votes]
    values = [v["votes"] for v in votes]
    colors = ["#E8731A" if label in level1_labels else "#6FB7E0" for label in labels]
    fig, ax = plt.subplots(figsize=(6.3, 0.7 + 0.36 * len(votes)))
    bars = ax.barh(labels, values, color=colors)
    ax.bar_label(bars, padding=3, fontweight="bold")
    ax.invert_yaxis()
    ax.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=200, bbox_inches="tight")
    plt.close(fig)
    buffer.seek(0)
    return buffer


def join(words):
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " et " + words[-1]


def items(raw):
    """YAML items are either a text or {texte, sous_points}: give the template one shape."""
    out = []
    for item in raw or []:
        if isinstance(item, dict):
            out.append({"texte": item["texte"], "sous_points": item.get("sous_points", [])})
        else:
            out.append({"texte": str(item), "sous_points": []})
    return out


def section(raw):
    suggestions, remarks = items(raw.get("suggestions")), items(raw.get("remarques"))
    return {"titre": raw["titre"], "objectifs": items(raw.get("objectifs")),
            "idees_projet": items(raw.get("idees_projet")),
            "partenaires": raw.get("partenaires", []),
            "partenaires_texte": ", ".join(raw.get("partenaires", [])),
            "suggestions": suggestions, "remarques": remarks,
            "titre_suggestions": "Suggestions de la MOT" if len(suggestions) > 1
            else "Suggestion de la MOT",
            "titre_remarques": "Remarques de la MOT" if len(remarks) > 1
            else "Remarque de la MOT"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--projet", type=Path, default=Path("."))
    parser.add_argument("--edition", default="2021")
    args = parser.parse_args()
    content = args.projet / "content"
    referentiel = yaml.safe_load((content / "referentiel.yaml").read_text("utf-8"))
    territories = {t["id"]: t for t in referentiel["territoires"]}
    edition = yaml.safe_load((content / args.edition / "edition.yaml").read_text("utf-8"))
    out = args.projet / "output-naif" / args.edition
    out.mkdir(parents=True, exist_ok=True)

    for path in sorted((content / args.edition / "territoires").glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        if not data.get("sections"):
            continue
        territory = territories[data["territoire"]]
        level1 = [s for s in data["sections"] if s["niveau"] == 1]
        level1_labels = {label for s in level1 for label in s.get("themes_votes", [])}
        votes = sorted(data.get("themes_votes", []), key=lambda v: (-v["votes"], v["libelle"]))
        template = DocxTemplate(Path(args.projet, "templates", "compte-rendu.docx"))
        # The template's fields (docs/champs-modeles.md), each given its value plainly.
        context = {
            "edition": {"annee": edition["annee"], "titre": edition["titre"]},
            "territoire": {"nom": territory["nom"]},
            "lieu": data.get("lieu"),
            "date_en_lettres": str(data.get("date") or ""),
            "participants_texte": f"{data['participants']['total']} participants",
            "idees_transversales": items(data.get("idees_transversales")),
            "frontiere": "-".join(territory["pays"]),
            "themes_votes": votes,
            "themes_votes_texte": f"{len(votes)} thèmes prioritaires",
            "lignes_votes": [f"{v['libelle']} ({v['votes']})" for v in votes],
            "parties_niveau_1": [section(s) for s in level1],
            "parties_niveau_2": [section(s) for s in data["sections"] if s["niveau"] == 2],
            "niveau_1_texte": join([s["titre"] for s in level1]) if level1 else "",
            "niveau_1_phrase": "",
            "graphique_votes": InlineImage(template, votes_chart(votes, level1_labels),
                                           width=Mm(160)),
        }
        template.render(context, autoescape=True)
        template.save(out / f"compte-rendu-{args.edition}-{data['territoire']}.docx")


if __name__ == "__main__":
    main()
