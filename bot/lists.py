"""Views of the library's lists and pages: who/claims/tags/search/recent answers, full text pages.

Each function takes what a service returned and gives a `View` (HTML + keyboard); the pager
buttons carry the callback kinds of `bot.callbacks`. All HTML of these answers is here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from markupsafe import Markup
from telegram import InlineKeyboardButton

from analysis.names import MAX_QUERY_CHARS
from analysis.topics import Topic
from bot import callbacks, cards
from bot.charts import captions as chart_views
from bot.i18n import Lang, count_of, plain, t
from bot.keyboards import (
    LABEL_CHARS,
    MAX_CONTEXT_BUTTONS,
    SHORT_LABEL_CHARS,
    View,
    button,
    card_keyboard,
    card_page_keyboard,
    delete_keyboard,
    kind_icon,
    markup,
    one_per_row,
    open_buttons,
    pager,
)
from bot.render import esc, html, truncate
from bot.services.exporting import ExportFile, ExportRequest
from bot.services.extract import MAX_DOCUMENT_BYTES
from bot.services.ingest import IngestOutcome
from bot.services.library import Page
from storage.records import (
    ActorBrief,
    ActorDossier,
    ArticleBrief,
    ArticleFull,
    ClaimRow,
    Period,
    SearchHit,
    TagBrief,
)

#: A user's query is echoed back cut to this width.
QUERY_CHARS = 60
#: Characters of an article's text per "full text" page (a Telegram message holds 4096).
FULL_TEXT_PAGE = 3500
#: An analysis error is shown cut to this width.
ERROR_CHARS = 200
#: Refusals of a link that could not be read: the reply adds "paste the text instead".
LINK_FAILURES = frozenset({"extract_timeout", "extract_refused", "extract_no_such_host", "extract_too_big",
                           "extract_no_article", "extract_private_address", "extract_unreachable",
                           "extract_http_error", "extract_not_text", "extract_too_many_redirects"})
#: A /delete confirmation button works this long.
DELETE_CONFIRM_MINUTES = 10


def lines(*parts: str) -> str:
    return "\n".join(parts)


def shown_query(query: str) -> str:
    return truncate(query, QUERY_CHARS)


def article_card(full: ArticleFull, language: Lang, note: str | None = None) -> View:
    """The card, with buttons to every actor and every claim when the card shows only some."""
    a = full.article
    return View(cards.card(full, language, note=note),
                card_keyboard(a.id, language, actors=len(full.actors), claims=len(full.claims)))


#: A view of one page of a card's parts (its actors, its claims), or the card itself.
CardPart = Callable[[ArticleFull, int, Lang], View]


def card_actors(full: ArticleFull, page_no: int, language: Lang) -> View:
    """A page of the card's "All actors" (it replaces the card; "‹ Card" brings it back)."""
    text, page_no, pages = cards.actors_page(full, page_no, language)
    return View(text, card_page_keyboard(callbacks.CARD_ACTORS, full.article.id, page_no, pages, language))


def card_claims(full: ArticleFull, page_no: int, language: Lang) -> View:
    text, page_no, pages = cards.claims_page(full, page_no, language)
    return View(text, card_page_keyboard(callbacks.CARD_CLAIMS, full.article.id, page_no, pages, language))


def delete_confirmation(full: ArticleFull, minute: int, language: Lang) -> View:
    """`/delete N` asks first: the button names the article and expires (see handlers.queries)."""
    title = cards.article_title(full.article.title, language)
    text = t(language, "delete_confirm", id=full.article.id, title=truncate(title, QUERY_CHARS),
             minutes=DELETE_CONFIRM_MINUTES)
    return View(text, delete_keyboard(full.article.id, minute, title, language))


def with_open_buttons(text: str, ids: Sequence[int], pager_row: list[InlineKeyboardButton]) -> View:
    """A list whose entries open their articles: a "#N" button per entry, then the pager."""
    return View(text, markup([*open_buttons(ids), pager_row]))


