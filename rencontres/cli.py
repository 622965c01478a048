"""The command line: the only place that prints errors and picks exit codes."""

from __future__ import annotations

import argparse
import difflib
import os
import re
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn, TextIO

from .errors import (
    DistributionError,
    Problem,
    RencontresError,
    UsageError,
    display_path,
    system_error,
)

# Light imports only, up to the build itself: a build with nothing to do is told
# without the content model, YAML, Jinja or Word (publishing/quick.py).
from .publishing.plan import BuildReport, DocumentJob, Project

if TYPE_CHECKING:  # imported when `apercu` runs only
    from .publishing.preview import State

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

COMMANDS = {
    "construire": ("build",),
    "verifier": ("check", "vérifier"),
    "champs": ("fields",),
    "nouvelle-edition": ("new-edition", "nouvelle-édition"),
    "diffuser": ("distribute",),
    "changements": ("changes",),
    "apercu": ("preview", "aperçu"),
    "saisie": ("entry", "formulaire"),
    "courriels": ("mails", "emails"),
    "envois": ("sent",),
}
DEFAULT_COMMAND = "construire"


class FrenchParser(argparse.ArgumentParser):
    """argparse with its fixed English words in French."""

    # The parser of each command, by its names and aliases (the main parser's only).
    commands: dict[str, FrenchParser]

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "utilisation :", 1)

    def format_help(self) -> str:
        return (super().format_help()
                .replace("usage:", "utilisation :", 1)
                .replace("positional arguments:", "arguments :")
                .replace("options:", "options :")
                .replace("commandes:", "commandes :")
                .replace("show this help message and exit", "affiche cette aide et quitte"))

    def error(self, message: str) -> NoReturn:
        for english, french in (("the following arguments are required:", "argument manquant :"),
                                ("unrecognized arguments:", "arguments non reconnus :"),
                                ("invalid choice:", "choix invalide :"),
                                ("invalid int value:", "nombre entier attendu, reçu"),
                                ("expected one argument", "une valeur est attendue"),
                                ("choose from", "choisir parmi"),
                                ("not allowed with argument", "incompatible avec")):
            message = message.replace(english, french)
        # « argument --jobs: … » as French writes it: a space before the colon.
        message = re.sub(r"^(argument \S+):", r"\1 :", message)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog} : erreur : {message}\n")

    def options(self) -> list[str]:
        """The options this parser knows, as typed: « --pdf », « -q »."""
        return [option for action in self._actions for option in action.option_strings]


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier attendu, reçu « {text} »") from None
    if value < 1:
        raise argparse.ArgumentTypeError("au moins 1")
    return value


