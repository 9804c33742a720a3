"""The CSV reader: delimiters, Estonian headers and encodings, column mapping, row problems."""

from __future__ import annotations

import codecs
from datetime import datetime

import pytest

from servio.ingest import IngestError, ReaderOptions, read_all
from servio.ingest.csv_columns import guess_delimiter
from servio.model import Speaker


def test_estonian_excel_export_with_bom_and_semicolons(fixtures):
    convs, report = read_all([fixtures / "export_et_bom.csv"])
    assert report.problems == () and report.notes == ()
    assert [c.id for c in convs] == ["v-101", "v-102"]  # grouped by id, in order of appearance
    first, second = convs
    assert [t.text for t in first.turns] == [
        "Tere, kas pakiautomaadist saab ka suure paki kätte?",
        "Tere! Saab küll; kuni 60 cm paki.",  # quoted cell with the delimiter inside
        "Aitäh, head aega!",  # a later row of the same conversation
    ]
    assert [t.speaker for t in second.turns] == [Speaker.CUSTOMER, Speaker.AGENT, Speaker.SYSTEM]
    assert first.turns[0].timestamp == datetime(2026, 10, 1, 10, 0, 5)
    assert first.started_at == datetime(2026, 10, 1, 10, 0, 5)
    assert (first.agent_id, second.agent_id) == ("Mari", "Jüri")  # "teenindaja" column


def test_windows_1257_export_is_detected_and_noted(fixtures):
    noted = []
    convs, report = read_all([fixtures / "export_cp1257.csv"], on_note=noted.append)
    assert report.problems == ()
    assert len(noted) == 1 and "Windows-1257" in noted[0].message and noted == list(report.notes)
    conv = convs[0]
    assert conv.turns[0].text == "Tere, kas šokolaadi tarnitakse ka Võrru?"
    assert "Põlvasse" in conv.turns[1].text
    assert conv.metadata["turn_times"] == ["09:15", "09:16", "09:17"]  # clock only, no date known


def test_a_windows_1257_line_that_is_valid_utf8_by_accident_does_not_decide(write):
    """'Kala OÜ' and a no-break space are the bytes DC A0: one Syriac letter in UTF-8."""
    rows = ["conversation_id;speaker;text", "1;customer;Tellija: Kala OÜ\u00a0",
            "1;agent;Tere! Kõik on korras.", "1;customer;Aitäh, ilusat päeva!",
            "2;customer;Kas šokolaadi tuuakse ka Võrru?"]
    path = write("oy.csv", "\r\n".join(rows).encode("cp1257") + b"\r\n")
    assert "\u00dc\u00a0".encode("cp1257").decode("utf-8") == "\u0720"  # the accident
    convs, report = read_all([path])
    assert report.problems == () and "Windows-1257" in report.notes[0].message
    assert [t.text for t in convs[0].turns] == ["Tellija: Kala OÜ", "Tere! Kõik on korras.",
                                                "Aitäh, ilusat päeva!"]
    assert convs[1].turns[0].text == "Kas šokolaadi tuuakse ka Võrru?"


def test_encoding_override(fixtures):
    convs, report = read_all([fixtures / "export_cp1257.csv"], options=ReaderOptions(encoding="cp1257"))
    assert report.notes == () and "šokolaadi" in convs[0].turns[0].text


def test_english_csv_with_quoted_newlines_and_stages(fixtures):
    convs, report = read_all([fixtures / "chats_en.csv"])
    assert report.problems == ()
    c1, c2 = convs
    assert c1.turns[1].text == "Sorry about that, Ann!\nHave you tried restarting it?"
    assert c1.turns[1].stages == frozenset({1, 3, 6}) and c1.turns[1].author == "Ben"
    assert (c1.agent_id, c1.team, c2.agent_id, c2.team) == ("ben", "Support", "dee", "Sales")
    assert [len(c.turns) for c in convs] == [3, 2]


