"""The natasha models, loaded once per process and handed to every pipeline step.

Kept apart from `analysis.pipeline` so that a step takes ``(state, models)`` and never imports the
module that wires the steps together (no import cycle, and a test can run one step on a hand-made
state). Loading costs about a second and ~300 MB; `load_models` caches the result per process.
"""

from __future__ import annotations

import functools
from typing import Any


class Models:
    """Segmenter, morphology (tagger + dictionary), syntax parser and NER, as natasha builds them."""

    def __init__(self) -> None:
        from natasha import (
            MorphVocab,
            NewsEmbedding,
            NewsMorphTagger,
            NewsNERTagger,
            NewsSyntaxParser,
            Segmenter,
        )

        self.segmenter: Any = Segmenter()
        self.morph_vocab: Any = MorphVocab()
        embedding = NewsEmbedding()
        self.morph_tagger: Any = NewsMorphTagger(embedding)
        self.syntax_parser: Any = NewsSyntaxParser(embedding)
        self.ner_tagger: Any = NewsNERTagger(embedding)


@functools.cache
def load_models() -> Models:
    """Load the models the first time; later calls in the same process are free."""
    return Models()
