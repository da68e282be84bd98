"""Quotes with no frame of their own that go on with the statement before them (`speaker_ref` "continuation").

Russian news quote a speaker once and then let the quotation run on without repeating the frame:

* a paragraph that is all quote after the speaker's statement («...», — сказал он. ¶ «...»);
  Russian typography opens « at every paragraph of a long quotation and closes it only at the end,
  so a run of paragraphs may carry one closing mark, or a quote opened after "X заявил:" may close
  paragraphs later;
* a quoted sentence after the statement in the same paragraph, after the attribution's own dash
  ("— добавила она. — «...»"), or a connective and a colon ("Или: «...»", "И ещё: «...»");
* a quoted sentence a few sentences on, when nobody else was named in between: the passage is still
  about the speaker.

Questions never continue an answer; a quote with an attribution of its own is not a continuation;
a continuation never crosses more than one paragraph break or a sentence naming another actor.
Everything is keyed by position with bisect, so hundreds of quotes cost no quadratic scan.
"""

from __future__ import annotations

import bisect
import re

from analysis.impersonal import UnnamedSources
from analysis.speakers import MIN_WORDS, OPENERS, Draft

#: A lead that only links to the quote before: "Или:", "И ещё:", "А также:", "Вот ещё:".
_CONNECTIVE = re.compile(
    r"(?:^|[.!?…»\"”)][ \t]*|\n[ \t]*)(?:(?:И|А|Или|Вот)\s+)?(?:ещё|еще|также|далее|дальше|снова|вот|наконец|потом"
    r"|затем|кроме\s+того|или)?[ \t]*:[ \t]*$",
    re.I,
)
#: How many sentences on a quote may still continue a statement when nobody else is named between.
_WINDOW = 4


