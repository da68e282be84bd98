"""The card shows the article's own date: a link's page date wins over the day it was filed."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.cards import card
from storage.records import ArticleFull, ArticleRow


def _ts(year: int, month: int, day: int) -> int:
    return int(datetime(year, month, day, 12, tzinfo=UTC).timestamp())


def _link_article(published_at: int | None, origin_date: int | None) -> ArticleFull:
    row = ArticleRow(
        id=7, text="Министр заявил, что переговоры продолжатся.", text_hash="h", title="Переговоры",
        source="Вестник", via=None, lead=None, summary=("Министр заявил, что переговоры продолжатся.",),
        language="ru", truncated=False, origin_kind="link", origin_chat_id=None, origin_chat_title=None,
        origin_chat_username=None, origin_message_id=None, origin_date=origin_date,
        url="https://news.example/a", added_by=1, added_chat_id=1, added_message_id=1,
        added_at=_ts(2026, 11, 30), analyzed_at=_ts(2026, 11, 30), status="done", error=None,
        published_at=published_at,
    )
    return ArticleFull(article=row, actors=(), claims=(), tags=())


def test_a_links_card_shows_the_page_date_not_the_filing_day() -> None:
    text = str(card(_link_article(_ts(2017, 9, 5), None), "ru"))
    assert "05.09.2017" in text
    assert "30.11.2026" not in text


def test_the_page_date_wins_over_the_post_date() -> None:
    text = str(card(_link_article(_ts(2017, 9, 5), _ts(2017, 9, 7)), "en"))
    assert "05.09.2017" in text and "07.09.2017" not in text
