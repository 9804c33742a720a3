"""The learned tagger honours the tagger contract, explains itself and loads its model lazily."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from servio.analyze import TaggerError, analyze, available_taggers, get_tagger
from servio.analyze.learned import register
from servio.analyze.learned.tagger import LearnedTagger, packaged_model_path
from servio.examples import example_gold_path
from servio.ingest import read_all
from servio.model import Channel, Conversation, Language, Speaker, Turn

from .conftest import TINY

CONV = Conversation(
    id="t1", language=Language.EN,
    turns=(Turn(Speaker.AGENT, "Hello, I'm Sam from Pinewood Rentals. How can I help?"),
           Turn(Speaker.CUSTOMER, "hi, the heater in my flat is broken"),
           Turn(Speaker.AGENT, "Sorry to hear that! When did it stop working?"),
           Turn(Speaker.SYSTEM, ""),
           Turn(Speaker.AGENT, "A technician will come tomorrow at 10. Anything else? Goodbye!")),
)


def test_contract_and_evidence(tiny_model: Path) -> None:
    tagged = analyze(CONV, tagger=LearnedTagger(model_path=str(tiny_model)))
    assert tagged.tagger == "learned"
    assert [tt.index for tt in tagged.turns] == list(range(len(CONV.turns)))
    assert tagged.turns[0].stages & {1, 2}
    for tt in tagged.turns:
        for tag in tt.tags:
            assert 0.0 <= tag.confidence <= 1.0
            assert tag.evidence and all(e.kind == "feature" and e.cue for e in tag.evidence)
            weights = [e.weight for e in tag.evidence]
            assert weights == sorted(weights, reverse=True)


def test_evidence_names_features_of_the_turn(tiny_model: Path) -> None:
    tagged = analyze(CONV, tagger=LearnedTagger(model_path=str(tiny_model), evidence=50))
    words = CONV.turns[0].text.lower()
    names = [e.cue for t in tagged.turns[0].tags for e in t.evidence]
    lexical = [n.split(":", 1)[1] for n in names if n.startswith("word:")]
    assert all(w in words for w in lexical)


def test_registered_like_a_plugin(tiny_model: Path) -> None:
    register()
    register()  # idempotent
    assert "learned" in available_taggers()
    tagger = get_tagger("learned", model_path=str(tiny_model))
    assert analyze(CONV, tagger=tagger).tagger == "learned"


def test_missing_model_is_a_tagger_error(tmp_path: Path) -> None:
    with pytest.raises(TaggerError, match="learned"):
        analyze(CONV, tagger=LearnedTagger(model_path=str(tmp_path / "none.json")))


@pytest.mark.parametrize("doc", [{"format": "something-else"}, [], "model", 3])
def test_broken_model_is_a_tagger_error(tmp_path: Path, doc: object) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(TaggerError, match="not a servio-stage-model"):
        analyze(CONV, tagger=LearnedTagger(model_path=str(bad)))


def test_import_and_construction_load_nothing(tiny_model: Path) -> None:
    code = (
        "import sys\n"
        "import servio, servio.analyze, servio.analyze.learned\n"
        "from servio.analyze.learned.tagger import LearnedTagger, load_runtime\n"
        f"t = LearnedTagger(model_path={str(tiny_model)!r})\n"
        "assert load_runtime.cache_info().currsize == 0, 'model loaded before use'\n"
        "assert 'sklearn' not in sys.modules and 'scipy' not in sys.modules\n"
        "from servio.analyze import analyze\n"
        "from servio.model import Conversation, Speaker, Turn\n"
        "analyze(Conversation(id='x', turns=(Turn(Speaker.AGENT, 'Tere!'),)), tagger=t)\n"
        "assert load_runtime.cache_info().currsize == 1\n"
        "assert 'servio.train' not in sys.modules, 'tagging must not need the training code'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_packaged_model_is_small_and_tags_the_examples() -> None:
    path = packaged_model_path()
    assert path.is_file() and path.stat().st_size < 5_000_000
    convs, _ = read_all([str(example_gold_path())])
    tagger = LearnedTagger()
    tagged = [analyze(c, tagger=tagger) for c in convs[:3]]
    assert all(len(t.turns) == len(c.turns) for t, c in zip(tagged, convs, strict=False))
    assert any(tt.tags for t in tagged for tt in t.turns)


def test_fixture_is_read_by_the_json_lines_reader() -> None:
    convs, report = read_all([str(TINY)])
    assert len(convs) == 10 and not report.problems


def test_stages_are_the_sets_of_tag_without_building_evidence(monkeypatch: pytest.MonkeyPatch) -> None:
    from servio.analyze import analyze_stages
    from servio.analyze.learned import tagger as learned_tagger

    convs, _ = read_all([str(example_gold_path())])
    tagger = LearnedTagger()
    tagged = [analyze(c, tagger=tagger) for c in convs]

    def no_evidence(*args: object, **kwargs: object) -> None:
        raise AssertionError("the stage sets alone need no evidence")

    monkeypatch.setattr(learned_tagger, "explain_rows", no_evidence)
    staged = [analyze_stages(c, tagger=tagger) for c in convs]
    assert [s.stages for s in staged] == [tuple(tt.stages for tt in t.turns) for t in tagged]
    assert any(s for st in staged for s in st.stages)
    assert all(s.conversation.language is not None and s.tagger == "learned" for s in staged)


def test_tags_without_evidence_have_the_stages_and_confidences_of_tag(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Scores and profiles never read evidence: ``evidence=False`` gives the same tags without it,
    and never works it out."""
    from servio.analyze.learned import tagger as learned_tagger
    from servio.evaluate import evaluate

    convs, _ = read_all([str(example_gold_path())])
    tagger = LearnedTagger()
    full = [analyze(c, tagger=tagger) for c in convs]

    def no_evidence(*args: object, **kwargs: object) -> None:
        raise AssertionError("tags without evidence must not explain")

    monkeypatch.setattr(learned_tagger, "explain_rows", no_evidence)
    bare = [analyze(c, tagger=tagger, evidence=False) for c in convs]
    for a, b in zip(full, bare, strict=True):
        assert [t.stages for t in a.turns] == [t.stages for t in b.turns]
        for ta, tb in zip(a.turns, b.turns, strict=True):
            assert [x.confidence for x in ta.tags] == pytest.approx([x.confidence for x in tb.tags], abs=2e-4)
            assert all(x.evidence for x in ta.tags) and not any(x.evidence for x in tb.tags)
        scored = [{k: v for k, v in evaluate(x).to_dict().items() if k != "turns"} for x in (a, b)]
        assert scored[0] == scored[1]  # scorecard, failure patterns and feedback alike
    with pytest.raises(TaggerError, match="has no evidence"):  # the full contract still asks for it
        from servio.analyze.base import validate_output
        from servio.analyze.pipeline import prepare

        validate_output("learned", prepare(convs[0], needs=tagger.needs), bare[0].turns)


