"""`saisie` in real Chromium (Playwright driving Debian's chromium-headless-shell, which
.ci/run installs; nothing is downloaded): an edition entered through the form alone and
built, a commented file changed in one field, a file saved elsewhere meanwhile, the
requests refused, and an item entered with the keyboard only."""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect, sync_playwright
from support.docx_text import paragraphs

from rencontres.cli import main
from rencontres.publishing.entry_form import EntrySession, index_page, serve
from rencontres.publishing.pipeline import BuildOptions, build
from rencontres.publishing.plan import Project

REPO = Path(__file__).resolve().parents[2]
BROWSERS = (Path("/usr/bin/chromium-headless-shell"), Path("/usr/bin/chromium"))
ARGUMENTS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run"]
HDF = "2021/territoires/hauts-de-france.yaml"
# Generous: the machine running the suite may be busy with other tests' builds.
expect.set_options(timeout=20_000)

ARDENNES_2021 = """\
territoire: ardennes
date: 2021-06-10
lieu: Charleville-Mézières
participants:
  total: 20
themes_votes:
  - libelle: Mobilité
    votes: 7
    theme: mobilite
  - libelle: Santé
    votes: 5
    theme: sante
priorites_locales: [mobilite]
mot_attendue: [mobilite]
sections:
  - titre: Mobilité
    niveau: 1
    themes_votes: [Mobilité]
    objectifs:
      - Développer les transports
  - titre: Santé
    niveau: 2
    themes_votes: [Santé]
    suggestions:
      - Coopérer
"""


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = next((path for path in BROWSERS if path.exists()), None)
    assert executable, "chromium-headless-shell manque (.ci/run l'installe)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), args=ARGUMENTS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="fr-FR")
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    context.close()


def start(content: Path) -> tuple[str, EntrySession]:
    session = EntrySession(content.resolve())
    server = serve(session, 0)
    return f"http://127.0.0.1:{server.server_address[1]}", session


def open_form(page: Page, address: str, relative: str) -> None:
    page.goto(f"{address}/formulaire?fichier={relative}")
    expect(page.locator("#formulaire[data-pret=oui]")).to_have_count(1)


def settled(page: Page) -> None:
    """Wait until the last change's check is shown: its messages move the fields below
    them, and a button or a box that moves between the press and the release is not
    clicked (CI saw both)."""
    expect(page.locator("#bilan")).not_to_have_attribute("aria-busy", "true")


def click(button: Locator) -> None:
    settled(button.page)
    button.click()


def tick(box: Locator) -> None:
    settled(box.page)
    box.check()


def save(page: Page) -> None:
    click(page.get_by_role("button", name="Enregistrer", exact=True))
    expect(page.locator("#resultat")).to_contain_text("Enregistré à")


def within(page: Page, place: str):
    return page.locator(f'[data-chemin="{place}"]')


# --- a whole edition through the form -----------------------------------------------

@pytest.fixture
def new_edition(tmp_path: Path) -> Path:
    """A project whose 2021 edition has one small territory, and its 2022 made by
    `nouvelle-edition`."""
    root = tmp_path / "projet"
    (root / "content" / "2021" / "territoires").mkdir(parents=True)
    shutil.copy(REPO / "content" / "referentiel.yaml", root / "content")
    shutil.copy(REPO / "content" / "2021" / "edition.yaml", root / "content" / "2021")
    (root / "content" / "2021" / "territoires" / "ardennes.yaml").write_text(ARDENNES_2021,
                                                                             "utf-8")
    shutil.copytree(REPO / "templates", root / "templates")
    assert main(["nouvelle-edition", "2022", "--projet", str(root)]) == 0
    return root


