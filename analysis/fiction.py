"""Words that are not statements: verse, lyrics, quotes from novels, jokes, questions.

Essays and biographies quote a poem, a song, a line of a novel or an anecdote, and the frame looks
like speech ("написал:", "восклицает артист", "изрек: «...»"). Those words are not anyone's claim
about the world, and crediting them to the character or the poet misleads the reader. They are told
by general signs, never by the work:

* the layout of verse: a quote whose lines, run together, start again with a capital after a comma
  ("..., Кто послал их на смерть ..., Только так ...") two or more times, or a block of short lines;
* a noun of a literary work or a joke ("роман", "стихотворение", "песня", "строки", "персонаж",
  "анекдот") outside quotes in the quote's own sentence or the one before it (a joke, told over a few
  sentences, up to three sentences back within the paragraph);
* a quote that is questions rather than statements (most of its sentences end in "?").
"""

from __future__ import annotations

import re

from analysis.lexicon import CHARACTER_NOUNS, JOKE_NOUNS, LITERARY_NOUNS
from analysis.state import State

#: A capital letter again after a comma or semicolon inside one sentence: verse run into one line.
_LINE_RESTART = re.compile(r"[,;:]\s+([А-ЯЁ][а-яё]*)\b")
#: How far back a joke's frame reaches (sentences, same paragraph).
_JOKE_REACH = 3


def verse_layout(text: str, proper: set[str]) -> bool:
    """Verse run together ("нужно, Кто послал ..., Только так ..."), or lines of verse kept apart.

    ``proper`` are the article's words read as proper names: a capital after a comma there is a name.
    """
    restarts = [w for w in _LINE_RESTART.findall(text) if w not in proper]
    if len(restarts) >= 2:
        return True
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    short = [line for line in lines if len(line) <= 60 and not re.search(r"[.!?…]$", line)]
    return len(lines) >= 3 and len(short) >= len(lines) - 1


_QUESTION_OPENERS = frozenset(
    {
        "кто", "что", "где", "когда", "почему", "зачем", "как", "какой", "какая", "какое", "какие", "сколько",
        "чей", "куда", "откуда", "разве", "неужели", "ли", "спросите", "скажите", "объясните", "подскажите",
    }
)


def mostly_questions(text: str) -> bool:
    """A quote that asks rather than states: it ends in "?" and either two or more of its sentences,
    at least half, are questions, or its one sentence opens as a question ("Влияет ли ...?", "Почему
    ...?"). "Можно приводить доводы, но возникает вопрос: а зачем это надо?" states first: kept."""
    body = text.strip().rstrip(" »\"”")
    if not body.endswith("?"):
        return False
    ends = re.findall(r"[.!?…]+(?=\s|$)", body + " ")
    asked = sum("?" in e for e in ends)
    if asked >= 2:
        return asked * 2 >= len(ends)
    words = re.findall(r"[а-яё]+", body.lower())[:5]
    return bool(words) and (words[0] in _QUESTION_OPENERS or "ли" in words[1:4])


class LiteraryContext:
    """Answers "is the quote at this position from a work of fiction or a joke?" for one article."""

    def __init__(self, state: State, in_quote: list[bool]) -> None:
        self.state = state
        #: Sentences naming a work the quote is inside of ("в романе", "персонаж"), and sentences that
        #: only talk about works ("из ста песен разрешили тридцать").
        self.inside: set[int] = set()
        self.literary: set[int] = set()
        self.jokes: set[int] = set()
        for i, tok in enumerate(state.tokens):
            if in_quote[i] or tok.pos != "NOUN":
                continue
            if tok.lemma in LITERARY_NOUNS:
                self.literary.add(tok.sent)
                prev = state.tokens[i - 1] if i > 0 else None
                located = tok.case == "Loc" and prev is not None and prev.lemma in ("в", "во")
                if located or tok.lemma in CHARACTER_NOUNS:
                    self.inside.add(tok.sent)
            if tok.lemma in JOKE_NOUNS:
                self.jokes.add(tok.sent)
        # Capitalised words morphology reads as names (not NER's spans: NER takes a verse line's
        # "Кто" for a person).
        self.proper = {t.text for t in state.tokens if t.pos == "PROPN"}

    def framed_as_fiction(self, sent: int, framed: bool = False) -> bool:
        """The sentence of a quote names a literary work; or the one before it in the same paragraph
        places the quote inside a work ("В романе ... есть герой") or names a work while no speech verb
        frames the quote (``framed``: "..., — шутил он" after a sentence about his songs is still his
        word); or a joke is told in this or one of the three sentences before."""
        sents = self.state.sents
        text = self.state.text
        for back in range(_JOKE_REACH + 1):
            n = sent - back
            if n < 0:
                break
            if back and "\n" in text[sents[n].stop : sents[n + 1].start]:
                break  # a paragraph break: the frame belongs to another passage
            if back == 0 and n in self.literary:
                return True
            if back == 1 and (n in self.inside or (n in self.literary and not framed)):
                return True
            if n in self.jokes:
                return True
        return False

    def not_a_statement(self, sent: int, text: str, framed: bool = False) -> bool:
        """Verse, lyrics, a novel's line, a joke or questions: words that claim nothing."""
        return verse_layout(text, self.proper) or mostly_questions(text) or self.framed_as_fiction(sent, framed)
