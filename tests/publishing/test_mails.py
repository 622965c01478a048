"""The mails of a distribution, prepared as .eml files or sent to a real SMTP server on
127.0.0.1: who receives what in v1 and v2, the attachments as distributed, and sends
interrupted (a refused address, Ctrl+C, SIGKILL) then resumed without a duplicate."""

from __future__ import annotations

import email
import email.policy
import io
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support import smtp_server
from support.once import made_once, shared_folder

from rencontres.cli import main
from rencontres.publishing import mail_journal

REPO = Path(__file__).resolve().parents[2]
HDF = "content/2021/territoires/hauts-de-france.yaml"
OLD, NEW = "(notamment France Services)", "(France Services notamment)"
SENDER = "Mission Opérationnelle Transfrontalière <rencontres@espaces-transfrontaliers.eu>"
HELENE, RENE, ANNE, PAUL = ("helene.dupre@eurometropole.fr", "rene.leveque@ardennes.fr",
                            "anne.roy@mot.eu", "paul.klee@basel.ch")
LIST = ("nom;courriel;organisation;territoires\r\n"
        f"Hélène Dupré;{HELENE};Eurométropole de Lille;hauts-de-france\r\n"
        f"René Lévêque;{RENE};Département des Ardennes;Ardennes\r\n"
        f"Anne Roy;{ANNE};MOT;national\r\n"
        f"Paul Klee;{PAUL};Regio Basiliensis;rhin-superieur\r\n")
CR_HDF, CR_ARD, SYNTHESIS = ("compte-rendu-2021-hauts-de-france.pdf",
                             "compte-rendu-2021-ardennes.pdf", "synthese-2021.pdf")
V1_FILES = {HELENE: [CR_HDF, SYNTHESIS], RENE: [CR_ARD, SYNTHESIS],
            ANNE: [CR_HDF, CR_ARD, SYNTHESIS], PAUL: [SYNTHESIS]}


def _distribute(root: Path) -> None:
    code = main(["diffuser", "--projet", str(root), "--jobs", "2"])
    assert code == 0


@pytest.fixture(scope="session")
def released(tmp_path_factory, user_cache) -> dict[str, Path]:
    """A project whose edition 2021 has two comptes-rendus (Hauts-de-France, Ardennes)
    distributed as v1; and a copy of it where a correction to Hauts-de-France alone
    was distributed as v2. Built once for the whole run (a distribution converts its
    PDFs): the first pytest-xdist worker to need it builds it, the others wait."""
    folder = made_once(shared_folder(tmp_path_factory) / "diffusions-courriels",
                       lambda folder: _build_releases(folder / "v1", folder / "v2"),
                       "les diffusions des courriels")
    return {"v1": folder / "v1", "v2": folder / "v2"}


def _build_releases(v1: Path, v2: Path) -> None:
    for folder in ("content", "templates", "docs"):
        shutil.copytree(REPO / folder, v1 / folder)
    with (v1 / "content/2021/territoires/ardennes.yaml").open("a", encoding="utf-8") as file:
        file.write("sections:\n  - titre: Mobilité\n    niveau: 2\n"
                   "    objectifs: [Rouvrir la ligne Charleville – Givet]\n")
    _distribute(v1)
    shutil.copytree(v1, v2)
    text = (v2 / HDF).read_text("utf-8")
    assert OLD in text
    (v2 / HDF).write_text(text.replace(OLD, NEW), "utf-8")
    _distribute(v2)


@pytest.fixture
def server():
    handler = smtp_server.Handler()
    controller = smtp_server.start(handler)
    yield handler, controller.port
    handler.release.set()
    controller.stop()


def _project(released: dict[str, Path], which: str, tmp_path: Path, monkeypatch,
             port: int = 25, extra: str = "") -> Path:
    root = tmp_path / "projet"
    shutil.copytree(released[which], root)
    (root / "courriels.yaml").write_text(f"expediteur: {SENDER}\nserveur: 127.0.0.1\n"
                                         f"port: {port}\nstarttls: false\n{extra}", "utf-8")
    (tmp_path / "adherents").mkdir()
    (tmp_path / "adherents/destinataires.csv").write_bytes(LIST.encode("cp1252"))
    monkeypatch.chdir(root)
    return root


