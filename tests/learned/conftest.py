"""Fixtures of the learned-tagger tests: a model trained once on a tiny self-written corpus."""

from pathlib import Path

import pytest

from servio.train import FitParams, train_model

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "tiny.jsonl"
SMALL = FitParams(inner_folds=2)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("model") / "tiny.json"
    train_model([TINY], out, seed=13, params=SMALL)
    return out