def ingest_outcome(outcome: IngestOutcome, language: Lang) -> View | None:
    """The answer to something sent for filing: the card, or why not (None: a later part of a
    multi-part post, answered by the card of the first)."""
    if outcome.status == "joined":
        return None
    if outcome.status == "refused":
        reason = outcome.reason or "not_understood"
        text = t(language, reason, mb=MAX_DOCUMENT_BYTES // 1_000_000)
        if reason in LINK_FAILURES:
            text = Markup(f"{text} {t(language, 'extract_paste_instead')}")
        return View(text)
    if outcome.status == "duplicate":
        return View(t(language, "duplicate", id=outcome.article_id))
    if outcome.status == "failed" or outcome.article is None:
        error = truncate(outcome.error or "?", ERROR_CHARS)
        return View(t(language, "analysis_failed", id=outcome.article_id, error=error))
    return article_card(outcome.article, language, t(language, "after_restart") if outcome.after_restart else None)


def question_hint(command: str, language: Lang) -> View:
    """A short question is not an article: point at the command that answers it."""
    return View(t(language, "question_hint", command=truncate(command, QUERY_CHARS)))


def dossier(d: ActorDossier, language: Lang) -> View:
    """The dossier; its latest articles open by their "#N" buttons."""
    rows = open_buttons([b.id for b in d.latest_articles])
    if d.claims_total > len(d.claims):
        rows.append([button(plain(language, "all_claims", total=d.claims_total), callbacks.CLAIMS, d.actor.id, 0)])
    rows.insert(0, chart_views.actor_buttons(d.actor.id, language))
    return View(cards.dossier(d, language), markup(rows))


def actor_choice(query: str, actors: Sequence[ActorBrief], language: Lang, *, claims: bool = False) -> View:
    """Several actors match: one button each (their dossier, or their claims for /claims)."""
    if claims:
        rows = one_per_row(((a.name, callbacks.CLAIMS, (a.id, 0)) for a in actors), LABEL_CHARS)
    else:
        rows = one_per_row(((f"{kind_icon(a.kind)} {a.name} — {a.role}" if a.role else f"{kind_icon(a.kind)} {a.name}",
                             callbacks.WHO, (a.id,)) for a in actors), LABEL_CHARS)
    return View(t(language, "who_ambiguous", query=shown_query(query)), markup(rows))


def actor_unknown(query: str, suggestions: Sequence[ActorBrief], language: Lang) -> View:
    text = t(language, "who_none", query=shown_query(query))
    if not suggestions:
        return View(text)
    rows = one_per_row(((f"{kind_icon(a.kind)} {a.name}", callbacks.WHO, (a.id,)) for a in suggestions), LABEL_CHARS)
    return View(lines(text, t(language, "who_suggest")), markup(rows))


def query_problem(problem: str, query: str, language: Lang) -> View:
    """Why a name query was not looked up (too short, another script, mixed scripts, too long)."""
    return View(t(language, "name_" + problem, query=shown_query(query), max=MAX_QUERY_CHARS))


def topic_choice(query: str, topics: Sequence[Topic], numbers: Sequence[int], language: Lang) -> View:
    """The query names part of several lexicon topics ("defense"): one button each."""
    rows = one_per_row(((f"#{tp.name} / {tp.label_en}", callbacks.TOPIC, (n,))
                        for tp, n in zip(topics, numbers, strict=True)), LABEL_CHARS)
    return View(t(language, "topic_choice", query=shown_query(query)), markup(rows))


def topic_empty(topic: Topic, number: int, language: Lang) -> View:
    """A lexicon topic no article has yet, with a button to follow it."""
    name = cards.tag_name(topic.name, topic.label_en)
    label = ("Подписаться на #" if language == "ru" else "Subscribe to #") + topic.name
    return View(t(language, "topic_empty", name=name),
                markup(one_per_row([(label, callbacks.SUB_TOPIC, (number,))], LABEL_CHARS)))


def top_actors(page: Page[ActorBrief], language: Lang) -> View:
    text = lines(t(language, "who_top"), *(cards.actor_line(a, language) for a in page.items))
    rows = one_per_row(((a.name, callbacks.WHO, (a.id,)) for a in page.items), SHORT_LABEL_CHARS)
    return View(text, markup([*rows, pager(page, language, callbacks.TOP_ACTORS)]))


def claims_page(actor_name: str, page: Page[ClaimRow], actor_id: int, language: Lang) -> View:
    parts: list[str] = [t(language, "claims_of", name=actor_name, total=page.total)]
    if not page.items:
        parts.append(cards.L["no_claims"][language])
    parts.extend(cards.claim_line(c, language) for c in page.items)
    ids = list(dict.fromkeys(c.article_id for c in page.items))
    return with_open_buttons(lines(*parts), ids, pager(page, language, callbacks.CLAIMS, actor_id))


def top_tags(tags: Sequence[TagBrief], language: Lang) -> View:
    return View(lines(t(language, "tags_top"), *(cards.tag_line(tag) for tag in tags)))


def tag_choice(query: str, tags: Sequence[TagBrief], language: Lang) -> View:
    rows = one_per_row(((tg.name, callbacks.TAG, (tg.id, 0)) for tg in tags), LABEL_CHARS)
    return View(t(language, "who_ambiguous", query=shown_query(query)), markup(rows))


def tag_unknown(query: str, language: Lang) -> View:
    return View(t(language, "tag_none", query=shown_query(query)))


def tag_page(tag: TagBrief, page: Page[ArticleBrief], language: Lang, period: Period | None = None) -> View:
    """A tag's articles (inside ``period`` of article dates, when given), each one opening."""
    head = t(language, "tag_articles", name=cards.tag_name(tag.name, tag.label_en),
             total=count_of(language, "article", page.total))
    if period is not None and not period.open:
        head = Markup(f"{head} · {cards.period_text(period, language)}")
        buttons = pager(page, language, callbacks.TAG_PERIOD, tag.id, callbacks.period_code(period.since, period.until))
    else:
        buttons = pager(page, language, callbacks.TAG, tag.id)
    text = lines(head, *(cards.article_line(a, language) for a in page.items))
    buttons = [*buttons, *chart_views.tag_buttons(tag.id, language)]
    return with_open_buttons(text, [a.id for a in page.items], buttons)


def search_page(query: str, page: Page[SearchHit], language: Lang) -> View:
    if not page.items:
        return View(t(language, "search_none", query=shown_query(query)))
    total = f"{page.total}+" if page.capped else str(page.total)
    found = count_of(language, "article", total)
    parts: list[str] = [t(language, "search_head", query=shown_query(query), total=found)]
    for hit in page.items:
        parts.extend(("", cards.search_hit(hit, language)))
    return with_open_buttons(lines(*parts), [h.article_id for h in page.items],
                             pager(page, language, callbacks.SEARCH))


def source_page(name: str, page: Page[ArticleBrief], language: Lang) -> View:
    """`/source NAME`: the outlet's articles (original or retelling), each one opening."""
    head = t(language, "source_articles", name=name, total=count_of(language, "article", page.total))
    text = lines(head, *(cards.article_line(a, language) for a in page.items))
    return with_open_buttons(text, [a.id for a in page.items], pager(page, language, callbacks.SOURCE))


def source_choice(query: str, outlets: Sequence[tuple[str, int]], language: Lang, *, matched: bool) -> View:
    """Several outlets match (``matched``), or none did and these are the library's outlets."""
    key = "who_ambiguous" if matched else ("source_none" if query else "source_list")
    parts = [t(language, key, query=shown_query(query))]
    parts.extend(html("• <code>/source {}</code> · {}", name, count_of(language, "article", n))
                 for name, n in outlets[:MAX_CONTEXT_BUTTONS * 2])
    return View(lines(*parts))


def export_caption(made: ExportFile, request: ExportRequest, language: Lang) -> str:
    """The caption under an exported file: how many articles, which period, zipped or not."""
    parts = [count_of(language, "article", made.articles)]
    if not request.period.open:
        parts.append(cards.period_text(request.period, language))
    if made.zipped:
        parts.append("zip")
    return str(t(language, "export_caption", what=" · ".join(parts)))


def recent(page: Page[ArticleBrief], language: Lang) -> View:
    text = lines(t(language, "recent_head"), *(cards.article_line(a, language) for a in page.items))
    return with_open_buttons(text, [a.id for a in page.items], pager(page, language, callbacks.RECENT))


def article_actors(full: ArticleFull, language: Lang) -> View:
    """`/who` as a reply to a card: that article's actors, each a button to their dossier."""
    parts = [t(language, "context_actors", id=full.article.id)]
    parts.extend(html("• <b>{}</b>", a.name) + (html(" — {}", a.role) if a.role else Markup(""))
                 + Markup(f" · {a.mentions}") for a in full.actors)
    rows = one_per_row(((a.name, callbacks.WHO, (a.actor_id,)) for a in full.actors[:MAX_CONTEXT_BUTTONS]),
                       SHORT_LABEL_CHARS)
    return View(lines(*parts), markup(rows))


def article_tags(full: ArticleFull, language: Lang) -> View:
    """`/tags` as a reply to a card: that article's tags, each a button to its articles."""
    parts = [t(language, "context_tags", id=full.article.id)]
    parts.extend(html("• {}", tg.name) + (html(" / {}", tg.label_en) if tg.label_en else Markup(""))
                 for tg in full.tags)
    rows = one_per_row(((tg.name, callbacks.TAG, (tg.tag_id, 0)) for tg in full.tags[:MAX_CONTEXT_BUTTONS]),
                       SHORT_LABEL_CHARS)
    return View(lines(*parts), markup(rows))


AboutArticle = Literal["actors", "tags", "claims"]


def about_article(full: ArticleFull, what: AboutArticle, language: Lang) -> View:
    if what == "actors":
        return article_actors(full, language)
    return article_tags(full, language) if what == "tags" else article_claims(full, language)


def article_claims(full: ArticleFull, language: Lang) -> View:
    """`/claims` as a reply to a card: the claims made in that article."""
    parts = [t(language, "context_claims", id=full.article.id)]
    for c in full.claims:
        body = html("«{}»", c.text) if c.kind == "quote" else esc(c.text)
        parts.append(html("• {}: ", c.speaker or "?") + body)
    return View(lines(*parts))


def full_text(article_id: int, text: str, page_no: int, language: Lang) -> View:
    """One page of an article's stored text, with a button to the next."""
    pages = max(1, -(-len(text) // FULL_TEXT_PAGE))
    page_no = min(max(0, page_no), pages - 1)
    chunk = text[page_no * FULL_TEXT_PAGE:(page_no + 1) * FULL_TEXT_PAGE]
    header = Markup(f"<b>#{article_id}</b> ({page_no + 1}/{pages})")
    rows = [[button(t(language, "next"), callbacks.FULL_TEXT, article_id, page_no + 1)]] if page_no + 1 < pages else []
    return View(lines(header, esc(chunk)), markup(rows))