def _parser() -> FrenchParser:
    common = FrenchParser(add_help=False)
    common.add_argument("--projet", type=Path, default=None, metavar="DOSSIER",
                        help="dossier du projet (content/, templates/, output/) ; "
                             "par défaut le dossier courant, ou le plus proche au-dessus "
                             "qui contient content/ et templates/")
    parser = FrenchParser(
        prog=_program_name(),
        description="Génère les comptes-rendus et la synthèse des Rencontres territoriales "
                    "de la MOT à partir des fichiers de contenu (content/) et des modèles "
                    "Word (templates/). Sans commande : construire.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE",
                                     parser_class=FrenchParser, title="commandes")
    parser.commands = commands.choices

    build_parser = commands.add_parser(
        "construire", aliases=list(COMMANDS["construire"]), parents=[common],
        help="construit les documents d'une édition (commande par défaut)",
        description="Construit les comptes-rendus et la synthèse d'une édition dans "
                    "output/<année>/ ; un document à jour n'est pas reconstruit.")
    build_parser.add_argument("--edition", type=int, metavar="ANNÉE",
                              help="édition à construire (par défaut la plus récente)")
    build_parser.add_argument("--territoire", action="append", default=[], metavar="ID",
                              help="ne construire que ce territoire (répétable) ; "
                                   "la synthèse n'est alors pas construite")
    build_parser.add_argument("--force", action="store_true",
                              help="reconstruire même les documents à jour")
    build_parser.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1,
                              metavar="N", help="documents construits en parallèle "
                                                "(par défaut : nombre de processeurs)")
    build_parser.add_argument("--pdf", action="store_true",
                              help="convertit aussi les documents en PDF (LibreOffice)")
    build_parser.add_argument("--strict", action="store_true",
                              help="s'arrêter sans rien écrire si un document échoue")
    verbosity = build_parser.add_mutually_exclusive_group()
    verbosity.add_argument("--quiet", "-q", action="store_true",
                           help="n'afficher que les erreurs et les avertissements")
    verbosity.add_argument("--verbose", "-v", action="store_true",
                           help="lister aussi les documents à jour")

    check_parser = commands.add_parser(
        "verifier", aliases=list(COMMANDS["verifier"]), parents=[common],
        help="vérifie le contenu et les modèles Word sans rien écrire",
        description="Vérifie tous les fichiers de contenu et tous les modèles Word, et "
                    "signale tous les problèmes à la fois ; n'écrit rien.")
    check_parser.add_argument("--strict", action="store_true",
                              help="les avertissements d'accessibilité des modèles "
                                   "deviennent des erreurs")

    fields_parser = commands.add_parser(
        "champs", aliases=list(COMMANDS["champs"]), parents=[common],
        help="liste les champs utilisables dans les modèles Word et de courriel",
        description="Affiche, pour chaque modèle (Word, et texte des courriels), la liste "
                    "des champs qu'il peut utiliser, avec leur type et leur description.")
    fields_parser.add_argument("--ecrire", action="store_true",
                               help="écrit aussi la liste dans docs/champs-modeles.md")

    scaffold_parser = commands.add_parser(
        "nouvelle-edition", aliases=list(COMMANDS["nouvelle-edition"]), parents=[common],
        help="prépare les fichiers d'une nouvelle édition à remplir",
        description="Crée content/<année>/ à partir de la dernière édition : même "
                    "structure, chiffres et textes vidés, prêts à remplir.")
    scaffold_parser.add_argument("annee", type=int, metavar="ANNÉE",
                                 help="année de la nouvelle édition, ex. 2022")
    release_parser = commands.add_parser(
        "diffuser", aliases=list(COMMANDS["diffuser"]), parents=[common],
        help="construit toute l'édition avec les PDF et enregistre une diffusion numérotée",
        description="Construit toute l'édition avec les PDF, sans rien écrire si un "
                    "document échoue, puis enregistre la diffusion suivante (v1, v2…) "
                    "dans output/<année>/diffusions/vN/ : le paquet à envoyer et le "
                    "contenu dont il est fait.")
    release_parser.add_argument("--edition", type=int, metavar="ANNÉE",
                                help="édition à diffuser (par défaut la plus récente)")
    release_parser.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1,
                                metavar="N", help="documents construits en parallèle "
                                                  "(par défaut : nombre de processeurs)")
    release_parser.add_argument("--provisoire", action="store_true",
                                help="diffuser une édition provisoire (Rencontres à venir, "
                                     "comptes-rendus en brouillon) ; son paquet le dit")

    changes_parser = commands.add_parser(
        "changements", aliases=list(COMMANDS["changements"]), parents=[common],
        help="dit ce qui a changé, document par document, depuis la dernière diffusion",
        description="Compare le contenu actuel à celui de la dernière diffusion et dit, "
                    "pour chaque document, ce qui a changé ; l'écrit aussi dans "
                    "output/<année>/modifications-vN.txt, que la diffusion suivante "
                    "joint au paquet.")
    changes_parser.add_argument("--edition", type=int, metavar="ANNÉE",
                                help="édition à comparer (par défaut la plus récente)")
    preview_parser = commands.add_parser(
        "apercu", aliases=list(COMMANDS["apercu"]), parents=[common],
        help="reconstruit à chaque enregistrement et montre les documents dans le "
             "navigateur",
        description="Construit l'édition, puis la reconstruit à chaque enregistrement "
                    "d'un fichier de contenu ou d'un modèle, et montre sur une page web "
                    "locale les pages des documents et les problèmes de la dernière "
                    "construction. Ctrl+C pour arrêter.")
    preview_parser.add_argument("--edition", type=int, metavar="ANNÉE",
                                help="édition à montrer (par défaut la plus récente)")
    preview_parser.add_argument("--territoire", action="append", default=[], metavar="ID",
                                help="ne montrer que le compte-rendu de ce territoire "
                                     "(répétable)")
    preview_parser.add_argument("--port", type=_port, default=8000, metavar="PORT",
                                help="port de la page, sur 127.0.0.1 (par défaut 8000 ; "
                                     "0 : un port libre)")
    preview_parser.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1,
                                metavar="N", help="documents construits en parallèle "
                                                  "(par défaut : nombre de processeurs)")
    entry_parser = commands.add_parser(
        "saisie", aliases=list(COMMANDS["saisie"]), parents=[common],
        help="formulaire dans le navigateur pour remplir les fichiers de contenu",
        description="Sert sur une page web locale (127.0.0.1) un formulaire pour chaque "
                    "fichier d'une édition : l'édition, chaque territoire et la synthèse. "
                    "Chaque modification est vérifiée pendant la saisie ; « Enregistrer » "
                    "écrit le fichier YAML en gardant ses commentaires. L'aperçu des "
                    "documents tourne à côté, mis à jour à chaque enregistrement. "
                    "Ctrl+C pour arrêter.")
    entry_parser.add_argument("--port", type=_port, default=8001, metavar="PORT",
                              help="port du formulaire, sur 127.0.0.1 (par défaut 8001 ; "
                                   "0 : un port libre)")
    entry_parser.add_argument("--port-apercu", type=_port, default=8000, metavar="PORT",
                              help="port de l'aperçu (par défaut 8000 ; 0 : un port libre)")
    entry_parser.add_argument("--edition", type=int, metavar="ANNÉE",
                              help="édition que montre l'aperçu (par défaut la plus récente)")
    entry_parser.add_argument("--sans-apercu", action="store_true",
                              help="ne pas construire ni montrer les documents")
    entry_parser.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1,
                              metavar="N", help="documents construits en parallèle "
                                                "(par défaut : nombre de processeurs)")
    mails_parser = commands.add_parser(
        "courriels", aliases=list(COMMANDS["courriels"]), parents=[common],
        help="prépare (ou envoie) les courriels d'une diffusion, un par destinataire",
        description="Écrit un courriel par destinataire de la liste, avec en pièces "
                    "jointes les comptes-rendus des territoires qu'il suit et la synthèse "
                    "de la dernière diffusion, dans output/<année>/diffusions/vN/courriels/ "
                    "(fichiers .eml à ouvrir dans Outlook ou Thunderbird). À partir de la "
                    "v2, seulement à ceux dont les documents ont changé, avec ce qui a "
                    "changé. Avec --envoyer, les envoie par le serveur SMTP des réglages.")
    mails_parser.add_argument("--destinataires", type=Path, required=True, metavar="FICHIER",
                              help="liste des destinataires (CSV : nom, courriel, "
                                   "organisation, territoires), rangée hors du projet")
    mails_parser.add_argument("--edition", type=int, metavar="ANNÉE",
                              help="édition (par défaut la plus récente)")
    mails_parser.add_argument("--version", type=_positive, metavar="N",
                              help="diffusion dont envoyer les documents (par défaut la "
                                   "dernière)")
    mails_parser.add_argument("--reglages", type=Path, default=None, metavar="FICHIER",
                              help="réglages des courriels (par défaut courriels.yaml dans "
                                   "le dossier du projet)")
    mails_parser.add_argument("--envoyer", action="store_true",
                              help="envoie les courriels par SMTP ; une reprise n'envoie "
                                   "jamais deux fois le même")
    mails_parser.add_argument("--renvoyer", action="append", default=[], metavar="ADRESSE",
                              help="renvoie à cette adresse un courriel dont l'envoi est "
                                   "resté incertain (répétable)")
    sent_parser = commands.add_parser(
        "envois", aliases=list(COMMANDS["envois"]), parents=[common],
        help="dit qui a reçu quelle version des documents",
        description="Lit les journaux des diffusions et dit, pour chaque destinataire, "
                    "quelle version il a reçue, quand, et avec quels fichiers.")
    sent_parser.add_argument("--edition", type=int, metavar="ANNÉE",
                             help="édition (par défaut la plus récente)")
    return parser


