"""analyze() vs natasha's bare pipeline on the same articles, same loaded models, same run.

The product promise is that our rules cost little on top of the models (target: at most 1.3x
natasha's full pipeline: segment + morph + syntax + NER + span normalisation, the same models
analyze() runs). Runs are interleaved over several
rounds so that caches and CPU frequency affect both sides alike.

    .venv/bin/python bench/analysis_speed.py [--corpus DIR] [--rounds N]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT = Path("/work/shared/corpus/articles")


def raw_natasha(text: str, nlp: Any) -> int:
    from natasha import Doc

    doc = Doc(text)
    doc.segment(nlp.segmenter)
    doc.tag_morph(nlp.morph_tagger)
    doc.parse_syntax(nlp.syntax_parser)
    doc.tag_ner(nlp.ner_tagger)
    for span in doc.spans:
        span.normalize(nlp.morph_vocab)
    return len(doc.spans)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    found = args.corpus.glob("*.txt") if args.corpus.is_dir() else []
    files = sorted(p for p in found if not p.name.startswith("LICENSE"))
    if not files:
        print(f"no articles found under {args.corpus}; nothing to benchmark (skipped).")
        return 0
    from analysis import analyze, load_models

    t0 = time.perf_counter()
    nlp = load_models()
    load_s = time.perf_counter() - t0
    texts = [p.read_text(encoding="utf-8") for p in files]
    for text in texts:  # warm-up: first calls fill pymorphy caches for both sides
        raw_natasha(text, nlp)
        analyze(text, pipeline=nlp)
    raw_t: list[float] = []
    our_t: list[float] = []
    for r in range(args.rounds):
        for text in texts:
            pair = ((raw_t, lambda t=text: raw_natasha(t, nlp)), (our_t, lambda t=text: analyze(t, pipeline=nlp)))
            for bucket, fn in pair if r % 2 == 0 else pair[::-1]:
                start = time.perf_counter()
                fn()
                bucket.append(time.perf_counter() - start)
    tracemalloc.start()
    for text in texts:
        analyze(text, pipeline=nlp)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    raw_mean = statistics.mean(raw_t) * 1000
    our_mean = statistics.mean(our_t) * 1000
    print(f"{len(files)} articles x {args.rounds} rounds, model load {load_s:.2f} s")
    print(f"natasha full: {raw_mean:7.1f} ms/article (median {statistics.median(raw_t) * 1000:.1f})")
    print(f"analyze()   : {our_mean:7.1f} ms/article (median {statistics.median(our_t) * 1000:.1f})")
    print(f"ratio       : {our_mean / raw_mean:.2f}x (target <= 1.3)")
    print(
        f"peak memory : {maxrss_mb:.0f} MB process max RSS (models included); "
        f"{traced_peak / 1e6:.1f} MB Python allocations during analyze() of all articles"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