def test_system_lines_get_no_stage() -> None:
    """ANNOTATION.md: system lines get an empty set, even when their words look like a solution or a
    goodbye (the packaged model gave this one stage 6 before the rule was applied)."""
    from servio.analyze import analyze_stages

    conv = Conversation(id="sys", language=Language.EN, turns=(
        Turn(Speaker.CUSTOMER, "Hi, my order #123 never arrived."),
        Turn(Speaker.SYSTEM, "Account has been pulled up. Thank you, goodbye!"),
        Turn(Speaker.SYSTEM, "I have refunded the order and a replacement is on its way."),
        Turn(Speaker.AGENT, "Hi! Sorry to hear that. I have refunded the order. Anything else?"),
    ))
    tagger = LearnedTagger()
    tagged = analyze(conv, tagger=tagger)
    assert [tt.stages for tt in tagged.turns][1:3] == [frozenset(), frozenset()]
    assert tagged.turns[0].stages and tagged.turns[3].stages
    assert analyze_stages(conv, tagger=tagger).stages[1:3] == (frozenset(), frozenset())


_SOLVE_AND_CLOSE = {  # one agent reply that carries an action done (6) and the closing (7): e-mail style
    Language.EN: ("Hi, my parcel arrived broken. What can I do?",
                  "Hi John, thanks for writing. We have sent you a new parcel, it will arrive tomorrow. "
                  "Is there anything else I can help with? Best regards, Mary"),
    Language.ET: ("Tere! Mu pakk saabus katkisena, mida teha?",
                  "Tere, Jaan! Aitäh, et kirjutasite. Saatsime teile uue paki, see jõuab kohale homme. "
                  "Kas saan veel millegagi aidata? Parimate soovidega, Mari"),
}


@pytest.mark.parametrize(("tagger", "language"), [
    ("rules", Language.EN),
    ("rules", Language.ET),
    pytest.param("learned", Language.EN, marks=pytest.mark.xfail(strict=True, reason=(
        "known weakness (docs/model_card.md): the packaged model keeps 7 and drops 6 on a reply that "
        "solves and closes at once (stage 6 probability 0.13; the rule tagger's 6 is outweighed)"))),
    ("learned", Language.ET),
])
def test_a_reply_that_solves_and_closes_carries_both(tagger: str, language: Language) -> None:
    """ANNOTATION.md: a turn takes every stage it carries; an action done is 6, "anything else?" is 7."""
    question, reply = _SOLVE_AND_CLOSE[language]
    conv = Conversation(id="mail", language=language, channel=Channel.EMAIL, turns=(
        Turn(Speaker.CUSTOMER, question), Turn(Speaker.AGENT, reply)))
    stages = analyze(conv, tagger=LearnedTagger() if tagger == "learned" else tagger).turns[1].stages
    assert {6, 7} <= stages
