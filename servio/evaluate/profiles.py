"""Agent and team profiles: per-stage coverage and scores, recurring failure patterns, a summary.

The summary sentence is what a team lead wants to read ("Strong at clarifying
needs, weak at the goodbye procedure; most common issue: solution before
needs (4 of 9 conversations)."), built from templates in the feedback texts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from statistics import fmean

from servio.evaluate.feedback import pattern_name, texts
from servio.evaluate.registry import registered_patterns
from servio.model import LANGUAGES
from servio.results import AgentProfile, ConversationResult, StageProfile
from servio.stages import ALL_STAGES, info

UNKNOWN = "(unknown)"
GROUPINGS = ("agent", "team")


def profiles(results: Iterable[ConversationResult], *, by: str = "agent",
             language: str | None = None) -> list[AgentProfile]:
    """One profile per agent (``by="agent"``) or team (``by="team"``), sorted by id, "(unknown)" last.

    Each summary sentence is in ``language``, or, when it is None, in the
    majority language of that agent's or team's own conversations.
    """
    if by not in GROUPINGS:
        raise ValueError(f"profiles can be grouped by 'agent' or 'team', not {by!r}")
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"profiles are said in {' or '.join(LANGUAGES)}, not {language!r}")
    items = list(results)
    groups: dict[str, list[ConversationResult]] = {}
    for r in items:
        key = (r.agent_id if by == "agent" else r.team) or UNKNOWN
        groups.setdefault(key, []).append(r)
    keys = sorted(groups, key=lambda k: (k == UNKNOWN, k))
    return [profile(groups[k], kind=by, id=k, language=language or majority_language(groups[k]))
            for k in keys]


def majority_language(results: Sequence[ConversationResult]) -> str:
    """The most common language of ``results`` (``en`` when there are none; ties go to the first seen)."""
    counts = Counter(r.language for r in results if r.language)
    return counts.most_common(1)[0][0] if counts else "en"


def profile(results: Sequence[ConversationResult], *, kind: str, id: str, language: str) -> AgentProfile:
    """The profile of one agent or team from its conversations' results."""
    if not results:
        raise ValueError(f"no conversations for {kind} {id!r}")
    stages, means = _stage_profiles(results)
    failures = failure_counts(results)
    weights = {stage: sum((Fraction(s.weight) for r in results for s in r.stage_scores
                           if s.stage == stage and s.weight > 0), Fraction(0)) for stage in means}
    strongest, weakest = strongest_and_weakest(means, weights, failures)
    return AgentProfile(
        kind=kind,
        id=id,
        team=_team(results, kind, id),
        conversations=len(results),
        overall=fmean(r.overall for r in results),
        stages=stages,
        strongest=strongest,
        weakest=weakest,
        failures=failures,
        summary=summary_sentence(strongest, weakest, failures, len(results), language),
        language=language,
        conversation_ids=tuple(r.conversation_id for r in results),
        incomplete=sum(1 for r in results if r.incomplete),
    )


def _stage_profiles(
    results: Sequence[ConversationResult],
) -> tuple[tuple[StageProfile, ...], dict[int, float]]:
    """Per stage that applies somewhere: coverage and mean score; and those means.

    A stage that applies nowhere (weight 0 in every contact type seen) is left
    out: it has no mean, and 0 would read as "scored 0".
    """
    out, means = [], {}
    for stage in ALL_STAGES:
        scores = [s for r in results for s in r.stage_scores if s.stage == stage]
        applies = [s.score for s in scores if s.weight > 0]
        if not applies:
            continue
        coverage = sum(1 for s in scores if s.present) / len(results)
        means[int(stage)] = fmean(applies)
        out.append(StageProfile(stage=int(stage), coverage=coverage, mean_score=means[int(stage)]))
    return tuple(out), means


def strong_min_score() -> float:
    """The mean a stage needs to be named the strongest: the default scorecard's ``praise_min_score``
    (80), the score from which a stage is praised in a conversation's coaching."""
    from servio.evaluate.scorecard import default_scorecard

    return default_scorecard().feedback.praise_min_score


def strongest_and_weakest(means: Mapping[int, float], weights: Mapping[int, Fraction],
                          failures: Sequence[tuple[str, int]]) -> tuple[int | None, int | None]:
    """The strongest and the weakest of the stages' ``means`` (docs/scorecard.md, "Profiles").

    All means equal: one stage, both (an even profile). The strongest is the highest mean (ties: the
    earlier stage), and none when that mean is below :func:`strong_min_score`: a stage scoring 29 is
    nobody's strength. The weakest is the lowest mean; among stages tied there, the one a failure
    pattern concerns, the most frequent pattern first (``failures`` as :func:`rank_failures` orders
    them), else the one that weighed most in the scores (``weights``: the sum of the stage's weights
    where it applies), else the earlier stage.
    """
    if not means:
        return None, None
    if len(set(means.values())) == 1:
        first = min(means)
        return first, first
    strongest: int | None = min(means, key=lambda s: (-means[s], s))
    if strongest is not None and means[strongest] < strong_min_score():
        strongest = None
    low = min(means.values())
    tied = sorted(s for s in means if means[s] == low)
    stage_of = {e.id: e.stage for e in registered_patterns()}
    named = next((stage_of[pid] for pid, _ in failures if stage_of.get(pid) in tied), None)
    weakest = named if named is not None else min(tied, key=lambda s: (-weights.get(s, Fraction(0)), s))
    return strongest, weakest


def failure_counts(results: Sequence[ConversationResult]) -> tuple[tuple[str, int], ...]:
    """(pattern id, number of conversations showing it), most frequent first, ties in pattern order."""
    return rank_failures(Counter(pid for r in results for pid in {f.id for f in r.failures}))


def rank_failures(counts: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    """Conversations per pattern id as :func:`failure_counts` gives them: most frequent first, ties in
    the order patterns are registered, then by id."""
    order = {e.id: n for n, e in enumerate(registered_patterns())}
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order)), kv[0]))
    return tuple(ranked)


def _team(results: Sequence[ConversationResult], kind: str, id: str) -> str | None:
    if kind == "team":
        return None if id == UNKNOWN else id
    teams = Counter(r.team for r in results if r.team)
    return teams.most_common(1)[0][0] if teams else None


def summary_sentence(strongest: int | None, weakest: int | None, failures: Sequence[tuple[str, int]],
                     total: int, language: str) -> str:
    """The team lead's sentence: strongest and weakest stage, and the most common failure pattern; with
    no stage strong enough to name (``strongest`` None), that no stage stands out."""
    t = texts(language)["summary"]
    lang = language if language in ("et", "en") else "en"
    if weakest is None:
        head = t["no_stages"]
    elif strongest is None:
        head = t["none_strong"].format(weakest=info(weakest).name(lang))
    elif strongest == weakest:
        head = t["balanced"].format(strongest=info(strongest).name(lang))
    else:
        head = t["strong_weak"].format(strongest=info(strongest).name(lang), weakest=info(weakest).name(lang))
    if not failures:
        return f"{head} {t['no_issue']}"
    pid, count = failures[0]
    counted = t["count_one" if total == 1 else "count_many"].format(count=count, total=total)
    return f"{head} {t['issue'].format(issue=pattern_name(pid, lang), count=counted)}"