def test_an_edition_entered_through_the_form_alone_builds(new_edition, page):
    address, _ = start(new_edition / "content")
    open_form(page, address, "2022/territoires/ardennes.yaml")
    expect(page.locator("#bilan")).to_have_text("3 problèmes à corriger.")
    expect(within(page, "participants/total").locator(".message")).to_have_text(
        "⚠ « total » n'a pas de valeur".removeprefix("⚠ "))
    page.get_by_label("Date").fill("2022-06-16")
    page.get_by_label("Lieu").fill("Sedan")
    page.get_by_label("Nombre total de participants (obligatoire)").fill("24")
    page.get_by_label("Élus").fill("10")
    page.get_by_label("Techniciens").fill("8")
    within(page, "themes_votes/0").get_by_label("Votes (obligatoire)").fill("9")
    within(page, "themes_votes/1").get_by_label("Votes (obligatoire)").fill("6")
    for place, themes in (("priorites_locales", ["Mobilité", "Santé"]),
                          ("mot_attendue", ["Mobilité"])):
        for theme in themes:
            tick(within(page, place).get_by_label(theme, exact=True))
    mobility = within(page, "sections/0")
    click(mobility.get_by_role("button", name="Ajouter un objectif"))
    page.get_by_role("textbox", name="Objectif 1 : texte").fill(
        "Relier Sedan à Bouillon par le bus : une ligne régulière")
    click(page.get_by_role("button", name="Ajouter des sous-points : Objectif 1"))
    within(page, "sections/0/objectifs/0").get_by_role("textbox", name="Sous-point 1").fill(
        "Étudier la demande")
    click(mobility.get_by_role("button", name="Ajouter une idée de projet"))
    page.get_by_role("textbox", name="Idée de projet 1 : texte").fill("Un abonnement commun")
    click(mobility.get_by_role("button", name="Ajouter un partenaire"))
    mobility.get_by_role("textbox", name="Partenaire 1").fill("Région Grand Est")
    click(mobility.get_by_role("button", name="Ajouter une suggestion"))
    mobility.get_by_role("textbox", name="Suggestion 1 : texte").fill(
        "Réunir les autorités organisatrices")
    click(within(page, "sections/1").get_by_role("button", name="Ajouter une remarque"))
    within(page, "sections/1").get_by_role("textbox", name="Remarque 1 : texte").fill(
        "Le centre hospitalier accueille des patients belges")
    expect(page.locator("#bilan")).to_have_text("Aucun problème.")
    save(page)

    open_form(page, address, "2022/synthese.yaml")
    click(page.get_by_role("button", name="Ajouter une idée commune"))
    idea = within(page, "idees_communes/0")
    idea.get_by_label("Thème (obligatoire)").select_option(label="Mobilité")
    idea.get_by_label("Problématique (obligatoire)").fill(
        "Des lignes de bus qui s'arrêtent à la frontière")
    tick(idea.get_by_label("Ardennes"))
    tick(idea.get_by_label("Hauts-de-France"))
    click(idea.get_by_role("button", name="Ajouter une suggestion"))
    within(page, "idees_communes/0/suggestions/0").get_by_label("Texte (obligatoire)").fill(
        "Cartographier les lignes transfrontalières")
    expect(page.locator("#bilan")).to_have_text("Aucun problème.")
    save(page)

    content = new_edition / "content" / "2022"
    assert (content / "synthese.yaml").read_text("utf-8").endswith(
        "idees_communes:\n"
        "  - theme: mobilite\n"
        "    problematique: Des lignes de bus qui s'arrêtent à la frontière\n"
        "    territoires:\n"
        "      - hauts-de-france\n"
        "      - ardennes\n"
        "    suggestions:\n"
        "      - texte: Cartographier les lignes transfrontalières\n")
    assert (content / "territoires" / "ardennes.yaml").read_text("utf-8") == ARDENNES_2022
    report = build(Project(new_edition), BuildOptions(year=2022, workers=1))
    assert not report.failed
    output = new_edition / "output" / "2022"
    assert paragraphs(output / "compte-rendu-2022-ardennes.docx") == COMPTE_RENDU
    assert paragraphs(output / "synthese-2022.docx") == SYNTHESE


