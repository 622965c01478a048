"""`apercu`: the files that trigger a rebuild, the problems on the page, and the whole
loop in a headless Chromium (Debian's chromium-headless-shell, driven over the
DevTools protocol through a pipe): open the page, save a YAML change, the page shows it
by itself and the rebuilt document says it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.docx_text import paragraphs

from rencontres.cli import _show_rebuilt, summary
from rencontres.publishing import preview
from rencontres.publishing.pipeline import BuildOptions
from rencontres.publishing.plan import Project

REPO = Path(__file__).resolve().parents[2]
HDF = Path("content/2021/territoires/hauts-de-france.yaml")
REPORT = Path("output/2021/compte-rendu-2021-hauts-de-france.docx")
BROWSERS = ("chromium-headless-shell", "chromium")
DEADLINE_SECONDS = 120  # generous: a rebuild with its pages takes a few seconds


@pytest.mark.parametrize("name, saved", [
    ("hauts-de-france.yaml", True), ("compte-rendu.docx", True), ("x.yml", True),
    ("~$mpte-rendu.docx", False), ("~WRL0003.tmp", False),
    (".~lock.compte-rendu.docx#", False), (".hauts-de-france.yaml.swp", False),
    ("hauts-de-france.yaml~", False), ("#hauts-de-france.yaml#", False),
    (".compte-rendu.docx.1234.tmp", False), ("notes.txt", False)])
def test_only_real_saves_rebuild(name, saved):
    assert preview.is_saved_file(f"/projet/content/2021/territoires/{name}") is saved


def test_the_page_lists_the_problems_with_file_and_line(in_project, monkeypatch):
    monkeypatch.setattr(preview, "_why_text", lambda: "aperçu en texte")
    shown = preview.Preview(Project(Path(".")), BuildOptions(territories=("hauts-de-france",),
                                                             workers=1), summary)
    first = shown.rebuild()
    assert first.problems == ()
    assert "35 participants" in first.documents[0].pages[0].text
    (in_project / HDF).write_text((in_project / HDF).read_text("utf-8").replace(
        "  total: 35", "  totale: 35"), "utf-8")
    broken = shown.rebuild()
    assert broken.problems == (
        "content/2021/territoires/hauts-de-france.yaml:7:1: champ obligatoire « total » "
        "manquant dans « participants »",
        "content/2021/territoires/hauts-de-france.yaml:8:3: clé inconnue « totale » "
        "(vouliez-vous dire « total » ?)")
    assert broken.documents == first.documents  # the last ones built stay shown
    page = preview.content_html(broken)
    assert "2 problèmes à corriger" in page
    assert ("<li>content/2021/territoires/hauts-de-france.yaml:8:3: clé inconnue "
            "« totale » (vouliez-vous dire « total » ?)</li>") in page


def test_the_terminal_tells_a_failed_rebuild_in_one_sentence(in_project, capsys):
    (in_project / HDF).write_text((in_project / HDF).read_text("utf-8").replace(
        "  total: 35", "  totale: 35"), "utf-8")
    shown = preview.Preview(Project(Path(".")), BuildOptions(workers=1), summary)
    state = shown.rebuild()
    _show_rebuilt(state)
    assert capsys.readouterr().out == (
        f"[{state.time}] Contenu invalide : les documents montrés sont ceux de la "
        "construction précédente ; 2 problèmes (voir la page).\n")


def test_a_template_still_being_saved_is_tried_again(in_project, monkeypatch):
    monkeypatch.setattr(preview, "_why_text", lambda: "aperçu en texte")
    monkeypatch.setattr(preview, "RETRY_SECONDS", 0)
    template = in_project / "templates" / "compte-rendu.docx"
    whole = template.read_bytes()
    template.write_bytes(whole[:1000])  # Word has written the start of it only
    attempts = []
    rebuild = preview.build

    def build_while_word_saves(*arguments, **options):
        attempts.append(1)
        if len(attempts) == 2:
            template.write_bytes(whole)  # Word is done
        return rebuild(*arguments, **options)

    monkeypatch.setattr(preview, "build", build_while_word_saves)
    shown = preview.Preview(Project(Path(".")), BuildOptions(territories=("hauts-de-france",),
                                                             workers=1), summary)
    state = shown.rebuild(templates_saved=True)
    assert (len(attempts), state.problems) == (2, ())


# --- in a browser --------------------------------------------------------------------

class DevTools:
    """Chromium's DevTools protocol over --remote-debugging-pipe: JSON messages ending
    with a NUL byte, read on descriptor 3 of the browser, written on its descriptor 4."""

    def __init__(self, browser: str, profile: Path):
        to_browser, self._commands = os.pipe()
        self._answers, from_browser = os.pipe()
        # Moved above 4 first, so that putting one at 3 never overwrites the other.
        to_browser, from_browser = _above_4(to_browser), _above_4(from_browser)

        def descriptors_3_and_4() -> None:  # in the child, before the browser starts
            os.dup2(to_browser, 3)
            os.dup2(from_browser, 4)

        self.log = profile.parent / "chromium.log"
        with open(self.log, "wb") as log:
            # Not pass_fds: the child would close 3 and 4 once this function is done.
            self.process = subprocess.Popen(
                [browser, "--headless", "--no-sandbox", "--disable-gpu",
                 "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
                preexec_fn=descriptors_3_and_4, close_fds=False,
                stdout=subprocess.DEVNULL, stderr=log)
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next = 0

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self._next += 1
        message = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                chunk = os.read(self._answers, 1 << 16)
                assert chunk, "the browser closed its pipe: " + self.log.read_text()[-3000:]
                self._buffer += chunk
            raw, _, self._buffer = self._buffer.partition(b"\0")
            answer = json.loads(raw)
            if answer.get("id") == self._next:
                assert "error" not in answer, answer
                return answer["result"]

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        os.close(self._commands)
        os.close(self._answers)


def _above_4(descriptor: int) -> int:
    import fcntl

    moved = fcntl.fcntl(descriptor, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(descriptor)
    return moved


def _browser() -> str:
    found = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    if found is None:
        pytest.fail("Chromium introuvable : apt-get install chromium-headless-shell "
                    "(.ci/run l'installe)")
    return found


def _until(condition, what: str):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not (found := condition()):
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.2)
    return found


def test_the_page_follows_a_saved_yaml_in_a_browser(project, tmp_path):
    server = subprocess.Popen(
        [sys.executable, "-m", "rencontres", "apercu", "--port", "0", "--jobs", "1",
         "--territoire", "hauts-de-france"],
        cwd=project, env={**os.environ, "PYTHONPATH": str(REPO)}, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    browser = None
    try:
        first = server.stdout.readline()
        assert first.startswith("Aperçu : http://127.0.0.1:"), first + server.stderr.read()
        address = first.split()[2]
        assert server.stdout.readline().startswith("[")  # the first build is shown
        browser = DevTools(_browser(), tmp_path / "profil")
        target = browser.call("Target.createTarget", url=address)["targetId"]
        session = browser.call("Target.attachToTarget", targetId=target,
                               flatten=True)["sessionId"]

        def evaluate(expression: str):
            return browser.call("Runtime.evaluate", session, expression=expression,
                                returnByValue=True)["result"].get("value")

        def shown() -> str:
            return evaluate("document.readyState === 'complete' ? "
                            "[...document.images].map(i => i.alt).join(' ') + "
                            "document.body.innerText : ''") or ""

        _until(lambda: "35 participants" in shown(), "the page shows 35 participants")
        evaluate("window.notReloaded = true")  # gone if the page were loaded again

        hdf = project / HDF
        hdf.write_text(hdf.read_text("utf-8").replace("  total: 35", "  total: 36"), "utf-8")
        _until(lambda: "36 participants" in shown(), "the page shows 36 participants")
        assert evaluate("window.notReloaded") is True  # refreshed in place, by its events
        assert "35 participants" not in shown()
        assert "Frontière FR-BE-UK · 36 participants" in paragraphs(project / REPORT)
    finally:
        if browser is not None:
            browser.close()
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=60)
    assert server.returncode == 0, err
    assert out.splitlines()[-1] == "Aperçu arrêté."


# --- the local server, against other pages -----------------------------------------

def _shown_state() -> preview.State:
    page = preview.Page(b"\x89PNG page", "Page de test")
    return preview.State(3, "14:03:12", (preview.ShownDocument("a", "A", (page,)),))


@pytest.fixture
def server():
    import http.client

    shown = preview.Preview(Project(Path(".")), BuildOptions(), summary)
    shown.state = _shown_state()
    running = preview.serve(shown, 0)
    port = running.server_address[1]

    def request(path: str, method: str = "GET", **headers: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.putrequest(method, path, skip_host=True)
        for name, value in {"Host": f"127.0.0.1:{port}", **headers}.items():
            connection.putheader(name, value)
        connection.endheaders()
        answer = connection.getresponse()
        body = answer.read()
        connection.close()
        return answer.status, body

    yield port, request
    running.shutdown()
    running.server_close()


def test_the_preview_answers_its_own_address_only(server):
    port, request = server
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
        assert request("/pages/3/0/1.png", Host=host) == (200, b"\x89PNG page")
    status, body = request("/pages/3/0/1.png", Host="attacker.example")
    assert (status, body.decode()) == (
        403, f"Accès refusé : l'aperçu ne répond qu'à l'adresse http://127.0.0.1:{port}/ "
             "(adresse demandée : « attacker.example »).")
    assert request("/", Host=f"attacker.example:{port}")[0] == 403
    assert request("/contenu", Host="127.0.0.1")[0] == 403  # another port: another site


def test_the_preview_refuses_requests_sent_by_other_pages(server):
    port, request = server
    status, body = request("/", "POST", Origin="http://attacker.example")
    assert (status, body.decode()) == (
        403, "Accès refusé : une autre page ne peut pas envoyer de requête à l'aperçu.")
    assert request("/", "POST", Origin=f"http://127.0.0.1:{port}")[0] == 405


def test_a_huge_page_number_is_not_found(server):
    _, request = server
    assert request(f"/pages/3/0/{'9' * 5000}.png")[0] == 404
    assert request(f"/pages/{'1' * 5000}/0/1.png")[0] == 404
    assert request("/pages/3/0/2.png")[0] == 404


def test_only_the_current_page_images_are_kept(in_project, monkeypatch):
    import gc
    import weakref

    made: list[weakref.ref] = []  # every page image drawn

    def page_images(documents: dict[str, Path]) -> dict[str, tuple[preview.Page, ...]]:
        images = {digest: (preview.Page(digest.encode(), ""),) for digest in documents}
        made.extend(weakref.ref(pages[0]) for pages in images.values())
        return images

    monkeypatch.setattr(preview, "_why_text", lambda: None)
    monkeypatch.setattr(preview, "_page_images", page_images)
    shown = preview.Preview(Project(Path(".")), BuildOptions(territories=("hauts-de-france",),
                                                             workers=1), summary)
    shown.rebuild()
    hdf = in_project / HDF
    for total in (36, 37):
        hdf.write_text(hdf.read_text("utf-8").replace(f"  total: {total - 1}",
                                                      f"  total: {total}"), "utf-8")
        shown.rebuild()
    gc.collect()
    assert [image() is None for image in made] == [True, True, False]
    assert shown.rebuild().documents[0].pages[0] is made[-1]()  # kept, not drawn again


def test_the_watch_resumes_after_content_is_removed_and_restored(tmp_path, monkeypatch):
    import threading

    monkeypatch.setattr(preview, "RECHECK_SECONDS", 0.2)
    (tmp_path / "content").mkdir()
    (tmp_path / "templates").mkdir()
    territory = tmp_path / "content" / "territoire.yaml"
    territory.write_text("a: 1\n", "utf-8")
    shown = preview.Preview(Project(tmp_path), BuildOptions(), summary)
    seen: list[int] = []
    monkeypatch.setattr(shown, "rebuild", lambda templates_saved=False: seen.append(1) or
                        shown.state)
    stop = threading.Event()
    watching = threading.Thread(target=preview.watch, args=(shown, lambda state: None,
                                                          preview.saved_files(shown), stop))
    watching.start()
    try:
        time.sleep(0.5)
        shutil.copytree(tmp_path / "content", tmp_path / "copie")
        shutil.rmtree(tmp_path / "content")
        time.sleep(0.7)
        shutil.copytree(tmp_path / "copie", tmp_path / "content")
        time.sleep(0.7)
        seen.clear()
        territory.write_text("a: 2\n", "utf-8")
        _until(lambda: seen, "a rebuild after the restored content is saved")
    finally:
        stop.set()
        watching.join(10)
    assert not watching.is_alive()


@pytest.mark.parametrize("kept", [True, False])
def test_the_report_s_new_pages_are_shown_before_the_synthesis_is_converted(
        in_project, monkeypatch, kept):
    """With LibreOffice kept running, each document is converted on its own, the
    comptes-rendus first, and shown as soon as its pages are drawn; started for each
    conversion, LibreOffice gets them all in one batch."""
    from rencontres.publishing import pdf

    batches: list[list[str]] = []

    def page_images(documents: dict[str, Path]) -> dict[str, tuple[preview.Page, ...]]:
        batches.append([path.name for path in documents.values()])
        return {digest: (preview.Page(digest.encode(), path.name),)
                for digest, path in documents.items()}

    monkeypatch.setattr(preview, "_why_text", lambda: None)
    monkeypatch.setattr(preview, "_page_images", page_images)
    monkeypatch.setattr(pdf, "keeping", lambda: kept)
    shown = preview.Preview(Project(Path(".")), BuildOptions(workers=1), summary)
    first = shown.rebuild()
    states: list[preview.State] = []
    publish = shown._publish
    monkeypatch.setattr(shown, "_publish", lambda **state: states.append(publish(**state))
                        or states[-1])
    batches.clear()
    hdf = in_project / HDF
    hdf.write_text(hdf.read_text("utf-8").replace("  total: 35", "  total: 36"), "utf-8")
    last = shown.rebuild()
    both = ["compte-rendu-2021-hauts-de-france.docx", "synthese-2021.docx"]
    assert batches == ([[both[0]], [both[1]]] if kept else [both])
    before = {document.name: document.pages for document in first.documents}
    after = {document.name: document.pages for document in last.documents}
    assert all(before[name] != after[name] for name in before)
    if kept:  # the report's new pages, the synthesis' previous ones, then both new
        assert [{document.name: document.pages for document in state.documents}
                for state in states] == [{name: after[name] if "hauts" in name else before[name]
                                          for name in before}, after]
    else:
        assert states == [last]
