"""/merge A B and /unmerge A: thin handlers over `bot.services.merging.Merging`."""

from __future__ import annotations

from telegram import Update

from bot import merge_views
from bot.services.merging import UnmergeOutcome
from handlers.common import Context, args_text, lang, reply, services_of


async def merge(update: Update, context: Context) -> None:
    language = lang(update)
    user = update.effective_user
    outcome = await services_of(context).merging.merge(args_text(update), user.id if user else None)
    await reply(update, merge_views.merge_outcome(outcome, language))

async def unmerge(update: Update, context: Context) -> None:
    language = lang(update)
    user = update.effective_user
    svc = services_of(context)
    access = await svc.access.check(user.id) if user else None
    outcome: UnmergeOutcome = await svc.merging.unmerge(args_text(update), user.id if user else None,
                                                       is_owner=bool(access and access.is_owner))
    await reply(update, merge_views.unmerge_outcome(outcome, language))

__all__ = ["merge", "unmerge"]
