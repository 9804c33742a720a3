"""WebVTT and SRT: one cue one turn, voices and prefixes, cue times."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from servio.ingest import ReaderOptions, read_all
from servio.ingest.prefix import unknown_label
from servio.model import Channel, Language, Speaker

VTT_HEAD = "WEBVTT\n\n"


def test_vtt_fixture(fixtures):
    convs, report = read_all([fixtures / "call.vtt"])
    assert report.problems == ()
    conv = convs[0]
    assert (conv.id, conv.agent_id, conv.team, conv.language, conv.channel) == (
        "call-et-9", "mari", "Pärnu", Language.ET, Channel.PHONE)
    assert [t.speaker.value for t in conv.turns] == ["agent", "customer", "agent", "customer"]
    assert conv.turns[1].text == "Tere, mul on elekter & vesi ühel arvel ja summa on vale."
    assert conv.turns[2].author == "Mari" and conv.turns[3].text == "Aitäh!"
    start = datetime(2026, 10, 6, 12, 0, tzinfo=timezone(timedelta(hours=3)))
    assert conv.turns[1].timestamp == start + timedelta(seconds=3.5)
    assert conv.metadata["cue_times"] == [[0.5, 3.0], [3.5, 8.25], [8.5, 12.0], [12.5, 14.0]]
    assert "This is a free comment" not in str(dict(conv.metadata))


def test_srt_fixture_continues_the_speaker(fixtures):
    convs, report = read_all([fixtures / "call.srt"])
    assert report.problems == ()
    conv = convs[0]
    assert conv.id == "call-1" and conv.channel is Channel.PHONE
    assert [t.speaker.value for t in conv.turns] == ["agent", "customer", "customer", "agent"]
    assert conv.turns[2].text == "It keeps blinking red."  # one cue, one turn: nothing merged
    assert all(t.timestamp is None for t in conv.turns)
    assert conv.metadata["cue_times"][1] == [4.5, 9.0]


def test_unknown_voice_bad_timing_and_missing_speaker(write):
    text = VTT_HEAD + "\n\n".join([
        "00:00:00.000 --> 00:00:01.000\nno speaker yet",
        "00:00:01.000 --> 00:00:02.000\n<v Speaker 1>hello",
        "00:00:02.000 -> 00:00:03.000\n<v Agent>bad arrow",
        "00:00:03.000 --> 00:00:04.000\n<v Agent>Tere!",
    ]) + "\n"
    path = write("x.vtt", text)
    convs, report = read_all([path])
    assert [t.text for t in convs[0].turns] == ["Tere!"]
    assert [p.line for p in report.problems] == [3, 6, 9]
    assert "names no speaker" in report.problems[0].message
    assert "unknown voice 'Speaker 1'" in report.problems[1].message
    assert "timing" in report.problems[2].message
    mapped, report2 = read_all([path], options=ReaderOptions(speaker_values={"speaker 1": "customer"}))
    assert [t.speaker for t in mapped[0].turns] == [Speaker.CUSTOMER, Speaker.AGENT]
    assert mapped[0].turns[0].author == "Speaker 1" and len(report2.problems) == 2


def test_cue_with_two_voices_gives_two_turns(write):
    text = VTT_HEAD + ("00:00:01.000 --> 00:00:03.000\n<v Klient>Tere!</v>\n"
                       "<v Teenindaja>Tere, kuidas saan aidata?</v>\n")
    conv = read_all([write("two.vtt", text)])[0][0]
    assert [(t.speaker, t.text) for t in conv.turns] == [
        (Speaker.CUSTOMER, "Tere!"), (Speaker.AGENT, "Tere, kuidas saan aidata?")]
    assert conv.metadata["cue_times"] == [[1.0, 3.0], [1.0, 3.0]]


def test_hours_and_no_cues(write):
    text = "1\n01:02:03,450 --> 01:02:04,000\nKlient: tere\n"
    conv = read_all([write("h.srt", text)])[0][0]
    assert conv.metadata["cue_times"] == [[3723.45, 3724.0]]
    convs, report = read_all([write("none.vtt", "WEBVTT\n\nNOTE only a note\n")])
    assert convs == [] and "no cue" in report.problems[0].message


def test_cue_after_a_skipped_cue_does_not_take_an_older_speaker(write):
    """A skipped cue still says who spoke: the unlabelled cue after it is not given to the speaker before."""
    srt = ("1\n00:00:01,000 --> 00:00:02,000\nAgent: Hi, I'm Sam. When did it stop?\n\n"
           "2\n00:00:02,500 -> 00:00:03,000\nCustomer: broken timing\n\n"
           "3\n00:00:03,500 --> 00:00:04,000\nsince this morning\n")
    convs, report = read_all([write("x.srt", srt)])
    assert [(t.speaker, t.text) for t in convs[0].turns] == [
        (Speaker.AGENT, "Hi, I'm Sam. When did it stop?"), (Speaker.CUSTOMER, "since this morning")]
    assert [p.line for p in report.problems] == [5]
    assert "00:00:01,000 --> 00:00:02,000" in report.problems[0].message  # SRT's own timing syntax
    vtt = VTT_HEAD + ("00:00:01.000 --> 00:00:02.000\n<v Agent>Hello\n\n"
                      "00:00:02.000 --> 00:00:03.000\n<v Robot 7>beep\n\n"
                      "00:00:03.000 --> 00:00:04.000\nwho said this?\n")
    convs, report = read_all([write("x.vtt", vtt)])
    assert [t.text for t in convs[0].turns] == ["Hello"]
    assert [p.line for p in report.problems] == [6, 9]
    assert "unknown voice 'Robot 7'" in report.problems[0].message
    assert "names no speaker" in report.problems[1].message


ZOOM_VTT = VTT_HEAD + "\n\n".join([
    "1\n00:00:00.000 --> 00:00:03.500\nKati Kask: Hello, this is Kati from Laine Bank.",
    "2\n00:00:03.600 --> 00:00:07.000\nJohn Smith: Hi, my card is blocked.",
    "3\n00:00:07.100 --> 00:00:09.000\nand I need it today.",
    "4\n00:00:09.100 --> 00:00:11.000\nKati Kask: Let me check.",
]) + "\n"


def test_cue_naming_an_unknown_speaker_is_not_given_to_the_previous_one(write):
    """Zoom writes "Name: text" in the cue; an unmapped name is a problem that says how to map it, and
    neither its cue nor the unlabelled cue after it is read as the previous speaker's words."""
    path = write("zoom.vtt", ZOOM_VTT)
    convs, report = read_all([path], options=ReaderOptions(speaker_values={"kati kask": "agent"}))
    assert [(t.speaker, t.text) for t in convs[0].turns] == [
        (Speaker.AGENT, "Hello, this is Kati from Laine Bank."), (Speaker.AGENT, "Let me check.")]
    assert [p.line for p in report.problems] == [8, 12]
    assert "unknown speaker 'John Smith'" in report.problems[0].message
    assert "--speaker 'John Smith=agent'" in report.problems[0].text("cli")
    both = ReaderOptions(speaker_values={"kati kask": "agent", "john smith": "customer"})
    convs, report = read_all([path], options=both)
    assert report.problems == ()
    assert [t.speaker for t in convs[0].turns] == [Speaker.AGENT, Speaker.CUSTOMER, Speaker.CUSTOMER,
                                                   Speaker.AGENT]