def _refuse_unknown(parser: FrenchParser, command: str, unknown: list[str],
                    implied: bool) -> NoReturn:
    """Stop on what no option of `command` is, naming the nearest option or command."""
    if implied and not unknown[0].startswith("-"):  # « python build.py verfier »
        names = [*COMMANDS, *(alias for aliases in COMMANDS.values() for alias in aliases)]
        near = difflib.get_close_matches(unknown[0], names, n=1)
        parser.error(f"commande inconnue : {unknown[0]}\n" + (
            f"Vouliez-vous dire {near[0]} ?" if near
            else f"Les commandes : {', '.join(COMMANDS)}."))
    command_parser = parser.commands[command]
    hints = [f"\nVouliez-vous dire {near[0]} ?" for word in unknown if word.startswith("-")
             if (near := difflib.get_close_matches(word.split("=")[0], command_parser.options(),
                                                   n=1))]
    command_parser.error(f"arguments non reconnus : {' '.join(unknown)}{''.join(hints)}")


def _outside_project_hint(project: Project, given: Path | None) -> str | None:
    """How to point a command at its project, when the folder it looked in is none."""
    if project.content_dir.is_dir() or project.templates_dir.is_dir():
        return None
    if given is not None:
        return (f"« {display_path(project.root)} » n'est pas le dossier d'un projet : il ne "
                "contient ni content/ ni templates/. Indiquez le dossier du projet avec "
                "--projet DOSSIER.")
    return ("Aucun projet ici : ni ce dossier ni ceux au-dessus ne contiennent content/ et "
            "templates/. Placez-vous dans le dossier du projet (cd DOSSIER) puis relancez, "
            "ou indiquez-le avec --projet DOSSIER.")


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier attendu, reçu « {text} »") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("un port va de 0 à 65535")
    return value


