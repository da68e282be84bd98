"""Articles, analysis filing, actor identity, dossiers, tags, deletion."""

from __future__ import annotations

import dataclasses

import pytest
from storage_helpers import T0, TEXT1, TEXT2, analysis1, analysis2, filed, new_article

from analysis.keys import search_key
from analysis.model import Actor, ArticleAnalysis, Claim, Tag
from storage.records import LibraryStats
from storage.repository import Storage
from storage.text import normalized_text_hash


def test_normalized_text_hash_ignores_case_width_and_spacing() -> None:
    assert normalized_text_hash("Привет,\n  МИР\u00a0!") == normalized_text_hash("привет, мир !")
    assert normalized_text_hash("ＡＢＣ") == normalized_text_hash("abc")  # NFKC folds full-width
    assert normalized_text_hash("a") != normalized_text_hash("b")


async def test_add_article_dedups_by_origin_message(db: Storage) -> None:
    first, created = await db.add_article(new_article("текст один", origin_chat_id=-1001, origin_message_id=5))
    assert created
    again, created2 = await db.add_article(new_article("отредактированный текст", origin_chat_id=-1001,
                                                       origin_message_id=5))
    assert (again, created2) == (first, False)
    other, created3 = await db.add_article(new_article("другой", origin_chat_id=-1001, origin_message_id=6))
    assert created3 and other != first


async def test_add_article_dedups_by_normalized_text(db: Storage) -> None:
    first, _ = await db.add_article(new_article("Тиллерсон  встретился\nс Лавровым"))
    again, created = await db.add_article(new_article("тиллерсон встретился с лавровым", origin_chat_id=-5,
                                                      origin_message_id=1))
    assert (again, created) == (first, False)
    assert (await db.stats()).articles == 1


async def test_pending_then_done_then_failed(db: Storage) -> None:
    a, _ = await db.add_article(new_article(TEXT1))
    b, _ = await db.add_article(new_article(TEXT2))
    assert [r.id for r in await db.pending_articles()] == [a, b]
    await db.save_analysis(a, analysis1(), now=T0 + 5)
    await db.mark_failed(b, "binary garbage")
    assert await db.pending_articles() == []
    full_b = await db.get_article(b)
    assert full_b is not None and full_b.article.status == "failed" and full_b.article.error == "binary garbage"
    stats = await db.stats()
    assert stats == LibraryStats(articles=2, actors=3, claims=3, tags=2, last_added_at=T0, pending=0, failed=1)


async def test_get_article_has_everything_the_card_needs(db: Storage) -> None:
    aid = await filed(db, TEXT1, analysis1())
    full = await db.get_article(aid)
    assert full is not None
    art = full.article
    assert art.title == "США и Россия договорились о «скромной разрядке»"
    assert (art.source, art.via, art.status, art.language, art.analyzed_at) == ("BuzzFeed", "ИноТВ", "done", "ru", T0)
    assert art.summary == tuple(analysis1().summary)
    assert [(a.name, a.role, a.mentions) for a in full.actors] == [
        ("США", None, 4), ("Рекс Тиллерсон", "госсекретарь США", 3), ("Сергей Лавров", "министр иностранных дел", 2)
    ]
    ids = {a.name: a.actor_id for a in full.actors}
    assert [(c.speaker, c.actor_id, c.position) for c in full.claims] == [
        ("Рекс Тиллерсон", ids["Рекс Тиллерсон"], 0),
        ("Сергей Лавров", ids["Сергей Лавров"], 1),
        ("анонимный источник", None, 2),
    ]
    assert [(t.name, t.label_en, t.origin) for t in full.tags] == [
        ("санкции", "sanctions", "topic"), ("дипломатия", "diplomacy", "topic")
    ]
    assert await db.article_text(aid) == TEXT1
    assert await db.get_article(999) is None and await db.article_text(999) is None


async def test_save_analysis_unknown_article_raises_and_changes_nothing(db: Storage) -> None:
    gen = db.generation
    with pytest.raises(KeyError):
        await db.save_analysis(42, analysis1(), now=T0)
    assert (await db.stats()).actors == 0
    assert db.generation == gen  # rolled back, not committed


