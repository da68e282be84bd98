"""Builders shared by the storage tests (a plain module: conftest names collide across test dirs)."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast

from analysis.model import Actor, ArticleAnalysis, Claim, Tag
from storage.db import Database, Tx
from storage.records import NewArticle
from storage.repository import Storage
from storage.sqlite_backend import SqliteBackend

T0 = 1_700_000_000  # a fixed "now" so ordering assertions never depend on the wall clock

_seq = itertools.count(1)


def new_article(
    text: str,
    *,
    added_at: int = T0,
    added_chat_id: int | None = 100,
    origin_chat_id: int | None = None,
    origin_message_id: int | None = None,
    added_by: int | None = 1,
) -> NewArticle:
    return NewArticle(
        text=text,
        origin_kind="channel" if origin_chat_id is not None else "paste",
        added_by=added_by,
        added_at=added_at,
        added_chat_id=added_chat_id,
        added_message_id=next(_seq),
        origin_chat_id=origin_chat_id,
        origin_message_id=origin_message_id,
        origin_chat_title="ИноТВ" if origin_chat_id is not None else None,
    )


TILLERSON = Actor("Рекс Тиллерсон", "person", 3, "госсекретарь США", ("Тиллерсон", "Tillerson", "Rex Tillerson"))
LAVROV = Actor("Сергей Лавров", "person", 2, "министр иностранных дел", ("Лавров", "Lavrov"))
USA = Actor("США", "location", 4, None, ("Соединённые Штаты",))

TEXT1 = (
    "США и Россия договорились о «скромной разрядке» на закулисных переговорах. "
    "Госсекретарь США Рекс Тиллерсон встретился с Сергеем Лавровым. "
    "«Нам удалось обменяться мнениями», — сообщил Тиллерсон. По словам Лаврова, санкции мешают диалогу."
)
TEXT2 = (
    "Тиллерсон заявил, что новые санкции против России возможны. "
    "Разрядки в отношениях пока не видно, пишет BuzzFeed."
)


def analysis1() -> ArticleAnalysis:
    return ArticleAnalysis(
        title="США и Россия договорились о «скромной разрядке»",
        source="BuzzFeed",
        via="ИноТВ",
        lead="США и Россия договорились о «скромной разрядке» на закулисных переговорах.",
        summary=["США и Россия договорились о «скромной разрядке».", "Тиллерсон встретился с Лавровым."],
        actors=[TILLERSON, LAVROV, USA],
        claims=[
            Claim("Рекс Тиллерсон", "Нам удалось обменяться мнениями", "quote", "Рекс Тиллерсон", 2),
            Claim("Сергей Лавров", "санкции мешают диалогу", "reported", "Сергей Лавров", 3),
            Claim("анонимный источник", "переговоры шли трудно", "reported", None, 3),
        ],
        tags=[Tag("санкции", "sanctions", "topic", 0.9), Tag("дипломатия", "diplomacy", "topic", 0.5)],
        language="ru",
    )


def analysis2() -> ArticleAnalysis:
    return ArticleAnalysis(
        title="Тиллерсон допустил новые санкции",
        source="BuzzFeed",
        via=None,
        lead=None,
        summary=["Тиллерсон заявил, что новые санкции против России возможны."],
        actors=[
            Actor("Тиллерсон", "person", 1, "госсекретарь", ()),
            Actor("Россия", "location", 1, None, ("РФ",)),
        ],
        claims=[Claim("Тиллерсон", "новые санкции против России возможны", "reported", "Тиллерсон", 0)],
        tags=[Tag("санкции", "sanctions", "topic", 0.8)],
        language="ru",
    )



async def filed(
    db: Storage, text: str, analysis: ArticleAnalysis, *, added_at: int = T0, added_chat_id: int | None = 100
) -> int:
    """Add + analyse an article; return its id."""
    article_id, created = await db.add_article(new_article(text, added_at=added_at, added_chat_id=added_chat_id))
    assert created
    await db.save_analysis(article_id, analysis, now=T0)
    return article_id


def database(db: Storage) -> Database:
    """The SQLite database under the facade, for tests that run their own transactions."""
    return cast(SqliteBackend, db.backend).db


@asynccontextmanager
async def holding_the_writer(db: Storage, sql: str) -> AsyncIterator[None]:
    """Run ``sql`` in a write transaction on the real writer thread and keep that transaction
    open (uncommitted) for the body of the ``with``; it commits on exit."""
    started, release = threading.Event(), threading.Event()

    def hold(tx: Tx) -> None:
        try:
            tx.run(sql)
        finally:
            started.set()  # also when the statement failed: the await below then raises it
        release.wait()

    write = asyncio.create_task(database(db).write(hold))
    try:
        await asyncio.to_thread(started.wait)
        if write.done():
            await write
        yield
    finally:
        release.set()
        await write
