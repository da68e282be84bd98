"""The bilingual name table, measured: hit rates by kind and the confident-wrong rate.

Run ``.venv/bin/python tests/names/table.py`` to print the figures README quotes; ``test_table.py``
asserts the targets on the same numbers. The library is every Russian name of ``pairs.tsv`` and
``nonpairs.tsv`` as the analysis files it: the name, a person's surname, their Latin transliterations and
the gazetteer's English names, nothing from the English column.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent.parent))

from analysis.english import add_english_aliases  # noqa: E402
from analysis.keys import latin  # noqa: E402
from analysis.lookup import IndexedActor, NameIndex  # noqa: E402
from analysis.model import Actor  # noqa: E402


def _rows(name: str) -> list[list[str]]:
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    rows = [ln.split("\t") for ln in lines if ln.strip() and not ln.startswith("#")]
    return rows[1:]  # the header


def pairs() -> list[tuple[str, str, str]]:
    return [(k, en, ru) for k, en, ru in _rows("pairs.tsv")]


def nonpairs() -> list[tuple[str, str, str]]:
    return [(q, k, ru) for q, k, ru in _rows("nonpairs.tsv")]


def library_actor(actor_id: int, kind: str, name: str) -> IndexedActor:
    """An actor with the aliases the analysis gives it (see analysis.entities.aliases, analysis.english)."""
    forms = [name]
    if kind == "person" and len(name.split()) >= 2:
        forms.append(name.split()[-1])
    forms += [latin(f) for f in list(forms)]
    actor = add_english_aliases([Actor(name, kind, 1, None, tuple(dict.fromkeys(forms)))], "")[0]  # type: ignore[arg-type]
    return IndexedActor(actor_id, kind, name, actor.aliases, 1)


@dataclass
class Report:
    asked: Counter[str] = field(default_factory=Counter)
    hit: Counter[str] = field(default_factory=Counter)
    wrong: list[tuple[str, str, str]] = field(default_factory=list)
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    nonpair_wrong: list[tuple[str, str]] = field(default_factory=list)
    nonpairs: int = 0

    def rate(self, what: str) -> float:
        return self.hit[what] / self.asked[what] if self.asked[what] else 1.0

    @property
    def queries(self) -> int:
        return sum(self.asked.values()) + self.nonpairs

    @property
    def wrong_rate(self) -> float:
        return (len(self.wrong) + len(self.nonpair_wrong)) / max(1, self.queries)


def measure() -> Report:
    table = pairs()
    names: dict[tuple[str, str], int] = {}
    for kind, _, ru in table + [(k, "", ru) for _, k, ru in nonpairs()]:
        names.setdefault((kind, ru), len(names) + 1)
    index = NameIndex(library_actor(i, kind, ru) for (kind, ru), i in names.items())
    report = Report()

    def ask(what: str, query: str, expected: int, ru: str) -> None:
        report.asked[what] += 1
        decision = index.resolve(query)
        if decision.kind == "exact" and decision.actor_ids[0] == expected:
            report.hit[what] += 1
        elif decision.kind == "exact":
            report.wrong.append((what, query, index.actors[decision.actor_ids[0]].name))
        else:
            report.misses.append((what, query, ru))

    for kind, en, ru in table:
        expected = names[(kind, ru)]
        if kind == "person":
            ask("person full name", en, expected, ru)
            surname = en.split()[-1]
            everyone = [r for k, _, r in table if k == "person"] + [r for _, k, r in nonpairs() if k == "person"]
            namesakes = [r for r in everyone if r != ru and r.split()[-1] == ru.split()[-1]]
            if len(en.split()) >= 2 and not namesakes:
                ask("person surname", surname, expected, ru)
        else:
            ask(kind, en, expected, ru)
    for query, kind, ru in nonpairs():
        report.nonpairs += 1
        decision = index.resolve(query)
        if decision.kind == "exact" and decision.actor_ids[0] == names[(kind, ru)]:
            report.nonpair_wrong.append((query, ru))
    return report


def main() -> int:
    r = measure()
    print(f"{len(pairs())} pairs, {len(nonpairs())} pairs of different names, {r.queries} queries")
    for what in ("person full name", "person surname", "location", "organization"):
        print(f"  {what:18} {r.hit[what]:4}/{r.asked[what]:<4} {r.rate(what):.3f}")
    print(f"  confident wrong    {len(r.wrong) + len(r.nonpair_wrong):4}/{r.queries:<4} {r.wrong_rate:.4f}")
    for row in r.wrong:
        print("  WRONG", *row)
    for row in r.nonpair_wrong:
        print("  MET  ", *row)
    if "-v" in sys.argv:
        for row in r.misses:
            print("  miss ", *row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
