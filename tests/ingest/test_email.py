"""E-mail: .eml and mbox, quote and signature cutting, threads, who is the agent."""

from __future__ import annotations

from datetime import UTC, datetime

from servio.ingest import ReaderOptions, read_all
from servio.ingest.email_text import clean_body, html_to_text, subject_key
from servio.model import Channel, Speaker


def test_estonian_eml_reply(fixtures):
    convs, report = read_all([fixtures / "question_et.eml"])
    assert report.problems == ()
    conv = convs[0]
    assert conv.channel is Channel.EMAIL and conv.id == "question_et-1"
    quoted, turn = conv.turns  # the quoted message of the support, not in the file, is the turn before
    assert (quoted.speaker, quoted.author, quoted.text) == (
        Speaker.AGENT, "Klienditugi", "Tere! Palun saatke meile tellimuse number.")
    assert turn.text == ("Tere!\n\nTellimuse number on 2231. Kas saaksite selle reedeks kohale tuua?\n\n"
                         "Parimate soovidega\nLiisa Kask")
    assert turn.author == "Liisa Kask"
    # a reply two messages deep (References has two ids): the customer's turn again
    assert turn.speaker is Speaker.CUSTOMER
    assert conv.metadata == {"subject": "Vs: Tellimus 2231", "message_ids": ["<liisa-2@post.example>"]}


def test_signoff_can_be_dropped(fixtures):
    conv = read_all([fixtures / "question_et.eml"], options=ReaderOptions(keep_signoff=False))[0][0]
    assert conv.turns[-1].text.endswith("reedeks kohale tuua?") and conv.turns[-1].author == "Liisa Kask"


def test_html_only_eml_and_configured_agents(fixtures):
    path = fixtures / "html_en.eml"
    turn = read_all([path])[0][0].turns[0]
    assert turn.text == "Hi Dan,\n\nYour refund of €20 has been sent.\n\nBest regards,\nEve"
    assert turn.speaker is Speaker.CUSTOMER  # unconfigured: the first sender of a thread
    for options in (ReaderOptions(agent_domains=frozenset({"shop.example"})),
                    ReaderOptions(agent_addresses=frozenset({"Support@Shop.Example"}))):
        assert read_all([path], options=options)[0][0].turns[0].speaker is Speaker.AGENT


def test_mbox_threads(fixtures):
    convs, report = read_all([fixtures / "threads.mbox"])
    assert report.problems == ()
    kettle, invoice = convs
    assert [c.id for c in convs] == ["threads-1", "threads-2"]
    assert [t.speaker for t in kettle.turns] == [Speaker.CUSTOMER, Speaker.AGENT, Speaker.CUSTOMER]
    # ordered by date although the customer's thanks comes before the agent's reply in the file
    assert [t.timestamp for t in kettle.turns] == [datetime(2026, 10, 3, h, m, tzinfo=UTC)
                                                   for h, m in ((10, 0), (11, 0), (12, 30))]
    assert kettle.turns[1].text == ("Hi Ann,\n\nSorry about that! We will send a new kettle on Monday.\n\n"
                                    "Kind regards,\nMax")
    assert kettle.turns[2].text == "Great, thank you!"
    assert kettle.metadata["subject"] == "Broken kettle"
    # joined by subject ("Vs:") without References; author from the "-- " signature
    assert [t.speaker for t in invoice.turns] == [Speaker.CUSTOMER, Speaker.AGENT]
    assert invoice.turns[1].author == "Jüri Tamm"
    assert invoice.turns[1].text == "Tere, Peeter!\n\nVabandame, see oli viga. Kandsime 4 eurot tagasi."


def test_mbox_roles_by_domain(fixtures):
    options = ReaderOptions(agent_domains=frozenset({"shop.example"}))
    convs, _ = read_all([fixtures / "threads.mbox"], options=options)
    assert [t.speaker for c in convs for t in c.turns] == [
        Speaker.CUSTOMER, Speaker.AGENT, Speaker.CUSTOMER, Speaker.CUSTOMER, Speaker.AGENT]


