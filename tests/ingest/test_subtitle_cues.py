"""WebVTT and SRT: cues that hold two speakers, and cues whose blank line before them is missing."""

from __future__ import annotations

from servio.ingest import read_all
from servio.model import Speaker

A, C = Speaker.AGENT, Speaker.CUSTOMER


def _turns(convs):
    return [(t.speaker, t.text) for t in convs[0].turns]


def test_a_cue_with_two_prefixed_lines_is_two_turns(write):
    text = ("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nAgent: Kas see on teie leping?\n"
            "Klient: Jah, see on minu.\n\n00:00:04.000 --> 00:00:05.000\nveel üks rida\n")
    convs, report = read_all([write("call.vtt", text)])
    assert _turns(convs) == [(A, "Kas see on teie leping?"), (C, "Jah, see on minu."), (C, "veel üks rida")]
    assert convs[0].metadata["cue_times"] == [[1.0, 3.0], [1.0, 3.0], [4.0, 5.0]]
    assert report.problems == ()


def test_an_unknown_speaker_inside_a_cue_is_not_the_first_speakers_words(write):
    text = "1\n00:00:01,000 --> 00:00:03,000\nTeenindaja: Palun taaskäivitage see.\nMari Maasikas: Olgu.\n"
    convs, report = read_all([write("call.srt", text)])
    assert _turns(convs) == [(A, "Palun taaskäivitage see.")]
    assert "unknown speaker 'Mari Maasikas'" in report.problems[0].message


def test_a_lost_blank_line_between_srt_cues_keeps_both_cues(write):
    text = ("1\n00:00:01,000 --> 00:00:03,000\nTeenindaja: Kas ruuter vilgub?\n"
            "2\n00:00:03,500 --> 00:00:05,000\nKlient: Jah, punane tuli.\n")
    convs, report = read_all([write("call.srt", text)])
    assert _turns(convs) == [(A, "Kas ruuter vilgub?"), (C, "Jah, punane tuli.")]
    assert convs[0].metadata["cue_times"] == [[1.0, 3.0], [3.5, 5.0]]
    assert [(n.line, n.message) for n in report.notes] == [
        (4, "a cue starts without a blank line before it; read as its own cue")]


def test_a_cue_right_under_the_webvtt_line_is_read(write):
    text = "WEBVTT\n00:00:01.000 --> 00:00:02.000\n<v Agent>Hello, this is Acme support.\n\n" \
           "00:00:03.000 --> 00:00:04.000\n<v Customer>Hi, my internet is down.\n"
    convs, report = read_all([write("call.vtt", text)])
    assert _turns(convs) == [(A, "Hello, this is Acme support."), (C, "Hi, my internet is down.")]
    assert report.problems == () and len(report.notes) == 1


def test_text_after_a_closing_voice_tag_is_kept(write):
    text = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Klient>Aitäh.</v> ja head aega\n\n"
            "00:00:03.000 --> 00:00:04.000\n<v Agent>Tere!</v><v Klient>Tere.</v>\n")
    convs, report = read_all([write("call.vtt", text)])
    assert _turns(convs) == [(C, "Aitäh. ja head aega"), (A, "Tere!"), (C, "Tere.")]


def test_a_cue_of_only_a_sound_note_is_nobodys_turn(write):
    text = ("1\n00:00:01,000 --> 00:00:02,000\nTeenindaja: Palun oodake.\n\n"
            "2\n00:00:02,500 --> 00:00:09,000\n[Muusika]\n\n"
            "3\n00:00:09,500 --> 00:00:11,000\n(naerab) Tänan ootamast!\n")
    convs, report = read_all([write("call.srt", text)])
    assert _turns(convs) == [(A, "Palun oodake."), (A, "(naerab) Tänan ootamast!")]
    assert [n.message for n in report.notes] == [
        "1 cue(s) holding only a sound note ('[Muusika]', '(laughs)') left out"]
