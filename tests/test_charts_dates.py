"""A link's article is dated by the page itself (its metadata), never by the day it was filed."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from bot.services import fetch
from bot.services.extract import html_to_page, page_date
from bot.services.fetch import FetchPolicy, fetch_page

BODY = "<p>Министр иностранных дел заявил журналистам, что переговоры продолжатся на следующей неделе.</p>" * 5


def _page(head: str) -> str:
    return f"<html><head><title>Переговоры в Женеве</title>{head}</head><body><article>{BODY}</article></body></html>"


def _noon(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, 12, tzinfo=UTC).timestamp())


@pytest.mark.parametrize(
    ("head", "day"),
    [
        ('<meta property="article:published_time" content="2017-09-05T10:00:00+03:00">', date(2017, 9, 5)),
        ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2016-03-02"}</script>',
         date(2016, 3, 2)),
        ("", None),
    ],
)
def test_the_page_date_comes_from_its_metadata(head: str, day: date | None) -> None:
    page = html_to_page(_page(head))
    assert "переговоры продолжатся" in page.text and page.title == "Переговоры в Женеве"
    assert page.published_at == (_noon(day) if day else None)


def test_impossible_page_dates_are_dropped() -> None:
    today = date(2026, 3, 1)
    assert page_date("2026-03-02", today=today) is None  # the future
    assert page_date("2017-02-30", today=today) is None
    assert page_date("garbage", today=today) is None
    assert page_date("2017-09-05T10:00:00", today=today) == _noon(date(2017, 9, 5))


async def test_fetching_a_link_keeps_its_date(monkeypatch: pytest.MonkeyPatch) -> None:
    html = _page('<meta property="article:published_time" content="2017-09-05T10:00:00+03:00">')

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=html, headers={"content-type": "text/html; charset=utf-8"})

    real_client = httpx.AsyncClient
    monkeypatch.setattr(fetch.httpx, "AsyncClient",
                        lambda **kw: real_client(transport=httpx.MockTransport(handler), **kw))

    async def getaddrinfo(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", getaddrinfo)
    final_url, page = await fetch_page("https://news.example/a", FetchPolicy())
    assert final_url == "https://news.example/a"
    assert page.published_at == _noon(date(2017, 9, 5))