def _program_name() -> str:
    """How the user typed the command, for the usage line: the installed script, or
    `python build.py` (also what `python -m rencontres` stands for)."""
    return "rencontres" if Path(sys.argv[0]).stem == "rencontres" else "python build.py"


def project_root(start: Path) -> Path:
    """The project a command is typed in: `start` when it holds content/ or templates/,
    else the nearest folder above it that holds both (« rencontres verifier » typed in
    content/2021/territoires/ checks the whole project), else `start` itself, whose
    messages then say what is missing."""
    if (start / "content").is_dir() or (start / "templates").is_dir():
        return start
    for folder in start.resolve().parents:
        if (folder / "content").is_dir() and (folder / "templates").is_dir():
            return folder
    return start


def _with_default_command(argv: list[str]) -> list[str]:
    """`python build.py --pdf` means `python build.py construire --pdf`; `--projet X`
    may come before the command as well as after it."""
    before: list[str] = []
    while argv and (argv[0] == "--projet" or argv[0].startswith("--projet=")):
        taken = 1 if "=" in argv[0] else 2
        before, argv = before + argv[:taken], argv[taken:]
    known = set(COMMANDS) | {alias for aliases in COMMANDS.values() for alias in aliases}
    if not argv or (argv[0] not in known and argv[0] not in ("-h", "--help")):
        return [DEFAULT_COMMAND, *before, *argv]
    return [argv[0], *before, *argv[1:]]


def _canonical(command: str) -> str:
    return next(name for name, aliases in COMMANDS.items()
                if command == name or command in aliases)


# The interrupting signals received by this run (main() starts with none): an interrupt
# can surface as another exception, with nothing left of it to see.
_signalled: list[int] = []


def _interrupt_on_signals() -> None:
    """SIGTERM (a closed terminal, a stopped service) ends the build like Ctrl-C:
    temporary files are removed and every previous output stays intact. Both are
    recorded as they come (_interrupted)."""
    main_process = os.getpid()
    _signalled.clear()

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != main_process:
            # A worker forked before it could restore the default action: it ends
            # as that action would, and leaves the reporting to the main process.
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        _signalled.append(signum)
        raise KeyboardInterrupt

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        _signalled.append(signum)
        raise KeyboardInterrupt  # what Python's own handler does

    signal.signal(signal.SIGTERM, on_sigterm)
    signal.signal(signal.SIGINT, on_sigint)


def _interrupted(error: BaseException | None) -> bool:
    """Whether an interrupt caused `error`. Python wraps one raised while a class is
    created (« Error calling __set_name__ », as when matplotlib is being imported), and
    pydantic's core turns one raised while it builds a model's validator into its own
    SchemaError, without a cause: a signal received is enough."""
    if _signalled:
        return True
    while error is not None:
        if isinstance(error, KeyboardInterrupt):
            return True
        error = error.__cause__ or error.__context__
    return False


def main(argv: list[str] | None = None) -> int:
    _interrupt_on_signals()
    _standard_streams()
    for stream in (sys.stdout, sys.stderr):
        # A terminal that cannot show « é » (PYTHONIOENCODING=ascii, a Latin-9 console)
        # shows « ? » rather than a traceback.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        os.getcwd()
    except OSError:
        print("Le dossier courant n'existe plus : placez-vous dans le dossier du projet "
              "puis relancez.", file=sys.stderr)
        return EXIT_FAILED
    try:
        code = _run(argv)
        sys.stdout.flush()
    except OSError as error:  # what is printed has nowhere to go: a closed pipe, /dev/full
        # Later writes, and the one at exit, go nowhere instead of failing again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if isinstance(error, BrokenPipeError):
            return EXIT_OK  # `… | head`: the reader had what it wanted
        print(f"Affichage impossible : {system_error(error)}", file=sys.stderr)
        return EXIT_FAILED
    return code


