"""A short message that reads like a question ("что нового по Лаврову?") is not an article: find
whom it asks about, so the reply can offer `/who NAME` instead of "too short".

Pure text rules, no NLP model: a question mark or a leading question word marks a question; the
subject is the run of capitalised words that does not open the sentence, else the word after a
preposition of topic ("по", "про", "о", "about", "on").
"""

from __future__ import annotations

import re

#: Longer messages are pastes gone wrong, not questions.
MAX_QUESTION_CHARS = 160
QUESTION_WORDS = frozenset({
    "что", "кто", "как", "где", "когда", "почему", "зачем", "какие", "какой", "какая", "сколько", "есть", "ли",
    "what", "who", "whom", "how", "where", "when", "why", "which", "is", "are", "any", "anything",
})
TOPIC_PREPOSITIONS = frozenset({"по", "про", "о", "об", "насчёт", "насчет", "about", "on", "regarding"})
_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*")


def question_subject(text: str) -> str | None:
    """Whom or what a question-like ``text`` asks about, as written; None if it is no question."""
    text = " ".join(text.split())
    if not text or len(text) > MAX_QUESTION_CHARS or text.startswith("/"):
        return None
    words: list[str] = _WORD_RE.findall(text)
    if not words:
        return None
    if not (text.rstrip().endswith("?") or words[0].lower() in QUESTION_WORDS):
        return None
    runs: list[list[str]] = []
    for index, word in enumerate(words):
        if index > 0 and word[:1].isupper():
            if runs and runs[-1] and words[index - 1] == runs[-1][-1]:
                runs[-1].append(word)
            else:
                runs.append([word])
    if runs:
        longest = runs[0]
        for run in runs[1:]:
            if len(run) > len(longest):
                longest = run
        return " ".join(longest)
    for index, word in enumerate(words[:-1]):
        if word.lower() in TOPIC_PREPOSITIONS:
            return str(words[index + 1])
    return None
