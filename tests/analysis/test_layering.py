"""The analysis package reads like natasha: steps take (state, models) and never import the pipeline.

Checked from the source (every import, lazy and TYPE_CHECKING ones included), so a cycle cannot creep
back in through a function-level import.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "analysis"


def _imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.glob("*.py"):
        name = "analysis" if path.stem == "__init__" else f"analysis.{path.stem}"
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis"):
                deps.add(node.module)
                deps.update(f"{node.module}.{a.name}" for a in node.names if node.module == "analysis")
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("analysis"))
        graph[name] = deps
    return {m: {d for d in deps if d in graph and d != m} for m, deps in graph.items()}


def test_no_import_cycles_in_analysis() -> None:
    graph = _imports()
    graph.pop("analysis")  # the package facade re-exports; nothing inside may import it
    for deps in graph.values():
        deps.discard("analysis")
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            assert state.get(dep) != 1, "import cycle: " + " -> ".join([*path, node, dep])
            if dep not in state:
                visit(dep, [*path, node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


def test_steps_never_import_the_pipeline_or_the_package() -> None:
    graph = _imports()
    offenders = {m for m, deps in graph.items() if m not in ("analysis", "analysis.pipeline", "analysis.worker")
                 and deps & {"analysis", "analysis.pipeline"}}
    assert offenders == set()


def test_every_step_takes_state_and_models() -> None:
    import inspect

    from analysis.pipeline import STEPS

    assert len(STEPS) >= 6
    for step in STEPS:
        assert list(inspect.signature(step).parameters)[:2] == ["state", "models"], step.__qualname__
