"""Entry points that run inside analysis worker processes.

They take and return plain picklable values, so a `ProcessPoolExecutor` can call them. The
natasha models are loaded on first use in each process (or once in the forkserver, see
`analysis.preload`) and then reused for every article that worker sees.
"""

from __future__ import annotations

import os

from analysis.model import DEFAULT_MAX_CHARS, AnalysisResult, Rejection


def warm_up() -> int:
    """Load the models now so the first article does not pay for it; returns the worker pid."""
    from analysis.models import load_models

    load_models()
    return os.getpid()


def run_analysis(text: str, origin: str | None = None, max_chars: int = DEFAULT_MAX_CHARS) -> AnalysisResult:
    """Analyse one article; any failure becomes a Rejection so the pool never sees an exception."""
    from analysis.pipeline import analyze

    try:
        return analyze(text, origin=origin, max_chars=max_chars)
    except Exception as exc:  # analyze() promises not to raise; this is the last line of defence
        return Rejection(f"analysis failed: {type(exc).__name__}: {exc}")
