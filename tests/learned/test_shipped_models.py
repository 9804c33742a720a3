"""The shipped models are what `servio train` makes: retrained from the recipe in docs/training.md
(../shared/data, read at run time, plus the project's own conversations), they are the same bytes.

A model that no longer reproduces (a changed cue file, featuriser or fit without retraining) would
tag with features the code no longer builds the same way; this catches it before a release. Other
versions of numpy, scikit-learn or SciPy than the model records (``meta.made_with``) may round the fit
differently, so the comparison is skipped then: retrain with the new versions to check again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from servio.analyze.learned.tagger import PACKAGED_LIVE_MODEL, PACKAGED_MODEL, packaged_model_path
from servio.cli import main
from servio.examples import example_gold_path
from servio.train import made_with

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data is not available"),
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(("name", "extra"), [(PACKAGED_MODEL, []), (PACKAGED_LIVE_MODEL, ["--live"])])
def test_the_shipped_model_is_reproduced_by_servio_train(tmp_path: Path, name: str, extra: list[str]) -> None:
    shipped = packaged_model_path(name)
    recorded = json.loads(shipped.read_text("utf-8"))["meta"].get("made_with")
    if recorded != made_with():
        pytest.skip(f"{name} was made with {recorded}, these are {made_with()}: retrain to compare")
    out = tmp_path / name
    training = sorted(str(p) for p in (ROOT / "training").glob("*.jsonl"))
    assert training, "the project's own training conversations are missing"
    args = ["train", str(DATA), str(example_gold_path()), *training, *extra, "-o", str(out)]
    assert main(args) == 0
    assert _digest(out) == _digest(shipped), (
        f"servio/data/models/{name} is not what `servio train` makes now: retrain it (docs/training.md)")