ARDENNES_2022 = """\
# yaml-language-server: $schema=../../../docs/schemas/territoire.schema.json
# Rencontre territoriale Ardennes 2022 : préparé à partir de 2021.
# Remplacez chaque « null » et complétez les listes vides ([]).
territoire: ardennes
date: 2022-06-16  # date de la Rencontre, AAAA-MM-JJ
lieu: Sedan
participants:
  total: 24
  par_categorie:
    elus: 10
    techniciens: 8
themes_votes:
  - libelle: Mobilité
    votes: 9
    theme: mobilite
  - libelle: Santé
    votes: 6
    theme: sante
priorites_locales: [mobilite, sante]  # ex. [mobilite, sante] ; [] si aucune
mot_attendue: [mobilite]  # ex. [gouvernance] ; [] si aucun
sections:
  - titre: Mobilité
    niveau: 1
    themes_votes: [Mobilité]
    objectifs:
      - texte: 'Relier Sedan à Bouillon par le bus : une ligne régulière'
        sous_points:
          - Étudier la demande
    idees_projet:
      - Un abonnement commun
    partenaires:
      - Région Grand Est
    suggestions:
      - Réunir les autorités organisatrices
    remarques: []
  - titre: Santé
    niveau: 2
    themes_votes: [Santé]
    objectifs: []
    suggestions: []
    remarques:
      - Le centre hospitalier accueille des patients belges
"""
COMPTE_RENDU = [
    'MOT · Mission Opérationnelle Transfrontalière',
    'Compte-rendu de la Rencontre territoriale',
    'Ardennes',
    '2022',
    'Rencontres territoriales 2022',
    'Rencontre du 16 juin 2022, Sedan',
    'Frontière FR-BE · 24 participants',
    'Les thèmes prioritaires du territoire',
    '2 thèmes prioritaires pour le territoire Ardennes',
    '1 thème sur lequel la MOT est particulièrement attendue\xa0: Mobilité',
    '',
    'Nombre de votes par thème. En orange, les thèmes sur lesquels la MOT est particulièrement attendue.',
    'Nombre de votes par thème\xa0:',
    'Mobilité (9)',
    'Santé (6)',
    'Mobilité',
    'Thème de niveau 1\xa0: la MOT est particulièrement attendue',
    'Objectifs territoriaux',
    'Relier Sedan à Bouillon par le bus\xa0: une ligne régulière',
    'Étudier la demande',
    'Montage de projets',
    'Comment la MOT peut-elle s’emparer du sujet\u202f? Quelle(s) idée(s) de projet\u202f?',
    'Un abonnement commun',
    'Partenaires\xa0: Région Grand Est',
    'Suggestion de la MOT',
    'Réunir les autorités organisatrices',
    'Les autres thèmes prioritaires',
    'Thèmes de niveau 2\xa0: les objectifs territoriaux exprimés par les participants.',
    'Santé',
    'Remarque de la MOT',
    'Le centre hospitalier accueille des patients belges',
    'Compte-rendu de la Rencontre territoriale Ardennes 2022',
    'MOT – Mission Opérationnelle Transfrontalière   ·   Page 1 / 1',
]
SYNTHESE = [
    'MOT · Mission Opérationnelle Transfrontalière',
    'Synthèse des Rencontres territoriales',
    '2022',
    'Rencontres territoriales 2022',
    '1 territoire sur 9 · 24 participants',
    'Sommaire',
    'Les Rencontres 20223',
    'Les participants3',
    'Participants par territoire4',
    'Les participants par catégorie4',
    'Les thèmes les plus cités5',
    'Les thèmes les plus évoqués parmi les priorités locales5',
    'Les thèmes sur lesquels la MOT est particulièrement attendue par ses adhérents etpartenaires5',
    'Idées communes à plusieurs territoires6',
    'Mobilité6',
    '',
    '',
    'Les Rencontres 2022',
    'Territoire',
    'Date',
    'Lieu',
    'Participants',
    'Ardennes',
    '16 juin 2022',
    'Sedan',
    '24',
    'Date, lieu et participants de chaque Rencontre, d’après les fichiers des territoires.',
    'Les participants',
    '24 participants dans 1 territoire sur 9, contre 20 en 2021, soit +20\xa0%',
    '',
    'Participants aux Rencontres territoriales 2021 et 2022 par territoire\u202f; la surface de '
     'chaque cercle est proportionnelle au nombre de participants.',
    '',
    'Nombre de participants par territoire en 2021 et en 2022.',
    'Participants par territoire',
    'Territoire',
    '2021',
    '2022',
    'Évolution',
    'Ardennes',
    '20',
    '24',
    '+20\xa0%',
    'Total',
    '20',
    '24',
    '+20\xa0%',
    'Pas de données pour Hauts-de-France, Grande Région, Rhin Supérieur, Arc Jurassien, Genevois / '
     'Alpes du Nord, Sud FR-IT-Monaco, Pyrénées Est & Centre et Pyrénées Ouest en 2022\xa0: ces '
     'territoires ne sont pas comptés dans le total. Pas de données pour Hauts-de-France, Grande '
     'Région, Rhin Supérieur, Arc Jurassien, Genevois / Alpes du Nord, Sud FR-IT-Monaco, Pyrénées '
     'Est & Centre et Pyrénées Ouest en 2021\xa0: ces territoires ne sont pas comptés dans le total '
     '2021.',
    'Les participants par catégorie',
    'Répartition par catégorie connue pour le seul territoire (24 participants), dont 6 sans '
     'catégorie précisée.',
    '',
    'Nombre de participants par catégorie, tous territoires confondus.',
    'Catégorie',
    'Participants',
    'Techniciens',
    '8',
    'Élus',
    '10',
    'Représentants du niveau national',
    '0',
    'Les thèmes les plus cités',
    'Les thèmes les plus évoqués parmi les priorités locales',
    '',
    'Nombre de territoires (sur 1) ayant retenu chaque thème comme priorité locale.',
    'Mobilité\xa0: identifié comme priorité locale dans 1 territoire',
    'Santé\xa0: identifié comme priorité locale dans 1 territoire',
    'Les thèmes sur lesquels la MOT est particulièrement attendue par ses adhérents et partenaires',
    'Mobilité\xa0: identifié comme thème prioritaire pour la MOT dans 1 territoire',
    'Idées communes à plusieurs territoires',
    'Plusieurs problématiques sont communes à différents territoires transfrontaliers. Pour '
     'chacune, la MOT formule de premières suggestions d’action multi-territoriales pour 2023.',
    'Mobilité',
    'Problématique',
    'Des lignes de bus qui s’arrêtent à la frontière',
    'Territoires concernés (2)\xa0: Hauts-de-France et Ardennes',
    'Suggestion pour 2023',
    'Suggestion 1\xa0: Cartographier les lignes transfrontalières',
    'Synthèse des Rencontres territoriales 2022',
    'MOT – Mission Opérationnelle Transfrontalière   ·   Page 1 / 1',
    'Synthèse des Rencontres territoriales 2022',
    'MOT – Mission Opérationnelle Transfrontalière   ·   Page 1 / 1',
]


