"""`python -m bot analyze PATH... [--json]`: the analysis on files, without Telegram or a database.

The output of `--json` is a contract: exactly one JSON object per input, in input order; an
input that cannot be analysed gives `{"error": ...}` on its line and the rest go on.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from analysis.model import ArticleAnalysis, Rejection
from bot import cards
from bot.render import to_plain
from bot.services.extract import ExtractError, document_to_text
from storage.records import ArticleActor, ArticleClaim, ArticleFull, ArticleRow, ArticleTag


def _read(path: str) -> str:
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    return document_to_text(data, None if path == "-" else path) if data.strip() else ""


def as_full(analysis: ArticleAnalysis, text: str) -> ArticleFull:
    """The analysis shaped like a stored article, so the console card is the bot's card."""
    row = ArticleRow(
        id=0, text=text, text_hash="", title=analysis.title, source=analysis.source, via=analysis.via,
        lead=analysis.lead, summary=tuple(analysis.summary), language=analysis.language,
        truncated=analysis.truncated, origin_kind="document", origin_chat_id=None, origin_chat_title=None,
        origin_chat_username=None, origin_message_id=None, origin_date=None, url=None, added_by=None,
        added_chat_id=None, added_message_id=None, added_at=int(time.time()), analyzed_at=None,
        status="done", error=None,
    )
    actors = tuple(
        ArticleActor(i, a.name, a.kind, a.role, a.mentions, tuple(a.actions)) for i, a in enumerate(analysis.actors)
    )
    claims = tuple(
        ArticleClaim(i, None, c.speaker, c.text, c.kind, c.sentence, c.speaker_ref, c.negated)
        for i, c in enumerate(analysis.claims)
    )
    tags = tuple(ArticleTag(i, t.name, t.label_en, t.origin, t.score) for i, t in enumerate(analysis.tags))
    return ArticleFull(row, actors, claims, tags)


def analyze_paths(paths: Sequence[str], *, as_json: bool) -> int:
    from analysis import analyze, load_pipeline

    pipeline = load_pipeline()
    failures = 0
    for path in paths:
        try:
            text = _read(path)
            result = analyze(text, pipeline=pipeline)
        except ExtractError as exc:
            result = Rejection(f"{path}: not readable as text ({exc.reason})")
        except OSError as exc:
            result = Rejection(f"{path}: {exc.strerror or exc}")
        if isinstance(result, Rejection):
            failures += 1
        if as_json:
            print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
        elif isinstance(result, Rejection):
            print(f"== {path}: {result.error}\n", flush=True)
        else:
            print(f"== {path}\n{to_plain(cards.card(as_full(result, text), 'ru'))}\n", flush=True)
    return 1 if failures == len(paths) else 0
