"""Who-claimed-what quality against hand-annotated gold: claims, speakers, reference kinds, persons.

The gold (`eval/gold/claims_test.txt`, `eval/gold/claims_dev.txt`) lists every attributed statement of
each text with its true speaker, how the text refers to the speaker and whether the frame negates it.
The held-out test set is 22 factRuEval-2016 texts that were annotated but never looked at while the
rules were written; the dev set is the corpus articles the rules were written against. ``test2`` is a
second held-out set (32 further factRuEval-2016 texts, 9 of them with no attributed statement, where
any output claim is an extra), fixed before the rule changes that followed the first held-out scoring.
``test3`` is a third held-out set (52 further factRuEval-2016 texts, 240 statements), fixed before the
rule changes of the round after that.

A predicted claim matches a gold statement when its text contains the gold fragment (compared
without case, punctuation and quote marks). Matching is one-to-one, a prediction with the right
speaker preferred. Reported figures:

* claim precision / recall, strict (text and speaker right) and by text only;
* recall by reference kind (name, pronoun, role, continuation, outlet, anonymous);
* wrong-speaker rate: output claims credited to a named actor other than the true speaker;
* negation: gold negated statements whose claim lost the negation, and false negation flags;
* persons: document-level person precision / recall against factRuEval's own layer-3 gold.

    .venv/bin/python eval/claims_eval.py [--split test|test2|test3|dev] [--verbose]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

GOLD = Path(__file__).resolve().parent / "gold"
CORPORA = {
    "test": Path("/work/shared/corpus/factRuEval-2016/testset"),
    "dev": Path("/work/shared/corpus/articles"),
    "test2": Path("/work/shared/corpus/factRuEval-2016/testset"),
    "test3": Path("/work/shared/corpus/factRuEval-2016/testset"),
}
KINDS = ("name", "pronoun", "role", "continuation", "outlet", "anonymous")


@dataclass
class Gold:
    doc: str
    speakers: list[str]  # acceptable names; "~" (or a "~..." description) means "no actor"
    ref: str
    fragment: str
    negated: bool


def read_gold(path: Path) -> list[Gold]:
    out: list[Gold] = []
    doc = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("= "):
            doc = line[2:].strip()
            continue
        speaker, ref, fragment, negated = (part.strip() for part in line.split("|"))
        assert ref in KINDS, line
        out.append(Gold(doc, speaker.split("/"), ref, fragment, negated == "1"))
    return out


def read_docs(path: Path) -> list[str]:
    """Every text a gold file declares (``= NAME``), those with no attributed statement included."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return sorted({line.strip()[2:].strip() for line in lines if line.strip().startswith("= ")})


def norm(text: str) -> str:
    text = text.lower().replace("ё", "е")
    text = re.sub(r"[«»„“”\"'.,:;!?()\-–—…]", " ", text)
    return " ".join(text.split())


def _same_name(gold: str, pred: str) -> bool:
    g, p = norm(gold).split(), norm(pred).split()
    if not g or not p:
        return False
    if g == p:
        return True
    # "Мутко" vs "Виталий Мутко", "Ангела Меркель" vs "Меркель": the surnames agree.
    return g[-1][:5] == p[-1][:5] and (len(g) == 1 or len(p) == 1 or g[0][:1] == p[0][:1])


def speaker_ok(gold: Gold, claim: Any) -> bool:
    for alt in gold.speakers:
        if alt.startswith("~"):
            if claim.actor is None:
                return True
        elif claim.actor is not None and _same_name(alt, claim.actor):
            return True
        elif claim.actor is None and claim.speaker and _same_name(alt, claim.speaker):
            return True  # an outlet named by the page is credited by name without an actor
    return False


