"""Plain-text transcripts: prefixes, authors, headers, separators, continuation lines."""

from __future__ import annotations

from datetime import datetime

from servio.ingest import ReaderOptions, read_all
from servio.ingest.prefix import parse_prefix
from servio.model import Channel, Language, Speaker

OPTIONS = ReaderOptions()


def test_fixture_two_conversations(fixtures):
    convs, report = read_all([fixtures / "transcripts.txt"])
    assert report.problems == ()
    tel, chat = convs
    assert (tel.id, tel.agent_id, tel.team, tel.language, tel.channel) == (
        "tel-1", "kati", "Tallinn", Language.ET, Channel.PHONE)
    assert tel.turns[0].author == "Kati" and tel.turns[0].speaker is Speaker.AGENT
    assert tel.turns[1].text == "Tere. Mu kaart jäi automaati kinni.\nMa olin Viru keskuses."
    assert tel.turns[2].timestamp == datetime(2026, 10, 5, 10, 33)  # "# date:" + "[10:33]"
    assert tel.started_at == datetime(2026, 10, 5, 10, 32)
    assert chat.id == "chat-7" and chat.language is Language.EN and chat.channel is Channel.CHAT
    assert [t.author for t in chat.turns] == [None, "Tom", None, "Tom"]
    assert chat.turns[2].text == "12345"  # the blank line after it is not part of the turn
    assert chat.turns[3].text == "It ships today.\nThanks for waiting!"


def test_prefix_forms():
    cases = {
        "Klient: tere": (Speaker.CUSTOMER, None, None, "tere"),
        "[10:32] Teenindaja (Kati): Tere!": (Speaker.AGENT, "Kati", "10:32", "Tere!"),
        "10:32:05 - Agent: ok": (Speaker.AGENT, None, "10:32:05", "ok"),
        "(2026-10-01 10:32) Customer: hi": (Speaker.CUSTOMER, None, "2026-10-01 10:32", "hi"),
        "Agent Kati Kask: hi": (Speaker.AGENT, "Kati Kask", None, "hi"),
        "Süsteem: Konto avatud": (Speaker.SYSTEM, None, None, "Konto avatud"),
        "System: Account pulled up": (Speaker.SYSTEM, None, None, "Account pulled up"),
        "Agent: kell 10:30: sobib?": (Speaker.AGENT, None, None, "kell 10:30: sobib?"),
    }
    for line, expected in cases.items():
        found = parse_prefix(line, OPTIONS)
        assert found is not None, line
        assert (found.speaker, found.author, found.stamp, found.text) == expected, line
    for line in ("Customer service: is great", "Note: this", "http://example.ee", "Kati: tere", "Agent 7: x"):
        assert parse_prefix(line, OPTIONS) is None, line


def test_names_mapped_through_options():
    found = parse_prefix("Kati: tere", ReaderOptions(speaker_values={"Kati": "agent"}))
    assert found is not None and (found.speaker, found.author) == (Speaker.AGENT, "Kati")


def test_problems_in_transcripts(write):
    text = "\n".join([
        "This line has no speaker.",
        "Klient: tere",
        "Teenindaja:",
        "===",
        "# language: fi",
        "Agent: hi",
        "---",
        "# id: ok-1",
        "Agent: hello",
    ])
    convs, report = read_all([write("p.txt", text)])
    assert [c.id for c in convs] == ["p-1", "ok-1"]
    assert [t.text for t in convs[0].turns] == ["tere"]
    assert [(p.line, p.message.split(";")[0]) for p in report.problems] == [
        (1, "text before the first speaker prefix ('Klient:', 'Agent:', ...)"),
        (3, "turn has no text"),
        (5, "header: language 'fi' is not one of en, et"),
    ]


def test_a_header_after_turns_starts_the_next_conversation(write):
    text = "# id: a\nKlient: üks\nAgent: kaks\n# id: b\n# channel: telefon\nKlient: kolm\n"
    convs, report = read_all([write("h.txt", text)])
    assert report.problems == ()
    assert [(c.id, len(c.turns)) for c in convs] == [("a", 2), ("b", 1)]
    assert convs[1].channel is Channel.PHONE


def test_turn_prefix_on_its_own_line_and_clock_without_date(write):
    text = "[09:00] Klient:\nmul on küsimus\n\nteine lõik\n[09:01] Teenindaja: Jah?\n"
    conv = read_all([write("c.txt", text)])[0][0]
    assert conv.turns[0].text == "mul on küsimus\n\nteine lõik"
    assert conv.turns[0].timestamp is None and conv.metadata["turn_times"] == ["09:00", "09:01"]


def test_ids_are_stable_file_stem_and_block_index(write):
    text = "---\nKlient: a\n---\n---\nKlient: b\n"
    convs, _ = read_all([write("calls.txt", text)])
    assert [c.id for c in convs] == ["calls-1", "calls-2"]


def test_lines_before_any_known_speaker_name_the_mapping_that_reads_them(write):
    """A chat transcript by names ("Kati Kask: ...") says which --speaker would read it, not only that
    the text comes before a speaker prefix."""
    path = write("chat.txt", "Chat transcript\nKati Kask: Tere! Kuidas saan aidata?\nMari: Tere.\n")
    convs, report = read_all([path])
    assert convs == [] and [p.line for p in report.problems] == [1, 2, 3]
    assert "text before the first speaker prefix" in report.problems[0].message
    assert "unknown speaker 'Kati Kask'" in report.problems[1].message
    assert "--speaker 'Kati Kask=agent'" in report.problems[1].text("cli")
    assert "unknown speaker 'Mari'" in report.problems[2].message
    mapped = ReaderOptions(speaker_values={"Kati Kask": "agent", "Mari": "customer"})
    convs, report = read_all([path], options=mapped)
    assert [t.speaker for t in convs[0].turns] == [Speaker.AGENT, Speaker.CUSTOMER]


def test_an_unknown_channel_header_is_one_note_per_file(write):
    text = ("# id: a\n# channel: WhatsApp\nKlient: tere\nTeenindaja: Tere!\n\n---\n\n"
            "# id: b\n# channel: WhatsApp\nKlient: hei\n")
    convs, report = read_all([write("chats.txt", text)])
    assert [c.id for c in convs] == ["a", "b"] and report.problems == ()
    assert [str(c.channel) for c in convs] == ["other", "other"]
    assert [(n.line, n.message) for n in report.notes] == [
        (1, "header: channel 'WhatsApp' is not one of chat, email, other, phone, twitter; read as 'other' "
            "(2 conversations)")]