def test_oversized_and_empty_messages(write):
    big = "x" * 3000
    box = (
        "From a@x.example Mon Oct 05 10:00:00 2026\nFrom: a@x.example\nSubject: one\n"
        "Message-ID: <1@x>\n\nHello\n\n"
        f"From b@x.example Mon Oct 05 10:00:00 2026\nFrom: b@x.example\nSubject: two\n\n{big}\n\n"
        "From c@x.example Mon Oct 05 11:00:00 2026\nFrom: c@x.example\nSubject: Re: one\n"
        "In-Reply-To: <1@x>\n\n"
        "> only a quote\n"
    )
    path = write("box.mbox", box)
    convs, report = read_all([path], options=ReaderOptions(max_record_bytes=2048))
    assert [(c.id, [t.text for t in c.turns]) for c in convs] == [("box-1", ["Hello"])]
    assert len(report.problems) == 1 and report.problems[0].offset is not None
    assert "over the limit" in report.problems[0].message and "@byte" in str(report.problems[0])
    assert len(report.notes) == 1 and "no text" in report.notes[0].message
    quote_only = write("q.eml", "From: a@x.example\nSubject: hi\n\nOn Mon, 5 Oct 2026, B wrote:\n> hi\n")
    convs, report = read_all([quote_only])
    assert convs == [] and "no message text" in report.problems[0].message


def test_clean_body_cuts():
    outlook = "Thanks\n\nFrom: Shop <s@shop.example>\nSent: Monday\nTo: Ann\nSubject: RE: x\n\nold"
    assert clean_body(outlook) == ("Thanks", None)
    outlook_et = ("Aitäh\n\nSaatja: Pood <s@pood.example>\nSaadetud: 5. oktoober 2026 10:00\n"
                  "Adressaat: Ann\nTeema: x\n")
    assert clean_body(outlook_et)[0] == "Aitäh"
    assert clean_body("Tere\n-----Algne sõnum-----\nvana")[0] == "Tere"
    assert clean_body("Sounds good\nSaadetud minu iPhone'ist\n")[0] == "Sounds good"
    wrapped = "Ok\nOn Mon, 5 Oct 2026 at 10:00, Very Long Name\n<very.long@mail.example> wrote:\n> x"
    assert clean_body(wrapped)[0] == "Ok"
    gmail_et = "Sobib\n\nE, 5. okt 2026 kell 10:00 kirjutas Pood <tugi@pood.example>:\n> x"
    assert clean_body(gmail_et)[0] == "Sobib"
    signed = "Refund sent.\n\nBest regards, Kati Kask\nShop Ltd\n+372 5555 5555"
    assert clean_body(signed) == ("Refund sent.\n\nBest regards, Kati Kask", "Kati Kask")
    # a closing phrase inside the text is not a signature
    inline = "Best regards to your family, and thanks!"
    assert clean_body(inline)[0] == inline
    # "From:" in ordinary text is not an Outlook header block
    assert clean_body("From: the warehouse, not the shop.\nIt came late.")[0].endswith("It came late.")


def test_html_and_subjects():
    assert html_to_text("<p>Tere</p><blockquote>vana<p>x</blockquote><p>uus</p>").split() == ["Tere", "uus"]
    assert subject_key("Vs: RE: Tellimus 123") == ("tellimus 123", True)
    assert subject_key("AW:  Fwd: Hi") == ("hi", True)
    assert subject_key("Rechnung: 5") == ("rechnung: 5", False)


_NO_CHARSET = (
    "From: Mari Maasikas <mari@example.com>\n"
    "To: tugi@firma.example\n"
    "Subject: Arve\n"
    "Date: Mon, 05 Oct 2026 10:00:00 +0300\n"
    "Message-ID: <m1@example.com>\n"
    "\n"
    "Tere! Mu arve on vale, kas saaksite üle vaadata? Aitäh, Mari\n"
)


def test_eight_bit_text_without_a_declared_charset_is_utf8(write):
    """Mail exports often carry raw UTF-8 with no MIME headers; it must not turn into U+FFFD."""
    eml = write("arve.eml", _NO_CHARSET.encode("utf-8"))
    mbox_line = "From mari@example.com Mon Oct  5 10:00:00 2026\n"
    box = write("arve.mbox", (mbox_line + _NO_CHARSET).encode("utf-8"))
    for path in (eml, box):
        convs, report = read_all([path])
        assert report.problems == ()
        assert convs[0].turns[0].text.startswith("Tere! Mu arve on vale, kas saaksite üle vaadata? Aitäh")


def test_windows_1257_text_without_a_declared_charset(write):
    eml = write("arve.eml", _NO_CHARSET.encode("cp1257"))
    assert "üle vaadata? Aitäh" in read_all([eml])[0][0].turns[0].text


