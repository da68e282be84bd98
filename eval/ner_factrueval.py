"""Document-level PER/ORG/LOC scores on the factRuEval-2016 test set: raw natasha vs analyze().

Why document level: Dossier files actors per article, so what matters is whether each real entity of
a document shows up once under a usable name, not token offsets. Gold entities come from layer 3
(.coref: one chain per entity with normalised name parts) typed by their layer-2 objects (.objects).
A predicted entity matches a gold one when its normalised name equals one of the gold names (for
persons: "first last", the last name, or a lone first name / nickname). Matching is one-to-one, so
unmerged duplicates ("Тиллерсон", "Рекс Тиллерсон") cost precision, as they would cost a reader.

    .venv/bin/python eval/ner_factrueval.py [--corpus DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT = Path("/work/shared/corpus/factRuEval-2016/testset")
TYPES = ("PER", "ORG", "LOC")
_OBJ_TYPE = {"Person": "PER", "Org": "ORG", "Location": "LOC", "LocOrg": "LOC"}
_ACTOR_TYPE = {"person": "PER", "organization": "ORG", "location": "LOC"}


def norm(text: str) -> str:
    """Lowercase, ё→е, no quote marks; "франк - вальтер" (the gold joins tokens with spaces) → "франк-вальтер"."""
    text = " ".join(text.lower().replace("ё", "е").replace("«", "").replace("»", "").replace('"', "").split())
    return text.replace(" - ", "-")


def read_gold(stem: Path) -> dict[str, list[set[str]]]:
    """type -> list of entities, each a set of acceptable normalised names."""
    obj_type: dict[str, str] = {}
    for line in stem.with_suffix(".objects").read_text(encoding="utf-8").splitlines():
        parts = line.split("#")[0].split()
        if len(parts) >= 2 and parts[1] in _OBJ_TYPE:
            obj_type[parts[0]] = _OBJ_TYPE[parts[1]]
    gold: dict[str, list[set[str]]] = defaultdict(list)
    blocks = stem.with_suffix(".coref").read_text(encoding="utf-8").strip().split("\n\n")
    for block in blocks:
        lines = [ln for ln in block.strip().splitlines() if ln.strip()]
        if not lines:
            continue
        ids = lines[0].split()[1:]
        types = [obj_type[i] for i in ids if i in obj_type]
        if not types:
            continue
        etype = max(set(types), key=types.count)
        fields: dict[str, list[str]] = defaultdict(list)
        for ln in lines[1:]:
            key, _, value = ln.partition(" ")
            fields[key].append(norm(value))
        names: set[str] = set()
        if etype == "PER":
            firsts = fields.get("firstname", []) + fields.get("nickname", [])
            lasts = fields.get("lastname", [])
            names.update(lasts)
            names.update(f"{f} {ln}" for f in firsts for ln in lasts)
            names.update(f"{f} {p} {ln}" for f in firsts for p in fields.get("patronymic", []) for ln in lasts)
            if not lasts:
                names.update(firsts)
            names.update(fields.get("name", []))
        else:
            names.update(fields.get("name", []))
            names.update(fields.get("nickname", []))
        names.discard("")
        if names:
            gold[etype].append(names)
    return gold


def match(pred: list[str], gold: list[set[str]]) -> int:
    """Greedy one-to-one matching of predicted names to gold entities."""
    used: set[int] = set()
    hits = 0
    for name in pred:
        n = norm(name)
        for i, names in enumerate(gold):
            if i not in used and n in names:
                used.add(i)
                hits += 1
                break
    return hits


def raw_natasha(text: str, nlp: object) -> dict[str, list[str]]:
    from natasha import Doc

    p = nlp
    doc = Doc(text)
    doc.segment(p.segmenter)  # type: ignore[attr-defined]
    doc.tag_morph(p.morph_tagger)  # type: ignore[attr-defined]
    doc.tag_ner(p.ner_tagger)  # type: ignore[attr-defined]
    out: dict[str, dict[str, None]] = {t: {} for t in TYPES}
    for span in doc.spans:
        span.normalize(p.morph_vocab)  # type: ignore[attr-defined]
        if span.type in out:
            out[span.type][span.normal] = None
    return {t: list(v) for t, v in out.items()}


def ours(text: str, nlp: object) -> dict[str, list[str]]:
    from analysis import ArticleAnalysis, analyze

    result = analyze(text, pipeline=nlp)  # type: ignore[arg-type]
    out: dict[str, list[str]] = {t: [] for t in TYPES}
    if isinstance(result, ArticleAnalysis):
        for actor in result.actors:
            out[_ACTOR_TYPE[actor.kind]].append(actor.name)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"factRuEval test set not found at {args.corpus}; nothing to evaluate (skipped).")
        return 0
    from analysis import load_pipeline
    from analysis.entities import MAX_ACTORS as _MAX_ACTORS

    nlp = load_pipeline()
    stems = sorted(p.with_suffix("") for p in args.corpus.glob("*.txt"))
    if args.limit:
        stems = stems[: args.limit]
    counts = {sys_: {t: [0, 0, 0] for t in TYPES} for sys_ in ("raw", "ours")}  # hits, pred, gold
    for stem in stems:
        text = stem.with_suffix(".txt").read_text(encoding="utf-8")
        gold = read_gold(stem)
        for name, fn in (("raw", raw_natasha), ("ours", ours)):
            pred = fn(text, nlp)
            for t in TYPES:
                c = counts[name][t]
                c[0] += match(pred[t], gold.get(t, []))
                c[1] += len(pred[t])
                c[2] += len(gold.get(t, []))
    print(f"factRuEval-2016 testset: {len(stems)} documents, document-level entity match")
    print(f"(ours keeps at most {_MAX_ACTORS} actors per article and drops the article's own outlet)")
    print(f"{'type':<5} {'system':<6} {'P':>6} {'R':>6} {'F1':>6}   hits/pred/gold")
    for t in TYPES:
        for name in ("raw", "ours"):
            hits, pred, gold_n = counts[name][t]
            p = hits / pred if pred else 0.0
            r = hits / gold_n if gold_n else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            print(f"{t:<5} {name:<6} {p:6.3f} {r:6.3f} {f:6.3f}   {hits}/{pred}/{gold_n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
