"""`apercu`: the documents rebuilt on every save of a content file or a template, shown
in a browser page (their pages as images, or their text without LibreOffice) with the
problems of the last build, refreshed by itself (server-sent events)."""

from __future__ import annotations

import datetime
import hashlib
import html
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

from ..errors import OutputError, Problem, RencontresError
from . import pdf
from .pipeline import BuildOptions, build
from .plan import BuildReport, DocumentJob, Project

HOST = "127.0.0.1"
# What editors leave beside the files they edit: Word's owner file (~$…) and its
# temporary copies (~WRL….tmp), LibreOffice's lock (.~lock.…#), editors' swap and
# backup files (.x.swp, x~, #x#), the build's own temporary files (.x.tmp).
_SAVED_SUFFIXES = (".yaml", ".yml", ".docx")
_NOT_SAVED_PREFIXES = ("~$", "~WRL", ".", "#")
# A template read while Word is still writing it is not a zip yet: tried again.
TEMPLATE_RETRIES = 5
RETRY_SECONDS = 0.5
PAGE_RESOLUTION = 70  # pixels per inch of the page images
KEEP_ALIVE_SECONDS = 15
RECHECK_SECONDS = 1.0  # how often the watched folders are looked at again


def is_saved_file(path: str) -> bool:
    """Whether a change of `path` is a save worth a rebuild."""
    name = Path(path).name
    return (name.lower().endswith(_SAVED_SUFFIXES) and not name.startswith(_NOT_SAVED_PREFIXES)
            and not name.endswith(("~", "#")))


@dataclass(frozen=True)
class Page:
    png: bytes | None  # None: shown as text
    text: str


@dataclass(frozen=True)
class ShownDocument:
    name: str
    title: str
    pages: tuple[Page, ...]


@dataclass(frozen=True)
class State:
    """What the page shows: the last build's documents and problems."""

    version: int
    time: str  # of the last build, « 14:03:12 »
    documents: tuple[ShownDocument, ...] = ()
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    summary: str = ""
    as_text: str | None = None  # why pages are shown as text, when they are


class Preview:
    """The last build's state, rebuilt on demand, waited for by the page's event stream."""

    def __init__(self, project: Project, options: BuildOptions,
                 summarize: Callable[[BuildReport], str]):
        self.project = project
        self.options = replace(options, pdf=False, strict=False)
        self.summarize = summarize
        self.state = State(0, "")
        self._changed = threading.Condition()
        self._pages: dict[str, tuple[Page, ...]] = {}  # by the document's digest

    def rebuild(self, templates_saved: bool = False) -> State:
        attempts = TEMPLATE_RETRIES if templates_saved else 1
        for attempt in range(1, attempts + 1):
            try:
                report = build(self.project, self.options)
            except RencontresError as error:
                if attempt < attempts and _about_templates(error, self.project):
                    time.sleep(RETRY_SECONDS)
                    continue
                return self._publish(documents=self.state.documents,
                                     problems=tuple(map(str, error.problems)),
                                     summary=f"{error.title} : les documents montrés sont "
                                             "ceux de la construction précédente.")
            break
        jobs = [job for job in report.built + report.up_to_date]
        problems = tuple(str(problem) for _, error in report.failed
                         for problem in error.problems)
        summary = self.summarize(report)

        def shown_so_far(documents: tuple[ShownDocument, ...]) -> None:
            self._publish(documents=documents, problems=problems,
                          warnings=tuple(report.warnings), summary=summary)

        documents, as_text = self._show(jobs, shown_so_far)
        return self._publish(documents=documents, problems=problems,
                             warnings=tuple(report.warnings), summary=summary, as_text=as_text)

    def _publish(self, *, documents: tuple[ShownDocument, ...], problems: tuple[str, ...],
                 summary: str, warnings: tuple[str, ...] = (),
                 as_text: str | None = None) -> State:
        with self._changed:
            self.state = State(self.state.version + 1,
                               datetime.datetime.now().strftime("%H:%M:%S"), documents,
                               problems, warnings, summary, as_text)
            self._changed.notify_all()
            return self.state

    def wait(self, version: int, timeout: float) -> State:
        """The state once it is newer than `version`, or as it is after `timeout`."""
        with self._changed:
            self._changed.wait_for(lambda: self.state.version != version, timeout)
            return self.state

    def _show(self, jobs: list[DocumentJob],
              shown_so_far: Callable[[tuple[ShownDocument, ...]], None]
              ) -> tuple[tuple[ShownDocument, ...], str | None]:
        """The documents to show; while they are converted one after the other (the
        comptes-rendus first, the synthesis last), each new document's pages are shown
        as soon as they are drawn, beside the others' previous ones."""
        order = sorted(jobs, key=lambda job: (job.territory_id is None, job.label))
        digests = {job: hashlib.sha256(job.output.read_bytes()).hexdigest() for job in order}
        as_text = _why_text()
        todo = [job for job in order if digests[job] not in self._pages]
        previous = {document.name: document for document in self.state.documents}
        if as_text is None and todo:
            try:
                # One after the other only when LibreOffice is kept running: started
                # for each conversion, it converts a batch faster.
                batches = [[job] for job in todo] if pdf.keeping() else [todo]
                for number, batch in enumerate(batches, 1):
                    self._pages.update(_page_images({digests[job]: job.output for job in batch}))
                    if number < len(batches):
                        shown_so_far(tuple(
                            ShownDocument(other.label, other.title, self._pages[digests[other]])
                            if digests[other] in self._pages else previous[other.label]
                            for other in order
                            if digests[other] in self._pages or other.label in previous))
            except OutputError as error:
                as_text = "; ".join(problem.message for problem in error.problems)
        if as_text is not None:
            pages: dict[DocumentJob, tuple[Page, ...]] = {
                job: (Page(None, _document_text(job.output)),) for job in order}
        else:
            pages = {job: self._pages[digests[job]] for job in order}
        # Only the current documents' images are kept: an image still being sent belongs
        # to the state its request read, which holds it until the answer is written.
        current = set(digests.values())
        self._pages = {digest: shown for digest, shown in self._pages.items()
                       if digest in current}
        return tuple(ShownDocument(job.label, job.title, pages[job]) for job in order), as_text