def test_a_forwarded_message_starts_a_thread_of_its_own(write):
    """A customer forwarding an offer to support ("FW:", "Edasi:") is the customer: a forward is not a
    reply, so without an agent domain it is not taken for the agent's answer as a "Re:" would be."""
    mail = (
        "From: Jaan Tamm <jaan@example.com>\nTo: tugi@pank.example\nSubject: {subject}\n"
        "Date: Fri, 27 Nov 2026 16:00:00 +0200\nMessage-ID: <b1@example.com>\n\n"
        "Hello, see below - is this offer still valid?\n\nJaan\n\n"
        "---------- Forwarded message ---------\nFrom: Pank <info@pank.example>\n"
        "Subject: Loan offer\n\nDear customer, our loan rate is 5%.\n"
    )
    roles = {}
    for subject in ("FW: Loan offer", "Fwd: RE: Loan offer", "Edasi: Laenupakkumine", "Re: Loan offer",
                    "Vs: FW: Loan offer"):
        convs, _ = read_all([write("fw.eml", mail.format(subject=subject))])
        roles[subject] = convs[0].turns[0].speaker
        assert convs[0].turns[0].text == "Hello, see below - is this offer still valid?\n\nJaan"
    assert roles == {"FW: Loan offer": Speaker.CUSTOMER, "Fwd: RE: Loan offer": Speaker.CUSTOMER,
                     "Edasi: Laenupakkumine": Speaker.CUSTOMER, "Re: Loan offer": Speaker.AGENT,
                     "Vs: FW: Loan offer": Speaker.AGENT}


def test_attribution_lines_must_look_like_one():
    """A customer's own "... kirjutas mulle eile:" or "your agent wrote:" is text, not a quote: an
    attribution carries a date, a time or an address, or is followed by ``>`` lines."""
    et = ("Tere!\nTeie kolleeg Kati kirjutas mulle eile:\nmaksegraafik on tehtud. Aga seda pole!\n"
          "Nõuan lepingu lõpetamist.\nMart")
    assert clean_body(et)[0] == et
    en = 'Still nothing.\nOn Monday your agent wrote:\n"it will arrive on Monday" - it did not.\nRefund me.'
    assert clean_body(en)[0] == en
    styles = [
        "On Mon, Oct 5, 2026 at 10:00 AM Kati Kask <kati@shop.example> wrote:",      # Gmail en
        "E, 5. okt 2026 kell 10:00 kirjutas Kati Kask <kati@shop.example>:",         # Gmail et
        "E, 5. okt 2026 kell 11:00 Kati Kask <kati@shop.example> kirjutas:",         # Gmail et, other order
        "E, 5. okt 2026 kell 11:00 Kati Kask <\nkati@shop.example> kirjutas:",       # ... wrapped
        "E, 5. okt 2026 kell 11:00 Kati Kask\n<kati@shop.example> kirjutas:",       # ... wrapped before <
        "On 5 Oct 2026, at 10:00, Kati Kask <kati@shop.example> wrote:",             # Apple Mail
        "On 05.10.2026 10:00, Kati Kask wrote:",                                     # Thunderbird en
        "05.10.2026 10:00, Kati Kask kirjutas:",                                     # Thunderbird et
        "On 05.10.2026 10:00, Kati\nKask wrote:",                                    # ... wrapped
        "Kati Kask kirjutas:",                                                       # no date, but > follows
    ]
    for style in styles:
        assert clean_body(f"Sobib, aitäh!\n{style}\n> Kas sobib?\n> Kati")[0] == "Sobib, aitäh!", style
        assert clean_body(f"Sobib, aitäh!\n\n{style}\n\n> Kas sobib?")[0] == "Sobib, aitäh!", style


def test_a_reply_right_above_the_attribution_is_kept(write):
    """The line before an attribution is not taken for the first half of a wrapped one."""
    box = (
        "From a@x.example Mon Oct 05 10:00:00 2026\nFrom: Oie <oie@mail.example>\nSubject: Arve\n"
        "Date: Mon, 05 Oct 2026 10:00:00 +0300\nMessage-ID: <c1@x>\n\nMinu arve on liiga suur.\n\n"
        "From a@x.example Mon Oct 05 11:00:00 2026\nFrom: Kati <kati@pood.example>\nSubject: Vs: Arve\n"
        "Date: Mon, 05 Oct 2026 11:00:00 +0300\nMessage-ID: <a1@x>\nIn-Reply-To: <c1@x>\n\n"
        "Kas maksegraafik sobib?\n\n"
        "From a@x.example Mon Oct 05 12:00:00 2026\nFrom: Oie <oie@mail.example>\nSubject: Re: Vs: Arve\n"
        "Date: Mon, 05 Oct 2026 12:00:00 +0300\nMessage-ID: <c2@x>\nIn-Reply-To: <a1@x>\n\n"
        "Sobib, aitäh!\nE, 5. okt 2026 kell 11:00 Kati <kati@pood.example> kirjutas:\n"
        "> Kas maksegraafik sobib?\n"
    )
    convs, report = read_all([write("arve.mbox", box)])
    assert report.problems == () and report.notes == ()
    assert [t.text for t in convs[0].turns] == ["Minu arve on liiga suur.", "Kas maksegraafik sobib?",
                                                "Sobib, aitäh!"]
    eml = write("vastus.eml", "From: Mart <mart@mail.example>\nSubject: Kaebus\n\nTere!\n"
                              "Teie kolleeg Kati kirjutas mulle eile:\nmaksegraafik on tehtud.\nMart\n")
    convs, report = read_all([eml])
    assert report.problems == () and convs[0].turns[0].text.endswith("maksegraafik on tehtud.\nMart")


