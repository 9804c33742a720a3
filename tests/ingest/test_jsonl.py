"""The servio JSON Lines reader: fields, validation with line numbers, .json files."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from servio.ingest import read_all
from servio.model import Channel, ContactType, Language, Speaker


def _line(**record: object) -> str:
    return json.dumps(record, ensure_ascii=False)


GOOD = {"id": "g1", "turns": [{"speaker": "customer", "text": "tere"}, {"speaker": "agent", "text": "Tere!"}]}


def test_fixture_fields(fixtures):
    convs, report = read_all([fixtures / "chats.jsonl"])
    assert (report.read, report.skipped, report.problems) == (3, 0, ())
    et, en, anon = convs
    assert et.id == "fx-et-1" and et.language is Language.ET and et.channel is Channel.CHAT
    assert (et.agent_id, et.team, et.contact_type) == ("kati", "Tartu", ContactType.SUPPORT)
    assert et.started_at == datetime(2026, 10, 1, 9, 0, tzinfo=timezone(timedelta(hours=3)))
    assert et.metadata == {"source": "fixture"}
    assert [t.stages for t in et.turns] == [frozenset(s) for s in ({1, 3}, {1, 3}, {3}, {6, 7})]
    assert et.turns[1].author == "Kati" and et.turns[1].speaker is Speaker.AGENT
    assert en.agent_id == "tom"  # "agent" is an accepted spelling of agent_id
    assert en.turns[2].speaker is Speaker.SYSTEM and en.turns[2].stages == frozenset()
    assert en.turns[1].timestamp == datetime(2026, 10, 2, 10, 0)
    assert en.started_at == datetime(2026, 10, 2, 10, 0)  # first turn time when the record has none
    assert anon.id == "chats-3" and anon.channel is Channel.TWITTER
    assert anon.turns[0].stages is None  # no gold labels given


def test_each_bad_record_is_reported_with_its_line(write):
    lines = [
        _line(**GOOD),
        _line(id="b1", turns=[{"speaker": "agnet", "text": "x"}]),
        _line(id="b2", turns=[{"speaker": "agent", "text": "x", "stages": [1, 8]}]),
        _line(id="b3", turns=[{"speaker": "agent", "text": 5}]),
        _line(id="b4"),
        _line(id="b5", turns=[]),
        "[1, 2]",
        _line(id="b6", language="fi", turns=GOOD["turns"]),
        _line(id="b7", turns=[{"speaker": "agent", "text": "x", "stages": ["1"]}]),
        "",
        _line(id="g2", turns=GOOD["turns"]),
    ]
    path = write("mixed.jsonl", "\n".join(lines) + "\n")
    seen = []
    convs, report = read_all([path], on_problem=seen.append)
    assert [c.id for c in convs] == ["g1", "g2"]
    assert report.read == 2 and report.skipped == 8 and list(report.problems) == seen
    by_line = {p.line: p.message for p in report.problems}
    assert sorted(by_line) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert "turn 1" in by_line[2] and "'agnet'" in by_line[2] and "agent, customer, system" in by_line[2]
    assert "[8]" in by_line[3] and "1..7" in by_line[3]
    assert "text must be a string" in by_line[4]
    assert "no 'turns'" in by_line[5]
    assert "'turns' is empty" in by_line[6]
    assert "JSON object" in by_line[7]
    assert "language 'fi'" in by_line[8]
    assert "1..7" in by_line[9]
    assert str(report.problems[0]).startswith(f"{path}:2: ")


def test_unknown_keys_stay_in_metadata_and_clock_times_are_kept(write):
    record = {"id": "m1", "domain": "bank", "quality": "good",
              "turns": [{"speaker": "customer", "text": "hi", "timestamp": "10:32", "mood": "angry"},
                        {"speaker": "agent", "text": "hello"}]}
    convs, report = read_all([write("m.jsonl", json.dumps(record))])
    conv = convs[0]
    assert report.problems == ()
    assert conv.metadata["domain"] == "bank" and conv.metadata["quality"] == "good"
    assert conv.metadata["turn_times"] == ["10:32", None]
    assert conv.metadata["turn_extra"] == {"1": {"mood": "angry"}}
    assert conv.turns[0].timestamp is None


def test_clock_time_with_a_known_date_becomes_a_timestamp(write):
    turn = {"speaker": "agent", "text": "hi", "timestamp": "10:32"}
    record = {"id": "d1", "started_at": "2026-10-01", "turns": [turn]}
    conv = read_all([write("d.jsonl", json.dumps(record))])[0][0]
    assert conv.turns[0].timestamp == datetime(2026, 10, 1, 10, 32)
    assert conv.started_at == datetime(2026, 10, 1, 10, 32)


def test_a_bad_timestamp_keeps_the_turn_with_a_note(write):
    """One unreadable turn timestamp does not cost the conversation (audit F15): as in CSV, the turn is
    kept without a time and one note per file names the first (line, turn, field, value) and counts them."""
    turns = [{"speaker": "customer", "text": "Tere", "timestamp": "2026-10-01T10:00:00"},
             {"speaker": "agent", "text": "Tere!", "timestamp": "yesterday"},
             {"speaker": "agent", "text": "Kuidas saan aidata?", "timestamp": 1790000000}]
    lines = [json.dumps(GOOD), json.dumps({"id": "t1", "turns": turns}),
             json.dumps({"id": "t2", "turns": [{"speaker": "agent", "text": "hi", "timestamp": "eile"}]})]
    convs, report = read_all([write("t.jsonl", "\n".join(lines) + "\n")])
    assert [c.id for c in convs] == ["g1", "t1", "t2"] and report.problems == ()
    assert [t.timestamp for t in convs[1].turns] == [datetime(2026, 10, 1, 10, 0), None, None]
    assert [t.text for t in convs[1].turns] == ["Tere", "Tere!", "Kuidas saan aidata?"]
    assert len(report.notes) == 1
    note = report.notes[0]
    assert note.line == 2 and str(note).startswith(f"{report.notes[0].path}:2: ")
    assert "3 turn timestamp(s) not understood" in note.message
    assert "turn 2: timestamp 'yesterday'" in note.message and "kept without a time" in note.message
    # a .json file names the item
    items = write("t.json", json.dumps([{"id": "j1", "turns": turns[1:2]}]))
    convs, report = read_all([items])
    assert [c.id for c in convs] == ["j1"]
    assert "item 1, turn 1: timestamp 'yesterday'" in report.notes[0].message


def test_json_array_and_single_object(write):
    array = write("many.json", json.dumps([GOOD, {"turns": GOOD["turns"]}, {"id": "x"}], indent=2))
    single = write("one.json", json.dumps({**GOOD, "id": "solo"}, indent=2))
    convs, report = read_all([array, single])
    assert [c.id for c in convs] == ["g1", "many-2", "solo"]
    assert len(report.problems) == 1 and report.problems[0].message.startswith("item 3: no 'turns'")


def test_speaker_values_extend_the_jsonl_speakers(write):
    from servio.ingest import ReaderOptions

    record = {"id": "s", "turns": [{"speaker": "Kati", "text": "tere"}]}
    path = write("s.jsonl", json.dumps(record))
    assert read_all([path])[1].skipped == 1
    convs, report = read_all([path], options=ReaderOptions(speaker_values={"kati": "agent"}))
    assert report.skipped == 0 and convs[0].turns[0].speaker is Speaker.AGENT


def test_jsonl_reads_the_speaker_words_every_reader_shares(write):
    # an export of another tool: role words of speakers.toml, any case; a typo is still a problem
    turns = [{"speaker": "Klient", "text": "tere"}, {"speaker": "bot", "text": "Ootel"},
             {"speaker": "Teenindaja", "text": "Tere!"}]
    good = write("words.jsonl", json.dumps({"id": "w", "turns": turns}))
    convs, report = read_all([good])
    assert report.skipped == 0
    assert [t.speaker for t in convs[0].turns] == [Speaker.CUSTOMER, Speaker.SYSTEM, Speaker.AGENT]
    bad = write("typo.jsonl", json.dumps({"id": "t", "turns": [{"speaker": "agnet", "text": "hi"}]}))
    convs, report = read_all([bad])
    assert convs == []
    assert "speaker 'agnet' is not one of agent, customer, system" in report.problems[0].message


def test_an_unknown_channel_or_contact_type_is_a_note_not_a_lost_conversation(write):
    turns = [{"speaker": "agent", "text": "Hi!"}]
    lines = [{"id": "w1", "channel": "WhatsApp", "turns": turns},
             {"id": "w2", "channel": "WhatsApp", "contact_type": "billing", "turns": turns},
             {"id": "w3", "channel": "e-post", "turns": turns}]
    path = write("chan.jsonl", "\n".join(json.dumps(x) for x in lines))
    convs, report = read_all([path])
    assert [c.id for c in convs] == ["w1", "w2", "w3"] and report.skipped == 0
    assert [str(c.channel) for c in convs] == ["other", "other", "email"]
    assert convs[0].metadata["channel"] == "WhatsApp" and convs[1].contact_type is None
    assert convs[1].metadata["contact_type"] == "billing"
    notes = [(n.line, n.message) for n in report.notes]
    assert notes == [
        (1, "channel 'WhatsApp' is not one of chat, email, other, phone, twitter; read as 'other' "
            "(2 conversations)"),
        (2, "contact_type 'billing' is not one of complaint, information, sales, support; "
            "the contact type is detected from the text"),
    ]


def test_a_language_tag_counts_by_its_first_part(write):
    turns = [{"speaker": "agent", "text": "Hi!"}]
    tags = ["en-GB", "et_EE", "EN-us", "fi-FI"]
    lines = [{"id": f"l{i}", "language": tag, "turns": turns} for i, tag in enumerate(tags)]
    path = write("tags.jsonl", "\n".join(json.dumps(x) for x in lines))
    convs, report = read_all([path])
    assert [str(c.language) for c in convs] == ["en", "et", "en"]
    assert report.problems[0].message == "language 'fi-FI' is not one of en, et; conversation skipped"


def test_a_turn_without_text_is_an_empty_turn_with_one_note(write):
    # exports write attachments as turns without text: the conversation and its turn numbers stay
    agent = {"speaker": "agent", "text": "Tere!"}
    lines = [{"id": "n1", "turns": [{"speaker": "customer", "text": None}, agent]},
             {"id": "n2", "turns": [{"speaker": "customer"}, agent]},
             {"id": "n3", "turns": [{"speaker": "agent", "text": 5}]}]
    path = write("empty.jsonl", "\n".join(json.dumps(x) for x in lines))
    convs, report = read_all([path])
    assert [c.id for c in convs] == ["n1", "n2"] and [t.text for t in convs[0].turns] == ["", "Tere!"]
    assert [(n.line, n.message) for n in report.notes] == [
        (1, "a turn without text (null or no 'text': an attachment?) was read as an empty turn "
            "(2 conversations)")]
    assert "text must be a string, not int" in report.problems[0].message
