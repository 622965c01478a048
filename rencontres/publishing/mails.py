"""The mails of a distribution: who gets which documents, and the message itself.

Each member gets the PDFs of the comptes-rendus of the territories they follow, and
the synthesis, taken from the distribution's package (the very files distributed).
From v2 on, a member who received an earlier version (the journals say so) gets a mail
only when one of their documents changed since, with those documents and what changed
in them; a member who never received any gets them all.
"""

from __future__ import annotations

import datetime
import email.policy
import email.utils
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

from ..content.loading import WINDOWS_DEVICES, Content, load_content
from ..documents.french import join_words, long_date
from ..errors import DistributionError, MailError, Problem, display_path
from . import mail_journal
from .changes import EditionChanges, edition_changes
from .mail_template import FIRST, UPDATE, MailTemplate
from .output import write_atomic
from .pipeline import years_to_load
from .plan import DocumentJob, Project, plan
from .recipients import Recipient
from .releases import RECORD, SNAPSHOT, Distribution, distributions

MAILS = "courriels"


@dataclass(frozen=True)
class Attachment:
    name: str
    title: str
    data: bytes


@dataclass(frozen=True)
class Mail:
    recipient: Recipient
    version: int
    message_id: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...]

    @property
    def size(self) -> int:
        return sum(len(attachment.data) for attachment in self.attachments)

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(attachment.name for attachment in self.attachments)

    def message(self, sender: str, draft: bool) -> EmailMessage:
        """The message; a `draft` (an .eml) is marked unsent, which Outlook opens as a
        message ready to send rather than as one received."""
        message = EmailMessage(policy=email.policy.SMTP)
        message["From"] = sender
        message["To"] = Address(self.recipient.name, addr_spec=ascii_address(
            self.recipient.address))
        message["Subject"] = self.subject
        message["Date"] = email.utils.format_datetime(datetime.datetime.now().astimezone())
        message["Message-ID"] = self.message_id
        if draft:
            message["X-Unsent"] = "1"
        message.set_content(self.body, cte="quoted-printable")
        for attachment in self.attachments:
            message.add_attachment(attachment.data, maintype="application", subtype="pdf",
                                   filename=attachment.name)
        return message


@dataclass(frozen=True)
class Mailing:
    distribution: Distribution
    mails: tuple[Mail, ...]
    unchanged: tuple[Recipient, ...]  # received an earlier version; nothing new for them


def ascii_address(address: str) -> str:
    """The address with its domain as the servers know it (« région.fr » in IDNA)."""
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def message_id(year: int, version: int, address: str, sender: str) -> str:
    """The same at every try: a mail program that sees it twice shows it once."""
    digest = hashlib.sha256(address.lower().encode("utf-8")).hexdigest()[:20]
    domain = ascii_address(email.utils.parseaddr(sender)[1] or "x@rencontres.invalid")
    return f"<rencontres-{year}-v{version}-{digest}@{domain.rpartition('@')[2]}>"


def distribution_to_mail(project: Project, year: int, version: int | None) -> Distribution:
    done = distributions(project, year)
    if not done:
        raise DistributionError([Problem(
            display_path(project.output_dir / str(year) / "diffusions"), None, None,
            f"aucune diffusion de l'édition {year} : les courriels portent les documents "
            "d'une diffusion ; lancez d'abord « python build.py diffuser »")])
    for distribution in done:
        if distribution.version == (version or done[-1].version):
            _check_package(distribution)
            return distribution
    raise DistributionError([Problem(
        display_path(project.output_dir / str(year) / "diffusions"), None, None,
        f"pas de diffusion v{version} de l'édition {year} (diffusions : "
        f"{', '.join(f'v{d.version}' for d in done)})")])


def _check_package(distribution: Distribution) -> None:
    """The package mailed is the one recorded (the last one's is checked by
    `distributions`, an earlier one's here)."""
    record = json.loads((distribution.folder / RECORD).read_bytes().decode("utf-8"))
    try:
        digest = hashlib.sha256(distribution.package.read_bytes()).hexdigest()
    except OSError:
        digest = None
    if digest != record["sha256"]:
        raise DistributionError([Problem(
            display_path(distribution.package), None, None,
            f"paquet absent ou modifié depuis la diffusion (son empreinte n'est plus celle "
            f"de {RECORD}) : remettez en place celui qui a été diffusé")])


