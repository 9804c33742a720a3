"""Tallies give exactly the profiles, stage values and counts computed from every result."""

from __future__ import annotations

import random
from dataclasses import replace
from fractions import Fraction
from statistics import fmean

import pytest

from servio.evaluate.profiles import UNKNOWN, majority_language, profile, profiles
from servio.evaluate.tally import (
    Tally,
    TallyBuilder,
    applicable_and_missing_of,
    combined,
    majority_language_of,
    profile_of,
    stage_values_of,
    tallies,
    tally,
)
from servio.report.summary import stage_values
from servio.results import ConversationResult, FailurePattern, StageScore
from servio.web.pages import applicable_and_missing


def _result(rng: random.Random, n: int) -> ConversationResult:
    """A result with awkward numbers: scores whose float sum depends on the order of adding them."""
    awkward = [0.0, 100.0, 100 / 3, 200 / 7, 0.1]
    scores = tuple(StageScore(stage=s, score=rng.choice([*awkward, rng.uniform(0, 100)]),
                              present=rng.random() < 0.7, weight=rng.choice([0.0, 1.0, 1.0, 2.5]))
                   for s in range(1, 8) if rng.random() < 0.95)
    failures = tuple(FailurePattern(rng.choice(["no_close", "no_greeting", "zz_custom"]), "text", None)
                     for _ in range(rng.randrange(3)))  # the same pattern twice counts once
    return ConversationResult(
        conversation_id=f"r{n:04d}", language=rng.choice(["en", "et", ""]), contact_type="support",
        agent_id=rng.choice(["ann", "bo", "cy", "", None]), team=rng.choice(["North", "South", None]),
        turns=(),
        overall=rng.choice([rng.uniform(0, 100), 100 / 3, 0.1]), stage_scores=scores, failures=failures)


@pytest.fixture(scope="module")
def results() -> list[ConversationResult]:
    rng = random.Random(17)
    return [_result(rng, n) for n in range(400)]


def test_a_tally_gives_the_profile_of_the_results(results: list[ConversationResult]) -> None:
    for size in (1, 2, 7, 50, 400):
        part = results[:size]
        for kind, id in (("agent", "ann"), ("team", "North"), ("team", "(unknown)")):
            expected = profile(part, kind=kind, id=id, language="en")
            assert profile_of(tally(part), kind=kind, id=id, language="en") == expected
        assert majority_language_of(tally(part)) == majority_language(part)
        assert stage_values_of(tally(part)) == stage_values(part)
        assert applicable_and_missing_of(tally(part)) == applicable_and_missing(part)


def test_grouped_and_combined_tallies_give_each_groups_profile(results: list[ConversationResult]) -> None:
    for by in ("agent", "team"):
        groups: dict[str, list[Tally]] = {}
        for key, part in tallies(results, lambda r: r.agent_id if by == "agent" else r.team).items():  # noqa: B023
            groups.setdefault(key or UNKNOWN, []).append(part)  # None and "" are both unknown
        got = [profile_of(combined(groups[k]), kind=by, id=k, language="et")
               for k in sorted(groups, key=lambda k: (k == UNKNOWN, k))]
        assert got == profiles(results, by=by, language="et")
        everyone = combined(p for parts in groups.values() for p in parts)
        assert profile_of(everyone, kind="team", id="all", language="en") == profile(
            results, kind="team", id="all", language="en")


def test_ties_go_to_the_team_and_language_seen_first() -> None:
    base = ConversationResult(conversation_id="", language="et", contact_type="support", agent_id="ann",
                              team="South", turns=(), overall=50.0, stage_scores=())
    rows = [replace(base, conversation_id="a", team="South", language="et"),
            replace(base, conversation_id="b", team="North", language="en"),
            replace(base, conversation_id="c", team="North", language="en"),
            replace(base, conversation_id="d", team="South", language="et")]
    for order in (rows, rows[::-1], rows[1:] + rows[:1]):
        got = profile_of(tally(order), kind="agent", id="ann", language="en")
        assert got == profile(order, kind="agent", id="ann", language="en")
        assert majority_language_of(tally(order)) == majority_language(order)
    assert profile_of(tally(rows), kind="agent", id="ann", language="en").team == "South"
    # parts tallied in one order and combined keep the first one seen over all of them
    parts = tallies(rows[1:] + rows[:1], lambda r: r.conversation_id in "ab")
    assert profile_of(combined(parts.values()), kind="agent", id="ann", language="en").team == "North"


def test_sums_are_exact_where_adding_floats_in_order_is_not() -> None:
    rng = random.Random(3)
    values = [rng.uniform(0, 100) for _ in range(2000)] + [0.1] * 300 + [1e-9, 100 / 3]
    builder = TallyBuilder()
    for n, v in enumerate(values):
        builder.conversation(n, f"c{n}", v, None, None)
    t = builder.build()
    assert t.overall == sum(Fraction(v) for v in values)
    assert float(t.overall) / len(values) == fmean(values)
    assert sum(values) / len(values) != fmean(values)  # so the test can tell a plain sum from an exact one


def test_an_empty_tally_has_no_profile() -> None:
    with pytest.raises(ValueError, match="no conversations"):
        profile_of(tally([]), kind="agent", id="x", language="en")


def test_a_tally_breaks_a_tie_for_weakest_as_the_results_do() -> None:
    """Tied at 0: the stage of the most frequent pattern, else the heavier one (its weights summed)."""
    def one(n: int, failures: tuple[str, ...], values_weight: float) -> ConversationResult:
        means = {1: 90.0, 2: 0.0, 3: 50.0, 4: 0.0, 5: 60.0, 6: 70.0, 7: 40.0}
        scores = tuple(StageScore(stage=s, score=v, present=v > 0, weight=values_weight if s == 4 else 1.0)
                       for s, v in means.items())
        return ConversationResult(conversation_id=f"t{n}", language="en", contact_type="support",
                                  agent_id="ann", team=None, turns=(), overall=50.0, stage_scores=scores,
                                  failures=tuple(FailurePattern(f, "text", None) for f in failures))

    for results, weakest in (([one(1, (), 1.5), one(2, (), 1.0)], 4),
                             ([one(1, (), 0.5), one(2, (), 0.25)], 2),
                             ([one(1, ("values_never_asked",), 0.25)], 4)):
        expected = profile(results, kind="agent", id="ann", language="en")
        assert expected.weakest == weakest
        assert profile_of(tally(results), kind="agent", id="ann", language="en") == expected