LIST_PATH = "../adherents/destinataires.csv"


def run(capsys, *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    out, err = capsys.readouterr()
    return code, out, err


def _package(root: Path, version: int) -> dict[str, bytes]:
    path = root / f"output/2021/diffusions/v{version}/rencontres-territoriales-2021-v{version}.zip"
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _attachments(message: email.message.EmailMessage) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def test_eml_files_read_back_with_their_attachments(released, tmp_path, monkeypatch, capsys):
    root = _project(released, "v1", tmp_path, monkeypatch)
    code, out, err = run(capsys, "courriels", "--destinataires", LIST_PATH)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Préparé : {HELENE} ({CR_HDF}, {SYNTHESIS})",
        f"Préparé : {RENE} ({CR_ARD}, {SYNTHESIS})",
        f"Préparé : {ANNE} ({CR_HDF}, {CR_ARD}, {SYNTHESIS})",
        f"Préparé : {PAUL} ({SYNTHESIS})",
        "Diffusion v1 de l'édition 2021 : 4 courriels préparés dans "
        "output/2021/diffusions/v1/courriels. Ouvrez chaque fichier .eml dans Outlook ou "
        "Thunderbird pour l'envoyer, ou envoyez-les tous avec --envoyer."]
    package = _package(root, 1)
    folder = root / "output/2021/diffusions/v1/courriels"
    assert sorted(path.name for path in folder.iterdir()) == sorted(f"{a}.eml" for a in V1_FILES)
    for address, files in V1_FILES.items():
        message = email.message_from_bytes((folder / f"{address}.eml").read_bytes(),
                                           policy=email.policy.default)
        assert message["To"].addresses[0].addr_spec == address
        assert message["X-Unsent"] == "1"  # Outlook opens it ready to send
        assert message["From"] == SENDER
        assert message["Subject"] == "Rencontres territoriales 2021 : vos documents"
        attached = _attachments(message)
        assert list(attached) == files
        assert all(attached[name] == package[name] for name in files)
    # Prepared again from a shorter list: no .eml left for whom has none any more.
    (tmp_path / "adherents/destinataires.csv").write_bytes(
        "\r\n".join([*LIST.split("\r\n")[:3], ""]).encode("cp1252"))
    assert run(capsys, "courriels", "--destinataires", LIST_PATH)[0] == 0
    assert sorted(path.name for path in folder.iterdir()) == [f"{HELENE}.eml", f"{RENE}.eml"]
    message = email.message_from_bytes((folder / f"{RENE}.eml").read_bytes(),
                                       policy=email.policy.default)
    assert message.get_body().get_content().splitlines() == [
        "Bonjour René Lévêque,", "",
        "Voici, en pièces jointes, les documents des Rencontres territoriales 2021 qui vous "
        "concernent (Ardennes) :", "",
        f"- {CR_ARD} : Compte-rendu de la Rencontre territoriale Ardennes 2021",
        f"- {SYNTHESIS} : Synthèse des Rencontres territoriales 2021", "",
        "Bien cordialement,", "", "L'équipe de la Mission Opérationnelle Transfrontalière"]


def _send(capsys, *extra: str) -> tuple[int, str, str]:
    return run(capsys, "courriels", "--destinataires", LIST_PATH, "--envoyer", *extra)


