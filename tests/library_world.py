"""A generated library with rows in every table, built through the real storage API.

For the `copy` tests: 1,000 articles filed as the bot files them (add_article + save_analysis),
with actors and aliases, claims, actions, tags, members, chats, subscriptions and the alerts they
queue (some sent, one failed), merges (one undone), feeds, inbox updates, an import position, a
followed-ahead actor, and a deleted article (so the id sequence is ahead of the highest id). Values
include Cyrillic, emoji, quotes and fractional scores, which a copy must carry over exactly.
"""

from __future__ import annotations

import json
import random

from analysis.model import Actor, ArticleAnalysis, Claim, Tag
from storage.records import NewArticle
from storage.repository import Storage

T0 = 1_700_000_000
PEOPLE = [("Сергей Лавров", "Лавров", "Sergey Lavrov"), ("Рекс Тиллерсон", "Тиллерсон", "Rex Tillerson"),
          ("Ангела Меркель", "Меркель", "Angela Merkel"), ("Эммануэль Макрон", "Макрон", "Emmanuel Macron"),
          ("Дмитрий Песков", "Песков", None), ("Мария Захарова", "Захарова", "Maria Zakharova"),
          ("Йенс Столтенберг", "Столтенберг", "Jens Stoltenberg"), ("Тереза Мэй", "Мэй", "Theresa May")]
ORGS = ["НАТО", "Газпром", "МИД России", "Евросоюз", "ООН"]
PLACES = ["Москва", "Берлин", "Брюссель", "Вашингтон", "Париж", "Женева"]
TOPICS = [("санкции", "sanctions"), ("переговоры", "negotiations"), ("энергетика", "energy"),
          ("выборы", None), ("безопасность", "security")]
WORDS = ["правительство", "заявление", "встреча", "«разрядка»", "переговоры", "саммит", "доклад", "рынок",
         "соглашение", "ёлка", "визит", "курс", "🙂", "O'Neil", "«цитата»", "—", "санкции", "газ"]


async def build_library(storage: Storage, n: int = 1000, seed: int = 11) -> None:
    """Fill an empty, migrated ``storage`` (opened with FILING_RULES)."""
    rnd = random.Random(seed)
    await storage.seed_members([1, 2, 3], now=T0)
    await storage.add_member(4, "member", 1, "Анна «Редактор»", now=T0 + 1)
    for chat_id, kind, title in ((100, "private", None), (-200, "group", "Редакция 🙂"), (300, "private", None)):
        await storage.upsert_chat(chat_id, kind, title, "ru")
    await storage.set_digest_time(300, "09:00", "Europe/Moscow", T0)
    await storage.add_feed(-1001, "inotv", "ИноТВ", 1, now=T0)
    await storage.add_feed(-1002, None, "Канал без имени", 1, now=T0)
    for i in range(n):
        if i == 50:
            await _subscribe(storage)
        await _file_one(storage, rnd, i)
    await _merges(storage)
    await _deliveries(storage)
    for update_id in range(1, 21):
        await storage.inbox_put(update_id, json.dumps({"update_id": update_id, "text": "привет"}), now=T0 + update_id)
        if update_id % 3:
            await storage.inbox_done(update_id, now=T0 + 100 + update_id)
    await storage.set_import_position("result.json:42", 17, now=T0)
    # The analysis queue and the alert sender's lease (migration 010): two jobs, closed by a claim
    # (their articles are filed already), each with a waiter.
    for brief in await storage.recent_articles(limit=2, offset=5):
        await storage.jobs.enqueue(brief.id, alerts=True, waiter="bot-1", wait_ttl=30.5, now=T0)
    assert await storage.jobs.claim("worker-1", ttl=60, max_attempts=3, now=T0 + 1) is None
    await storage.leases.acquire("alerts", "bot-1", 15.0, now=T0 + 0.25)
    await storage.follow_ahead("person", "Борис Джонсон", "bars dzhansan", [("Джонсон", "dzhansan")])
    # The newest article deleted: the next id must stay ahead of it after a copy.
    recent = await storage.recent_articles(limit=1)
    assert await storage.delete_article(recent[0].id)


