"""HTML views of library data: the article card, the dossier, list lines, alerts and digests.

Every stored string is escaped here (`esc`); every function returns Markup, so its result can be
passed into `t()` as a value without being escaped twice. Views may import `bot.i18n`,
`bot.render`, `bot.callbacks`, `storage.records` and the services' result types; nothing imports
a view except handlers, `bot.alerts` and `bot.background`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import Markup

from bot.i18n import Lang, t
from bot.render import esc, truncate
from storage.records import (
    ActionRow,
    ActorBrief,
    ActorDossier,
    ArticleBrief,
    ArticleFull,
    ClaimRow,
    LibraryStats,
    OutboxRow,
    SearchHit,
    TagBrief,
)

MAX_CARD_ACTORS = 8
MAX_CARD_CLAIMS = 6
MAX_CLAIM_CHARS = 300
MAX_CARD_ROLE_CHARS = 60
MAX_CARD_TITLE_CHARS = 300
MAX_CARD_LINK_CHARS = 80
#: Titles in one-line lists (recent, tag pages, search hits).
MAX_LINE_TITLE_CHARS = 120
MAX_ALERT_TITLE_CHARS = 200
MAX_ALERT_SUMMARY_CHARS = 200
MAX_DIGEST_TITLE_CHARS = 150
MAX_DOSSIER_ALIASES = 6
MAX_DOSSIER_ROLES = 5

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
}


def _l(lang: Lang, key: str) -> str:
    return L[key][lang]


def fmt_date(ts: int | None) -> str:
    if ts is None:
        return "—"
    return datetime.fromtimestamp(ts, UTC).strftime("%d.%m.%Y")


def fmt_datetime(ts: int | None) -> str:
    if ts is None:
        return "—"
    return datetime.fromtimestamp(ts, UTC).strftime("%d.%m.%Y %H:%M UTC")


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
    return Markup(f"#{brief.id} {title} · {fmt_date(brief.added_at)}{source}")


def card(full: ArticleFull, lang: Lang, *, note: str | None = None) -> Markup:
    """The reply card: title, source, summary, actors with roles, claims, tags, number."""
    a = full.article
    lines = [f"<b>{esc(truncate(article_title(a.title, lang), MAX_CARD_TITLE_CHARS))}</b>"]
    meta: list[str] = []
    if a.source:
        meta.append(esc(a.source))
    if a.via:
        meta.append(f"{_l(lang, 'via')} {esc(a.via)}")
    if a.origin_chat_title and a.origin_chat_title not in (a.source, a.via):
        meta.append(esc(a.origin_chat_title))
    if a.id:
        meta.append(f"#{a.id}")
    lines.append(" · ".join(meta))
    link = a.url or (
        f"https://t.me/{a.origin_chat_username}/{a.origin_message_id}"
        if a.origin_chat_username and a.origin_message_id else None
    )
    if link:
        lines.append(f'<a href="{esc(link)}">{esc(truncate(link, MAX_CARD_LINK_CHARS))}</a>')
    if note:
        lines.append(f"<i>{esc(note)}</i>")
    if a.status == "pending":
        lines.append(f"<i>{_l(lang, 'pending')}</i>")
    elif a.status == "failed":
        lines.append(f"<i>{_l(lang, 'failed')}</i>")
    if a.summary:
        lines.append("")
        lines.append(esc(" ".join(a.summary)))
    if full.actors:
        shown = []
        # People first (they carry the claims), then organizations, then places; each by mentions.
        order = {"person": 0, "organization": 1, "location": 2}
        ranked = sorted(full.actors, key=lambda a: (order.get(a.kind, 3), -a.mentions))
        for actor in ranked[:MAX_CARD_ACTORS]:
            role = f" ({esc(truncate(actor.role, MAX_CARD_ROLE_CHARS))})" if actor.role else ""
            shown.append(f"{esc(actor.name)}{role}")
        more = len(full.actors) - MAX_CARD_ACTORS
        tail = f" +{more}" if more > 0 else ""
        lines.append("")
        lines.append(f"<b>{_l(lang, 'actors')}</b>: " + ", ".join(shown) + tail)
    if full.claims:
        lines.append(f"<b>{_l(lang, 'claims')}</b>")
        for claim in full.claims[:MAX_CARD_CLAIMS]:
            speaker = esc(claim.speaker) if claim.speaker else "?"
            lines.append(f"• {speaker}: {claim_body(claim.text, claim.kind, claim.negated, lang)}")
        if len(full.claims) > MAX_CARD_CLAIMS:
            lines.append(f"… +{len(full.claims) - MAX_CARD_CLAIMS}")
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


def claim_body(text: str, kind: str, negated: bool, lang: Lang) -> Markup:
    """The claim's words, quoted when they are a quote; a denied statement says so first."""
    words = esc(truncate(text, MAX_CLAIM_CHARS))
    body = f"«{words}»" if kind == "quote" else str(words)
    return Markup(f"<i>{_l(lang, 'denies')}:</i> {body}" if negated else body)


def claim_line(claim: ClaimRow, lang: Lang, *, with_speaker: bool = False) -> Markup:
    body = claim_body(claim.text, claim.kind, claim.negated, lang)
    speaker = f"{esc(claim.speaker)}: " if with_speaker and claim.speaker else ""
    context = f" <i>({_l(lang, 'context')})</i>" if claim.speaker_ref in _CONTEXT_REFS else ""
    return Markup(f"• {speaker}{body} — #{claim.article_id}, {fmt_date(claim.article_added_at)}{context}")


def action_line(action: ActionRow, lang: Lang) -> Markup:
    text = esc(truncate(action.text, MAX_CLAIM_CHARS))
    return Markup(f"• {text} — #{action.article_id}, {fmt_date(action.article_added_at)}")


def dossier(d: ActorDossier, lang: Lang) -> Markup:
    actor = d.actor
    lines = [f"<b>{esc(actor.name)}</b> · {_KIND[lang].get(actor.kind, actor.kind)}"]
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
    return Markup(f"• <b>{esc(actor.name)}</b>{role} · {actor.articles}")


def tag_name(name: str, label_en: str | None) -> Markup:
    """A tag with its English label when that differs: `санкции / sanctions`."""
    label = f" / {esc(label_en)}" if label_en and label_en != name else ""
    return Markup(f"{esc(name)}{label}")


def tag_line(tag: TagBrief) -> Markup:
    return Markup(f"• {tag_name(tag.name, tag.label_en)} · {tag.articles}")


def search_hit(hit: SearchHit, lang: Lang) -> Markup:
    snippet = "".join(f"<b>{esc(text)}</b>" if match else esc(text) for text, match in hit.snippet)
    title = esc(truncate(article_title(hit.title, lang), MAX_LINE_TITLE_CHARS))
    return Markup(f"#{hit.article_id} <b>{title}</b> · {fmt_date(hit.added_at)}\n{snippet}")


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
    lines: list[str] = [t(language, "digest_head", count=len(rows))]
    for row in rows:
        full = articles.get(row.article_id)
        a = full.article if full else None
        title = article_title(a.title if a else row.article_title, language)
        source = f" · {esc(a.source)}" if a and a.source else ""
        matched = f" — {_matched(row)}" if row.matched else ""
        lines.append(f"• #{row.article_id} {esc(truncate(title, MAX_DIGEST_TITLE_CHARS))}{source}{matched}")
    lines.append(t(language, "digest_foot"))
    return Markup("\n".join(lines))
