"""Agent and team profiles: per-stage coverage and scores, recurring failure patterns, a summary.

The summary sentence is what a team lead wants to read ("Strong at clarifying
needs, weak at the goodbye procedure; most common issue: solution before
needs (4 of 9 conversations)."), built from templates in the feedback texts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from statistics import fmean

from servio.evaluate.feedback import pattern_name, texts
from servio.evaluate.registry import registered_patterns
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
    strongest = min(means, key=lambda s: (-means[s], s)) if means else None
    weakest = min(means, key=lambda s: (means[s], s)) if means else None
    failures = failure_counts(results)
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
    """The team lead's sentence: strongest and weakest stage, and the most common failure pattern."""
    t = texts(language)["summary"]
    lang = language if language in ("et", "en") else "en"
    if strongest is None or weakest is None:
        head = t["no_stages"]
    elif strongest == weakest:
        head = t["balanced"].format(strongest=info(strongest).name(lang))
    else:
        head = t["strong_weak"].format(strongest=info(strongest).name(lang), weakest=info(weakest).name(lang))
    if not failures:
        return f"{head} {t['no_issue']}"
    pid, count = failures[0]
    counted = t["count_one" if total == 1 else "count_many"].format(count=count, total=total)
    return f"{head} {t['issue'].format(issue=pattern_name(pid, lang), count=counted)}"
