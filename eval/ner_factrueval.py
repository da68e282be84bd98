"""Document-level PER/ORG/LOC scores on the factRuEval-2016 test set: raw natasha vs analyze().

Why document level: Dossier files actors per article, so what matters is whether each real entity of
a document shows up once under a usable name, not token offsets. Gold entities come from layer 3
(.coref: one chain per entity with normalised name parts) typed by their layer-2 objects (.objects).
A predicted entity matches a gold one when its normalised name equals one of the gold names (for
persons: "first last" with a second given name or surname if the gold has one, "first patronymic
last", the last name, or a lone first name / nickname, or "first patronymic" when the gold knows no
surname). Matching is one-to-one, so unmerged duplicates ("Тиллерсон", "Рекс Тиллерсон") cost
precision, as they would cost a reader. As in factRuEval's own scorer, an entity the text names only
by an adjective ("российского" for Россия) is not counted, and LocOrg (a country or city acting as a
government) is a location. The outlet an article is retold from is reported by ``analyze`` as its
source, not as an actor; it counts as a found organisation when the text names it.

    .venv/bin/python eval/ner_factrueval.py [--corpus DIR] [--limit N] [--books FILE | --exclude FILE]
                                            [--verbose] [--ours-only]

``--books FILE`` scores only the books listed in FILE (one name a line, ``book_3543`` or
``book_3543.txt``), ``--exclude FILE`` all but those: that is how a held-out subset stays held out
(``--exclude eval/gold/test3_books.txt`` while developing, ``--books`` for its aggregate at the end).
``--verbose`` prints, per document, each gold entity ours missed and each name ours output that
matches no gold entity (``wrong type`` when it names a gold entity of another type).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT = Path("/work/shared/corpus/factRuEval-2016/testset")
TYPES = ("PER", "ORG", "LOC")
_OBJ_TYPE = {"Person": "PER", "Org": "ORG", "Location": "LOC", "LocOrg": "LOC"}
_ACTOR_TYPE = {"person": "PER", "organization": "ORG", "location": "LOC"}


def norm(text: str) -> str:
    """Lowercase, ё→е, no quote marks, a hyphen is a space (the gold writes "Франк - Вальтер" as tokens, and
    "Жан-Поль" as two given names "жан поль");
    an initial's dot is a space ("А.А. Мордашов" is the gold's "а а мордашов")."""
    text = text.lower().replace("ё", "е").replace("«", "").replace("»", "").replace('"', "")
    text = re.sub(r"(?<![^\W\d_])([^\W\d_])\.", r"\1 ", text)
    return " ".join(text.replace("-", " ").split())


def read_gold(stem: Path) -> dict[str, list[set[str]]]:
    """type -> list of entities, each a set of acceptable normalised names."""
    span_tag: dict[str, str] = {}
    spans_file = stem.with_suffix(".spans")
    if spans_file.exists():
        for line in spans_file.read_text(encoding="utf-8").splitlines():
            cells = line.split()
            if len(cells) >= 2:
                span_tag[cells[0]] = cells[1]
    obj_type: dict[str, str] = {}
    adjective_only: set[str] = set()
    for line in stem.with_suffix(".objects").read_text(encoding="utf-8").splitlines():
        parts = line.split("#")[0].split()
        if len(parts) >= 2 and parts[1] in _OBJ_TYPE:
            obj_type[parts[0]] = _OBJ_TYPE[parts[1]]
            if parts[2:] and all(span_tag.get(sp) == "geo_adj" for sp in parts[2:]):
                adjective_only.add(parts[0])
    gold: dict[str, list[set[str]]] = defaultdict(list)
    blocks = stem.with_suffix(".coref").read_text(encoding="utf-8").strip().split("\n\n")
    for block in blocks:
        lines = [ln for ln in block.strip().splitlines() if ln.strip()]
        if not lines:
            continue
        ids = lines[0].split()[1:]
        types = [obj_type[i] for i in ids if i in obj_type]
        if not types or all(i in adjective_only for i in ids if i in obj_type):
            # Named only by an adjective ("российского", "датских"): factRuEval's own scorer ignores
            # such an entity, since the text never names it.
            continue
        # The most frequent type; a tie goes to the type of the chain's first object (set order would
        # make the gold counts move between runs).
        etype = max(dict.fromkeys(types), key=types.count)
        fields: dict[str, list[str]] = defaultdict(list)
        for ln in lines[1:]:
            key, _, value = ln.partition(" ")
            fields[key].append(norm(value))
        names: set[str] = set()
        if etype == "PER":
            # A second given name or surname is its own field ("firstname1 Фог" of Андерс Фог Расмуссен,
            # "lastname1" of a double surname): the name written out in full is right too.
            firsts = fields.get("firstname", []) + fields.get("nickname", [])
            lasts = fields.get("lastname", [])
            lasts2 = lasts + [f"{ln} {l1}" for ln in lasts for l1 in fields.get("lastname1", [])]
            firsts2 = firsts + [f"{f} {f1}" for f in firsts for f1 in fields.get("firstname1", [])]
            patrs = fields.get("patronymic", [])
            names.update(lasts2)
            names.update(f"{f} {ln}" for f in firsts2 for ln in lasts2)
            names.update(f"{f} {p} {ln}" for f in firsts2 for p in patrs for ln in lasts2)
            if not lasts:
                names.update(firsts)
                # "Ипполит Матвеевич" when the gold knows no surname.
                names.update(f"{f} {p}" for f in firsts for p in patrs)
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


def unmatched(pred: list[str], gold: list[set[str]]) -> tuple[list[str], list[set[str]]]:
    """The predictions and gold entities left over by :func:`match`'s greedy matching."""
    used: set[int] = set()
    extra: list[str] = []
    for name in pred:
        n = norm(name)
        hit = next((i for i, names in enumerate(gold) if i not in used and n in names), None)
        if hit is None:
            extra.append(name)
        else:
            used.add(hit)
    return extra, [names for i, names in enumerate(gold) if i not in used]