def test_who_received_what_in_v1_then_v2(released, tmp_path, monkeypatch, capsys, server):
    handler, port = server
    root = _project(released, "v2", tmp_path, monkeypatch, port)
    code, out, err = _send(capsys, "--version", "1")
    assert (code, err) == (0, ""), err
    assert out.splitlines()[-1] == ("Diffusion v1 de l'édition 2021 : 4 envoyés, 0 déjà envoyé. "
                                    "Journal : output/2021/diffusions/v1/journal-courriels.jsonl")
    v1 = _package(root, 1)
    received = handler.by_recipient()
    assert {address: list(_attachments(messages[0].message)) for address, messages
            in received.items()} == V1_FILES
    assert all(_attachments(m[0].message)[name] == v1[name] for m in received.values()
               for name in _attachments(m[0].message))

    handler.received.clear()
    # Meanwhile, Paul follows the Ardennes too: he gets their compte-rendu, new to him.
    members = tmp_path / "adherents/destinataires.csv"
    members.write_bytes(LIST.replace("basel.ch;Regio Basiliensis;rhin-superieur",
                                     "basel.ch;Regio Basiliensis;rhin-superieur, ardennes")
                        .encode("cp1252"))
    code, out, err = _send(capsys)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Rien de nouveau depuis la version qu'ils ont reçue : {RENE}",
        f"Envoyé : {HELENE} (v2 : {CR_HDF})",
        f"Envoyé : {ANNE} (v2 : {CR_HDF})",
        f"Envoyé : {PAUL} (v2 : {CR_ARD})",
        "Diffusion v2 de l'édition 2021 : 3 envoyés, 0 déjà envoyé. Journal : "
        "output/2021/diffusions/v2/journal-courriels.jsonl"]
    [paul] = handler.by_recipient()[PAUL]
    assert "Ce qui a changé :\n\nAucune modification de leur texte : ces documents ne vous " \
           "avaient pas encore été envoyés.\n" in paul.message.get_body().get_content().replace(
               "\r\n", "\n")
    v2 = _package(root, 2)
    assert v2[CR_HDF] != v1[CR_HDF]
    [(_address, [sent])] = [(a, m) for a, m in handler.by_recipient().items() if a == ANNE]
    assert _attachments(sent.message) == {CR_HDF: v2[CR_HDF]}
    body = sent.message.get_body().get_content().replace("\r\n", "\n")
    assert "depuis la diffusion v1 que vous avez reçue" in body
    assert (f"{CR_HDF} (Compte-rendu de la Rencontre territoriale Hauts-de-France 2021) : "
            f"1 modification\n  - texte reformulé (partie « Citoyenneté / Culture / Services "
            "publics », objectifs) :\n      avant : « Poursuivre le développement du volet "
            f"transfrontalier des services publics {OLD} »") in body
    assert sent.message["Subject"] == "Rencontres territoriales 2021 : documents corrigés (v2)"

    code, out, err = run(capsys, "envois")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Envois de l'édition 2021"
    assert [line.split(" le ")[0] for line in lines[1:]] == [
        f"Anne Roy <{ANNE}>", "  v1 reçue", "  v2 reçue",
        f"Hélène Dupré <{HELENE}>", "  v1 reçue", "  v2 reçue",
        f"Paul Klee <{PAUL}>", "  v1 reçue", "  v2 reçue",
        f"René Lévêque <{RENE}>", "  v1 reçue"]
    assert lines[2].endswith(f"({CR_HDF}, {CR_ARD}, {SYNTHESIS})")
    assert lines[3].endswith(f"({CR_HDF})")


def _once_each(handler: smtp_server.Handler) -> dict[str, int]:
    return {address: len(messages) for address, messages in handler.by_recipient().items()}


def test_a_refused_address_then_a_resumed_send(released, tmp_path, monkeypatch, capsys, server):
    handler, port = server
    _project(released, "v1", tmp_path, monkeypatch, port)
    handler.refused.add(RENE)
    code, out, err = _send(capsys)
    assert code == 1
    assert err == (f"Refusé par le serveur : {RENE} (550 5.1.1 Adresse inconnue) : corrigez "
                   "l'adresse dans la liste, puis relancez la même commande\n")
    assert out.splitlines()[-1].startswith(
        "Diffusion v1 de l'édition 2021 : 3 envoyés, 0 déjà envoyé, 1 refusé.")
    handler.refused.clear()
    code, out, err = _send(capsys)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Envoyé : {RENE} (v1 : {CR_ARD}, {SYNTHESIS})",
        "Diffusion v1 de l'édition 2021 : 1 envoyé, 3 déjà envoyés. Journal : "
        "output/2021/diffusions/v1/journal-courriels.jsonl"]
    assert _once_each(handler) == {HELENE: 1, ANNE: 1, PAUL: 1, RENE: 1}
    code, out, err = _send(capsys)
    assert out.splitlines()[-1].startswith("Diffusion v1 de l'édition 2021 : 0 envoyé, "
                                           "4 déjà envoyés.")
    assert len(handler.received) == 4


