"""The other common way: Markdown + matplotlib charts, turned into DOCX by pandoc.

For each territory file with sections: the same votes chart as bench/naive.py (PNG,
matplotlib), an equivalent Markdown text (title, figures, voted themes, level 1 and
level 2 parts with objectives, ideas, partners, suggestions, remarks), then one
`pandoc --reference-doc=templates/compte-rendu.docx` per document (the reference
document gives the styles, as the Word template does for the tool).

    python bench/pandoc_pipeline.py --projet DIR [--edition 2021]

writes DIR/output-pandoc/<année>/*.docx and prints, as JSON, the seconds spent in
pandoc itself (the rest is Python: YAML, charts, Markdown).
"""

import argparse
import json
import subprocess
import time
from pathlib import Path

import yaml
from naive import votes_chart


def bullets(items, indent=""):
    lines = []
    for item in items or []:
        if isinstance(item, dict):
            lines.append(f"{indent}- {item['texte']}")
            lines += [f"{indent}    - {sub}" for sub in item.get("sous_points", [])]
        else:
            lines.append(f"{indent}- {item}")
    return lines


def markdown(data, territory, edition, chart_name):
    votes = sorted(data.get("themes_votes", []), key=lambda v: (-v["votes"], v["libelle"]))
    level1 = [s for s in data["sections"] if s["niveau"] == 1]
    total = data["participants"]["total"]
    lines = [f"# {territory['nom']} — {edition['titre']}", ""]
    if data.get("date") or data.get("lieu"):
        lines += [f"{data.get('date') or ''} {data.get('lieu') or ''}".strip(), ""]
    lines += [f"Frontière : {'-'.join(territory['pays'])}. {total} participant"
              f"{'s' if total > 1 else ''}.", ""]
    if votes:
        lines += ["## Thèmes prioritaires", "",
                  f"{len(votes)} thèmes votés comme prioritaires par les participants.", "",
                  f"![Nombre de votes par thème]({chart_name}){{width=160mm}}", ""]
        lines += [f"- {v['libelle']} ({v['votes']})" for v in votes] + [""]
    for level, heading in ((1, "Thèmes sur lesquels la MOT est particulièrement attendue"),
                           (2, "Autres thèmes prioritaires")):
        sections = [s for s in data["sections"] if s["niveau"] == level]
        if not sections:
            continue
        lines += [f"## {heading}", ""]
        for section in sections:
            lines += [f"### {section['titre']}", ""]
            for key, title in (("objectifs", "Objectifs territoriaux"),
                               ("idees_projet", "Comment la MOT peut s'emparer du sujet"),
                               ("suggestions", "Suggestions"), ("remarques", "Remarques")):
                if section.get(key):
                    lines += [f"#### {title}", "", *bullets(section[key]), ""]
            if section.get("partenaires"):
                lines += [f"Partenaires : {', '.join(section['partenaires'])}", ""]
    if level1:
        lines += [f"*{len(level1)} thèmes de niveau 1.*", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--projet", type=Path, default=Path("."))
    parser.add_argument("--edition", default="2021")
    args = parser.parse_args()
    content = args.projet / "content"
    reference = (args.projet / "templates" / "compte-rendu.docx").resolve()
    referentiel = yaml.safe_load((content / "referentiel.yaml").read_text("utf-8"))
    territories = {t["id"]: t for t in referentiel["territoires"]}
    edition = yaml.safe_load((content / args.edition / "edition.yaml").read_text("utf-8"))
    out = args.projet / "output-pandoc" / args.edition
    work = out / "sources"
    work.mkdir(parents=True, exist_ok=True)
    in_pandoc = 0.0
    for path in sorted((content / args.edition / "territoires").glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        if not data.get("sections"):
            continue
        tid = data["territoire"]
        level1_labels = {label for s in data["sections"] if s["niveau"] == 1
                         for label in s.get("themes_votes", [])}
        votes = sorted(data.get("themes_votes", []), key=lambda v: (-v["votes"], v["libelle"]))
        chart = work / f"{tid}-votes.png"
        chart.write_bytes(votes_chart(votes, level1_labels).getvalue())
        source = work / f"{tid}.md"
        source.write_text(markdown(data, territories[tid], edition, chart.name), "utf-8")
        start = time.perf_counter()
        subprocess.run(["pandoc", source.name, "--from", "markdown", "--to", "docx",
                        f"--reference-doc={reference}", "--resource-path", ".",
                        "-o", str((out / f"compte-rendu-{args.edition}-{tid}.docx").resolve())],
                       cwd=work, check=True)
        in_pandoc += time.perf_counter() - start
    print(json.dumps({"pandoc_seconds": in_pandoc}))


if __name__ == "__main__":
    main()
