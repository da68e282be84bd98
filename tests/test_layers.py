"""The layering of the product's packages, read from the source: imports go one way, no cycles.

Every import counts, including those inside functions and under TYPE_CHECKING: a lazy import
that closes a cycle is still a cycle a newcomer has to untangle.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "storage", "analysis")
VIEWS = ("bot.cards", "bot.lists", "bot.keyboards", "bot.subscription_views", "bot.admin_views")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _imports(path: Path) -> set[str]:
    """Every module named by an import statement anywhere in the file (``from a import b`` names
    ``a`` and, if it is a module, ``a.b``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


MODULES = _modules()
IMPORTS = {name: _imports(path) for name, path in MODULES.items()}


def _graph() -> dict[str, set[str]]:
    return {name: {m for m in imported if m in MODULES and m != name} for name, imported in IMPORTS.items()}


def test_no_import_cycle_in_any_package() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def _touches(imported: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in imported if any(m == p or m.startswith(p + ".") for p in prefixes))


def test_services_import_no_telegram_handlers_or_views() -> None:
    for name, imported in IMPORTS.items():
        if name.startswith("bot.services") and name != "bot.services.container":
            assert not _touches(imported, ("telegram", "handlers", "bot.app", *VIEWS)), name


def test_handlers_import_no_storage_or_analysis() -> None:
    for name, imported in IMPORTS.items():
        if name.startswith("handlers"):
            assert not _touches(imported, ("storage", "analysis", "bot.app", "bot.alerts")), name


def test_handlers_hold_no_html() -> None:
    for name, path in MODULES.items():
        if name.startswith("handlers"):
            source = path.read_text(encoding="utf-8")
            for tag in ("<b>", "<i>", "<code>", "<a href", "</"):
                assert tag not in source, (name, tag)


def test_views_never_import_handlers() -> None:
    for name in VIEWS:
        assert not _touches(IMPORTS[name], ("handlers", "bot.app")), name