def compose(project: Project, distribution: Distribution, content: Content,
            recipients: list[Recipient], templates: dict[str, MailTemplate],
            sender: str) -> Mailing:
    """The mails of `distribution`, whose content (`snapshot`) is `content`."""
    year = distribution.year
    edition = content.editions[year]
    jobs = plan(project, content, edition)[0]
    package = _package_files(distribution)
    received = _received(project, distribution)
    compared: dict[int, EditionChanges] = {}
    mails = []
    unchanged = []
    for recipient in recipients:
        own = [job for job in jobs
               if job.territory_id is None or recipient.follows(job.territory_id)]
        attachments = {job.label: _attachment(job, package, distribution) for job in own}
        values = {"nom": recipient.name or recipient.address,
                  "organisation": recipient.organisation,
                  "territoires": "tous les territoires" if recipient.national else join_words(
                      [content.territory(t).name for t in recipient.territories]),
                  "titre": edition.info.title, "annee": str(year),
                  "version": str(distribution.version),
                  "date_diffusion": long_date(distribution.date)}
        template = templates[FIRST]
        last = received.get(recipient.address.lower())
        if last is not None:
            since, files = last
            if since not in compared:
                compared[since] = _compare(project, since, distribution, content)
            own = [job for job in own if job.label in compared[since].names
                   or attachments[job.label].name not in files]
            if not own:
                unchanged.append(recipient)
                continue
            values |= {"version_precedente": str(since),
                       "modifications": _concerning(compared[since], own, attachments)}
            template = templates[UPDATE]
        chosen = tuple(attachments[job.label] for job in own)
        values["documents"] = "\n".join(f"- {a.name} : {a.title}" for a in chosen)
        subject, body = template.render(values)
        mails.append(Mail(recipient, distribution.version,
                          message_id(year, distribution.version, recipient.address, sender),
                          subject, body, chosen))
    return Mailing(distribution, tuple(mails), tuple(unchanged))


def _concerning(changes: EditionChanges, own: list[DocumentJob],
                attachments: dict[str, Attachment]) -> str:
    """What changed in a member's documents, as `changements` says it, each document
    named as it is attached."""
    concerned = EditionChanges(changes.year, changes.since, tuple(
        document for document in changes.documents
        if document.name in {job.label for job in own}))
    text = concerned.text().split("\n", 2)[2] if concerned.documents else ""
    for job in own:
        text = text.replace(f"{job.label} (", f"{attachments[job.label].name} (")
    return text.rstrip("\n") or ("Aucune modification de leur texte : ces documents ne vous "
                                  "avaient pas encore été envoyés.")


def snapshot(distribution: Distribution) -> Content:
    """The content a distribution was made from: its territories are those a list is
    checked against, whatever the content being edited now holds (or lacks)."""
    root = distribution.folder / SNAPSHOT
    return load_content(root, years_to_load(root, distribution.year))


def _package_files(distribution: Distribution) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(distribution.package.read_bytes())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _attachment(job: DocumentJob, package: dict[str, bytes],
                distribution: Distribution) -> Attachment:
    name = job.output.with_suffix(".pdf").name
    if name not in package:
        raise MailError([Problem(display_path(distribution.package), None, None,
                                 f"{name} absent du paquet : il ne peut pas être joint")])
    return Attachment(name, job.title, package[name])


def _received(project: Project, distribution: Distribution) -> dict[str, tuple[int, set[str]]]:
    """Each address's last earlier version received (sent, or its .eml prepared for the
    team to send), with the files it carried."""
    received: dict[str, tuple[int, set[str]]] = {}
    for earlier in distributions(project, distribution.year):
        if earlier.version >= distribution.version:
            break
        for address, entry in mail_journal.last_states(mail_journal.read(earlier.folder)).items():
            if entry.state in (mail_journal.SENT, mail_journal.PREPARED):
                received[address] = (earlier.version, set(entry.files))
    return received


def _compare(project: Project, since: int, distribution: Distribution,
             content: Content) -> EditionChanges:
    [earlier] = [d for d in distributions(project, distribution.year) if d.version == since]
    return edition_changes(project, snapshot(earlier), content, distribution.year,
                                    earlier.described)


def eml_name(address: str) -> str:
    """A file name valid on Windows, one per address: « con.dupont@x.fr.eml » would name
    the console there, so it gets a « _ » before it (and, as any name changed, a digest
    of the address after it)."""
    safe = re.sub(r"[^\w.@+-]", "_", address.lower())
    if safe.split(".")[0] in WINDOWS_DEVICES:
        safe = "_" + safe
    if safe != address.lower():
        safe += "-" + hashlib.sha256(address.lower().encode("utf-8")).hexdigest()[:8]
    return f"{safe}.eml"


def write_drafts(mailing: Mailing, sender: str) -> Path:
    """One .eml per mail in the distribution's courriels/ folder (those of an earlier
    run for recipients with no mail now removed), each journalled as prepared."""
    folder = mailing.distribution.folder / MAILS
    written = set()
    for mail in mailing.mails:
        target = folder / eml_name(mail.recipient.address)
        write_atomic(target, mail.message(sender, draft=True).as_bytes())
        written.add(target.name)
        mail_journal.append(mailing.distribution.folder, mail_journal.Entry(
            mail_journal.PREPARED, mail.recipient.address, mail.recipient.name,
            mail.message_id, mail_journal.now(), mail.version, mail.files, ""))
    for stale in folder.glob("*.eml"):
        if stale.name not in written and not stale.is_symlink():
            stale.unlink()
    return folder
