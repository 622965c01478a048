"""How long a check of `saisie` takes to answer a change: `python bench/saisie_check.py`.

The form of a copy of the example content (content/, with `nouvelle-edition` 2022 made
in the copy) is opened in Debian's Chromium (Playwright, as the tests drive it); a field
is changed 30 times, a third of them emptied (a message appears beside it), and each
time the delay is taken in the page, from the change to the messages shown: the pause
the page leaves after typing, the request, the check (`verifier`'s, on the edition and
the one before it) and the drawing of the messages. The server's own time for the check
is given beside. Medians and maxima, with the machine's load average (it may be shared).
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from rencontres.cli import main as rencontres
from rencontres.publishing.entry_form import EntrySession, serve

REPO = Path(__file__).resolve().parents[1]
BROWSERS = (Path("/usr/bin/chromium-headless-shell"), Path("/usr/bin/chromium"))
ARGUMENTS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run"]
FILES = ("2021/territoires/hauts-de-france.yaml", "2022/territoires/hauts-de-france.yaml")
CHANGES = 30

# From the change (its input event) to the check's messages drawn, in the page's clock;
# and the server's time for that check, read from the last answer's « duree_ms ».
TIMED_CHANGE = """([selector, value]) => new Promise(resolve => {
    const root = document.getElementById("formulaire");
    const before = root.dataset.verifie;
    const input = document.querySelector(selector);
    const started = performance.now();
    const answered = window.fetch;
    let server = null;
    window.fetch = async (...request) => {
        const answer = await answered(...request);
        answer.clone().json().then(body => { server = body.duree_ms; }).catch(() => {});
        return answer;
    };
    input.value = value;
    input.dispatchEvent(new Event("input", {bubbles: true}));
    const poll = () => {
        if (root.dataset.verifie === before) return requestAnimationFrame(poll);
        window.fetch = answered;
        resolve([performance.now() - started, server]);
    };
    poll();
})"""


def measure(page, address: str, relative: str) -> tuple[list[float], list[float]]:
    page.goto(f"{address}/formulaire?fichier={relative}")
    page.wait_for_selector("#formulaire[data-pret=oui]")
    shown, server = [], []
    for index in range(CHANGES):
        value = "" if index % 3 == 2 else str(30 + index)
        total, checked = page.evaluate(TIMED_CHANGE, ["#champ-participants-total", value])
        shown.append(total)
        if checked is not None:
            server.append(checked)
        time.sleep(0.2)
    return shown, server


def main() -> int:
    executable = next((path for path in BROWSERS if path.exists()), None)
    if executable is None:
        print("chromium-headless-shell introuvable", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="saisie-bench-") as work:
        project = Path(work) / "projet"
        shutil.copytree(REPO / "content", project / "content")
        shutil.copytree(REPO / "templates", project / "templates")
        assert rencontres(["nouvelle-edition", "2022", "--projet", str(project)]) == 0
        server = serve(EntrySession((project / "content").resolve()), 0)
        address = f"http://127.0.0.1:{server.server_address[1]}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(executable),
                                                 args=ARGUMENTS)
            page = browser.new_page()
            for relative in FILES:
                load = os.getloadavg()[0]
                shown, checked = measure(page, address, relative)
                print(f"{relative} : changement → messages affichés, {len(shown)} "
                      f"changements : médiane {statistics.median(shown):.0f} ms, maximum "
                      f"{max(shown):.0f} ms ; vérification seule (serveur) : médiane "
                      f"{statistics.median(checked):.0f} ms, maximum {max(checked):.0f} ms "
                      f"(charge de la machine au départ : {load:.1f})")
            browser.close()
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