async def test_actor_lookup_across_scripts_and_identity_across_articles(db: Storage) -> None:
    a1 = await filed(db, TEXT1, analysis1())
    found = await db.actors_by_keys([search_key("Tillerson")])
    assert [(a.name, a.kind, a.articles) for a in found] == [("Рекс Тиллерсон", "person", 1)]
    rex = found[0].id

    a2 = await filed(db, TEXT2, analysis2(), added_at=T0 + 100)
    # The surname-only "Тиллерсон" of article 2 joined the existing Рекс Тиллерсон.
    assert (await db.stats()).actors == 4  # Тиллерсон, Лавров, США, Россия
    found = await db.actors_by_keys([search_key("тиллерсон")], kind="person")
    assert [(a.id, a.articles, a.mentions) for a in found] == [(rex, 2, 4)]
    assert (await db.get_actor(rex)) is not None
    actor = await db.get_actor(rex)
    assert actor is not None and actor.role == "госсекретарь"  # latest role wins
    # One alias per distinct key: "Tillerson" shares its key with "Тиллерсон", so it adds nothing.
    assert set(actor.aliases) == {"Рекс Тиллерсон", "Тиллерсон"}

    dossier = await db.actor_dossier(rex)
    assert dossier is not None
    assert dossier.articles == 2 and dossier.actor.name == "Рекс Тиллерсон"
    assert (dossier.first_seen, dossier.last_seen) == (T0, T0 + 100)
    assert [c.article_id for c in dossier.claims] == [a2, a1]  # newest first
    assert dossier.claims[0].text == "новые санкции против России возможны"
    assert dossier.claims[0].article_title == "Тиллерсон допустил новые санкции"
    assert dossier.claims_total == 2
    assert {r.role: r.articles for r in dossier.roles} == {"госсекретарь США": 1, "госсекретарь": 1}
    co = {c.name: c.articles for c in dossier.co_mentioned}
    assert co == {"США": 1, "Сергей Лавров": 1, "Россия": 1}
    assert [a.id for a in dossier.latest_articles] == [a2, a1]

    claims, total = await db.claims_by_actor(rex, limit=1, offset=1)
    assert total == 2 and [c.article_id for c in claims] == [a1]
    assert await db.actor_dossier(12345) is None


async def test_ambiguous_surname_creates_a_new_actor(db: Storage) -> None:
    def one(name: str, aliases: tuple[str, ...]) -> ArticleAnalysis:
        return dataclasses.replace(analysis2(), actors=[Actor(name, "person", 1, None, aliases)], claims=[], tags=[])

    await filed(db, "Дональд Трамп сказал", one("Дональд Трамп", ("Трамп",)))
    await filed(db, "Мелания Трамп сказала", one("Мелания Трамп", ("Трамп",)))
    assert len(await db.actors_by_keys([search_key("Трамп")])) == 2
    await filed(db, "Трамп снова сказал", one("Трамп", ()))
    # Two full-name people carry the alias: joining either would be a guess, so a new actor.
    assert len(await db.actors_by_keys([search_key("Трамп")])) == 3
    assert (await db.stats()).actors == 3


async def test_surname_first_then_full_name_is_one_actor(db: Storage) -> None:
    first = await filed(db, TEXT2, analysis2())  # only "Тиллерсон"
    surname_only = (await db.actors_by_keys([search_key("Тиллерсон")]))[0]
    assert surname_only.name == "Тиллерсон"
    await filed(db, TEXT1, analysis1())  # "Рекс Тиллерсон"
    found = await db.actors_by_keys([search_key("Tillerson")])
    assert [(a.id, a.name, a.articles) for a in found] == [(surname_only.id, "Рекс Тиллерсон", 2)]
    full = await db.get_article(first)
    assert full is not None and full.actors[0].name == "Рекс Тиллерсон"


async def test_surname_actor_is_not_absorbed_when_surname_is_ambiguous(db: Storage) -> None:
    def one(name: str, aliases: tuple[str, ...]) -> ArticleAnalysis:
        return dataclasses.replace(analysis2(), actors=[Actor(name, "person", 1, None, aliases)], claims=[], tags=[])

    await filed(db, "Дональд Трамп сказал", one("Дональд Трамп", ("Трамп",)))
    await filed(db, "Мелания Трамп сказала", one("Мелания Трамп", ("Трамп",)))
    await filed(db, "Трамп снова сказал", one("Трамп", ()))  # ambiguous: its own actor
    await filed(db, "Иванка Трамп сказала", one("Иванка Трамп", ("Трамп",)))
    names = sorted(a.name for a in await db.actors_by_keys([search_key("Трамп")]))
    assert names == ["Дональд Трамп", "Иванка Трамп", "Мелания Трамп", "Трамп"]