def test_ctrl_c_during_a_send_then_resumed(released, tmp_path, monkeypatch, capsys, server):
    handler, port = server
    _project(released, "v1", tmp_path, monkeypatch, port)
    import smtplib

    data = smtplib.SMTP.data
    calls = []

    def interrupted_at_the_second(self, message):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return data(self, message)

    monkeypatch.setattr(smtplib.SMTP, "data", interrupted_at_the_second)
    code, out, err = _send(capsys)
    assert (code, out) == (130, f"Envoyé : {HELENE} (v1 : {CR_HDF}, {SYNTHESIS})\n")
    assert err == ("\nInterrompu : relancez la même commande, l'envoi reprendra où il s'est "
                   "arrêté sans rien envoyer deux fois.\n")
    monkeypatch.setattr(smtplib.SMTP, "data", data)
    code, out, err = _send(capsys)
    # Interrupted as its message was leaving: the server may have it, so it is not sent
    # again on its own (here, it did not: the interrupt came before a byte left).
    assert code == 1
    assert err == (f"Envoi incertain : {RENE} : l'envoi s'est arrêté pendant que le message "
                   "partait ; vérifiez auprès du destinataire ou dans les messages envoyés, "
                   f"puis, s'il ne l'a pas reçu, relancez avec --renvoyer {RENE}\n")
    assert out.splitlines()[-1].startswith(
        "Diffusion v1 de l'édition 2021 : 2 envoyés, 1 déjà envoyé, 1 incertain.")
    assert _once_each(handler) == {HELENE: 1, ANNE: 1, PAUL: 1}
    told = run(capsys, "envois")[1].splitlines()
    assert told[told.index(f"René Lévêque <{RENE}>") + 1] == (
        "  v1 envoi incertain (à vérifier, puis --renvoyer si besoin)")
    code, _out, err = _send(capsys, "--renvoyer", RENE)
    assert (code, err) == (0, "")
    assert _once_each(handler) == {HELENE: 1, ANNE: 1, PAUL: 1, RENE: 1}
    ids = {m.message["Message-ID"] for m in handler.received}
    assert len(ids) == 4