def _about_templates(error: RencontresError, project: Project) -> bool:
    templates = project.templates_dir.name
    return any(Path(problem.file).parts[:1] == (templates,)
               or templates in Path(problem.file).parts for problem in error.problems)


def _why_text() -> str | None:
    if pdf.find_libreoffice() is None:
        return "LibreOffice est introuvable : aperçu en texte (installez LibreOffice " \
               "pour voir les pages)"
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        return "pdftoppm est introuvable (paquet poppler-utils) : aperçu en texte"
    return None


def _page_images(documents: dict[str, Path]) -> dict[str, tuple[Page, ...]]:
    """Each document's pages as PNG images, with their text (the image's description).
    The documents' pages are drawn and read at the same time: poppler's programs wait on
    nothing but themselves."""
    with tempfile.TemporaryDirectory(prefix="apercu-") as work:
        folder = Path(work)
        converted = pdf.convert(list(documents.values()), folder, datetime.date.today())
        for digest, document in documents.items():
            (folder / f"{digest}.pdf").write_bytes(converted[document])
        with ThreadPoolExecutor(max_workers=2 * len(documents) or 1) as pool:
            drawn = [pool.submit(subprocess.run, ["pdftoppm", "-png", "-r", str(PAGE_RESOLUTION),
                                                  str(folder / f"{digest}.pdf"), str(folder / digest)],
                                 check=True, capture_output=True) for digest in documents]
            read = {digest: pool.submit(subprocess.run, ["pdftotext", "-layout",
                                                         str(folder / f"{digest}.pdf"), "-"],
                                        check=True, capture_output=True) for digest in documents}
            for done in drawn:
                done.result()
            texts = {digest: found.result().stdout.decode("utf-8", "replace")
                     for digest, found in read.items()}
        pages = {}
        for digest in documents:
            images = sorted(folder.glob(f"{digest}-*.png"),
                            key=lambda path: int(path.stem.rpartition("-")[2]))
            words = texts[digest].split("\f")
            pages[digest] = tuple(
                Page(image.read_bytes(), " ".join((words[i] if i < len(words) else "").split()))
                for i, image in enumerate(images))
        return pages


def _document_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


