"""The journal of a distribution's mails: `diffusions/vN/journal-courriels.jsonl`, one
JSON line per step, appended and flushed to the disk before the next step.

A mail goes through these states, each written before what it announces is done:
- « préparé »: its .eml was written, for the team to send from its mail program;
- « prévu »: about to be sent over SMTP, with its Message-ID (the same at every try);
- « transmis »: the server took the recipient; the message itself is about to go;
- « envoyé »: the server answered 250 to the message: it has it, and delivers it;
- « refusé »: the server refused the recipient or the message: it does not have it.

Only « transmis » without « envoyé » leaves a doubt: the send stopped (crash, Ctrl+C,
SIGKILL, a cut connection) while the message travelled or before its answer was
written down, so the server may have it. Such a mail is never sent again on its own:
it is reported, and sent again only when asked (`--renvoyer ADRESSE`). A mail stopped
before « transmis » never reached the server (SMTP keeps no message before its end),
and is sent when the send is resumed.
"""

from __future__ import annotations

import datetime
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import MailError, Problem, display_path, system_error
from .output import NotRegularFile, open_regular, read_file

JOURNAL = "journal-courriels.jsonl"
PREPARED, PLANNED, HANDED, SENT, REFUSED = "préparé", "prévu", "transmis", "envoyé", "refusé"
STATES = (PREPARED, PLANNED, HANDED, SENT, REFUSED)


@dataclass(frozen=True)
class Entry:
    state: str
    address: str
    name: str
    message_id: str
    time: str       # ISO 8601, local time with its offset
    version: int
    files: tuple[str, ...]
    reason: str     # the server's answer, for REFUSED

    def line(self) -> bytes:
        return json.dumps({"etat": self.state, "destinataire": self.address, "nom": self.name,
                           "message_id": self.message_id, "heure": self.time,
                           "version": self.version, "fichiers": list(self.files),
                           "raison": self.reason}, ensure_ascii=False).encode("utf-8") + b"\n"


def now() -> str:
    return datetime.datetime.now().astimezone().isoformat(timespec="seconds")


def append(folder: Path, entry: Entry) -> None:
    """One line added to the journal and on the disk before this returns."""
    path = folder / JOURNAL
    try:
        descriptor = open_regular(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, entry.line())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except NotRegularFile:
        raise MailError([Problem(display_path(path), None, None,
                                 "ce n'est pas un fichier ordinaire (c'est un lien ou un "
                                 "fichier spécial) : supprimez-le")]) from None
    except OSError as error:
        raise MailError([Problem(display_path(path), None, None,
                                 f"écriture du journal impossible : {system_error(error)}"
                                 )]) from None


def read(folder: Path) -> list[Entry]:
    """The journal's entries, oldest first. A last line cut short is a write that a
    crash interrupted: what it announced was not done, and it is left out. Any other
    unreadable line stops everything: without it, who received what is unknown."""
    path = folder / JOURNAL
    try:
        data = read_file(path)
    except FileNotFoundError:
        return []
    except OSError as error:
        raise MailError([Problem(display_path(path), None, None,
                                 f"journal illisible : {system_error(error)}")]) from None
    lines = data.split(b"\n")
    entries = []
    for number, line in enumerate(lines[:-1], start=1):  # the last: empty, or cut short
        try:
            entries.append(_entry(json.loads(line.decode("utf-8"))))
        except (ValueError, KeyError, TypeError):
            raise MailError([Problem(
                display_path(path), number, None,
                "ligne du journal illisible : remettez le journal tel que l'outil l'a écrit "
                "(depuis une sauvegarde) ; sans lui, on ne sait plus qui a reçu quoi")]) from None
    return entries


def _entry(record: dict[str, object]) -> Entry:
    state, address, name, message_id, time, reason = (
        record["etat"], record["destinataire"], record["nom"], record["message_id"],
        record["heure"], record["raison"])
    version, files = record["version"], record["fichiers"]
    texts = (state, address, name, message_id, time, reason)
    if (not all(isinstance(value, str) for value in texts) or state not in STATES
            or not isinstance(version, int) or not isinstance(files, list)
            or not all(isinstance(file, str) for file in files)):
        raise ValueError("not an entry")
    return Entry(str(state), str(address), str(name), str(message_id), str(time), version,
                 tuple(str(file) for file in files), str(reason))


def last_states(entries: list[Entry]) -> dict[str, Entry]:
    """Each address's last entry of a sending, as it stands now: « envoyé » once it
    is, whatever came later (a forced second send that failed does not undo it)."""
    states: dict[str, Entry] = {}
    for entry in entries:
        current = states.get(entry.address.lower())
        if current is None or current.state != SENT:
            states[entry.address.lower()] = entry
    return states