def _shown(names: set[str]) -> str:
    return max(names, key=len)


def report(stem: Path, pred: dict[str, list[str]], gold: dict[str, list[set[str]]]) -> list[str]:
    """Per-document error lines: missed gold entities and extra predictions, by type."""
    lines: list[str] = []
    left: dict[str, tuple[list[str], list[set[str]]]] = {t: unmatched(pred[t], gold.get(t, [])) for t in TYPES}
    for t in TYPES:
        extra, missed = left[t]
        for name in extra:
            other = [o for o in TYPES if o != t and any(norm(name) in g for g in gold.get(o, []))]
            note = f"  (wrong type: gold {other[0]})" if other else ""
            lines.append(f"  {t} extra  {name}{note}")
        for names in missed:
            lines.append(f"  {t} missed {_shown(names)}   [{' | '.join(sorted(names))}]")
    if lines:
        lines.insert(0, f"== {stem.name}")
    return lines


def read_list(path: Path) -> set[str]:
    """Book names from a list file: one a line, with or without a suffix; '#' starts a comment."""
    out: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        name = line.split("#")[0].strip()
        if name:
            out.add(Path(name).stem if name.endswith((".txt", ".coref", ".objects")) else name)
    return out


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
        # The outlet an article is retold from ("пишет NEWSru.com") is reported as its source, not as an
        # actor; it is an organisation the analysis found in the text all the same.
        names = {norm(n) for t in TYPES for n in out[t]}
        for outlet in (result.source, result.via):
            if outlet and outlet.lower() in text.lower() and norm(outlet) not in names:
                out["ORG"].append(outlet)
                names.add(norm(outlet))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=0)
    subset = parser.add_mutually_exclusive_group()
    subset.add_argument("--books", type=Path, help="score only the books listed in this file")
    subset.add_argument("--exclude", type=Path, help="score all books but those listed in this file")
    parser.add_argument("--verbose", action="store_true", help="print each document's misses and extras (ours)")
    parser.add_argument("--ours-only", action="store_true", help="skip the raw natasha column")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"factRuEval test set not found at {args.corpus}; nothing to evaluate (skipped).")
        return 0
    from analysis import load_pipeline
    from analysis.entities import MAX_ACTORS as _MAX_ACTORS

    nlp = load_pipeline()
    stems = sorted(p.with_suffix("") for p in args.corpus.glob("*.txt"))
    if args.books:
        keep = read_list(args.books)
        stems = [s for s in stems if s.name in keep]
    elif args.exclude:
        drop = read_list(args.exclude)
        stems = [s for s in stems if s.name not in drop]
    if args.limit:
        stems = stems[: args.limit]
    systems = (("ours", ours),) if args.ours_only else (("raw", raw_natasha), ("ours", ours))
    counts = {sys_: {t: [0, 0, 0] for t in TYPES} for sys_, _ in systems}  # hits, pred, gold
    for stem in stems:
        text = stem.with_suffix(".txt").read_text(encoding="utf-8")
        gold = read_gold(stem)
        for name, fn in systems:
            pred = fn(text, nlp)
            if args.verbose and name == "ours":
                for line in report(stem, pred, gold):
                    print(line)
            for t in TYPES:
                c = counts[name][t]
                c[0] += match(pred[t], gold.get(t, []))
                c[1] += len(pred[t])
                c[2] += len(gold.get(t, []))
    which = ""
    if args.books:
        which = f" (books in {args.books.name})"
    elif args.exclude:
        which = f" (all but {args.exclude.name})"
    print(f"factRuEval-2016 testset: {len(stems)} documents{which}, document-level entity match")
    print(f"(ours keeps at most {_MAX_ACTORS} actors per article and drops the article's own outlet)")
    print(f"{'type':<5} {'system':<6} {'P':>6} {'R':>6} {'F1':>6}   hits/pred/gold")
    for t in TYPES:
        for name, _ in systems:
            hits, n_pred, gold_n = counts[name][t]
            p = hits / n_pred if n_pred else 0.0
            r = hits / gold_n if gold_n else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            print(f"{t:<5} {name:<6} {p:6.3f} {r:6.3f} {f:6.3f}   {hits}/{n_pred}/{gold_n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
