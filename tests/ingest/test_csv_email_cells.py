"""Ticket exports: the text cells of e-mail rows get the e-mail cleaning, chat rows stay as they are."""

from __future__ import annotations

from servio.ingest import ReaderOptions, read_all
from servio.model import Channel

_QUOTED = ('"Checked everywhere, nothing.\n\n'
           'On Mon, Nov 16, 2026 at 9:40 AM Shop <support@shop.example> wrote:\n'
           '> Hi Kate,\n> did you check with your neighbours?"')
_SIGNED = '"Hi Kate, a new parcel goes out today.\n\nBest regards,\nDaniel Ortiz\nShop Care\n1-800-555-0199"'


def _rows(channel: str) -> str:
    return (f"id,channel,speaker,text\n7,{channel},customer,{_QUOTED}\n7,{channel},agent,{_SIGNED}\n")


def test_email_rows_lose_quotes_and_signatures(write):
    convs, report = read_all([write("tickets.csv", _rows("email"))])
    assert report.problems == ()
    assert [t.text for t in convs[0].turns] == [
        "Checked everywhere, nothing.",
        "Hi Kate, a new parcel goes out today.\n\nBest regards,\nDaniel Ortiz"]


def test_a_channel_given_for_the_file_counts_and_chat_rows_are_kept(write):
    path = write("chat.csv", _rows("chat"))
    kept = [t.text for t in read_all([path])[0][0].turns]
    assert kept[0].endswith("> did you check with your neighbours?") and kept[1].endswith("1-800-555-0199")
    bare = write("bare.csv", _rows("chat").replace(",chat,", ",,"))
    convs, _ = read_all([bare], options=ReaderOptions(channel=Channel.EMAIL))
    assert convs[0].turns[0].text == "Checked everywhere, nothing."


def test_an_email_row_of_only_a_quote_is_a_problem(write):
    rows = _rows("email") + '7,email,customer,"> Hi Kate,\n> did you check?"\n'
    convs, report = read_all([write("quoted.csv", rows)])
    assert len(convs[0].turns) == 2 and convs[0].unread
    line = rows.count("\n", 0, rows.index("7,email,customer,\"> Hi")) + 1  # rows span lines
    assert [(p.line, "no words of its own" in p.message) for p in report.problems] == [(line, True)]
