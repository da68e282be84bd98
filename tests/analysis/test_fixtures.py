"""End-to-end expectations on our own fixture articles (see expected.py)."""

from __future__ import annotations

from typing import Any

import pytest
from expected import EXPECTED

from analysis import ArticleAnalysis, analyze


@pytest.fixture(scope="module")
def results(pipeline: Any, fixture_text: Any) -> dict[str, ArticleAnalysis]:
    out = {}
    for name in EXPECTED:
        result = analyze(fixture_text(name), pipeline=pipeline)
        assert isinstance(result, ArticleAnalysis), result
        out[name] = result
    return out


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_title_source_via(results: dict[str, ArticleAnalysis], name: str) -> None:
    exp, res = EXPECTED[name], results[name]
    assert res.title == exp["title"]
    assert res.source == exp["source"]
    assert res.via == exp["via"]
    assert res.language == "ru"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_actors_and_roles(results: dict[str, ArticleAnalysis], name: str) -> None:
    actors = {a.name: a for a in results[name].actors}
    for actor_name, kind, role in EXPECTED[name]["actors"]:
        assert actor_name in actors, f"{actor_name} missing from {sorted(actors)}"
        assert actors[actor_name].kind == kind
        if role is not None:
            assert actors[actor_name].role == role
    for actor_name, count in EXPECTED[name]["mentions"].items():
        assert actors[actor_name].mentions == count


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_person_aliases_include_surname(results: dict[str, ArticleAnalysis], name: str) -> None:
    for actor in results[name].actors:
        if actor.kind == "person" and " " in actor.name:
            assert actor.name.split()[-1] in actor.aliases
            assert any(alias.isascii() for alias in actor.aliases), actor.aliases


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_claims(results: dict[str, ArticleAnalysis], name: str) -> None:
    claims = results[name].claims
    for speaker, fragment, kind, resolved in EXPECTED[name]["claims"]:
        found = [c for c in claims if c.speaker == speaker and fragment in c.text and c.kind == kind]
        assert found, f"no {kind} by {speaker!r} containing {fragment!r}: {claims}"
        assert (found[0].actor == speaker) if resolved else found[0].actor is None


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_tags(results: dict[str, ArticleAnalysis], name: str) -> None:
    tags = results[name].tags
    names = [t.name for t in tags]
    assert len(names) == len(set(names))
    assert all(n == n.lower() for n in names)
    for tag in EXPECTED[name]["tags"]:
        assert tag in names, names
    for tag in EXPECTED[name].get("explicit", []):
        assert next(t for t in tags if t.name == tag).origin == "explicit"
    assert [t.score for t in tags] == sorted((t.score for t in tags), reverse=True)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_summary_is_clean(results: dict[str, ArticleAnalysis], name: str) -> None:
    res = results[name]
    assert res.lead and res.summary and len(res.summary) <= 3
    assert res.summary[0] == res.lead
    assert res.title not in res.summary
    everything = " ".join([*res.summary, *(a.name for a in res.actors), *(c.text for c in res.claims)])
    for chrome in EXPECTED[name]["not_in_text"]:
        assert chrome not in everything


def test_glued_and_inflected_surnames_merge(pipeline: Any) -> None:
    text = (
        "Госсекретарь США Рекс Тиллерсон встретился с министром иностранных дел России Сергеем Лавровым.\n\n"
        "Переговоры прошли за закрытыми дверями. Издание напоминает, что вторую встречу с Лавровым Тиллерсон "
        "провёл без прессы. Позиция Тиллерсона не изменилась, а Лавров ответил сдержанно."
    )
    res = analyze(text, pipeline=pipeline)
    assert isinstance(res, ArticleAnalysis)
    actors = {a.name: a for a in res.actors}
    assert actors["Рекс Тиллерсон"].mentions == 3
    assert actors["Сергей Лавров"].mentions == 3
    assert not any(" " in a.name and a.name.split()[0] in ("Лавров", "Лавровым") for a in res.actors)
    assert actors["Рекс Тиллерсон"].role == "госсекретарь США"


def test_junk_person_spans_dropped(pipeline: Any) -> None:
    text = (
        "Администрация должна представить в конгресс подробности, то есть указать Ф. И. О. конкретных лиц, "
        "на которых распространятся санкции. Об этом заявил сенатор Джон Смит."
    )
    res = analyze(text, pipeline=pipeline)
    assert isinstance(res, ArticleAnalysis)
    assert all("Ф." not in a.name for a in res.actors)
    assert "Джон Смит" in {a.name for a in res.actors}


def test_alias_table_joins_country_names(pipeline: Any) -> None:
    text = (
        "Отношения России и США ухудшились. РФ пригрозила ответными мерами, а Штаты расширили санкции. "
        "Российская Федерация считает эти меры незаконными, сообщает агентство."
    )
    res = analyze(text, pipeline=pipeline)
    assert isinstance(res, ArticleAnalysis)
    names = [a.name for a in res.actors]
    assert names.count("Россия") == 1 and names.count("США") == 1
    russia = next(a for a in res.actors if a.name == "Россия")
    assert russia.mentions >= 3 and "РФ" in russia.aliases


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if "refs" in EXPECTED[n]))
def test_speaker_reference_kinds(results: dict[str, ArticleAnalysis], name: str) -> None:
    """How the text referred to the speaker is reported per claim (analyze --json "speaker_ref")."""
    res = results[name]
    for fragment, ref in EXPECTED[name]["refs"].items():
        found = [c for c in res.claims if fragment in c.text]
        assert found, (fragment, res.claims)
        assert found[0].speaker_ref == ref, (fragment, found[0])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_negation_is_kept(results: dict[str, ArticleAnalysis], name: str) -> None:
    """ "не думает, что X" stores X with negated=True; "не исключил, что X" and a "не" inside X do not."""
    res = results[name]
    for fragment in EXPECTED[name].get("negated", []):
        assert any(fragment in c.text and c.negated for c in res.claims), (fragment, res.claims)
    for fragment in EXPECTED[name].get("affirmed", []):
        assert any(fragment in c.text and not c.negated for c in res.claims), (fragment, res.claims)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_claims_never_start_with_chto_nor_carry_questions(results: dict[str, ArticleAnalysis], name: str) -> None:
    res = results[name]
    for c in res.claims:
        assert not c.text.lower().startswith(("что ", ", что")), c
    for question in EXPECTED[name].get("questions", []):
        assert not any(question in c.text for c in res.claims), question


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if "actions" in EXPECTED[n]))
def test_actions_reported_per_actor(results: dict[str, ArticleAnalysis], name: str) -> None:
    res = results[name]
    for actor_name, fragment in EXPECTED[name]["actions"].items():
        actor = next(a for a in res.actors if a.name == actor_name)
        assert any(fragment in act for act in actor.actions), actor.actions
        assert not any(fragment in c.text for c in res.claims if c.actor == actor_name)


def test_json_contract_carries_reference_kind_negation_and_actions(results: dict[str, ArticleAnalysis]) -> None:
    """`analyze --json`: each claim has speaker_ref and negated, each actor a list of actions."""
    data = results["pronoun_chain.txt"].to_json()
    kinds = {"name", "pronoun", "role", "continuation", "outlet", "anonymous"}
    assert data["claims"] and all(c["speaker_ref"] in kinds and isinstance(c["negated"], bool) for c in data["claims"])
    assert all(isinstance(a["actions"], list) for a in data["actors"])
    assert any(a["actions"] for a in data["actors"])
    assert {"speaker", "text", "kind", "actor"} <= set(data["claims"][0])
