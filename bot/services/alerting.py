"""Which subscriptions an article triggers: the matching rules, decided while it is filed.

A subscription fires when its target (a tag or an actor) is on the article, every one of its
``include`` conditions is too and none of its ``exclude`` conditions is. The chat that added the
article is not alerted about it (it has just seen it), nor is a paused chat (Telegram said 403).
A chat gets one alert per article, listing every subscribed target that matched, in
subscription order. Storage hands in the active subscriptions on any of the article's targets and
files whatever this returns in the same transaction as the analysis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from storage.records import Alert, MatchedTarget, SubscriptionCandidate, TargetRef


class SubscriptionRouting:
    """:class:`storage.protocols.AlertRules`."""

    def route(
        self,
        added_chat_id: int | None,
        labels: Mapping[TargetRef, str],
        candidates: Sequence[SubscriptionCandidate],
    ) -> list[Alert]:
        per_chat: dict[int, list[MatchedTarget]] = {}
        for s in candidates:
            if s.chat_id == added_chat_id or s.chat_paused or s.target not in labels:
                continue
            if not all(r in labels for r in s.include) or any(r in labels for r in s.exclude):
                continue
            matched = per_chat.setdefault(s.chat_id, [])
            if all((m.kind, m.id) != (s.target.kind, s.target.id) for m in matched):
                matched.append(MatchedTarget(s.target.kind, s.target.id, labels[s.target]))
        return [Alert(chat_id, tuple(matched)) for chat_id, matched in per_chat.items()]
