"""The bundled examples: a well-formed gold set whose agents keep their intended profiles."""

from __future__ import annotations

import csv
import json
import mailbox
from collections import defaultdict
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest

from servio.examples import example_gold_path, example_paths
from servio.model import Channel, ContactType, Language, Speaker

FORMATS = ["call_en.srt", "call_et.vtt", "chat_export_et.csv", "complaint.eml", "support_thread.mbox",
           "transcripts.txt"]
TEAMS = {"kati": "Tallinn", "marko": "Tallinn", "liis": "Tallinn", "sarah": "Online", "tom": "Online",
         "priya": "Online"}


@pytest.fixture(scope="module")
def gold() -> list[dict[str, Any]]:
    with example_gold_path().open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _agent_stages(convs: list[dict[str, Any]], agent: str, kind: str | None = None) -> set[int]:
    return {s for c in convs if c["agent_id"] == agent and kind in (None, c["contact_type"])
            for t in c["turns"] if t["speaker"] == "agent" for s in t["stages"]}


def test_paths_list_gold_first_then_every_format() -> None:
    paths = example_paths()
    assert paths[0] == example_gold_path() and paths[0].name == "conversations.jsonl"
    assert [p.name for p in paths[1:]] == FORMATS
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)


def test_gold_conversations_are_well_formed(gold: list[dict[str, Any]]) -> None:
    assert len(gold) == 24 and len({c["id"] for c in gold}) == 24
    assert sorted(c["language"] for c in gold) == ["en"] * 12 + ["et"] * 12
    for c in gold:
        Language(c["language"]), Channel(c["channel"]), ContactType(c["contact_type"])
        started = datetime.fromisoformat(c["started_at"])
        assert started.tzinfo is not None and (started.year, 9 <= started.month <= 11) == (2026, True)
        assert 8 <= len(c["turns"]) <= 20, c["id"]
        assert c["team"] == TEAMS[c["agent_id"]]
        for turn in c["turns"]:
            assert Speaker(turn["speaker"]) in (Speaker.AGENT, Speaker.CUSTOMER)
            assert turn["text"].strip()
            stages = turn["stages"]
            assert stages == sorted(set(stages)) and all(type(s) is int and 1 <= s <= 7 for s in stages)


def test_each_agent_has_four_conversations_in_one_language(gold: list[dict[str, Any]]) -> None:
    seen: dict[str, list[str]] = defaultdict(list)
    for c in gold:
        seen[c["agent_id"]].append(c["language"])
    assert {a: len(langs) for a, langs in seen.items()} == {a: 4 for a in TEAMS}
    assert all(len(set(langs)) == 1 for langs in seen.values())


def test_channels_and_contact_types_are_mixed_in_both_languages(gold: list[dict[str, Any]]) -> None:
    for lang in ("et", "en"):
        convs = [c for c in gold if c["language"] == lang]
        assert {c["channel"] for c in convs} == {"chat", "email", "phone", "twitter"}
        assert {c["contact_type"] for c in convs} == {"support", "sales", "complaint", "information"}


def test_every_stage_is_represented_in_both_languages(gold: list[dict[str, Any]]) -> None:
    for lang in ("et", "en"):
        found = {s for c in gold if c["language"] == lang for t in c["turns"] for s in t["stages"]}
        assert found == set(range(1, 8)), lang


def test_agents_keep_their_intended_profiles(gold: list[dict[str, Any]]) -> None:
    assert _agent_stages(gold, "kati") == set(range(1, 8))
    assert 7 not in _agent_stages(gold, "marko") and {3, 4}.issubset(_agent_stages(gold, "marko"))
    assert 1 not in _agent_stages(gold, "liis") and 2 not in _agent_stages(gold, "liis")
    assert 4 not in _agent_stages(gold, "sarah", "sales") and 1 in _agent_stages(gold, "sarah")
    assert 4 not in _agent_stages(gold, "priya", "sales") and 7 in _agent_stages(gold, "priya")
    tom_questions = [t["text"] for c in gold if c["agent_id"] == "tom" for t in c["turns"]
                     if t["speaker"] == "agent" and t["text"].rstrip().endswith("?")]
    assert tom_questions and not any(q.split()[0].lower() in {"what", "how", "why", "which"}
                                     for q in tom_questions)


def _formats_dir() -> Path:
    return example_gold_path().parent / "formats"


def test_csv_export_is_semicolon_delimited_utf8_with_bom() -> None:
    raw = (_formats_dir() / "chat_export_et.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0] == ["vestlus", "aeg", "rääkija", "teenindaja", "tekst"]
    assert all(len(r) == 5 for r in rows) and {r[2] for r in rows[1:]} == {"klient", "teenindaja"}
    assert len({r[0] for r in rows[1:]}) == 3


def test_transcripts_have_three_headed_conversations() -> None:
    blocks = (_formats_dir() / "transcripts.txt").read_text("utf-8").split("\n---\n")
    assert len(blocks) == 3
    for block in blocks:
        for key in ("id", "agent", "team", "language"):
            assert f"# {key}: " in block


def test_subtitles_carry_voices_or_prefixes() -> None:
    vtt = (_formats_dir() / "call_et.vtt").read_text("utf-8")
    assert vtt.startswith("WEBVTT") and "<v Teenindaja>" in vtt and "<v Klient>" in vtt
    srt = (_formats_dir() / "call_en.srt").read_text("utf-8")
    assert "\nAgent: " in srt and "\nCustomer: " in srt and " --> " in srt


def test_mail_files_parse() -> None:
    box = mailbox.mbox(str(_formats_dir() / "support_thread.mbox"), create=False)
    messages = list(box)
    assert len(messages) == 3
    assert "support@example-shop.ee" in messages[1]["From"]
    assert messages[2]["In-Reply-To"] == messages[1]["Message-ID"]
    eml = message_from_bytes((_formats_dir() / "complaint.eml").read_bytes(), policy=policy.default)
    assert "support@example-shop.ee" in eml["From"] and eml.get_content_type() == "text/plain"
