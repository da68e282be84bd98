"""Wiring: raw text in, ArticleAnalysis (or a Rejection) out, through the small steps in order.

analyze() never raises. Bad input is the normal case for a bot that accepts anything people paste,
so every guard returns a readable Rejection or a thinner analysis rather than an exception that
would leave an article stuck in "pending".
"""

from __future__ import annotations

import re
from collections.abc import Callable

import analysis.clean as cleaning
import analysis.language as language
from analysis.actions import find_actions
from analysis.claims import find_claims
from analysis.english import english_names
from analysis.entities import MAX_ACTORS, find_mentions, merge, rank_actors
from analysis.model import DEFAULT_MAX_CHARS, AnalysisResult, ArticleAnalysis, Rejection
from analysis.models import Models, load_models
from analysis.parse import parse, parse_syntax
from analysis.roles import assign_roles
from analysis.state import State
from analysis.summary import summarize
from analysis.tagging import make_tags, tag

#: Raw input beyond this multiple of max_chars is not even normalised (bounded time on 1 MB pastes).
_RAW_FACTOR = 3
_MAX_ACTORS = MAX_ACTORS

#: Old names, kept for callers written before the models moved to `analysis.models`.
Pipeline = Models
load_pipeline = load_models

Step = Callable[[State, Models], None]

#: The steps in order; each reads what earlier ones wrote to the state and adds one thing.
STEPS: tuple[Step, ...] = (
    parse,  # tokens, sentences, morphology, lemmas
    find_mentions,  # NER spans, repaired and normalised
    merge,  # mentions -> actors
    parse_syntax,  # dependency heads and relations where an actor or a speech verb occurs
    assign_roles,  # "госсекретарь США" for each person
    find_claims,  # who said what (and the references to the speakers, counted as mentions)
    find_actions,  # what each actor is reported doing
    rank_actors,  # actors by salience, outlets left out
    english_names,  # English names in aliases (gazetteer, Latin forms the text gives)
    tag,  # explicit, topic and actor tags
    summarize,  # lead and summary sentences
)


def _cut(text: str, limit: int) -> str:
    """Cut at a paragraph or word boundary near the limit, so no half word reaches the tagger."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    for sep in ("\n", " "):
        pos = head.rfind(sep)
        if pos > limit * 0.8:
            return head[:pos]
    return head


def analyze(
    text: str,
    *,
    origin: str | None = None,
    pipeline: Models | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> AnalysisResult:
    """Analyse one article. Returns a Rejection for input that is not text at all; never raises."""
    try:
        return _analyze(text, origin=origin, pipeline=pipeline, max_chars=max_chars)
    except MemoryError:
        return Rejection("Текст слишком большой для анализа / text too large to analyse")
    except Exception as exc:  # last line of defence: a bug must not take the worker down
        return Rejection(f"Не удалось разобрать текст / analysis failed ({type(exc).__name__})")


def _analyze(text: str, *, origin: str | None, pipeline: Models | None, max_chars: int) -> AnalysisResult:
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            return Rejection("Это двоичный файл, а не текст / binary data, not text")
    if not isinstance(text, str):
        return Rejection("Ожидался текст / expected text")
    if origin is not None and not isinstance(origin, str):
        origin = None
    max_chars = max(1000, int(max_chars))
    notes: list[str] = []
    truncated = False
    if len(text) > _RAW_FACTOR * max_chars:
        text = text[: _RAW_FACTOR * max_chars]
        truncated = True
    if cleaning.looks_binary(text):
        return Rejection("Это похоже на двоичный файл, а не на текст статьи / looks like binary data, not text")
    normal = cleaning.normalize(text)
    if not re.search(r"[^\W\d_]", normal):
        return Rejection("Пустой текст: нечего анализировать / empty text, nothing to analyse")
    if len(normal) > max_chars:
        normal = _cut(normal, max_chars)
        truncated = True
    if truncated:
        notes.append(f"текст обрезан до {max_chars} символов для анализа / text cut to {max_chars} characters")

    cleaned = cleaning.clean(normal, origin=origin)
    notes.extend(cleaned.notes)
    body = cleaned.body or (cleaned.title or "")
    lang = language.detect(body)
    analysed = (cleaned.title + "\n\n" + body) if cleaned.title and cleaned.body else body
    offset = len(cleaned.title) + 2 if cleaned.title and cleaned.body else 0
    state = State(text=analysed, body_offset=offset, cleaned=cleaned)
    if lang != language.RU:
        return _foreign(state, lang, truncated, len(normal), notes)

    models = pipeline or load_models()
    state.outlets = {x for x in (cleaned.source, cleaned.via) if x}
    for step in STEPS:
        step(state, models)
    return ArticleAnalysis(
        title=cleaned.title,
        source=cleaned.source,
        via=cleaned.via,
        lead=state.lead,
        summary=state.summary,
        actors=state.ranked,
        claims=state.claims,
        tags=state.tags,
        language=lang,
        truncated=truncated,
        chars=len(normal),
        notes=notes,
        body=body,
    )


def _foreign(state: State, lang: str, truncated: bool, chars: int, notes: list[str]) -> ArticleAnalysis:
    """Non-Russian text: keep what needs no Russian model; invent no Russian actors."""
    from razdel import sentenize

    body = state.text[state.body_offset :]
    sentences = [s.text.strip() for s in sentenize(body[:20_000]) if len(s.text.split()) >= 4][:3]
    notes.append(f"язык текста не русский ({lang}): имена и цитаты не извлекались / not Russian: no actors or claims")
    return ArticleAnalysis(
        title=state.cleaned.title,
        source=state.cleaned.source,
        via=state.cleaned.via,
        lead=sentences[0] if sentences else None,
        summary=sentences,
        actors=[],
        claims=[],
        tags=make_tags(state.cleaned.explicit_tags, [], [], english=body if lang == "en" else None),
        language=lang,
        truncated=truncated,
        chars=chars,
        notes=notes,
        body=state.text[state.body_offset :],
    )
