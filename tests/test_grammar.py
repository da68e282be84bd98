"""Russian templates never need a name inflected, and counts take real plural forms.

The old templates put names where Russian declines them: the accusative ("Подписка на Владимир
Путин", "статей про Сирия"), the instrumental ("только вместе с Сирия"), the genitive ("не
администратор @канал") and the prepositional ("на English языке"). Names we cannot decline
reliably (any actor, tag or channel) now stand where the nominative is right: after a colon, as
the subject, in apposition to a noun, or in quotes; the one prepositional slot (the language of
an article) is filled with a form we wrote ourselves.
"""

from __future__ import annotations

import re

import pytest

from bot import cards
from bot.i18n import TEXTS, count_of, noun, plural_form

#: Placeholders that receive a name, a tag or a channel as stored (always the nominative).
NAME_SLOTS = ("target", "items", "name", "who", "channel", "title", "query")
#: Words after which a Russian name must be inflected (prepositions and governing nouns).
GOVERNING = {"на", "с", "со", "про", "о", "об", "обо", "для", "от", "у", "к", "ко", "по", "без", "до", "из",
             "за", "над", "под", "перед", "при", "через", "вместе", "кроме", "среди", "против", "администратор",
             "подписан", "подписка"}
SLOT_RE = re.compile(r"(\S*)\s*[«“]?\{(" + "|".join(NAME_SLOTS) + r")\}")


def russian_name_slots() -> list[tuple[str, str, str]]:
    found = []
    for key, forms in TEXTS.items():
        for match in SLOT_RE.finditer(forms["ru"]):
            found.append((key, match.group(2), match.group(1)))
    return found


@pytest.mark.parametrize(("key", "slot", "before"), russian_name_slots(), ids=lambda v: str(v))
def test_no_name_sits_where_russian_would_decline_it(key: str, slot: str, before: str) -> None:
    word = before.lower().strip("—-–,.:;()«»\"")
    quoted = before.endswith(("«", "“")) or f"«{{{slot}}}»" in TEXTS[key]["ru"]
    assert quoted or word not in GOVERNING, f"{key}: “{before} {{{slot}}}” needs the name inflected"


def test_the_known_slots_read_well() -> None:
    assert TEXTS["sub_removed"]["ru"].format(target="Владимир Путин") == "Подписка отменена: Владимир Путин."
    assert TEXTS["sub_with"]["ru"].format(items="Сирия") == " — если в статье есть и это: Сирия"
    assert TEXTS["sub_without"]["ru"].format(items="нефть") == " — кроме статей, где есть: нефть"
    assert TEXTS["feed_not_admin"]["ru"].format(channel="@news").startswith("Я не администратор канала @news")
    # The prepositional case: the language name is written in it.
    assert "Статья на английском языке" in cards.foreign_note("en", "ru")


@pytest.mark.parametrize(("n", "ru", "en"), [
    (0, "many", "other"), (1, "one", "one"), (2, "few", "other"), (4, "few", "other"), (5, "many", "other"),
    (11, "many", "other"), (12, "many", "other"), (14, "many", "other"), (21, "one", "other"),
    (22, "few", "other"), (25, "many", "other"), (101, "one", "other"), (111, "many", "other"),
    (1000, "many", "other"),
])
def test_cldr_plural_categories(n: int, ru: str, en: str) -> None:
    assert plural_form("ru", n) == ru
    assert plural_form("en", n) == en


def test_counted_nouns() -> None:
    assert [count_of("ru", "article", n) for n in (1, 3, 5, 21)] == ["1 статья", "3 статьи", "5 статей", "21 статья"]
    assert [count_of("en", "article", n) for n in (0, 1, 2)] == ["0 articles", "1 article", "2 articles"]
    assert count_of("en", "article", "1000+") == "1000+ articles"
    assert noun("ru", "claim", 2) == "заявления"
