"""A call transcript's agent from its agent-side voice (audit 20a F7): Teams, Zoom and mapped SRT labels."""

from __future__ import annotations

from servio.ingest import ReaderOptions, read_all
from servio.ingest.agents import agent_from_turns, is_person_name
from servio.model import Speaker, Turn

TEAMS = ("WEBVTT\n\n"
         "a/1-0\n00:00:01.200 --> 00:00:05.800\n"
         "<v Jessica Park>Thank you for calling, this is Jessica.</v>\n\n"
         "a/2-0\n00:00:06.400 --> 00:00:12.100\n<v Robert Klein>Hi, I got charged twice.</v>\n\n"
         "a/3-0\n00:00:12.900 --> 00:00:18.300\n<v Jessica Park>Sorry to hear that. The order number?</v>\n")
ZOOM = ("WEBVTT\n\n1\n00:00:02.110 --> 00:00:06.450\nDaniel Ortiz: Good morning, Daniel speaking.\n\n"
        "2\n00:00:07.010 --> 00:00:11.980\nLinda Moore: Hi Daniel. I want to cancel my order.\n")
MAPPED = ReaderOptions(speaker_values={"jessica park": "agent", "robert klein": "customer",
                                       "daniel ortiz": "agent", "linda moore": "customer"})


def test_teams_and_zoom_voices_name_the_calls_agent(write):
    convs, report = read_all([write("teams.vtt", TEAMS), write("zoom.vtt", ZOOM)], options=MAPPED)
    assert report.problems == ()
    assert [c.agent_id for c in convs] == ["Jessica Park", "Daniel Ortiz"]


def test_a_note_agent_line_comes_first(write):
    text = TEAMS.replace("WEBVTT\n\n", "WEBVTT\n\nNOTE agent: jpark\n\n", 1)
    conv = read_all([write("teams.vtt", text)], options=MAPPED)[0][0]
    assert conv.agent_id == "jpark"


def test_role_words_and_diarisation_labels_name_no_agent(write):
    srt = ("1\n00:00:00,500 --> 00:00:04,200\n[SPEAKER_00]: Hello, my name is Ana.\n\n"
           "2\n00:00:04,900 --> 00:00:10,300\n[SPEAKER_01]: Hi Ana, my blender is broken.\n")
    options = ReaderOptions(speaker_values={"speaker_00": "agent", "speaker_01": "customer"})
    conv = read_all([write("w.srt", srt)], options=options)[0][0]
    assert conv.turns[0].author == "SPEAKER_00" and conv.agent_id is None  # another in the next call
    plain = ("1\n00:00:00,500 --> 00:00:04,200\nAgent: Hello.\n\n"
             "2\n00:00:05,000 --> 00:00:06,000\nCustomer: Hi.\n")
    assert read_all([write("p.srt", plain)])[0][0].agent_id is None


def test_several_agent_voices_the_one_with_most_turns_then_the_first():
    def agent(name: str) -> Turn:
        return Turn(Speaker.AGENT, "x", author=name)

    customer = Turn(Speaker.CUSTOMER, "y", author="Mari")
    turns = [agent("Anna Kask"), customer, agent("Tom Lee"), agent("Tom Lee")]
    assert agent_from_turns(turns) == "Tom Lee"
    assert agent_from_turns(turns[:3]) == "Anna Kask"  # a tie: who spoke first
    assert agent_from_turns([Turn(Speaker.CUSTOMER, "y", author="Mari")]) is None
    assert not is_person_name("Speaker 1") and not is_person_name("kati@shop.ee") and is_person_name("Kati")


def test_a_plain_text_transcript_names_its_agent_as_calls_and_mail_do(write):
    """"Teenindaja (Kati):" and a mapped "Kati:" name the agent; a `# agent:` header comes first, and a bare
    role word ("Agent:") names nobody."""
    text = ("[10:32] Teenindaja (Kati): Tere! Kuidas saan aidata?\n[10:33] Klient: Arve on vale.\n"
            "[10:34] Teenindaja (Kati): Parandasin arve. Head päeva!\n\n---\n\n"
            "# agent: k.tamm\nTeenindaja (Kati): Tere!\nKlient: Tere.\n\n---\n\n"
            "Agent: Hello, how can I help?\nCustomer: My order is late.\n")
    convs, report = read_all([write("calls.txt", text)])
    assert report.problems == ()
    assert [c.agent_id for c in convs] == ["Kati", "k.tamm", None]
    mapped = read_all([write("chat.txt", "Kati: Tere!\nMari: Arve on vale.\nKati: Parandasin.\n")],
                      options=ReaderOptions(speaker_values={"kati": "agent", "mari": "customer"}))[0][0]
    assert mapped.agent_id == "Kati"


def test_the_voice_a_note_agent_line_names_is_the_agents(write):
    text = TEAMS.replace("WEBVTT\n\n", "WEBVTT\n\nNOTE agent: Jessica Park\n\n", 1)
    conv, report = read_all([write("teams.vtt", text)], options=ReaderOptions(
        speaker_values={"robert klein": "customer"}))
    assert report.problems == () and conv[0].agent_id == "Jessica Park"
    assert [t.speaker for t in conv[0].turns] == [Speaker.AGENT, Speaker.CUSTOMER, Speaker.AGENT]
    zoom = ZOOM.replace("WEBVTT\n\n", "WEBVTT\n\nNOTE agent: Daniel Ortiz\n\n", 1)
    conv, report = read_all([write("zoom.vtt", zoom)], options=ReaderOptions(
        speaker_values={"linda moore": "customer"}))
    assert report.problems == () and [t.speaker for t in conv[0].turns] == [Speaker.AGENT, Speaker.CUSTOMER]
