"""Fixtures for storage tests: a freshly migrated file database per test."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# A bare `.venv/bin/pytest` (unlike `python -m pytest` or the editable install `make` does) does not
# put the project root on sys.path; the test modules import `storage` and `analysis` from it.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

if TYPE_CHECKING:
    from storage.repository import Storage


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Storage]:
    """An empty, migrated library on each backend (tests/backends.py)."""
    from bot.services.identity import FILING_RULES
    from storage.repository import Storage

    async with Storage.open(database_url, rules=FILING_RULES) as storage:
        yield storage