def test_a_quote_never_closed_does_not_swallow_the_rows_after_it(write):
    """The csv module ends an open quote at the end of the file: every later row would become the
    agent's words. The row ends with its line instead, the rest are rows, and a note says where."""
    path = write("open_quote.csv", "conversation_id,speaker,text\n"
                                   "c1,customer,Hello my order is late\n"
                                   'c1,agent,"Sorry to hear that, checking now\n'
                                   "c1,customer,Thanks\n"
                                   "c2,customer,Where is my refund?\n"
                                   "c2,agent,Refund was sent yesterday\n")
    convs, report = read_all([path])
    assert [c.id for c in convs] == ["c1", "c2"]
    assert [(t.speaker, t.text) for t in convs[0].turns] == [
        (Speaker.CUSTOMER, "Hello my order is late"), (Speaker.AGENT, "Sorry to hear that, checking now"),
        (Speaker.CUSTOMER, "Thanks")]
    assert len(convs[1].turns) == 2 and report.skipped == 0
    (note,) = report.notes
    assert note.line == 3 and "a quoted cell is never closed" in note.message
    assert "the 3 line(s) after it as rows" in note.message


def test_a_closed_quote_spanning_lines_to_the_end_is_one_cell(write):
    path = write("multi.csv", 'conversation_id,speaker,text\nc1,customer,hi\nc1,agent,"line one\nline two"\n')
    convs, report = read_all([path])
    assert convs[0].turns[1].text == "line one\nline two" and report.notes == ()


def test_missing_text_column_is_one_clear_problem(write):
    path = write("wrong.csv", "id,speaker,message_body\n1,agent,hello\n1,customer,hi\n")
    convs, report = read_all([path])
    assert convs == [] and len(report.problems) == 1
    problem = report.problems[0]
    assert problem.line == 1
    assert "no text column" in problem.message
    assert "available columns: id, speaker, message_body" in problem.message
    assert "--column text=NAME" in problem.text("cli") and "ReaderOptions.text_column" in str(problem)
    assert "on the dashboard under More reading options" in problem.text("service")


def test_explicit_columns_and_speaker_values(write):
    path = write("custom.csv", "Ticket|Who|Message|Op\nT1|op|Hello|ann\nT1|cust|Hi|\n")
    options = ReaderOptions(id_column="Ticket", speaker_column="Who", text_column="Message",
                            agent_id_column="Op", delimiter="|",
                            speaker_values={"op": "agent", "cust": "customer"})
    convs, report = read_all([path], options=options)
    assert report.problems == ()
    assert convs[0].id == "T1" and convs[0].agent_id == "ann"
    assert [t.speaker for t in convs[0].turns] == [Speaker.AGENT, Speaker.CUSTOMER]


def test_speaker_cells_with_names_and_header_only_files(write):
    path = write("named.csv", "speaker;text\nTeenindaja (Kati);Tere!\nKlient Mari;Tere\n")
    convs, report = read_all([path])
    assert report.problems == ()
    found = [(t.speaker, t.author) for t in convs[0].turns]
    assert found == [(Speaker.AGENT, "Kati"), (Speaker.CUSTOMER, "Mari")]
    convs, report = read_all([write("header.csv", "speaker,text\n")])
    assert convs == [] and report.problems == () and "no readable rows" in report.notes[0].message


def test_explicit_column_that_is_absent_names_the_columns(write):
    path = write("c.csv", "id,speaker,text\n1,agent,hi\n")
    _, report = read_all([path], options=ReaderOptions(text_column="Sõnum"))
    expected = "column 'Sõnum' for text not found; available columns: id, speaker, text"
    assert expected in report.problems[0].message


def test_bad_rows_are_reported_and_the_rest_read(write):
    path = write("rows.csv", "\n".join([
        "id,speaker,text,stages",
        "1,agent,Hello,1",
        "1,robotnik,??,",
        "1,customer,,",
        "1,customer,too,many,fields,here",
        "1,customer,fine,9",
        "1,customer,Thanks,7",
    ]) + "\n")
    convs, report = read_all([path])
    assert [t.text for t in convs[0].turns] == ["Hello", "Thanks"]
    assert [p.line for p in report.problems] == [3, 4, 5, 6]
    messages = [str(p) for p in report.problems]
    assert "speaker 'robotnik' is not known" in messages[0] and "speaker_values" in messages[0]
    assert "empty text" in messages[1]
    assert "6 fields but the header has 4" in messages[2]
    assert "1..7" in messages[3]


def test_no_id_column_means_one_conversation_and_empty_ids_continue(write):
    single = write("single.csv", "rääkija;tekst\nklient;Tere\nteenindaja;Tere!\n")
    merged = write("merged.csv", "vestlus;roll;tekst\nA;klient;üks\n;teenindaja;kaks\n"
                                 "B;klient;kolm\n;klient;neli\n")
    convs, report = read_all([single, merged])
    assert report.problems == ()
    assert [(c.id, len(c.turns)) for c in convs] == [("single-1", 2), ("A", 2), ("B", 2)]


