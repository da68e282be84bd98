"""Tests of analysis.keys: cross-script name keys, query variants, fuzzy threshold.

The tables are the contract: names as English-language press spells them next to the spelling the
Russian press uses. Hit rates are measured over whole tables (misses included), never by dropping the
pairs that fail.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.keys import (
    FUZZY_THRESHOLD,
    fuzzy_ratio,
    latin,
    query_variants,
    search_key,
    strip_case_ending,
)

# Every pair named in the design brief: each must match on its own.
NAMED_PAIRS: list[tuple[str, str]] = [
    ("Tillerson", "Тиллерсон"), ("Tillerson", "тиллерсон"), ("Tilerson", "Тиллерсон"),
    ("Hammond", "Хэммонд"), ("Mattis", "Мэттис"), ("McMaster", "Макмастер"), ("Dunford", "Данфорд"),
    ("Herbst", "Хербст"), ("Hudson", "Хадсон"), ("Shapiro", "Шапиро"), ("Stent", "Стент"),
    ("Lavrov", "Лавров"), ("Putin", "Путин"), ("Trump", "Трамп"), ("Obama", "Обама"), ("Kerry", "Керри"),
    ("Merkel", "Меркель"), ("Macron", "Макрон"), ("Johnson", "Джонсон"), ("Thompson", "Томпсон"),
    ("Washington", "Вашингтон"), ("Jackson", "Джексон"), ("Smith", "Смит"), ("Michael", "Майкл"),
    ("Philip", "Филип"), ("Christopher", "Кристофер"), ("Matthew", "Мэтью"), ("George", "Джордж"),
    ("Charles", "Чарльз"), ("Richard", "Ричард"), ("Zelensky", "Зеленский"), ("Zelenskyy", "Зеленский"),
    ("Khashoggi", "Хашогги"), ("Erdogan", "Эрдоган"), ("Mahathir", "Махатхир"), ("Snowden", "Сноуден"),
    ("Biden", "Байден"), ("Correa", "Корреа"), ("Vucic", "Вучич"), ("Morales", "Моралес"),
    ("Pompeo", "Помпео"), ("Bolton", "Болтон"), ("Stoltenberg", "Столтенберг"), ("Scholz", "Шольц"),
    ("Lindner", "Линднер"), ("von der Leyen", "фон дер Ляйен"), ("Netanyahu", "Нетаньяху"),
    ("Blinken", "Блинкен"), ("Sullivan", "Салливан"), ("Nuland", "Нуланд"),
]

# Known miss, documented rather than hacked: Portuguese final -s is "ш" in Russian (Гутерриш), and no
# general rule can tell it from English/Spanish -s (Jones/Джонс, Morales/Моралес).
KNOWN_MISSES = {("Guterres", "Гутерриш")}

# Surnames and single names (what aliases and /who queries mostly are). Includes the named pairs and
# the known miss; hit rate asserted over all of it.
SURNAMES: list[tuple[str, str]] = [
    *NAMED_PAIRS,
    ("Guterres", "Гутерриш"),
    ("Clinton", "Клинтон"), ("Harris", "Харрис"), ("Pence", "Пенс"), ("Pelosi", "Пелоси"),
    ("Sanders", "Сандерс"), ("McConnell", "Макконнелл"), ("McCain", "Маккейн"), ("Graham", "Грэм"),
    ("Schumer", "Шумер"), ("Comey", "Коми"), ("Mueller", "Мюллер"), ("Milley", "Милли"),
    ("Austin", "Остин"), ("Burns", "Бернс"), ("Psaki", "Псаки"), ("Price", "Прайс"), ("Rice", "Райс"),
    ("Albright", "Олбрайт"), ("Kissinger", "Киссинджер"), ("Brzezinski", "Бжезинский"),
    ("Hill", "Хилл"), ("Musk", "Маск"), ("Zuckerberg", "Цукерберг"), ("Bezos", "Безос"),
    ("Gates", "Гейтс"), ("Buffett", "Баффет"), ("Powell", "Пауэлл"), ("Yellen", "Йеллен"),
    ("Lagarde", "Лагард"), ("Georgieva", "Георгиева"), ("Assange", "Ассанж"), ("Manning", "Мэннинг"),
    ("Blair", "Блэр"), ("Brown", "Браун"), ("Cameron", "Кэмерон"), ("Thatcher", "Тэтчер"),
    ("Sunak", "Сунак"), ("Truss", "Трасс"), ("Starmer", "Стармер"), ("May", "Мэй"),
    ("Sarkozy", "Саркози"), ("Hollande", "Олланд"), ("Schroeder", "Шредер"),
    ("Steinmeier", "Штайнмайер"), ("Baerbock", "Бербок"), ("Draghi", "Драги"), ("Meloni", "Мелони"),
    ("Berlusconi", "Берлускони"), ("Sanchez", "Санчес"), ("Rutte", "Рютте"), ("Juncker", "Юнкер"),
    ("Tusk", "Туск"), ("Tsipras", "Ципрас"), ("Orban", "Орбан"), ("Duda", "Дуда"),
    ("Morawiecki", "Моравецкий"), ("Maduro", "Мадуро"), ("Guaido", "Гуайдо"), ("Bolsonaro", "Болсонару"),
    ("Castro", "Кастро"), ("Chavez", "Чавес"), ("Modi", "Моди"), ("Abe", "Абэ"), ("Ardern", "Ардерн"),
    ("Trudeau", "Трюдо"), ("Assad", "Асад"), ("Rouhani", "Роухани"), ("Khamenei", "Хаменеи"),
    ("Annan", "Аннан"), ("Poroshenko", "Порошенко"), ("Yanukovych", "Янукович"),
    ("Lukashenko", "Лукашенко"), ("Aliyev", "Алиев"), ("Pashinyan", "Пашинян"), ("Tokayev", "Токаев"),
    ("Peskov", "Песков"), ("Zakharova", "Захарова"), ("Shoigu", "Шойгу"), ("Medvedev", "Медведев"),
    ("Gorbachev", "Горбачев"), ("Yeltsin", "Ельцин"), ("Navalny", "Навальный"),
    ("Prigozhin", "Пригожин"), ("Kadyrov", "Кадыров"), ("Skripal", "Скрипаль"), ("Djokovic", "Джокович"),
    ("Giuliani", "Джулиани"), ("Hughes", "Хьюз"), ("Wright", "Райт"), ("Paul", "Пол"),
    ("Douglas", "Дуглас"), ("Walker", "Уокер"), ("Warren", "Уоррен"), ("White", "Уайт"),
    ("William", "Уильям"), ("Wilson", "Уилсон"), ("Howard", "Говард"), ("Thomas", "Томас"),
    ("Andrew", "Эндрю"), ("Peter", "Питер"), ("Joseph", "Джозеф"), ("Elizabeth", "Элизабет"),
    ("Stephen", "Стивен"), ("Anthony", "Энтони"), ("Mohammed", "Мохаммед"), ("Abdullah", "Абдалла"),
    ("Tedros", "Тедрос"), ("Boeing", "Боинг"), ("Google", "Гугл"), ("Microsoft", "Майкрософт"),
    ("Facebook", "Фейсбук"), ("Twitter", "Твиттер"), ("Pentagon", "Пентагон"), ("Chicago", "Чикаго"),
    ("Florida", "Флорида"), ("California", "Калифорния"), ("Schulz", "Шульц"), ("Szijjarto", "Сийярто"),
]

# Full names: first names are where foreign orthographies bite (Juan, Jens, Recep, Xi Jinping).
FULL_NAMES: list[tuple[str, str]] = [
    ("Rex Tillerson", "Рекс Тиллерсон"), ("Boris Johnson", "Борис Джонсон"), ("Theresa May", "Тереза Мэй"),
    ("Angela Merkel", "Ангела Меркель"), ("Emmanuel Macron", "Эммануэль Макрон"),
    ("Donald Trump", "Дональд Трамп"), ("Hillary Clinton", "Хиллари Клинтон"),
    ("Barack Obama", "Барак Обама"), ("Joe Biden", "Джо Байден"), ("Kamala Harris", "Камала Харрис"),
    ("Mike Pence", "Майк Пенс"), ("Nancy Pelosi", "Нэнси Пелоси"), ("Bernie Sanders", "Берни Сандерс"),
    ("Mitch McConnell", "Митч Макконнелл"), ("John McCain", "Джон Маккейн"),
    ("Lindsey Graham", "Линдси Грэм"), ("Jens Stoltenberg", "Йенс Столтенберг"),
    ("Olaf Scholz", "Олаф Шольц"), ("Ursula von der Leyen", "Урсула фон дер Ляйен"),
    ("Josep Borrell", "Жозеп Боррель"), ("Rishi Sunak", "Риши Сунак"), ("Liz Truss", "Лиз Трасс"),
    ("Keir Starmer", "Кир Стармер"), ("Tony Blair", "Тони Блэр"), ("David Cameron", "Дэвид Кэмерон"),
    ("Margaret Thatcher", "Маргарет Тэтчер"), ("Benjamin Netanyahu", "Биньямин Нетаньяху"),
    ("Recep Tayyip Erdogan", "Реджеп Тайип Эрдоган"), ("Xi Jinping", "Си Цзиньпин"),
    ("Antonio Guterres", "Антониу Гутерриш"), ("Kim Jong-un", "Ким Чен Ын"),
    ("Julian Assange", "Джулиан Ассанж"), ("Edward Snowden", "Эдвард Сноуден"),
    ("Jamal Khashoggi", "Джамаль Хашогги"), ("Mohammed bin Salman", "Мухаммед бин Сальман"),
    ("Bashar al-Assad", "Башар Асад"), ("Shinzo Abe", "Синдзо Абэ"), ("Justin Trudeau", "Джастин Трюдо"),
    ("Viktor Orban", "Виктор Орбан"), ("Andrzej Duda", "Анджей Дуда"),
    ("Mateusz Morawiecki", "Матеуш Моравецкий"), ("Nicolas Maduro", "Николас Мадуро"),
    ("Juan Guaido", "Хуан Гуайдо"), ("Evo Morales", "Эво Моралес"), ("Rafael Correa", "Рафаэль Корреа"),
    ("Hugo Chavez", "Уго Чавес"), ("Mike Pompeo", "Майк Помпео"), ("John Bolton", "Джон Болтон"),
    ("James Mattis", "Джеймс Мэттис"), ("Lloyd Austin", "Ллойд Остин"), ("Antony Blinken", "Энтони Блинкен"),
    ("Jake Sullivan", "Джейк Салливан"), ("Victoria Nuland", "Виктория Нуланд"),
    ("William Burns", "Уильям Бернс"), ("Jerome Powell", "Джером Пауэлл"), ("Janet Yellen", "Джанет Йеллен"),
    ("Condoleezza Rice", "Кондолиза Райс"), ("Madeleine Albright", "Мадлен Олбрайт"),
    ("Henry Kissinger", "Генри Киссинджер"), ("Angela Stent", "Анджела Стент"), ("Fiona Hill", "Фиона Хилл"),
    ("Elon Musk", "Илон Маск"), ("Mark Zuckerberg", "Марк Цукерберг"), ("Charles Michel", "Шарль Мишель"),
    ("Jean-Claude Juncker", "Жан-Клод Юнкер"), ("Frank-Walter Steinmeier", "Франк-Вальтер Штайнмайер"),
    ("Giorgia Meloni", "Джорджа Мелони"), ("Alexander Lukashenko", "Александр Лукашенко"),
    ("Ilham Aliyev", "Ильхам Алиев"), ("Nikol Pashinyan", "Никол Пашинян"),
    ("Kassym-Jomart Tokayev", "Касым-Жомарт Токаев"), ("Sergey Lavrov", "Сергей Лавров"),
    ("Sergei Lavrov", "Сергей Лавров"), ("Dmitry Peskov", "Дмитрий Песков"),
    ("Maria Zakharova", "Мария Захарова"), ("Mikhail Gorbachev", "Михаил Горбачев"),
    ("Alexei Navalny", "Алексей Навальный"), ("Yevgeny Prigozhin", "Евгений Пригожин"),
]

SURNAME_MIN_HIT_RATE = 0.95
FULL_NAME_MIN_HIT_RATE = 0.80

# Different people whose keys must stay apart (a consonant differs somewhere).
NEGATIVE_PAIRS: list[tuple[str, str]] = [
    ("Лавров", "Львов"), ("Обама", "Усама"), ("Путин", "Потанин"), ("Трамп", "Трумэн"),
    ("Джонсон", "Джексон"), ("Смит", "Шмидт"), ("Мэй", "Мейджор"), ("Клинтон", "Клейтон"),
    ("Макрон", "Макмиллан"), ("Моралес", "Морено"), ("Болтон", "Болт"), ("Салливан", "Сальвини"),
    ("Эрдоган", "Ордоньес"), ("Байден", "Брайан"), ("Меркель", "Мерц"), ("Помпео", "Помпиду"),
    ("Блинкен", "Блинов"), ("Шойгу", "Шуйский"), ("Медведев", "Медведчук"), ("Кадыров", "Катыров"),
    ("Obama", "Osama"), ("Lavrov", "Lvov"), ("Bush", "Busch Bass"), ("Johnson", "Jones"),
]


def _hit_rate(table: list[tuple[str, str]]) -> tuple[float, list[tuple[str, str, str, str]]]:
    misses = [(a, b, search_key(a), search_key(b)) for a, b in table if search_key(a) != search_key(b)]
    return 1 - len(misses) / len(table), misses


@pytest.mark.parametrize(("english", "russian"), NAMED_PAIRS)
def test_named_pair_keys_equal(english: str, russian: str) -> None:
    assert search_key(english) == search_key(russian)


@pytest.mark.parametrize(("english", "russian"), sorted(KNOWN_MISSES))
def test_known_misses_are_still_close_enough_for_fuzzy(english: str, russian: str) -> None:
    assert search_key(english) != search_key(russian)  # if this starts passing, move it to NAMED_PAIRS
    assert fuzzy_ratio(search_key(english), search_key(russian)) >= 75


def test_surname_table_hit_rate() -> None:
    assert len(SURNAMES) >= 60
    rate, misses = _hit_rate(SURNAMES)
    assert rate >= SURNAME_MIN_HIT_RATE, f"hit rate {rate:.3f}; misses: {misses}"


def test_full_name_table_hit_rate() -> None:
    rate, misses = _hit_rate(FULL_NAMES)
    assert rate >= FULL_NAME_MIN_HIT_RATE, f"hit rate {rate:.3f}; misses: {misses}"


def test_tables_have_no_duplicates() -> None:
    assert len(set(SURNAMES)) == len(SURNAMES)
    assert len(set(FULL_NAMES)) == len(FULL_NAMES)


@pytest.mark.parametrize(("a", "b"), NEGATIVE_PAIRS)
def test_different_people_keep_different_keys(a: str, b: str) -> None:
    assert search_key(a) != search_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Lavrov", "Lvov"), ("Лавров", "Львов"), ("Obama", "Osama"), ("Johnson", "Jackson"), ("Smith", "Schmidt"),
     ("Sullivan", "Salvini"), ("Putin", "Potanin"), ("Pompeo", "Pompidou"), ("Medvedev", "Medvedchuk")],
)
def test_different_people_are_not_fuzzy_matches(a: str, b: str) -> None:
    assert fuzzy_ratio(search_key(a), search_key(b)) < FUZZY_THRESHOLD


@pytest.mark.parametrize(
    ("typo", "name"),
    [("Tilerson", "Tillerson"), ("Tillersen", "Tillerson"), ("Tillersn", "Tillerson"),
     ("Tilleron", "Tillerson"), ("Stoltenburg", "Stoltenberg"), ("Lavrof", "Lavrov"),
     ("Zelenski", "Зеленский"), ("Netanyaho", "Нетаньяху"), ("Merkle", "Меркель"),
     ("Макмастр", "McMaster"), ("тилерсон", "Tillerson"), ("Trmp", "Trump"), ("Putn", "Путин"),
     ("Erdgan", "Erdogan"), ("Nulnd", "Nuland"), ("Stoltemberg", "Stoltenberg"), ("Bidne", "Biden")],
)
def test_typos_pass_fuzzy_threshold(typo: str, name: str) -> None:
    assert fuzzy_ratio(search_key(typo), search_key(name)) >= FUZZY_THRESHOLD


def test_fuzzy_ratio_range_and_identity() -> None:
    assert fuzzy_ratio("talarsan", "talarsan") == 100.0
    assert fuzzy_ratio("", "abc") == 0.0
    assert 0.0 <= fuzzy_ratio("abc", "xyz") <= 100.0
    assert 0 < FUZZY_THRESHOLD < 100


class TestLatin:
    def test_readable_wikipedia_scheme(self) -> None:
        assert latin("Рекс Тиллерсон") == "Reks Tillerson"
        assert latin("Сергей Лавров") == "Sergey Lavrov"
        assert latin("Владимир Зеленский") == "Vladimir Zelensky"
        assert latin("Борис Ельцин") == "Boris Yeltsin"

    def test_latin_input_unchanged(self) -> None:
        for text in ("Rex Tillerson", "Vučić", "", "123 abc!", "O'Brien"):
            assert latin(text) == text

    def test_yo_and_ukrainian_letters(self) -> None:
        assert latin("Пётр") == latin("Петр")
        assert latin("Київ").isascii()
        assert "ё" not in latin("ёлка")

    def test_mixed_script_keeps_latin_part(self) -> None:
        assert latin("компания Google") == "kompaniya Google"


class TestSearchKeyNormalisation:
    def test_case_yo_punctuation_and_zero_width(self) -> None:
        key = search_key("Тиллерсон")
        for variant in ("ТИЛЛЕРСОН", "тиллерсон", "Тил\u200bлерсон", "«Тиллерсон»", " Тиллерсон. ", "Тиллерсон!"):
            assert search_key(variant) == key
        assert search_key("Пётр") == search_key("Петр")
        assert search_key("Эрдоган") == search_key("Ердоган")

    def test_words_single_spaced(self) -> None:
        assert search_key("  фон   дер\tЛяйен ") == search_key("von der Leyen")
        assert "  " not in search_key("Жан-Клод   Юнкер")
        assert search_key("Жан-Клод Юнкер").count(" ") == 2

    def test_diacritics_keep_their_sound(self) -> None:
        assert search_key("Vučić") == search_key("Вучич")
        assert search_key("Erdoğan") == search_key("Эрдоган")
        assert search_key("Morales") == search_key("Morálès")

    def test_nfkc(self) -> None:
        assert search_key("Ｔｒｕｍｐ") == search_key("Trump")

    def test_soft_and_hard_signs_dropped(self) -> None:
        assert search_key("Меркель") == search_key("Меркел")
        assert search_key("объект") == search_key("обект")

    def test_digits_kept_and_empty_input(self) -> None:
        assert search_key("G7") != search_key("G20")
        assert search_key("") == ""
        assert search_key("!!! ---") == ""
        assert search_key("北京") == ""

    def test_al_particle_dropped(self) -> None:
        assert search_key("Bashar al-Assad") == search_key("Башар Асад") == search_key("Башар аль-Асад")


class TestQueryVariants:
    def test_typed_key_first(self) -> None:
        variants = query_variants("Лаврова")
        assert variants[0] == search_key("Лаврова")
        assert search_key("Лавров") in variants
        assert search_key("Lavrov") in variants

    @pytest.mark.parametrize(
        ("inflected", "lemma"),
        [("Лаврова", "Лавров"), ("Тиллерсона", "Тиллерсон"), ("Тиллерсоном", "Тиллерсон"),
         ("Тиллерсону", "Тиллерсон"), ("Лавровым", "Лавров"), ("Зеленского", "Зеленский"),
         ("Зеленскому", "Зеленский"), ("Обамы", "Обама"), ("Обамой", "Обама"), ("Шольца", "Шольц"),
         ("Макрону", "Макрон"), ("Трампом", "Трамп"), ("Путине", "Путин"), ("Сергея", "Сергей")],
    )
    def test_rule_based_stripping_without_lemmatizer(self, inflected: str, lemma: str) -> None:
        assert search_key(lemma) in query_variants(inflected)

    def test_injected_lemmatizer_is_used_per_word(self) -> None:
        lemmas = {"Рекса": "рекс", "Тиллерсона": "тиллерсон"}
        calls: list[str] = []

        def lemmatize(word: str) -> str:
            calls.append(word)
            return lemmas.get(word, word)

        variants = query_variants("Рекса Тиллерсона", lemmatize)
        assert calls == ["Рекса", "Тиллерсона"]
        assert variants[0] == search_key("Рекса Тиллерсона")
        assert variants[1] == search_key("Rex Tillerson")

    def test_with_lemmatizer_rule_stripper_not_used(self) -> None:
        assert query_variants("Лаврова", lambda w: w) == [search_key("Лаврова")]

    def test_nominative_surnames_not_cut(self) -> None:
        assert strip_case_ending("Лавров") == []
        assert strip_case_ending("Медведев") == []
        assert strip_case_ending("Сергей") == []
        assert query_variants("Лавров") == [search_key("Лавров")]

    def test_noun_plural_genitive_only_on_request(self) -> None:
        assert "выбор" in strip_case_ending("выборов", nouns=True)
        assert "выбор" not in strip_case_ending("выборов")

    def test_short_stems_not_cut(self) -> None:
        assert strip_case_ending("Кима") == []
        assert query_variants("Кима") == [search_key("Кима")]

    def test_latin_queries_not_stripped(self) -> None:
        assert strip_case_ending("Obama") == []
        assert query_variants("Obama") == [search_key("Obama")]

    def test_empty_and_bounded(self) -> None:
        assert query_variants("") == []
        assert query_variants("   ") == []
        assert len(query_variants("Лаврова Тиллерсона Зеленского Обамы Путина Трампа")) <= 8


class TestProperties:
    @settings(max_examples=400, deadline=None)
    @given(st.text())
    def test_never_raises_and_charset(self, text: str) -> None:
        key = search_key(text)
        assert set(key) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")
        assert key == key.strip()
        assert "  " not in key

    @settings(max_examples=400, deadline=None)
    @given(st.text())
    def test_idempotent(self, text: str) -> None:
        key = search_key(text)
        assert search_key(key) == key

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЕЁЖЗЙЦЧЩЭЮЯ -", max_size=40))
    def test_idempotent_on_cyrillic(self, text: str) -> None:
        key = search_key(text)
        assert search_key(key) == key
        assert set(key) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet="abcdeghijklmnopqrstuvwxyzcqxwy'- ", max_size=40))
    def test_idempotent_on_latin(self, text: str) -> None:
        key = search_key(text)
        assert search_key(key) == key

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=30), st.text(max_size=30))
    def test_query_variants_and_fuzzy_never_raise(self, a: str, b: str) -> None:
        for key in query_variants(a):
            assert key
            assert search_key(key) == key
        assert 0.0 <= fuzzy_ratio(search_key(a), search_key(b)) <= 100.0


def test_import_is_light() -> None:
    """The bot's main process imports analysis.keys: it must not drag in NLP or translit tables."""
    code = textwrap.dedent(
        """
        import sys, analysis
        before = set(sys.modules)
        import analysis.keys
        new = set(sys.modules) - before
        heavy = sorted(m for m in new if m.split(".")[0] in {"natasha", "iuliia", "rapidfuzz", "pymorphy2"})
        assert not heavy, heavy
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
