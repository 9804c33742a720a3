"""A store with an organisation's scorecard: imports and corrections score with it, the import job says so,
and conversations stored with another scorecard are scored again when imported again."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from servio.evaluate import load_scorecard
from servio.evaluate.scorecard import Scorecard
from servio.store import Store, import_paths

from .helpers import conversation, write_jsonl

NO_VALUES = Path(__file__).parent.parent / "fixtures" / "scorecards" / "no_values.toml"


@pytest.fixture
def card(tmp_path: Path) -> Scorecard:
    path = tmp_path / "card.toml"
    path.write_text(NO_VALUES.read_text("utf-8"), "utf-8")
    return load_scorecard(path)


def _values_weights(store: Store) -> set[float]:
    return {store.get_conversation(s.id)[1].score_of(4).weight  # type: ignore[index]
            for s in store.list_conversations().items}


def test_imports_and_corrections_score_with_the_stores_scorecard(store_url: str, card: Scorecard,
                                                                 tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [conversation(n) for n in range(1, 4)])
    store = Store(store_url, scorecard=card)
    try:
        report = import_paths(store, path, tagger="rules")
        assert report.new == 3 and _values_weights(store) == {0.0}
        job = store.get_import_job(report.job_id)
        assert job is not None and job.options["scorecard"] == f"Rattapood ({card.digest})"
        corrected = store.correct_turn("c1", 1, [3, 4], "Mari")
        assert corrected.score_of(4).weight == 0.0  # re-scored with the same card
        again = import_paths(store, path, tagger="rules")
        assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
    finally:
        store.close()


def test_another_scorecard_scores_the_stored_conversations_again(store_url: str, card: Scorecard,
                                                                 tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [conversation(n) for n in range(1, 4)])
    default, own = Store(store_url), Store(store_url, scorecard=card)
    try:
        import_paths(default, path, tagger="rules")
        assert 0.0 not in _values_weights(default)
        assert own.needs_analysis([conversation(1)], tagger="rules") == [True]
        switched = import_paths(own, path, tagger="rules")
        assert (switched.updated, switched.unchanged) == (3, 0) and _values_weights(own) == {0.0}
        back = import_paths(default, path, tagger="rules")
        assert back.updated == 3 and 0.0 not in _values_weights(default)
        assert "scorecard" not in (default.get_import_job(back.job_id) or pytest.fail()).options
    finally:
        default.close()
        own.close()


def test_worker_processes_score_with_it_too(tmp_path: Path, card: Scorecard) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [conversation(n) for n in range(1, 6)])
    stores = [Store(f"sqlite:///{tmp_path / f'{w}.db'}", scorecard=card) for w in (1, 2)]
    try:
        for workers, store in zip((1, 2), stores, strict=True):
            store.migrate()
            import_paths(store, path, tagger="rules", workers=workers, batch_size=2)
        one, two = ([store.get_conversation(f"c{n}")[1] for n in range(1, 6)]  # type: ignore[index]
                    for store in stores)
        assert one == two and {r.score_of(4).weight for r in two} == {0.0}
    finally:
        for store in stores:
            store.close()


def test_a_scorecard_that_scores_as_the_default_is_the_default(tmp_path: Path) -> None:
    renamed = tmp_path / "renamed.toml"
    renamed.write_text('name = "Meie oma"\nextends = "default"\n', "utf-8")
    store = Store(f"sqlite:///{tmp_path / 's.db'}", scorecard=load_scorecard(renamed))
    assert store.scorecard is None and store.analysis_key("learned") == "learned"


def test_a_scorecard_pickles_as_its_settings(card: Scorecard) -> None:
    card.plan("support")  # a used card holds functions in its plans: still pickles
    copy = pickle.loads(pickle.dumps(card))
    assert copy == card and copy.digest == card.digest and copy.name == card.name
