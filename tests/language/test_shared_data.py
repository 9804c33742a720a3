"""Checks against the shared development data (read at run time, never copied)."""

import json
import time
from pathlib import Path

import pytest

from servio.language import analyze_text, detect_conversation_language
from servio.language.tokens import raw_tokens
from servio.model import Conversation, Language, Speaker, Turn

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data is not available"),
]


def _records():
    for path in sorted(DATA.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)


def _conversation(rec):
    turns = tuple(Turn(speaker=Speaker(t["speaker"]), text=t["text"]) for t in rec["turns"])
    return Conversation(id=rec["id"], turns=turns)


def test_conversation_language_matches_gold():
    records = list(_records())
    wrong = [r["id"] for r in records if detect_conversation_language(_conversation(r)) != r["language"]]
    print(f"conversation language: {len(records) - len(wrong)}/{len(records)} correct")
    assert records and not wrong


def test_estonian_analysis_speed_warm():
    texts = [t["text"] for r in _records() if r["language"] == "et" for t in r["turns"]]
    start = time.perf_counter()
    results = [analyze_text(x, Language.ET) for x in texts]
    cold = time.perf_counter() - start
    raw_tokens.cache_clear()  # warm vocabulary, but each text tokenised afresh
    start = time.perf_counter()
    results = [analyze_text(x, Language.ET) for x in texts]
    warm = time.perf_counter() - start
    words = sum(len(r.lemmas) for r in results)
    print(f"Estonian words/s: first pass {words / cold:,.0f}, warm {words / warm:,.0f}")
    # 500 conversations/s of 15 turns x 12 words is 90k words/s for the whole pipeline
    assert words / warm > 90_000
