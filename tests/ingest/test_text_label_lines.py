"""Otter.ai's text export: a label and the time into the recording, the words below (audit 20a F13)."""

from __future__ import annotations

import pytest

from servio.ingest import ReaderOptions, read_all
from servio.ingest.csv_columns import map_columns
from servio.ingest.registry import sniff_format
from servio.model import Channel, Speaker
from tests.ingest.test_linear_patterns import _reading, assert_linear

OTTER = ("Speaker 1  0:03\nShopCo, Sam speaking, how can I help you?\n\n"
         "Speaker 2  0:08\nHi, I'd like to change the delivery address.\nIt's order SH-81234.\n\n"
         "Speaker 1  1:02:10\nDone. Anything else?\n")
MAPPED = ReaderOptions(speaker_values={"speaker 1": "agent", "speaker 2": "customer"})


def test_an_otter_export_is_read_with_the_labels_mapped(write):
    convs, report = read_all([write("otter.txt", OTTER)], options=MAPPED)
    assert report.problems == ()
    conv = convs[0]
    assert [(t.speaker, t.author) for t in conv.turns] == [
        (Speaker.AGENT, "Speaker 1"), (Speaker.CUSTOMER, "Speaker 2"), (Speaker.AGENT, "Speaker 1")]
    assert conv.turns[1].text == "Hi, I'd like to change the delivery address.\nIt's order SH-81234."
    assert conv.metadata["turn_times"] == ["0:00:03", "0:00:08", "1:02:10"]  # minutes:seconds, not a clock
    assert conv.channel is Channel.PHONE


def test_unmapped_labels_are_unknown_speakers_with_the_mapping(write):
    convs, report = read_all([write("otter.txt", OTTER)])
    assert convs == [] and [p.line for p in report.problems] == [1, 4, 8]
    assert "unknown speaker 'Speaker 1'" in report.problems[0].message
    assert "--speaker 'Speaker 1=agent'" in report.problems[0].text("cli")


def test_sniffed_as_text_and_a_label_with_a_time_stays_text_in_a_prefixed_transcript(write):
    assert sniff_format(OTTER.encode()) == "text"
    plain = "Customer: when can you come?\nAgent: We can come on\nThursday 10:30\n"
    conv = read_all([write("p.txt", plain)])[0][0]
    assert conv.turns[1].text == "We can come on\nThursday 10:30" and conv.channel is Channel.CHAT


@pytest.mark.parametrize("text", [
    lambda n: "Speaker 1  0:03\nhi\n" + "Speaker 1" + " " * n + "x\n",  # label-and-time line: blanks
    lambda n: "Speaker 1  0:03\nhi\n" + "Speaker" + " a" * (n // 2) + " 0:03\n",  # many words
    lambda n: "Chat ID: 1\n" + "Agent:" + " " * n + "x\n\n(10:00) Customer: hi\n",  # header block pair
    lambda n: "Chat ID: 1\n\n(" + "1" * n + ") Customer: hi\n",  # header block: a long time-like start
], ids=["label-blanks", "label-words", "pair-blanks", "timed"])
def test_the_new_layouts_read_in_linear_time(tmp_path, text):
    assert_linear(_reading(tmp_path, "t.txt", text))


def test_a_header_with_a_long_run_of_underscores_maps_in_linear_time():
    def make(n):
        header = ["id", "speaker", "text", "x" + "_" * n + "(utc)"]
        return lambda: map_columns(header, ReaderOptions())
    assert_linear(make)


def test_a_header_block_below_turns_reads_in_linear_time(tmp_path):
    def text(n):
        return "(10:00) Customer: hi\n\nChat ID: 1\nAgent:" + " " * n + "x\n\n(10:01) Customer: hi\n"
    assert_linear(_reading(tmp_path, "t.txt", text))
