"""The live model: trained on every chat so far, labelled on its newest turn; used for that turn live."""

import json
from pathlib import Path
from typing import Any

import pytest

from servio.analyze import analyze
from servio.analyze.learned.model import load_model
from servio.analyze.learned.tagger import (
    GOODBYE_KEPT,
    PACKAGED_LIVE_MODEL,
    LearnedTagger,
    newest_turn_tagger,
    newest_turn_tags,
    packaged_model_path,
)
from servio.analyze.rules import RuleTagger
from servio.model import Conversation, Language, Speaker, Turn
from servio.results import StageTag, TurnTags
from servio.train import train_model
from servio.train.corpus import build_corpus, prefix_corpus

from .conftest import SMALL, TINY


def test_one_prefix_per_labelled_turn_labelled_on_its_last_turn_only() -> None:
    corpus = build_corpus([TINY])
    prefixes, sources = prefix_corpus(corpus)
    labelled = sum(t.stages is not None for c in corpus.conversations for t in c.turns)
    assert len(prefixes.conversations) == labelled == len(sources)
    for prefix, source in zip(prefixes.conversations, sources, strict=True):
        whole = corpus.conversations[source]
        n = len(prefix.turns)
        assert [t.text for t in prefix.turns] == [t.text for t in whole.turns[:n]]
        assert all(t.stages is None for t in prefix.turns[:-1])
        assert prefix.turns[-1].stages == whole.turns[n - 1].stages
        assert prefix.id == f"{whole.id}@{n}"


def test_the_rule_tagger_runs_again_on_each_prefix(tmp_path: Path) -> None:
    # position rules read where the chat ends: "Head päeva!" closing the chat so far is a farewell,
    # the same words before more turns also greet; each prefix carries the rule tagger's own tags
    turns = [("agent", "Tere! Kuidas saan aidata?", [1, 2]), ("customer", "Tahan aadressi muuta.", [3]),
             ("agent", "Muutsin aadressi ära. Head päeva!", [6, 7]),
             ("customer", "Oot, kas arve tuleb e-postiga?", [5]), ("agent", "Jah, e-postiga.", [6]),
             ("customer", "Ja millal see tuleb?", [3]), ("agent", "Homme hommikul.", [6]),
             ("customer", "Selge.", []), ("agent", "Kas saan veel aidata?", [7])]
    doc = {"id": "p", "language": "et", "channel": "chat",
           "turns": [{"speaker": sp, "text": text, "stages": st} for sp, text, st in turns]}
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    corpus = build_corpus([path])
    prefixes, sources = prefix_corpus(corpus)
    rules = RuleTagger()
    for analysis, tags in zip(prefixes.analyses, prefixes.rule_tags, strict=True):
        assert tags == rules.tag(analysis)
    assert 1 in corpus.rule_tags[0][2].stages
    assert 1 not in prefixes.rule_tags[2][2].stages
    assert sources == (0,) * 9


def test_live_training_is_deterministic_and_says_what_it_is(tmp_path: Path) -> None:
    one, two = tmp_path / "a.json", tmp_path / "b.json"
    report = train_model([TINY], one, seed=13, params=SMALL, live=True)
    train_model([TINY], two, seed=13, params=SMALL, live=True)
    assert one.read_bytes() == two.read_bytes()
    assert report.kind == "live" and report.to_dict()["kind"] == "live"
    assert report.conversations == 10 and report.turns == 64  # the same labelled turns, each once
    assert load_model(one).meta["kind"] == "live"
    assert "kind" not in load_model(tmp_path / "a.json").meta.get("params", {})


def test_the_packaged_live_model_loads_and_is_a_live_model() -> None:
    path = packaged_model_path(PACKAGED_LIVE_MODEL)
    model = load_model(path)
    assert model.meta["kind"] == "live"
    assert model.meta["conversations"] == load_model(packaged_model_path()).meta["conversations"]
    assert json.loads(path.read_text("utf-8"))["format"] == "servio-stage-model"


def test_newest_turn_tagger_only_for_the_packaged_learned_model(tmp_path: Path) -> None:
    live = newest_turn_tagger(LearnedTagger())
    assert isinstance(live, LearnedTagger)
    assert live.config.model_path == str(packaged_model_path(PACKAGED_LIVE_MODEL))  # type: ignore[attr-defined]
    assert newest_turn_tagger(LearnedTagger(model_path=str(tmp_path / "own.json"))) is None
    assert newest_turn_tagger(RuleTagger()) is None


def _tags(*stages: tuple[int, float]) -> TurnTags:
    return TurnTags(index=3, tags=tuple(StageTag(stage=s, confidence=c) for s, c in stages))


def test_newest_turn_keeps_an_agents_goodbye_the_batch_model_is_sure_of() -> None:
    live = _tags((6, 0.6))
    sure, unsure = _tags((6, 0.7), (7, GOODBYE_KEPT + 0.05)), _tags((6, 0.7), (7, GOODBYE_KEPT - 0.05))
    assert newest_turn_tags(sure, live, Speaker.AGENT).stages == {6, 7}
    assert newest_turn_tags(unsure, live, Speaker.AGENT).stages == {6}
    assert newest_turn_tags(sure, live, Speaker.CUSTOMER).stages == {6}  # only the agent's goodbye
    assert newest_turn_tags(sure, _tags((7, 0.5)), Speaker.AGENT).tags == _tags((7, 0.5)).tags
    assert newest_turn_tags(_tags((6, 0.9)), _tags(), Speaker.AGENT).stages == frozenset()
    # the agent's first turn opens a live chat: the batch model's sure goodbye is not kept there
    assert newest_turn_tags(sure, live, Speaker.AGENT, first_agent_turn=True).stages == {6}


def test_a_question_as_the_newest_turn_is_not_taken_for_the_solution() -> None:
    # the batch model, reading the newest turn as the chat's last, gives this question {1, 6}
    turns = [(Speaker.CUSTOMER, "Hi"), (Speaker.AGENT, "Hello! How can I help?"),
             (Speaker.CUSTOMER, "My parcel still hasn't arrived."),
             (Speaker.AGENT, "Sorry to hear that! What is the estimated delivery date you were given?")]
    conv = Conversation(id="q", language=Language.EN,
                        turns=tuple(Turn(speaker=sp, text=text) for sp, text in turns))
    live = newest_turn_tagger(LearnedTagger())
    assert live is not None
    assert 6 in analyze(conv).turns[-1].stages
    assert analyze(conv, tagger=live).turns[-1].stages == {1, 3}


def test_a_live_turn_runs_the_rule_tagger_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from servio.live import SessionInfo, new_session

    calls: list[int] = []
    original = RuleTagger._tag

    def counted(self: RuleTagger, analysis: Any) -> Any:
        calls.append(len(analysis.turns))
        return original(self, analysis)

    monkeypatch.setattr(RuleTagger, "_tag", counted)
    session = new_session("r", "o", SessionInfo(language=Language.EN))
    assert session.newest is not None  # the batch and the live model both read the rule tagger's output
    session.add_turn(Speaker.CUSTOMER, "Hi, my parcel has not arrived.")
    session.add_turn(Speaker.AGENT, "Sorry to hear that! What is your order number?")
    assert calls == [1, 2]