class ContinuationPasses(UnnamedSources):
    """The passes that credit frameless quotes to the speaker of the statement before them."""

    # ------------------------------------------------------------------ helpers

    def _continue(self, prev: Draft, start: int, text: str) -> bool:
        """Add text at start as prev's speaker's continuation; count the reference as a mention."""
        count = len(self.drafts)
        self.add(start, (prev.speaker, prev.actor, "continuation"), text, "quote")
        if len(self.drafts) == count:
            return False
        if prev.actor:
            actor = next((k for k, a in enumerate(self.state.actors) if a.name == prev.actor), None)
            if actor is not None:
                self.resolver.count(actor, start)
        return True

    def _sorted_drafts(self) -> tuple[list[Draft], list[int]]:
        by_start = sorted(self.drafts, key=lambda d: d.start)
        return by_start, [d.start for d in by_start]

    @staticmethod
    def _asks(text: str) -> bool:
        return text.rstrip(" .…»\"”“").endswith("?")

    def _others_between(self, prev: Draft, start: int, stop: int) -> bool:
        """Whether an actor other than prev's speaker is named (outside quotes) in [start, stop)."""
        for m in self._mentions_in(start, stop):
            if self.in_quote[m.first] or m.kind == "location":
                continue
            if self.state.actors[m.actor].name != prev.actor:
                return True
        return False

    def _next_sentence(self, pos: int, limit: int) -> int:
        """Where the sentence after the one holding pos starts (limit when there is none)."""
        n = self._sent_of(pos) + 1
        return min(self.sent_starts[n], limit) if n < len(self.sent_starts) else limit

    def _has_verb(self, start: int, stop: int) -> bool:
        return any(self.tokens[i].pos in ("VERB", "AUX") for i in self._tok_range(start, stop))

    # ------------------------------------------------------------------ paragraphs

    def continuation_pass(self) -> None:
        """Paragraphs that are all quote, with no frame, right after a speaker's statement.

        The statement may be a quote or reported speech ending the previous paragraph; a paragraph
        with no opening mark continues too while the quotation before it is still open. A quote
        opened after a frame ("X заявил: «...") and left open at the paragraph's end is taken as
        that speaker's quote, and the paragraphs after it continue it.
        """
        text = self.text
        paras = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
        by_start, starts = self._sorted_drafts()
        open_speaker: Draft | None = None  # the statement whose quotation is still open
        for n, (p_start, p_stop) in enumerate(paras):
            if p_start < self.state.body_offset:
                continue
            body = text[p_start:p_stop].strip()
            lead_ws = len(text[p_start:p_stop]) - len(text[p_start:p_stop].lstrip())
            b_start = p_start + lead_ws
            i = bisect.bisect_left(starts, p_start)
            own = i < len(starts) and starts[i] < p_stop
            carried, open_speaker = open_speaker, None
            if own or (carried is None and body[:1] not in OPENERS):
                open_speaker = self._open_colon_quote(p_start, p_stop, body)
                if open_speaker is not None:
                    by_start, starts = self._sorted_drafts()
                continue
            if not body or self._asks(body):
                continue
            opened = body[:1] in OPENERS
            closer = OPENERS[body[0]] if opened else "»"
            end = body.rfind(closer, 1)
            tail = body[end + 1 :].strip() if end > 0 else ""
            if not opened and end <= 0:
                continue  # narration after an unclosed quote: a continuing paragraph opens with «
            if tail.strip(".…!?") or body.count(closer) > (1 if not opened or closer != body[0] else 2):
                continue  # something follows the quote (an attribution) or several quotes: not a continuation
            prev = carried
            if prev is None and n > 0:
                prev = self._last_statement(paras[n - 1], by_start, starts)
            if prev is None or prev.speaker is None:
                continue
            inner = body[1 if opened else 0 : end if end > 0 else len(body)]
            if self._continue(prev, b_start, inner):
                by_start, starts = self._sorted_drafts()
                if end <= 0:
                    open_speaker = prev  # no closing mark yet: the quotation goes on

    @staticmethod
    def _left_open(body: str) -> bool:
        """Whether the paragraph opens a quotation it never closes."""
        last_open = max(body.rfind(o) for o in "«„")
        return last_open >= 0 and body.find(OPENERS[body[last_open]], last_open + 1) < 0

    def _open_colon_quote(self, p_start: int, p_stop: int, body: str) -> Draft | None:
        """ "Котов заявил: «Рубль будет слабеть..." with no closing mark in the paragraph: the quote
        runs on into the next paragraphs; the part in this paragraph is the speaker's first words."""
        m = re.search(r":\s*«(?P<q>[^«»]+)$", body)
        if not m or not self._left_open(body):
            return None
        offset = self.text.find(body, p_start, p_stop)
        colon = offset + m.start()
        cut = max(self.text.rfind(ch, p_start, colon) for ch in ".!?»")
        region_start = max(p_start, cut + 1)
        verb = self._speech_verb(self._tok_range(region_start, colon))
        if verb is None:
            return None
        spk = self.speaker(region_start, colon, verb)
        if spk is None:
            return None
        count = len(self.drafts)
        self.used_verbs.add(verb)
        self.add(offset + m.start("q"), spk, m.group("q"), "quote", verb)
        return self.drafts[-1] if len(self.drafts) > count else None

    def _last_statement(self, para: tuple[int, int], by_start: list[Draft], starts: list[int]) -> Draft | None:
        """The statement a following paragraph may continue: the last one of the paragraph, when it
        is a quote or ends the paragraph (reported speech in its last sentence)."""
        lo, hi = bisect.bisect_left(starts, para[0]), bisect.bisect_left(starts, para[1])
        if lo == hi:
            return None
        prev = by_start[hi - 1]
        if prev.kind == "quote":
            return prev
        if self._sent_of(para[1] - 1) - self._sent_of(prev.start) > 0:
            return None  # a sentence of narration after the reported words
        return prev if prev.actor else None

    # ------------------------------------------------------------------ sentences

    def quote_sentence_pass(self) -> None:
        """A sentence that is all quote, with no attribution, after a statement.

        Right after it in the same paragraph (also after the attribution's dash: "— добавил он. —
        «...»", or a bare connective: "Или: «...»"), or up to a few sentences and one paragraph break
        later when the statement's speaker is an actor and nobody else is named in between.
        """
        text = self.text
        quote_end = {qs: qe for qs, qe in self.quotes}
        by_start, starts = self._sorted_drafts()
        seen = "\x00".join(d.text for d in self.drafts)
        for qs, qe in self.quotes:
            if qs < self.state.body_offset:
                continue
            inner = text[qs + 1 : qe - 1].strip()
            if len(inner.split()) < MIN_WORDS or self._asks(inner) or not inner[:1].isupper():
                continue
            lead = text[max(0, qs - 40) : qs]
            connective = bool(_CONNECTIVE.search(lead))
            bare = lead.rstrip(" \t")
            if bare.endswith(("—", "–")) and bare[:-1].rstrip()[-1:] in ".!?…":
                bare = bare[:-1].rstrip()  # "— добавила она. — «...»"
            if not connective and bare and bare[-1] not in ".!?…»\"”\n":
                continue  # not the start of a sentence
            if not re.match(r"[.!?…]?(?:[ \t]*(?:\n|$)|[ \t]+[А-ЯЁA-Z«\"„“])", text[qe : qe + 4]):
                continue  # an attribution or more words follow the quote
            i = bisect.bisect_left(starts, qs)
            if (i < len(starts) and starts[i] < qe) or inner[:40] in seen:
                continue
            if i == 0 or not self._has_verb(qs, qe):
                continue
            prev = by_start[i - 1]
            if prev.actor is None and prev.speaker is None:
                continue
            end = quote_end.get(prev.start, prev.start + 1) - 1 if prev.kind == "quote" else prev.start
            distance = self._sent_of(qs) - self._sent_of(end)
            breaks = len(re.findall(r"\n+", text[end:qs]))
            near = distance <= 1 and breaks == 0
            if not near and not (connective and breaks == 0 and distance <= 2):
                far_ok = prev.actor is not None and distance <= _WINDOW and breaks <= 1
                if not far_ok or self._others_between(prev, self._next_sentence(end, qs), qs):
                    continue
            if self._continue(prev, qs, inner):
                by_start, starts = self._sorted_drafts()
                seen += "\x00" + inner
