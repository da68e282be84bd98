"""Segmentation, morphology and lemmas: the one expensive linguistic pass, done once.

Every later step (NER repair, roles, claims, topics, summary) works from these tokens, so nothing
downstream calls the morph tagger again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from natasha import Doc
from natasha.doc import DocSent, DocToken

from analysis.state import Sentence, State, Token

if TYPE_CHECKING:
    from analysis.models import Models


def segment(text: str, models: Models) -> Any:
    """natasha segmentation with line breaks as hard sentence boundaries.

    razdel glues a headline without a final period, a caption or a list item to the next sentence;
    in pasted articles a line break always ends a sentence. Same cost: razdel runs once per line.
    """
    doc = Doc(text)
    tokens: list[DocToken] = []
    sents: list[DocSent] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            for tok in models.segmenter.tokenize(line):
                tokens.append(DocToken(offset + tok.start, offset + tok.stop, tok.text))
            for sent in models.segmenter.sentenize(line):
                sents.append(DocSent(offset + sent.start, offset + sent.stop, sent.text))
        offset += len(line) + 1
    doc.tokens = tokens
    doc.sents = sents
    doc.envelop_sent_tokens()
    return doc


def parse(state: State, models: Models) -> None:
    """Fill state.tokens, state.sents and state.doc (the natasha Doc the NER and syntax steps reuse)."""
    doc = segment(state.text, models)
    doc.tag_morph(models.morph_tagger)
    lemma_cache: dict[tuple[str, str, tuple[tuple[str, str], ...]], str] = {}
    vocab = models.morph_vocab
    tokens: list[Token] = []
    sents: list[Sentence] = []
    for index, sent in enumerate(doc.sents):
        first = len(tokens)
        for tok in sent.tokens:
            feats = dict(tok.feats or {})
            pos = tok.pos or "X"
            key = (tok.text, pos, tuple(sorted(feats.items())))
            lemma = lemma_cache.get(key)
            if lemma is None:
                if pos == "PUNCT" or not any(ch.isalpha() for ch in tok.text):
                    lemma = tok.text.lower()
                else:
                    lemma = vocab.lemmatize(tok.text, pos, feats)
                lemma_cache[key] = lemma
            tokens.append(Token(tok.text, tok.start, tok.stop, pos, feats, lemma, index))
        sents.append(Sentence(sent.start, sent.stop, sent.text, first, len(tokens)))
    state.tokens = tokens
    state.sents = sents
    state.doc = doc


def parse_syntax(state: State, models: Models) -> None:
    """Dependency heads and relations (natasha's NewsSyntaxParser) for the sentences that need them.

    Claims use them to find the subject of a speech verb ("Президент ... и отметил, что": the
    subject of a coordinated verb), actions to find what an actor is the subject of. Only sentences
    with an actor mention or a speech verb are parsed: the others can give neither, and the parser
    is the most expensive model of the pipeline.
    """
    from analysis.lexicon import SPEECH_VERBS

    tokens = state.tokens
    wanted = {m.sent for m in state.mentions}
    wanted.update(t.sent for t in tokens if t.lemma in SPEECH_VERBS)
    chosen = [sent for n, sent in enumerate(state.sents) if n in wanted and sent.stop_token > sent.first_token]
    if not chosen:
        return
    markups = models.syntax_parser.map([[t.text for t in tokens[s.first_token : s.stop_token]] for s in chosen])
    for sent, markup in zip(chosen, markups, strict=True):
        base = sent.first_token
        for offset, tok in enumerate(markup.tokens):
            index = base + offset
            if index >= sent.stop_token:
                break
            head = str(tok.head_id or "")
            tokens[index].head = base + int(head) - 1 if head.isdigit() and int(head) > 0 else -1
            tokens[index].rel = str(tok.rel or "")
