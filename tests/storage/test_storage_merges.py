"""Merging two actors and undoing it (storage/merges.py): what moves, what comes back; and the
placeholder row of a name followed ahead, which goes with its last subscription."""

from __future__ import annotations

from storage_helpers import T0, TEXT1, TEXT2, analysis1, analysis2, database, filed

from analysis.keys import search_key
from analysis.model import Actor, ArticleAnalysis
from storage.merges import SqliteMerges
from storage.records import TargetRef
from storage.repository import Storage


async def _actor(db: Storage, name: str) -> int:
    found = [a for a in await db.top_actors(limit=50) if a.name == name]
    assert found, name
    return found[0].id


async def test_merge_moves_everything_and_unmerge_puts_it_back(db: Storage) -> None:
    await filed(db, TEXT1, analysis1())
    await filed(db, TEXT2, analysis2(), added_at=T0 + 10)
    lavrov, usa = await _actor(db, "Сергей Лавров"), await _actor(db, "США")
    russia = await _actor(db, "Россия")
    await db.add_subscription(500, "actor", russia, created_by=7, now=T0)
    before_usa = (await db.actor_dossier(usa))
    before_russia = (await db.actor_dossier(russia))
    assert before_usa is not None and before_russia is not None
    merges = SqliteMerges(database(db))

    merge_id = await merges.merge_actors(usa, russia, by=7, now=T0 + 20)
    merged = await db.actor_dossier(usa)
    assert merged is not None
    assert {"Россия", "РФ"} <= set(merged.aliases), "merged names show as aliases"
    assert merged.articles == 2 and merged.actor.mentions == before_usa.actor.mentions + before_russia.actor.mentions
    subs = await db.list_subscriptions(500)
    assert [(s.target_kind, s.target_id, s.active) for s in subs] == [("actor", usa, True)]
    assert (await db.actors_by_keys(["rasaa"])) == [] or all(a.id != russia for a in await db.actors_by_keys(["rasaa"]))
    assert await merges.merged_into(russia) == usa
    log = await merges.merge_log()
    assert log[0].id == merge_id and log[0].merged_by == 7 and log[0].merged_at == T0 + 20

    assert await merges.unmerge(merge_id, by=1, now=T0 + 30)
    back_usa, back_russia = await db.actor_dossier(usa), await db.actor_dossier(russia)
    assert back_usa is not None and back_russia is not None
    assert back_usa.aliases == before_usa.aliases and back_russia.aliases == before_russia.aliases
    assert back_usa.actor.mentions == before_usa.actor.mentions and back_russia.articles == before_russia.articles
    assert [(s.target_id, s.active) for s in await db.list_subscriptions(500)] == [(russia, True)]
    assert await merges.merged_into(russia) is None
    assert (await merges.merge_log())[0].undone_by == 1
    assert not await merges.unmerge(merge_id, by=1, now=T0 + 40), "an undone merge cannot be undone twice"
    assert lavrov != usa


async def test_merge_in_one_article_adds_the_counts(db: Storage) -> None:
    await filed(db, TEXT1, analysis1())
    tillerson, lavrov = await _actor(db, "Рекс Тиллерсон"), await _actor(db, "Сергей Лавров")
    t_before, l_before = await db.actor_dossier(tillerson), await db.actor_dossier(lavrov)
    assert t_before is not None and l_before is not None
    merges = SqliteMerges(database(db))
    merge_id = await merges.merge_actors(tillerson, lavrov, by=None, now=T0)
    both = await db.actor_dossier(tillerson)
    assert both is not None and both.articles == 1
    assert both.actor.mentions == t_before.actor.mentions + l_before.actor.mentions
    _, total = await db.claims_by_actor(tillerson)
    assert total == 2
    await merges.unmerge(merge_id, by=None, now=T0)
    t_after, l_after = await db.actor_dossier(tillerson), await db.actor_dossier(lavrov)
    assert t_after is not None and l_after is not None
    assert (t_after.actor.mentions, l_after.actor.mentions) == (t_before.actor.mentions, l_before.actor.mentions)
    assert (await db.claims_by_actor(lavrov))[1] == 1


