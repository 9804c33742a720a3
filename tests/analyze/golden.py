"""Golden files of the rule tagger: invented annotated conversations and the tagger's expected output.

``golden/conversations_<lang>.jsonl`` holds conversations written for the tests, labelled by hand
with ANNOTATION.md; ``golden/expected_<lang>.json`` holds what the ``rules`` tagger said about them
when the files were last regenerated (``python -m tests.analyze.regenerate_golden``, ``make golden``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from servio.analyze import analyze
from servio.evaluate.metrics import stage_metrics
from servio.model import Channel, Conversation, Language, Speaker, Turn
from servio.results import TaggedConversation

GOLDEN = Path(__file__).parent / "golden"
LANGUAGES = ("en", "et")


def load_conversations(language: str) -> list[Conversation]:
    """The hand-labelled fixture conversations of ``language``."""
    out = []
    for line in (GOLDEN / f"conversations_{language}.jsonl").read_text("utf-8").splitlines():
        d = json.loads(line)
        turns = tuple(Turn(Speaker(t["speaker"]), t["text"], stages=frozenset(t["stages"]))
                      for t in d["turns"])
        out.append(Conversation(id=d["id"], turns=turns, language=Language(d["language"]),
                                channel=Channel(d["channel"])))
    return out


def describe(tagged: TaggedConversation) -> dict[str, Any]:
    """The golden record of one tagged conversation: stages and the cues behind them, per turn."""
    turns = []
    for turn, tt in zip(tagged.conversation.turns, tagged.turns, strict=True):
        turns.append({
            "index": tt.index,
            "speaker": turn.speaker.value,
            "text": turn.text,
            "annotated": sorted(turn.stages or ()),
            "stages": sorted(tt.stages),
            "evidence": {str(t.stage): [e.cue for e in t.evidence] for t in tt.tags},
        })
    return {"id": tagged.conversation.id, "turns": turns}


def current(language: str) -> dict[str, Any]:
    """What the tagger says now about the fixtures of ``language``, in golden-file form."""
    convs = load_conversations(language)
    tagged = [analyze(c, tagger="rules") for c in convs]
    gold = [t.stages or frozenset() for c in convs for t in c.turns]
    pred = [tt.stages for tc in tagged for tt in tc.turns]
    m = stage_metrics(gold, pred)
    return {
        "tagger": "rules",
        "language": language,
        "agreement_with_annotation": {"micro_f1": round(m.micro_f1, 3),
                                      "exact_match": round(m.exact_match, 3)},
        "conversations": [describe(tc) for tc in tagged],
    }


def expected_path(language: str) -> Path:
    return GOLDEN / f"expected_{language}.json"


def diff(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Readable differences between two golden records (empty when they agree)."""
    lines: list[str] = []
    exp_convs = {c["id"]: c for c in expected["conversations"]}
    for conv in got["conversations"]:
        old = exp_convs.get(conv["id"])
        if old is None:
            lines.append(f"{conv['id']}: not in the golden file")
            continue
        for new_turn, old_turn in zip(conv["turns"], old["turns"], strict=False):
            if (new_turn["stages"], new_turn["evidence"]) != (old_turn["stages"], old_turn["evidence"]):
                where = f"{conv['id']} turn {new_turn['index']} ({new_turn['speaker']})"
                lines.append(f"{where}: {new_turn['text'][:90]!r}")
                lines.append(f"    expected {old_turn['stages']} {_why(old_turn)}")
                lines.append(f"    got      {new_turn['stages']} {_why(new_turn)}")
        if len(conv["turns"]) != len(old["turns"]):
            lines.append(f"{conv['id']}: {len(old['turns'])} turns expected, {len(conv['turns'])} now")
    return lines


def _why(turn: dict[str, Any]) -> str:
    return "; ".join(f"{s}<-{','.join(cues)}" for s, cues in turn["evidence"].items()) or "(nothing)"
