"""A record a reader skips that belongs to a conversation it still reads marks that conversation
incomplete (``Conversation.unread``: where each lost record stands); what is read does not change."""

from __future__ import annotations

import pickle

from servio.ingest import read_all
from servio.model import Conversation, Speaker, Turn


def _unread(convs: list[Conversation]) -> dict[str, tuple[str, ...]]:
    return {c.id: c.unread for c in convs}


def test_csv_rows_skipped_mark_the_conversation_their_id_names(write):
    path = write("chats.csv", "id;speaker;text\n"
                              "V-1;Klient;tere, arve on liiga suur\n"
                              "V-1;Teenindaja;Arve on õige; maksa ära.\n"  # line 3: one field too many
                              "V-1;Klient;aga miks?\n"
                              "V-2;Klient;tere\n"
                              "V-2;Teenindaja;Tere! Kuidas saan aidata?\n"
                              "V-2;Tundmatu;see rida on vale\n"  # line 7: unknown speaker
                              "V-3;Teenindaja\n"  # line 8: no text cell
                              "V-3;Klient;tere\n"
                              "V-3;Teenindaja;Tere, kuidas saan aidata?\n"
                              "V-4;Teenindaja;Tere!\n")
    convs, report = read_all([path])
    assert [p.line for p in report.problems] == [3, 7, 8]
    assert _unread(convs) == {"V-1": (f"{path.name}:3",), "V-2": (f"{path.name}:7",),
                              "V-3": (f"{path.name}:8",), "V-4": ()}
    assert [c.incomplete for c in convs] == [True, True, True, False]
    # nothing else changes: the turns read are those read before
    assert [t.text for t in convs[0].turns] == ["tere, arve on liiga suur", "aga miks?"]


def test_csv_rows_without_an_id_belong_to_the_rows_above_as_when_they_are_read(write):
    path = write("carry.csv", "id,speaker,text\n"
                              "A,customer,hello\n"
                              ",agent\n"  # line 3: short, no id: the conversation above
                              ",agent,Hi! How can I help?\n")
    convs, _ = read_all([path])
    assert _unread(convs) == {"A": (f"{path.name}:3",)}
    assert len(convs[0].turns) == 2


def test_a_csv_row_naming_no_conversation_read_marks_none(write):
    path = write("lone.csv", "id,speaker,text\nA,customer,hello\nA,agent,Hi!\nB,nobody,lost\n")
    convs, report = read_all([path])
    assert len(report.problems) == 1 and _unread(convs) == {"A": ()}


def test_a_transcript_marks_the_conversation_that_lost_an_unknown_speakers_turn(write):
    text = ("# id: kone-77\nTeenindaja: Tere, kuidas saan aidata?\nKlient: Arve on suur.\n---\n"
            "# id: call-88\nCustomer: hello, my internet keeps dropping\n"
            "Agent Peter: Hi, when did it start?\n"
            "Mari Maasikas: this line is an unknown speaker\n"  # line 8
            "Customer: since Monday\nAgent Peter: I've booked a technician. Anything else?\n")
    path = write("kone.txt", text)
    convs, report = read_all([path])
    assert [p.line for p in report.problems] == [8]
    assert _unread(convs) == {"kone-77": (), "call-88": (f"{path.name}:8",)}
    assert [t.speaker for t in convs[1].turns] == [Speaker.CUSTOMER, Speaker.AGENT, Speaker.CUSTOMER,
                                                   Speaker.AGENT]


def test_a_transcript_line_before_any_speaker_is_its_blocks(write):
    path = write("t.txt", "Agent: Hi!\nCustomer: hello\n---\nNobody Known: first words\nAgent: Hi there\n")
    convs, _ = read_all([path])
    assert _unread(convs) == {"t-1": (), "t-2": (f"{path.name}:4",)}


def test_a_subtitle_cue_skipped_marks_the_call(write):
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Agent>Tere, kuidas saan aidata?\n\n"
           "00:00:03.000 --> 00:00:04.000\n<v Mari Maasikas>Mul on küsimus\n\n"  # cue at line 6
           "00:00:05.000 --> 00:00:06.000\n<v Klient>Arve on suur.\n")
    path = write("call.vtt", vtt)
    convs, report = read_all([path])
    assert [p.line for p in report.problems] == [6]
    assert _unread(convs) == {"call-1": (f"{path.name}:6",)}


def test_an_mbox_message_cut_to_nothing_marks_its_thread(write):
    mbox = ("From a@example.com Mon Nov  2 10:00:00 2026\nFrom: a@example.com\nTo: tugi@firma.ee\n"
            "Subject: Arve\nMessage-ID: <1@x>\n\nTere, arve on vale.\n\n"
            "From tugi@firma.ee Mon Nov  2 11:00:00 2026\nFrom: tugi@firma.ee\nTo: a@example.com\n"
            "Subject: Re: Arve\nMessage-ID: <2@x>\nIn-Reply-To: <1@x>\n\n\n\n"
            "From b@example.com Mon Nov  2 12:00:00 2026\nFrom: b@example.com\nTo: tugi@firma.ee\n"
            "Subject: Muu\nMessage-ID: <3@x>\n\nTere, teine teema.\n")
    path = write("box.mbox", mbox)
    convs, report = read_all([path])
    assert len(report.problems) == 1 and report.problems[0].offset is not None
    lost = report.problems[0].where_by_name  # the problem names the path, the conversation the file
    assert lost.startswith(f"{path.name}@byte ")
    assert sorted(_unread(convs).values()) == [(), (lost,)]


def test_a_jsonl_conversation_is_read_whole_or_not_at_all(write):
    path = write("c.jsonl", '{"id": "a", "turns": [{"speaker": "agent", "text": "Hi"}]}\n'
                            '{"id": "b", "turns": [{"speaker": "nobody", "text": "x"}]}\n')
    convs, report = read_all([path])
    assert _unread(convs) == {"a": ()} and len(report.problems) == 1


def test_unread_survives_pickling_for_worker_processes():
    conv = Conversation("x", (Turn(Speaker.AGENT, "Hi"),), unread=["f.csv:3"])
    assert conv.unread == ("f.csv:3",) and conv.incomplete
    assert pickle.loads(pickle.dumps(conv)) == conv
