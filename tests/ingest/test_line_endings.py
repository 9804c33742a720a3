"""Line endings: LF, CRLF and old Mac CR (Excel for Mac's "CSV (Macintosh)")."""

from __future__ import annotations

import io

from servio.ingest import ReaderOptions, read_all
from servio.ingest.textio import raw_lines
from servio.model import Speaker


def test_a_transcript_with_cr_line_endings_keeps_its_speakers(write):
    convs, report = read_all([write("mac.txt", b"Klient: Tere\rTeenindaja: Tere, aitan\r")])
    assert [(t.speaker, t.text) for t in convs[0].turns] == [
        (Speaker.CUSTOMER, "Tere"), (Speaker.AGENT, "Tere, aitan")]
    assert report.problems == ()


def test_a_csv_with_cr_line_endings_is_read_row_by_row(write):
    text = ("conversation_id;speaker;text\r1;Klient;Tere, arve on vale\r1;Teenindaja;Vaatan üle\r"
            "2;Klient;Teine")
    convs, report = read_all([write("mac.csv", text.encode("cp1257"))])
    assert [[t.text for t in c.turns] for c in convs] == [["Tere, arve on vale", "Vaatan üle"], ["Teine"]]
    assert report.problems == ()


def test_cr_lines_keep_numbers_offsets_and_the_length_limit():
    data = b"ab\r" + b"x" * 50 + b"\rcd"
    got = list(raw_lines(io.BytesIO(data), 10))
    assert got == [(1, 0, b"ab\r", 3), (2, 3, None, 51), (3, 54, b"cd", 2)]
    assert [n for n, *_ in raw_lines(io.BytesIO(b"a\r\nb\r\n"), 10)] == [1, 2]  # CRLF stays CRLF


def test_a_long_cr_line_is_one_problem(write):
    path = write("long.txt", b"Klient: Tere\rTeenindaja: " + b"x" * 2000 + b"\rKlient: Aitah\r")
    convs, report = read_all([path], options=ReaderOptions(max_record_bytes=1024))
    assert report.skipped == 1 and report.problems[0].line == 2
    assert [t.text for t in convs[0].turns] == ["Tere", "Aitah"]
