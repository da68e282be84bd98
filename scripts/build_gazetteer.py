"""Build ``analysis/data/gazetteer.tsv``, the bilingual place and organisation names, from maintained sources.

Run ``python scripts/build_gazetteer.py`` (needs the dev extras: Babel, pycountry) and commit the result;
``tests/analysis/test_gazetteer_build.py`` checks that the shipped file is what this script produces.

Where each part comes from (also in README):

* **Countries, territories, continents and world regions**: the Unicode CLDR territory names in English
  and Russian, read through Babel (``Locale.territories``), with ISO 3166-1 names, official names and
  common names in English and their Russian translations (the iso-codes project, read through pycountry)
  as variants. CLDR's ``EU`` and ``UN`` are organisations; the other codes are places.
* **Large cities**: CLDR's exemplar cities of the IANA time zones in English and Russian (Babel's
  ``get_timezone_location(..., return_city=True)`` for every zone of ``zoneinfo``): about 400 cities,
  most capitals and the largest cities of every continent.
* **Everything else** (international and state bodies, the short names the press uses, capitals and
  regions with no time zone of their own): ``scripts/gazetteer_curated.tsv``, typed by hand and kept
  small; a curated row with the Russian name of a generated one adds its variants to it.

Why generated data and not a runtime dependency: the bot only needs a few thousand name pairs, and a
file under version control makes every change of the data reviewable.
"""

from __future__ import annotations

import gettext
import re
import sys
import unicodedata
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "scripts" / "gazetteer_curated.tsv"
OUTPUT = ROOT / "analysis" / "data" / "gazetteer.tsv"
HEADER = ("kind", "en", "ru", "en_variants", "ru_variants", "source")

# CLDR codes that are not one place: "world", EU's currency zone, pseudo-regions, outlying dependencies.
_SKIP_TERRITORIES = {"001", "EZ", "QO", "ZZ", "XA", "XB", "UM", "053", "054", "057", "061", "202", "021"}
_ORG_TERRITORIES = {"EU", "UN"}


@dataclass
class Entry:
    kind: str
    en: str
    ru: str
    source: str
    en_variants: list[str] = field(default_factory=list)
    ru_variants: list[str] = field(default_factory=list)

    def add(self, en: list[str], ru: list[str]) -> None:
        for name in en:
            if name and name != self.en and name not in self.en_variants:
                self.en_variants.append(name)
        for name in ru:
            if name and name != self.ru and name not in self.ru_variants:
                self.ru_variants.append(name)


def _clean(name: str) -> list[str]:
    """A source name as people write it: stress marks dropped, abbreviations spelled out, "A & B" as
    "A and B", a qualifier in parentheses dropped ("Виргинские о-ва (Великобритания)" is not Britain)."""
    name = unicodedata.normalize("NFC", unicodedata.normalize("NFD", name).replace("\u0301", "")).strip()
    name = name.replace("’", "'").replace(" & ", " and ")
    name = re.sub(r"\bо-ва\b", "острова", re.sub(r"\bо-в\b", "остров", name))
    name = re.sub(r"\s*\(.*\)\s*", " ", name).strip()
    return [name] if name and "," not in name else []


def _territories() -> list[Entry]:
    import pycountry
    from babel import Locale

    en, ru = Locale("en").territories, Locale("ru").territories
    iso_ru = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    entries = []
    for code in sorted(en):
        if code in _SKIP_TERRITORIES or code not in ru or "-alt-" in code:
            continue
        en_forms, ru_forms = _clean(en[code]), _clean(ru[code])
        if not en_forms or not ru_forms:
            continue
        entry = Entry("organization" if code in _ORG_TERRITORIES else "location", en_forms[0], ru_forms[0],
                      "cldr", en_forms[1:], ru_forms[1:])
        country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
        if country is not None:
            names = [getattr(country, a, None) for a in ("common_name", "name", "official_name")]
            for name in filter(None, names):
                entry.add(_clean(name), _clean(iso_ru.gettext(name)))
            entry.source = "cldr+iso3166"
        entries.append(entry)
    return entries