async def test_location_joins_through_alias(db: Storage) -> None:
    await filed(db, TEXT1, analysis1())
    usa = await db.actors_by_keys([search_key("США")])
    second = dataclasses.replace(
        analysis2(), actors=[Actor("Соединённые Штаты", "location", 1, None, ())], claims=[], tags=[]
    )
    await filed(db, "Соединённые Штаты ответили", second)
    again = await db.actors_by_keys([search_key("Соединённые Штаты")])
    assert [a.id for a in again] == [usa[0].id] and again[0].articles == 2


async def test_prefix_lookup_alias_index_and_generation(db: Storage) -> None:
    gen0 = db.generation
    await filed(db, TEXT1, analysis1())
    assert db.generation > gen0
    prefix = search_key("Tillerson")[:3]
    assert [a.name for a in await db.actors_by_key_prefix(prefix)] == ["Рекс Тиллерсон"]
    assert await db.actors_by_key_prefix("") == []
    index = await db.alias_index()
    rex = (await db.actors_by_keys([search_key("Tillerson")]))[0].id
    assert (search_key("Tillerson"), rex) in index
    gen1 = db.generation
    await db.alias_index()
    assert db.generation == gen1  # reads do not bump it


async def test_top_actors_and_tags(db: Storage) -> None:
    await filed(db, TEXT1, analysis1())
    await filed(db, TEXT2, analysis2())
    top = await db.top_actors(2)
    assert [a.name for a in top] == ["Рекс Тиллерсон", "США"]
    assert [a.name for a in await db.top_actors(10, kind="location")] == ["США", "Россия"]
    tags = await db.top_tags()
    assert [(t.name, t.articles) for t in tags] == [("санкции", 2), ("дипломатия", 1)]
    assert [t.name for t in await db.top_tags(1, 1)] == ["дипломатия"]


async def test_tags_by_english_key_and_articles_by_tag(db: Storage) -> None:
    a1 = await filed(db, TEXT1, analysis1())
    a2 = await filed(db, TEXT2, analysis2(), added_at=T0 + 10)
    hits = await db.tags_by_keys([search_key("sanctions")])
    assert [(t.name, t.label_en, t.articles) for t in hits] == [("санкции", "sanctions", 2)]
    assert [t.name for t in await db.tags_by_keys([search_key("санкции")])] == ["санкции"]
    assert await db.tags_by_keys([]) == []
    page, total = await db.articles_by_tag(hits[0].id, limit=1)
    assert total == 2 and [a.id for a in page] == [a2]
    page, _ = await db.articles_by_tag(hits[0].id, limit=5, offset=1)
    assert [a.id for a in page] == [a1]
    tag = await db.get_tag(hits[0].id)
    assert tag is not None and tag.articles == 2
    assert await db.get_tag(999) is None


async def test_recent_articles_newest_first(db: Storage) -> None:
    ids = [(await db.add_article(new_article(f"статья {i}", added_at=T0 + i)))[0] for i in range(5)]
    assert [a.id for a in await db.recent_articles(2)] == [ids[4], ids[3]]
    assert [a.id for a in await db.recent_articles(2, 4)] == [ids[0]]


async def test_reanalysis_replaces_and_cleans_up(db: Storage) -> None:
    aid = await filed(db, TEXT1, analysis1())
    smaller = dataclasses.replace(
        analysis1(), actors=[LAVROV_ONLY], claims=[], tags=[Tag("дипломатия", "diplomacy", "topic", 0.1)]
    )
    await db.save_analysis(aid, smaller, now=T0 + 1)
    full = await db.get_article(aid)
    assert full is not None
    assert [a.name for a in full.actors] == ["Сергей Лавров"] and full.claims == ()
    stats = await db.stats()
    assert (stats.actors, stats.tags, stats.claims) == (1, 1, 0)  # orphans from the first pass gone


LAVROV_ONLY = Actor("Сергей Лавров", "person", 1, None, ("Лавров",))


