"""End to end: phrases, exclusions and dates in /search and /tags; English articles; snippets."""

from __future__ import annotations

from datetime import UTC, datetime

from test_queries_e2e import buttons

from harness import MEMBER, OWNER, RunningBot
from test_articles_e2e import CHANNEL, ask

# Written for these tests. One uses the phrase, the other both words far apart.
PHRASE = """Москва и Ереван расширят военное сотрудничество

Министр обороны Армении Давид Тоноян заявил в среду, что стороны подписали план, который расширяет военное
сотрудничество двух стран на ближайшие три года. По его словам, план предусматривает совместные учения и
подготовку офицеров. Документ вступит в силу после одобрения правительствами."""

APART = """Туристы возвращаются на побережье

Власти курортного района сообщили, что сотрудничество с туроператорами позволило продлить сезон до ноября.
Гостиницы заполнены почти полностью, а новые рейсы открыты из шести городов. Военное училище, расположенное
неподалёку, провело для гостей день открытых дверей, рассказали в администрации района."""

ENGLISH = """EU agrees new sanctions on Russian oil exports

BRUSSELS — European Union governments on Tuesday agreed a new package of sanctions targeting Russian oil
exports, diplomats said. The sanctions cap the price of crude shipped by sea and bar insurers from covering
cargoes sold above the cap. Officials said further sanctions were being prepared for the spring."""

CHROME = """Вестник Оригинал
Правительство утвердило программу ремонта мостов

Правительство утвердило программу ремонта мостов в северных регионах, сообщила пресс-служба кабинета
министров. Программа рассчитана на пять лет, первые работы начнутся весной. Ремонт коснётся более
двухсот мостов, сказал вице-премьер на заседании в понедельник.

Подписывайтесь на наш канал и делитесь новостями с друзьями"""


def day(y: int, m: int, d: int) -> int:
    return int(datetime(y, m, d, 12, tzinfo=UTC).timestamp())


async def post(bot: RunningBot, user: int, text: str, message_id: int, date: int | None = None) -> str:
    before = len(bot.api.texts(user))
    bot.api.forward_from_channel(user, text, channel_id=CHANNEL, channel_title="Лента", message_id=message_id,
                                 date=date)
    texts = await bot.api.wait_for_messages(user, before + 1, timeout=30)
    return texts[before]


async def test_a_quoted_phrase_finds_the_phrase_and_not_the_words_apart(bot: RunningBot) -> None:
    await post(bot, OWNER, PHRASE, 11)
    await post(bot, OWNER, APART, 12)
    both = await ask(bot, MEMBER, "/search военное сотрудничество")
    assert "/article_1 " in both and "/article_2 " in both
    phrase = await ask(bot, MEMBER, '/search "военное сотрудничество"')
    assert "/article_1 " in phrase and "/article_2 " not in phrase
    assert "<b>военное</b> <b>сотрудничество</b> двух стран" in bot.api.texts(MEMBER, raw=True)[-1]
    excluded = await ask(bot, MEMBER, "/search сотрудничество -туроператорами")
    assert "/article_1 " in excluded and "/article_2 " not in excluded
    alone = await ask(bot, MEMBER, "/search -туроператоры")
    assert "at least one word" in alone
    # A result opens its article by its button.
    await ask(bot, MEMBER, '/search "военное сотрудничество"')
    _, data, message_id = next(b for b in buttons(bot, MEMBER) if b[0] == "#1")
    before = len(bot.api.texts(MEMBER))
    bot.api.press_button(MEMBER, message_id, MEMBER, data)
    texts = await bot.api.wait_for_messages(MEMBER, before + 1)
    assert texts[-1].startswith("Москва и Ереван расширят военное сотрудничество")


async def test_search_and_tags_filter_by_the_articles_own_date(bot: RunningBot) -> None:
    await post(bot, OWNER, PHRASE, 21, date=day(2017, 9, 5))
    await post(bot, OWNER, ENGLISH, 22, date=day(2017, 11, 20))
    september = await ask(bot, MEMBER, "/search сотрудничество since:2017-09-01 until:2017-09-30")
    assert "/article_1 " in september
    later = await ask(bot, MEMBER, "/search сотрудничество since:2017-10-01")
    assert "Nothing found" in later
    tagged = await ask(bot, MEMBER, "/tags sanctions until:2017-10-31")
    assert "/article_2" not in tagged and "0 articles" in tagged
    tagged = await ask(bot, MEMBER, "/tags sanctions since:2017-11-01")
    assert "/article_2" in tagged and "1 article" in tagged and "since 01.11.2017" in tagged


async def test_an_english_article_names_its_language_and_is_tagged_and_found(bot: RunningBot) -> None:
    card = await post(bot, MEMBER, ENGLISH, 31)
    assert "This article is in English: names and claims are extracted from Russian text only so far" in card
    assert "#санкции" in card
    tags = await ask(bot, MEMBER, "/tags sanctions")
    assert "/article_1" in tags
    russian = await ask(bot, OWNER, "/tags санкции")
    assert "/article_1" in russian
    found = await ask(bot, MEMBER, "/search oil exports")
    assert "/article_1 " in found


async def test_snippets_never_quote_the_chrome(bot: RunningBot) -> None:
    await post(bot, OWNER, CHROME, 41)
    found = await ask(bot, MEMBER, "/search программа мостов")
    assert "/article_1 " in found
    assert "Оригинал" not in found and "Подписывайтесь" not in found
    chrome = await ask(bot, MEMBER, "/search подписывайтесь делитесь")
    assert "Nothing found" in chrome


async def test_source_lists_an_outlets_articles_original_or_retelling(bot: RunningBot) -> None:
    from test_card_e2e import add, long_analysis  # Коммерсантъ via ИноСМИ

    first = await add(bot, long_analysis(2, 1))
    found = await ask(bot, MEMBER, "/source kommersant")
    assert found.startswith("Outlet Коммерсантъ: 1 article") and f"/article_{first}" in found
    retold = await ask(bot, MEMBER, "/source иносми")
    assert f"/article_{first}" in retold
    unknown = await ask(bot, MEMBER, "/source Reuters")
    assert "No outlet “Reuters”" in unknown and "/source Коммерсантъ" in unknown


def test_a_period_packs_into_one_button_argument_and_back() -> None:
    from bot import callbacks

    since, until = day(2017, 9, 1) - 12 * 3600, day(2017, 9, 30) + 12 * 3600 - 1
    assert callbacks.period_of(callbacks.period_code(since, until)) == (since, until)
    assert callbacks.period_of(callbacks.period_code(None, until)) == (None, until)
    assert callbacks.period_of(callbacks.period_code(since, None)) == (since, None)