def _naming(*actors: Actor) -> ArticleAnalysis:
    return ArticleAnalysis(title="Встреча", source=None, via=None, lead=None, summary=[], actors=list(actors),
                           claims=[], tags=[], language="ru")


async def _filed_with(db: Storage, text: str, actor: Actor) -> set[int]:
    article = await filed(db, text, _naming(actor), added_at=T0 + len(text))
    full = await db.get_article(article)
    assert full is not None
    return {a.actor_id for a in full.actors}


async def test_a_later_full_name_of_the_absorbed_actor_joins_the_survivor_until_unmerged(db: Storage) -> None:
    await filed(db, TEXT1, analysis1())
    tillerson, lavrov = await _actor(db, "Рекс Тиллерсон"), await _actor(db, "Сергей Лавров")
    merges = SqliteMerges(database(db))
    merge_id = await merges.merge_actors(tillerson, lavrov, by=7, now=T0 + 20)
    actors_before = (await db.stats()).actors

    full_name = Actor("Сергей Лавров", "person", 2, "министр", ("Лавров",))
    assert await _filed_with(db, "Сергей Лавров прилетел в Анкару.", full_name) == {tillerson}
    assert (await db.stats()).actors == actors_before, "no new actor for the absorbed name"
    joined = await db.actor_dossier(tillerson)
    assert joined is not None and joined.articles == 2

    assert await merges.unmerge(merge_id, by=7, now=T0 + 30)
    assert await _filed_with(db, "Сергей Лавров вернулся в Москву.", full_name) == {lavrov}
    back = await db.actor_dossier(lavrov)
    assert back is not None and back.articles == 2, "after the undo his name is his again"


async def test_a_colliding_full_name_never_joins_the_survivor_and_the_undo_still_works(db: Storage) -> None:
    await filed(db, TEXT1, analysis1())
    tillerson, lavrov = await _actor(db, "Рекс Тиллерсон"), await _actor(db, "Сергей Лавров")
    merges = SqliteMerges(database(db))
    merge_id = await merges.merge_actors(tillerson, lavrov, by=7, now=T0 + 20)
    # «Сергей Лаврав» squeezes to the moved key of «Сергей Лавров» but is not that name.
    (other,) = await _filed_with(db, "Сергей Лаврав выступил в суде.", Actor("Сергей Лаврав", "person", 1))
    assert other not in {tillerson, lavrov}
    # Undoing the merge must not trip over the key the newcomer now holds.
    assert await merges.unmerge(merge_id, by=7, now=T0 + 30)
    back = await db.actor_dossier(lavrov)
    assert back is not None and back.actor.name == "Сергей Лавров" and back.articles == 1
    assert "Лавров" in back.aliases
    assert await _filed_with(db, "Лавров прилетел в Анкару.", Actor("Лавров", "person", 1)) == {lavrov}


async def test_a_name_followed_ahead_goes_with_its_last_subscription_or_filter(db: Storage) -> None:
    await filed(db, TEXT1, analysis1())
    ahead = await db.follow_ahead("person", "Theresa May", search_key("Theresa May"),
                                  [("Theresa May", search_key("Theresa May"))])
    usa = await _actor(db, "США")
    await db.add_subscription(500, "actor", ahead, created_by=7, now=T0)
    await db.add_subscription(600, "actor", ahead, created_by=8, now=T0)
    await db.add_subscription(600, "actor", usa, created_by=8, now=T0, exclude=[TargetRef("actor", ahead)])

    async def stored() -> bool:
        return bool(await db.actors_by_ids([ahead]))

    assert await db.remove_subscription(500, "actor", ahead) and await stored(), "another chat still follows it"
    assert await db.remove_subscription(600, "actor", ahead) and await stored(), "a filter still names it"
    (usa_sub,) = await db.list_subscriptions(600)
    assert await db.remove_subscription_by_id(600, usa_sub.id)
    assert not await stored(), "the unfollowed placeholder is gone"
    assert await db.actors_by_ids([usa]), "a real actor stays"
