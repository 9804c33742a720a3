"""Reader problems and notes are a message code and its values (servio.ingest.said), said in English or
Estonian from servio/ingest/data/messages.toml: the catalogue is complete in both languages, the English
text is the message exactly as before, messages compose, numbers are written as each language writes
them, and a message survives its JSON form."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from servio.ingest import IngestError, read_all, read_conversations
from servio.ingest.base import Problem, Reporter
from servio.ingest.fields import FieldError
from servio.ingest.remedies import remedy, render
from servio.ingest.said import LANGUAGES, Said, group_number, messages, placeholders

ROOT = Path(__file__).resolve().parents[2]
Write = Callable[[str, str | bytes], Path]

#: Codes made from a variable (the archive kinds of servio/ingest/registry.py, the channel and contact
#: type fallbacks of fields.py), which a scan for literals cannot see.
_MADE = {f"archive.{kind}" for kind in ("gzip", "zip", "7z", "bzip2", "xz")} | {
    "field.fallback_channel", "field.fallback_contact_type"}


def _sections() -> set[str]:
    return {code.split(".")[0] for code in messages("en")}


def _codes_in_source() -> set[str]:
    """Every string literal in servio/ that is a catalogue code or looks like one (``"skip.row"``)."""
    catalogue = messages("en")
    literal = re.compile(r"""["']([a-z_0-9]+(?:\.[a-z_0-9]+)?)["']""")
    found: set[str] = set()
    for path in (ROOT / "servio").rglob("*.py"):
        for code in literal.findall(path.read_text("utf-8")):
            if code in catalogue or ("." in code and code.split(".")[0] in _sections()):
                found.add(code)
    return found


def test_both_languages_have_every_code_with_the_same_placeholders() -> None:
    english, estonian = messages("en"), messages("et")
    assert set(english) == set(estonian)
    different = [code for code in english if placeholders(english[code]) != placeholders(estonian[code])]
    assert different == []
    assert set(LANGUAGES) == {"en", "et"}  # the catalogue languages (only membership is read)


def test_every_code_the_source_says_is_in_the_catalogue_and_none_is_unused() -> None:
    used = _codes_in_source() | _MADE
    catalogue = set(messages("en"))
    assert sorted(used - catalogue) == []
    assert sorted(catalogue - used) == []


def test_the_readers_say_no_message_outside_the_catalogue() -> None:
    """A reader's problem, note or error is a Said, not an English f-string: no `.problem(path, f"...`."""
    plain = re.compile(r"""\.(?:problem|note)\([^,]+,\s*f?["']|(?:FieldError|IngestError)\(f?["']""")
    found = [f"{p.name}: {m.group()}" for p in (ROOT / "servio" / "ingest").glob("*.py")
             for m in plain.finditer(p.read_text("utf-8"))]
    assert found == []


def _corpus(write: Write) -> Path:
    """Files with one bad thing or another in each, covering most of the readers' messages."""
    write("in/a.csv", "id,speaker,text,timestamp,date\nc1,klient,Tere,xx,notadate\nc1,kati,Hei,,\n"
                      "c1,agent,a,b,c,d\nc2,agent\nc3,agent,\n")
    write("in/b.jsonl", '{"id":"j1","turns":[{"speaker":"agent","text":"x"}]}\n{bad json\n'
                        '{"id":"j2","turns":[{"speaker":"kati","text":"x"}]}\n'
                        '{"id":"j1","turns":[{"speaker":"agent","text":"x"}]}\n'
                        '{"id":"j3","turns":[{"speaker":"agent","text":"x","timestamp":5}]}\n'
                        '{"id":"j4","channel":"fax","turns":[{"speaker":"agent","text":null}]}\n'
                        '{"id":"j5","turns":[]}\n[1]\n{"id":"j6","turns":[{"speaker":"agent","text":"x",'
                        '"stages":[9]}]}\n{"id": "j7", "turns": [{"speaker": "agent", "te')
    write("in/c.txt", "Klient: tere\nMari: hei\n---\n# id: t2\n---\nsissejuhatus\nKlient: x\n")
    write("in/d.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Boss>hi\n\nbad\nno timing\n")
    write("in/e.eml", "From: a@b.ee\nTo: c@d.ee\nSubject: x\n\n")
    write("in/f.csv", b"id;speaker;text\nc1;klient;T\xe4na\nc1;agent;\xd5ige\n")
    write("in/g.txt", "")
    write("in/h.zip", b"PK\x03\x04" + bytes(range(256)) * 8)
    write("in/i.md", "# Notes\n\nnothing here\n")
    write("in/people.csv", "name,email\nMari,mari@example.com\n")
    return Path(write("in/.keep", "")).parent


def test_every_problem_and_note_of_the_readers_is_said_and_its_english_is_the_message(write: Write) -> None:
    _, report = read_all(_corpus(write))
    items = report.problems + report.notes
    assert len(items) >= 20
    codes: set[str] = set()
    for item in items:
        assert item.said is not None, item.message
        assert item.said.text("en") == item.message
        estonian = item.what("service", "et")
        assert estonian != item.what("service") and "{" not in estonian and "\u27e6" not in estonian, estonian
        codes.update(item.said.codes())
    assert {"skip.line", "skip.row", "skip.file", "skip.conversation", "skip.cue", "skip.bare",
            "csv.unknown_speaker", "jsonl.invalid", "jsonl.invalid_cut", "jsonl.turn", "field.stages_bad",
            "encoding.cp1257", "file.empty", "format.archive", "stream.duplicate"} <= codes


@pytest.mark.parametrize(("name", "body", "message"), [
    ("a.csv", "id,speaker,text\nc1,agent,a,b\n",
     "row has 4 fields but the header has 3 (an unquoted delimiter in the text?); row skipped"),
    ("b.csv", "id,speaker,text\nc1,kati,Tere\n",
     "speaker 'kati' is not known (known: admin, adviser, advisor, agent, automaat, automated, bot, buyer, "
     "caller, chatbot, client, consultant, ...; \u27e6speaker:kati\u27e7); row skipped"),
    ("c.jsonl", '{"turns": [{"speaker": "agent", "text": "x", "stages": [8]}]}\n',
     "turn 1: stages [8] are not stage numbers 1..7; conversation skipped"),
    ("d.jsonl", '{"turns": [{"speaker": "agent", "te\n',
     "invalid JSON (truncated?): Unterminated string starting at (column 33); line skipped"),
    ("e.txt", "Tere\nKlient: x\n",
     "text before the first speaker prefix ('Klient:', 'Agent:', ...); line skipped"),
    ("f.srt", "1\n00:00:01,000 --> 00:00:02,000\nBoss: hi\n\n2\n00:00:03,000 --> 00:00:04,000\nKlient: x\n",
     "unknown speaker 'Boss' (\u27e6speaker:Boss\u27e7); cue skipped"),
])
def test_english_messages_are_byte_for_byte_what_they_were(write: Write, name: str, body: str,
                                                            message: str) -> None:
    _, report = read_all(write(name, body))
    assert [p.message for p in report.problems] == [message]


def test_the_estonian_of_a_problem_says_the_remedy_in_the_dashboards_words(write: Write) -> None:
    _, report = read_all(write("a.csv", "id,speaker,text\nc1,kati,Tere\nc1,agent,a,b\n"))
    speaker, wide = report.problems
    assert speaker.what("service", "et").startswith("rääkija „kati” on tundmatu (tuntud: admin, ")
    assert speaker.what("service", "et").endswith(
        "määra selle roll impordi väljal „Rääkijate rollid” (kati=teenindaja, =klient või =süsteem; "
        "töölaual: Veel lugemisvalikuid) või kirjuta failis selle asemele teenindaja, klient või süsteem); "
        "rida jäeti vahele")
    assert wide.text("service", "et") == (f"{wide.path}:3: real on 4 välja, päises aga 3 (jutumärkideta "
                                          "eraldaja tekstis?); rida jäeti vahele")
    assert wide.text("service") == wide.text("service", "en")


def test_a_message_frames_another_and_a_foreign_text_stays_as_it_is() -> None:
    inner = Said("field.stages_bad", {"values": "[8]"})
    said = Said("skip.conversation", {"reason": Said("jsonl.turn", {"index": 3, "detail": inner})})
    assert str(said) == "turn 3: stages [8] are not stage numbers 1..7; conversation skipped"
    assert said.text("et") == "repliik 3: stages [8] pole etappide numbrid 1..7; vestlus jäeti vahele"
    assert list(said.codes()) == ["skip.conversation", "jsonl.turn", "field.stages_bad"]
    parser = Said("skip.line", {"reason": Said("jsonl.invalid", {"detail": "Expecting value", "column": 1})})
    assert parser.text("et") == "vigane JSON: Expecting value (veerg 1); rida jäeti vahele"


def test_numbers_are_grouped_as_each_language_writes_them_where_english_groups_them() -> None:
    assert group_number(52428800, "en") == "52,428,800"
    assert group_number(52428800, "et") == "52\u00a0428\u00a0800"
    too_big = Said("email.too_big", {"size": 52428800, "limit": 16777216, "remedy": ""})
    assert str(too_big) == "message of 52,428,800 bytes is over the limit of 16,777,216"
    assert too_big.text("et") == "kiri on 52\u00a0428\u00a0800 baiti, üle piiri 16\u00a0777\u00a0216"
    row = Said("csv.wide_row", {"fields": 1234, "header": 3})  # a count in running text is not grouped
    assert str(row).startswith("row has 1234 fields")


def test_a_message_survives_its_json_form() -> None:
    said = Said("skip.row", {"reason": Said("csv.unknown_speaker", {
        "value": "'kati'", "known": "agent, ...", "remedy": remedy("speaker", "kati")})})
    data = said.to_json()
    import json

    again = Said.from_json(json.loads(json.dumps(data)))
    assert again == said and hash(again) == hash(said) and again.text("et") == said.text("et")
    assert data == {"code": "skip.row", "params": {"reason": {"code": "csv.unknown_speaker", "params": {
        "value": "'kati'", "known": "agent, ...", "remedy": "\u27e6speaker:kati\u27e7"}}}}
    with pytest.raises(ValueError):
        Said.from_json({"params": {}})
    with pytest.raises(TypeError):
        Said("skip.row", {"reason": 1.5})  # type: ignore[dict-item]


def test_unknown_codes_fail_and_unknown_languages_are_english() -> None:
    with pytest.raises(KeyError):
        Said("no.such").text("et")
    assert Said("file.empty").text("fi") == "empty file; nothing to read"


def test_a_remedy_is_said_in_the_services_estonian_and_falls_back_to_english() -> None:
    message = f"x; {remedy('format')}"
    assert render(message, "service", "et") == "x; vali see impordi vormingu väljal (töölaual: Vorming)"
    assert render(message, "service") == render(message, "service", "en") == (
        "x; choose one in the import's format field (on the dashboard: Format)")
    assert render(message, "cli", "et") == render(message, "cli")  # the command line speaks English
    column = render(f"no text column ({remedy('column', 'text')})", "service", "et")
    assert column == ("no text column (kirjuta selle veeru nimi impordi veeruväljale (text=NIMI; töölaual: "
                      "Veel lugemisvalikuid, CSV-faili veerud))")


def test_errors_carry_their_message_and_say_english() -> None:
    error = FieldError(Said("csv.empty_text"))
    assert str(error) == "empty text" and error.said == Said("csv.empty_text")
    assert FieldError("plain").said is None
    with pytest.raises(IngestError) as caught:
        read_conversations("/no/such/place")
    assert str(caught.value) == "/no/such/place: no such file or folder"
    assert caught.value.said is not None and caught.value.said.text("et") == (
        "/no/such/place: sellist faili ega kausta pole")


def test_strict_mode_says_reading_stopped_in_both_languages(write: Write) -> None:
    path = write("a.csv", "id,speaker,text\nc1,agent,a,b\n")
    with pytest.raises(IngestError) as caught:
        list(read_conversations(path, strict=True))
    problem = caught.value.problem
    assert problem is not None and problem.said is not None
    assert problem.message == ("row has 4 fields but the header has 3 (an unquoted delimiter in the text?); "
                               "reading stopped (strict)")
    assert problem.said.text("en") == problem.message
    assert problem.said.text("et").endswith("tekstis?); lugemine peatati (range režiim)")


def test_a_plain_message_still_works_and_a_problem_equals_one_without_its_said() -> None:
    reporter = Reporter()
    reporter.problem("a.txt", "something odd; line skipped", line=2)
    reporter.note("a.txt", Said("file.empty"))
    problem, note = reporter.summary().problems[0], reporter.summary().notes[0]
    assert problem.said is None and problem.what("service", "et") == "something odd; line skipped"
    assert note == Problem("a.txt", None, None, "empty file; nothing to read")
    assert note.text("service", "et") == "a.txt: tühi fail; pole midagi lugeda"


def test_the_estonian_messages_use_the_dashboards_words() -> None:
    """A turn is a 'repliik', a team a 'meeskond', an agent a 'teenindaja', as on the dashboard."""
    import tomllib
    from importlib import resources

    dashboard = tomllib.loads(resources.files("servio.web.i18n").joinpath("et.toml").read_text("utf-8"))
    estonian = " ".join(messages("et").values()).lower()
    assert dashboard["turn"] == "repliik" and "repliik" in estonian and "pöördumine" not in estonian
    assert dashboard["users_agent_id"].lower() in estonian and "meeskond" in estonian
    assert "tiim" not in estonian and "agendi" not in estonian and "kõne" not in estonian


def test_every_remedy_the_dashboard_shows_has_its_estonian_words() -> None:
    """A remedy kind added for the service without an Estonian text was said in English inside an
    Estonian sentence on the dashboard (the 'agent' remedy of a conversation with nothing to score)."""
    from servio.ingest.remedies import TEXTS, _texts

    service = _texts()["service"]
    assert {k for k in TEXTS if k in service} == set(service["et"]), "every service remedy in Estonian too"
    assert "speaker_unquoted" in service["et"]


def test_a_quoted_value_is_quoted_as_each_language_quotes_and_only_once() -> None:
    # audit 19a m11: the Estonian page said "tundmatu rääkija 'Mari Maasikas'" beside „Rääkijate rollid”
    from servio.ingest.remedies import remedy

    fresh = Said("speaker.unknown", {"label": "Mari Maasikas", "remedy": remedy("speaker", "Mari Maasikas")})
    assert fresh.text("en").startswith("unknown speaker 'Mari Maasikas' (")
    assert fresh.text("et").startswith("tundmatu rääkija „Mari Maasikas” (")
    # a job stored before the templates quoted keeps the label quoted: it is quoted once, not twice
    old = Said("speaker.unknown", {"label": "'Mari Maasikas'", "remedy": remedy("speaker", "Mari Maasikas")})
    assert old.text("en") == fresh.text("en") and old.text("et") == fresh.text("et")
    assert Said("csv.unknown_speaker", {"value": "kati", "known": "agent", "remedy": ""}).text("et") \
        .startswith("rääkija „kati” on tundmatu")
