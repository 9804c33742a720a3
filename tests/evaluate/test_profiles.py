"""Agent and team profiles: coverage, means, strongest/weakest, patterns, the summary sentence."""

from __future__ import annotations

import json

import pytest

from servio.evaluate import evaluate, profiles
from servio.results import AgentProfile, ConversationResult, FailurePattern, StageScore
from servio.stages import Stage
from tests.evaluate.build import EN_GOOD, EN_WEAK, ET_GOOD, ET_WEAK, A, C, convo

# per-stage scores of made-up results: needs strong, goodbye weak
STRONG_NEEDS = {1: 70.0, 2: 60.0, 3: 95.0, 4: 50.0, 5: 55.0, 6: 80.0, 7: 20.0}


def result(i: int, *, scores: dict[int, float] = STRONG_NEEDS, failures: tuple[str, ...] = (),
           agent: str | None = "kati", team: str | None = "pood", language: str = "en",
           values_weight: float = 1.0) -> ConversationResult:
    stage_scores = tuple(
        StageScore(stage=s, score=scores[s], present=scores[s] > 0, weight=values_weight if s == 4 else 1.0)
        for s in range(1, 8)
    )
    return ConversationResult(
        conversation_id=f"c{i}", language=language, contact_type="support", agent_id=agent, team=team,
        turns=(),
        stage_scores=stage_scores, overall=sum(scores.values()) / 7,
        failures=tuple(FailurePattern(f, f.replace("_", " "), None) for f in failures),
    )


def nine(language: str = "en") -> list[ConversationResult]:
    fails = [("solution_before_needs", "no_close")] * 4 + [("no_close",)] * 2 + [()] * 3
    return [result(i, failures=f, language=language) for i, f in enumerate(fails)]


def test_summary_sentence_in_english() -> None:
    (p,) = profiles(nine(), language="en")
    assert p.failures == (("no_close", 6), ("solution_before_needs", 4))
    assert p.summary == ("Strong at clarifying needs, weak at the goodbye procedure; "
                         "most common issue: needs clarified, but no close (6 of 9 conversations).")


def test_summary_example_from_the_brief() -> None:
    fails = [("solution_before_needs",)] * 4 + [()] * 5
    (p,) = profiles([result(i, failures=f) for i, f in enumerate(fails)], language="en")
    assert p.summary == ("Strong at clarifying needs, weak at the goodbye procedure; "
                         "most common issue: solution before needs (4 of 9 conversations).")


def test_summary_sentence_in_estonian() -> None:
    fails = [("solution_before_needs",)] * 4 + [()] * 5
    (p,) = profiles([result(i, failures=f, language="et") for i, f in enumerate(fails)])
    assert p.language == "et"
    assert p.summary == ("Tugevaim etapp: vajaduste selgitamine ja kujundamine; "
                         "nõrgim: „head aega” protseduur. "
                         "Kõige sagedasem tüüpviga: lahendus enne vajaduse selgitamist (9 vestlusest 4-s).")


def test_summary_without_recurring_issues() -> None:
    (en,) = profiles([result(1)], language="en")
    (et,) = profiles([result(1)], language="et")
    assert en.summary == "Strong at clarifying needs, weak at the goodbye procedure; no recurring issues."
    assert et.summary.endswith("Tüüpvigu ei leitud.")


def test_summary_for_a_single_conversation_is_singular() -> None:
    (p,) = profiles([result(1, failures=("no_greeting",))], language="en")
    assert p.summary.endswith("most common issue: no greeting (1 of 1 conversation).")


def test_language_defaults_to_the_majority_of_the_results() -> None:
    mixed = [result(1, language="et"), result(2, language="et"), result(3, language="en")]
    assert profiles(mixed)[0].language == "et"
    assert profiles(mixed, language="en")[0].language == "en"


def test_strongest_and_weakest_among_applicable_stages_ties_by_stage_order() -> None:
    flat = {1: 50.0, 2: 50.0, 3: 80.0, 4: 0.0, 5: 80.0, 6: 50.0, 7: 60.0}
    (p,) = profiles([result(1, scores=flat, values_weight=0.0)])
    assert p.strongest == Stage.NEEDS  # 3 and 5 tie at 80: the earlier stage
    assert p.weakest == Stage.ATTUNEMENT  # values (0) does not apply; 1, 2, 6 tie at 50
    even = {s: 70.0 for s in range(1, 8)}
    (q,) = profiles([result(1, scores=even)], language="en")
    assert q.strongest == q.weakest == Stage.ATTUNEMENT
    assert q.summary.startswith("Even across the stages;")


def test_stage_profiles_coverage_and_mean() -> None:
    low_goodbye = {**STRONG_NEEDS, 7: 0.0}
    results = [result(1), result(2, scores=low_goodbye)]
    (p,) = profiles(results)
    goodbye = next(s for s in p.stages if s.stage == Stage.GOODBYE)
    assert goodbye.coverage == 0.5 and goodbye.mean_score == pytest.approx(10.0)
    assert p.overall == pytest.approx((results[0].overall + results[1].overall) / 2)
    assert p.conversations == 2 and p.conversation_ids == ("c1", "c2")


