"""HTML views of library data: the article card, the dossier, list lines, alerts and digests.

Every stored string is escaped here (`esc`); every function returns Markup, so its result can be
passed into `t()` as a value without being escaped twice. Views may import `bot.i18n`,
`bot.render`, `bot.callbacks`, `storage.records` and the services' result types; nothing imports
a view except handlers, `bot.alerts`, `bot.background` and the composition root (`bot.app` sets the
display zone).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from markupsafe import Markup

from bot.card_parts import grouped_actors, paginate, ranked_claims, summary_sentences
from bot.i18n import Lang, count_of, t
from bot.render import esc, truncate
from storage.records import (
    ActionRow,
    ActorBrief,
    ActorDossier,
    ArticleActor,
    ArticleBrief,
    ArticleClaim,
    ArticleFull,
    ArticleRow,
    ClaimRow,
    LibraryStats,
    OutboxRow,
    Period,
    SearchHit,
    TagBrief,
)

#: Actors of one kind named on the card (the rest are behind "All actors").
MAX_CARD_ACTORS_PER_KIND = 5
#: Claims on the card, strongest first (the rest are behind "All claims").
MAX_CARD_CLAIMS = 4
MAX_CLAIM_CHARS = 300
#: "All actors" / "All claims" pages: items per page and characters per page (one message).
ACTORS_PER_PAGE = 25
CLAIMS_PER_PAGE = 8
PAGE_BUDGET = 3300
MAX_CARD_TITLE_CHARS = 300
MAX_CARD_LINK_CHARS = 80
#: Titles in one-line lists (recent, tag pages, search hits).
MAX_LINE_TITLE_CHARS = 120
MAX_ALERT_TITLE_CHARS = 200
MAX_ALERT_SUMMARY_CHARS = 200
MAX_DIGEST_TITLE_CHARS = 150
MAX_DOSSIER_ALIASES = 6
MAX_DOSSIER_ROLES = 5

_GROUP: dict[Lang, dict[str, str]] = {
    "ru": {"person": "Люди", "organization": "Организации", "location": "Места"},
    "en": {"person": "People", "organization": "Organisations", "location": "Places"},
}

_LANGUAGE_NAMES: dict[Lang, dict[str, str]] = {
    "ru": {"en": "английском", "unknown": "неопознанном"},
    "en": {"en": "English", "unknown": "an unrecognised language"},
}

_KIND = {
    "ru": {"person": "человек", "organization": "организация", "location": "место"},
    "en": {"person": "person", "organization": "organization", "location": "place"},
}

L: dict[str, dict[Lang, str]] = {
    "actors": {"ru": "Действующие лица", "en": "Actors"},
    "claims": {"ru": "Заявления", "en": "Claims"},
    "article": {"ru": "Статья", "en": "Article"},
    "untitled": {"ru": "Без заголовка", "en": "Untitled"},
    "pending": {"ru": "ещё анализируется", "en": "still being analysed"},
    "failed": {"ru": "анализ не удался, текст сохранён", "en": "analysis failed; the text is stored"},
    "via": {"ru": "через", "en": "via"},
    "roles": {"ru": "Роли", "en": "Roles"},
    "articles_n": {"ru": "Статей", "en": "Articles"},
    "seen": {"ru": "Впервые / последний раз", "en": "First / last seen"},
    "with": {"ru": "Чаще всего рядом", "en": "Most often with"},
    "latest": {"ru": "Последние статьи", "en": "Latest articles"},
    "aliases": {"ru": "Также", "en": "Also"},
    "no_claims": {"ru": "Заявлений не найдено.", "en": "No claims found."},
    "reported": {"ru": "Что о них сообщается", "en": "What is reported about them"},
    "denies": {"ru": "отрицает", "en": "denies"},
    "context": {"ru": "по контексту", "en": "from context"},
    "truncated": {"ru": "текст обрезан для анализа", "en": "text was cut for analysis"},
    "added": {"ru": "добавлена", "en": "added"},
    "since": {"ru": "с", "en": "since"},
    "until": {"ru": "по", "en": "until"},
    "original": {"ru": "Оригинал", "en": "Original"},
    "and_more": {"ru": "и ещё {n}", "en": "and {n} more"},
    "more_claims": {"ru": "ещё заявлений: {n} — кнопка «Все заявления»",
                    "en": "{n} more: see “All claims”"},
    "all_actors_head": {"ru": "Действующие лица статьи #{id}: {total}", "en": "Actors of article #{id}: {total}"},
    "all_claims_head": {"ru": "Заявления в статье #{id}: {total}", "en": "Claims in article #{id}: {total}"},
    "foreign": {"ru": "Статья на {language} языке: имена и заявления пока извлекаются только из русских "
                      "текстов; темы размечены.",
                "en": "This article is in {language}: names and claims are extracted from Russian text "
                      "only so far; its topics are tagged."},
}


def _l(lang: Lang, key: str) -> str:
    return L[key][lang]


class _Display:
    """The zone every shown date is in: DEFAULT_TIMEZONE, set once by the composition root
    (`bot.app.build_application`) before any view runs; UTC until then."""

    zone: tzinfo = UTC


def set_display_zone(zone: tzinfo) -> None:
    _Display.zone = zone


def fmt_date(ts: int | None) -> str:
    if ts is None:
        return "—"
    return datetime.fromtimestamp(ts, _Display.zone).strftime("%d.%m.%Y")


def fmt_datetime(ts: int | None) -> str:
    if ts is None:
        return "—"
    moment = datetime.fromtimestamp(ts, _Display.zone)
    return moment.strftime("%d.%m.%Y %H:%M ") + (moment.tzname() or "UTC")


def period_text(period: Period, lang: Lang) -> str:
    """"01.09.2017 – 30.09.2017", "since 01.09.2017", "until 30.09.2017"."""
    if period.since is not None and period.until is not None:
        return f"{fmt_date(period.since)} – {fmt_date(period.until)}"
    if period.since is not None:
        return f"{_l(lang, 'since')} {fmt_date(period.since)}"
    return f"{_l(lang, 'until')} {fmt_date(period.until)}"


def hashtag(name: str) -> str:
    """A tag as a Telegram hashtag: letters, digits and underscores only."""
    word = "".join(ch if ch.isalnum() else "_" for ch in name.strip()).strip("_")
    while "__" in word:
        word = word.replace("__", "_")
    return "#" + word if word else ""


def article_title(title: str | None, lang: Lang) -> str:
    return title.strip() if title and title.strip() else _l(lang, "untitled")


def article_line(brief: ArticleBrief, lang: Lang) -> Markup:
    source = f" · {esc(brief.source)}" if brief.source else ""
    title = esc(truncate(article_title(brief.title, lang), MAX_LINE_TITLE_CHARS))
    return Markup(f"/article_{brief.id} {title} · {fmt_date(brief.added_at)}{source}")


def article_date(a: ArticleRow) -> int | None:
    """The article's own date: the page's date for a link, the post's date for a forward or an
    import (``published_at``, migration 007, which falls back to origin_date), never the filing day."""
    return a.published_at if a.published_at is not None else a.origin_date


def original_link(a: ArticleRow) -> str | None:
    """Where the original is: the page of a link, or the channel post of a forward."""
    if a.url:
        return a.url
    if a.origin_chat_username and a.origin_message_id:
        return f"https://t.me/{a.origin_chat_username}/{a.origin_message_id}"
    return None


def display_name(name: str, name_en: str | None, lang: Lang) -> str:
    """The English interface shows the English form first: "Sergey Lavrov (Сергей Лавров)"."""
    if lang == "en" and name_en and name_en != name:
        return f"{name_en} ({name})"
    return name


def _actor_item(actor: ArticleActor, lang: Lang) -> str:
    name = esc(display_name(actor.name, actor.name_en, lang))
    return f"{name} ({esc(actor.role)})" if actor.role else str(name)


def card(full: ArticleFull, lang: Lang, *, note: str | None = None) -> Markup:
    """The reply card: title; outlet, via, the article's own date, its number; the link to the
    original; two or three summary sentences; actors by kind with whole roles; the strongest
    claims; tags. Whatever does not fit is behind the card's "All actors" / "All claims" buttons."""
    a = full.article
    lines = [f"<b>{esc(truncate(article_title(a.title, lang), MAX_CARD_TITLE_CHARS))}</b>"]
    meta: list[str] = []
    if a.source:
        meta.append(esc(a.source))
    if a.via:
        meta.append(f"{_l(lang, 'via')} {esc(a.via)}")
    if a.origin_chat_title and a.origin_chat_title not in (a.source, a.via):
        meta.append(esc(a.origin_chat_title))
    date = article_date(a)
    meta.append(fmt_date(date) if date is not None else f"{_l(lang, 'added')} {fmt_date(a.added_at)}")
    if a.id:
        meta.append(f"#{a.id}")
    lines.append(" · ".join(meta))
    link = original_link(a)
    if link:
        lines.append(f'<a href="{esc(link)}">{_l(lang, "original")}</a>: {esc(truncate(link, MAX_CARD_LINK_CHARS))}')
    if note:
        lines.append(f"<i>{esc(note)}</i>")
    if a.status == "pending":
        lines.append(f"<i>{_l(lang, 'pending')}</i>")
    elif a.status == "failed":
        lines.append(f"<i>{_l(lang, 'failed')}</i>")
    elif a.language and a.language != "ru":
        lines.append(f"<i>{esc(foreign_note(a.language, lang))}</i>")
    summary = summary_sentences(a.summary, a.lead)
    if summary:
        lines.append("")
        lines.append(esc(" ".join(summary)))
    if full.actors:
        lines.append("")
        for kind, members in grouped_actors(full.actors):
            shown = ", ".join(_actor_item(m, lang) for m in members[:MAX_CARD_ACTORS_PER_KIND])
            more = len(members) - MAX_CARD_ACTORS_PER_KIND
            tail = f" {_l(lang, 'and_more').format(n=more)}" if more > 0 else ""
            lines.append(f"<b>{_GROUP[lang].get(kind, esc(kind))}</b>: {shown}{tail}")
    if full.claims:
        lines.append("")
        lines.append(f"<b>{_l(lang, 'claims')}</b>")
        ranked = ranked_claims(full.claims, full.actors)
        lines.extend(f"• {claim_item(c, lang, limit=MAX_CLAIM_CHARS)}" for c in ranked[:MAX_CARD_CLAIMS])
        if len(ranked) > MAX_CARD_CLAIMS:
            lines.append(f"<i>{_l(lang, 'more_claims').format(n=len(ranked) - MAX_CARD_CLAIMS)}</i>")
    tags = [hashtag(t.name) for t in full.tags]
    tags = [t for t in tags if t]
    if tags:
        lines.append("")
        lines.append(esc(" ".join(dict.fromkeys(tags))))
    if a.truncated:
        lines.append(f"<i>{_l(lang, 'truncated')}</i>")
    return Markup("\n".join(lines))


