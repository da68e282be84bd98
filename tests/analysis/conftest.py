"""Shared fixtures: the natasha models load once per test session (about a second)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:  # running without `pip install -e .` (make does install it)
    sys.path.insert(0, _ROOT)


def _stub_missing_interfaces() -> None:
    """analysis.keys / analysis.topics are written by another engineer; stub them only if absent."""
    try:
        import analysis.keys
    except ImportError:
        keys = types.ModuleType("analysis.keys")
        keys.latin = lambda text: text  # type: ignore[attr-defined]
        keys.search_key = lambda text: text.lower()  # type: ignore[attr-defined]
        sys.modules["analysis.keys"] = keys
    try:
        import analysis.topics  # noqa: F401
    except ImportError:
        topics = types.ModuleType("analysis.topics")
        topics.match_topics = lambda lemmas, *, limit=8: []  # type: ignore[attr-defined]
        sys.modules["analysis.topics"] = topics


_stub_missing_interfaces()


@pytest.fixture(scope="session")
def pipeline():  # type: ignore[no-untyped-def]
    from analysis import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def fixture_text():  # type: ignore[no-untyped-def]
    def read(name: str) -> str:
        return (FIXTURES / name).read_text(encoding="utf-8")

    return read