def _standard_streams() -> None:
    """A standard stream the caller closed (`python build.py >&-`) becomes the null
    device: Python leaves sys.stdout None (its flush failed), and the first file the
    build opened would take its descriptor, where LibreOffice would then write."""
    for descriptor, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(descriptor)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != descriptor:
                os.dup2(null, descriptor)
                os.close(null)
        if getattr(sys, name) is None:
            setattr(sys, name, open(descriptor, "r" if descriptor == 0 else "w",  # noqa: SIM115 - the process's own stream, open until it ends
                                    encoding="utf-8", errors="replace", closefd=False))


def _run(argv: list[str] | None) -> int:
    given = sys.argv[1:] if argv is None else list(argv)
    parser = _parser()
    with_command = _with_default_command(given)
    arguments, unknown = parser.parse_known_args(with_command)
    if unknown:
        _refuse_unknown(parser, arguments.command, unknown,
                        implied=len(with_command) > len(given))
    project = Project(arguments.projet or project_root(Path(".")))
    command = _canonical(arguments.command)
    try:
        if command == "construire":
            return _build(project, arguments)
        if command == "verifier":
            return _check(project, arguments.strict)
        if command == "champs":
            return _fields(project, arguments.ecrire)
        if command == "diffuser":
            return _distribute(project, arguments)
        if command == "changements":
            return _changes(project, arguments.edition)
        if command == "apercu":
            return _preview(project, arguments)
        if command == "saisie":
            return _entry(project, arguments)
        if command == "courriels":
            return _mails(project, arguments)
        if command == "envois":
            return _receipts(project, arguments.edition)
        return _new_edition(project, arguments.annee)
    except RencontresError as error:
        print(error.report(), file=sys.stderr)
        if command == "construire" or (command == "diffuser"
                                       and not isinstance(error, DistributionError)):
            print(_what_was_written(error.written), file=sys.stderr)
        hint = _outside_project_hint(project, arguments.projet)
        if hint is not None:
            print(hint, file=sys.stderr)
        return EXIT_USAGE if isinstance(error, UsageError) else EXIT_FAILED
    except BaseException as error:
        if not _interrupted(error):
            raise
        print("\nInterrompu : les documents déjà présents sont intacts.", file=sys.stderr)
        return EXIT_INTERRUPTED


def _what_was_written(written: tuple[Path, ...]) -> str:
    if not written:
        return "Aucun document n'a été écrit ; les documents déjà présents sont intacts."
    names = ", ".join(display_path(path) for path in written)
    return (f"Écrit avant l'erreur : {names} ; les autres fichiers déjà présents sont "
            "intacts.")


class Progress:
    """« [3/10] compte-rendu-2021-ardennes.docx » on one line, only on a terminal. Each
    line is written over the last one with spaces, not an escape code: the Windows
    console shows those as they are."""

    def __init__(self, stream: TextIO, enabled: bool):
        self.stream = stream
        self.enabled = enabled and stream.isatty()
        self.total = 0
        self.done = 0
        self.width = 0  # of the line shown

    def start(self, total: int) -> None:
        self.total = total
        self.enabled = self.enabled and total > 1

    def advance(self, job: DocumentJob) -> None:
        self.done += 1
        if self.enabled:
            self._show(f"[{self.done}/{self.total}] {job.label}")

    def _show(self, text: str) -> None:
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def close(self) -> None:
        if self.enabled and self.done:
            self._show("")
            self.stream.write("\r")
            self.stream.flush()


def _build(project: Project, arguments: argparse.Namespace) -> int:
    from .publishing import quick

    key = quick.options_key(arguments.edition, arguments.territoire, arguments.pdf,
                            arguments.strict)
    report = None if arguments.force else quick.nothing_to_do(project, key, arguments.pdf)
    if report is None:
        report = _full_build(project, arguments)
    _print_report(report, arguments.quiet, arguments.verbose)
    return EXIT_FAILED if report.failed else EXIT_OK