#: Speakers the text did not name where they spoke ("добавил он", "министр"): resolved from context.
_CONTEXT_REFS = ("pronoun", "role", "continuation")


def claim_body(text: str, kind: str, negated: bool, lang: Lang, *, limit: int | None = MAX_CLAIM_CHARS) -> Markup:
    """The claim's words, quoted when they are a quote; a denied statement says so first.
    ``limit=None`` keeps the words whole (the card's "All claims" pages)."""
    words = esc(truncate(text, limit) if limit else " ".join(text.split()))
    body = f"«{words}»" if kind == "quote" else str(words)
    return Markup(f"<i>{_l(lang, 'denies')}:</i> {body}" if negated else body)


def claim_item(claim: ArticleClaim, lang: Lang, *, limit: int | None) -> Markup:
    """"Speaker: «words»" as the card and its claim pages list a claim."""
    speaker = esc(claim.speaker) if claim.speaker else "?"
    return Markup(f"{speaker}: {claim_body(claim.text, claim.kind, claim.negated, lang, limit=limit)}")


def foreign_note(language: str, lang: Lang) -> str:
    """Why an article in another language has no actors or claims (topics are still tagged)."""
    name = _LANGUAGE_NAMES[lang].get(language, language)
    return _l(lang, "foreign").format(language=name)