def test_a_message_whose_text_was_all_cut_is_a_problem(write):
    """Text the sender wrote that cleaning took entirely for a quote or signature is reported and
    counted as skipped, not left out with a note: it may be the sender's words cut by mistake."""
    head = ("From a@x.example Mon Oct 05 10:00:00 2026\n"
            "From: {0}@x.example\nSubject: {1}\nMessage-ID: <{0}@x>\n")
    box = (head.format("a", "one") + "\nHello\n\n"
           + head.format("b", "Re: one") + "In-Reply-To: <a@x>\n\n"
           "-----Original Message-----\nFrom: a@x.example\nHello\n")
    convs, report = read_all([write("box.mbox", box)])
    assert [[t.text for t in c.turns] for c in convs] == [["Hello"]]
    assert report.skipped == 1 and len(report.problems) == 1
    problem = report.problems[0]
    assert problem.offset is not None and "-----Original Message-----" in problem.message


def test_outlook_web_quote_is_cut_without_a_signature(write):
    """OWA puts the quoted message's headers in <div id="divRplyFwdMsg"> and the quoted text after it:
    all of that is the quote, even when no sign-off above it ends the reply."""
    html = ('<html><body><div>Tere, Õie! Maksegraafik on koostatud.</div><div>Kati, Elekter AS</div>'
            '<div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1">'
            '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>From:</b> Õie &lt;oie@mail.example&gt;'
            '<br><b>Sent:</b> Monday, October 5, 2026 10:00 AM<br><b>Subject:</b> Arve</font>'
            '<div>&nbsp;</div></div><div>Minu arve on liiga suur, tahan lepingu lõpetada!</div><p>Õie</p>'
            '</body></html>')
    assert html_to_text(html).split() == "Tere, Õie! Maksegraafik on koostatud. Kati, Elekter AS".split()
    eml = write("owa.eml", "From: Kati <kati@elekter.example>\nSubject: RE: Arve\nIn-Reply-To: <c1@x>\n"
                           "Content-Type: text/html; charset=utf-8\n\n" + html)
    convs, report = read_all([eml])
    assert report.problems == ()
    assert convs[0].turns[0].text == "Tere, Õie! Maksegraafik on koostatud.\n\nKati, Elekter AS"
    # Gmail and Apple Mail quote containers are left out, and an inline answer after them is kept
    gmail = '<div>Sobib</div><div class="gmail_quote">On Mon wrote:<blockquote>vana</blockquote></div>'
    cite = '<p>Jah.</p><blockquote type="cite">Kas sobib?</blockquote><p>Ja veel üks asi.</p>'
    assert html_to_text(gmail).split() == ["Sobib"]
    assert html_to_text(cite).split() == ["Jah.", "Ja", "veel", "üks", "asi."]


def test_a_third_sender_without_agent_domain_is_noted(write):
    """Without --agent-domain every sender but the thread's starter is taken for the agent, so the
    customer writing from a second address would be the agent: a thread of three senders says so."""
    head = "From x Mon Oct 05 1{0}:00:00 2026\nFrom: {1}\nSubject: {2}\nMessage-ID: <m{0}@x>\n"
    box = (head.format(0, "Oie <oie@mail.example>", "Arve") + "\nArve on vale.\n\n"
           + head.format(1, "Kati <kati@pood.example>", "Vs: Arve") + "In-Reply-To: <m0@x>\n\nVaatan üle.\n\n"
           + head.format(2, "Oie <oie@work.example>", "Re: Vs: Arve") + "In-Reply-To: <m1@x>\n\nAitäh!\n")
    path = write("arve.mbox", box)
    convs, report = read_all([path])
    assert [t.speaker for t in convs[0].turns] == [Speaker.CUSTOMER, Speaker.AGENT, Speaker.AGENT]
    assert len(report.notes) == 1 and report.notes[0].offset == 0
    assert "3 senders" in report.notes[0].message and "--agent-domain" in report.notes[0].message
    convs, report = read_all([path], options=ReaderOptions(agent_domains=frozenset({"pood.example"})))
    assert [t.speaker for t in convs[0].turns] == [Speaker.CUSTOMER, Speaker.AGENT, Speaker.CUSTOMER]
    assert report.notes == ()