async def _file_one(storage: Storage, rnd: random.Random, i: int) -> None:
    people = rnd.sample(PEOPLE, rnd.randint(1, 4))
    words = [rnd.choice(WORDS) for _ in range(rnd.randint(30, 80))]
    title = f"{people[0][1]}: {' '.join(words[:5])} №{i}"
    text = f"{title}\n\n{', '.join(p[0] for p in people)} — {' '.join(words[5:])}. Выпуск {i}."
    from_channel = i % 3 == 0
    article_id, created = await storage.add_article(NewArticle(
        text=text, origin_kind="channel" if from_channel else "paste", added_by=1 + i % 3,
        added_at=T0 + i * 60, added_chat_id=(100, -200, 300)[i % 3], added_message_id=i + 1,
        origin_chat_id=-1001 if from_channel else None, origin_message_id=i if from_channel else None,
        origin_chat_title="ИноТВ" if from_channel else None, origin_date=T0 + i * 60 - 3600 if from_channel else None,
    ))
    assert created
    if i % 97 == 5:
        await storage.mark_failed(article_id, "analysis timed out", now=T0 + i * 60)
        return
    if i % 89 == 7:
        return  # left pending, as after a crash
    actors = [Actor(full, "person", rnd.randint(1, 5), rnd.choice(["министр", "посол", None]), (short,),
                    actions=(f"{short} посетил {rnd.choice(PLACES)}",) if rnd.random() < 0.3 else (),
                    name_en=en, name_en_attested=en is not None)
              for full, short, en in people]
    actors += [Actor(rnd.choice(ORGS), "organization", 1), Actor(rnd.choice(PLACES), "location", rnd.randint(1, 3))]
    claims = [Claim(people[0][0], f"«{' '.join(words[10:20])}»", "quote", people[0][0], 1)]
    if rnd.random() < 0.4:
        claims.append(Claim("анонимный источник", " ".join(words[20:28]), "reported", None, 2, "anonymous",
                            negated=rnd.random() < 0.3))
    tags = [Tag(name, en, "topic", round(rnd.random(), 3)) for name, en in rnd.sample(TOPICS, rnd.randint(1, 3))]
    analysis = ArticleAnalysis(
        title=title, source=rnd.choice([None, "BuzzFeed", "Le Monde"]), via="ИноТВ" if from_channel else None,
        lead=" ".join(words[:12]), summary=[" ".join(words[:8]), " ".join(words[8:16])], actors=actors,
        claims=claims, tags=tags, language="ru", truncated=i % 250 == 0, body=text if i % 2 else None,
    )
    await storage.save_analysis(article_id, analysis, now=T0 + i * 60 + 5)


async def _subscribe(storage: Storage) -> None:
    lavrov = (await storage.actors_by_keys(["lavrov"]))[0].id if await storage.actors_by_keys(["lavrov"]) else None
    top = await storage.top_actors(limit=3)
    tags = await storage.top_tags(limit=2)
    target = lavrov if lavrov is not None else top[0].id
    await storage.add_subscription(300, "actor", target, created_by=3, now=T0)
    await storage.add_subscription(-200, "tag", tags[0].id, created_by=2, now=T0)
    await storage.add_subscription(100, "actor", top[1].id, exclude=[], created_by=1, now=T0)


async def _merges(storage: Storage) -> None:
    top = await storage.top_actors(limit=6, kind="person")
    first = await storage.merges.merge_actors(top[0].id, top[4].id, by=1, now=T0 + 10_000)
    await storage.merges.merge_actors(top[1].id, top[5].id, by=2, now=T0 + 10_001)
    assert await storage.merges.unmerge(first, by=1, now=T0 + 10_002)


async def _deliveries(storage: Storage) -> None:
    due = await storage.due_alerts(now=T0 + 10**7, limit=40)
    assert due, "the subscriptions queued no alerts"
    for k, alert in enumerate(due[:-1]):
        await storage.mark_sent(alert.id, 5000 + k, now=T0 + 20_000 + k)
    await storage.mark_alert_failed(due[-1].id, "Bad Request: chat not found", now=T0 + 30_000)