@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_a_send_killed_halfway_then_resumed(released, tmp_path, monkeypatch, capsys, server,
                                            stage):
    """SIGKILL while the third message is held by the server: at « rcpt » the server
    has nothing, and the resumed send sends it; at « data » the server has it, and the
    resumed send does not send it again but says it is uncertain."""
    handler, port = server
    root = _project(released, "v1", tmp_path, monkeypatch, port)
    handler.hold_at = (3, stage)
    sender = subprocess.Popen(
        [sys.executable, "-m", "rencontres", "courriels", "--destinataires", LIST_PATH,
         "--envoyer"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert handler.held.wait(60), sender.communicate(timeout=5)
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
    finally:
        handler.hold_at = None
        handler.release.set()
    assert sender.returncode == -signal.SIGKILL
    code, out, err = _send(capsys)
    assert _once_each(handler) == {HELENE: 1, RENE: 1, ANNE: 1, PAUL: 1}
    states = mail_journal.last_states(mail_journal.read(root / "output/2021/diffusions/v1"))
    if stage == "rcpt":
        assert (code, err) == (0, "")
        assert out.splitlines()[:2] == [f"Envoyé : {ANNE} (v1 : {CR_HDF}, {CR_ARD}, {SYNTHESIS})",
                                        f"Envoyé : {PAUL} (v1 : {SYNTHESIS})"]
        assert {a: e.state for a, e in states.items()} == dict.fromkeys(V1_FILES, "envoyé")
    else:
        assert code == 1
        assert err.startswith(f"Envoi incertain : {ANNE} :")
        assert out.splitlines()[0] == f"Envoyé : {PAUL} (v1 : {SYNTHESIS})"
        assert states[ANNE].state == "transmis"


def test_no_byte_of_the_list_in_a_package_or_snapshot(released, tmp_path, monkeypatch, capsys,
                                                     server):
    _handler, port = server
    root = _project(released, "v2", tmp_path, monkeypatch, port)
    assert _send(capsys, "--version", "1")[0] == 0
    assert _send(capsys)[0] == 0
    # Its personal data: each member's name and address, and each line as a whole.
    cells = {cell for line in LIST.splitlines()[1:] for cell in line.split(";")[:2]}
    cells |= set(LIST.splitlines()[1:])
    needles = {encoded for cell in cells for encoded in
               (cell.encode("utf-8"), cell.encode("cp1252"), cell.encode("utf-16-le"))}
    shared = [path for path in (root / "output").rglob("*") if path.is_file()
              and "courriels" not in path.parts and path.name != mail_journal.JOURNAL]
    assert any(path.suffix == ".zip" for path in shared)
    for path in shared:
        blobs = [path.read_bytes()]
        if path.suffix in (".zip", ".docx"):
            with zipfile.ZipFile(io.BytesIO(blobs[0])) as archive:
                blobs += [archive.read(name) for name in archive.namelist()]
        for blob in blobs:
            assert not [n for n in needles if n in blob], path


def test_the_password_comes_from_the_environment_never_a_file(released, tmp_path, monkeypatch,
                                                              capsys):
    handler = smtp_server.Handler()
    controller = smtp_server.start(handler, password="secret-de-test")
    try:
        _project(released, "v1", tmp_path, monkeypatch, controller.port,
                 "utilisateur: mot\nmot_de_passe: secret\n")
        code, out, err = _send(capsys)
        assert (code, out) == (1, "")
        assert err.splitlines() == [
            "Courriels impossibles : 1 problème",
            "  courriels.yaml: « mot_de_passe » : le mot de passe ne s'écrit jamais dans un "
            "fichier ; retirez-le, puis donnez-le dans la variable RENCONTRES_SMTP_MOT_DE_PASSE "
            "ou tapez-le quand la commande le demande"]
        settings = Path("courriels.yaml")
        settings.write_text(settings.read_text("utf-8").replace("mot_de_passe: secret\n", ""),
                            "utf-8")
        monkeypatch.setenv("RENCONTRES_SMTP_MOT_DE_PASSE", "faux")
        code, out, err = _send(capsys)
        assert code == 1
        assert err.splitlines()[1] == (f"  127.0.0.1:{controller.port}: identifiant ou mot de "
                                       "passe refusé par le serveur : rien n'a été envoyé")
        # Without the variable, typed at a prompt.
        monkeypatch.delenv("RENCONTRES_SMTP_MOT_DE_PASSE")
        prompts = []
        import getpass

        monkeypatch.setattr(getpass, "getpass",
                            lambda prompt: prompts.append(prompt) or "secret-de-test")
        code, out, err = _send(capsys)
        assert (code, err) == (0, "")
        assert prompts == ["Mot de passe SMTP de mot : "]
        assert len(handler.received) == 4
    finally:
        controller.stop()


def test_attachments_above_the_limit_are_warned(released, tmp_path, monkeypatch, capsys):
    _project(released, "v1", tmp_path, monkeypatch, extra="taille_maximale_mo: 0.05\n")
    sizes = {name: len(data) for name, data in _package(Path("."), 1).items()}
    code, _out, err = run(capsys, "courriels", "--destinataires", LIST_PATH)
    assert code == 0
    big = {address for address, files in V1_FILES.items()
           if sum(sizes[name] for name in files) > 50_000}
    assert big  # the test means something
    warned = [line for line in err.splitlines() if line.startswith("Avertissement")]
    assert len(warned) == len(big)
    assert all(line.endswith("Mo de pièces jointes : au-delà de 0,05 Mo, bien des serveurs le "
                             "refusent (réglage taille_maximale_mo)") for line in warned)


def test_a_mail_template_with_an_unknown_field(released, tmp_path, monkeypatch, capsys):
    root = _project(released, "v1", tmp_path, monkeypatch)
    template = root / "templates/courriel.txt"
    template.write_text(template.read_text("utf-8").replace("{{ nom }}", "{{ nm }}")
                        + "{{ modifications }}\n{% if x %}\n", "utf-8")
    (root / "templates/courriel-mise-a-jour.txt").write_text("Bonjour\n", "utf-8")
    code, out, err = run(capsys, "courriels", "--destinataires", LIST_PATH)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "Courriels impossibles : 5 problèmes",
        "  templates/courriel-mise-a-jour.txt:1: la première ligne donne l'objet du courriel : "
        "« Objet : … », reçu « Bonjour »",
        "  templates/courriel.txt:3: champ « nm » inconnu (vouliez-vous dire « nom » ?)",
        "  templates/courriel.txt:12: champ « modifications » réservé à "
        "courriel-mise-a-jour.txt : le premier courriel n'a rien à comparer",
        "  templates/courriel.txt:13: « %} » : un modèle de courriel n'a que des champs "
        "{{ nom }}, pas d'instructions",
        "  templates/courriel.txt:13: « {% » : un modèle de courriel n'a que des champs "
        "{{ nom }}, pas d'instructions"]
    assert not (root / "output/2021/diffusions/v1/courriels").exists()


def test_one_send_at_a_time_and_only_the_package_distributed(released, tmp_path, monkeypatch,
                                                             capsys):
    from rencontres.publishing.sending import _send_lock

    root = _project(released, "v2", tmp_path, monkeypatch)
    with _send_lock(root / "output/2021/diffusions/v1"):
        code, out, err = _send(capsys, "--version", "1")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "Courriels impossibles : 1 problème",
        "  output/2021/diffusions/v1: un autre envoi des courriels de cette diffusion est en "
        "cours ; attendez qu'il se termine, puis relancez"]
    package = root / "output/2021/diffusions/v1/rencontres-territoriales-2021-v1.zip"
    package.write_bytes(package.read_bytes() + b"\0")
    code, out, err = run(capsys, "courriels", "--destinataires", LIST_PATH, "--version", "1")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "Diffusion impossible : 1 problème",
        "  output/2021/diffusions/v1/rencontres-territoriales-2021-v1.zip: paquet absent ou "
        "modifié depuis la diffusion (son empreinte n'est plus celle de diffusion.json) : "
        "remettez en place celui qui a été diffusé"]


