"""Views of /merge and /unmerge."""

from __future__ import annotations

from bot import callbacks
from bot.i18n import Lang, t
from bot.keyboards import LABEL_CHARS, View, kind_icon, markup, one_per_row
from bot.lists import query_problem, shown_query
from bot.services.merging import MergeOutcome, UnmergeOutcome


def _choices(key: str, term: str, outcome: MergeOutcome | UnmergeOutcome, language: Lang) -> View:
    rows = one_per_row(((f"{kind_icon(a.kind)} {a.name}", callbacks.WHO, (a.id,)) for a in outcome.candidates),
                       LABEL_CHARS)
    return View(t(language, key, query=shown_query(term)), markup(rows) if rows else None)


def merge_outcome(outcome: MergeOutcome, language: Lang) -> View:
    if outcome.problem is not None and outcome.status != "usage":
        return query_problem(outcome.problem, outcome.term, language)
    if outcome.status == "merged" and outcome.survivor and outcome.absorbed:
        return View(t(language, "merge_done", survivor=outcome.survivor.name, absorbed=outcome.absorbed.name))
    if outcome.status == "same" and outcome.survivor:
        return View(t(language, "merge_same", name=outcome.survivor.name))
    if outcome.status == "kinds" and outcome.survivor and outcome.absorbed:
        return View(t(language, "merge_kinds", a=outcome.survivor.name, b=outcome.absorbed.name))
    if outcome.status == "ambiguous":
        return _choices("merge_ambiguous", outcome.term, outcome, language)
    if outcome.status == "not_found":
        return View(t(language, "merge_not_found", query=shown_query(outcome.term)))
    if outcome.status == "split":
        return View(t(language, "merge_split"))
    return View(t(language, "merge_usage"))


def unmerge_outcome(outcome: UnmergeOutcome, language: Lang) -> View:
    if outcome.problem is not None:
        return query_problem(outcome.problem, outcome.term, language)
    if outcome.status == "unmerged" and outcome.survivor and outcome.merge:
        return View(t(language, "unmerge_done", survivor=outcome.survivor.name, absorbed=outcome.merge.absorbed_name))
    if outcome.status == "never" and outcome.survivor:
        return View(t(language, "unmerge_never", name=outcome.survivor.name))
    if outcome.status == "forbidden":
        return View(t(language, "unmerge_forbidden"))
    if outcome.status == "ambiguous":
        return _choices("merge_ambiguous", outcome.term, outcome, language)
    if outcome.status == "not_found":
        return View(t(language, "merge_not_found", query=shown_query(outcome.term)))
    return View(t(language, "unmerge_usage"))