def actors_page(full: ArticleFull, page_no: int, lang: Lang) -> tuple[Markup, int, int]:
    """Page ``page_no`` of all the article's actors, grouped by kind: (HTML, page shown, pages)."""
    rows: list[tuple[str, str]] = []  # (kind, line)
    for kind, members in grouped_actors(full.actors):
        for m in members:
            role = f" — {esc(m.role)}" if m.role else ""
            rows.append((kind, f"• {esc(display_name(m.name, m.name_en, lang))}{role} · {m.mentions}"))
    paged = paginate([len(line) + 1 for _, line in rows], budget=PAGE_BUDGET, max_items=ACTORS_PER_PAGE)
    page_no = min(max(0, page_no), paged.count - 1)
    head = _l(lang, "all_actors_head").format(id=full.article.id, total=len(rows))
    lines = [f"<b>{head}</b> ({page_no + 1}/{paged.count})"]
    last_kind = None
    for index in paged.pages[page_no]:
        kind, line = rows[index]
        if kind != last_kind:
            lines.append(f"<b>{_GROUP[lang].get(kind, esc(kind))}</b>")
            last_kind = kind
        lines.append(line)
    return Markup("\n".join(lines)), page_no, paged.count


def claims_page(full: ArticleFull, page_no: int, lang: Lang) -> tuple[Markup, int, int]:
    """Page ``page_no`` of all the article's claims, strongest first, each whole."""
    ranked = ranked_claims(full.claims, full.actors)
    rows = [f"• {claim_item(c, lang, limit=None)}" for c in ranked]
    paged = paginate([len(r) + 1 for r in rows], budget=PAGE_BUDGET, max_items=CLAIMS_PER_PAGE)
    page_no = min(max(0, page_no), paged.count - 1)
    head = _l(lang, "all_claims_head").format(id=full.article.id, total=len(rows))
    lines = [f"<b>{head}</b> ({page_no + 1}/{paged.count})"]
    lines.extend(rows[i] for i in paged.pages[page_no])
    return Markup("\n".join(lines)), page_no, paged.count


