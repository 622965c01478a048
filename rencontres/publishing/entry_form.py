"""`saisie`: a form in the browser over an edition's content files, served on 127.0.0.1.

The page (its script and style served from the package, nothing from the network) is
drawn from the JSON schemas of the content (rencontres/content/schema.py), with the
referentiel's themes, territories and categories as choices. Every change is checked as
`verifier` checks, the messages shown beside their fields; a save writes the file
through entry_files.py (round trip, atomic, refused when the file changed on disk).
Requests come from this computer's browser only: the Host header is checked (as
`apercu` does), and every request that is not a GET carries the session's token."""

from __future__ import annotations

import datetime
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, quote, urlsplit

from pydantic import BaseModel

from ..content.loading import read_content
from ..content.model import EditionInfo, Referentiel, Synthesis, TerritoryReport
from ..content.schema import build_schema
from ..content.source import read_yaml
from ..errors import OutputError, RencontresError
from .entry_files import (
    Checker,
    Conflict,
    EntryFile,
    Refused,
    digest,
    entry_file,
    read_data,
    save,
)
from .preview import refusal, start_server

TOKEN_HEADER = "X-Jeton-Session"
MAX_BODY = 4 * 1024 * 1024
ASSETS = {"/saisie.js": ("saisie.js", "text/javascript; charset=utf-8"),
          "/saisie.css": ("saisie.css", "text/css; charset=utf-8")}
MODELS: dict[str, type[BaseModel]] = {
    "edition": EditionInfo, "territoire": TerritoryReport, "synthese": Synthesis}

# What each field is called on the page, by its place (« * »: any item of a list), or
# else by its key; the schema's French description is shown under it.
LABELS = {
    "annee": "Année", "titre": "Titre", "date": "Date", "lieu": "Lieu",
    "territoire": "Territoire", "participants": "Participants",
    "participants/total": "Nombre total de participants",
    "participants/par_categorie": "Répartition par catégorie",
    "themes_votes": "Thèmes votés", "libelle": "Libellé", "votes": "Votes",
    "themes_votes/*/theme": "Thème de la synthèse",
    "priorites_locales": "Priorités locales",
    "mot_attendue": "Thèmes où la MOT est particulièrement attendue",
    "sections": "Parties du compte-rendu", "niveau": "Niveau",
    "sections/*/themes_votes": "Thèmes votés que couvre la partie",
    "objectifs": "Objectifs", "idees_projet": "Idées de projet", "partenaires": "Partenaires",
    "suggestions": "Suggestions", "remarques": "Remarques",
    "idees_transversales": "Idées transversales", "texte": "Texte",
    "sous_points": "Sous-points", "id": "Identifiant (pour le suivi)",
    "introduction": "Introduction", "idees_communes": "Idées communes",
    "theme": "Thème", "problematique": "Problématique", "territoires": "Territoires",
    "nature": "Nature", "themes_les_plus_cites": "Thèmes les plus cités montrés",
    "themes_les_plus_cites/priorites_locales": "Pour les priorités locales",
    "themes_les_plus_cites/mot_attendue": "Là où la MOT est attendue",
    "suivi": "Suivi des suggestions de l'édition précédente",
    "suggestion": "Suggestion suivie", "etat": "État",
}
# An item of each list: its name (« Objectif 2 ») and the add button's words.
ITEMS = {
    "themes_votes": ("Thème voté", "Ajouter un thème voté"),
    "sections": ("Partie", "Ajouter une partie"),
    "objectifs": ("Objectif", "Ajouter un objectif"),
    "idees_projet": ("Idée de projet", "Ajouter une idée de projet"),
    "partenaires": ("Partenaire", "Ajouter un partenaire"),
    "suggestions": ("Suggestion", "Ajouter une suggestion"),
    "remarques": ("Remarque", "Ajouter une remarque"),
    "idees_transversales": ("Idée transversale", "Ajouter une idée transversale"),
    "sous_points": ("Sous-point", "Ajouter un sous-point"),
    "idees_communes": ("Idée commune", "Ajouter une idée commune"),
    "suivi": ("Suivi", "Ajouter un suivi"),
}
# Where the schema's description speaks of the file (its ids, its format), the form's
# own words.
HINTS = {
    "date": "", "participants": "", "territoire": "", "sections/*/niveau": "",
    "participants/par_categorie": "Facultative : le nombre de participants de chaque "
                                  "catégorie.",
    "themes_votes/*/theme": "Le thème de la synthèse auquel il se rattache.",
    "idees_communes/*/theme": "Le thème de la synthèse de la fiche.",
    "idees_communes/*/territoires": "Les territoires concernés.",
    "priorites_locales": "Les thèmes de la synthèse retenus comme priorités locales ; "
                         "« Non renseigné » s'ils n'ont pas été relevés.",
    "mot_attendue": "Les thèmes de la synthèse sur lesquels la MOT est particulièrement "
                    "attendue ; « Non renseigné » s'ils n'ont pas été relevés.",
}
LEVELS = {1: "1 — thème sur lequel la MOT est particulièrement attendue",
          2: "2 — autre thème"}