def test_the_journal_cut_short_by_a_crash_or_damaged(tmp_path, monkeypatch):
    from rencontres.errors import MailError

    monkeypatch.chdir(tmp_path)
    entry = mail_journal.Entry(mail_journal.HANDED, ANNE, "Anne Roy", "<id@x>", "2026-12-07T03:00:00+00:00",
                               1, (SYNTHESIS,), "")
    mail_journal.append(tmp_path, entry)
    sent = mail_journal.Entry(mail_journal.SENT, ANNE, "Anne Roy", "<id@x>",
                              "2026-12-07T03:00:01+00:00", 1, (SYNTHESIS,), "")
    journal = tmp_path / mail_journal.JOURNAL
    # A crash in the middle of writing « envoyé »: that line does not count, and the
    # mail stays « transmis » (uncertain), never « prévu » (which would send it again).
    journal.write_bytes(journal.read_bytes() + sent.line()[:30])
    assert [e.state for e in mail_journal.read(tmp_path)] == ["transmis"]
    journal.write_bytes(b"{pas du json}\n" + entry.line())
    with pytest.raises(MailError) as raised:
        mail_journal.read(tmp_path)
    assert raised.value.report() == (
        "Courriels impossibles : 1 problème\n"
        "  journal-courriels.jsonl:1: ligne du journal illisible : remettez le journal tel "
        "que l'outil l'a écrit (depuis une sauvegarde) ; sans lui, on ne sait plus qui a "
        "reçu quoi")