def test_tab_separated_and_delimiter_guess(write):
    path = write("t.tsv", "speaker\ttext\tlanguage\nagent\tHi, there; friend\ten\n")
    convs, _ = read_all([path])
    assert convs[0].turns[0].text == "Hi, there; friend" and convs[0].language is not None
    assert guess_delimiter('a;"b;c";d') == ";"
    assert guess_delimiter("a,b;c,d") == ","
    assert guess_delimiter("one column") == ","


def test_unreadable_timestamps_are_noted_not_dropped(write):
    path = write("ts.csv", "speaker,text,time\nagent,hi,soon\ncustomer,hey,later\n"
                           "agent,ok,2026-10-01 10:00\n")
    convs, report = read_all([path])
    assert report.problems == () and len(convs[0].turns) == 3
    assert len(report.notes) == 1 and report.notes[0].line == 2
    assert "2 timestamp(s)" in report.notes[0].message


def test_turn_times_stay_aligned_when_a_row_is_skipped(write):
    rows = "speaker,text,time,stages\nagent,hi,10:00,1\ncustomer,x,10:01,9\ncustomer,ok,10:02,\n"
    path = write("times.csv", rows)
    convs, report = read_all([path])
    assert len(report.problems) == 1
    assert convs[0].metadata["turn_times"] == ["10:00", "10:02"]


def test_invalid_utf8_byte_in_one_row(write):
    rows = "speaker,text\nagent,Tere! Kuidas läheb?\ncustomer,Hästi\n".encode()
    bad = b"customer,bad \xff byte\n"
    path = write("bad.csv", rows + bad + "agent,Väga hea\n".encode())
    convs, report = read_all([path])
    assert [t.text for t in convs[0].turns] == ["Tere! Kuidas läheb?", "Hästi", "Väga hea"]
    assert [p.line for p in report.problems] == [4] and "not valid UTF-8" in report.problems[0].message


def test_bom_header_is_matched(write):
    path = write("bom.csv", codecs.BOM_UTF8 + b"id,speaker,text\n1,agent,hi\n")
    convs, _ = read_all([path])
    assert convs[0].id == "1"


def test_excel_unicode_text_export(write):
    """Excel's "Unicode Text" export: UTF-16 with a byte-order mark, tab-delimited, often saved as .txt."""
    text = "vestlus\trääkija\ttekst\r\nx1\tklient\tTere, õnnitlused!\r\nx1\tteenindaja\tAitäh!\r\n"
    path = write("excel.txt", text.encode("utf-16"))
    convs, report = read_all([path])
    assert report.problems == () and "UTF-16" in report.notes[0].message
    assert [t.text for t in convs[0].turns] == ["Tere, õnnitlused!", "Aitäh!"]


def test_options_from_cli():
    options = ReaderOptions.from_cli(columns={"text": "Message", "agent": "Op", "id": "Ticket"},
                                     agent_domains=["@Shop.Example"])
    assert (options.text_column, options.agent_id_column, options.id_column) == ("Message", "Op", "Ticket")
    assert options.agent_domains == frozenset({"shop.example"})
    with pytest.raises(IngestError, match="unknown column field 'txt'"):
        ReaderOptions.from_cli(columns={"txt": "Message"})
    with pytest.raises(IngestError, match="delimiter"):
        ReaderOptions.from_cli(delimiter=";;")


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="agent, customer or system"):
        ReaderOptions(speaker_values={"kati": "boss"})
    with pytest.raises(ValueError, match="unknown encoding"):
        ReaderOptions(encoding="latin-99")


def test_a_first_line_that_is_no_header_is_not_echoed_whole(write):
    # a JSON Lines file forced through --format csv: its first "header" is a whole conversation, and the
    # error must not print the customer's words (privacy) nor a line of kilobytes
    secret = "my card 4111 1111 1111 1111 was charged twice"
    line = ('{"id": "c1",  "language": "en",  "turns": [{"speaker": "customer",  "text": "' + secret
            + '"}],  "a": 1,  "b": 2,  "c": 3,  "d": 4,  "e": 5,  "f": 6,  "g": 7,  "h": 8,  "i": 9}\n')
    path = write("conv.csv", line + line)
    _, report = read_all([path], format="csv")
    message = report.problems[0].message
    assert "no text column" in message
    assert secret not in message and "4111" not in message
    assert "does not look like a header" in message and "--format" in message
    assert len(message) < 400


