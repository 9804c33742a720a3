"""Plain-text transcripts: who a line belongs to when its label is not a known speaker."""

from __future__ import annotations

from servio.ingest import ReaderOptions, read_all
from servio.model import Speaker

A, C = Speaker.AGENT, Speaker.CUSTOMER


def _turns(convs):
    return [(t.speaker, t.text) for t in convs[0].turns]


def test_an_unknown_speaker_after_the_first_turn_is_not_the_previous_speakers_words(write):
    text = ("Klient: Tere, kas saate aidata?\nTeenindaja Kati: Tere! Muidugi.\n"
            "Mari Maasikas: Mul on küsimus arve kohta.\nSee on suur.\n"
            "Kati: Mis küsimus?\nKlient: Arve on vale.\n[SPEAKER_01]: diarisation label\n")
    convs, report = read_all([write("names.txt", text)])
    assert _turns(convs) == [(C, "Tere, kas saate aidata?"), (A, "Tere! Muidugi."), (C, "Arve on vale.")]
    assert [(p.line, p.text("cli").split(": ", 1)[1].split(";")[0]) for p in report.problems] == [
        (3, "unknown speaker 'Mari Maasikas' (map it with --speaker 'Mari Maasikas=agent' (or =customer, "
            "=system))"),
        (5, "unknown speaker 'Kati' (map it with --speaker Kati=agent (or =customer, =system))"),
        (7, "unknown speaker 'SPEAKER_01' (map it with --speaker SPEAKER_01=agent (or =customer, =system))")]
    # Python callers read the option that maps it
    assert "(map it with ReaderOptions.speaker_values)" in str(report.problems[0])
    assert "not read as the previous speaker's words" in report.problems[0].message
    mapped = ReaderOptions(speaker_values={"Mari Maasikas": C, "Kati": A, "SPEAKER_01": C})
    convs, report = read_all([write("names.txt", text)], options=mapped)
    assert report.problems == () and len(convs[0].turns) == 6
    assert convs[0].turns[2] == convs[0].turns[2].__class__(C, "Mul on küsimus arve kohta.\nSee on suur.",
                                                           author="Mari Maasikas")


def test_a_single_word_label_inside_a_turn_stays_its_line_with_a_note(write):
    text = ("Klient: Saatke arve.\nTeenindaja: Teie andmed:\nNimi: Mari Maasikas\nAadress: Pärnu mnt 1\n"
            "Klient: Ja teine arve?\nTeenindaja: Ka see:\nNimi: Mari Maasikas\n")
    convs, report = read_all([write("fields.txt", text)])
    assert _turns(convs)[1] == (A, "Teie andmed:\nNimi: Mari Maasikas\nAadress: Pärnu mnt 1")
    assert _turns(convs)[3] == (A, "Ka see:\nNimi: Mari Maasikas")  # noted once per label
    assert report.problems == () and [n.line for n in report.notes] == [3, 4]
    assert "'Nimi:' reads like a speaker label; kept as a line of the previous" in report.notes[0].message


def test_a_speaker_word_with_a_spaced_dash_opens_a_turn(write):
    text = ("[12:03] Klient: Tere, mu arve on vale.\n[12:03] Teenindaja: Vaatan järele.\n"
            "KLIENT - Aga miks see nii kallis on?\nTEENINDAJA – Tariif muutus.\n[12:05] Klient - Selge.\n"
            "Kati - see ei ole kõneleja\n")
    convs, report = read_all([write("dash.txt", text)])
    assert _turns(convs) == [(C, "Tere, mu arve on vale."), (A, "Vaatan järele."),
                             (C, "Aga miks see nii kallis on?"), (A, "Tariif muutus."),
                             (C, "Selge.\nKati - see ei ole kõneleja")]
    assert report.problems == ()
    mapped = read_all([write("dash.txt", text)], options=ReaderOptions(speaker_values={"Kati": A}))[0]
    assert mapped[0].turns[-1].text == "see ei ole kõneleja" and mapped[0].turns[-1].author == "Kati"


def test_an_address_as_the_label_is_a_speaker_never_the_previous_speakers_words(write):
    # some chat and ticket exports name each side by its e-mail address; the customer's line used to be
    # joined to the agent's turn unseen (and redaction then hid the address in the middle of it)
    text = ("kati@shop.ee: Tere! Kuidas saan aidata?\n[10:32] anna.tamm@example.com: Mu arve on vale.\n"
            "Teine rida.\n<kati@shop.ee>: Vaatan kohe.\nKirjutage: info@shop.ee: see on tekst\n")
    convs, report = read_all([write("addresses.txt", text)])
    assert convs == [] or all("Mu arve" not in t.text for c in convs for t in c.turns)
    assert [p.line for p in report.problems][:2] == [1, 2]
    assert "unknown speaker 'anna.tamm@example.com'" in report.problems[1].text("cli")
    by_domain = ReaderOptions(agent_domains=frozenset({"shop.ee"}))
    convs, report = read_all([write("addresses.txt", text)], options=by_domain)
    assert report.problems == ()
    assert _turns(convs) == [(A, "Tere! Kuidas saan aidata?"), (C, "Mu arve on vale.\nTeine rida."),
                             (A, "Vaatan kohe.\nKirjutage: info@shop.ee: see on tekst")]
    assert [t.author for t in convs[0].turns] == ["kati@shop.ee", "anna.tamm@example.com", "kati@shop.ee"]
    mapped = ReaderOptions(speaker_values={"kati@shop.ee": A, "Anna.Tamm@example.com": C})
    assert _turns(read_all([write("addresses.txt", text)], options=mapped)[0]) == _turns(convs)


def test_a_csv_speaker_column_of_addresses_reads_by_the_agent_domain(write):
    text = "id;speaker;text\nc1;kati@shop.ee;Tere!\nc1;anna@example.com;Arve on vale.\n"
    by_domain = ReaderOptions(agent_domains=frozenset({"shop.ee"}))
    convs, report = read_all([write("rows.csv", text)], options=by_domain)
    assert report.problems == () and _turns(convs) == [(A, "Tere!"), (C, "Arve on vale.")]
    skipped = read_all([write("rows.csv", text)])[1]
    assert [p.line for p in skipped.problems] == [2, 3]  # no domain given: not known, as before


def test_a_name_before_an_address_in_angle_brackets_is_the_label_too(write):
    # "Anna Tamm <anna@example.com>:" was still joined to the agent's turn unseen (audit 18b); an address
    # inside running text with a colon after it stays the text's
    text = ("Agent: Tere! Kuidas saan aidata?\nAnna Tamm <anna@example.com>: Mu arve on vale.\n"
            "Agent: Vaatan kohe.\nPlease write to info@shop.ee: we answer fast\n")
    convs, report = read_all([write("named.txt", text)])
    assert [p.line for p in report.problems] == [2]
    assert "unknown speaker 'anna@example.com'" in report.problems[0].text("cli")
    assert all("Mu arve" not in t.text for t in convs[0].turns)
    by_domain = ReaderOptions(agent_domains=frozenset({"shop.ee"}))
    convs, report = read_all([write("named.txt", text)], options=by_domain)
    assert report.problems == ()
    assert _turns(convs) == [(A, "Tere! Kuidas saan aidata?"), (C, "Mu arve on vale."),
                             (A, "Vaatan kohe.\nPlease write to info@shop.ee: we answer fast")]
    assert convs[0].turns[1].author == "Anna Tamm"
    by_name = ReaderOptions(speaker_values={"Anna Tamm": C})  # the name maps it as well as the address
    assert _turns(read_all([write("named.txt", text)], options=by_name)[0]) == _turns(convs)
