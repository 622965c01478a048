"""Mails sent over SMTP, resumed where a send stopped, never twice (see mail_journal),
and the settings they are sent with (`courriels.yaml`: never a password)."""

from __future__ import annotations

import difflib
import os
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

import yaml

from ..errors import MailError, Problem, display_path, system_error
from . import mail_journal
from .lock import try_lock, unlock
from .mail_journal import HANDED, PLANNED, REFUSED, SENT, Entry
from .mails import Mail, Mailing, ascii_address
from .output import open_regular, read_file

SETTINGS = "courriels.yaml"
PASSWORD_VARIABLE = "RENCONTRES_SMTP_MOT_DE_PASSE"
DEFAULT_LIMIT_MB = 10
KEYS = ("expediteur", "serveur", "port", "starttls", "utilisateur", "taille_maximale_mo")
TIMEOUT = 60  # seconds without an answer from the server
LOCK = ".verrou-courriels"


@dataclass(frozen=True)
class MailSettings:
    sender: str          # « Nom <adresse> »
    host: str | None
    port: int
    starttls: bool
    user: str | None
    size_limit: int      # bytes of attachments above which a mail is said too big
    path: Path           # the settings file, named in messages


def read_settings(path: Path) -> MailSettings:
    shown = display_path(path)

    def problem(message: str) -> MailError:
        return MailError([Problem(shown, None, None, message)])

    try:
        data = yaml.safe_load(read_file(path, 100_000).decode("utf-8"))
    except FileNotFoundError:
        raise problem("réglages des courriels introuvables : créez ce fichier (expéditeur, "
                      "serveur ; voir docs/courriels.md), ou indiquez-le avec --reglages "
                      "FICHIER") from None
    except OSError as error:
        raise problem(f"lecture impossible : {system_error(error)}") from None
    except (UnicodeDecodeError, yaml.YAMLError):
        raise problem("réglages illisibles : un fichier YAML en UTF-8 est attendu") from None
    if not isinstance(data, dict):
        raise problem("réglages illisibles : des lignes « clé: valeur » sont attendues")
    problems = []
    for key in data:
        if str(key) in ("mot_de_passe", "password", "motdepasse"):
            problems.append(f"« {key} » : le mot de passe ne s'écrit jamais dans un fichier ; "
                            f"retirez-le, puis donnez-le dans la variable {PASSWORD_VARIABLE} "
                            "ou tapez-le quand la commande le demande")
        elif str(key) not in KEYS:
            near = difflib.get_close_matches(str(key), KEYS, n=1)
            problems.append(f"réglage « {key} » inconnu" + (
                f" (vouliez-vous dire « {near[0]} » ?)" if near else ""))
    sender = data.get("expediteur")
    if not isinstance(sender, str) or "@" not in parseaddr(sender)[1]:
        problems.append("« expediteur » attendu, ex. « expediteur: Mission Opérationnelle "
                        "Transfrontalière <rencontres@example.org> »")
    host, user = data.get("serveur"), data.get("utilisateur")
    port, starttls = data.get("port", 587), data.get("starttls", True)
    limit = data.get("taille_maximale_mo", DEFAULT_LIMIT_MB)
    if host is not None and not isinstance(host, str):
        problems.append("« serveur » : un nom de serveur est attendu, ex. smtp.example.org")
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        problems.append("« port » : un nombre de 1 à 65535 est attendu (587 le plus souvent)")
    if not isinstance(starttls, bool):
        problems.append("« starttls » : true ou false est attendu")
    if user is not None and not isinstance(user, str):
        problems.append("« utilisateur » : un identifiant est attendu")
    if not isinstance(limit, (int, float)) or isinstance(limit, bool) or limit <= 0:
        problems.append("« taille_maximale_mo » : un nombre de mégaoctets est attendu, ex. 10")
    if problems:
        raise MailError([Problem(shown, None, None, message) for message in problems])
    return MailSettings(str(sender), host, int(port), bool(starttls), user,
                        int(float(limit) * 1_000_000), path)


def size_warnings(mailing: Mailing, settings: MailSettings) -> list[str]:
    limit = settings.size_limit
    return [f"le courriel à {mail.recipient.address} porte {_megabytes(mail.size)} Mo de "
            f"pièces jointes : au-delà de {_megabytes(limit)} Mo, bien des serveurs le "
            "refusent (réglage taille_maximale_mo)"
            for mail in mailing.mails if mail.size > limit]


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.2f}".rstrip("0").rstrip(".").replace(".", ",")


@dataclass
class SendReport:
    sent: list[Mail] = field(default_factory=list)
    already: list[Mail] = field(default_factory=list)
    refused: list[tuple[Mail, str]] = field(default_factory=list)
    uncertain: list[Mail] = field(default_factory=list)