def score(split: str, verbose: bool) -> int:
    from ner_factrueval import match as ner_match
    from ner_factrueval import read_gold as ner_gold

    from analysis import ArticleAnalysis, analyze, load_models

    gold = read_gold(GOLD / f"claims_{split}.txt")
    docs = read_docs(GOLD / f"claims_{split}.txt")
    corpus = CORPORA[split]
    if not corpus.is_dir():
        print(f"corpus not found at {corpus}; nothing to evaluate (skipped).")
        return 0
    models = load_models()
    totals = Counter[str]()
    by_kind: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    persons = Counter[str]()
    for doc in docs:
        text = (corpus / f"{doc}.txt").read_text(encoding="utf-8")
        result = analyze(text, pipeline=models)
        assert isinstance(result, ArticleAnalysis), (doc, result)
        claims = list(result.claims)
        wanted = [g for g in gold if g.doc == doc]
        used: set[int] = set()
        totals["pred"] += len(claims)
        totals["gold"] += len(wanted)
        for g in wanted:
            frag = norm(g.fragment)
            cands = [i for i, c in enumerate(claims) if i not in used and frag in norm(c.text)]
            good = [i for i in cands if speaker_ok(g, claims[i])]
            pick = (good or cands or [None])[0]
            by_kind[g.ref]["gold"] += 1
            if g.negated:
                totals["gold_negated"] += 1
            if pick is None:
                if verbose:
                    print(f"  MISS {doc} [{g.ref}] {g.speakers[0]}: {g.fragment}")
                continue
            used.add(pick)
            claim = claims[pick]
            totals["text_hit"] += 1
            if g.negated and not claim.negated:
                totals["negation_dropped"] += 1
            if not g.negated and claim.negated:
                totals["negation_false"] += 1
            if good:
                totals["hit"] += 1
                by_kind[g.ref]["hit"] += 1
            else:
                if claim.actor is not None:
                    totals["wrong_speaker"] += 1
                if verbose:
                    print(f"  WRONG {doc} [{g.ref}] {g.speakers[0]} -> {claim.speaker!r}: {g.fragment}")
        for i, c in enumerate(claims):
            if i not in used and verbose:
                print(f"  EXTRA {doc} {c.speaker!r} ({c.speaker_ref}): {c.text[:100]}")
        stem = corpus / doc
        if stem.with_suffix(".coref").exists():
            per_gold = ner_gold(stem).get("PER", [])
            per_pred = [a.name for a in result.actors if a.kind == "person"]
            persons["hit"] += ner_match(per_pred, per_gold)
            persons["pred"] += len(per_pred)
            persons["gold"] += len(per_gold)

    def ratio(a: int, b: int) -> float:
        return a / b if b else 0.0

    p, r = ratio(totals["hit"], totals["pred"]), ratio(totals["hit"], totals["gold"])
    tp, tr = ratio(totals["text_hit"], totals["pred"]), ratio(totals["text_hit"], totals["gold"])
    print(f"claims ({split}): {len(docs)} texts, {totals['gold']} gold statements, {totals['pred']} output claims")
    print(f"  strict (text + speaker): precision {p:.3f}  recall {r:.3f}")
    print(f"  text only              : precision {tp:.3f}  recall {tr:.3f}")
    print(f"  wrong speaker          : {totals['wrong_speaker']} of {totals['pred']} output claims "
          f"({ratio(totals['wrong_speaker'], totals['pred']):.1%})")
    print(f"  negation               : {totals['negation_dropped']} of {totals['gold_negated']} negated statements "
          f"lost it; {totals['negation_false']} claims wrongly flagged negated")
    for kind in KINDS:
        c = by_kind[kind]
        if c["gold"]:
            print(f"  recall {kind:<12}: {ratio(c['hit'], c['gold']):.3f}  ({c['hit']}/{c['gold']})")
    if persons["gold"]:
        pp, pr = ratio(persons["hit"], persons["pred"]), ratio(persons["hit"], persons["gold"])
        print(f"persons (factRuEval layer-3 gold, same texts): precision {pp:.3f}  recall {pr:.3f}  "
              f"({persons['hit']}/{persons['pred']}/{persons['gold']})")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(CORPORA), default="test")
    parser.add_argument("--verbose", action="store_true", help="list misses, wrong speakers and extra claims")
    args = parser.parse_args()
    return score(args.split, args.verbose)


if __name__ == "__main__":
    raise SystemExit(main())