def test_an_address_of_an_accented_domain_is_written_as_servers_know_it():
    from rencontres.publishing.mails import Mail
    from rencontres.publishing.recipients import Recipient

    recipient = Recipient("Zoë Ağa", "zoe@région-ardennes.fr", "", ("ardennes",), 2)
    mail = Mail(recipient, 1, "<a@b>", "Objet", "Corps é\n", ())
    data = mail.message(SENDER, draft=False).as_bytes()
    assert b"<zoe@xn--rgion-ardennes-bkb.fr>" in data
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert parsed["To"].addresses[0].display_name == "Zoë Ağa"
    assert parsed.get_body().get_content() == "Corps é\r\n"


def test_a_wrong_list_stops_before_anything_is_written(released, tmp_path, monkeypatch, capsys):
    root = _project(released, "v1", tmp_path, monkeypatch)
    (tmp_path / "adherents/destinataires.csv").write_bytes(
        LIST.replace("Ardennes", "Ardenes").replace(PAUL, "paul.klee@").encode("cp1252"))
    code, out, err = run(capsys, "courriels", "--destinataires", LIST_PATH)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "Liste des destinataires invalide : 2 problèmes",
        "  ../adherents/destinataires.csv:3: territoire « Ardenes » inconnu du référentiel "
        "(vouliez-vous dire « ardennes » ?)",
        "  ../adherents/destinataires.csv:5: adresse électronique invalide « paul.klee@ »"]
    assert not (root / "output/2021/diffusions/v1/courriels").exists()
    assert not (root / "output/2021/diffusions/v1" / mail_journal.JOURNAL).exists()


def test_mails_before_any_distribution_and_nobody_mailed_yet(in_project, capsys):
    (in_project / "courriels.yaml").write_text(f"expediteur: {SENDER}\n", "utf-8")
    (in_project.parent / "destinataires.csv").write_text(LIST, "utf-8")
    code, out, err = run(capsys, "courriels", "--destinataires", "../destinataires.csv")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "Diffusion impossible : 1 problème",
        "  output/2021/diffusions: aucune diffusion de l'édition 2021 : les courriels portent "
        "les documents d'une diffusion ; lancez d'abord « python build.py diffuser »"]
    assert run(capsys, "envois") == (
        0, "Aucun courriel préparé ni envoyé pour l'édition 2021.\n", "")


def test_settings_mistakes_are_all_told(tmp_path, monkeypatch):
    from rencontres.errors import MailError
    from rencontres.publishing.sending import read_settings

    monkeypatch.chdir(tmp_path)
    Path("courriels.yaml").write_text("expéditeur: MOT\nserveur: smtp.example.org\nport: 99999\n"
                                      "starttls: peut-être\ntaille_maximale_mo: 0\n", "utf-8")
    with pytest.raises(MailError) as raised:
        read_settings(Path("courriels.yaml"))
    assert raised.value.report().splitlines() == [
        "Courriels impossibles : 5 problèmes",
        "  courriels.yaml: réglage « expéditeur » inconnu (vouliez-vous dire « expediteur » ?)",
        "  courriels.yaml: « expediteur » attendu, ex. « expediteur: Mission Opérationnelle "
        "Transfrontalière <rencontres@example.org> »",
        "  courriels.yaml: « port » : un nombre de 1 à 65535 est attendu (587 le plus souvent)",
        "  courriels.yaml: « starttls » : true ou false est attendu",
        "  courriels.yaml: « taille_maximale_mo » : un nombre de mégaoctets est attendu, ex. 10"]
    with pytest.raises(MailError) as raised:
        read_settings(Path("absent.yaml"))
    assert raised.value.report().splitlines()[1] == (
        "  absent.yaml: réglages des courriels introuvables : créez ce fichier (expéditeur, "
        "serveur ; voir docs/courriels.md), ou indiquez-le avec --reglages FICHIER")