# --- the page standing still -----------------------------------------------------------

def test_the_status_is_busy_from_a_change_until_its_last_check_is_shown(project, page):
    address, _ = start(project / "content")
    open_form(page, address, HDF)
    status = page.locator("#bilan")
    expect(status).not_to_have_attribute("aria-busy", "true")
    held: list[Route] = []
    page.route("**/api/verifier", lambda route: held.append(route))  # held until let through

    def asked(count: int) -> None:
        while len(held) < count:
            page.wait_for_timeout(20)

    page.get_by_label("Lieu").fill("Lille")
    expect(status).to_have_attribute("aria-busy", "true")
    asked(1)
    page.get_by_label("Lieu").fill("Lille-Europe")  # a second change while the first is checked
    asked(2)
    with page.expect_response("**/api/verifier") as first:
        held[0].continue_()
    first.value.finished()
    page.wait_for_timeout(200)  # time for the page to read that answer, already stale
    expect(status).to_have_attribute("aria-busy", "true")
    held[1].continue_()
    expect(status).not_to_have_attribute("aria-busy", "true")


# --- the user's file kept -----------------------------------------------------------

def git(folder: Path, *arguments: str) -> str:
    return subprocess.run(["git", *arguments], cwd=folder, check=True, capture_output=True,
                          text=True).stdout