def claim_line(claim: ClaimRow, lang: Lang, *, with_speaker: bool = False) -> Markup:
    body = claim_body(claim.text, claim.kind, claim.negated, lang)
    speaker = f"{esc(claim.speaker)}: " if with_speaker and claim.speaker else ""
    context = f" <i>({_l(lang, 'context')})</i>" if claim.speaker_ref in _CONTEXT_REFS else ""
    return Markup(f"• {speaker}{body} — /article_{claim.article_id}, {fmt_date(claim.article_added_at)}{context}")


def action_line(action: ActionRow, lang: Lang) -> Markup:
    text = esc(truncate(action.text, MAX_CLAIM_CHARS))
    return Markup(f"• {text} — /article_{action.article_id}, {fmt_date(action.article_added_at)}")


def dossier(d: ActorDossier, lang: Lang) -> Markup:
    actor = d.actor
    shown = display_name(actor.name, actor.name_en, lang)
    lines = [f"<b>{esc(shown)}</b> · {_KIND[lang].get(actor.kind, actor.kind)}"]
    others = [al for al in d.aliases if al != actor.name][:MAX_DOSSIER_ALIASES]
    if others:
        lines.append(f"{_l(lang, 'aliases')}: " + ", ".join(esc(al) for al in others))
    if d.roles:
        roles = d.roles[:MAX_DOSSIER_ROLES]
        lines.append(f"{_l(lang, 'roles')}: " + "; ".join(f"{esc(r.role)} ({r.articles})" for r in roles))
    lines.append(f"{_l(lang, 'articles_n')}: {d.articles} · {_l(lang, 'seen')}: "
                 f"{fmt_date(d.first_seen)} / {fmt_date(d.last_seen)}")
    if d.claims:
        lines.append("")
        lines.append(f"<b>{_l(lang, 'claims')}</b> ({d.claims_total})")
        lines.extend(claim_line(c, lang) for c in d.claims)
    if d.actions:
        lines.append("")
        lines.append(f"<b>{_l(lang, 'reported')}</b>")
        lines.extend(action_line(a, lang) for a in d.actions)
    if d.co_mentioned:
        lines.append("")
        lines.append(f"<b>{_l(lang, 'with')}</b>: " + ", ".join(
            f"{esc(c.name)} ({c.articles})" for c in d.co_mentioned))
    if d.latest_articles:
        lines.append("")
        lines.append(f"<b>{_l(lang, 'latest')}</b>")
        lines.extend(article_line(b, lang) for b in d.latest_articles)
    return Markup("\n".join(lines))


