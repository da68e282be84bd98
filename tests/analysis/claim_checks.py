"""Shared helpers of the claim fixture tests: analyse a text, find the claim holding a fragment.

One copy, so every claim test fails the same readable way (the claims it did find are printed).
"""

from __future__ import annotations

from typing import Any

from analysis import ArticleAnalysis, analyze
from analysis.model import Claim


def run(pipeline: Any, text: str) -> ArticleAnalysis:
    """``analyze`` that must succeed: a Rejection here is a test failure showing the reason."""
    res = analyze(text, pipeline=pipeline)
    assert isinstance(res, ArticleAnalysis), res
    return res


def claim_with(res: ArticleAnalysis, fragment: str) -> Claim:
    """The first claim whose text contains ``fragment``; fails listing every (speaker, text) found."""
    found = [c for c in res.claims if fragment in c.text]
    assert found, (fragment, [(c.speaker, c.text) for c in res.claims])
    return found[0]