# --- the page ------------------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Aperçu — Rencontres territoriales de la MOT</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; background: #eef0f3; color: #1d2430; }}
header {{ background: #1d3b6e; color: white; padding: .6rem 1.2rem; }}
header h1 {{ font-size: 1.2rem; margin: 0; }}
main {{ padding: 1rem 1.2rem; }}
.problemes {{ background: #fff4f2; border-left: .4rem solid #c0392b; padding: .5rem 1rem; }}
.problemes li {{ font-family: ui-monospace, monospace; margin: .2rem 0; }}
.avertissements {{ background: #fffbea; border-left: .4rem solid #d4a017; padding: .5rem 1rem; }}
.ok {{ border-left: .4rem solid #2e8540; background: white; padding: .5rem 1rem; }}
article {{ margin: 1.5rem 0; }}
.pages {{ display: flex; flex-wrap: wrap; gap: 1rem; }}
.pages img {{ width: 30rem; max-width: 100%; background: white;
             box-shadow: 0 1px 4px rgba(0,0,0,.25); }}
pre {{ background: white; padding: 1rem; white-space: pre-wrap; max-width: 60rem; }}
</style>
</head>
<body>
<header><h1>Aperçu des documents — se met à jour à chaque enregistrement</h1></header>
<main id="contenu">{content}</main>
<script>
const source = new EventSource("/evenements");
source.addEventListener("reconstruit", async () => {{
  const answer = await fetch("/contenu", {{cache: "no-store"}});
  document.getElementById("contenu").innerHTML = await answer.text();
}});
</script>
</body>
</html>
"""


def content_html(state: State) -> str:
    escape = html.escape
    if state.version == 0:
        return "<p>Construction en cours…</p>"
    parts = [f'<p class="etat" data-version="{state.version}">Dernière construction à '
             f"{escape(state.time)} — {escape(state.summary)}</p>"]
    if state.problems:
        count = len(state.problems)
        items = "".join(f"<li>{escape(problem)}</li>" for problem in state.problems)
        parts.append(f'<section class="problemes"><h2>{count} problème'
                     f'{"s" if count > 1 else ""} à corriger</h2><ul>{items}</ul></section>')
    else:
        parts.append('<p class="ok">Aucun problème.</p>')
    if state.warnings:
        items = "".join(f"<li>{escape(warning)}</li>" for warning in state.warnings)
        parts.append(f'<section class="avertissements"><h2>Avertissements</h2>'
                     f"<ul>{items}</ul></section>")
    if state.as_text:
        parts.append(f"<p>{escape(state.as_text)}</p>")
    for index, document in enumerate(state.documents):
        pages = []
        for number, page in enumerate(document.pages, start=1):
            if page.png is None:
                pages.append(f"<pre>{escape(page.text)}</pre>")
            else:
                pages.append(f'<img src="/pages/{state.version}/{index}/{number}.png" '
                             f'alt="Page {number} : {escape(page.text)}">')
        parts.append(f"<article><h2>{escape(document.name)}</h2><p>{escape(document.title)}"
                     f'</p><div class="pages">{"".join(pages)}</div></article>')
    return "\n".join(parts)


# At most 9 digits: a longer number names no page (and Python refuses to read one of
# more than 4 300 digits).
_IMAGE = re.compile(r"/pages/(\d{1,9})/(\d{1,9})/(\d{1,9})\.png")


def allowed_hosts(port: int) -> frozenset[str]:
    """The Host headers of a request typed in this computer's browser: another name
    (a page of another site whose name now points at 127.0.0.1, DNS rebinding) is not."""
    return frozenset(f"{name}:{port}" for name in (HOST, "localhost", "[::1]"))


def refusal(method: str, host: str | None, origin: str | None, port: int) -> str | None:
    """Why a request is refused (a French text), or None: a Host other than this page's
    address, or, for anything but GET, an Origin other than this page."""
    allowed = allowed_hosts(port)
    if (host or "").lower() not in allowed:
        return (f"Accès refusé : l'aperçu ne répond qu'à l'adresse http://{HOST}:{port}/ "
                f"(adresse demandée : « {host or ''} »).")
    if method != "GET" and (origin or "").lower() not in {
            f"http://{address}" for address in allowed}:
        return ("Accès refusé : une autre page ne peut pas envoyer de requête à "
                "l'aperçu.")
    return None


def serve(preview: Preview, port: int) -> ThreadingHTTPServer:
    """The page's server on 127.0.0.1, answering from its own threads; `port` 0: any
    free port (the server's address says which)."""

    class Handler(BaseHTTPRequestHandler):
        def _refused(self) -> bool:
            port = cast("tuple[str, int]", self.server.server_address)[1]
            why = refusal(self.command, self.headers.get("Host"), self.headers.get("Origin"),
                          port)
            if why is None:
                return False
            body = why.encode("utf-8")
            self.send_response(403)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return True

        def _not_allowed(self) -> None:
            if not self._refused():
                self.send_error(405, "methode non permise")

        do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

        def do_GET(self) -> None:
            if self._refused():
                return
            path = urlsplit(self.path).path
            state = preview.state
            if path == "/":
                self._answer("text/html; charset=utf-8",
                             PAGE.format(content=content_html(state)).encode("utf-8"))
            elif path == "/contenu":
                self._answer("text/html; charset=utf-8", content_html(state).encode("utf-8"))
            elif path == "/evenements":
                self._events()
            elif (found := _IMAGE.fullmatch(path)) and self._image(state, *found.groups()):
                return
            else:
                self.send_error(404, "introuvable")

        def _image(self, state: State, version: str, index: str, number: str) -> bool:
            documents = state.documents
            if int(version) != state.version or int(index) >= len(documents):
                return False
            pages = documents[int(index)].pages
            if not 1 <= int(number) <= len(pages):
                return False
            png = pages[int(number) - 1].png
            if png is None:
                return False
            self._answer("image/png", png)
            return True

        def _answer(self, kind: str, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            version = preview.state.version
            try:
                while True:
                    state = preview.wait(version, KEEP_ALIVE_SECONDS)
                    if state.version != version:
                        version = state.version
                        self.wfile.write(f"event: reconstruit\ndata: {version}\n\n".encode())
                    else:
                        self.wfile.write(b": toujours la\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                return  # the page was closed

        def log_message(self, format: str, *args: object) -> None:
            pass  # the terminal shows the builds, not every request

    return start_server(Handler, port, "apercu")


def start_server(handler: type[BaseHTTPRequestHandler], port: int,
                 name: str) -> ThreadingHTTPServer:
    """`handler` served on 127.0.0.1:`port` (0: a free port) by a thread of its own;
    OutputError when the port is taken."""
    try:
        server = ThreadingHTTPServer((HOST, port), handler)
    except OSError as error:
        raise OutputError([Problem("--port", None, None,
                                   f"le port {port} n'est pas libre ({error.strerror}) : "
                                   "relancez avec un autre --port, ou --port 0 pour un port "
                                   "libre")]) from None
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name=name, daemon=True).start()
    return server


SavedFiles = dict[str, tuple[int, int]]


def saved_files(preview: Preview) -> SavedFiles:
    """Each file of content/ and templates/ whose save is a rebuild, with its time and size:
    taken before the first build, so that a save made before the watch starts is seen."""
    found: SavedFiles = {}
    for folder in (preview.project.content_dir, preview.project.templates_dir):
        for path in folder.rglob("*") if folder.is_dir() else ():
            if is_saved_file(str(path)):
                try:
                    status = path.stat()
                except OSError:
                    continue
                found[str(path)] = (status.st_mtime_ns, status.st_size)
    return found


def watch(preview: Preview, on_rebuilt: Callable[[State], None], before: SavedFiles,
          stop: threading.Event | None = None) -> None:
    """Rebuild on every save, until interrupted (Ctrl+C) or `stop` is set. `before`: the
    files as the first build found them; a save between that build's start and the
    watch's is a rebuild too. A watched folder removed and put back (a copy restored) is
    a new folder: every RECHECK_SECONDS the folders are looked at again, and watched anew
    when they changed."""
    import watchfiles

    project = preview.project
    started = False
    while stop is None or not stop.is_set():
        watched = _folders(project)
        folders = [folder for folder, identity in watched.items() if identity is not None]
        if not folders:
            (stop or threading.Event()).wait(RECHECK_SECONDS)  # until one is there again
            continue
        for changes in watchfiles.watch(
                *folders, watch_filter=lambda change, path: is_saved_file(path),
                debounce=300, step=100, rust_timeout=round(RECHECK_SECONDS * 1000),
                yield_on_timeout=True, stop_event=stop):
            if not started:  # the first yield: the watch is on, whatever comes next is seen
                started = True
                now = saved_files(preview)
                changes = changes or {(watchfiles.Change.modified, path)
                                      for path in now.keys() | before.keys()
                                      if now.get(path) != before.get(path)}
            if _folders(project) != watched:
                on_rebuilt(preview.rebuild(templates_saved=True))
                break  # watched anew
            if changes:
                templates = any(path.lower().endswith(".docx") for _, path in changes)
                on_rebuilt(preview.rebuild(templates_saved=templates))


def _folders(project: Project) -> dict[Path, tuple[int, int] | None]:
    """The watched folders, each with its identity (device, inode), None when missing."""
    found: dict[Path, tuple[int, int] | None] = {}
    for folder in (project.content_dir, project.templates_dir):
        try:
            status = folder.stat()
        except OSError:
            found[folder] = None
            continue
        found[folder] = (status.st_dev, status.st_ino) if folder.is_dir() else None
    return found