def test_many_columns_are_listed_up_to_a_dozen(write):
    names = [f"veerg{i}" for i in range(1, 31)]
    path = write("c.csv", ";".join(names) + "\n" + ";".join("x" * 30) + "\n")
    _, report = read_all([path])
    message = report.problems[0].message
    assert "available columns: veerg1, veerg2," in message and "veerg12 and 18 more" in message
    assert "veerg13" not in message


def test_rows_out_of_time_order_are_read_in_time_order(write):
    """Exports listing newest first (or sorted by author) give the turns in the order they were said."""
    path = write("newest_first.csv", (
        "conversation_id,created_at,speaker,body\n"
        "215,2026-11-28 10:05:00,customer,\"No, thanks, bye!\"\n"
        "215,2026-11-28 10:03:00,agent,Your refund was sent today. Anything else?\n"
        "216,28.11.2026 11:00,customer,Tere\n"
        "215,2026-11-28 10:00:00,customer,\"Hello, where is my refund?\"\n"
        "216,,agent,Tere!\n"  # a row without a time: the file's order is kept
        "216,28.11.2026 10:59,customer,Kas olete avatud?\n"
    ))
    convs, report = read_all([path])
    assert report.problems == ()
    first, second = convs
    assert [t.text for t in first.turns] == [
        "Hello, where is my refund?", "Your refund was sent today. Anything else?", "No, thanks, bye!"]
    assert first.started_at == datetime(2026, 11, 28, 10, 0)
    assert [t.text for t in second.turns] == ["Tere", "Tere!", "Kas olete avatud?"]


def test_help_desk_exports_read_without_options(write):
    """The column names and role words of ticket and chat tools' exports (Zendesk-style ticket comments,
    Intercom-style conversation parts) are known, so such a file needs no --column or --speaker."""
    tickets = write("tickets.csv", (
        "Ticket ID,Comment ID,Author,Author Role,Created At,Body,Assignee,Group\n"
        "10231,1,Mari Maasikas,end-user,2026-11-28T12:01:00Z,\"Tere!\nMinu tellimus ei ole kohale jõudnud.\","
        "Kati Kask,Tugi\n"
        "10231,2,Kati Kask,agent,2026-11-28T12:05:00Z,\"Tere, Mari! Vaatan kohe järele.\",Kati Kask,Tugi\n"
        "10232,1,Jaan Tamm,requester,2026-11-28T13:00:00Z,Kas pood on avatud?,Jüri Jõgi,Tugi\n"
        "10232,2,Jüri Jõgi,admin,2026-11-28T13:02:00Z,\"Jah, kell 10-18.\",Jüri Jõgi,Tugi\n"
    ))
    parts = write("parts.csv", (
        "conversation_id,created_at,author_type,author_name,body\n"
        "215,2026-11-28 10:00:00,lead,Anna,\"Hello, where is my refund?\"\n"
        "215,2026-11-28 10:01:00,bot,Operator,A teammate will reply soon.\n"
        "215,2026-11-28 10:03:00,admin,Kati,Your refund was sent today.\n"
    ))
    convs, report = read_all([tickets, parts])
    assert report.problems == ()
    assert [[t.speaker.value for t in c.turns] for c in convs] == [
        ["customer", "agent"], ["customer", "agent"], ["customer", "system", "agent"]]
    assert [c.agent_id for c in convs] == ["Kati Kask", "Jüri Jõgi", None]  # the Assignee column
    assert convs[0].turns[0].author == "Mari Maasikas" and convs[0].team == "Tugi"
    assert [t.author for t in convs[2].turns] == ["Anna", "Operator", "Kati"]  # author_name


