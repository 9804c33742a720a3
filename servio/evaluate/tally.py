"""Profiles from counts and exact sums, so that a database's GROUP BY can stand in for the results.

A :class:`Tally` holds what a profile needs of a set of conversations: how many, per stage how
often it applies and was carried and the sum of its scores, the failure patterns' counts, and the
teams and languages named. :func:`tally` makes one from results; the store makes one
from grouped rows (:mod:`servio.store.tallies`) without building a result per conversation.

``profile_of(tally(results), ...)`` equals ``profile(results, ...)`` exactly, not only to the
printed digit: sums are kept exact (each distinct score times its count, as a
:class:`~fractions.Fraction`) and rounded once, which is what :func:`statistics.fmean` does
(``math.fsum`` is correctly rounded), and ties (the team most conversations name, the majority
language) go to the one whose first conversation comes first, as :class:`collections.Counter` does.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypeVar

from servio.evaluate.profiles import UNKNOWN, rank_failures, strongest_and_weakest, summary_sentence
from servio.results import AgentProfile, ConversationResult, StageProfile
from servio.stages import ALL_STAGES

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Seen:
    """How many conversations name a team (or language), and the position of the first of them."""

    count: int
    first: int


@dataclass(frozen=True, slots=True)
class StageSums:
    """One stage over a set of conversations.

    ``present`` counts every score of the stage that was carried (a profile's coverage divides it by
    all the conversations); ``applies``, ``carried`` and ``total`` count the scores where the stage
    applies (weight above 0): the mean, and the dashboard's "present in" and "missing in"; ``zero``
    those carried there that scored 0 (:func:`carried_but_zero`: the heatmap's "but scored 0 in");
    ``weight`` the sum of its weights where it applies (which of the stages tied at the lowest mean is
    named the weakest, :func:`~servio.evaluate.profiles.strongest_and_weakest`).
    """

    present: int = 0
    applies: int = 0
    carried: int = 0
    total: Fraction = Fraction(0)
    zero: int = 0
    weight: Fraction = Fraction(0)

    def __add__(self, other: StageSums) -> StageSums:
        return StageSums(self.present + other.present, self.applies + other.applies,
                         self.carried + other.carried, self.total + other.total, self.zero + other.zero,
                         self.weight + other.weight)


@dataclass(frozen=True, slots=True)
class Tally:
    """A set of conversations as counts and exact sums (see the module's description).

    Positions (``Seen.first``, ``ids``) are places in one order of all the conversations tallied
    together (the store's: by id), so that tallies of parts of one set can be :func:`combined`.
    ``ids`` (position, conversation id) is empty unless asked for.
    """

    conversations: int
    overall: Fraction
    stages: Mapping[int, StageSums]
    failures: Mapping[str, int]
    teams: Mapping[str, Seen]
    languages: Mapping[str, Seen]
    ids: tuple[tuple[int, str], ...] = ()
    incomplete: int = 0  # conversations whose reading skipped records (``ConversationResult.incomplete``)

    @property
    def conversation_ids(self) -> tuple[str, ...]:
        """The ids kept (``ids``), in order."""
        return tuple(i for _, i in self.ids)


@dataclass
class TallyBuilder:
    """Collects one :class:`Tally`: conversations, then stage scores and failure patterns, each with a
    count (a grouped row) or one at a time."""

    keep_ids: bool = False
    conversations: int = 0
    overall: dict[float, int] = field(default_factory=dict)
    scores: dict[tuple[int, float, bool, float], int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    teams: dict[str, list[int]] = field(default_factory=dict)
    languages: dict[str, list[int]] = field(default_factory=dict)
    ids: list[tuple[int, str]] = field(default_factory=list)
    incomplete: int = 0

    def conversation(self, position: int, id: str, overall: float, team: str | None,
                     language: str | None, incomplete: bool = False) -> None:
        """One conversation at ``position`` (its place among all those tallied together); ``incomplete``
        when records of it could not be read."""
        self.conversations += 1
        self.incomplete += bool(incomplete)
        self.overall[overall] = self.overall.get(overall, 0) + 1
        for seen, name in ((self.teams, team), (self.languages, language)):
            if name:  # as profiles count them: a conversation without a team names none
                counted = seen.setdefault(name, [0, position])
                counted[0] += 1
                counted[1] = min(counted[1], position)
        if self.keep_ids:
            self.ids.append((position, id))

    def stage(self, stage: int, score: float, present: bool, weight: float, count: int = 1) -> None:
        """``count`` scores of ``stage`` equal to ``score``, carried or not, of stage weight ``weight``
        (0: not applicable)."""
        key = (int(stage), score, bool(present), float(weight))
        self.scores[key] = self.scores.get(key, 0) + count

    def failure(self, pattern: str, count: int = 1) -> None:
        """``count`` conversations showing ``pattern`` (each counted once, however often it shows)."""
        self.failures[pattern] = self.failures.get(pattern, 0) + count

    def build(self) -> Tally:
        counts: dict[int, list[int]] = {}  # per stage: present, applies, carried, carried but scored 0
        applying: dict[int, dict[float, int]] = {}  # per stage: how often each score where it applies
        weights: dict[int, dict[float, int]] = {}  # per stage: how often each weight where it applies
        for (stage, score, present, weight), n in self.scores.items():
            c = counts.setdefault(stage, [0, 0, 0, 0])
            c[0] += n if present else 0
            if weight > 0:
                counted = weights.setdefault(stage, {})
                counted[weight] = counted.get(weight, 0) + n
                c[1] += n
                c[2] += n if present else 0
                c[3] += n if carried_but_zero(present, 1.0, score) else 0
                scores = applying.setdefault(stage, {})
                scores[score] = scores.get(score, 0) + n
        stages = {stage: StageSums(present=c[0], applies=c[1], carried=c[2],
                                   total=_exact(applying.get(stage, {})), zero=c[3],
                                   weight=_exact(weights.get(stage, {})))
                  for stage, c in counts.items()}
        return Tally(conversations=self.conversations, overall=_exact(self.overall), stages=stages,
                     failures=dict(self.failures), teams={k: Seen(*v) for k, v in self.teams.items()},
                     languages={k: Seen(*v) for k, v in self.languages.items()}, ids=tuple(sorted(self.ids)),
                     incomplete=self.incomplete)


@dataclass(frozen=True, slots=True)
class ZeroScores:
    """One stage where it was carried but scored 0 (as the conversation page's "present, but: ..."): in
    how many conversations, and in how many of those each check failed."""

    conversations: int
    failed: Mapping[str, int]

    def most_failed(self, n: int = 3) -> list[tuple[str, int]]:
        """The ``n`` checks that failed most often, with their counts (ties: by id)."""
        return sorted(self.failed.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def carried_but_zero(present: bool, weight: float, score: float) -> bool:
    """Whether a stage score is one the agent carried where it applies, yet scored 0 (rounded, as shown)."""
    return present and weight > 0 and round(score) == 0


def zero_scores(scores: Iterable[tuple[int, Iterable[tuple[str, bool]]]]) -> dict[int, ZeroScores]:
    """Per stage, :class:`ZeroScores` of carried-but-zero stage scores given as (stage, its checks as
    (id, passed)); a check counts once per conversation."""
    counts: dict[int, int] = {}
    failed: dict[int, dict[str, int]] = {}
    for stage, checks in scores:
        counts[stage] = counts.get(stage, 0) + 1
        mine = failed.setdefault(stage, {})
        for check in {c for c, passed in checks if not passed}:
            mine[check] = mine.get(check, 0) + 1
    return {stage: ZeroScores(n, failed[stage]) for stage, n in counts.items()}


def zero_scores_of(results: Iterable[ConversationResult]) -> dict[int, ZeroScores]:
    """:func:`zero_scores` of whole results (their stage scores with checks)."""
    scores = (s for r in results for s in r.stage_scores if carried_but_zero(s.present, s.weight, s.score))
    return zero_scores((s.stage, [(c.id, c.passed) for c in s.checks]) for s in scores)


def _exact(counts: Mapping[float, int]) -> Fraction:
    """The exact sum of each value times its count. A float's exact value is an integer over a power
    of two, so one common denominator (the largest) turns the sum into integer arithmetic."""
    ratios = [(value.as_integer_ratio(), n) for value, n in counts.items()]
    den = max((q for (_, q), _ in ratios), default=1)
    return Fraction(sum(p * (den // q) * n for (p, q), n in ratios), den)


def _add(builder: TallyBuilder, position: int, r: ConversationResult) -> None:
    builder.conversation(position, r.conversation_id, r.overall, r.team, r.language, r.incomplete)
    for s in r.stage_scores:
        builder.stage(s.stage, s.score, s.present, s.weight)
    for pattern in {f.id for f in r.failures}:
        builder.failure(pattern)


def tally(results: Sequence[ConversationResult], *, ids: bool = True) -> Tally:
    """The tally of ``results`` (positions: their order)."""
    builder = TallyBuilder(keep_ids=ids)
    for position, r in enumerate(results):
        _add(builder, position, r)
    return builder.build()


def tallies(results: Sequence[ConversationResult], key: Callable[[ConversationResult], K], *,
            ids: bool = True) -> dict[K, Tally]:
    """Tallies of ``results`` grouped by ``key`` (positions: their order in ``results``)."""
    builders: dict[K, TallyBuilder] = {}
    for position, r in enumerate(results):
        _add(builders.setdefault(key(r), TallyBuilder(keep_ids=ids)), position, r)
    return {k: b.build() for k, b in builders.items()}


def combined(parts: Iterable[Tally]) -> Tally:
    """One tally of the conversations of ``parts`` (disjoint sets tallied in one order)."""
    items = list(parts)
    stages: dict[int, StageSums] = {}
    failures: dict[str, int] = {}
    for t in items:
        for stage, sums in t.stages.items():
            stages[stage] = stages[stage] + sums if stage in stages else sums
        for pattern, n in t.failures.items():
            failures[pattern] = failures.get(pattern, 0) + n
    return Tally(conversations=sum(t.conversations for t in items),
                 overall=sum((t.overall for t in items), Fraction(0)), stages=stages, failures=failures,
                 teams=_seen_together(t.teams for t in items),
                 languages=_seen_together(t.languages for t in items),
                 ids=tuple(sorted(x for t in items for x in t.ids)),
                 incomplete=sum(t.incomplete for t in items))


def _seen_together(parts: Iterable[Mapping[str, Seen]]) -> dict[str, Seen]:
    out: dict[str, Seen] = {}
    for part in parts:
        for name, seen in part.items():
            before = out.get(name)
            out[name] = (seen if before is None
                         else Seen(before.count + seen.count, min(before.first, seen.first)))
    return out


def _most_named(seen: Mapping[str, Seen]) -> str | None:
    """The name most conversations give; of equals, the one named first (as ``Counter.most_common``)."""
    return min(seen, key=lambda name: (-seen[name].count, seen[name].first)) if seen else None


def majority_language_of(t: Tally) -> str:
    """As :func:`~servio.evaluate.profiles.majority_language` of the results tallied."""
    return _most_named(t.languages) or "en"


def _mean(total: Fraction, n: int) -> float:
    return float(total) / n  # fmean: the correctly rounded sum, divided


def stage_values_of(t: Tally) -> tuple[dict[int, float | None], dict[int, float | None]]:
    """As :func:`servio.report.summary.stage_values` of the results tallied: per stage, the mean score
    and the share carried, over the conversations where it applies (None where it never does)."""
    values: dict[int, float | None] = {}
    coverage: dict[int, float | None] = {}
    for stage in ALL_STAGES:
        sums = t.stages.get(int(stage))
        applies = sums is not None and sums.applies > 0
        values[int(stage)] = _mean(sums.total, sums.applies) if sums is not None and applies else None
        coverage[int(stage)] = sums.carried / sums.applies if sums is not None and applies else None
    return values, coverage


def applicable_and_missing_of(t: Tally) -> tuple[dict[int, int], dict[int, int]]:
    """Per stage: in how many conversations it applies, and in how many of those it was not carried."""
    applies = {int(s): 0 for s in ALL_STAGES}
    missing = {int(s): 0 for s in ALL_STAGES}
    for stage, sums in t.stages.items():
        if stage in applies:
            applies[stage] = sums.applies
            missing[stage] = sums.applies - sums.carried
    return applies, missing


def zero_of(t: Tally) -> dict[int, int]:
    """Per stage: in how many conversations where it applies it was carried yet scored 0."""
    return {int(s): t.stages[int(s)].zero if int(s) in t.stages else 0 for s in ALL_STAGES}


def profile_of(t: Tally, *, kind: str, id: str, language: str) -> AgentProfile:
    """As :func:`~servio.evaluate.profiles.profile` of the results tallied."""
    if not t.conversations:
        raise ValueError(f"no conversations for {kind} {id!r}")
    stages, means = [], {}
    for stage in ALL_STAGES:
        sums = t.stages.get(int(stage))
        if sums is None or not sums.applies:
            continue  # applies nowhere: no mean, and 0 would read as "scored 0"
        means[int(stage)] = _mean(sums.total, sums.applies)
        stages.append(StageProfile(stage=int(stage), coverage=sums.present / t.conversations,
                                   mean_score=means[int(stage)]))
    failures = rank_failures(t.failures)
    strongest, weakest = strongest_and_weakest(means, {s: t.stages[s].weight for s in means}, failures)
    if kind == "team":
        team = None if id == UNKNOWN else id
    else:
        team = _most_named(t.teams)
    return AgentProfile(
        kind=kind, id=id, team=team, conversations=t.conversations, overall=_mean(t.overall, t.conversations),
        stages=tuple(stages), strongest=strongest, weakest=weakest, failures=failures,
        summary=summary_sentence(strongest, weakest, failures, t.conversations, language),
        language=language, conversation_ids=t.conversation_ids, incomplete=t.incomplete,
    )