def send(mailing: Mailing, settings: MailSettings, password: Callable[[], str],
         resend: set[str], told: Callable[[str, Mail], None]) -> SendReport:
    """Each mail not sent yet, in order, every step in the journal before it is done;
    `resend`: the addresses whose send was left uncertain, to send again as asked. One
    send at a time per distribution: the journal is read once the lock is held."""
    folder = mailing.distribution.folder
    with _send_lock(folder):
        states = mail_journal.last_states(mail_journal.read(folder))
        report = SendReport()
        pending = []
        for mail in mailing.mails:
            state = states.get(mail.recipient.address.lower())
            if state is not None and state.state == SENT:
                report.already.append(mail)
            elif (state is not None and state.state == HANDED
                  and mail.recipient.address.lower() not in resend):
                report.uncertain.append(mail)
            else:
                pending.append(mail)
        if not pending:
            return report
        if settings.host is None:
            raise MailError([Problem(display_path(settings.path), None, None,
                                     "« serveur » manquant : l'envoi demande le serveur SMTP "
                                     "(ex. serveur: smtp.example.org)")])
        with _connect(settings, password) as server:
            for mail in pending:
                outcome = _send_one(server, mail, settings.sender, folder)
                if outcome is None:
                    report.sent.append(mail)
                    told("envoyé", mail)
                else:
                    report.refused.append((mail, outcome))
                    told("refusé", mail)
    return report


@contextmanager
def _send_lock(folder: Path) -> Iterator[None]:
    path = folder / LOCK
    try:
        handle = os.fdopen(open_regular(path, os.O_RDWR | os.O_CREAT), "r+b")
    except OSError as error:
        raise MailError([Problem(display_path(path), None, None,
                                 f"écriture impossible : {system_error(error)}")]) from None
    with handle:
        if not try_lock(handle):
            raise MailError([Problem(display_path(folder), None, None,
                                     "un autre envoi des courriels de cette diffusion est en "
                                     "cours ; attendez qu'il se termine, puis relancez")])
        try:
            yield
        finally:
            unlock(handle)


def _connect(settings: MailSettings, password: Callable[[], str]) -> smtplib.SMTP:
    where = f"{settings.host}:{settings.port}"
    try:
        server = smtplib.SMTP(settings.host or "", settings.port, timeout=TIMEOUT)
        try:
            server.ehlo_or_helo_if_needed()
            if settings.starttls:
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
            if settings.user:
                server.login(settings.user, password())
        except BaseException:
            server.close()
            raise
    except smtplib.SMTPAuthenticationError:
        raise MailError([Problem(where, None, None, "identifiant ou mot de passe refusé par "
                                 "le serveur : rien n'a été envoyé")]) from None
    except smtplib.SMTPNotSupportedError:
        raise MailError([Problem(where, None, None, "le serveur ne propose pas STARTTLS : "
                                 "vérifiez le port (587 le plus souvent) ; rien n'a été "
                                 "envoyé")]) from None
    except (OSError, smtplib.SMTPException, ssl.SSLError) as error:
        raise MailError([Problem(where, None, None, f"connexion au serveur impossible "
                                 f"({_reason(error)}) : rien n'a été envoyé")]) from None
    return server


def _reason(error: BaseException) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"certificat du serveur refusé : {error.verify_message}"
    if isinstance(error, ssl.SSLError):
        return "la connexion chiffrée a échoué"
    if isinstance(error, socket.timeout):
        return "pas de réponse"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, OSError) and error.errno is not None:
        return system_error(error)
    return str(error) or type(error).__name__


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer


def _send_one(server: smtplib.SMTP, mail: Mail, sender: str, folder: Path) -> str | None:
    """None when the server has the message; else its refusal, journalled."""
    def journal(state: str, reason: str = "") -> None:
        mail_journal.append(folder, Entry(state, mail.recipient.address, mail.recipient.name,
                                          mail.message_id, mail_journal.now(), mail.version,
                                          mail.files, reason))

    data = mail.message(sender, draft=False).as_bytes()
    journal(PLANNED)
    try:
        code, answer = server.mail(ascii_address(parseaddr(sender)[1]))
        if code == 250:
            code, answer = server.rcpt(ascii_address(mail.recipient.address))
        if code not in (250, 251):
            reason = f"{code} {answer.decode('utf-8', 'replace')}"
            journal(REFUSED, reason)
            server.rset()
            return reason
        journal(HANDED)
        code, answer = server.data(data)
    except smtplib.SMTPServerDisconnected:
        raise MailError([Problem(f"{mail.recipient.address}", None, None,
                                 "le serveur a coupé la connexion pendant l'envoi : relancez "
                                 "la même commande, l'envoi reprendra où il s'est arrêté")]
                        ) from None
    except smtplib.SMTPDataError as error:
        code, answer = error.smtp_code, _text(error.smtp_error).encode()
    if code != 250:
        reason = f"{code} {answer.decode('utf-8', 'replace')}"
        journal(REFUSED, reason)
        server.rset()
        return reason
    journal(SENT)
    return None


def password_reader(user: str | None, ask: Callable[[str], str]) -> Callable[[], str]:
    """The password from the environment, else typed at a prompt (never from a file)."""
    def read() -> str:
        given = os.environ.get(PASSWORD_VARIABLE)
        if given:
            return given
        return ask(f"Mot de passe SMTP de {user} : ")
    return read