def _full_build(project: Project, arguments: argparse.Namespace) -> BuildReport:
    from .publishing.pipeline import BuildOptions, build

    options = BuildOptions(year=arguments.edition, territories=tuple(arguments.territoire),
                           force=arguments.force, workers=arguments.jobs, pdf=arguments.pdf,
                           strict=arguments.strict)
    progress = Progress(sys.stderr, enabled=not arguments.quiet)
    try:
        return build(project, options, progress=progress.advance, on_start=progress.start)
    finally:
        progress.close()


def _distribute(project: Project, arguments: argparse.Namespace) -> int:
    from .publishing.pipeline import BuildOptions
    from .publishing.releases import distribute, modifications_name

    progress = Progress(sys.stderr, enabled=True)
    try:
        done = distribute(project, BuildOptions(year=arguments.edition,
                                                workers=arguments.jobs),
                          progress=progress.advance, on_start=progress.start,
                          provisional=arguments.provisoire)
    finally:
        progress.close()
    _print_report(done.report, quiet=False, verbose=False)
    release = done.distribution
    joined = f" (avec {modifications_name(release.version)})" if done.changes else ""
    kind = " provisoire" if done.provisional else ""
    print(f"Diffusion{kind} v{release.version} de l'édition {release.year} enregistrée : "
          f"{display_path(release.package)}{joined}")
    print("C'est le paquet à envoyer aux membres.")
    return EXIT_OK


def _preview(project: Project, arguments: argparse.Namespace) -> int:
    from .publishing.kept_office import kept_running
    from .publishing.pipeline import BuildOptions
    from .publishing.preview import Preview, saved_files, serve, watch

    options = BuildOptions(year=arguments.edition, territories=tuple(arguments.territoire),
                           workers=arguments.jobs)
    preview = Preview(project, options, summarize=summary)
    server = serve(preview, arguments.port)
    try:
        print(f"Aperçu : http://127.0.0.1:{server.server_address[1]}/ "
              "(ouvrez cette adresse dans le navigateur ; Ctrl+C pour arrêter)", flush=True)
        with kept_running():  # pages shown a second or two after each save, not five
            before = saved_files(preview)
            _show_rebuilt(preview.rebuild())
            watch(preview, _show_rebuilt, before)
    except KeyboardInterrupt:
        print("Aperçu arrêté.")
    finally:
        server.shutdown()
    return EXIT_OK


def _entry(project: Project, arguments: argparse.Namespace) -> int:
    from .publishing.entry_form import EntrySession
    from .publishing.entry_form import serve as serve_form
    from .publishing.kept_office import kept_running
    from .publishing.pipeline import BuildOptions
    from .publishing.preview import Preview, saved_files, serve, watch

    session = EntrySession(project.content_dir.resolve())
    preview = None
    if not arguments.sans_apercu:
        preview = Preview(project, BuildOptions(year=arguments.edition, workers=arguments.jobs),
                          summarize=summary)
        shown = serve(preview, arguments.port_apercu)
        session.preview_address = f"http://127.0.0.1:{shown.server_address[1]}/"
    form = serve_form(session, arguments.port)
    try:
        print(f"Saisie : http://127.0.0.1:{form.server_address[1]}/ (ouvrez cette adresse "
              "dans le navigateur ; Ctrl+C pour arrêter)", flush=True)
        if preview is None:
            threading.Event().wait()
        else:
            print(f"Aperçu : {session.preview_address}", flush=True)
            with kept_running():
                before = saved_files(preview)
                _show_rebuilt(preview.rebuild())
                watch(preview, _show_rebuilt, before)
    except KeyboardInterrupt:
        print("Saisie arrêtée.")
    finally:
        form.shutdown()
        if preview is not None:
            shown.shutdown()
    return EXIT_OK


def _show_rebuilt(state: State) -> None:
    problems = len(state.problems)
    told = state.summary
    if problems:  # one sentence: « …précédente ; 1 problème (voir la page). »
        told = (f"{told.removesuffix('.')} ; {problems} problème{'s' if problems > 1 else ''} "
                "(voir la page).")
    print(f"[{state.time}] {told}", flush=True)


def _changes(project: Project, year: int | None) -> int:
    from .publishing.releases import changes_since_last, modifications_name

    found = changes_since_last(project, year)
    print(found.changes.text(), end="", flush=True)
    if found.written is None:
        print(f"Rien n'est écrit : sans modification, pas de "
              f"{modifications_name(found.version)} à joindre à une diffusion.",
              file=sys.stderr)
    else:
        print(f"Écrit : {display_path(found.written)} (joint au paquet de la diffusion "
              f"v{found.version})", file=sys.stderr)
    return EXIT_OK


