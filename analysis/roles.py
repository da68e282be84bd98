"""The position a person holds, as the article words it.

Russian news name a person with the title in front ("госсекретарь США Рекс Тиллерсон", "министра
обороны Джеймса Мэттиса") or as an apposition after a comma ("Джон Хербст, директор Атлантического
совета"). A role noun from the lexicon starts the title; the words up to the name (a genitive chain,
"по ..." phrases, org and place names) complete it. Only the role noun and its modifiers are put in the
nominative: the tail is already in the case the noun governs, so it is kept verbatim.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analysis.lexicon import ROLE_MODIFIERS, ROLE_NOUNS
from analysis.morph import to_nominative
from analysis.state import Mention, State, Token

if TYPE_CHECKING:
    from analysis.models import Models

_MAX_WINDOW = 12
_INNER_PUNCT = {"«", "»", "„", "“", "”", '"', "-"}
_STOP_POS = {"VERB", "AUX", "PRON", "SCONJ", "PART", "NUM", "ADV", "INTJ"}


def _is_role_noun(tok: Token, first_in_sentence: bool) -> bool:
    if tok.lemma not in ROLE_NOUNS:
        return False
    return tok.text[:1].islower() or first_in_sentence


def _phrase(state: State, models: Models, tokens: list[Token], head: int) -> str:
    """Render tokens[...]: modifiers and role noun in the nominative, the rest verbatim."""
    vocab = models.morph_vocab
    words: list[str] = []
    for i, tok in enumerate(tokens):
        word = to_nominative(vocab, tok.text, tok.pos, tok.feats) if i <= head else tok.text
        if i == 0 and word[:1].isupper() and word[1:2].islower():
            word = word[0].lower() + word[1:]
        if words and (tok.start == tokens[i - 1].stop or tokens[i - 1].text in ("«", "„", "“")):
            words[-1] += word
        else:
            words.append(word)
    return " ".join(words).strip()


def _person_tokens(state: State) -> set[int]:
    return {i for m in state.mentions if m.kind == "person" for i in range(m.first, m.stop_token)}


def role_before(state: State, models: Models, m: Mention, persons: set[int]) -> str | None:
    tokens = state.tokens
    sent_first = state.sents[m.sent].first_token
    window: list[Token] = []
    i = m.first - 1
    while i >= sent_first and len(window) < _MAX_WINDOW:
        tok = tokens[i]
        if tok.text == ")" and i - 2 >= sent_first and tokens[i - 2].text == "(" and tokens[i - 1].pos != "PUNCT":
            window[:0] = tokens[i - 2 : i + 1]  # "Глава Совета по правам человека (СПЧ) Михаил Федотов"
            i -= 3
            continue
        if i in persons or tok.pos in _STOP_POS or tok.lemma in ("и", "или", "а", "но"):
            break
        if tok.pos == "PUNCT" and tok.text not in _INNER_PUNCT:
            break
        window.insert(0, tok)
        i -= 1
    start_index = i + 1
    found = [
        offset for offset, tok in enumerate(window) if _is_role_noun(tok, start_index + offset == sent_first)
    ]
    if not found:
        return None
    # The title is the role noun the name stands in apposition to: singular, in the name's case
    # ("главные редакторы СМИ на встрече с президентом Владимиром Путиным": "президент").
    case = tokens[m.first].case
    singular = [o for o in found if window[o].feats.get("Number") != "Plur"]
    agreeing = [o for o in singular if case is not None and window[o].case == case]
    offset = (agreeing or singular or found)[0]
    begin = offset
    while begin > 0 and window[begin - 1].lemma in ROLE_MODIFIERS:
        begin -= 1
    return _phrase(state, models, window[begin:], offset - begin) or None


def role_after(state: State, models: Models, m: Mention, persons: set[int]) -> str | None:
    tokens = state.tokens
    sent_stop = state.sents[m.sent].stop_token
    i = m.stop_token
    if i >= sent_stop or tokens[i].text not in (",", "("):
        return None
    i += 1
    head = None
    for j in range(i, min(i + 3, sent_stop)):
        if _is_role_noun(tokens[j], False):
            head = j
            break
        if tokens[j].lemma not in ROLE_MODIFIERS:
            return None
    if head is None:
        return None
    stop = head + 1
    while stop < sent_stop and stop - i < _MAX_WINDOW and stop not in persons:
        tok = tokens[stop]
        if tok.pos == "PUNCT" and tok.text not in _INNER_PUNCT:
            break
        if tok.pos in _STOP_POS:
            break
        if tok.lemma in ("и", "или"):
            nxt = tokens[stop + 1] if stop + 1 < sent_stop else None
            prev = tokens[stop - 1]
            if nxt is None or nxt.pos not in ("NOUN", "PROPN") or nxt.case != prev.case:
                break
        stop += 1
    return _phrase(state, models, tokens[i:stop], head - i) or None


def assign_roles(state: State, models: Models) -> None:
    """Give each person actor the first title the text attaches to any of its mentions."""
    persons = _person_tokens(state)
    for m in sorted(state.mentions, key=lambda m: m.start):
        if m.kind != "person" or m.actor < 0:
            continue
        actor = state.actors[m.actor]
        role = role_before(state, models, m, persons) or role_after(state, models, m, persons)
        if not role or len(role) > 120:
            continue
        # The first title wins unless a later one spells it out ("госсекретарь" -> "госсекретарь США").
        if actor.role is None or (role.startswith(actor.role + " ") and len(role) <= 80):
            actor.role = role