def test_a_body_line_beginning_with_from_does_not_split_an_mbox_message(write):
    """Writers that do not escape it as '>From' leave 'From what I can tell' in a body; only a line of
    a sender and a date after a blank line starts a message (Thunderbird writes 'From - <date>')."""
    mbox = ("From john@example.com Mon Oct  5 10:00:00 2026\n"
            "From: John <john@example.com>\nTo: help@example.org\nSubject: Router\n"
            "Date: Mon, 05 Oct 2026 10:00:00 +0000\nMessage-ID: <j1@example.com>\n\n"
            "Hi,\nmy router is broken.\n\nFrom what I can tell the lights are red.\n\nJohn\n\n"
            "From - Mon Oct 05 11:00:00 2026\n"
            "From: Help <help@example.org>\nTo: john@example.com\nSubject: Re: Router\n"
            "Date: Mon, 05 Oct 2026 11:00:00 +0000\nMessage-ID: <h1@example.org>\n"
            "In-Reply-To: <j1@example.com>\n\nHi John, I have sent you a new router.\n")
    convs, report = read_all([write("box.mbox", mbox)])
    assert len(convs) == 1 and report.problems == ()
    first, second = convs[0].turns
    assert "From what I can tell the lights are red." in first.text
    assert second.text.startswith("Hi John, I have sent you a new router.")


_HEAD = ("From {0}@x.example Mon Oct 05 1{1}:00:00 2026\n"
         "From: {0}@x.example\nSubject: {2}\nMessage-ID: <{0}@x>\n")


def test_a_message_cut_short_or_without_a_body_is_a_problem_not_a_quote_note(write):
    """An mbox cut off in the last message's headers lost that message: it is counted as skipped with a
    reason that says so, not a note claiming "only quoted text" (audit F3). A message with an empty
    body (attachments only) is skipped too; a message of only quoted text is still a note."""
    first = _HEAD.format("a", 0, "Arve") + "\nMinu arve on vale.\n\n"
    cut = first + _HEAD.format("b", 1, "Re: Arve") + "In-Reply-To: <a@x>\nContent-Type: text/pl"
    convs, report = read_all([write("cut.mbox", cut)])
    assert [[t.text for t in c.turns] for c in convs] == [["Minu arve on vale."]]
    assert report.skipped == 1 and report.notes == ()
    problem = report.problems[0]
    assert problem.offset == len(first.encode())
    assert "cut short" in problem.message and "quoted" not in problem.message
    assert problem.message.endswith("; message skipped")
    # cut in the text: that cannot be told from a whole message, but a file without a final line break
    # earns a note
    convs, report = read_all([write("mid.mbox", first + _HEAD.format("b", 1, "Re: Arve") + "\nAitäh, vaat")])
    assert [t.text for t in convs[0].turns] == ["Minu arve on vale.", "Aitäh, vaat"] and report.skipped == 0
    assert [n.offset for n in report.notes] == [len(first.encode())]
    assert "cut short" in report.notes[0].message

    empty = (first + _HEAD.format("c", 1, "Re: Arve") + "In-Reply-To: <a@x>\n\n\n"
             + _HEAD.format("d", 2, "Re: Arve") + "In-Reply-To: <a@x>\n\n> Minu arve on vale.\n")
    convs, report = read_all([write("empty.mbox", empty)])
    assert [[t.text for t in c.turns] for c in convs] == [["Minu arve on vale."]]
    assert report.skipped == 1 and "no text" in report.problems[0].message
    assert "quoted" not in report.problems[0].message
    quote_only = "message has no text of its own (only quoted text); left out"
    assert [n.message for n in report.notes] == [quote_only]


def test_an_eml_without_a_body_says_so(write):
    eml = write("tyhi.eml", "From: a@x.example\nSubject: Arve\n\n")
    convs, report = read_all([eml])
    assert convs == [] and report.skipped == 1
    assert "no text" in report.problems[0].message and "quotes" not in report.problems[0].message