def _edition_year(project: Project, year: int | None) -> int:
    from .content.loading import edition_years

    years = edition_years(project.content_dir)
    if year is not None or not years:
        if year not in years:
            raise UsageError([Problem(display_path(project.content_dir), None, None,
                                      f"édition {year} introuvable (éditions : "
                                      f"{', '.join(map(str, years)) or 'aucune'})")])
        return year
    return max(years)


def _mails(project: Project, arguments: argparse.Namespace) -> int:
    import getpass

    from .publishing import mail_journal
    from .publishing.mail_template import mail_templates
    from .publishing.mails import Mail, compose, distribution_to_mail, snapshot, write_drafts
    from .publishing.recipients import (
        inside_project_warning,
        read_recipients,
        refuse_if_sent_or_archived,
    )
    from .publishing.sending import SETTINGS, password_reader, read_settings, send, size_warnings

    refuse_if_sent_or_archived(project, arguments.destinataires)
    warning = inside_project_warning(project, arguments.destinataires)
    if warning is not None:
        print(f"Avertissement : {warning}", file=sys.stderr)
    settings = read_settings(arguments.reglages or project.root / SETTINGS)
    templates = mail_templates(project)
    distribution = distribution_to_mail(project, _edition_year(project, arguments.edition),
                                        arguments.version)
    content = snapshot(distribution)
    recipients = read_recipients(arguments.destinataires,
                                 {t.id: t.name for t in content.referentiel.territories})
    mailing = compose(project, distribution, content, recipients, templates, settings.sender)
    for warning in size_warnings(mailing, settings):
        print(f"Avertissement : {warning}", file=sys.stderr)
    described = f"Diffusion v{distribution.version} de l'édition {distribution.year}"
    if mailing.unchanged:
        print(f"Rien de nouveau depuis la version qu'ils ont reçue : "
              f"{', '.join(r.address for r in mailing.unchanged)}")
    if not arguments.envoyer:
        folder = write_drafts(mailing, settings.sender)
        for mail in mailing.mails:
            print(f"Préparé : {mail.recipient.address} ({', '.join(mail.files)})")
        print(f"{described} : {_count(len(mailing.mails), 'courriel préparé', 'courriels préparés')} dans "
              f"{display_path(folder)}. Ouvrez chaque fichier .eml dans Outlook ou "
              "Thunderbird pour l'envoyer, ou envoyez-les tous avec --envoyer.")
        return EXIT_OK

    def told(outcome: str, mail: Mail) -> None:
        print(f"{outcome.capitalize()} : {mail.recipient.address} (v{mail.version} : "
              f"{', '.join(mail.files)})", flush=True)

    try:
        report = send(mailing, settings, password_reader(settings.user, getpass.getpass),
                      {address.lower() for address in arguments.renvoyer}, told)
    except KeyboardInterrupt:
        print("\nInterrompu : relancez la même commande, l'envoi reprendra où il s'est "
              "arrêté sans rien envoyer deux fois.", file=sys.stderr)
        return EXIT_INTERRUPTED
    for mail, reason in report.refused:
        print(f"Refusé par le serveur : {mail.recipient.address} ({reason}) : corrigez "
              "l'adresse dans la liste, puis relancez la même commande", file=sys.stderr)
    for mail in report.uncertain:
        print(f"Envoi incertain : {mail.recipient.address} : l'envoi s'est arrêté pendant "
              "que le message partait ; vérifiez auprès du destinataire ou dans les "
              "messages envoyés, puis, s'il ne l'a pas reçu, relancez avec --renvoyer "
              f"{mail.recipient.address}", file=sys.stderr)
    parts = [_count(len(report.sent), "envoyé", "envoyés"),
             _count(len(report.already), "déjà envoyé", "déjà envoyés")]
    if report.refused:
        parts.append(_count(len(report.refused), "refusé", "refusés"))
    if report.uncertain:
        parts.append(_count(len(report.uncertain), "incertain", "incertains"))
    print(f"{described} : {', '.join(parts)}. Journal : "
          f"{display_path(distribution.folder / mail_journal.JOURNAL)}")
    return EXIT_FAILED if report.refused or report.uncertain else EXIT_OK


def _count(count: int, singular: str, plural_form: str) -> str:
    from .documents.french import plural

    return plural(count, singular, plural_form)


