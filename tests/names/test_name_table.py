"""The bilingual name table (tests/names/pairs.tsv, nonpairs.tsv) against the issue's targets.

Rates are over the whole table, misses included; README quotes the same figures
(``.venv/bin/python tests/names/table.py``).
"""

from __future__ import annotations

import pytest

from table import Report, measure, nonpairs, pairs


@pytest.fixture(scope="module")
def report() -> Report:
    return measure()


def test_table_is_big_enough() -> None:
    kinds = {k for k, _, _ in pairs()}
    assert len(pairs()) >= 400 and kinds == {"person", "location", "organization"}
    assert len(nonpairs()) >= 40
    assert all(len(en.split()) >= 2 for k, en, _ in pairs() if k == "person"), "persons come with first names"


def test_english_full_names_find_persons(report: Report) -> None:
    assert report.rate("person full name") >= 0.95, report.misses


def test_surname_alone_finds_persons(report: Report) -> None:
    assert report.rate("person surname") >= 0.90, report.misses


def test_places_and_organisations(report: Report) -> None:
    assert report.rate("location") >= 0.90, report.misses
    assert report.rate("organization") >= 0.70, report.misses


def test_confident_wrong_answers_are_rare(report: Report) -> None:
    assert report.wrong_rate <= 1 / 200, (report.wrong, report.nonpair_wrong)


def test_different_names_never_meet(report: Report) -> None:
    assert report.nonpair_wrong == []
