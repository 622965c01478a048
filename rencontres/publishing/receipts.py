"""Who has received which version of an edition's documents, from the journals of its
distributions (`envois`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from . import mail_journal
from .mail_journal import HANDED, PREPARED, REFUSED, SENT
from .plan import Project
from .releases import distributions

_TOLD = {SENT: "reçue", PREPARED: "préparée (.eml, à envoyer depuis la messagerie)",
         HANDED: "envoi incertain (à vérifier, puis --renvoyer si besoin)",
         REFUSED: "refusée par le serveur", mail_journal.PLANNED: "pas envoyée (interrompu)"}


@dataclass(frozen=True)
class Receipt:
    version: int
    state: str
    time: str
    files: tuple[str, ...]
    reason: str

    def text(self) -> str:
        told = f"v{self.version} {_TOLD[self.state]}"
        if self.state in (SENT, PREPARED):
            told += f" le {_when(self.time)} ({', '.join(self.files)})"
        if self.reason:
            told += f" : {self.reason}"
        return told


def _when(time: str) -> str:
    from ..documents.french import long_date

    moment = datetime.datetime.fromisoformat(time)
    return f"{long_date(moment.date())} à {moment:%H:%M}"


def receipts(project: Project, year: int) -> dict[str, tuple[str, list[Receipt]]]:
    """Address → (name, each version's outcome, oldest first)."""
    found: dict[str, tuple[str, list[Receipt]]] = {}
    for distribution in distributions(project, year):
        for address, entry in mail_journal.last_states(
                mail_journal.read(distribution.folder)).items():
            receipt = Receipt(entry.version, entry.state, entry.time, entry.files, entry.reason)
            found.setdefault(address, (entry.name, []))[1].append(receipt)
    return found
