"""A Python caller's own objects and options are checked where they are made, naming the field, and the
README's library sample profiles agents as `servio agents` does (data analyst audit 20c, F1-F3, F5, F7)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from servio.analyze import analyze
from servio.evaluate import evaluate, profiles
from servio.ingest import IngestError, ReaderOptions, read_all
from servio.jobs import unscorable
from servio.model import Channel, Conversation, Language, Speaker, Turn

ROOT = Path(__file__).resolve().parent.parent


def test_reader_options_take_the_documented_spellings_and_refuse_other_languages() -> None:
    assert ReaderOptions(language="eesti").language is Language.ET  # type: ignore[arg-type]
    assert ReaderOptions(language="en-GB").language is Language.EN  # type: ignore[arg-type]
    assert ReaderOptions(channel="e-mail").channel is Channel.EMAIL  # type: ignore[arg-type]
    with pytest.raises(IngestError, match="language 'de' is not one of en, et"):
        ReaderOptions(language="de")  # type: ignore[arg-type]
    with pytest.raises(IngestError, match="channel 'sms'"):
        ReaderOptions(channel="sms")  # type: ignore[arg-type]


def test_own_objects_with_plain_strings_become_members_and_bad_values_name_their_field() -> None:
    conv = Conversation(id="own-1", turns=(Turn("customer", "Tere, arve on vale."),  # type: ignore[arg-type]
                                           Turn("agent", "Tere! Parandasin arve. Head päeva!")),  # type: ignore[arg-type]
                        language="et", channel="email", started_at="2026-11-01T10:00:00+02:00")  # type: ignore[arg-type]
    assert conv.turns[1].speaker is Speaker.AGENT and conv.language is Language.ET
    assert conv.started_at is not None and conv.started_at.year == 2026
    assert evaluate(analyze(conv)).started_at is not None  # was AttributeError: 'str' ... isoformat
    with pytest.raises(ValueError, match="Turn.speaker must be one of agent, customer, system, not 'agnet'"):
        Turn("agnet", "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Conversation.channel"):
        Conversation(id="x", turns=(), channel="sms")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="started_at"):
        Conversation(id="x", turns=(), started_at="last tuesday")  # type: ignore[arg-type]
    assert hash(conv) == hash(Conversation(**{f: getattr(conv, f) for f in conv.__dataclass_fields__}))


def test_profiles_are_said_in_estonian_or_english_only() -> None:
    with pytest.raises(ValueError, match="not 'de'"):
        profiles([], language="de")


def test_the_readme_sample_leaves_out_what_servio_agents_leaves_out(tmp_path: Path) -> None:
    lines = [{"id": "a-1", "agent_id": "ann", "language": "en", "turns": [
        {"speaker": "customer", "text": "Hi, my card was charged twice for one order."},
        {"speaker": "agent", "text": "Hi, I'm Ann. Sorry about that! I've refunded the second charge. "
                                     "Anything else I can help with?"}]},
             {"id": "a-2", "agent_id": "ann", "language": "en", "turns": [
                 {"speaker": "customer", "text": "Hello? Is anyone there? I need help with my order."}]}]
    path = tmp_path / "chats.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
    conversations, _ = read_all([path])
    assert len(conversations) == 2 and unscorable(conversations[1]) is not None
    results = [evaluate(analyze(c)) for c in conversations if unscorable(c) is None]  # as README.md
    (ann,) = profiles(results, by="agent")
    command = [sys.executable, "-m", "servio.cli", "agents", str(path), "--json", "--no-progress"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    cli = json.loads(done.stdout)["agent"][0]
    assert (ann.conversations, round(ann.overall, 1)) == (cli["conversations"], round(cli["overall"], 1))
    assert "if unscorable(c) is None" in (ROOT / "README.md").read_text("utf-8")


def test_a_conversation_converts_copies_and_pickles_as_data() -> None:
    import copy
    import dataclasses
    import json
    import pickle

    turns = (Turn("customer", "Tere"),)  # type: ignore[arg-type]
    conv = Conversation(id="m-1", turns=turns, metadata={"queue": "arved", "tags": ["a"]})
    as_dict = dataclasses.asdict(conv)  # was TypeError: cannot pickle 'mappingproxy' object (audit 20c F5)
    assert as_dict["metadata"] == {"queue": "arved", "tags": ["a"]} and as_dict["turns"][0]["text"] == "Tere"
    assert json.loads(json.dumps(conv.metadata)) == {"queue": "arved", "tags": ["a"]}
    assert copy.deepcopy(conv) == conv and pickle.loads(pickle.dumps(conv)) == conv
    assert conv.metadata == {"queue": "arved", "tags": ["a"]}
    for change in (lambda m: m.__setitem__("x", 1), lambda m: m.update(x=1), lambda m: m.pop("queue"),
                   lambda m: m.setdefault("x", 1), lambda m: m.clear(), lambda m: m.popitem(),
                   lambda m: m.__delitem__("queue")):
        with pytest.raises(TypeError, match="read-only"):
            change(conv.metadata)
    assert conv.metadata == {"queue": "arved", "tags": ["a"]}
    with pytest.raises(TypeError, match="read-only"):
        as_dict["metadata"] |= {"x": 1}
