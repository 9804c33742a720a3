"""Cross-validation on ../shared/data (read at run time, never copied) against the issue's targets."""

from pathlib import Path

import pytest

from servio.train import cross_validate

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data is not available"),
]


@pytest.fixture(scope="module")
def report():
    return cross_validate(sorted(DATA.glob("*.jsonl")), folds=5, seed=13, splits=("parallel",))


def test_learned_beats_rules_on_held_out_folds(report) -> None:
    split = report.split("parallel")
    for lang in ("en", "et"):
        assert split.scores("learned", lang).micro_f1.value > split.scores("rules", lang).micro_f1.value


@pytest.mark.xfail(
    strict=True,
    reason="issue 3 target not reached yet: held-out micro-F1 0.828 (en) and 0.841 (et) measured "
    "(5-fold parallel split); stages 4, 5 and 6 (en) and 5 and 6 (et) below F1 0.80; "
    "remove this mark when the target is met",
)
@pytest.mark.parametrize("lang", ["en", "et"])
def test_issue_targets(report, lang: str) -> None:
    scores = report.split("parallel").scores("learned", lang)
    assert scores.micro_f1.value >= 0.90
    weak = [(s.stage, s.f1.value) for s in scores.stages if s.support >= 20 and s.f1.value < 0.80]
    assert not weak, f"stages with >= 20 gold turns below F1 0.80: {weak}"