def _receipts(project: Project, year: int | None) -> int:
    from .publishing.receipts import receipts

    year = _edition_year(project, year)
    found = receipts(project, year)
    if not found:
        print(f"Aucun courriel préparé ni envoyé pour l'édition {year}.")
        return EXIT_OK
    print(f"Envois de l'édition {year}")
    for address, (name, told) in sorted(found.items()):
        print(f"{name} <{address}>" if name else address)
        for receipt in told:
            print(f"  {receipt.text()}")
    return EXIT_OK


def _print_report(report: BuildReport, quiet: bool, verbose: bool) -> None:
    for warning in report.warnings:
        print(f"Avertissement : {warning}", file=sys.stderr)
    for job, error in report.failed:
        # A failed document is not written: a file in its place is the previous version.
        kept = ("version précédente conservée, hors du paquet" if job.output.is_file()
                else "pas de version précédente : aucun document écrit")
        print(f"Échec : {display_path(job.output)} ({kept})\n" + error.report(),
              file=sys.stderr)
    if quiet:
        return
    for job in report.built:
        print(f"Construit : {display_path(job.output)}")
    for path in report.extras:
        print(f"Écrit : {display_path(path)}")
    if verbose:
        for job in report.up_to_date:
            print(f"À jour : {display_path(job.output)}")
    for reason, names in skipped_by_reason(report).items():
        print(f"Ignoré ({reason}) : {', '.join(names)}")
    print(summary(report))


def skipped_by_reason(report: BuildReport) -> dict[str, list[str]]:
    """One line per reason: « Ignoré (chiffres seulement…) : Ardennes, Grande Région »."""
    grouped: dict[str, list[str]] = {}
    for name, reason in report.skipped:
        grouped.setdefault(reason, []).append(name)
    return grouped


def summary(report: BuildReport) -> str:
    from .documents.french import plural

    parts = [plural(len(report.built), "document construit", "documents construits"),
             plural(len(report.up_to_date), "à jour", "à jour"),
             plural(len(report.skipped), "ignoré", "ignorés")]
    if report.failed:
        parts.append(plural(len(report.failed), "en échec", "en échec"))
    if report.warnings:
        parts.append(plural(len(report.warnings), "avertissement"))
    text = "Résumé : " + ", ".join(parts) + "."
    if not report.built and not report.failed and not report.extras:
        text += " Rien à reconstruire."
    return text


def _check(project: Project, strict: bool) -> int:
    from .publishing.checking import check_project

    checked = check_project(project, strict)
    for warning in checked.warnings:
        print(f"Avertissement : {warning}", file=sys.stderr)
    print(f"Contenu et modèles valides : {checked.summary}.")
    return EXIT_OK


def _fields(project: Project, write: bool) -> int:
    from .publishing.mail_template import mail_fields_markdown
    from .word.fields import FIELDS_DOC, fields_markdown

    text = fields_markdown() + "\n" + mail_fields_markdown()
    # Flushed before a line goes to stderr: where both streams end up in the same place
    # (a pipe, a log), « Écrit : … » comes after the list, on its own line.
    print(text, end="", flush=True)
    if write:
        from .publishing.output import write_atomic

        target = project.root / FIELDS_DOC
        write_atomic(target, text.encode("utf-8"))
        print(f"Écrit : {display_path(target)}", file=sys.stderr)
    return EXIT_OK


def _new_edition(project: Project, year: int) -> int:
    from .content.scaffold import new_edition_files
    from .documents.french import join_words
    from .publishing.output import write_new_folder

    scaffold = new_edition_files(project.content_dir, year)
    write_new_folder(project.content_dir / str(year),
                     {path: text.encode("utf-8") for path, text in scaffold.files.items()})
    for path in scaffold.files:
        print(f"Créé : {display_path(path)}")
    print(f"Édition {year} prête à remplir (préparée à partir de {scaffold.source}) : "
          f"complétez les fichiers puis lancez « python build.py verifier ».")
    if scaffold.later:
        later = join_words([str(y) for y in scaffold.later])
        print(f"Les éditions suivantes ({later}) se comparent désormais à {year} et en suivent "
              f"les suggestions : elles ne se construisent qu'une fois ses fichiers remplis, "
              "et leurs documents sont alors reconstruits.")
    if scaffold.skipped:
        missing = join_words([str(y) for y in scaffold.skipped])
        print(f"Pas d'édition saisie pour {missing} : une édition qui a eu lieu se prépare "
              f"de même (« python build.py nouvelle-edition {scaffold.skipped[0]} »).")
    return EXIT_OK
