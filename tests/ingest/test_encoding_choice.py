"""Windows-1252 (English Excel) told from Windows-1257 (Estonian Excel) in a file not UTF-8 (audit 20a F8)."""

from __future__ import annotations

from servio.ingest import ReaderOptions, read_all
from servio.ingest.textio import legacy_encoding

ROWS = ["conversation_id,speaker,author,text",
        "7001,customer,François Müller,\"Hi, the “Niño” café set's crème jug is chipped.\"",
        "7001,agent,Søren,\"Sorry! A new jug from Århus is on its way.\""]


def test_an_english_windows_1252_export_is_read_as_windows_1252(write):
    path = write("excel.csv", "\r\n".join(ROWS).encode("cp1252") + b"\r\n")
    convs, report = read_all([path])
    assert report.problems == ()
    turns = convs[0].turns
    assert turns[0].author == "François Müller" and "“Niño” café" in turns[0].text
    assert "crème" in turns[0].text
    assert turns[1].author == "Søren" and "Århus" in turns[1].text
    note = report.notes[0]
    assert "Windows-1252" in note.message and "ReaderOptions.encoding" in note.text("python")
    assert "--encoding NAME" in note.text("cli") and "Kodeering" in note.text("dashboard", "et")


def test_estonian_stays_windows_1257_and_the_encoding_can_be_forced(write):
    rows = ["conversation_id,speaker,text", "1,klient,Kas šokolaadi ja žele tuuakse ka Võrru?",
            "1,teenindaja,\"Jah, ülehomme.\""]
    path = write("et.csv", "\r\n".join(rows).encode("cp1257") + b"\r\n")
    convs, report = read_all([path])
    assert convs[0].turns[0].text == "Kas šokolaadi ja žele tuuakse ka Võrru?"
    assert "Windows-1257" in report.notes[0].message
    forced, report = read_all([write("en.csv", "\r\n".join(ROWS).encode("cp1252"))],
                              options=ReaderOptions(encoding="cp1257"))
    assert forced[0].turns[0].author == "Franēois Müller" and report.notes == ()  # as asked


def test_the_votes():
    assert legacy_encoding(["Tšernõšova, žürii".encode("cp1257")]) == "cp1257"
    assert legacy_encoding(["Tšernõšova".encode("cp1252")]) == "cp1252"  # š is 0x9a there, none in 1257
    assert legacy_encoding(["Tõnu Äär".encode("cp1257")]) == "cp1257"  # the same bytes in both: the default
    assert legacy_encoding(["Nińo, Franēois".encode("cp1257"), "Tõnu".encode("cp1257")]) == "cp1252"
