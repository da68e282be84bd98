"""Tiny script-share language guess.

Only one decision depends on it: whether to run the Russian models at all. natasha on English text
invents Russian-looking persons, so anything that is not mostly Cyrillic skips NER. A letter count is
enough for that and costs nothing.
"""

from __future__ import annotations

RU = "ru"
EN = "en"
UNKNOWN = "unknown"

#: Fewer letters than this and any guess is noise.
_MIN_LETTERS = 20


def detect(text: str, *, sample: int = 20_000) -> str:
    """Return "ru", "en" or "unknown" from the share of Cyrillic vs Latin letters."""
    cyr = lat = other = 0
    for ch in text[:sample]:
        if not ch.isalpha():
            continue
        if "а" <= ch.lower() <= "я" or ch in "ёЁ":
            cyr += 1
        elif ch.isascii():
            lat += 1
        else:
            other += 1
    letters = cyr + lat + other
    if letters == 0:
        return UNKNOWN
    if cyr >= 0.5 * letters and cyr >= min(_MIN_LETTERS, letters):
        return RU
    if lat >= 0.6 * letters and letters >= _MIN_LETTERS:
        return EN
    if cyr > lat and cyr >= 0.4 * letters:
        return RU
    return UNKNOWN
