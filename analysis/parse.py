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
