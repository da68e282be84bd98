"""Tests of analysis.topics: the shipped lexicon, matching on natasha lemmas, /tags resolution."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from analysis.keys import search_key
from analysis.topics import (
    LENGTH_UNIT,
    MIN_SCORE,
    Topic,
    TopicHit,
    TopicsFileError,
    find_topic,
    load_topics,
    match_topics,
)

Lemmatizer = Callable[[str], list[str]]


@pytest.fixture(scope="session")
def lemmatize() -> Iterator[Lemmatizer]:
    """Text -> natasha lemmas in order (punctuation included), as the analysis pipeline produces them.

    natasha is a hard dependency: a broken install must fail here, not turn these tests into skips.
    """
    import natasha

    from analysis.models import load_models

    models = load_models()

    def run(text: str) -> list[str]:
        doc = natasha.Doc(text)
        doc.segment(models.segmenter)
        doc.tag_morph(models.morph_tagger)
        for token in doc.tokens:
            token.lemmatize(models.morph_vocab)
        return [str(token.lemma) for token in doc.tokens]

    yield run


SANCTIONS = (
    "Евросоюз утвердил новый пакет санкций против России. Ограничительные меры затронут экспорт "
    "технологий, а также включают эмбарго на поставки некоторых товаров. В черный список внесены еще "
    "200 физических и юридических лиц."
)
DIPLOMACY = (
    "Министр иностранных дел России Сергей Лавров провел переговоры с госсекретарем США Рексом "
    "Тиллерсоном. Дипломаты обсудили работу посольств и консульств. Посол был вызван в МИД, где ему "
    "вручили ноту протеста."
)
ELECTIONS = (
    "Центризбирком подвел итоги голосования. Явка на выборах составила 67 процентов, избиратели "
    "поддержали действующего кандидата. Во второй тур выходят два кандидата, бюллетени пересчитают на "
    "ряде избирательных участков."
)
NUCLEAR = (
    "Пентагон опубликовал обзор ядерной политики. Документ предусматривает разработку новых ядерных "
    "боеголовок малой мощности и модернизацию ядерного арсенала. Эксперты опасаются, что это подорвет "
    "договор СНВ и ускорит гонку вооружений."
)
RATES = (
    "Банк России повысил ключевую ставку на 100 базисных пунктов, до 16 процентов. Регулятор объяснил "
    "решение ускорением инфляции и ростом инфляционных ожиданий. Ослабление рубля также повлияло на "
    "решение ЦБ."
)
CYBER = (
    "Хакеры атаковали серверы энергетической компании. Кибератака вывела из строя систему управления, "
    "эксперты по кибербезопасности обнаружили вредоносную программу. Ответственность за взлом взяла "
    "хакерская группировка."
)
PROTESTS = (
    "Тысячи людей вышли на митинг в центре столицы. Протестующие требовали отставки правительства, "
    "полиция разогнала демонстрацию. Организаторы акции протеста обещают продолжить протесты."
)
WEATHER = (
    "В субботу в Москве ожидается солнечная погода, температура воздуха поднимется до плюс двадцати "
    "градусов. Синоптики советуют горожанам взять с собой зонт на выходные, так как вечером возможен "
    "небольшой дождь."
)

CASES = [
    (SANCTIONS, "санкции", {"выборы", "спорт", "пандемия", "протесты", "дипломатия"}),
    (DIPLOMACY, "дипломатия", {"протесты", "выборы", "санкции", "спорт"}),
    (ELECTIONS, "выборы", {"санкции", "война", "дипломатия", "спорт"}),
    (NUCLEAR, "ядерное оружие", {"выборы", "санкции", "спорт", "пандемия"}),
    (RATES, "процентные ставки", {"выборы", "санкции", "война", "спорт"}),
    (CYBER, "кибератаки", {"выборы", "санкции", "протесты", "спорт"}),
    (PROTESTS, "протесты", {"санкции", "спорт", "кибератаки", "ядерное оружие"}),
]


class TestShippedFile:
    def test_loads_with_enough_topics(self) -> None:
        topics = load_topics()
        assert len(topics) >= 170
        assert all(isinstance(t, Topic) for t in topics)

    def test_cached(self) -> None:
        assert load_topics() is load_topics()

    def test_no_duplicate_names_or_labels(self) -> None:
        topics = load_topics()
        names = [t.name for t in topics]
        labels = [t.label_en for t in topics]
        assert len(set(names)) == len(names)
        assert len(set(labels)) == len(labels)

    def test_every_row_well_formed(self) -> None:
        for t in load_topics():
            assert t.lemmas, t.name
            assert t.name == t.name.lower() and t.label_en == t.label_en.lower()
            assert t.weight > 0
            assert len(set(t.lemmas)) == len(t.lemmas)
            for lemma in t.lemmas:
                assert lemma == lemma.lower() and "ё" not in lemma and 1 <= len(lemma.split()) <= 2, lemma

    def test_brief_topics_present(self) -> None:
        labels = {t.label_en for t in load_topics()}
        for label in ("sanctions", "diplomacy", "elections", "war", "terrorism", "nuclear weapons",
                      "arms control", "nato", "european union", "oil", "gas", "pipelines", "inflation",
                      "interest rates", "tariffs", "cyberattacks", "espionage", "human rights",
                      "refugees", "vaccines", "press freedom", "propaganda", "drones", "semiconductors",
                      "arctic", "crimea", "iran nuclear deal", "north korea", "china-taiwan",
                      "prisoner exchanges", "ceasefire", "osce", "g7", "g20", "brics", "wto", "imf", "opec"):
            assert label in labels, label

    def test_every_name_and_label_resolves_to_itself(self) -> None:
        for t in load_topics():
            assert find_topic(t.name) is t, t.name
            assert find_topic(t.label_en) is t, t.label_en

    def test_lemmas_are_natasha_lemmas(self, lemmatize: Lemmatizer) -> None:
        """A lemma written by hand in dictionary form ("санкции") would never match natasha's output.

        natasha is not stable on a few words out of context (Ростех -> "ростеха" -> "ростех"), which is
        why the file carries both forms there; the bar is that nearly all lemmas are fixed points.
        """
        lemmas = [lemma for t in load_topics() for lemma in t.lemmas]
        unstable = [x for x in lemmas if " ".join(lemmatize(x)) != x]
        assert len(unstable) / len(lemmas) < 0.02, unstable


class TestMatchTopics:
    @pytest.mark.parametrize(("text", "expected", "unrelated"), CASES)
    def test_finds_topic_and_not_unrelated(
        self, lemmatize: Lemmatizer, text: str, expected: str, unrelated: set[str]
    ) -> None:
        hits = match_topics(lemmatize(text))
        names = [h.name for h in hits]
        assert expected in names[:2], hits
        assert not unrelated & set(names), hits
        assert all(isinstance(h, TopicHit) and h.score >= MIN_SCORE for h in hits)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)

    def test_neutral_text_has_no_topics(self, lemmatize: Lemmatizer) -> None:
        assert match_topics(lemmatize(WEATHER)) == []

    def test_one_stray_word_in_long_text_is_not_a_topic(self, lemmatize: Lemmatizer) -> None:
        long_text = " ".join([WEATHER] * 10) + " Вечером министр упомянул санкции."
        assert "санкции" not in {h.name for h in match_topics(lemmatize(long_text))}

    def test_repeated_topic_in_long_text_is_a_topic(self, lemmatize: Lemmatizer) -> None:
        long_text = " ".join([WEATHER] * 5 + [SANCTIONS] * 2)
        assert "санкции" in {h.name for h in match_topics(lemmatize(long_text))}

    def test_one_word_headline_is_enough(self) -> None:
        assert [h.name for h in match_topics(["новый", "санкция", "против", "банк"])][:1] == ["санкции"]

    def test_bigram_owns_its_words(self) -> None:
        # "нота протеста" is diplomacy; "протест" alone would be a protest.
        names = {h.name for h in match_topics(["посол", "вручить", "нота", "протест"])}
        assert "дипломатия" in names and "протесты" not in names
        # Punctuation breaks a bigram.
        assert match_topics(["ядерный", ".", "оружие"], min_score=0) != match_topics(
            ["ядерный", "оружие"], min_score=0
        )

    def test_limit_min_score_and_empty(self, lemmatize: Lemmatizer) -> None:
        lemmas = lemmatize(RATES)
        assert len(match_topics(lemmas, limit=2)) == 2
        assert match_topics(lemmas, limit=0) == []
        assert match_topics(lemmas, min_score=1e9) == []
        assert match_topics([]) == []
        assert match_topics([".", ",", "!"]) == []

    def test_input_case_and_yo_normalised(self) -> None:
        assert match_topics(["САНКЦИЯ"]) == match_topics(["санкция"])
        assert match_topics(["ЁЛКА", "санкция"]) == match_topics(["елка", "санкция"])

    def test_length_normalisation(self) -> None:
        short = match_topics(["санкция"] + ["слово"] * (LENGTH_UNIT - 1), min_score=0)
        long = match_topics(["санкция"] + ["слово"] * (4 * LENGTH_UNIT - 1), min_score=0)
        assert short[0].score == pytest.approx(2 * long[0].score)


class TestFindTopic:
    def test_sanctions_every_way(self) -> None:
        topic = find_topic("sanctions")
        assert topic is not None and topic.name == "санкции"
        for query in ("санкции", "санкций", "Санкциям", "САНКЦИИ", " sanctions ", "Sanctions", "sanction",
                      "#санкции", "эмбарго", "sanktsii"):
            assert find_topic(query) is topic, query

    @pytest.mark.parametrize(
        ("query", "name"),
        [("elections", "выборы"), ("выборов", "выборы"), ("nato", "нато"), ("НАТО", "нато"),
         ("crime", "преступность"), ("Крыма", "крым"), ("tariff", "пошлины"), ("нефти", "нефть"),
         ("ядерного оружия", "ядерное оружие"), ("nuclear weapons", "ядерное оружие"),
         ("хакеры", "кибератаки"), ("беженцев", "беженцы"), ("ИИ", "искусственный интеллект"),
         ("yuan", "юань"), ("ООН", "оон"), ("OSCE", "обсе"), ("G7", "большая семерка"),
         ("Nato", "нато"), ("украины", "украина")],
    )
    def test_resolves(self, query: str, name: str) -> None:
        topic = find_topic(query)
        assert topic is not None and topic.name == name

    def test_unknown_and_empty(self) -> None:
        assert find_topic("") is None
        assert find_topic("   ") is None
        assert find_topic("абракадабра") is None
        assert find_topic("!!!") is None

    def test_shared_key_is_not_guessed(self, tmp_path: Path) -> None:
        path = tmp_path / "t.tsv"
        path.write_text("name_ru\tlabel_en\tlemmas\tweight\nкрым\tpeninsula\tкрым\t1\nкрам\tother\tкрам\t1\n")
        topics = load_topics(path)
        assert search_key("krym") == search_key("крым") == search_key("крам")
        assert find_topic("крым", topics=topics) is topics[0]  # exact text wins
        assert find_topic("крама", topics=topics) is topics[1]  # case ending cut, then exact
        assert find_topic("krym", topics=topics) is None  # key shared by both: ambiguous, not guessed


class TestMalformedFile:
    @pytest.mark.parametrize(
        ("body", "line", "fragment"),
        [
            ("name\tlabel\tlemmas\n", 1, "header"),
            ("name_ru\tlabel_en\tlemmas\tweight\nсанкции\tsanctions\t\t1\n", 2, "no lemmas"),
            ("name_ru\tlabel_en\tlemmas\tweight\nсанкции\tsanctions\tсанкция\tмного\n", 2, "not a number"),
            ("name_ru\tlabel_en\tlemmas\tweight\nсанкции\tsanctions\n", 2, "columns"),
            ("name_ru\tlabel_en\tlemmas\tweight\nа\tb\tx\t1\n\nа\tc\ty\t1\n", 4, "duplicate name_ru"),
            ("name_ru\tlabel_en\tlemmas\tweight\nа\tb\tx\t1\nв\tb\ty\t1\n", 3, "duplicate label_en"),
            ("name_ru\tlabel_en\tlemmas\tweight\nСанкции\tsanctions\tx\t1\n", 2, "lowercase"),
            ("name_ru\tlabel_en\tlemmas\tweight\nа\tb\tСанкция\t1\n", 2, "lemma"),
            ("name_ru\tlabel_en\tlemmas\tweight\nа\tb\tx\t-1\n", 2, "positive"),
            ("name_ru\tlabel_en\tlemmas\tweight\nа\tb\tядерный боевой оружие\t1\n", 2, "two"),
        ],
    )
    def test_error_names_line(self, tmp_path: Path, body: str, line: int, fragment: str) -> None:
        path = tmp_path / "bad.tsv"
        path.write_text(body, encoding="utf-8")
        with pytest.raises(TopicsFileError, match=rf":{line}: .*{fragment}"):
            load_topics(path)

    def test_weight_optional_and_comments_skipped(self, tmp_path: Path) -> None:
        path = tmp_path / "ok.tsv"
        path.write_text("name_ru\tlabel_en\tlemmas\tweight\n# note\nа\tb\tx, y z\n", encoding="utf-8")
        assert load_topics(path) == (Topic(name="а", label_en="b", lemmas=("x", "y z"), weight=1.0),)