def test_a_commented_file_changed_in_one_field_changes_one_line(project, page):
    git(project, "init", "-q")
    git(project, "add", "content")
    git(project, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "avant")
    address, _ = start(project / "content")
    open_form(page, address, HDF)
    page.get_by_label("Nombre total de participants (obligatoire)").fill("36")
    save(page)
    changed = [line for line in git(project, "diff", "-U0").splitlines()
               if line.startswith(("+", "-"))]
    assert changed == [f"--- a/content/{HDF}", f"+++ b/content/{HDF}",
                       "-  total: 35", "+  total: 36"]


def test_a_file_saved_elsewhere_meanwhile_is_not_overwritten(project, page):
    address, _ = start(project / "content")
    open_form(page, address, HDF)
    path = project / "content" / HDF
    edited = path.read_text("utf-8").replace("  total: 35", "  total: 40  # VS Code")
    path.write_text(edited, "utf-8")
    page.get_by_label("Lieu").fill("Lille")
    click(page.get_by_role("button", name="Enregistrer", exact=True))
    expect(page.get_by_role("heading", name="Le fichier a changé sur le disque")).to_be_focused()
    assert path.read_text("utf-8") == edited
    expect(page.locator("pre.disque")).to_contain_text("total: 40  # VS Code")
    expect(page.locator("pre.formulaire")).to_contain_text("lieu: Lille")
    expect(page.locator("pre.formulaire")).to_contain_text("total: 35")
    expect(page.get_by_label("Lieu")).to_have_value("Lille")  # nothing typed is lost
    click(page.get_by_role("button", name="Enregistrer la version du formulaire"))
    expect(page.locator("#resultat")).to_contain_text("Enregistré à")
    saved = path.read_text("utf-8")
    assert "territoire: hauts-de-france\nlieu: Lille\n" in saved  # in the form's order
    assert "  total: 35  # VS Code" in saved


# --- what is refused ----------------------------------------------------------------

def request(address: str, method: str, path: str, headers: dict[str, str],
            body: dict[str, object] | None = None) -> tuple[int, str]:
    host, port = address.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    data = json.dumps(body).encode() if body is not None else None
    connection.request(method, path, body=data, headers=headers)
    answer = connection.getresponse()
    return answer.status, answer.read().decode("utf-8")


def test_a_foreign_host_a_missing_token_and_a_path_outside_are_refused(project):
    address, session = start(project / "content")
    port = address.rpartition(":")[2]
    own = {"Host": f"127.0.0.1:{port}", "Origin": address, "Content-Type": "application/json"}
    body = {"fichier": HDF, "empreinte": "", "donnees": {}}
    assert request(address, "GET", "/", {"Host": f"rebinding.example:{port}"}) == (
        403, f"Accès refusé : la saisie ne répond qu'à l'adresse http://127.0.0.1:{port}/ "
             f"(adresse demandée : « rebinding.example:{port} »).")
    assert request(address, "POST", "/api/enregistrer", own, body) == (
        403, "Accès refusé : la requête n'a pas le jeton de cette session de saisie "
             "(rechargez la page).")
    before = (project / "content" / HDF).read_bytes()
    with_token = {**own, "X-Jeton-Session": session.token}
    for outside in ("../referentiel.yaml", "2021/../../../etc/passwd",
                    "2021/territoires/../../referentiel.yaml"):
        expected = (403, f"chemin refusé : « {outside} » n'est pas un fichier d'édition de "
                         "content/ (ex. « 2022/territoires/ardennes.yaml »)")
        assert request(address, "POST", "/api/enregistrer", with_token,
                       {**body, "fichier": outside}) == expected
        assert request(address, "GET", f"/api/fichier?fichier={outside}",
                       {"Host": f"127.0.0.1:{port}"}) == expected
    assert (project / "content" / HDF).read_bytes() == before


# --- the keyboard alone -------------------------------------------------------------

