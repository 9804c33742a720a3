"""Intercom-style exports: a Part type of note is an internal note, a time column named with its zone
(``Created at (UTC)``) is the turns' time, and a time column no name matched is noted (audit 20a F1, F2)."""

from __future__ import annotations

from datetime import datetime

from servio.ingest import read_all
from servio.model import Speaker

INTERCOM = (
    "Conversation ID,Part type,Author type,Author name,Created at (UTC),Body\n"
    "215001,comment,user,Lena Fischer,2026-11-05 12:01:09,Is the blanket available in grey?\n"
    "215001,comment,admin,Chris Walker,2026-11-05 12:03:40,Hi Lena! Grey is back on 20 November.\n"
    "215001,note,admin,Chris Walker,2026-11-05 12:04:00,check stock w/ warehouse\n"
    "215001,comment,user,Lena Fischer,2026-11-05 12:05:02,Then I'll wait. Thanks!\n"
)


def test_a_part_type_of_note_is_left_out_as_an_internal_note(write):
    convs, report = read_all([write("intercom.csv", INTERCOM)])
    texts = [t.text for t in convs[0].turns]
    assert "check stock w/ warehouse" not in texts and len(texts) == 3
    assert [n.line for n in report.notes if "1 internal note row(s)" in n.message] == [4]


def test_a_time_column_named_with_its_zone_is_the_turns_time(write):
    conv = read_all([write("intercom.csv", INTERCOM)])[0][0]
    assert conv.turns[0].timestamp == datetime(2026, 11, 5, 12, 1, 9)
    assert conv.started_at == datetime(2026, 11, 5, 12, 1, 9)
    assert [t.speaker for t in conv.turns] == [Speaker.CUSTOMER, Speaker.AGENT, Speaker.CUSTOMER]


def test_an_unmatched_time_column_is_noted_with_the_option_that_reads_it(write):
    text = INTERCOM.replace("Created at (UTC)", "Sent (local)")
    convs, report = read_all([write("sent.csv", text)])
    assert convs[0].turns[0].timestamp is None
    notes = [n for n in report.notes if "Sent (local)" in n.message]
    assert len(notes) == 1 and notes[0].line == 2
    assert "--column timestamp=NAME" in notes[0].text("cli") and "2026-11-05 12:01:09" in notes[0].message
    plain = "id,speaker,text\n1,customer,hi at 10:00\n1,agent,hello\n"  # no time column at all: no note
    assert read_all([write("plain.csv", plain)])[1].notes == ()
