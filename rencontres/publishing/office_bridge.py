"""Run by LibreOffice's own Python (the one that has its `uno` module), never imported by
the tool: the bridge between the tool and a LibreOffice kept running (kept_office.py).

It connects to the LibreOffice listening on the pipe named in its argument, then reads
one request a line on its standard input — a DOCX, the file to write, LibreOffice's
filter and its options — and answers one line for each: « ok » or the error. The
document is opened hidden and read-only, and closed after the export. Standard library
and uno only, in the Python 3 syntax that LibreOffice's oldest bundled Python reads."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import uno  # type: ignore[import-not-found]  # LibreOffice's Python only
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

CONNECT_SECONDS = 60


def _property(name: str, value: Any) -> Any:
    found = PropertyValue()
    found.Name = name
    found.Value = value
    return found


def _desktop(pipe: str) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            remote = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return remote.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", remote)
        except Exception:  # not listening yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _export(desktop: Any, request: dict[str, Any]) -> None:
    document = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(request["source"]), "_blank", 0,
        (_property("Hidden", True), _property("ReadOnly", True)))
    try:
        options = uno.Any("[]com.sun.star.beans.PropertyValue", tuple(
            _property(name, value) for name, value in request["options"].items()))
        document.storeToURL(uno.systemPathToFileUrl(request["target"]), (
            _property("FilterName", request["filter"]), _property("FilterData", options)))
    finally:
        document.close(True)


def main() -> None:
    desktop = _desktop(sys.argv[1])
    print(json.dumps({"pret": True}), flush=True)
    for line in sys.stdin:
        try:
            _export(desktop, json.loads(line))
            print(json.dumps({"ok": True}), flush=True)
        except Exception as error:  # the document's, reported; the next one is tried
            print(json.dumps({"ok": False, "erreur": str(error)}), flush=True)


if __name__ == "__main__":
    main()
