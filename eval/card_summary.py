"""How the card's summary rules do on real articles: summary sentences cut inside a quotation and
sentences that repeat an earlier one, before (what the analysis picked) and after the card's choice
(bot.card_parts.summary_sentences). Run: python eval/card_summary.py [DIR]

Default DIR is ../shared/corpus/articles (16 real articles); the factRuEval-2016 test set
(../shared/corpus/factRuEval-2016/testset, 132 documents) was not read while writing the rules.
"""

from __future__ import annotations

import sys
from pathlib import Path

from analysis.model import ArticleAnalysis
from analysis.pipeline import analyze
from bot.card_parts import REPEAT_OVERLAP, _words, quotes_closed, summary_sentences

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def texts(paths: list[Path]) -> list[tuple[str, str]]:
    found = []
    for base in paths:
        files = sorted(base.glob("*.txt")) if base.is_dir() else [base]
        found.extend((f.name, f.read_text(encoding="utf-8", errors="replace")) for f in files)
    return found


def repeats(sentences: list[str]) -> int:
    bags = [_words(s) for s in sentences]
    return sum(1 for i, b in enumerate(bags) for o in bags[:i]
               if b and o and len(b & o) / min(len(b), len(o)) >= REPEAT_OVERLAP)


def main() -> int:
    # Default: the 16 real articles; factRuEval: pass its testset folder.
    corpus = texts([Path(p) for p in sys.argv[1:]] or [CORPUS / "articles"])
    before_open = before_rep = after_open = after_rep = sentences_before = sentences_after = n = 0
    for _, text in corpus:
        result = analyze(text)
        if not isinstance(result, ArticleAnalysis) or not result.summary:
            continue
        n += 1
        chosen = summary_sentences(result.summary, result.lead)
        sentences_before += len(result.summary)
        sentences_after += len(chosen)
        before_open += sum(1 for s in result.summary if not quotes_closed(s))
        after_open += sum(1 for s in chosen if not quotes_closed(s))
        before_rep += repeats(result.summary)
        after_rep += repeats(chosen)
    print(f"texts with a summary: {n}")
    print(f"summary sentences: analysis {sentences_before}, card {sentences_after}")
    print(f"cut inside a quotation: analysis {before_open}, card {after_open}")
    print(f"repeating an earlier sentence: analysis {before_rep}, card {after_rep}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