def test_bracketed_diarisation_labels_in_srt(write):
    """Speech-to-text services write "[SPEAKER_00]: text" (or without the colon); mapped, they are read."""
    text = ("1\n00:00:00,500 --> 00:00:03,000\n[SPEAKER_00]: Tere, Jüri kuuleb.\n\n"
            "2\n00:00:03,200 --> 00:00:06,000\n[SPEAKER_01] Tere, mu internet ei tööta.\n\n"
            "3\n00:00:06,100 --> 00:00:08,000\n[SPEAKER_00]: Millisel aadressil?\n")
    path = write("stt.srt", text)
    convs, report = read_all([path])
    assert convs == [] and "unknown speaker 'SPEAKER_00'" in report.problems[0].message
    options = ReaderOptions(speaker_values={"SPEAKER_00": "agent", "SPEAKER_01": "customer"})
    convs, report = read_all([path], options=options)
    assert report.problems == ()
    assert [(t.speaker, t.author, t.text) for t in convs[0].turns] == [
        (Speaker.AGENT, "SPEAKER_00", "Tere, Jüri kuuleb."),
        (Speaker.CUSTOMER, "SPEAKER_01", "Tere, mu internet ei tööta."),
        (Speaker.AGENT, "SPEAKER_00", "Millisel aadressil?"),
    ]


def test_a_bracketed_sound_note_is_not_an_unknown_speaker():
    assert unknown_label("[Music]") is None and unknown_label("[Laughter] yes") is None
    assert unknown_label("[SPEAKER_02]: hello") == "SPEAKER_02"
    assert unknown_label("John Smith: hi") == "John Smith" and unknown_label("see on: hea") is None
