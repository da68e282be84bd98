"""Article analysis: pure functions from Russian news text to typed results (no Telegram, no DB).

from analysis import analyze
result = analyze(text, origin="ИноТВ")   # ArticleAnalysis | Rejection, never raises

Layout, natasha's way: `models` loads the models once per process; `state` is the one working object;
each step module (`parse`, `entities`, `roles`, `claims`, ...) exposes `step(state, models)` and
imports only `state`, `model`, `lexicon`, `morph` and other steps' helpers, never `pipeline`, which
alone wires the steps in order. `model` holds the result types, the only thing the rest of Dossier
imports (besides `keys` and `textnorm`, the one pure text normalisation every layer shares). This
package may import natasha, razdel and the standard library; never telegram, storage or bot.
"""

from analysis.model import (
    DEFAULT_MAX_CHARS,
    Actor,
    AnalysisResult,
    ArticleAnalysis,
    Claim,
    Rejection,
    Tag,
)
from analysis.models import Models, load_models
from analysis.pipeline import Pipeline, analyze, load_pipeline

__all__ = [
    "DEFAULT_MAX_CHARS",
    "Actor",
    "AnalysisResult",
    "ArticleAnalysis",
    "Claim",
    "Models",
    "Pipeline",
    "Rejection",
    "Tag",
    "analyze",
    "load_models",
    "load_pipeline",
]
