"""Terminal tables of tagging metrics (``servio eval``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from servio.stages import info

#: What the stage table under the scores counts (:mod:`servio.evaluate.metrics`: co-occurrence, not errors)
CO_OCCURRENCE_CAPTION = """\
gold and predicted stages on the same turn (rows: gold, columns: predicted):
  a turn adds 1 for every pair of one of its gold stages and one of its predicted stages,
  so a turn labelled [1, 3] and tagged [1, 3] adds to 1→3 and 3→1 as well as to 1→1 and 3→3.
  A cell off the diagonal is not always a mistake: P and R above count the mistakes."""


def render_metrics(metrics: Mapping[str, Any]) -> str:
    """Per-language tables: per-stage P/R/F1 with support, micro/macro F1 and the co-occurrence of gold and
    predicted stages (labelled as such: with several gold stages per turn, it is no confusion matrix)."""
    blocks = [_render_one(scope, m) for scope, m in metrics.items()]
    return "\n\n".join(blocks) if blocks else "no gold-labelled conversations found"


def _render_one(scope: str, m: Any) -> str:
    lines = [f"== {scope}: {m.turns} turns", f"{'stage':<24}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}"]
    for s in m.stages:
        name = f"{s.stage} {info(s.stage).short_en}"
        lines.append(f"{name:<24}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.support:>9}")
    lines.append(f"{'micro':<24}{m.micro_precision:>7.3f}{m.micro_recall:>7.3f}{m.micro_f1:>7.3f}")
    lines.append(f"{'macro F1':<24}{'':>14}{m.macro_f1:>7.3f}")
    lines.append(f"{'exact set match':<24}{'':>14}{m.exact_match:>7.3f}")
    lines.append("")
    lines.append(CO_OCCURRENCE_CAPTION)
    labels = ["1", "2", "3", "4", "5", "6", "7", "none"]
    lines.append("      " + "".join(f"{lab:>6}" for lab in labels))
    for lab, row in zip(labels, m.confusion, strict=True):
        lines.append(f"{lab:>6}" + "".join(f"{v:>6}" for v in row))
    return "\n".join(lines)
