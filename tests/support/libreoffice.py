"""LibreOffice as a stranger could leave it, and one that never answers."""

from __future__ import annotations

from pathlib import Path

# A Basic macro that leaves a file where it is told, bound to the application's start.
MODULE = """<?xml version="1.0" encoding="UTF-8"?>
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" \
script:language="StarBasic">Sub Main
  Open "{marker}" For Output As #1
  Print #1, "exécutée"
  Close #1
End Sub</script:module>"""
BINDING = ('<item oor:path="/org.openoffice.Office.Events/ApplicationEvents/Bindings">'
           '<node oor:name="OnStartApp" oor:op="replace"><prop oor:name="BindingURL" '
           'oor:op="fuse"><value>vnd.sun.star.script:Standard.Module1.Main?language=Basic'
           '&amp;location=application</value></prop></node></item>')


def plant_macro(profile: Path, marker: Path) -> None:
    """In a profile LibreOffice has made: a macro run when LibreOffice starts."""
    user = profile / "user"
    (user / "basic" / "Standard" / "Module1.xba").write_text(MODULE.format(marker=marker),
                                                             "utf-8")
    settings = user / "registrymodifications.xcu"
    settings.write_text(settings.read_text("utf-8").replace("</oor:items>",
                                                            BINDING + "</oor:items>"), "utf-8")


def silent_libreoffice(folder: Path) -> Path:
    """A `soffice` that never answers (and starts a process of its own, as soffice
    starts soffice.bin), first on a PATH that starts with `folder`."""
    program = folder / "soffice"
    program.write_text("#!/bin/sh\nsleep 300 &\nwait\n")
    program.chmod(0o755)
    return program
