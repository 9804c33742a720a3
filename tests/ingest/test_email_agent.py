"""E-mail: who wrote a message (the From header) and whose conversation a thread is (its agent id)."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage

from servio.ingest import ReaderOptions, read_all
from servio.ingest.agents import main_agent
from servio.model import Speaker

_SHOP = ReaderOptions(agent_domains=frozenset({"shop.example"}))


def _mail(sender: str, minute: int, text: str, signed: str = "") -> str:
    return (f"From x@y.example Tue Nov 17 10:{minute:02d}:00 2026\nFrom: {sender}\nSubject: Missing belt\n"
            f"Date: Tue, 17 Nov 2026 10:{minute:02d}:00 +0000\nMessage-ID: <m{minute}@x>\n"
            + (f"In-Reply-To: <m{minute - 1}@x>\n" if minute else "") + f"\n{text}\n{signed}\n\n")


def test_the_agent_who_wrote_most_is_the_conversations_agent(write):
    box = (_mail("Zoe Brook <zoe@mail.example>", 0, "My order came without the belt.")
           + _mail("Jessica Park <jessica@shop.example>", 1, "Hi Zoe, I'm Jessica. Which colour was it?")
           + _mail("Zoe Brook <zoe@mail.example>", 2, "Brown.")
           + _mail("daniel@shop.example", 3, "Sent today.", "-- \nDaniel Ortiz\nShop Care")
           + _mail("daniel@shop.example", 4, "It arrives tomorrow.", "-- \nDaniel Ortiz")
           + _mail("jessica@shop.example", 5, "Anything else?"))
    convs, report = read_all([write("belt.mbox", box)], options=_SHOP)
    assert report.problems == ()
    # the display name, else the name under the "-- " signature, else the address's local part
    assert [t.author for t in convs[0].turns if t.speaker is Speaker.AGENT] == [
        "Jessica Park", "Daniel Ortiz", "Daniel Ortiz", "jessica@shop.example"]
    assert convs[0].agent_id == "Daniel Ortiz"


def test_a_help_desks_brand_is_not_part_of_the_agent_id(write):
    for name in ("Kati | Example Shop", "Kati (Example Shop)"):
        sender = f'"{name}" <help@shop.example>'
        conv = read_all([write("kati.eml", _mail(sender, 1, "Sent today."))], options=_SHOP)[0][0]
        assert (conv.agent_id, conv.turns[0].author) == ("Kati", name)


def test_agent_id_of_one_eml_and_of_an_unanswered_thread(write):
    answer = write("answer.eml", _mail("lee@shop.example", 1, "Sent today."))
    question = write("question.eml", _mail("Zoe Brook <zoe@mail.example>", 0, "Where is my belt?"))
    convs, _ = read_all([answer, question], options=_SHOP)
    assert [(c.id, c.agent_id) for c in convs] == [("answer-1", "lee"), ("question-1", None)]


def test_main_agent_counts_turns_and_keeps_the_first_on_a_tie():
    assert main_agent(["Ann", "Bob", "Bob", None, "Ann", " "]) == "Ann"
    assert main_agent(["Ann", "Bob", "Bob"]) == "Bob"
    assert main_agent([None, ""]) is None


def test_a_name_and_address_in_one_encoded_word(write):
    # Python's email package (and PHP's) writes a non-ASCII name and the address as one encoded-word
    msg = EmailMessage()
    msg["From"] = "=?utf-8?b?" + __import__("base64").b64encode(
        "José García <Jose@Shop.example>".encode()).decode() + "?="
    msg["Subject"] = "Re: Missing belt"
    msg["In-Reply-To"] = "<z1@mail.example>"
    msg.set_content("Hi Zoë, the belt is on its way.")
    convs, report = read_all([write("jose.eml", msg.as_bytes())], options=_SHOP)
    assert report.problems == ()
    turn = convs[0].turns[0]
    assert (turn.speaker, turn.author, convs[0].agent_id) == (Speaker.AGENT, "José García", "José García")


def test_a_non_ascii_name_beside_its_address(write):
    msg = EmailMessage()
    msg["From"] = Address("Jürgen Müller", addr_spec="JMueller@web.example")
    msg["Subject"] = "Wrong size"
    msg.set_content("I got size XL instead of M.")
    turn = read_all([write("j.eml", msg.as_bytes())], options=_SHOP)[0][0].turns[0]
    assert (turn.speaker, turn.author) == (Speaker.CUSTOMER, "Jürgen Müller")
