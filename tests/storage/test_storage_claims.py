"""Claims keep how the speaker was referred to and their negation; actors keep what is reported
about them (migration 004). Carried through the card, the dossier, /claims pages and export."""

from __future__ import annotations

import dataclasses

from storage_helpers import T0, TEXT1, analysis1, database, filed

from analysis.keys import search_key
from analysis.model import ArticleAnalysis, Claim
from storage.repository import Storage


def _analysis_with_references() -> ArticleAnalysis:
    base = analysis1()
    tillerson = dataclasses.replace(
        base.actors[0], actions=("Тиллерсон поддержал идею встречи военных.", "Тиллерсон провёл вторую встречу.")
    )
    claims = [
        Claim("Рекс Тиллерсон", "Нам удалось обменяться мнениями", "quote", "Рекс Тиллерсон", 2, "pronoun", False),
        Claim("Сергей Лавров", "санкции мешают диалогу", "reported", "Сергей Лавров", 3, "role", True),
        Claim("BuzzFeed", "переговоры шли трудно", "reported", None, 3, "outlet", False),
    ]
    return dataclasses.replace(base, actors=[tillerson, *base.actors[1:]], claims=claims)


async def test_claim_reference_kind_and_negation_round_trip(db: Storage) -> None:
    article_id = await filed(db, TEXT1, _analysis_with_references())
    full = await db.get_article(article_id)
    assert full is not None
    by_text = {c.text: c for c in full.claims}
    assert by_text["Нам удалось обменяться мнениями"].speaker_ref == "pronoun"
    assert by_text["санкции мешают диалогу"].negated is True
    assert by_text["санкции мешают диалогу"].speaker_ref == "role"
    assert by_text["переговоры шли трудно"].speaker_ref == "outlet"
    assert not by_text["переговоры шли трудно"].negated
    tillerson = next(a for a in full.actors if a.name == "Рекс Тиллерсон")
    assert tillerson.actions == ("Тиллерсон поддержал идею встречи военных.", "Тиллерсон провёл вторую встречу.")
    assert next(a for a in full.actors if a.name == "Сергей Лавров").actions == ()


async def test_dossier_and_claim_pages_carry_the_new_fields(db: Storage) -> None:
    await filed(db, TEXT1, _analysis_with_references())
    [tillerson] = await db.actors_by_keys([search_key("Тиллерсон")])
    dossier = await db.actor_dossier(tillerson.id)
    assert dossier is not None
    assert [a.text for a in dossier.actions] == [
        "Тиллерсон поддержал идею встречи военных.",
        "Тиллерсон провёл вторую встречу.",
    ]
    assert dossier.actions[0].article_added_at == T0
    assert dossier.claims[0].speaker_ref == "pronoun"
    [lavrov] = await db.actors_by_keys([search_key("Лавров")])
    page, total = await db.claims_by_actor(lavrov.id)
    assert total == 1 and page[0].negated is True


async def test_reanalysis_and_deletion_drop_old_actions(db: Storage) -> None:
    article_id = await filed(db, TEXT1, _analysis_with_references())
    await db.save_analysis(article_id, analysis1(), now=T0)  # re-analysis without actions
    full = await db.get_article(article_id)
    assert full is not None and all(a.actions == () for a in full.actors)
    await db.save_analysis(article_id, _analysis_with_references(), now=T0)
    await db.delete_article(article_id)
    rows = await database(db).read(lambda tx: tx.scalar("SELECT count(*) FROM actions"))
    assert rows == 0


async def test_export_has_reference_kinds_negation_and_actions(db: Storage) -> None:
    await filed(db, TEXT1, _analysis_with_references())
    items = [item async for item in db.export_articles()]
    claims = items[0]["claims"]
    assert {c["speaker_ref"] for c in claims} == {"pronoun", "role", "outlet"}
    assert [c["negated"] for c in claims] == [False, True, False]
    actions = {a["name"]: a["actions"] for a in items[0]["actors"]}
    assert actions["Рекс Тиллерсон"] == (
        "Тиллерсон поддержал идею встречи военных.",
        "Тиллерсон провёл вторую встречу.",
    )
