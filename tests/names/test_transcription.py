"""Units of the name engine: transcription reversal, name scoring, query checks, the gazetteer, English aliases."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analysis.english import add_english_aliases
from analysis.gazetteer import english_names, entries, lookup
from analysis.lookup import IndexedActor, NameIndex
from analysis.model import Actor
from analysis.names import Level, check_query, score
from analysis.transcription import initial_compatible, latin_pattern, same_word

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("latin", "cyrillic"), [
    ("May", "Мэй"), ("Theresa", "Тереза"), ("Johnson", "Джонсон"), ("Hammond", "Хэммонд"),
    ("Tilerson", "Тиллерсон"), ("Sergei", "Сергей"), ("Sergey", "Сергей"), ("Zelenskyy", "Зеленский"),
    ("Hugh", "Хью"), ("McConnell", "Макконнелл"), ("Vučić", "Вучич"), ("Hollande", "Олланд"),
    ("Yeltsin", "Ельцин"), ("Brzezinski", "Бжезинский"), ("Bolsonaro", "Болсонару"),
])
def test_latin_spellings_meet_their_transcription(latin: str, cyrillic: str) -> None:
    assert same_word(latin, cyrillic) and same_word(cyrillic, latin)


@pytest.mark.parametrize(("latin", "cyrillic"), [
    ("May", "МО"), ("Miller", "Мюллер"), ("Harrison", "Херсон"), ("Kennedy", "Канада"),
    ("Romanov", "Румыния"), ("Brazil", "Брюссель"), ("Tallinn", "Тулун"), ("Scholz", "Шульц"),
    ("Lavrov", "Львов"), ("Obama", "Осама"),
])
def test_names_that_only_share_a_squeezed_key_do_not_meet(latin: str, cyrillic: str) -> None:
    assert not same_word(latin, cyrillic)


def test_pattern_is_none_for_non_cyrillic_and_huge_words() -> None:
    assert latin_pattern("Smith") is None
    assert latin_pattern("а" * 500) is None


def test_initials_across_scripts() -> None:
    assert initial_compatible("Д.", "Denis") and initial_compatible("D", "Дмитрий")
    assert initial_compatible("Ю.", "Yuri") and not initial_compatible("D.", "Борис")


@pytest.mark.parametrize(("query", "name", "level"), [
    ("Theresa May", "Тереза Мэй", Level.FULL),
    ("May", "Тереза Мэй", Level.SURNAME),
    ("Theresa", "Тереза Мэй", Level.GIVEN),
    ("Alexander Lukashenko", "Лукашенко", Level.PARTIAL),
    ("Д. Ю. Логунов", "Денис Логунов", Level.FULL),
    ("Denis Logunov", "Д. Ю. Логунов", Level.FULL),
    ("Vladimir Putin", "Владимир Владимирович Путин", Level.FULL),
    ("Yanukovych", "Янукович", Level.FULL),
    ("Boris Johnson", "Линдон Джонсон", Level.NONE),
    ("D. Logunov", "Борис Логунов", Level.NONE),
    ("Miller", "Роберт Мюллер", Level.NONE),
    ("Tillersen", "Рекс Тиллерсон", Level.SIMILAR),
])
def test_person_levels(query: str, name: str, level: Level) -> None:
    assert score(query, name, person=True) == level


def test_organisation_needs_every_word() -> None:
    assert score("European Parliament", "European Parliament", person=False) == Level.FULL
    assert score("European", "European Parliament", person=False) == Level.NONE


@pytest.mark.parametrize(("query", "problem"), [
    ("Ab", "too_short"), ("x", "too_short"), ("Ελλάδα", "script"), ("مرحبا", "script"),
    ("Лавrов", "mixed"), ("x" * 5000, "too_long"), ("ЕС", None), ("EU", None), ("Lavrov", None),
])
def test_query_checks(query: str, problem: str | None) -> None:
    assert check_query(query).problem == problem


def test_homoglyphs_are_read_as_cyrillic() -> None:
    checked = check_query("Лaвров")  # Latin "a"
    assert checked.problem is None and checked.fixed and checked.text == "Лавров"


def test_gazetteer_literal_lookup() -> None:
    assert lookup("Moscow")[0].ru == "Москва"
    assert lookup("Great Britain")[0].ru == "Великобритания"
    assert lookup("Великобритании")[0].ru == "Великобритания"
    assert lookup("US")[0].ru == "США" and lookup("us") == []  # a code only in capitals
    assert lookup("Austria")[0].ru == "Австрия" and lookup("Austri") == []
    assert english_names("Евросоюз", "organization")[:2] == ("European Union", "EU")
    assert english_names("Тереза Мэй", "person") == ()


def test_gazetteer_sizes_and_kinds() -> None:
    places = entries()
    assert len(places) > 700
    assert {p.kind for p in places} == {"location", "organization"}
    assert sum("cldr-city" in p.source for p in places) > 300


def test_shipped_gazetteer_is_what_the_generator_builds() -> None:
    out = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, 'scripts');"
                          "import build_gazetteer as b; sys.stdout.write(b.render(b.build()))"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout == (ROOT / "analysis/data/gazetteer.tsv").read_text(encoding="utf-8")


def test_english_aliases_only_on_evidence() -> None:
    text = ("Тереза Мэй (BBC) выступила. Пекка Вильякайнен (Pekka Viljakainen) ответил. "
            "Атлантический совет (Atlantic Council) опубликовал доклад.")
    actors = [Actor("Тереза Мэй", "person", 2, None, ("Тереза Мэй", "Мэй")),
              Actor("Пекка Вильякайнен", "person", 1, None, ("Пекка Вильякайнен",)),
              Actor("Атлантический совет", "organization", 1, None, ("Атлантический совет",)),
              Actor("Великобритания", "location", 1, None, ("Великобритания",))]
    may, pekka, council, uk = add_english_aliases(actors, text)
    assert "BBC" not in may.aliases and may.aliases == actors[0].aliases
    assert pekka.aliases[:2] == ("Пекка Вильякайнен", "Pekka Viljakainen")
    assert "Atlantic Council" in council.aliases
    assert uk.name == uk.aliases[0] and {"United Kingdom", "UK", "Britain", "Great Britain"} <= set(uk.aliases)


def _index(*rows: tuple[int, str, str, tuple[str, ...]]) -> NameIndex:
    return NameIndex(IndexedActor(i, kind, name, aliases, 1) for i, kind, name, aliases in rows)


def test_resolve_prefers_real_name_over_key_collision() -> None:
    index = _index((1, "organization", "МО", ("МО",)), (2, "person", "Тереза Мэй", ("Тереза Мэй", "Мэй")),
                   (3, "person", "Роберт Мюллер", ("Роберт Мюллер", "Мюллер")),
                   (4, "person", "Алексей Миллер", ("Алексей Миллер", "Миллер")))
    assert index.resolve("May").actor_ids == (2,)
    assert index.resolve("Theresa May").actor_ids == (2,)
    assert index.resolve("Тереза Мэй").actor_ids == (2,)
    assert index.resolve("Miller").kind == "exact" and index.resolve("Miller").actor_ids == (4,)


def test_place_query_never_answers_with_a_person() -> None:
    index = _index((1, "person", "Йенс Шпан", ("Йенс Шпан", "Шпан")))
    decision = index.resolve("Spain")
    assert decision.kind != "exact"


def test_noise_is_not_suggested() -> None:
    index = _index((1, "location", "Сербия", ("Сербия",)), (2, "organization", "Дума", ("Дума",)))
    decision = index.resolve("Обама")
    assert decision.kind == "none" and decision.suggestions == ()