def test_html_message_cells_are_read_as_their_text(write):
    """Chat tools export message bodies as HTML (<p>...</p>); the tagger should read words, not markup."""
    path = write("html.csv", (
        "conversation_id,speaker,body\n"
        "215,customer,\"<p>Hello, where is my refund?</p>\"\n"
        "215,agent,\"<p>Hi Anna! It was sent today.</p><p>Anything else?<br>Kati</p>\"\n"
        "215,customer,<P class=\"x\">No, thanks &amp; bye!</P>\n"
        "215,customer,<3 you are great & fast\n"
    ).replace('<P class="x">No, thanks &amp; bye!</P>', '"<P class=""x"">No, thanks &amp; bye!</P>"'))
    convs, report = read_all([path])
    assert report.problems == ()
    assert [t.text for t in convs[0].turns] == [
        "Hello, where is my refund?", "Hi Anna! It was sent today.\n\nAnything else?\nKati",
        "No, thanks & bye!", "<3 you are great & fast"]


def test_internal_note_rows_are_left_out_with_a_note(write):
    """Ticket exports hold the agents' internal notes beside the public replies; the customer never saw
    them, so they are not turns of the conversation. One note per file counts them."""
    path = write("comments.csv", (
        "Ticket ID,Author Role,Public,Body\n"
        "7,end-user,true,Tere! Kus mu pakk on?\n"
        "7,agent,false,Internal: courier delayed\n"
        "7,agent,TRUE,\"Tere! Pakk jõuab homme, vabandame.\"\n"
        "8,end-user,1,Aitäh!\n"
        "8,agent,0,close this\n"
    ))
    convs, report = read_all([path])
    assert report.problems == ()
    assert [[t.text for t in c.turns] for c in convs] == [
        ["Tere! Kus mu pakk on?", "Tere! Pakk jõuab homme, vabandame."], ["Aitäh!"]]
    assert len(report.notes) == 1 and report.notes[0].line == 3
    assert "2 internal note row(s)" in report.notes[0].message
    private = write("private.csv",
                    "id;speaker;is_private;message\n1;klient;ei;Tere\n1;teenindaja;jah;märkus\n")
    convs, report = read_all([private])
    assert [t.text for t in convs[0].turns] == ["Tere"] and len(report.notes) == 1


def test_an_unknown_channel_keeps_the_rows_with_one_note_per_value(write):
    rows = ["id;speaker;text;channel", "a;customer;Tere;Facebook", "a;agent;Tere!;Facebook",
            "b;customer;Hei;Facebook", "c;customer;Hello;telefon"]
    convs, report = read_all([write("chan.csv", "\n".join(rows))])
    assert report.problems == () and [len(c.turns) for c in convs] == [2, 1, 1]
    assert [str(c.channel) for c in convs] == ["other", "other", "phone"]
    assert convs[0].metadata == {"channel": "Facebook"}
    assert [(n.line, n.message) for n in report.notes] == [
        (2, "channel 'Facebook' is not one of chat, email, other, phone, twitter; read as 'other' "
            "(2 conversations)")]


def test_a_row_cut_short_says_so(write):
    path = write("short.csv", "conversation_id;speaker;channel;text\n1;Klient;chat;Tere\n1;Teenindaja\n")
    convs, report = read_all([path])
    assert len(convs[0].turns) == 1
    (problem,) = report.problems
    assert problem.line == 3
    assert "row has 2 field(s) but the header has 4, so it has no text" in problem.message


def test_a_speaker_cell_with_a_dash_is_not_a_role_and_author(write):
    """'Klient - Mari' would read as the customer without the name: it stays an unknown speaker."""
    path = write("dash.csv", "conversation_id;speaker;text\n1;Klient - Mari;Tere\n1;Teenindaja;Tere!\n")
    convs, report = read_all([path])
    assert [t.speaker for t in convs[0].turns] == [Speaker.AGENT]
    assert "speaker 'Klient - Mari' is not known" in report.problems[0].message


