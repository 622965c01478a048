"""Regenerate the page previews of the documentation (docs/images/*.png).

    python docs/apercus.py [--pages N]

Builds the example documents of the latest edition in a temporary copy of the
project (content/ and templates/; output/ is never touched), converts them to
PDF with LibreOffice, then renders their first pages to PNG with pdftoppm at
60 dpi: docs/images/compte-rendu-page-1.png …, docs/images/synthese-page-1.png …,
plus, under a stable name, the first page of a few parts worth showing wherever
they fall (docs/images/synthese-idees-communes.png …).

Needs LibreOffice (soffice) and poppler-utils (pdftoppm, pdftotext):
    apt-get install libreoffice-writer-nogui poppler-utils
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IMAGES = REPO / "docs" / "images"
RESOLUTION = 60  # dpi: an A4 page is about 500 × 700 pixels, a few dozen kilobytes

# Document → how many first pages are rendered as <document>-page-<n>.png.
FIRST_PAGES = {"compte-rendu": 3, "synthese": 2}

# Document → image name → a heading: the first page holding it is also rendered.
HIGHLIGHTS = {
    "synthese": {
        "carte": "Les participants",
        "themes": "Les thèmes les plus cités",
        "idees-communes": "Idées communes à plusieurs territoires",
    },
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regénère les aperçus de docs/images/.")
    parser.add_argument("--pages", type=int, default=None,
                        help="nombre de premières pages par document (par défaut : 3 pour "
                             "le compte-rendu, 2 pour la synthèse)")
    arguments = parser.parse_args(argv)
    tools = {name: shutil.which(name) for name in ("pdftoppm", "pdftotext")}
    tools["soffice"] = shutil.which("soffice") or shutil.which("libreoffice")
    missing = [name for name, path in tools.items() if path is None]
    if missing:
        print(f"Introuvable : {', '.join(missing)} ; installez-les avec "
              "« apt-get install libreoffice-writer-nogui poppler-utils ».", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="apercus-") as work:
        root = Path(work, "projet")
        for folder in ("content", "templates"):
            shutil.copytree(REPO / folder, root / folder)
        documents = build(root)
        pdfs = convert(tools["soffice"], documents, Path(work))
        IMAGES.mkdir(parents=True, exist_ok=True)
        for name, pdf in pdfs.items():
            for old in IMAGES.glob(f"{name}-*.png"):
                old.unlink()
            pages = page_texts(tools["pdftotext"], pdf)
            first = arguments.pages or FIRST_PAGES.get(name, 2)
            wanted = {f"page-{n}": n for n in range(1, min(first, len(pages)) + 1)}
            for label, heading in HIGHLIGHTS.get(name, {}).items():
                # The heading as a line of its own: not its entry in the table of contents.
                found = [n for n, text in enumerate(pages, 1)
                         if heading in (line.strip() for line in text.splitlines())]
                if found:
                    wanted[label] = found[0]
            for label, page in wanted.items():
                target = IMAGES / f"{name}-{label}"
                subprocess.run([tools["pdftoppm"], "-png", "-r", str(RESOLUTION),
                                "-f", str(page), "-l", str(page), "-singlefile",
                                str(pdf), str(target)], check=True)
                print(f"Écrit : {target.with_suffix('.png').relative_to(REPO)} (page {page})")
    return 0


def build(root: Path) -> dict[str, Path]:
    """Build the latest edition in `root`; the first compte-rendu and the synthesis."""
    environment = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "construire",
                             "--projet", str(root), "--force", "--quiet"],
                            env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit("La construction des documents d'exemple a échoué.")
    year = max(p.name for p in (root / "output").iterdir() if re.fullmatch(r"\d{4}", p.name))
    folder = root / "output" / year
    documents: dict[str, Path] = {}
    reports = sorted(folder.glob(f"compte-rendu-{year}-*.docx"))
    if reports:
        documents["compte-rendu"] = reports[0]
    if (folder / f"synthese-{year}.docx").is_file():
        documents["synthese"] = folder / f"synthese-{year}.docx"
    return documents


def convert(soffice: str, documents: dict[str, Path], work: Path) -> dict[str, Path]:
    """PDF of each document, with a private LibreOffice profile."""
    out = work / "pdf"
    profile = (work / "profil-libreoffice").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out),
                    *map(str, documents.values())],
                   check=True, capture_output=True, timeout=600)
    pdfs = {name: out / document.with_suffix(".pdf").name
            for name, document in documents.items()}
    for pdf in pdfs.values():
        if not pdf.is_file():
            raise SystemExit(f"LibreOffice n'a pas produit {pdf.name}.")
    return pdfs


def page_texts(pdftotext: str, pdf: Path) -> list[str]:
    """The text of each page (pdftotext ends every page with a form feed)."""
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


if __name__ == "__main__":
    sys.exit(main())