def test_an_item_entered_with_the_keyboard_alone(project, page):
    address, _ = start(project / "content")
    open_form(page, address, HDF)

    def focused(name: str) -> None:
        expect(page.get_by_role("button", name=name, exact=True)).to_be_focused()

    for _ in range(10):  # backwards from the page's end: the list's button is before the save bar
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.id") == "champ-idees_transversales-ajouter":
            break
    focused("Ajouter une idée transversale")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Idée transversale 1 : texte")).to_be_focused()
    page.keyboard.type("Partager les données des observatoires")
    page.keyboard.press("Tab")
    focused("Ajouter des sous-points : Idée transversale 1")
    page.keyboard.press("Tab")
    focused("Retirer : Idée transversale 1")
    page.keyboard.press("Tab")
    focused("Ajouter une idée transversale")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Idée transversale 2 : texte")).to_be_focused()
    page.keyboard.type("Une carte commune")
    page.keyboard.press("Shift+Tab")
    focused("Retirer : Idée transversale 1")
    page.keyboard.press("Shift+Tab")
    focused("Descendre : Idée transversale 1")
    page.keyboard.press("Enter")  # the focus follows the item moved
    focused("Monter : Idée transversale 2")
    page.keyboard.press("Control+s")
    expect(page.locator("#resultat")).to_contain_text("Enregistré à")
    saved = (project / "content" / HDF).read_text("utf-8")
    assert saved.endswith("idees_transversales:\n"
                          "  - Une carte commune\n"
                          "  - Partager les données des observatoires\n")


# --- the list of files ------------------------------------------------------------

def test_the_list_gives_each_territory_s_state(project):
    import datetime
    import re

    territories = project / "content" / "2021" / "territoires"
    (territories / "ardennes.yaml").unlink()
    hdf = territories / "hauts-de-france.yaml"
    hdf.write_text(hdf.read_text("utf-8").replace("  total: 35", "  total: null"), "utf-8")
    later = territories / "grande-region.yaml"
    later.write_text(later.read_text("utf-8").replace("territoire: grande-region\n",
                                                      "territoire: grande-region\n"
                                                      "date: 2021-09-01\n"), "utf-8")
    page = index_page(EntrySession(project / "content"), today=datetime.date(2021, 6, 1))
    edition = page[page.index("<h2>Édition 2021</h2>"):page.index("<h2>Édition 2020</h2>")]
    rows = [(re.sub(r"<[^>]+>", "", name), state) for name, state in re.findall(
        r"<tr><td>(.*?)</td><td class=\"etat-[a-z-]+\">(.*?)</td></tr>", edition)]
    assert rows == [("Hauts-de-France", "à remplir"), ("Ardennes", "pas de Rencontre"),
                    ("Grande Région", "à venir"), ("Rhin Supérieur", "rempli"),
                    ("Arc Jurassien", "rempli"), ("Genevois / Alpes du Nord", "rempli"),
                    ("Sud FR-IT-Monaco", "rempli"), ("Pyrénées Est &amp; Centre", "rempli"),
                    ("Pyrénées Ouest", "rempli")]


# --- the preview after a save -------------------------------------------------------

def test_a_save_through_the_form_rebuilds_the_preview(in_project, monkeypatch):
    import threading

    from rencontres.cli import summary
    from rencontres.publishing import preview

    monkeypatch.setattr(preview, "_why_text", lambda: "aperçu en texte")
    shown = preview.Preview(Project(in_project), BuildOptions(
        territories=("hauts-de-france",), workers=1), summary)
    before = preview.saved_files(shown)
    first = shown.rebuild()
    assert "35 participants" in first.documents[0].pages[0].text
    stop = threading.Event()
    watching = threading.Thread(target=preview.watch,
                                args=(shown, lambda state: None, before, stop))
    watching.start()
    try:
        address, session = start(in_project / "content")
        port = address.rpartition(":")[2]
        status, body = request(address, "GET", f"/api/fichier?fichier={HDF}",
                               {"Host": f"127.0.0.1:{port}"})
        assert status == 200
        loaded = json.loads(body)
        loaded["donnees"]["participants"]["total"] = 41
        assert request(address, "POST", "/api/enregistrer", {
            "Host": f"127.0.0.1:{port}", "Origin": address, "X-Jeton-Session": session.token,
            "Content-Type": "application/json"}, {"fichier": HDF, "empreinte": loaded["empreinte"],
                                                  "donnees": loaded["donnees"]})[0] == 200
        rebuilt = shown.wait(first.version, 60)
    finally:
        stop.set()
        watching.join(10)
    assert rebuilt.version > first.version
    assert "41 participants" in rebuilt.documents[0].pages[0].text