def test_grouped_by_agent_with_unknown_last() -> None:
    results = [evaluate(t) for t in (ET_GOOD, ET_WEAK, EN_GOOD, EN_WEAK)]
    results.append(evaluate(convo((C, {3}, "Arve on vale."), (A, {6}, "Parandasin."), id="anon")))
    found = profiles(results, by="agent", language="et")
    assert [(p.id, p.conversations, p.team) for p in found] == [
        ("kati", 1, "pood"), ("mart", 1, "pood"), ("sam", 2, "net"), ("(unknown)", 1, None)]
    sam = found[2]
    assert sam.conversation_ids == ("en-good", "en-weak")
    assert dict(sam.failures)["no_close"] == 1


def test_grouped_by_team() -> None:
    results = [evaluate(t) for t in (ET_GOOD, ET_WEAK, EN_GOOD, EN_WEAK)]
    found = profiles(results, by="team")
    assert [(p.kind, p.id, p.team, p.conversations) for p in found] == [
        ("team", "net", "net", 2), ("team", "pood", "pood", 2)]
    pood = found[1]
    assert pood.overall == pytest.approx((evaluate(ET_GOOD).overall + evaluate(ET_WEAK).overall) / 2)
    attunement = next(s for s in pood.stages if s.stage == Stage.ATTUNEMENT)
    assert attunement.coverage == 0.5


def test_bad_grouping_is_refused() -> None:
    with pytest.raises(ValueError, match="agent"):
        profiles([result(1)], by="channel")


def test_no_results_no_profiles() -> None:
    assert profiles([]) == []


def test_profile_round_trip_through_json() -> None:
    results = [evaluate(t) for t in (ET_GOOD, ET_WEAK)]
    for p in profiles(results, by="agent") + profiles(results, by="team"):
        again = AgentProfile.from_dict(json.loads(json.dumps(p.to_dict())))
        assert again.to_dict() == p.to_dict()
        assert again.failures == p.failures and again.summary == p.summary


def test_each_agent_gets_the_summary_in_their_own_language() -> None:
    mixed = [result(1, agent="kati", language="et"), result(2, agent="kati", language="et"),
             result(3, agent="tom", language="en")]
    by_agent = {p.id: p for p in profiles(mixed, by="agent")}
    assert by_agent["kati"].language == "et" and by_agent["kati"].summary.startswith("Tugevaim etapp")
    assert by_agent["tom"].language == "en" and by_agent["tom"].summary.startswith("Strong at")
    forced = {p.id: p for p in profiles(mixed, by="agent", language="en")}
    assert forced["kati"].summary.startswith("Strong at")


def test_a_stage_that_never_applies_has_no_stage_profile() -> None:
    """A stage weighted 0 in every conversation (values in information contacts) has no mean to show.

    Its mean_score of 0.0 read as "scored 0" in `servio agents` and in the JSON.
    """
    (p,) = profiles([result(1, values_weight=0.0), result(2, values_weight=0.0)], language="en")
    assert [s.stage for s in p.stages] == [1, 2, 3, 5, 6, 7]
    (q,) = profiles([result(1, values_weight=0.0), result(2)], language="en")
    values = next(s for s in q.stages if s.stage == Stage.VALUES)
    assert values.mean_score == pytest.approx(50.0)  # the mean where it applies, not over both


def test_no_stage_is_named_strongest_when_even_the_best_mean_is_low() -> None:
    """toomas scores 16 overall: his best stage (29) is not his strength (praise_min_score, 80)."""
    low = {1: 20.0, 2: 0.0, 3: 10.0, 4: 0.0, 5: 15.0, 6: 29.0, 7: 5.0}
    (en,) = profiles([result(1, scores=low, failures=("no_close",))], language="en")
    assert en.strongest is None and en.named_strongest is None and en.weakest is not None
    assert en.summary.startswith("No stage stands out as a strength, weak at ")
    (et,) = profiles([result(1, scores=low, language="et")])
    assert et.summary.startswith("Ükski etapp ei paista tugevana silma; nõrgim: ")
    almost = {**low, 6: 79.9}
    assert profiles([result(1, scores=almost)])[0].strongest is None
    assert profiles([result(1, scores={**low, 6: 80.0})])[0].strongest == Stage.SOLUTION


def test_a_tie_for_weakest_goes_to_the_stage_of_the_most_frequent_failure_pattern() -> None:
    """piret: interest, needs and values all at 0, "solution before needs" in 3 of 3: needs, not interest."""
    tied = {1: 73.0, 2: 0.0, 3: 0.0, 4: 0.0, 5: 40.0, 6: 64.0, 7: 57.0}
    fails = [("solution_before_needs", "values_never_asked")] * 3
    (p,) = profiles([result(i, scores=tied, failures=f, language="et") for i, f in enumerate(fails)])
    assert p.weakest == Stage.NEEDS
    assert "nõrgim: vajaduste selgitamine ja kujundamine" in p.summary
    values_first = [("values_never_asked",)] * 2 + [("solution_before_needs",)]
    (q,) = profiles([result(i, scores=tied, failures=f) for i, f in enumerate(values_first)])
    assert q.weakest == Stage.VALUES


def test_a_tie_for_weakest_with_no_pattern_goes_to_the_heavier_stage() -> None:
    tied = {1: 73.0, 2: 0.0, 3: 50.0, 4: 0.0, 5: 40.0, 6: 64.0, 7: 57.0}
    (p,) = profiles([result(1, scores=tied, values_weight=1.5)])
    assert p.weakest == Stage.VALUES  # 1.5 against interest's 1.0
    (q,) = profiles([result(1, scores=tied, values_weight=1.0)])
    assert q.weakest == Stage.INTEREST  # equal weights: the earlier stage