LONG_TEXTS = {"texte", "problematique", "introduction"}


@dataclass
class EntrySession:
    """What the server knows: the project's content folder, the session's token, the
    texts the pages read (by digest: a conflict shows what the form would have
    written), and where the preview is, if it runs."""

    content_dir: Path
    preview_address: str | None = None
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    texts: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    checker: Checker = field(init=False)

    def __post_init__(self) -> None:
        self.checker = Checker(self.content_dir)

    def remember(self, text: str) -> str:
        key = digest(text.encode("utf-8"))
        if len(self.texts) > 200:
            self.texts.clear()
        self.texts[key] = text
        return key


# --- the form's description, from the schema ------------------------------------------

def _referentiel(content_dir: Path) -> Referentiel | None:
    document, problems = read_yaml(content_dir / "referentiel.yaml")
    if problems or not isinstance(document.data, dict):
        return None
    try:
        return Referentiel.model_validate(document.data)
    except ValueError:
        return None


def _widgets(entry: EntryFile, referentiel: Referentiel | None,
             previous: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The fields chosen among the referentiel's, by their place."""
    themes = [{"valeur": t.id, "libelle": t.label} for t in referentiel.themes] \
        if referentiel else []
    territories = [{"valeur": t.id, "libelle": t.name} for t in referentiel.territories] \
        if referentiel else []
    categories = [{"valeur": c.id, "libelle": c.label} for c in referentiel.categories] \
        if referentiel else []
    widgets: dict[str, dict[str, Any]] = {
        "territoire": {"type": "fixe", "options": territories},
        "participants/par_categorie": {"type": "effectifs", "options": categories},
        "themes_votes/*/theme": {"type": "choix", "options": themes,
                                 "aucun": "(aucun thème de la synthèse)"},
        "priorites_locales": {"type": "cases", "options": themes},
        "mot_attendue": {"type": "cases", "options": themes},
        "sections/*/themes_votes": {"type": "cases", "source": "themes_votes/*/libelle"},
        "sections/*/niveau": {"type": "choix", "options": [
            {"valeur": level, "libelle": label} for level, label in LEVELS.items()]},
        "idees_communes/*/theme": {"type": "choix", "options": themes},
        "idees_communes/*/territoires": {"type": "cases", "options": territories},
    }
    if previous:
        widgets["suivi/*/suggestion"] = {"type": "choix", "options": [
            {"valeur": sid, "libelle": f"{sid} — {text}"} for sid, text in previous.items()]}
    return widgets


def describe(entry: EntryFile, referentiel: Referentiel | None,
             previous: dict[str, str]) -> dict[str, Any]:
    """The form of `entry`'s kind: each field's kind, label, hint and choices."""
    schema = build_schema(MODELS[entry.kind])
    widgets = _widgets(entry, referentiel, previous)
    return _node(schema, schema.get("$defs", {}), (), widgets)


def _node(schema: dict[str, Any], defs: dict[str, Any], place: tuple[str, ...],
          widgets: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if "$ref" in schema:
        schema = {**defs[schema["$ref"].rpartition("/")[2]],
                  **{k: v for k, v in schema.items() if k != "$ref"}}
    nullable = False
    if "anyOf" in schema:
        options = [option for option in schema["anyOf"] if option.get("type") != "null"]
        nullable = len(options) < len(schema["anyOf"])
        objects = [option for option in options if option.get("type") == "object"]
        if objects:  # a point: a text alone, or a text with sub-points
            described = _node({**objects[0], "description": schema.get("description")},
                              defs, place, widgets)
            return {**described, "type": "point"}
        schema = {**options[0], **{k: v for k, v in schema.items() if k != "anyOf"}}
    key = "/".join(place)
    name = place[-1] if place else ""
    node: dict[str, Any] = {"aide": HINTS.get(key, schema.get("description", "")),
                            "vide": nullable}
    if key in widgets:
        return {**node, **widgets[key]}
    kind = schema.get("type")
    if kind == "object" and "properties" in schema:
        required = set(schema.get("required", []))
        node.update(type="objet", champs=[
            {"cle": child, "etiquette": LABELS.get(f"{key}/{child}".strip("/"),
                                                   LABELS.get(child, child)),
             "requis": child in required,
             **_node(value, defs, (*place, child), widgets)}
            for child, value in schema["properties"].items()])
    elif kind == "array":
        item_name, add = ITEMS.get(name, ("Élément", "Ajouter un élément"))
        node.update(type="liste", nom=item_name, ajouter=add,
                    element=_node(schema.get("items", {}), defs, (*place, "*"), widgets))
    elif kind == "integer":
        node.update(type="entier", min=schema.get("minimum"), max=schema.get("maximum"))
    elif "enum" in schema:
        node.update(type="choix", options=[{"valeur": v, "libelle": str(v)}
                                           for v in schema["enum"]])
    elif schema.get("format") == "date":
        node.update(type="date")
    else:
        node.update(type="texte_long" if name in LONG_TEXTS else "texte")
    return node


# --- answers ------------------------------------------------------------------------

def file_answer(session: EntrySession, entry: EntryFile) -> dict[str, Any]:
    """What the form page loads: the file's data and digest, its form, its problems."""
    raw = entry.path.read_bytes()
    text = raw.decode("utf-8-sig", "replace")
    session.remember(text)
    _, problems = read_yaml(entry.path)
    referentiel = _referentiel(session.content_dir)
    answer: dict[str, Any] = {"fichier": entry.relative, "empreinte": digest(raw),
                              "titre": _title(entry, referentiel), "apercu":
                              session.preview_address}
    if problems:
        answer["illisible"] = [str(problem) for problem in problems]
        return answer
    answer["donnees"] = read_data(text)
    answer["formulaire"] = describe(entry, referentiel, _previous_suggestions(session, entry))
    answer["controle"] = check_answer(session, entry, answer["donnees"])
    return answer


def _title(entry: EntryFile, referentiel: Referentiel | None) -> str:
    if entry.kind == "edition":
        return f"Édition {entry.year}"
    if entry.kind == "synthese":
        return f"Synthèse {entry.year}"
    names = {t.id: t.name for t in referentiel.territories} if referentiel else {}
    return f"{names.get(entry.territory or '', entry.territory)} — Rencontre {entry.year}"


def _previous_suggestions(session: EntrySession, entry: EntryFile) -> dict[str, str]:
    """The suggestions of the edition before that have an id, with their text: those
    whose follow-up the synthesis gives."""
    if entry.kind != "synthese":
        return {}
    years = sorted(int(p.name) for p in session.content_dir.iterdir()
                   if p.is_dir() and p.name.isdigit() and len(p.name) == 4
                   and int(p.name) < entry.year)
    content = read_content(session.content_dir, {years[-1]})[0] if years else None
    if content is None:
        return {}
    edition = content.editions[years[-1]]
    found = {item.id: item.text for report in edition.reports.values()
             for section in report.sections for item in section.suggestions if item.id}
    for idea in edition.synthesis.common_ideas if edition.synthesis else []:
        found.update({card.id: card.text for card in idea.suggestions if card.id})
    return found


def check_answer(session: EntrySession, entry: EntryFile, data: Any) -> dict[str, Any]:
    started = time.perf_counter()
    checked = session.checker.check(entry, data)
    return {"ici": [{"chemin": list(where) if where is not None else None,
                     "message": message, "avertissement": warning}
                    for where, message, warning in checked.here],
            "ailleurs": checked.elsewhere,
            "duree_ms": round((time.perf_counter() - started) * 1000)}


# --- pages ----------------------------------------------------------------------------

def _page(title: str, body: str, token: str, script: bool = False) -> str:
    scripts = '<script src="/saisie.js" defer></script>' if script else ""
    return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="jeton" content="{token}">
<title>{html.escape(title)} — Saisie des Rencontres territoriales</title>
<link rel="stylesheet" href="/saisie.css">
{scripts}
</head>
<body>
<a class="evitement" href="#contenu">Aller au contenu</a>
<header><p class="outil"><a href="/">Saisie des Rencontres territoriales</a></p></header>
<main id="contenu" tabindex="-1">
{body}
</main>
</body>
</html>
"""


STATES = {"rempli": "rempli", "a-remplir": "à remplir", "a-venir": "à venir",
          "sans": "pas de Rencontre"}


def index_page(session: EntrySession, today: datetime.date | None = None) -> str:
    """The editions, each with its files and the referentiel's territories' state (a
    Rencontre dated after `today` is to come)."""
    today = today or datetime.date.today()
    content_dir = session.content_dir
    referentiel = _referentiel(content_dir)
    years = sorted((int(p.name) for p in content_dir.iterdir()
                    if p.is_dir() and p.name.isdigit() and len(p.name) == 4), reverse=True) \
        if content_dir.is_dir() else []
    parts = ["<h1>Saisie des Rencontres territoriales</h1>",
             "<p>Choisissez le fichier à remplir. Chaque modification est vérifiée pendant "
             "la saisie ; « Enregistrer » écrit le fichier YAML, qui reste modifiable "
             "dans un éditeur de texte.</p>"]
    if session.preview_address:
        parts.append(f'<p>Aperçu des documents : <a href="{session.preview_address}" '
                     f'target="_blank" rel="noopener">{session.preview_address}</a></p>')
    for year in years:
        problems_by_file = _problem_files(content_dir, year)
        parts.append(f"<section><h2>Édition {year}</h2><ul>")
        for kind, label in (("edition", "Édition"), ("synthese", "Synthèse")):
            relative = f"{year}/{kind}.yaml"
            if (content_dir / relative).is_file():
                parts.append(f'<li><a href="/formulaire?fichier={quote(relative)}">{label} '
                             f"{year}</a></li>")
        parts.append("</ul><table><caption>Territoires du référentiel</caption><thead><tr>"
                     '<th scope="col">Territoire</th><th scope="col">État</th></tr></thead>'
                     "<tbody>")
        for territory in referentiel.territories if referentiel else []:
            relative = f"{year}/territoires/{territory.id}.yaml"
            state = _state(content_dir / relative, problems_by_file, today)
            name = html.escape(territory.name)
            link = (f'<a href="/formulaire?fichier={quote(relative)}">{name}</a>'
                    if state != "sans" else name)
            parts.append(f'<tr><td>{link}</td><td class="etat-{state}">{STATES[state]}'
                         "</td></tr>")
        parts.append("</tbody></table></section>")
    return _page("Fichiers", "\n".join(parts), session.token)


def _problem_files(content_dir: Path, year: int) -> set[Path]:
    _, problems, _ = read_content(content_dir, {year})
    return {Path(problem.file).resolve() for problem in problems}


def _state(path: Path, problem_files: set[Path], today: datetime.date) -> str:
    if not path.is_file():
        return "sans"
    if path.resolve() in problem_files:
        return "a-remplir"
    data = read_data(path.read_text("utf-8-sig"))
    date = data.get("date") if isinstance(data, dict) else None
    if isinstance(date, str) and date > today.isoformat():
        return "a-venir"
    return "rempli"


def form_page(session: EntrySession, entry: EntryFile) -> str:
    body = (f'<div id="formulaire" data-fichier="{html.escape(entry.relative)}">'
            "<p>Chargement du formulaire…</p></div>"
            "<noscript>Le formulaire a besoin de JavaScript (aucun accès au réseau : le "
            "script vient de l'outil lui-même).</noscript>")
    return _page(entry.relative, body, session.token, script=True)


# --- the server ---------------------------------------------------------------------

def serve(session: EntrySession, port: int) -> ThreadingHTTPServer:
    """The form's server on 127.0.0.1, answering from its own threads."""

    class Handler(BaseHTTPRequestHandler):
        def _refused(self) -> bool:
            port = cast("tuple[str, int]", self.server.server_address)[1]
            why = refusal(self.command, self.headers.get("Host"), self.headers.get("Origin"),
                          port)
            if why is None and self.command != "GET" \
                    and not secrets.compare_digest(self.headers.get(TOKEN_HEADER, ""),
                                                   session.token):
                why = ("Accès refusé : la requête n'a pas le jeton de cette session de "
                       "saisie (rechargez la page).")
            if why is None:
                return False
            self._send(403, "text/plain; charset=utf-8",
                       why.replace("l'aperçu", "la saisie").encode("utf-8"))
            return True

        def do_GET(self) -> None:
            if self._refused():
                return
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            try:
                if parts.path == "/":
                    self._html(index_page(session))
                elif parts.path in ASSETS:
                    name, kind = ASSETS[parts.path]
                    self._send(200, kind, resources.files(__package__).joinpath(
                        "data").joinpath(name).read_bytes())
                elif parts.path == "/formulaire":
                    self._html(form_page(session, self._entry(query)))
                elif parts.path == "/api/fichier":
                    self._json(200, file_answer(session, self._entry(query)))
                else:
                    self._send(404, "text/plain; charset=utf-8", b"Page introuvable.")
            except Refused as error:
                self._send(403, "text/plain; charset=utf-8", str(error).encode("utf-8"))
            except FileNotFoundError:
                self._send(404, "text/plain; charset=utf-8", b"Fichier introuvable.")

        def do_POST(self) -> None:
            if self._refused():
                return
            path = urlsplit(self.path).path
            try:
                length = int(self.headers.get("Content-Length") or 0)
                if not 0 < length <= MAX_BODY:
                    raise Refused("requête vide ou trop grande")
                request = json.loads(self.rfile.read(length))
                entry = entry_file(session.content_dir, str(request.get("fichier", "")))
                read_digest = str(request.get("empreinte", ""))
                data = request.get("donnees")
                if path == "/api/verifier":
                    self._json(200, check_answer(session, entry, data))
                elif path == "/api/enregistrer":
                    self._save(entry, read_digest, data)
                else:
                    self._send(404, "text/plain; charset=utf-8", b"Page introuvable.")
            except Refused as error:
                self._send(403, "text/plain; charset=utf-8", str(error).encode("utf-8"))
            except (ValueError, AttributeError):
                self._send(400, "text/plain; charset=utf-8",
                           "Requête illisible.".encode())
            except RencontresError as error:
                self._json(422, {"erreur": "; ".join(p.message for p in error.problems)})

        do_PUT = do_DELETE = do_PATCH = do_POST

        def _save(self, entry: EntryFile, read_digest: str, data: Any) -> None:
            with session.lock:
                try:
                    written = save(entry, read_digest, session.texts.get(read_digest), data)
                except Conflict as conflict:
                    self._json(409, {"conflit": True, "disque": conflict.on_disk,
                                     "formulaire": conflict.from_form,
                                     "empreinte_disque": digest(
                                         conflict.on_disk.encode("utf-8"))})
                    return
                except OutputError as error:
                    self._json(422, {"erreur": "; ".join(p.message for p in error.problems)})
                    return
            session.remember(entry.path.read_text("utf-8"))
            self._json(200, {"empreinte": written,
                             "heure": datetime.datetime.now().strftime("%H:%M:%S"),
                             "controle": check_answer(session, entry, data),
                             "apercu": session.preview_address})

        def _entry(self, query: dict[str, list[str]]) -> EntryFile:
            return entry_file(session.content_dir, (query.get("fichier") or [""])[0])

        def _html(self, page: str) -> None:
            self._send(200, "text/html; charset=utf-8", page.encode("utf-8"))

        def _json(self, status: int, value: Any) -> None:
            self._send(status, "application/json; charset=utf-8",
                       json.dumps(value, ensure_ascii=False).encode("utf-8"))

        def _send(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("X-Frame-Options", "DENY")
            self.send_header("Content-Security-Policy",
                             "default-src 'self'; frame-ancestors 'none'")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return start_server(Handler, port, "saisie")
