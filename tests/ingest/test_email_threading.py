"""E-mail threads: which messages make one conversation, and where an mbox message starts."""

from __future__ import annotations

from servio.ingest import ReaderOptions, read_all
from servio.model import Speaker

_SHOP = ReaderOptions(agent_domains=frozenset({"shop.example"}))


def _message(sender: str, when: str, own: str, refs: str = "", subject: str = "Re: Your order has shipped!",
             text: str = "Hello") -> str:
    linked = f"In-Reply-To: {refs.split()[-1]}\nReferences: {refs}\n" if refs else ""
    return (f"From {sender} Tue Nov 17 {when}:00 2026\nFrom: {sender}\nSubject: {subject}\n"
            f"Date: Tue, 17 Nov 2026 {when}:00 +0000\nMessage-ID: {own}\n{linked}\n{text}\n\n")


def test_replies_to_notifications_outside_the_file_stay_apart(write):
    # two customers answer their own shipping notification (not exported): same subject, two threads
    box = (_message("anna@mail.example", "09:00", "<a1@mail.example>", "<notif-1@shop.example>",
                    text="The tracking link does not work.")
           + _message("peter@mail.example", "09:30", "<p1@mail.example>", "<notif-2@shop.example>",
                      text="Can I change the address?")
           + _message("sam@shop.example", "10:00", "<s1@shop.example>",
                      "<notif-1@shop.example> <a1@mail.example>", text="Hi Anna, it comes tomorrow.")
           + _message("ana@shop.example", "10:10", "<n1@shop.example>",
                      "<notif-2@shop.example> <p1@mail.example>", text="Hello Peter, use the carrier's app."))
    convs, report = read_all([write("notif.mbox", box)], options=_SHOP)
    assert report.problems == ()
    assert [[(t.speaker, t.text.split()[0]) for t in c.turns] for c in convs] == [
        [(Speaker.CUSTOMER, "The"), (Speaker.AGENT, "Hi")],
        [(Speaker.CUSTOMER, "Can"), (Speaker.AGENT, "Hello")],
    ]


def test_a_reply_without_references_still_joins_by_subject(write):
    box = (_message("anna@mail.example", "09:00", "<a1@mail.example>", subject="Broken kettle")
           + _message("sam@shop.example", "10:00", "<s1@shop.example>", subject="Re: Broken kettle",
                      text="Sorry!"))
    convs, _ = read_all([write("plain.mbox", box)], options=_SHOP)
    assert [[t.speaker for t in c.turns] for c in convs] == [[Speaker.CUSTOMER, Speaker.AGENT]]


def test_a_from_line_with_headers_under_it_starts_a_message_without_a_blank_line(write):
    own = "Where is my refund?\nFrom 2020 on I have shopped here, at 10:00 most days.\nAnna"
    question = _message("anna@mail.example", "09:00", "<a1@mail.example>", subject="Refund", text=own)
    answer = _message("dan@shop.example", "09:10", "<d1@shop.example>", "<a1@mail.example>",
                      subject="Re: Refund", text="Hi Anna, it was sent today.")
    box = question.rstrip("\n") + "\n" + answer  # the writer left out the blank line before "From "
    convs, report = read_all([write("noblank.mbox", box)], options=_SHOP)
    assert report.problems == ()
    assert [[(t.speaker, t.text) for t in c.turns] for c in convs] == [[
        # a body line that merely starts with "From " and a year stays in its message
        (Speaker.CUSTOMER, own),
        (Speaker.AGENT, "Hi Anna, it was sent today."),
    ]]
    offset = box.index("From dan@")
    assert [(n.offset, n.message) for n in report.notes] == [
        (offset, "a 'From ' line with mail headers under it had no blank line above it: "
                 "read as the start of a new message")]
