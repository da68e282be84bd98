"""The policy storage calls while filing (identity, alerting), the digest schedule and the text
normalisation, each checked on its own: no database, plain values in, decisions out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from storage_helpers import T0, TEXT1, analysis1, new_article

from analysis.keys import search_key
from analysis.model import Actor, Tag
from analysis.textnorm import fold, squeeze
from bot.services.alerting import SubscriptionRouting
from bot.services.identity import ActorIdentity, name_key
from bot.services.schedule import check_digest, is_due
from storage.errors import StorageError
from storage.records import ActorDecision, ChatSettings, MatchedTarget, SubscriptionCandidate, TargetRef
from storage.repository import Storage


class Library:
    """IdentityFacts over a list of (id, kind, name, aliases), the way storage answers them."""

    def __init__(self, actors: Sequence[tuple[int, str, str, Sequence[str]]],
                 merged: Sequence[tuple[int, str]] = ()) -> None:
        self.actors = actors
        self.merged = merged  # (survivor id, name a merge in force moved into it)

    def _key(self, name: str) -> str:
        return name_key(name)

    def actor_with_key(self, kind: str, key: str) -> int | None:
        return next((i for i, k, n, _ in self.actors if k == kind and self._key(n) == key), None)

    def actors_with_alias_key(self, kind: str, key: str) -> list[int]:
        return [i for i, k, n, al in self.actors if k == kind and key in {search_key(a) for a in (n, *al)}]

    def actors_with_name_keys(self, kind: str, keys: Sequence[str]) -> list[int]:
        return [i for i, k, n, _ in self.actors if k == kind and self._key(n) in keys]

    def surname_only_persons(self, keys: Sequence[str]) -> list[tuple[int, str]]:
        return [(i, self._key(n)) for i, k, n, _ in self.actors
                if k == "person" and " " not in n.strip() and self._key(n) in keys]

    def other_persons_with_alias_key(self, key: str, excluding: int) -> int:
        return len([i for i in self.actors_with_alias_key("person", key) if i != excluding])

    def aliases(self, actor_id: int) -> list[str]:
        return [a for i, _, n, al in self.actors if i == actor_id for a in (n, *al)]

    def followed_ahead(self, keys: Sequence[str]) -> list[tuple[int, str, list[str]]]:
        return [(i, k, list(al)) for i, k, n, al in self.actors
                if n.startswith("ahead:") and any(search_key(a) in keys for a in al)]


    def merged_names(self, kind: str, key: str) -> list[tuple[int, str]]:
        kinds = {i: k for i, k, _, _ in self.actors}
        return [(i, n) for i, n in self.merged if kinds.get(i) == kind and search_key(n) == key]


RULES = ActorIdentity()


def decide(actor: Actor, library: Library) -> ActorDecision:
    return RULES.resolve(actor, RULES.actor_keys(actor), library)


def test_identity_same_key_and_unique_alias() -> None:
    lib = Library([(1, "person", "Рекс Тиллерсон", ("Тиллерсон",)), (2, "location", "США", ("Штаты",))])
    assert decide(Actor("Rex Tillerson", "person", 1), lib) == ActorDecision(1)  # rule 1 across scripts
    assert decide(Actor("Тиллерсон", "person", 1), lib) == ActorDecision(1)  # rule 2: one-word alias
    assert decide(Actor("Штаты", "location", 1), lib) == ActorDecision(2)  # rule 2 for places
    # rule 3: a place whose alias is an existing place's name
    assert decide(Actor("Соединённые Штаты Америки", "location", 1, None, ("США",)), lib) == ActorDecision(2)


def test_identity_never_joins_on_a_mere_key_collision() -> None:
    # «МО» squeezes to the key of «Мэй», but it is not one of her names (issue 12).
    lib = Library([(1, "person", "Тереза Мэй", ("Мэй", "Tereza Mey"))])
    assert decide(Actor("МО", "person", 1), lib) == ActorDecision(None)
    assert decide(Actor("Мэй", "person", 1), lib) == ActorDecision(1)


def test_identity_routes_a_merged_full_name_to_the_survivor_only_on_a_real_match() -> None:
    # «Борис Джонсон» was merged into «Тереза Мэй» (his row keeps a key of its own, so rule 1 misses).
    lib = Library([(1, "person", "Тереза Мэй", ("Мэй", "Борис Джонсон", "Джонсон")), (2, "person", "merged:2", ())],
                  merged=[(1, "Борис Джонсон"), (1, "Джонсон")])
    assert decide(Actor("Борис Джонсон", "person", 1, None, ("Джонсон",)), lib) == ActorDecision(1)
    assert decide(Actor("Boris Johnson", "person", 1), lib) == ActorDecision(1), "every word meets across scripts"
    # Same squeezed key, different words: a collision, not his name.
    assert decide(Actor("Борис Джансон", "person", 1), lib) == ActorDecision(None)
    # Only a one-word name was moved: a full name with that key is not routed by it.
    short = Library([(1, "person", "Тереза Мэй", ("Джонсон",))], merged=[(1, "Джонсон")])
    assert RULES.actor_keys(Actor("Джонсон", "person", 1)).key == search_key("Джонсон")
    assert decide(Actor("Boris Johnson", "person", 1), short) == ActorDecision(None)
    # Two survivors took in the same name: ambiguous, a new actor rather than a guess.
    two = Library([(1, "person", "Тереза Мэй", ()), (3, "person", "Дэвид Кэмерон", ())],
                  merged=[(1, "Борис Джонсон"), (3, "Борис Джонсон")])
    assert decide(Actor("Борис Джонсон", "person", 1), two) == ActorDecision(None)
    # After /unmerge nothing is moved any more: a later mention is back to the rules without merges.
    assert decide(Actor("Борис Джонсон", "person", 1), Library(lib.actors)) == ActorDecision(None)


def test_identity_joins_a_name_followed_ahead_only_on_a_real_match() -> None:
    lib = Library([(5, "person", "ahead:Theresa May", ("Theresa May",)),
                   (6, "person", "ahead:Miller", ("Miller",))])
    assert decide(Actor("Тереза Мэй", "person", 1, None, ("Мэй",)), lib) == ActorDecision(5, rename=True)
    assert decide(Actor("Роберт Мюллер", "person", 1, None, ("Мюллер",)), lib) == ActorDecision(None)
    assert decide(Actor("Алексей Миллер", "person", 1, None, ("Миллер",)), lib) == ActorDecision(6, rename=True)


def test_identity_absorbs_a_lone_surname_but_not_an_ambiguous_one() -> None:
    lone = Library([(7, "person", "Тиллерсон", ())])
    assert decide(Actor("Рекс Тиллерсон", "person", 1), lone) == ActorDecision(7, rename=True)  # rule 4
    shared = Library([(7, "person", "Тиллерсон", ()), (8, "person", "Джон Тиллерсон", ("Тиллерсон",))])
    assert decide(Actor("Рекс Тиллерсон", "person", 1), shared) == ActorDecision(None)  # rule 5
    # a one-word surname two full-name people share stays its own actor
    two = Library([(1, "person", "Анна Петрова", ("Петрова",)), (2, "person", "Ольга Петрова", ("Петрова",))])
    assert decide(Actor("Петрова", "person", 1), two) == ActorDecision(None)


def test_identity_keys() -> None:
    keys = RULES.actor_keys(Actor("Рекс Тиллерсон", "person", 1, None, ("Тиллерсон", "Rex Tillerson", "")))
    assert keys.key == search_key("Рекс Тиллерсон")
    assert [alias for alias, _ in keys.aliases] == ["Рекс Тиллерсон", "Тиллерсон", "Rex Tillerson"]  # "" has no key
    assert keys.surname_keys == (search_key("Тиллерсон"),)
    assert RULES.actor_keys(Actor("習近平", "person", 1)).key == "習近平"  # no Latin mapping: casefolded text
    assert RULES.tag_keys(Tag("  ", None, "topic")) is None
    tag = RULES.tag_keys(Tag("санкции  ЕС", "EU sanctions", "topic"))
    assert tag is not None and tag.name == "санкции ЕС" and tag.key_en == search_key("EU sanctions")


def test_alert_routing() -> None:
    tag, actor, other = TargetRef("tag", 1), TargetRef("actor", 5), TargetRef("tag", 9)
    labels = {tag: "санкции", actor: "Лавров"}

    def sub(i: int, chat: int, target: TargetRef, include: tuple[TargetRef, ...] = (),
            exclude: tuple[TargetRef, ...] = (), paused: bool = False) -> SubscriptionCandidate:
        return SubscriptionCandidate(i, chat, target, include, exclude, paused)

    alerts = SubscriptionRouting().route(100, labels, [
        sub(1, 100, tag),  # the chat that added the article
        sub(2, 200, tag), sub(3, 200, actor), sub(4, 200, tag),  # one alert, both targets, once each
        sub(5, 300, tag, include=(other,)),  # include missing
        sub(6, 400, tag, exclude=(actor,)),  # exclude present
        sub(7, 500, actor, include=(tag,)),
        sub(8, 600, tag, paused=True),
    ])
    assert [(a.chat_id, a.matched) for a in alerts] == [
        (200, (MatchedTarget("tag", 1, "санкции"), MatchedTarget("actor", 5, "Лавров"))),
        (500, (MatchedTarget("actor", 5, "Лавров"),)),
    ]


def _ts(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())


def test_schedule() -> None:
    chat = ChatSettings(1, "private", None, "ru", None, "09:00", "Europe/Moscow", False, None)
    assert not is_due(chat, _ts(2024, 1, 15, 5, 59)) and is_due(chat, _ts(2024, 1, 15, 6, 0))
    done = ChatSettings(1, "private", None, "ru", None, "09:00", "Europe/Moscow", False, _ts(2024, 1, 15, 6, 1))
    assert not is_due(done, _ts(2024, 1, 15, 12, 0)) and is_due(done, _ts(2024, 1, 16, 6, 0))
    assert not is_due(ChatSettings(1, None, None, None, None, None, "UTC", False, None), _ts(2024, 1, 15, 12, 0))
    with pytest.raises(ValueError, match="HH:MM"):
        check_digest("9:00", "UTC")
    with pytest.raises(ValueError, match="time zone"):
        check_digest("09:00", "Mars/Olympus")


def test_textnorm() -> None:
    assert fold("  Ёлкин\u00a0и  ЁЖ\n") == "елкин и еж"
    assert fold("Ёлкин", yo=False) == "ёлкин"
    assert fold("ﬁ Ｌavrov", compat=True) == "fi lavrov"  # ligature and full-width letter
    assert squeeze(" a \t b\n") == "a b"


async def test_storage_without_rules_refuses_to_file_but_serves_the_rest(tmp_path: Path) -> None:
    async with Storage.open(f"sqlite:///{tmp_path}/plain.db") as db:
        article_id, created = await db.add_article(new_article(TEXT1, added_at=T0))
        assert created
        with pytest.raises(StorageError, match="filing rules"):
            await db.save_analysis(article_id, analysis1())
        assert (await db.stats()).pending == 1  # nothing half-filed