async def test_delete_article_cleans_orphans_and_deactivates_subscriptions(db: Storage) -> None:
    a1 = await filed(db, TEXT1, analysis1())
    a2 = await filed(db, TEXT2, analysis2())
    lavrov = (await db.actors_by_keys([search_key("Lavrov")]))[0].id
    diplomacy = (await db.tags_by_keys([search_key("diplomacy")]))[0].id
    sanctions = (await db.tags_by_keys([search_key("sanctions")]))[0].id
    await db.add_subscription(500, "actor", lavrov, created_by=1, now=T0)
    await db.add_subscription(500, "tag", diplomacy, created_by=1, now=T0)
    await db.add_subscription(500, "tag", sanctions, created_by=1, now=T0)

    assert await db.delete_article(a1)
    assert not await db.delete_article(a1)
    stats = await db.stats()
    # Лавров, США, дипломатия only lived in article 1; Тиллерсон and санкции live on in article 2.
    assert (stats.articles, stats.actors, stats.tags, stats.claims) == (1, 2, 1, 1)
    assert await db.actors_by_keys([search_key("Lavrov")]) == []
    assert await db.actors_by_keys([search_key("Tillerson")]) != []
    hits, total = await db.search_articles("разрядка")  # the FTS row went with the article
    assert total == 1 and [h.article_id for h in hits] == [a2]
    subs = {(s.target_kind, s.target_id): s for s in await db.list_subscriptions(500)}
    assert not subs[("actor", lavrov)].active and subs[("actor", lavrov)].label is None
    assert not subs[("tag", diplomacy)].active
    assert subs[("tag", sanctions)].active and subs[("tag", sanctions)].label == "санкции"


async def test_export_articles_yields_everything(db: Storage) -> None:
    ids = [await filed(db, TEXT1, analysis1()), await filed(db, TEXT2, analysis2())]
    for i in range(3):
        await db.add_article(new_article(f"ещё статья {i}"))
    items = [item async for item in db.export_articles(batch=2)]
    assert [i["id"] for i in items][:2] == ids and len(items) == 5
    first = items[0]
    assert first["title"] and first["summary"] == analysis1().summary
    assert {a["name"] for a in first["actors"]} == {"Рекс Тиллерсон", "Сергей Лавров", "США"}
    assert first["claims"][0]["text"] == "Нам удалось обменяться мнениями"
    assert [t["name"] for t in first["tags"]] == ["санкции", "дипломатия"]
    import json

    json.dumps(items, ensure_ascii=False)  # plain JSON-able values only


async def test_duplicate_actor_in_one_analysis_merges_mentions(db: Storage) -> None:
    analysis = dataclasses.replace(
        analysis1(),
        actors=[Actor("Рекс Тиллерсон", "person", 2, "госсекретарь", ("Тиллерсон",)),
                Actor("Тиллерсон", "person", 1, None, ())],
        claims=[Claim("Тиллерсон", "да", "quote", "Тиллерсон", 0)],
        tags=[],
    )
    aid = await filed(db, TEXT1, analysis)
    full = await db.get_article(aid)
    assert full is not None
    assert [(a.name, a.mentions) for a in full.actors] == [("Рекс Тиллерсон", 3)]
    assert full.claims[0].actor_id == full.actors[0].actor_id


async def test_dossier_co_mentions_and_roles_cover_the_newest_window(
    db: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storage.actors as actors

    a1 = await filed(db, TEXT1, analysis1())
    a2 = await filed(db, TEXT2, analysis2(), added_at=T0 + 100)
    rex = (await db.actors_by_keys([search_key("Tillerson")]))[0].id
    monkeypatch.setattr(actors, "DOSSIER_WINDOW", 1)
    dossier = await db.actor_dossier(rex)
    assert dossier is not None
    assert {c.name for c in dossier.co_mentioned} == {"Россия"}  # article 2 only
    assert {r.role for r in dossier.roles} == {"госсекретарь"}
    # Counts, dates, claims and latest articles still cover everything.
    assert (dossier.articles, dossier.claims_total) == (2, 2)
    assert (dossier.first_seen, dossier.last_seen) == (T0, T0 + 100)
    assert [a.id for a in dossier.latest_articles] == [a2, a1]
