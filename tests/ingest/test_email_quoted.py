"""E-mail: a lone reply's quoted message, not in the file, is the turn before it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from servio.ingest import ReaderOptions, read_all
from servio.model import Speaker

_EET = timezone(timedelta(hours=2))


def _reply(body: str, sender: str = "Grace | Shop <grace@shop.example>", refs: str = "<c1@mail.example>",
           subject: str = "Re: Broken table") -> str:
    head = f"From: {sender}\nTo: someone@mail.example\nSubject: {subject}\n"
    head += "Date: Fri, 20 Nov 2026 09:26:41 +0200\nMessage-ID: <r1@shop.example>\n"
    if refs:
        head += f"In-Reply-To: {refs}\nReferences: {refs}\n"
    return head + "\n" + body


def _turns(conv):
    return [(t.speaker, t.author, t.timestamp, t.text) for t in conv.turns]


def test_an_english_attribution_gives_the_customers_earlier_turn(write):
    body = ("Dear James,\n\nSorry about the table, a new one comes on Saturday.\n\nKind regards,\nGrace\n\n"
            "On Thu, 19 Nov 2026 at 18:03, James Whitfield <james@mail.example> wrote:\n"
            "> Hello,\n>\n> The table came broken. I want a new one.\n>\n> Regards,\n> James\n>\n"
            "> Sent from my iPhone\n")
    convs, report = read_all([write("reply.eml", _reply(body))])
    assert report.problems == () and report.notes == ()
    assert _turns(convs[0]) == [
        (Speaker.CUSTOMER, "James Whitfield", datetime(2026, 11, 19, 18, 3, tzinfo=_EET),
         "Hello,\n\nThe table came broken. I want a new one.\n\nRegards,\nJames"),
        (Speaker.AGENT, "Grace | Shop", datetime(2026, 11, 20, 9, 26, 41, tzinfo=_EET),
         "Dear James,\n\nSorry about the table, a new one comes on Saturday.\n\nKind regards,\nGrace"),
    ]
    assert convs[0].agent_id == "Grace" and convs[0].metadata["message_ids"] == ["<r1@shop.example>"]


def test_an_estonian_attribution_and_the_agent_domain(write):
    """A customer's reply quoting the agent: with --agent-domain the attribution's address decides."""
    body = ("Aitäh, sobib!\n\nE, 16. nov 2026 kell 11:40 kirjutas Kati | Pood <kati@pood.example>:\n"
            "> Tere! Saadame uue laua laupäeval.\n>\n> Lugupidamisega\n> Kati\n")
    path = write("vastus.eml", _reply(body, sender="Mari <mari@post.example>", subject="Vs: Laud"))
    conv = read_all([path], options=ReaderOptions(agent_domains=frozenset({"pood.example"})))[0][0]
    assert _turns(conv) == [
        (Speaker.AGENT, "Kati | Pood", datetime(2026, 11, 16, 11, 40, tzinfo=_EET),
         "Tere! Saadame uue laua laupäeval.\n\nLugupidamisega\nKati"),
        (Speaker.CUSTOMER, "Mari", datetime(2026, 11, 20, 9, 26, 41, tzinfo=_EET), "Aitäh, sobib!"),
    ]
    assert conv.agent_id == "Kati"


def test_an_outlook_header_block_and_nested_quotes(write):
    """Outlook's From/Sent/To/Subject block names the writer and time; a deeper quote inside the quoted
    message (the message it answered) is cut, only one level is recovered."""
    body = ("Hello Ann, the refund is on its way.\nTom\n\n________________________________\n"
            "From: Ann Lee <ann@mail.example>\nSent: Thursday, November 19, 2026 6:03 PM\n"
            "To: Support <help@shop.example>\nSubject: RE: Refund\n\n"
            "Where is my refund? It has been two weeks.\n\n"
            "On Mon, 2 Nov 2026 at 10:00, Support <help@shop.example> wrote:\n"
            "> We will refund you within 5 days.\n"
            ">> On Sun, 1 Nov 2026 at 09:00, Ann wrote:\n>> Refund please\n")
    conv = read_all([write("owa.eml", _reply(body, sender="Tom <tom@shop.example>"))])[0][0]
    assert _turns(conv)[0] == (Speaker.CUSTOMER, "Ann Lee", datetime(2026, 11, 19, 18, 3, tzinfo=_EET),
                               "Where is my refund? It has been two weeks.")
    assert [t.speaker for t in conv.turns] == [Speaker.CUSTOMER, Speaker.AGENT]


def test_a_quoted_message_in_the_mbox_is_not_repeated(write):
    box = ("From james@mail.example Thu Nov 19 18:03:00 2026\nFrom: James <james@mail.example>\n"
           "Subject: Broken table\nDate: Thu, 19 Nov 2026 18:03:00 +0200\nMessage-ID: <c1@mail.example>\n\n"
           "The table came broken.\n\n"
           "From grace@shop.example Fri Nov 20 09:26:41 2026\n"
           + _reply("A new one comes on Saturday.\n\nOn Thu, 19 Nov 2026 at 18:03, James "
                    "<james@mail.example> wrote:\n> The table came broken.\n") + "\n")
    conv = read_all([write("box.mbox", box)])[0][0]
    assert [(t.speaker, t.text) for t in conv.turns] == [
        (Speaker.CUSTOMER, "The table came broken."), (Speaker.AGENT, "A new one comes on Saturday.")]
    # the reply alone in the mbox: the quote is the earlier turn
    alone = read_all([write("alone.mbox", box[box.index("From grace"):])])[0][0]
    assert [(t.speaker, t.text) for t in alone.turns] == [
        (Speaker.CUSTOMER, "The table came broken."), (Speaker.AGENT, "A new one comes on Saturday.")]


def test_without_an_attribution_or_a_quoted_text_nothing_is_added(write):
    plain = _reply("A new one comes on Saturday.\n\n> The table came broken.\n")
    empty = _reply("A new one comes on Saturday.\n\nOn Thu, 19 Nov 2026 at 18:03, James <j@mail.example> "
                   "wrote:\n>\n> Sent from my iPhone\n")
    not_reply = _reply("A new one comes on Saturday.\n\nOn Thu, 19 Nov 2026 at 18:03, James <j@mail.example> "
                       "wrote:\n> The table came broken.\n", refs="", subject="Broken table")
    for name, mail in (("plain.eml", plain), ("empty.eml", empty), ("new.eml", not_reply)):
        convs, report = read_all([write(name, mail)])
        assert [t.text for t in convs[0].turns] == ["A new one comes on Saturday."], name
        assert report.problems == ()


def test_attribution_forms_and_dates():
    """Who and when of the attributions mail clients write; a forward is no reply's quote."""
    from servio.ingest.email_quote import quoted_message

    cases = {
        "On Thu, Nov 19, 2026 at 6:03 PM James Whitfield <james@mail.example>\nwrote:\n> Broken\n":
            ("James Whitfield", "james@mail.example", datetime(2026, 11, 19, 18, 3)),
        "05.10.2026 10:00, Kati kirjutas:\n> Broken\n": ("Kati", "", datetime(2026, 10, 5, 10, 0)),
        "Kati wrote:\n> Broken\n": ("Kati", "", None),
        "Am 19.11.2026 um 18:03 schrieb Hans Meier <h@x.de>:\n> Broken\n":
            ("Hans Meier", "h@x.de", datetime(2026, 11, 19, 18, 3)),
        "-----Original Message-----\nFrom: Ann [mailto:ann@x.example]\nSent: 19 November 2026 18:03\n"
        "To: help\nSubject: RE: x\n\nBroken\n": ("Ann", "ann@x.example", datetime(2026, 11, 19, 18, 3)),
        "Saatja: Mari Maasikas <mari@post.example>\nSaadetud: neljapäev, 19. november 2026 18:03\n"
        "Adressaat: tugi\nTeema: arve\n\nBroken\n": ("Mari Maasikas", "mari@post.example",
                                                       datetime(2026, 11, 19, 18, 3)),
    }
    for quote, expected in cases.items():
        found = quoted_message("Ok\n\n" + quote)
        assert found is not None, quote
        assert (found.name, found.address, found.when, found.text) == (*expected, "Broken"), quote
    forward = ("---------- Forwarded message ---------\nFrom: Pank <info@pank.example>\n"
               "Date: Thu, 19 Nov 2026 10:00\nSubject: Loan\nTo: a@b.example\n\nRate 5%\n")
    assert quoted_message("Ok\n\n" + forward) is None
