"""``servio eval``'s tables: the stage table under the scores says what it counts (audit finding 14)."""

from __future__ import annotations

from servio.evaluate.metrics import stage_metrics
from servio.report.metrics import render_metrics


def test_a_perfect_turn_with_two_gold_stages_is_not_shown_as_a_confusion() -> None:
    metrics = stage_metrics([[1, 3]], [[1, 3]])  # right on both stages: no mistake to show
    assert metrics.confusion_cell(1, 3) == 1  # the table counts co-occurrences, as documented
    text = render_metrics({"all": metrics})
    assert "confusion" not in text.casefold()
    assert "gold and predicted stages on the same turn (rows: gold, columns: predicted)" in text
    assert "not always a mistake" in text
