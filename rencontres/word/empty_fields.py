"""Fields that can be empty, used where nothing tests them first.

A field of a context typed « X | None » (the place of a Rencontre, its date) is empty
for some documents. Printed bare it prints nothing, and read further (« date.year ») it
fails that document's build: `verifier` warns of each such use that no enclosing « if »
tests, nor a « default » filter covers. Charts are not counted: an empty chart is
removed, as the templates intend.
"""

from __future__ import annotations

from jinja2 import nodes


def _names(node: nodes.Node) -> set[str]:
    """The names a test reads (find_all finds the node's descendants only)."""
    found = [node] if isinstance(node, nodes.Name) else []
    return {name.name for name in [*found, *node.find_all(nodes.Name)]}


def unguarded_uses(tree: nodes.Template, fields: set[str]) -> list[tuple[int, str]]:
    """(line, field) of each use of one of `fields` outside an « if » (or « … if … else
    … ») that tests it, in the order of the source; one per line and field."""
    found: list[tuple[int, str]] = []

    def walk(node: nodes.Node, guarded: frozenset[str]) -> None:
        if isinstance(node, (nodes.If, nodes.CondExpr)):
            tested = guarded | _names(node.test)
            branches = ([*node.body, *node.elif_, *node.else_] if isinstance(node, nodes.If)
                        else [node.expr1, *([node.expr2] if node.expr2 else [])])
            for child in branches:
                walk(child, frozenset(tested))
            return
        if isinstance(node, nodes.Filter) and node.name in ("default", "d"):
            return
        if isinstance(node, nodes.Test):  # « lieu is none »: asks, does not use
            return
        if isinstance(node, nodes.Name) and node.ctx == "load" and node.name in fields \
                and node.name not in guarded and (node.lineno, node.name) not in found:
            found.append((node.lineno, node.name))
        for child in node.iter_child_nodes():
            walk(child, guarded)

    for child in tree.body:
        walk(child, frozenset())
    return found
