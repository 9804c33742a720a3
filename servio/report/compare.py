"""Two selections of results side by side: an earlier period against the report's own (before and after a
training, last month against this one).

Per stage and overall: the mean score in each, the change, and a 95 % confidence interval of the change
(Welch's t, the two periods' conversations taken as independent samples; a period whose scores are all
the same gets the spread of :func:`_spread`), so that a report can tell a
clear change from one that a handful of conversations could make by chance. Per failure pattern: the
share of conversations showing it in each period. Pure functions, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from statistics import fmean, variance

from servio.evaluate.profiles import failure_counts
from servio.results import ConversationResult
from servio.stages import ALL_STAGES

#: Two-sided 95 % quantiles of Student's t by degrees of freedom (0: infinitely many, the normal's);
#: between the listed ones, interpolated linearly in 1/df: within 0.04 of the exact value from 2 degrees
#: of freedom on (0.01 from 3 on), and larger below 2 (a wider interval, never a narrower one).
_T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
        10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
        18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060,
        26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980, 0: 1.960}


@dataclass(frozen=True, slots=True)
class Change:
    """One figure in both periods: the means (None where no conversation counts), how many
    conversations each mean is over, and the 95 % interval of ``after - before`` (None with fewer than
    two conversations on either side)."""

    before: float | None
    after: float | None
    n_before: int
    n_after: int
    low: float | None = None
    high: float | None = None

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def verdict(self) -> str:
        """``up`` or ``down`` when the interval leaves out zero, ``chance`` when it holds it, ``few``
        when there are too few conversations to tell (or the figure is missing on one side)."""
        if self.low is None or self.high is None:
            return "few"
        if self.low > 0:
            return "up"
        if self.high < 0:
            return "down"
        return "chance"


@dataclass(frozen=True, slots=True)
class PatternShare:
    """A failure pattern's conversations in each period."""

    id: str
    before: int
    after: int


@dataclass(frozen=True, slots=True)
class Comparison:
    """An earlier selection (``before``) against a later one (``after``)."""

    n_before: int
    n_after: int
    overall: Change
    stages: dict[int, Change]
    patterns: tuple[PatternShare, ...]


def earlier_problem(date_from: date | None, compare_from: date, compare_to: date) -> str | None:
    """Why the days ``compare_from``..``compare_to`` cannot be the earlier period of a report that starts
    on ``date_from`` (None: the first conversation): ``reversed`` (they run backwards), ``no_start`` (the
    report has no first day, so every earlier period overlaps it) or ``not_before`` (they do not end
    before it); None when they can. A later period is refused too: the comparison reads "earlier" and
    "now", and its changes from the one to the other."""
    if compare_from > compare_to:
        return "reversed"
    if date_from is None:
        return "no_start"
    if compare_to >= date_from:
        return "not_before"
    return None


def compare(before: Sequence[ConversationResult], after: Sequence[ConversationResult]) -> Comparison:
    """The stage and overall scores and the failure patterns of ``before`` against ``after``.

    A stage counts the conversations where it applies (as the report's profile does): a complaint's
    values stage is in neither mean.
    """
    stages = {int(s): change(_stage_scores(before, s), _stage_scores(after, s)) for s in ALL_STAGES}
    counts_before, counts_after = dict(failure_counts(before)), dict(failure_counts(after))
    order = [pid for pid, _ in failure_counts([*after, *before])]
    patterns = tuple(PatternShare(pid, counts_before.get(pid, 0), counts_after.get(pid, 0)) for pid in order)
    return Comparison(n_before=len(before), n_after=len(after),
                      overall=change([r.overall for r in before], [r.overall for r in after]),
                      stages=stages, patterns=patterns)


def _stage_scores(results: Sequence[ConversationResult], stage: int) -> list[float]:
    return [s.score for r in results for s in r.stage_scores if s.stage == stage and s.weight > 0]


def change(before: Sequence[float], after: Sequence[float], span: float = 100.0) -> Change:
    """The means of two samples and the 95 % interval of their difference (Welch), cut to ``±span``: the
    largest difference there can be (scores run from 0 to 100)."""
    mean_b = fmean(before) if before else None
    mean_a = fmean(after) if after else None
    if mean_b is None or mean_a is None or len(before) < 2 or len(after) < 2:
        return Change(mean_b, mean_a, len(before), len(after))
    vb, va = _spread(before, mean_b, span) / len(before), _spread(after, mean_a, span) / len(after)
    diff, se = mean_a - mean_b, math.sqrt(vb + va)
    df = (vb + va) ** 2 / (vb * vb / (len(before) - 1) + va * va / (len(after) - 1))  # Welch-Satterthwaite
    margin = t95(df) * se
    low, high = max(diff - margin, -span), min(diff + margin, span)
    return Change(mean_b, mean_a, len(before), len(after), low, high)


def _spread(sample: Sequence[float], mean: float, span: float) -> float:
    """The sample's variance; for a sample without any spread (every score the same, as stage scores of
    0 or 100 often are), the variance of a 0-or-``span`` score whose share of ``span`` is the sample's,
    after one more score at each end ((k + 1) / (n + 2), as the Agresti-Caffo interval for proportions
    takes it): two conversations at 100 against two at 0 are no clear change, thirty against thirty are."""
    found = variance(sample, mean)
    if found > 0:
        return found
    share = (mean / span * len(sample) + 1) / (len(sample) + 2)
    return share * (1 - share) * span * span


def t95(df: float) -> float:
    """The two-sided 95 % quantile of Student's t for ``df`` degrees of freedom (see :data:`_T95`)."""
    if df <= 1:
        return _T95[1]
    known = sorted(d for d in _T95 if d)
    lower = max(d for d in known if d <= df)
    if lower == df:
        return _T95[lower]
    upper = min((d for d in known if d > df), default=0)
    inv_lo, inv_hi = 1 / lower, 1 / upper if upper else 0.0
    return _T95[lower] + (_T95[upper] - _T95[lower]) * (inv_lo - 1 / df) / (inv_lo - inv_hi)