def _cities() -> list[Entry]:
    from babel.dates import get_timezone_location

    seen: set[tuple[str, str]] = set()
    entries = []
    for zone in sorted(zoneinfo.available_timezones()):
        if "/" not in zone or zone.startswith(("Etc/", "SystemV/", "US/", "Canada/", "Brazil/", "Mexico/", "Chile/")):
            continue
        try:
            en = get_timezone_location(zone, locale="en", return_city=True)
            ru = get_timezone_location(zone, locale="ru", return_city=True)
        except (LookupError, ValueError):
            continue
        en_forms, ru_forms = _clean(en), _clean(ru)
        if not en_forms or not ru_forms or (en_forms[0], ru_forms[0]) in seen:
            continue
        seen.add((en_forms[0], ru_forms[0]))
        entries.append(Entry("location", en_forms[0], ru_forms[0], "cldr-city", en_forms[1:], ru_forms[1:]))
    return entries


def _curated() -> list[Entry]:
    entries = []
    for line in CURATED.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("kind\t"):
            continue
        cells = ([*line.split("\t"), "", ""])[:5]
        kind, en, ru, en_var, ru_var = (c.strip() for c in cells)
        entries.append(Entry(kind, en, ru, "curated",
                             [v.strip() for v in en_var.split("|") if v.strip()],
                             [v.strip() for v in ru_var.split("|") if v.strip()]))
    return entries


def _fold(name: str) -> str:
    return " ".join(name.lower().replace("ё", "е").split())


def build() -> list[Entry]:
    """All entries, generated ones first, curated rows merged into the generated entry with their
    Russian name (or English name for cities) or appended."""
    entries = _territories()
    cities = _cities()
    by_ru = {_fold(e.ru): e for e in entries}
    by_en = {_fold(e.en) for e in entries}
    for city in cities:
        # A city named like a country (Сингапур, Монако) is that country.
        if _fold(city.ru) not in by_ru and _fold(city.en) not in by_en:
            entries.append(city)
            by_ru[_fold(city.ru)] = city
    for row in _curated():
        target = by_ru.get(_fold(row.ru))
        if target is None:
            target = next((e for e in entries if _fold(e.en) == _fold(row.en) and e.kind == row.kind), None)
        if target is None:
            entries.append(row)
            by_ru[_fold(row.ru)] = row
            continue
        # The curated names are the ones the press uses: they become the canonical pair.
        old_en, old_ru = target.en, target.ru
        target.en, target.ru, target.kind = row.en, row.ru, row.kind
        target.en_variants = [v for v in target.en_variants if v != row.en]
        target.ru_variants = [v for v in target.ru_variants if v != row.ru]
        target.add([old_en, *row.en_variants], [old_ru, *row.ru_variants])
        target.source += "+curated"
    # A name the curated rows give to one entry is that entry's alone: Russian press "Америка" is the
    # USA, so CLDR's "Америка" (the Americas) goes, and no generated variant keeps a curated name.
    claimed: dict[str, Entry] = {}
    for e in entries:
        if "curated" in e.source:
            for name in (e.en, e.ru, *e.en_variants, *e.ru_variants):
                claimed[_fold(name)] = e
    kept = []
    for e in entries:
        if "curated" not in e.source:
            if claimed.get(_fold(e.ru), e) is not e or claimed.get(_fold(e.en), e) is not e:
                continue
            e.en_variants = [v for v in e.en_variants if claimed.get(_fold(v), e) is e]
            e.ru_variants = [v for v in e.ru_variants if claimed.get(_fold(v), e) is e]
        kept.append(e)
    return kept


def render(entries: list[Entry]) -> str:
    lines = ["\t".join(HEADER)]
    for e in entries:
        lines.append("\t".join((e.kind, e.en, e.ru, "|".join(e.en_variants), "|".join(e.ru_variants), e.source)))
    return "\n".join(lines) + "\n"


def main() -> int:
    OUTPUT.write_text(render(build()), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