def test_sending_without_a_server_in_the_settings(released, tmp_path, monkeypatch, capsys):
    root = _project(released, "v1", tmp_path, monkeypatch)
    (root / "courriels.yaml").write_text(f"expediteur: {SENDER}\n", "utf-8")
    code, out, err = _send(capsys)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "Courriels impossibles : 1 problème",
        "  courriels.yaml: « serveur » manquant : l'envoi demande le serveur SMTP "
        "(ex. serveur: smtp.example.org)"]
    assert not (root / "output/2021/diffusions/v1" / mail_journal.JOURNAL).exists()


def test_starttls_with_the_servers_certificate_checked(released, tmp_path, monkeypatch, capsys,
                                                      server):
    plain_handler, plain_port = server
    _project(released, "v1", tmp_path, monkeypatch, plain_port)
    settings = Path("courriels.yaml")
    settings.write_text(settings.read_text("utf-8").replace("starttls: false", "starttls: true"),
                        "utf-8")
    code, out, err = _send(capsys)
    assert (code, out) == (1, "")
    assert err.splitlines()[1] == (f"  127.0.0.1:{plain_port}: le serveur ne propose pas "
                                   "STARTTLS : vérifiez le port (587 le plus souvent) ; rien "
                                   "n'a été envoyé")
    assert plain_handler.received == []
    handler = smtp_server.Handler()
    controller = smtp_server.start(handler, tls=smtp_server.self_signed(tmp_path))
    try:
        settings.write_text(settings.read_text("utf-8").replace(f"port: {plain_port}",
                                                                f"port: {controller.port}"),
                            "utf-8")
        code, out, err = _send(capsys)  # a certificate no authority signed: refused
        assert code == 1
        assert err.splitlines()[1] == (
            f"  127.0.0.1:{controller.port}: connexion au serveur impossible (certificat du "
            "serveur refusé : self-signed certificate) : rien n'a été envoyé")
        assert handler.received == []
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "serveur.pem"))
        code, out, err = _send(capsys)
        assert (code, err) == (0, "")
        assert len(handler.received) == 4
    finally:
        controller.stop()


def test_eml_names_are_valid_on_windows():
    from rencontres.publishing.mails import eml_name

    assert eml_name("Anne.Roy@MOT.eu") == "anne.roy@mot.eu.eml"
    assert eml_name("con.dupont@x.fr").startswith("_con.dupont@x.fr-")
    assert eml_name("a/b*c?@x.fr").startswith("a_b_c_@x.fr-")
    assert eml_name("a/b*c?@x.fr") != eml_name("a_b_c_@x.fr")


def test_a_list_kept_in_the_project_folder_is_warned(released, tmp_path, monkeypatch, capsys):
    root = _project(released, "v1", tmp_path, monkeypatch)
    shutil.copy(tmp_path / "adherents/destinataires.csv", root / "destinataires.csv")
    code, _out, err = run(capsys, "courriels", "--destinataires", "destinataires.csv")
    assert code == 0
    assert err == ("Avertissement : destinataires.csv : la liste des destinataires est dans le "
                   "dossier du projet ; ses données personnelles partent avec lui (dossier "
                   "partagé, dépôt Git) : rangez-la plutôt hors du projet (voir "
                   "docs/courriels.md)\n")


def test_mails_of_a_distribution_while_the_content_is_being_edited(released, tmp_path,
                                                                  monkeypatch, capsys):
    """The content being edited may be wrong for a while: the documents distributed, and
    their territories, are those of the distribution."""
    root = _project(released, "v1", tmp_path, monkeypatch)
    (root / "content/2021/edition.yaml").write_text("annee: [\n", "utf-8")
    code, out, err = run(capsys, "courriels", "--destinataires", LIST_PATH)
    assert (code, err) == (0, "")
    assert out.splitlines()[-1].startswith("Diffusion v1 de l'édition 2021 : 4 courriels préparés")