def test_a_date_column_beside_a_time_column_dates_the_turns(write):
    """Estonian Excel exports split the date (Kuupäev 01.10.2026) and the time (Kellaaeg 10:32) into two
    columns: the turns get both (audit F1: the date was lost, and a report for the day found nothing)."""
    rows = ("\ufeffVestluse ID;Kuupäev;Kellaaeg;Rääkija;Sõnum\r\n"
            "V-1;01.10.2026;23:58;Teenindaja;Tere!\r\n"
            "V-1;02.10.2026;00:01;Klient;Tere, mul on küsimus.\r\n"
            "V-2;05.10.2026;9:05;Klient;Tere\r\n")
    convs, report = read_all([write("eksport.csv", rows)])
    assert report.problems == () and report.notes == ()
    one, two = convs
    assert [t.timestamp for t in one.turns] == [datetime(2026, 10, 1, 23, 58), datetime(2026, 10, 2, 0, 1)]
    assert one.started_at == datetime(2026, 10, 1, 23, 58) and "turn_times" not in one.metadata
    assert two.started_at == datetime(2026, 10, 5, 9, 5)
    # merged date cells: a row with a time and no date is on the date of the rows before it
    merged = write("merged.csv", "Kuupäev;Kellaaeg;Rääkija;Sõnum\n01.10.2026;23:58;klient;Tere\n"
                                 ";00:02;teenindaja;Tere!\n")
    convs, report = read_all([merged])
    assert [t.timestamp for t in convs[0].turns] == [datetime(2026, 10, 1, 23, 58),
                                                    datetime(2026, 10, 2, 0, 2)]


def test_english_date_and_time_columns_and_the_date_option(write):
    rows = "Date,Time,Speaker,Message\n2026-10-01,10:32,agent,Hi!\n2026-10-01,10:33:05,customer,Hello\n"
    convs, report = read_all([write("export.csv", rows)])
    assert report.problems == ()
    assert [t.timestamp for t in convs[0].turns] == [datetime(2026, 10, 1, 10, 32),
                                                    datetime(2026, 10, 1, 10, 33, 5)]
    # a date column under another name is named with --column date=NAME (ReaderOptions.date_column)
    odd = write("odd.csv", "Päev;Kell;Rääkija;Sõnum\n01.10.2026;10:32;klient;Tere\n")
    options = ReaderOptions.from_cli(columns={"date": "Päev", "timestamp": "Kell"})
    assert options.date_column == "Päev"
    convs, report = read_all([odd], options=options)
    assert report.problems == () and convs[0].turns[0].timestamp == datetime(2026, 10, 1, 10, 32)


def test_a_single_date_column_with_the_time_still_reads_and_a_bad_date_is_noted(write):
    single = write("kuupaev.csv", "Kuupäev;Rääkija;Sõnum\n01.10.2026 10:32;klient;Tere\n")
    convs, report = read_all([single])
    assert report.notes == () and convs[0].turns[0].timestamp == datetime(2026, 10, 1, 10, 32)
    # a full timestamp wins over the date column; a date that cannot be read keeps the turn, with a note
    rows = ("Kuupäev;Aeg;Rääkija;Sõnum\n01.10.2026;2026-10-03 08:00;klient;Tere\n"
            "eile;10:33;teenindaja;Tere!\n")
    convs, report = read_all([write("bad.csv", rows)])
    assert report.problems == () and len(convs[0].turns) == 2
    assert convs[0].turns[0].timestamp == datetime(2026, 10, 3, 8, 0)
    assert len(report.notes) == 1 and report.notes[0].line == 3 and "'eile'" in report.notes[0].message


def test_an_unrelated_csv_in_a_folder_is_only_noted(write, tmp_path):
    """A CSV found in a folder whose header has neither a text nor a speaker column (a list of people)
    is not a conversation file: a note, as for a README, not a skipped file (audit F19). Named on its
    own, or with one of the two columns, it is still a problem."""
    write("chats/vestlused.csv", "vestlus,rääkija,tekst\n1,klient,Tere\n1,teenindaja,Tere!\n")
    people = write("chats/inimesed.csv", "nimi,vanus\nMari,34\nJüri,51\n")
    half = write("chats/pool.csv", "vestlus,rääkija,sõnumi_sisu\n1,klient,Tere\n")
    convs, report = read_all([tmp_path / "chats"])
    assert [c.id for c in convs] == ["1"]
    assert [(p.path, p.line) for p in report.problems] == [(str(half), 1)]  # a text column is missing
    assert report.skipped == 1
    notes = [n for n in report.notes if n.path == str(people)]
    assert len(notes) == 1 and notes[0].message.endswith("file skipped")
    assert "not a conversation file" in notes[0].message and "nimi, vanus" in notes[0].message
    cli = notes[0].text("cli")  # each column's remedy once, not "name it with ... and name it with ..."
    assert cli.count("name it with") == 2 and "and name it" not in cli
    assert "the text column: name it with --column text=NAME" in cli
    convs, report = read_all([people])
    assert report.skipped == 1 and "no text column" in report.problems[0].message