def actor_line(actor: ActorBrief, lang: Lang) -> Markup:
    role = f" — {esc(actor.role)}" if actor.role else ""
    return Markup(f"• <b>{esc(display_name(actor.name, actor.name_en, lang))}</b>{role} · {actor.articles}")


def tag_name(name: str, label_en: str | None) -> Markup:
    """A tag with its English label when that differs: `санкции / sanctions`."""
    label = f" / {esc(label_en)}" if label_en and label_en != name else ""
    return Markup(f"{esc(name)}{label}")


def tag_line(tag: TagBrief) -> Markup:
    return Markup(f"• {tag_name(tag.name, tag.label_en)} · {tag.articles}")


def search_hit(hit: SearchHit, lang: Lang) -> Markup:
    snippet = "".join(f"<b>{esc(text)}</b>" if match else esc(text) for text, match in hit.snippet)
    title = esc(truncate(article_title(hit.title, lang), MAX_LINE_TITLE_CHARS))
    return Markup(f"/article_{hit.article_id} <b>{title}</b> · {fmt_date(hit.added_at)}\n{snippet}")


def stats(s: LibraryStats, lang: Lang) -> Markup:
    if lang == "ru":
        rows = [("Статей", s.articles), ("Действующих лиц", s.actors), ("Заявлений", s.claims),
                ("Тегов", s.tags), ("В обработке", s.pending), ("С ошибкой анализа", s.failed)]
        last = "Последняя статья"
        head = "<b>Библиотека</b>"
    else:
        rows = [("Articles", s.articles), ("Actors", s.actors), ("Claims", s.claims), ("Tags", s.tags),
                ("Being analysed", s.pending), ("Analysis failed", s.failed)]
        last = "Last article"
        head = "<b>Library</b>"
    lines = [head, *(f"{name}: {value}" for name, value in rows), f"{last}: {fmt_datetime(s.last_added_at)}"]
    return Markup("\n".join(lines))


def _matched(row: OutboxRow) -> str:
    return ", ".join(f"<b>{esc(m.label)}</b>" for m in row.matched)


def alert_text(row: OutboxRow, full: ArticleFull | None, language: Lang) -> Markup:
    """Short on purpose: title, source, what matched (bold), one line of summary, the number."""
    a = full.article if full else None
    title = article_title(a.title if a else row.article_title, language)
    lines = [f"🔔 <b>{esc(truncate(title, MAX_ALERT_TITLE_CHARS))}</b>"]
    meta = [esc(a.source)] if a and a.source else []
    if a and a.origin_chat_title and a.origin_chat_title != a.source:
        meta.append(esc(a.origin_chat_title))
    meta.append(Markup(f"#{row.article_id}"))
    lines.append(" · ".join(meta))
    if row.matched:
        lines.append(_matched(row))
    summary = (a.summary[0] if a.summary else a.lead) if a else None
    if summary:
        lines.append(esc(truncate(summary, MAX_ALERT_SUMMARY_CHARS)))
    return Markup("\n".join(lines))


def digest_text(rows: list[OutboxRow], articles: dict[int, ArticleFull | None], language: Lang) -> Markup:
    lines: list[str] = [t(language, "digest_head", count=count_of(language, "article", len(rows)))]
    for row in rows:
        full = articles.get(row.article_id)
        a = full.article if full else None
        title = article_title(a.title if a else row.article_title, language)
        source = f" · {esc(a.source)}" if a and a.source else ""
        matched = f" — {_matched(row)}" if row.matched else ""
        lines.append(f"• #{row.article_id} {esc(truncate(title, MAX_DIGEST_TITLE_CHARS))}{source}{matched}")
    lines.append(t(language, "digest_foot"))
    return Markup("\n".join(lines))
