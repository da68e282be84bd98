"""Interface texts in Russian and English.

The user's Telegram `language_code` picks the language: Russian for `ru*`, English otherwise.
Templates are HTML written by us; `t()` escapes every value it inserts (unless the value is
already Markup: another `t()`, an `esc()`, an `html()` fragment), so no caller can forget to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup

from bot.render import esc

Lang = Literal["ru", "en"]


def lang_of(language_code: str | None) -> Lang:
    return "ru" if (language_code or "").lower().startswith("ru") else "en"


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    args: str
    ru: str
    en: str
    #: Shown in Telegram's command menu (the rest stay in /help only, to keep the menu short).
    menu: bool = True


COMMANDS: tuple[Command, ...] = (
    Command("start", "", "начать работу", "get started"),
    Command("help", "", "список команд", "list of commands"),
    Command("who", "ИМЯ", "досье на человека или организацию", "dossier on a person or organization"),
    Command("claims", "ИМЯ", "что говорил человек", "what a person said"),
    Command("tags", "ТЕГ", "статьи по тегу или список тегов", "articles by tag, or the top tags"),
    Command("search", "ТЕКСТ", "полнотекстовый поиск", "full-text search"),
    Command("recent", "", "последние статьи", "latest articles"),
    Command("source", "ИЗДАНИЕ", "статьи издания (оригинал или пересказ)",
            "articles from an outlet (original or retelling)"),
    Command("article", "N", "карточка статьи N", "card of article N"),
    Command("stats", "", "статистика библиотеки", "library statistics"),
    Command("export", "[json|csv] [ПЕРИОД]", "выгрузить библиотеку файлом", "the library as a file", menu=False),
    Command("graph", "ИМЯ [ПЕРИОД]", "картинка связей: кто с кем упоминается",
            "picture: who is mentioned with whom"),
    Command("trend", "ЦЕЛЬ [ПЕРИОД]", "график: статей в день или неделю", "chart: articles per day or week"),
    Command("delete", "N", "удалить статью N", "delete article N", menu=False),
    Command("subscribe", "ЦЕЛЬ", "подписаться на тег или человека", "subscribe to a tag or an actor"),
    Command("unsubscribe", "ЦЕЛЬ", "отменить подписку", "unsubscribe"),
    Command("subscriptions", "", "мои подписки", "what this chat follows"),
    Command("mute", "ЧАСЫ", "приостановить оповещения", "pause alerts", menu=False),
    Command("unmute", "", "возобновить оповещения", "resume alerts", menu=False),
    Command("digest", "daily|off|ЧЧ:ММ", "ежедневная сводка вместо оповещений", "daily digest instead of alerts",
            menu=False),
    Command("resume", "", "возобновить остановленную доставку", "resume paused alerts", menu=False),
    Command("feed", "add|list|remove", "каналы-источники (владелец)", "channel feeds (owner)", menu=False),
    Command("allow", "ID", "добавить участника (владелец)", "add a member (owner)", menu=False),
    Command("revoke", "ID", "убрать участника (владелец)", "remove a member (owner)", menu=False),
    Command("members", "", "участники (владелец)", "members (owner)", menu=False),
    Command("merge", "ИМЯ | ИМЯ", "объединить двух участников в одного", "merge two actors into one", menu=False),
    Command("unmerge", "ИМЯ", "отменить объединение", "undo a merge", menu=False),
)

_ARGS_EN = {"[json|csv] [ПЕРИОД]": "[json|csv] [PERIOD]", "ИЗДАНИЕ": "OUTLET",
            "ИМЯ": "NAME", "ИМЯ | ИМЯ": "NAME | NAME", "ТЕГ": "TAG", "ТЕКСТ": "TEXT", "ЦЕЛЬ": "TARGET", "ЧАСЫ": "HOURS",
            "ИМЯ [ПЕРИОД]": "NAME [PERIOD]", "ЦЕЛЬ [ПЕРИОД]": "TARGET [PERIOD]",
            "daily|off|ЧЧ:ММ": "daily|off|HH:MM"}

TEXTS: dict[str, dict[Lang, str]] = {
    "start": {
        "ru": "<b>Dossier</b> собирает статьи, которые вы пересылаете, и отвечает на вопросы о них: "
              "кто действующие лица, кто что заявил, о чём статья.\n\n"
              "Перешлите мне статью из канала, вставьте текст, пришлите файл .txt/.html или ссылку.",
        "en": "<b>Dossier</b> files the articles you forward and answers questions about them: "
              "who the actors are, who claimed what, what each article is about.\n\n"
              "Forward me an article from a channel, paste its text, or send a .txt/.html file or a link.",
    },
    "help_header": {"ru": "<b>Команды</b>", "en": "<b>Commands</b>"},
    "help_footer": {
        "ru": "Имена и теги можно писать по-русски или латиницей, в любом падеже: "
              "<code>/who Tillerson</code>, <code>/who Лаврова</code>, <code>/tags sanctions</code>.",
        "en": "Names and tags work in Russian or Latin script, in any case: "
              "<code>/who Tillerson</code>, <code>/who Лаврова</code>, <code>/tags sanctions</code>.",
    },
    "unknown_command": {
        "ru": "Не знаю команды {command}. Список команд: /help",
        "en": "I don't know the command {command}. See /help for the list.",
    },
    "not_understood": {
        "ru": "Это сообщение слишком короткое для статьи. Перешлите статью из канала, вставьте "
              "её текст целиком, пришлите файл или ссылку. Команды: /help",
        "en": "That message is too short to be an article. Forward an article from a channel, paste "
              "its full text, or send a file or a link. Commands: /help",
    },
    "unsupported": {
        "ru": "Такие сообщения я не обрабатываю. Пришлите текст статьи, файл или ссылку. Команды: /help",
        "en": "I can't use this kind of message. Send an article's text, a file or a link. Commands: /help",
    },
    "internal_error": {
        "ru": "Что-то пошло не так, и я не смог ответить. Ошибка записана; попробуйте ещё раз.",
        "en": "Something went wrong and I couldn't answer. The error is logged; please try again.",
    },
    "stranger": {
        "ru": "Это закрытая библиотека команды. Ваш Telegram id: <code>{user_id}</code> — "
              "передайте его владельцу бота, чтобы он добавил вас командой /allow.",
        "en": "This is a team's private library. Your Telegram id is <code>{user_id}</code>: "
              "send it to the bot's owner so they can add you with /allow.",
    },
    "became_owner": {
        "ru": "Вы — владелец этой библиотеки. Добавляйте участников командой /allow ID.",
        "en": "You are now the owner of this library. Add members with /allow ID.",
    },
    "owner_only": {"ru": "Это может сделать только владелец библиотеки.",
                   "en": "Only the library's owner can do that."},
    "working": {"ru": "Читаю статью…", "en": "Reading the article…"},
    "duplicate": {"ru": "Эта статья уже в библиотеке: /article_{id}",
                  "en": "This article is already in the library: /article_{id}"},
    "analysis_failed": {
        "ru": "Не получилось разобрать статью #{id} ({error}). Текст сохранён; попробуйте позже.",
        "en": "I couldn't analyse article #{id} ({error}). The text is stored; try again later.",
    },
    "after_restart": {"ru": "Проанализировано после перезапуска бота.",
                      "en": "Analysed after the bot restarted."},
    "empty_forward": {
        "ru": "В этом сообщении нет текста — перешлите пост с текстом или подписью.",
        "en": "This message has no text. Forward a post with text or a caption.",
    },
    "doc_too_big": {"ru": "Файл слишком большой (до {mb} МБ).", "en": "The file is too big (up to {mb} MB)."},
    "doc_type": {"ru": "Пришлите файл .txt, .md или .html.", "en": "Send a .txt, .md or .html file."},
    "extract_binary": {"ru": "Это не текстовый файл.", "en": "That is not a text file."},
    "extract_encoding": {"ru": "Не удалось прочитать кодировку файла (нужна UTF-8 или cp1251).",
                         "en": "I couldn't read the file's encoding (UTF-8 or cp1251 expected)."},
    "extract_no_article": {"ru": "Не нашёл на странице текста статьи (это не статья).",
                           "en": "I found no article text there (not an article)."},
    "extract_private_address": {"ru": "Эта ссылка ведёт во внутреннюю сеть — такие я не открываю.",
                                "en": "That link points to a private network address; I don't open those."},
    "extract_bad_url": {"ru": "Поддерживаются только ссылки http и https.",
                        "en": "Only http and https links are supported."},
    "extract_timeout": {"ru": "Страница не ответила вовремя (тайм-аут).",
                        "en": "The page did not answer in time (timeout)."},
    "extract_too_big": {"ru": "Страница больше допустимого размера.", "en": "The page is larger than the size limit."},
    "extract_unreachable": {"ru": "Не удалось открыть ссылку: сайт оборвал соединение.",
                            "en": "I couldn't open that link: the site dropped the connection."},
    "extract_refused": {"ru": "Сайт отказал в соединении (connection refused).",
                        "en": "The site refused the connection."},
    "extract_no_such_host": {"ru": "Такого сайта нет: адрес не находится (DNS).",
                             "en": "No such site: the address does not resolve (DNS)."},
    "extract_http_error": {"ru": "Сайт ответил ошибкой (страница не найдена или закрыта).",
                           "en": "The site answered with an error (page not found or closed)."},
    "extract_paste_instead": {"ru": "Скопируйте текст статьи и пришлите его сообщением или файлом .txt/.html.",
                              "en": "Copy the article's text and send it as a message or as a .txt/.html file."},
    "question_hint": {
        "ru": "Это похоже на вопрос, а не на статью. Попробуйте <code>{command}</code> — команды: /help",
        "en": "That looks like a question, not an article. Try <code>{command}</code>; commands: /help",
    },
    "extract_not_text": {"ru": "По ссылке не текст.", "en": "That link is not a text page."},
    "extract_too_many_redirects": {"ru": "Слишком много перенаправлений.", "en": "Too many redirects."},
    "usage": {"ru": "Использование: {usage}", "en": "Usage: {usage}"},
    "who_none": {"ru": "Никого похожего на «{query}» в библиотеке нет.",
                 "en": "Nobody like “{query}” in the library."},
    "who_suggest": {"ru": "Может быть, вы искали:", "en": "Did you mean:"},
    "name_too_short": {"ru": "«{query}» слишком коротко для имени: нужно хотя бы три буквы "
                             "(или аббревиатура вроде ЕС).",
                       "en": "“{query}” is too short for a name: give at least three letters "
                             "(or an abbreviation like EU)."},
    "name_too_long": {"ru": "Слишком длинный запрос: имя — это несколько слов, не больше {max} символов.",
                      "en": "That query is too long: a name is a few words, at most {max} characters."},
    "name_script": {"ru": "Имена ищутся латиницей или кириллицей; «{query}» написано другим алфавитом.",
                    "en": "Names are looked up in Latin or Cyrillic letters; “{query}” is in another script."},
    "name_mixed": {"ru": "В «{query}» одно слово смешивает латиницу и кириллицу — наберите его одним алфавитом.",
                   "en": "A word in “{query}” mixes Latin and Cyrillic letters: type it in one script."},
    "name_fixed": {"ru": "Латинские буквы в русском слове прочитаны как русские: ищу «{query}».",
                   "en": "Latin look-alike letters in a Cyrillic word were read as Cyrillic: looking for “{query}”."},
    "merge_usage": {"ru": "Использование: <code>/merge ИМЯ | ДРУГОЕ ИМЯ</code> — второй станет частью первого.",
                    "en": "Usage: <code>/merge NAME | OTHER NAME</code>: the second becomes part of the first."},
    "merge_done": {"ru": "Готово: «{absorbed}» теперь часть «{survivor}» (его имена — среди псевдонимов). "
                         "Отменить: /unmerge {survivor}",
                   "en": "Done: “{absorbed}” is now part of “{survivor}” (its names are among the aliases). "
                         "Undo: /unmerge {survivor}"},
    "merge_same": {"ru": "«{name}» — это уже один и тот же участник, объединять нечего.",
                   "en": "“{name}” is one actor already: nothing to merge."},
    "merge_kinds": {"ru": "«{a}» и «{b}» — человек и организация или место: такие не объединяю.",
                    "en": "“{a}” and “{b}” are a person and a place or body: I don't merge those."},
    "merge_ambiguous": {"ru": "Под «{query}» подходят несколько — уточните имя:",
                        "en": "Several match “{query}”: give a more precise name:"},
    "merge_not_found": {"ru": "«{query}» в библиотеке не нашлось — ничего не изменено.",
                        "en": "“{query}” is not in the library: nothing changed."},
    "merge_split": {"ru": "Не понял, где кончается первое имя. Разделите имена чертой: "
                          "<code>/merge Тереза Мэй | Theresa May</code>",
                    "en": "I can't tell where the first name ends. Separate them with a bar: "
                          "<code>/merge Тереза Мэй | Theresa May</code>"},
    "unmerge_usage": {"ru": "Использование: <code>/unmerge ИМЯ</code> — отменяет последнее объединение с ним.",
                      "en": "Usage: <code>/unmerge NAME</code>: undoes the latest merge into it."},
    "unmerge_done": {"ru": "Объединение отменено: «{absorbed}» снова отдельно от «{survivor}».",
                     "en": "Merge undone: “{absorbed}” is separate from “{survivor}” again."},
    "unmerge_never": {"ru": "С «{name}» ничего не объединяли — отменять нечего.",
                      "en": "Nothing was merged into “{name}”: nothing to undo."},
    "unmerge_forbidden": {"ru": "Это объединение сделал другой участник: отменить его может только он или владелец.",
                          "en": "Another member made this merge: only they or the owner can undo it."},
    "topic_choice": {"ru": "«{query}» — часть нескольких тем, выберите:",
                     "en": "“{query}” is part of several topics, pick one:"},
    "topic_empty": {"ru": "Статей на тему <b>#{name}</b> пока нет. Подписаться — и я пришлю первую же?",
                    "en": "No articles on <b>#{name}</b> yet. Subscribe, and I will send the first one?"},
    "who_ambiguous": {"ru": "Под «{query}» подходят несколько — выберите:",
                      "en": "Several match “{query}”, pick one:"},
    "who_top": {"ru": "<b>Чаще всего упоминаются</b>", "en": "<b>Most mentioned</b>"},
    "empty_library": {"ru": "Библиотека пока пуста — перешлите мне статью.",
                      "en": "The library is empty so far: forward me an article."},
    "claims_of": {"ru": "<b>Заявления: {name}</b> ({total})", "en": "<b>Claims by {name}</b> ({total})"},
    "tag_none": {"ru": "Тега «{query}» в библиотеке нет.", "en": "No tag “{query}” in the library."},
    "tag_articles": {"ru": "<b>#{name}</b> — {total}", "en": "<b>#{name}</b>: {total}"},
    "tags_top": {"ru": "<b>Популярные теги</b>", "en": "<b>Top tags</b>"},
    "search_none": {"ru": "По запросу «{query}» ничего не найдено.", "en": "Nothing found for “{query}”."},
    "search_head": {"ru": "<b>Поиск «{query}»</b> — {total}", "en": "<b>Search “{query}”</b>: {total}"},
    "search_needs_words": {
        "ru": "Нужно хотя бы одно слово, которое должно встретиться: <code>/search санкции -нефть 30d</code>. "
              "Фраза — в кавычках: <code>/search \"военное сотрудничество\"</code>; -слово исключает; "
              "<code>since:2017-09-01</code>, <code>until:2017-09-30</code> или <code>30d</code> в конце — "
              "по дате статьи.",
        "en": "Give at least one word that must occur: <code>/search sanctions -oil 30d</code>. Put a phrase "
              "in quotes: <code>/search \"military cooperation\"</code>; -word excludes; "
              "<code>since:2017-09-01</code>, <code>until:2017-09-30</code> or a trailing <code>30d</code> "
              "filter by the article's date.",
    },
    "export_usage": {
        "ru": "Использование: <code>/export [json|csv] [ПЕРИОД]</code>, например <code>/export csv 30d</code> или "
              "<code>/export since:2017-09-01 until:2017-09-30</code>.",
        "en": "Usage: <code>/export [json|csv] [PERIOD]</code>, e.g. <code>/export csv 30d</code> or "
              "<code>/export since:2017-09-01 until:2017-09-30</code>.",
    },
    "export_empty": {"ru": "За этот период статей нет — выгружать нечего.",
                     "en": "No articles in that period: nothing to export."},
    "export_too_big": {
        "ru": "Выгрузка больше 50 МБ — столько Telegram не пропустит. Выберите период покороче "
              "(<code>/export 30d</code>) или выгрузите на сервере: <code>python -m bot export PATH</code>.",
        "en": "The export is over 50 MB, more than Telegram accepts. Pick a shorter period "
              "(<code>/export 30d</code>) or export on the server: <code>python -m bot export PATH</code>.",
    },
    "export_caption": {"ru": "Библиотека Dossier: {what}", "en": "Dossier library: {what}"},
    "source_articles": {"ru": "<b>Источник: {name}</b> — {total}", "en": "<b>Outlet {name}</b>: {total}"},
    "source_none": {"ru": "Источника «{query}» в библиотеке нет. Известные источники:",
                    "en": "No outlet “{query}” in the library. The outlets it knows:"},
    "source_list": {"ru": "<b>Источники в библиотеке</b>", "en": "<b>Outlets in the library</b>"},
    "source_empty": {"ru": "Ни у одной статьи пока не определён источник.",
                     "en": "No article has a known outlet yet."},
    "recent_head": {"ru": "<b>Последние статьи</b>", "en": "<b>Latest articles</b>"},
    "article_missing": {"ru": "Статьи #{id} нет.", "en": "There is no article #{id}."},
    "bad_number": {"ru": "Укажите номер статьи, например: {example}", "en": "Give an article number, e.g. {example}"},
    "deleted": {"ru": "Статья #{id} удалена.", "en": "Article #{id} deleted."},
    "delete_forbidden": {"ru": "Удалить статью может только тот, кто её добавил, или владелец.",
                         "en": "Only the member who added it or the owner can delete this article."},
    "all_claims": {"ru": "Все заявления ({total})", "en": "All claims ({total})"},
    "all_actors": {"ru": "Все действующие лица ({total})", "en": "All actors ({total})"},
    "back_to_card": {"ru": "‹ Карточка", "en": "‹ Card"},
    "delete_confirm": {
        "ru": "Удалить статью #{id} «{title}» вместе с её действующими лицами, заявлениями и тегами? "
              "Пока вы не нажмёте кнопку, ничего не удаляется; кнопка действует {minutes} мин.",
        "en": "Delete article #{id} “{title}” with its actors, claims and tags? Nothing is removed until "
              "you press the button; it works for {minutes} min.",
    },
    "delete_button": {"ru": "🗑 Удалить #{id} «{title}»", "en": "🗑 Delete #{id} “{title}”"},
    "delete_keep": {"ru": "Оставить", "en": "Keep it"},
    "delete_kept": {"ru": "Статья #{id} осталась в библиотеке.", "en": "Article #{id} stays in the library."},
    "delete_expired": {"ru": "Подтверждение устарело — статья #{id} не удалена. Повторите /delete {id}.",
                       "en": "This confirmation has expired; article #{id} was not deleted. Repeat /delete {id}."},
    "full_text": {"ru": "Полный текст", "en": "Full text"},
    "open_card": {"ru": "Карточка", "en": "Card"},
    "next": {"ru": "Дальше ›", "en": "Next ›"},
    "prev": {"ru": "‹ Назад", "en": "‹ Back"},
    "expired": {"ru": "Эта кнопка устарела — повторите команду.", "en": "This button has expired; repeat the command."},
    "context_actors": {"ru": "<b>Действующие лица статьи #{id}</b>", "en": "<b>Actors of article #{id}</b>"},
    "context_tags": {"ru": "<b>Теги статьи #{id}</b>", "en": "<b>Tags of article #{id}</b>"},
    "context_claims": {"ru": "<b>Заявления в статье #{id}</b>", "en": "<b>Claims in article #{id}</b>"},
    "too_fast": {"ru": "Слишком много сообщений подряд — подождите минуту. Статьи, которые вы пересылаете, "
                       "я всё равно сохраню.",
                 "en": "Too many messages at once; please wait a minute. Articles you forward are still kept."},
    # Membership (handlers/admin.py)
    "member_added": {"ru": "Добавлен участник {who}. Доступ открыт сразу.",
                     "en": "Added {who} as a member. They have access right away."},
    "member_exists": {"ru": "{who} уже участник.", "en": "{who} is already a member."},
    "member_removed": {"ru": "{who} больше не участник. Доступ закрыт сразу.",
                       "en": "{who} is no longer a member. Access is closed right away."},
    "member_absent": {"ru": "{who} не участник.", "en": "{who} is not a member."},
    "member_is_owner": {"ru": "Владельца убрать нельзя.", "en": "The owner cannot be removed."},
    "member_bad_id": {
        "ru": "Укажите числовой Telegram id: <code>{command} 123456789</code>. Человек узнает свой id, "
              "написав боту.",
        "en": "Give a numeric Telegram id: <code>{command} 123456789</code>. People learn their id by "
              "writing to the bot.",
    },
    "member_no_target": {
        "ru": "Использование: <code>{command} ID</code> или ответьте {command} на пересланное сообщение "
              "этого человека.",
        "en": "Usage: <code>{command} ID</code>, or reply {command} to a forwarded message of that person.",
    },
    "member_hidden": {
        "ru": "Этот человек скрыл свой аккаунт в пересылках, id не виден. Попросите его написать боту — "
              "бот сообщит ему id — и добавьте: <code>{command} ID</code>.",
        "en": "That person hides their account in forwards, so their id is not visible. Ask them to write "
              "to the bot (it tells them their id), then use <code>{command} ID</code>.",
    },
    "member_is_bot": {"ru": "Это бот, его нельзя сделать участником.", "en": "That is a bot; bots can't be members."},
    "members_head": {"ru": "<b>Участники</b> ({count})", "en": "<b>Members</b> ({count})"},
    "members_foot": {"ru": "Добавить: /allow ID · убрать: /revoke ID",
                     "en": "Add: /allow ID · remove: /revoke ID"},
    "role_owner": {"ru": "владелец", "en": "owner"},
    "role_member": {"ru": "участник", "en": "member"},
    # Subscriptions, alerts, digests, feeds (handlers/subscriptions.py, handlers/feeds.py, bot/alerts.py)
    "sub_usage": {
        "ru": "Использование: <code>/subscribe ТЕГ или ИМЯ</code>, например <code>/subscribe санкции</code>, "
              "<code>/subscribe санкции -нефть</code> (кроме статей о нефти), "
              "<code>/subscribe Лавров +Сирия</code> (только вместе с Сирией).",
        "en": "Usage: <code>/subscribe TAG or NAME</code>, e.g. <code>/subscribe sanctions</code>, "
              "<code>/subscribe sanctions -oil</code> (except articles about oil), "
              "<code>/subscribe Lavrov +Syria</code> (only together with Syria).",
    },
    "sub_too_many_filters": {"ru": "Не больше {max} условий +/- в одной подписке.",
                             "en": "At most {max} +/- conditions per subscription."},
    "sub_empty_filter": {"ru": "После «{sign}» нужно слово: <code>/subscribe санкции -нефть</code>.",
                         "en": "Put a word after “{sign}”: <code>/subscribe sanctions -oil</code>."},
    "sub_created": {"ru": "Подписка оформлена: {target}{filters}. Новые статьи об этом придут сюда.",
                    "en": "Subscribed to {target}{filters}. New articles about it will be announced here."},
    "sub_ahead": {"ru": "Подписка оформлена: {target}{filters}. Статей об этом в библиотеке пока нет — "
                        "оповещение придёт с первой же.",
                  "en": "Subscribed to {target}{filters}. The library has no article about it yet: "
                        "the first one will come here."},
    "sub_exists": {"ru": "Эта подписка у чата уже есть: {target}{filters}.",
                   "en": "This chat already follows {target}{filters}."},
    "sub_with": {"ru": " — если в статье есть и это: {items}", "en": " — only together with {items}"},
    "sub_without": {"ru": " — кроме статей, где есть: {items}", "en": " — except articles about {items}"},
    "sub_ambiguous": {"ru": "Под «{query}» подходят несколько — на что подписаться?",
                      "en": "Several match “{query}”. Which one to follow?"},
    "sub_not_found": {"ru": "Ни тега, ни человека «{query}» в библиотеке нет.",
                      "en": "There is no tag or person “{query}” in the library."},
    "sub_bad_filter": {"ru": "Условие «{query}» не удалось однозначно понять — уточните его.",
                       "en": "I couldn't pin down the condition “{query}”; please be more specific."},
    "sub_too_many": {"ru": "У этого чата уже {max} подписок — отмените какую-нибудь (/subscriptions).",
                     "en": "This chat already has {max} subscriptions; remove one first (/subscriptions)."},
    "sub_list_head": {"ru": "<b>Подписки этого чата</b>", "en": "<b>This chat follows</b>"},
    "sub_list_empty": {"ru": "Подписок нет. Подписаться: <code>/subscribe санкции</code>",
                       "en": "No subscriptions. Subscribe with <code>/subscribe sanctions</code>"},
    "sub_removed": {"ru": "Подписка отменена: {target}.", "en": "Unsubscribed from {target}."},
    "sub_not_subscribed": {"ru": "Такой подписки у этого чата нет. Список: /subscriptions",
                           "en": "This chat has no such subscription. See /subscriptions"},
    "sub_choose": {"ru": "Какую подписку отменить?", "en": "Which subscription should go?"},
    "sub_status_muted": {"ru": "Оповещения приостановлены до {until} ({tz}).",
                         "en": "Alerts are muted until {until} ({tz})."},
    "sub_status_digest": {"ru": "Вместо оповещений — ежедневная сводка в {time} ({tz}).",
                          "en": "A daily digest at {time} ({tz}) instead of instant alerts."},
    "sub_status_paused": {"ru": "Доставка остановлена: Telegram не дал мне написать сюда. /resume — возобновить.",
                          "en": "Delivery is paused: Telegram refused my messages here. /resume to restart it."},
    "mute_usage": {"ru": "Использование: <code>/mute ЧАСЫ</code>, например <code>/mute 8</code>.",
                   "en": "Usage: <code>/mute HOURS</code>, e.g. <code>/mute 8</code>."},
    "muted": {"ru": "Оповещения приостановлены до {until} ({tz}). Пропущенные придут потом; /unmute — вернуть сейчас.",
              "en": "Alerts muted until {until} ({tz}). Missed ones arrive afterwards; /unmute to resume now."},
    "unmuted": {"ru": "Оповещения снова включены.", "en": "Alerts are back on."},
    "digest_usage": {
        "ru": "Использование: <code>/digest daily</code> (в 09:00), <code>/digest 18:30 Europe/Moscow</code> "
              "или <code>/digest off</code>.",
        "en": "Usage: <code>/digest daily</code> (at 09:00), <code>/digest 18:30 Europe/Moscow</code> "
              "or <code>/digest off</code>.",
    },
    "digest_bad_tz": {"ru": "Не знаю часового пояса «{tz}». Пример: Europe/Moscow.",
                      "en": "Unknown time zone “{tz}”. Example: Europe/Moscow."},
    "digest_on": {"ru": "Теперь вместо отдельных оповещений — одна сводка в день, в {time} по часовому поясу "
                        "{tz}. Другой пояс: <code>/digest {time} Europe/Moscow</code>; выключить: "
                        "<code>/digest off</code>.",
                  "en": "From now on one digest a day at {time}, time zone {tz}, instead of separate alerts. "
                        "Another zone: <code>/digest {time} Europe/Moscow</code>; back to alerts: "
                        "<code>/digest off</code>."},
    "digest_off": {"ru": "Сводка выключена, оповещения снова приходят сразу.",
                   "en": "Digest off; alerts arrive as they happen again."},
    "digest_head": {"ru": "<b>Сводка за день</b> — {count}", "en": "<b>Daily digest</b>: {count}"},
    "digest_foot": {"ru": "Карточка: /article N", "en": "Open a card with /article N"},
    "paused_notice": {
        "ru": "Оповещения в этот чат были остановлены: Telegram не давал мне сюда писать. Возобновить?",
        "en": "Alerts to this chat were stopped because Telegram refused my messages here. Resume them?",
    },
    "resume_button": {"ru": "Возобновить", "en": "Resume"},
    "resumed": {"ru": "Оповещения возобновлены; отложенные придут сейчас.",
                "en": "Alerts resumed; the held ones are on their way."},
    "not_paused": {"ru": "Оповещения в этот чат не остановлены.", "en": "Alerts to this chat are not paused."},
    "feed_usage": {
        "ru": "Каналы-источники: <code>/feed add @канал</code> (или перешлите сюда пост из канала с подписью "
              "/feed add), <code>/feed list</code>, <code>/feed remove @канал</code>. Сначала добавьте бота "
              "администратором канала.",
        "en": "Channel feeds: <code>/feed add @channel</code> (or forward a post of the channel here and reply "
              "to it with /feed add), <code>/feed list</code>, <code>/feed remove @channel</code>. Make the bot "
              "an admin of the channel first.",
    },
    "feed_private": {"ru": "Настраивайте каналы в личном чате с ботом.",
                     "en": "Set up feeds in a private chat with the bot."},
    "feed_not_found": {"ru": "Не нашёл канал {channel}.", "en": "I couldn't find the channel {channel}."},
    "feed_not_channel": {"ru": "{channel} — не канал.", "en": "{channel} is not a channel."},
    "feed_not_admin": {"ru": "Я не администратор канала {channel}: добавьте меня в администраторы и повторите.",
                       "en": "I am not an admin of {channel}: add me as an admin and try again."},
    "feed_added": {"ru": "Канал {channel} подключён: его посты будут попадать в библиотеку.",
                   "en": "Feed {channel} enabled: its posts will be filed in the library."},
    "feed_exists": {"ru": "Канал {channel} уже подключён.", "en": "Feed {channel} is already enabled."},
    "feed_removed": {"ru": "Канал {channel} отключён.", "en": "Feed {channel} removed."},
    "feed_missing": {"ru": "Канала {channel} среди источников нет.", "en": "{channel} is not a feed."},
    "feed_list_head": {"ru": "<b>Каналы-источники</b>", "en": "<b>Channel feeds</b>"},
    "feed_list_empty": {"ru": "Каналов-источников нет.", "en": "No channel feeds yet."},
}


def t(lang: Lang, key: str, **values: object) -> Markup:
    """The template ``key`` in ``lang`` with ``values`` inserted, each escaped unless it is Markup.

    str.format ignores the values a template does not use, so one call may serve several keys."""
    template = TEXTS[key][lang]
    return Markup(template.format(**{name: esc(value) for name, value in values.items()}))


PluralForm = Literal["one", "few", "many", "other"]


def plural_form(lang: Lang, n: int) -> PluralForm:
    """CLDR's cardinal plural category of the integer ``n``: Russian one/few/many (1, 21, 101 →
    one; 2–4, 22–24 → few; 0, 5–20, 11–14, 25 → many), English one/other."""
    n = abs(n)
    if lang == "en":
        return "one" if n == 1 else "other"
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


#: Counted nouns: Russian one/few/many, English one/other.
NOUNS: dict[str, dict[Lang, tuple[str, ...]]] = {
    "article": {"ru": ("статья", "статьи", "статей"), "en": ("article", "articles")},
    "claim": {"ru": ("заявление", "заявления", "заявлений"), "en": ("claim", "claims")},
    "actor": {"ru": ("действующее лицо", "действующих лица", "действующих лиц"), "en": ("actor", "actors")},
    "minute": {"ru": ("минуту", "минуты", "минут"), "en": ("minute", "minutes")},
    "hour": {"ru": ("час", "часа", "часов"), "en": ("hour", "hours")},
    "match": {"ru": ("совпадение", "совпадения", "совпадений"), "en": ("match", "matches")},
}
_FORM_INDEX: dict[PluralForm, int] = {"one": 0, "few": 1, "many": 2, "other": 1}


def noun(lang: Lang, key: str, n: int) -> str:
    """The noun ``key`` in the form the number ``n`` takes: `noun("ru", "article", 3)` → "статьи"."""
    return NOUNS[key][lang][_FORM_INDEX[plural_form(lang, n)]]


def count_of(lang: Lang, key: str, n: int | str) -> str:
    """"3 статьи", "1 article", "21 статья"; a count like "1000+" takes the form of its number."""
    digits = "".join(ch for ch in str(n) if ch.isdigit())
    return f"{n} {noun(lang, key, int(digits) if digits else 0)}"


def plain(lang: Lang, key: str, **values: object) -> str:
    """The template ``key`` as plain text, for button labels (Telegram shows them unparsed, so
    escaping would print "&amp;"); the template itself must hold no HTML."""
    return TEXTS[key][lang].format(**values)


def command_args(command: Command, lang: Lang) -> str:
    return command.args if lang == "ru" else _ARGS_EN.get(command.args, command.args)


def help_text(lang: Lang) -> Markup:
    lines = [t(lang, "help_header")]
    for command in COMMANDS:
        args = command_args(command, lang)
        usage = f"/{command.name}" + (f" {args}" if args else "")
        lines.append(esc(f"{usage} — {command.ru if lang == 'ru' else command.en}"))
    lines.append(Markup(""))
    lines.append(t(lang, "help_footer"))
    return Markup("\n").join(lines)
