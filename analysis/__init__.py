"""Article analysis: pure functions from Russian news text to typed results (no Telegram, no DB).

from analysis import analyze
result = analyze(text, origin="ИноТВ")   # ArticleAnalysis | Rejection, never raises
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
from analysis.pipeline import Pipeline, analyze, load_pipeline

__all__ = [
    "DEFAULT_MAX_CHARS",
    "Actor",
    "AnalysisResult",
    "ArticleAnalysis",
    "Claim",
    "Pipeline",
    "Rejection",
    "Tag",
    "analyze",
    "load_pipeline",
]
