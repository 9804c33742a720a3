"""A chat widget export's header block is the conversation's header, not turns (audit 20a F6)."""

from __future__ import annotations

from datetime import datetime

from servio.ingest import ReaderOptions, read_all
from servio.model import Speaker

CHAT = ("Chat transcript\nChat ID: 2ZK8Q1\nDate: 2026-11-16\nAgent: Jessica Park\n\n"
        "(15:42:10) Visitor: hi\n(15:42:12) Visitor: is anyone there??\n"
        "(15:43:30) Jessica Park: Hello! Sorry for the wait, I'm Jessica. How can I help?\n"
        "(15:44:02) Visitor: my gift card code says invalid\n\nit's GC-4471-XY\n"
        "-----\n"
        "Chat transcript\nChat ID: 2ZK8R7\nDate: 2026-11-16\nAgent: Sam Lee\n\n"
        "(23:58:01) Visitor: hello, do you have the Aero 2 in white\n"
        "(23:59:40) Sam Lee: Hi there! Yes, we have them in white.\n")
MAPPED = ReaderOptions(speaker_values={"jessica park": "agent", "sam lee": "agent"})


def test_header_block_names_agent_and_day_and_is_no_turn(write):
    convs, report = read_all([write("live.txt", CHAT)], options=MAPPED)
    assert report.problems == ()
    first, second = convs
    assert [t.speaker for t in first.turns[:3]] == [Speaker.CUSTOMER, Speaker.CUSTOMER, Speaker.AGENT]
    assert first.turns[2].text.startswith("Hello!") and first.agent_id == "Jessica Park"
    assert first.turns[0].timestamp == datetime(2026, 11, 16, 15, 42, 10)
    assert first.metadata["Chat ID"] == "2ZK8Q1"
    assert first.turns[3].text == "my gift card code says invalid\n\nit's GC-4471-XY"  # blank line in a turn
    assert second.agent_id == "Sam Lee" and len(second.turns) == 2


def test_a_date_that_cannot_be_read_is_kept_as_a_comment_with_a_note(write):
    text = CHAT.replace("Date: 2026-11-16\nAgent: Jessica", "Date: yesterday\nAgent: Jessica", 1)
    convs, report = read_all([write("live.txt", text)], options=MAPPED)
    assert len(convs) == 2 and convs[0].agent_id == "Jessica Park" and report.problems == ()
    assert any("'Date: yesterday'" in n.message and n.line == 3 for n in report.notes)


def test_without_a_blank_line_and_timed_turns_the_lines_stay_turns(write):
    plain = "Agent: Hello! Sorry for the wait, how can I help you?\n\n(10:00) Customer: my order\n"
    conv = read_all([write("a.txt", plain)])[0][0]
    assert [t.speaker for t in conv.turns] == [Speaker.AGENT, Speaker.CUSTOMER] and conv.agent_id is None
    untimed = "Agent: Jessica Park\n\nCustomer: hi\nAgent: Hello!\n"
    assert len(read_all([write("b.txt", untimed)])[0][0].turns) == 3


def test_header_keys_are_not_offered_as_speaker_mappings(write):
    text = "Chat ID: 2ZK8Q1\nDate: 2026-11-16\nVisitor: hi\nAgent: Hello, how can I help?\n"
    _, report = read_all([write("c.txt", text)])
    assert [p.line for p in report.problems] == [1, 2]
    for problem in report.problems:
        assert "--speaker" not in problem.message and "reads like a header line" in problem.message
    assert "'# Chat ID: ...'" in report.problems[0].message


def test_chats_parted_by_blank_lines_only_are_two_conversations(write):
    text = CHAT.replace("-----\n", "\n")
    convs, report = read_all([write("live.txt", text)], options=MAPPED)
    assert report.problems == () and [c.agent_id for c in convs] == ["Jessica Park", "Sam Lee"]
    assert convs[0].turns[-1].text == "my gift card code says invalid\n\nit's GC-4471-XY"
    assert [t.text for t in convs[1].turns][0] == "hello, do you have the Aero 2 in white"


def test_key_value_lines_in_a_message_after_a_blank_line_stay_the_message(write):
    text = ("(10:00) Agent: Here are your details:\n\nOrder: 123\nStatus: shipped\n\n"
            "(10:01) Customer: thanks\n")
    conv = read_all([write("m.txt", text)])[0][0]
    assert len(read_all([write("m.txt", text)])[0]) == 1 and len(conv.turns) == 2
    assert conv.turns[0].text == "Here are your details:\n\nOrder: 123\nStatus: shipped"


def test_the_agent_a_header_names_is_the_label_of_the_agents_turns(write):
    convs, report = read_all([write("live.txt", CHAT)])  # no --speaker mapping
    assert report.problems == ()
    first, second = convs
    agent_turns = [t for t in first.turns if t.speaker is Speaker.AGENT]
    assert [t.author for t in agent_turns] == ["Jessica Park"] and first.agent_id == "Jessica Park"
    assert [t.speaker for t in second.turns] == [Speaker.CUSTOMER, Speaker.AGENT]


def test_a_header_agent_names_only_its_own_conversation(write):
    text = CHAT.replace("(23:59:40) Sam Lee:", "(23:59:40) Jessica Park:")  # Jessica in Sam's chat
    convs, report = read_all([write("live.txt", text)])
    assert len(convs) == 2 and [t.speaker for t in convs[1].turns] == [Speaker.CUSTOMER]
    assert any("unknown speaker 'Jessica Park'" in p.message and p.line == 19 for p in report.problems)


def test_speaker_mapping_wins_over_the_header_agent(write):
    text = "# agent: Mari Maasikas\nMari Maasikas: Tere, kuidas saan aidata?\nKlient: Tere\n"
    mapped = ReaderOptions(speaker_values={"mari maasikas": "customer"})
    conv = read_all([write("m.txt", text)], options=mapped)[0][0]
    assert [t.speaker for t in conv.turns] == [Speaker.CUSTOMER, Speaker.CUSTOMER]
    conv = read_all([write("m.txt", text)])[0][0]
    assert [t.speaker for t in conv.turns] == [Speaker.AGENT, Speaker.CUSTOMER]
