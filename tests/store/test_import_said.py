"""An import job keeps each problem's message code and values (``said``) beside its English message, so
the dashboard can say it in Estonian: redacted as the message is, notes framed as notes, the store's and
the analysis' own problems too; a problem without one, and an old row, keep their message only."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from servio.ingest import Problem
from servio.ingest.said import Said
from servio.redact import RedactionConfig
from servio.store import Store, import_paths
from servio.store.convert import problem_dict
from tests.store.helpers import conversation, write_jsonl

_BAD = ("id,speaker,text,timestamp\ne1,mari@firma.ee,tere,\ne2,customer,tere,tel 5123 4567\n"
        "e2,agent,Tere!,\n")  # e2 has an agent turn: a conversation without one is skipped as unscorable


def _saids(store: Store, job_id: int) -> list[Said]:
    job = store.get_import_job(job_id)
    assert job is not None and job.problems
    return [Said.from_json(p["said"]) for p in job.problems]


def test_a_jobs_problems_keep_their_code_and_values_redacted_as_the_message(store: Store,
                                                                          tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(_BAD, "utf-8")
    report = import_paths(store, [bad])
    job = store.get_import_job(report.job_id)
    assert job is not None
    stored = json.dumps([p["said"] for p in job.problems], ensure_ascii=False)
    assert "mari@firma.ee" not in stored and "5123 4567" not in stored and "REDACTED-EMAIL" in stored
    speaker, timestamps = _saids(store, report.job_id)
    assert speaker.code == "skip.row" and timestamps.code == "note"
    # the message the job keeps is the English of what it keeps, with the remedy in the service's words
    from servio.ingest.remedies import render

    assert [render(str(s), "service") for s in (speaker, timestamps)] == [p["message"] for p in job.problems]
    assert speaker.text("et").startswith("rääkija „REDACTED-EMAIL” on tundmatu")  # in Estonian quotes
    assert timestamps.text("et") == ("märkus: ajatempleid, millest aru ei saadud: 1 (esimene: 'tel "
                                     "REDACTED-PHONE'); repliigid jäeti alles ilma ajata")
    plain = import_paths(store, [bad], redact=RedactionConfig(enabled=False))
    assert "mari@firma.ee" in str(_saids(store, plain.job_id)[0])


def test_a_note_keeps_its_note_framing_as_a_code_of_its_own(store: Store, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", "utf-8")
    report = import_paths(store, [empty])
    job = store.get_import_job(report.job_id)
    assert job is not None
    assert job.problems[0]["message"] == "note: empty file; nothing to read"
    empty_file = {"code": "file.empty", "params": {}}
    assert job.problems[0]["said"] == {"code": "note", "params": {"detail": empty_file}}
    assert _saids(store, report.job_id)[0].text("et") == "märkus: tühi fail; pole midagi lugeda"


def test_the_stores_own_problems_are_said_too(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [conversation(1), replace(conversation(2), id="x" * 300)])
    report = import_paths(store, path)
    (said,) = _saids(store, report.job_id)
    assert str(said) == report.problems[0].message == (
        f"conversation {'x' * 40!r}: conversation id is longer than 255 characters; skipped")
    assert said.text("et") == f"vestlus {'x' * 40!r}: vestluse tunnus on pikem kui 255 märki; jäeti vahele"


def test_a_problem_without_a_code_and_an_old_row_keep_their_message_only() -> None:
    assert "said" not in problem_dict(Problem("a.txt", 1, None, "odd"))
    assert problem_dict({"path": "a", "line": None, "offset": None, "message": "m"}) == {
        "path": "a", "line": None, "offset": None, "message": "m"}
    said = Said("file.empty")
    assert problem_dict(Problem("a.txt", None, None, str(said), said))["said"] == said.to_json()


def test_a_speaker_label_that_is_an_e_mail_address_is_not_in_the_jobs_remedy(store: Store,
                                                                            tmp_path: Path) -> None:
    """A transcript whose agent label is an e-mail address, imported with redaction on (the default): the
    job's problem in English and as the dashboard says it in Estonian names no usable-looking
    ``--speaker REDACTED-EMAIL=agent`` (docs audit) and not the address, but to map the label as the file
    has it."""
    from servio.service.routers.imports import job_out

    chat = tmp_path / "chat.jsonl"
    chat.write_text('{"id": "c1", "turns": [{"speaker": "anna.tamm@example.com", "text": "Tere! Kuidas saan '
                    'aidata?"}, {"speaker": "customer", "text": "Mul on küsimus arve kohta."}]}\n', "utf-8")
    job = store.get_import_job(import_paths(store, [chat]).job_id)
    assert job is not None
    shown = {lang: job_out(job, lang)["problems"][0]["message"] for lang in ("en", "et")}
    for text in shown.values():
        assert "anna" not in text and "REDACTED-EMAIL=agent" not in text and "'REDACTED-EMAIL'" in text
    assert "speaker roles (LABEL=agent, =customer or =system, with LABEL exactly as the file has it there" \
        in shown["en"]
    assert "„Rääkijate rollid” (SILT=teenindaja, =klient või =süsteem, kus SILT on kirjutatud täpselt " \
        "nii nagu failis" in shown["et"]
